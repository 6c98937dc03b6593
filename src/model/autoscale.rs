//! The match-day simulation: ECS target tracking (and, optionally, scheduled
//! pre-scaling) against the match-day demand, step by step, with the queueing
//! latency and error share the fans see.
//!
//! Target tracking is modelled as AWS documents it: one datapoint per metric
//! period, visible `metric_delay_s` later; scale out when the last
//! `scale_out_datapoints` are all above target (and the scale-out cooldown has
//! passed), to `ceil(running × metric / target)`; scale in when the last
//! `scale_in_datapoints` are all below 90 % of target. New tasks serve after
//! `task_start_s` plus `healthy_threshold` health checks.

use super::demand::Demand;
use super::fargate::FargateSizing;
pub use super::fault::Fault;
use super::limits::Quotas;
use super::profile::{self, Point};
use super::queueing::{mmc, tier_step, QueueStats};
use super::scenario::Scenario;
use super::tiers::{self, Backlogs, TierUse, Tiers};
use serde::Serialize;

/// One simulation step.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Step {
    pub t_s: f64,
    pub fans: f64,
    /// Requests offered to the origin.
    pub demand_rps: f64,
    /// What the serving tasks serve at 100 % CPU.
    pub capacity_rps: f64,
    pub running_tasks: u32,
    pub desired_tasks: u32,
    /// API utilisation, offered over capacity, at most 1 (see `tiers.app`).
    pub utilization: f64,
    /// p95 response time, seconds (at most the request timeout).
    pub p95_s: f64,
    /// Share of the step's requests that fail, every tier together.
    pub error_share: f64,
    /// Seconds a request arriving at the end of the step waits in the API's
    /// queue (backlog ÷ capacity).
    pub backlog_s: f64,
    /// Every tier's utilisation in the step.
    pub tiers: TierUse,
    /// Seconds the feed fans get lags what was published because the
    /// origin cannot update it (a drill: the writer away, or CloudFront
    /// serving a stale copy while the origin fails). 0 on a normal day.
    pub stale_s: f64,
}

/// The first step a tier was above 100 %.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Saturation {
    pub t_s: f64,
    pub tier: &'static str,
    pub utilisation: f64,
}

/// One run over the match day.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SimRun {
    pub prescaled: bool,
    pub steps: Vec<Step>,
    pub peak_error_share: f64,
    /// When the worst error share happened, seconds from kickoff.
    pub peak_error_t_s: f64,
    /// Seconds in which the error share exceeded the SLO.
    pub seconds_over_error_slo: f64,
    /// Share of the window's origin requests that failed: grows with how
    /// long an overload lasts, where the worst step's share saturates.
    pub failed_share: f64,
    pub max_running_tasks: u32,
    /// Worst p95 response time over every step, seconds.
    pub worst_p95_s: f64,
    /// Task-hours billed over the window (from launch).
    pub task_hours: f64,
    pub spot_task_hours: f64,
    pub task_starts: u32,
    /// The largest utilisation each tier reached.
    pub peak_use: TierUse,
    /// Seconds in which some tier was above 100 %.
    pub saturated_seconds: f64,
    pub first_saturation: Option<Saturation>,
    /// Most tasks launched within one minute.
    pub max_launches_per_minute: u32,
}

impl SimRun {
    /// A run not made: no steps, nothing counted (`plan::core_for_search`);
    /// also where `run` starts counting from.
    pub fn unrun() -> SimRun {
        SimRun {
            prescaled: false,
            steps: Vec::new(),
            peak_error_share: 0.0,
            peak_error_t_s: 0.0,
            seconds_over_error_slo: 0.0,
            failed_share: 0.0,
            max_running_tasks: 0,
            worst_p95_s: 0.0,
            task_hours: 0.0,
            spot_task_hours: 0.0,
            task_starts: 0,
            peak_use: TierUse::default(),
            saturated_seconds: 0.0,
            first_saturation: None,
            max_launches_per_minute: 0,
        }
    }
}

struct Datapoint {
    visible_at: f64,
    /// Metric / target for the CPU and request-count policies.
    ratio: f64,
    running: u32,
}

/// Seconds from launch until a new task serves: start, then the healthy
/// threshold's health checks.
pub fn ready_after_s(s: &Scenario) -> f64 {
    s.scaling.task_start_s + s.scaling.health_check_interval_s * f64::from(s.scaling.healthy_threshold)
}

/// The pre-scale lead the plan exports: the scenario's
/// `scaling.prescale_lead_minutes`, or more when the pre-game ramp would
/// push the off-peak floor past its target utilisation before the
/// scheduled tasks serve. Those tasks must be launched (at most
/// `fargate.service_launch_per_minute` a minute) and ready
/// ([`ready_after_s`]) by the first step whose demand exceeds the floor's
/// capacity at the target. Whole minutes (the schedule is a cron).
pub fn prescale_lead_minutes(s: &Scenario, f: &FargateSizing, points: &[Point], demands: &[Demand]) -> f64 {
    let lead = s.scaling.prescale_lead_minutes.ceil();
    if !s.scaling.prescale_enabled || !f.prescales() {
        return lead;
    }
    let floor = f64::from(f.min_tasks) * f.task_capacity_rps * s.app.target_utilization;
    let Some(first) = points
        .iter()
        .zip(demands)
        .find(|(_, d)| d.origin_rps > floor)
        .map(|(p, _)| p.t_s)
    else {
        return lead;
    };
    let q = Quotas::new(&s.limit_overrides);
    let launch_minutes =
        (f64::from(f.prescale_tasks - f.min_tasks) / q.get("fargate.service_launch_per_minute")).ceil();
    let needed = ((ready_after_s(s) - first) / 60.0 + launch_minutes).ceil();
    lead.max(needed)
}

/// Simulate one match day. `demands[i]` is the demand at `points[i]`;
/// `tiers` the capacities below the API.
pub fn simulate(
    s: &Scenario,
    f: &FargateSizing,
    tiers: &Tiers,
    points: &[Point],
    demands: &[Demand],
    prescale: bool,
) -> SimRun {
    run(s, f, tiers, points, demands, (prescale, true), &[])
}

/// [`simulate`] with a drill: `faults[i]` perturbs step `i` (missing
/// entries are normal steps). `demands` carries the drill's own demand
/// (a cache hit ratio changed, say).
pub fn simulate_with_faults(
    s: &Scenario,
    f: &FargateSizing,
    tiers: &Tiers,
    (points, demands): (&[Point], &[Demand]),
    prescale: bool,
    faults: &[Fault],
) -> SimRun {
    run(s, f, tiers, points, demands, (prescale, true), faults)
}

/// [`simulate`] for the bill: the same tasks and task-hours (autoscaling
/// sees only the load and the queue), without the M/M/c latency and timeout
/// share of stable steps, which the bill does not need.
pub fn simulate_for_bill(
    s: &Scenario,
    f: &FargateSizing,
    tiers: &Tiers,
    points: &[Point],
    demands: &[Demand],
    prescale: bool,
) -> SimRun {
    run(s, f, tiers, points, demands, (prescale, false), &[])
}

fn run(
    s: &Scenario,
    f: &FargateSizing,
    tiers: &Tiers,
    points: &[Point],
    demands: &[Demand],
    (prescale, queueing): (bool, bool),
    faults: &[Fault],
) -> SimRun {
    let sc = &s.scaling;
    let dt = sc.sim_step_s;
    let timeout = s.app.request_timeout_s;
    let mu = f.task_capacity_rps / f.task_vcpu * f.task_vcpu.min(1.0);
    let service_p95 = 20f64.ln() / mu;
    let ready_after = ready_after_s(s);
    let up_at = -f.prescale_lead_minutes * 60.0;
    let down_at = (profile::MATCH_MIN + s.match_day.post_game_decay_minutes) * 60.0;
    let target_cpu = f.target_cpu_percent / 100.0;
    let target_req_per_s = f.target_requests_per_task_per_minute / 60.0;
    let q = Quotas::new(&s.limit_overrides);
    let per_minute = q.get("fargate.service_launch_per_minute");
    let bucket_cap = q.get("fargate.task_launch_burst");
    let refill = q.get("fargate.task_launch_sustained_per_s");
    let in_window = |t: f64| prescale && t >= up_at && t < down_at;

    let start_t = points.first().map_or(0.0, |p| p.t_s);
    let mut running = if in_window(start_t) {
        f.prescale_tasks
    } else {
        f.min_tasks
    };
    let mut pending: Vec<f64> = Vec::new();
    let mut to_launch = 0u32;
    let mut launches: std::collections::VecDeque<(f64, u32)> = std::collections::VecDeque::new();
    let mut tokens = bucket_cap;
    let mut desired = running;
    let mut datapoints: Vec<Datapoint> = Vec::new();
    let mut n_visible = 0;
    let mut memo: Option<(u32, f64, QueueStats)> = None;
    let (mut period_sum, mut period_n, mut period_end) = (0.0, 0u32, f64::NAN);
    let (mut last_out, mut last_in) = (f64::NEG_INFINITY, f64::NEG_INFINITY);
    let mut backlog = 0.0;
    let mut below = Backlogs::default();
    let (mut offered, mut failed) = (0.0, 0.0);

    let mut run = SimRun {
        prescaled: prescale,
        steps: Vec::with_capacity(points.len()),
        max_running_tasks: running,
        ..SimRun::unrun()
    };

    let normal = Fault::default();
    for (i, (p, d)) in points.iter().zip(demands).enumerate() {
        let t = p.t_s;
        let fault = faults.get(i).unwrap_or(&normal);
        // A drill stops tasks; the launch logic below replaces them
        // (the desired count does not change).
        let spot = if fault.stop_spot {
            (f64::from(running.saturating_sub(f.on_demand_base_tasks)) * f.spot_share).round() as u32
        } else {
            0
        };
        let stopped = ((f64::from(running) * fault.stop_share).round() as u32).max(spot);
        running -= stopped.min(running);
        if period_end.is_nan() {
            period_end = t + sc.metric_period_s;
        }
        let min_now = if in_window(t) { f.prescale_tasks } else { f.min_tasks };

        // Autoscaling decisions on the datapoints visible now.
        if sc.autoscaling_enabled {
            // Datapoints become visible in the order they close.
            while n_visible < datapoints.len() && datapoints[n_visible].visible_at <= t {
                n_visible += 1;
            }
            let visible = &datapoints[..n_visible];
            // The newest `n` visible datapoints, or None while fewer exist.
            let last = |n: u32| visible.len().checked_sub(n as usize).map(|from| &visible[from..]);
            let out_ready = t - last_out >= sc.scale_out_cooldown_s;
            if let Some(out) =
                last(sc.scale_out_datapoints).filter(|dps| out_ready && dps.iter().all(|dp| dp.ratio > 1.0))
            {
                let newest = &out[out.len() - 1];
                let want = (f64::from(newest.running) * newest.ratio)
                    .ceil()
                    .min(f64::from(u32::MAX)) as u32;
                if want > desired {
                    desired = want.min(f.max_tasks);
                    last_out = t;
                }
            }
            let in_ready = t - last_in >= sc.scale_in_cooldown_s && t - last_out >= sc.scale_out_cooldown_s;
            if let Some(inn) =
                last(sc.scale_in_datapoints).filter(|dps| in_ready && dps.iter().all(|dp| dp.ratio < 0.9))
            {
                let newest = &inn[inn.len() - 1];
                let want = ((f64::from(newest.running) * newest.ratio).ceil() as u32).max(min_now);
                if want < desired {
                    desired = want;
                    last_in = t;
                }
            }
        } else {
            desired = min_now;
        }
        desired = desired.max(min_now).min(f.max_tasks.max(min_now));

        // Launch or stop tasks towards the desired count. ECS launches at
        // most `fargate.service_launch_per_minute` a minute, out of the
        // account's token bucket (`task_launch_burst`, refilled at
        // `task_launch_sustained_per_s`); the rest wait their turn.
        let have = running + pending.len() as u32 + to_launch;
        if desired > have {
            to_launch += desired - have;
        } else if desired < have {
            let mut excess = have - desired;
            let cut = excess.min(to_launch);
            to_launch -= cut;
            excess -= cut;
            while excess > 0 && !pending.is_empty() {
                pending.pop();
                excess -= 1;
            }
            running -= excess.min(running);
        }
        while launches.front().is_some_and(|&(at, _)| at <= t - 60.0) {
            launches.pop_front();
        }
        let last_minute: u32 = launches.iter().map(|&(_, n)| n).sum();
        let allowance = (tokens + refill * dt).min(per_minute - f64::from(last_minute)).max(0.0);
        let now = to_launch.min(allowance.floor() as u32);
        if now > 0 {
            for _ in 0..now {
                pending.push(t + ready_after);
            }
            to_launch -= now;
            run.task_starts += now;
            launches.push_back((t, now));
            run.max_launches_per_minute = run.max_launches_per_minute.max(last_minute + now);
        }
        tokens = (tokens + refill * dt - f64::from(now)).min(bucket_cap).max(0.0);
        let before = pending.len();
        pending.retain(|&ready| ready > t);
        running += (before - pending.len()) as u32;

        // What fans see this step: CloudFront, the ALB's targets, the API,
        // then the cache and MySQL below it.
        let edge = tiers::edge(tiers, d);
        let lambda = d.origin_rps * (1.0 - edge.error_share);
        let serving = (f64::from(running) * fault.serving_share)
            .floor()
            .min(tiers.alb_target_limit.max(1.0));
        let servers = serving as u32 * f.servers_per_task;
        let capacity_rps = serving * f.task_capacity_rps;
        // A drill may leave no task serving: divide by at least a trickle.
        let cap_div = capacity_rps.max(1e-9);
        let stable = (queueing && backlog == 0.0 && lambda < capacity_rps).then(|| match memo {
            // Quiet hours and plateaus repeat the same (servers, demand): reuse.
            Some((c, l, q)) if c == servers && l == lambda => q,
            _ => {
                let q = mmc(servers, mu, lambda, timeout);
                memo = Some((servers, lambda, q));
                q
            }
        });
        let b0 = backlog;
        let mut app = tier_step(b0, lambda, capacity_rps, dt, timeout, stable, service_p95);
        if fault.origin_down {
            // The API answers 5xx at once: no queue; CloudFront answers the
            // cacheable share from a stale copy when `stale-if-error` allows.
            let stale_share = if fault.stale_served {
                super::demand::stale_servable_share(s, d)
            } else {
                0.0
            };
            app.error_share = 1.0 - stale_share;
            app.fluid.backlog = 0.0;
            app.fluid.served = 0.0;
        }
        backlog = app.fluid.backlog;
        let k = if d.origin_rps > 0.0 {
            app.fluid.served / (d.origin_rps * dt)
        } else {
            1.0
        };
        let twins = if fault.overlap { f64::from(running) } else { 0.0 };
        let mut used = TierUse {
            app: lambda / cap_div,
            alb_targets: (f64::from(running) + pending.len() as f64 + twins) / tiers.alb_target_limit.max(1.0),
            cdn_requests: edge.requests,
            cdn_bandwidth: edge.bandwidth,
            ..TierUse::default()
        };
        let below_api = tiers::below(
            s,
            tiers,
            d,
            (k, f64::from(running) + twins),
            fault,
            &mut below,
            &mut used,
        );
        let error_share = 1.0 - (1.0 - edge.error_share) * (1.0 - app.error_share) * (1.0 - below_api.error_share);
        let p95 = (app.p95_s + below_api.wait_p95_s).min(timeout);

        let billed = f64::from(running) + pending.len() as f64;
        let above_base = (billed - f64::from(f.on_demand_base_tasks)).max(0.0);
        run.task_hours += billed * dt / 3600.0;
        run.spot_task_hours += above_base * f.spot_share * dt / 3600.0;
        run.max_running_tasks = run.max_running_tasks.max(running);
        if error_share > run.peak_error_share {
            run.peak_error_share = error_share;
            run.peak_error_t_s = t;
        }
        if error_share > s.slo.max_error_share {
            run.seconds_over_error_slo += dt;
        }
        offered += d.origin_rps * dt;
        failed += d.origin_rps * dt * error_share;
        run.worst_p95_s = run.worst_p95_s.max(p95);
        run.peak_use = run.peak_use.max(used);
        if let Some((tier, u)) = used.most_saturated() {
            run.saturated_seconds += dt;
            run.first_saturation.get_or_insert(Saturation {
                t_s: t,
                tier,
                utilisation: u,
            });
        }
        run.steps.push(Step {
            t_s: t,
            fans: d.fans,
            demand_rps: d.origin_rps,
            capacity_rps,
            running_tasks: running,
            desired_tasks: desired,
            utilization: (lambda / cap_div).min(1.0),
            p95_s: p95,
            error_share,
            backlog_s: backlog / cap_div,
            tiers: used,
            stale_s: fault.stale_s,
        });

        // Feed the metric period; close it into a datapoint. CPU is busy
        // while a backlog drains; requests per target count arrivals.
        let cpu = if capacity_rps > 0.0 {
            (app.fluid.served / (capacity_rps * dt)).min(1.0)
        } else {
            0.0
        };
        let req = lambda / serving.max(1.0);
        period_sum += (cpu / target_cpu).max(req / target_req_per_s);
        period_n += 1;
        if t + dt >= period_end {
            datapoints.push(Datapoint {
                visible_at: period_end + sc.metric_delay_s,
                ratio: period_sum / f64::from(period_n),
                running,
            });
            period_sum = 0.0;
            period_n = 0;
            period_end += sc.metric_period_s;
        }
    }
    run.failed_share = if offered > 0.0 { failed / offered } else { 0.0 };
    run
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{demand, fargate, profile};

    fn setup(s: &Scenario) -> (FargateSizing, Vec<Point>, Vec<Demand>) {
        let pts = profile::series(&s.match_day, demand::off_peak_share(s), s.scaling.sim_step_s);
        let ds: Vec<Demand> = pts.iter().map(|p| demand::at_point(s, p)).collect();
        let peak = demand::peak_by(&ds, |d| d.origin_rps);
        let f = fargate::size(s, &peak, &demand::off_peak(s));
        (f, pts, ds)
    }

    #[test]
    fn prescaling_carries_the_kickoff_spike() {
        let mut s = Scenario::default();
        s.delivery.cdn_live_ttl_s = 0.0; // every poll reaches the origin
        let (f, pts, ds) = setup(&s);
        assert!(f.peak_tasks > f.min_tasks);
        let with = simulate(&s, &f, &Tiers::unbounded(), &pts, &ds, true);
        let without = simulate(&s, &f, &Tiers::unbounded(), &pts, &ds, false);
        assert!(with.peak_error_share < 0.05, "{}", with.peak_error_share);
        assert!(without.peak_error_share > with.peak_error_share);
        assert!(without.seconds_over_error_slo > 0.0);
        assert_eq!(with.steps.len(), pts.len());
    }

    #[test]
    fn a_pinned_single_task_fails_under_the_seed_load() {
        let s = Scenario::default().seed_setup();
        let (f, pts, ds) = setup(&s);
        let run = simulate(&s, &f, &Tiers::unbounded(), &pts, &ds, false);
        assert!(run.steps.iter().all(|st| st.running_tasks == 1));
        assert!(run.peak_error_share > 0.9, "{}", run.peak_error_share);
    }

    #[test]
    fn a_longer_task_start_fails_more_requests() {
        // Finding 5: reactive scaling only; the kickoff overload lasts until
        // new tasks serve, and its backlog fails requests until it drains.
        let mut s = Scenario::default();
        s.delivery.cdn_live_ttl_s = 0.0;
        s.scaling.prescale_enabled = false;
        let errors = |start: f64| {
            let mut s = s.clone();
            s.scaling.task_start_s = start;
            let (f, pts, ds) = setup(&s);
            let run = simulate(&s, &f, &Tiers::unbounded(), &pts, &ds, false);
            let failed: f64 = run.steps.iter().map(|st| st.error_share * st.demand_rps).sum();
            (run.peak_error_share, run.seconds_over_error_slo, failed)
        };
        let (fast, slow) = (errors(30.0), errors(300.0));
        assert!(slow.1 > fast.1, "{fast:?} {slow:?}");
        assert!(slow.2 > fast.2 * 1.5, "{fast:?} {slow:?}");
    }

    #[test]
    fn reactive_scale_out_waits_for_datapoints_cooldown_and_start() {
        // A step from 1 to 10 tasks' worth of load at t = 0.
        let mut s = Scenario::default();
        s.scaling.prescale_enabled = false;
        let step = s.scaling.sim_step_s;
        let pts: Vec<Point> = (0..120)
            .map(|i| Point {
                t_s: f64::from(i) * step - 300.0,
                share: 0.0,
                arrival_share_per_s: 0.0,
                burst: false,
            })
            .collect();
        let ds: Vec<Demand> = pts
            .iter()
            .map(|p| Demand {
                origin_rps: if p.t_s >= 0.0 { 5_000.0 } else { 100.0 },
                ..Demand::default()
            })
            .collect();
        let f = fargate::size(
            &s,
            &Demand {
                origin_rps: 5_000.0,
                ..Demand::default()
            },
            &Demand {
                origin_rps: 100.0,
                ..Demand::default()
            },
        );
        let run = simulate(&s, &f, &Tiers::unbounded(), &pts, &ds, false);
        let first_growth = run.steps.iter().find(|st| st.running_tasks > f.min_tasks).unwrap();
        // Datapoints for [0, 60), [60, 120), [120, 180) close at 60, 120 and
        // 180 s and are visible 60 s later: three above target at t = 240.
        // The new tasks start (60 s) and pass 2 health checks 10 s apart: 320.
        assert_eq!(first_growth.t_s, 320.0);
    }
}
