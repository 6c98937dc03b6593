//! What a drill does to one step of the match-day simulation: the one type
//! the simulation (`autoscale.rs`), the tiers below the API (`tiers.rs`) and
//! the drills (`drills.rs`) share.

/// What a drill does to one step of the match day (`drills.rs` builds
/// them). The default is a normal step.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fault {
    /// Share of the running tasks that stop at the start of the step (an
    /// AZ's tasks); ECS launches replacements towards the desired count.
    pub stop_share: f64,
    /// Every Fargate Spot task stops at the start of the step (the share
    /// `app.spot_share` of the tasks above the on-demand base).
    pub stop_spot: bool,
    /// Share of the running tasks that serve (below 1 while a deploy with
    /// a minimum healthy percent under 100 replaces them).
    pub serving_share: f64,
    /// A deploy's second set of tasks: each running task has a twin that
    /// holds its pools and cache connections and is registered with the ALB.
    pub overlap: bool,
    /// The API answers 5xx: every origin request fails, except those
    /// CloudFront answers from a stale copy (`stale_served`).
    pub origin_down: bool,
    /// CloudFront serves the last good copy of cacheable requests
    /// (`stale-if-error` within its window).
    pub stale_served: bool,
    /// The cache is unreachable: the app reads MySQL instead (see `hit_ratio`).
    pub cache_down: bool,
    /// The cache's hit ratio this step, when a drill changed it.
    pub hit_ratio: Option<f64>,
    /// The MySQL writer is away: its queries fail, nothing is published.
    pub writer_down: bool,
    /// Seconds the feed lags what was published (see [`Step::stale_s`](super::autoscale::Step::stale_s)).
    pub stale_s: f64,
}

impl Default for Fault {
    fn default() -> Fault {
        Fault {
            stop_share: 0.0,
            stop_spot: false,
            serving_share: 1.0,
            overlap: false,
            origin_down: false,
            stale_served: false,
            cache_down: false,
            hit_ratio: None,
            writer_down: false,
            stale_s: 0.0,
        }
    }
}
