//! SLO verdicts, each with the numbers behind it.

use super::autoscale::SimRun;
use super::fargate::FargateSizing;
use super::limits::Quotas;
use super::rds::RdsSizing;
use super::scenario::{DeliveryMode, Scenario};
use serde::Serialize;

/// CloudFront's default origin read timeout, seconds.
pub const CLOUDFRONT_ORIGIN_READ_TIMEOUT_S: f64 = 30.0;

/// Does SSE delivery send its heartbeat too rarely to keep streams open?
/// True when streaming and the heartbeat is not below both CloudFront's
/// origin read timeout and the ALB idle timeout: idle streams get cut.
pub fn sse_heartbeat_too_slow(s: &Scenario) -> bool {
    let (idle, _, _) = super::alb::settings(s);
    s.delivery.mode == DeliveryMode::Sse
        && s.delivery.sse_heartbeat_s >= f64::from(idle).min(CLOUDFRONT_ORIGIN_READ_TIMEOUT_S)
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SloVerdict {
    /// `freshness`, `kickoff_error_rate`, `zero_downtime_deploy`, `budget`.
    pub name: String,
    pub pass: bool,
    pub target: String,
    pub measured: String,
    /// How the measured value was computed.
    pub detail: String,
}

/// 95th percentile of U(0, a) + U(0, b): the staleness from polling every
/// `a` seconds a cache refreshed every `b` seconds.
pub fn p95_two_uniforms(a: f64, b: f64) -> f64 {
    let (a, b) = if a >= b { (a, b) } else { (b, a) };
    if b == 0.0 {
        return 0.95 * a;
    }
    let q = 0.95;
    if q >= 1.0 - b / (2.0 * a) {
        a + b - (2.0 * a * b * (1.0 - q)).sqrt()
    } else if q >= b / (2.0 * a) {
        (q * 2.0 * a + b) / 2.0
    } else {
        (q * 2.0 * a * b).sqrt()
    }
}

/// 95th percentile of a sum of independent U(0, aᵢ): the exact CDF
/// F(x) = Σ_J (−1)^|J| (x − Σ_J a)₊ⁿ ÷ (n! Π a) over the subsets J of the
/// terms with a > 0, solved for 0.95 by bisection (to 10⁻⁹ s).
pub fn p95_sum_of_uniforms(widths: &[f64]) -> f64 {
    let a: Vec<f64> = widths.iter().copied().filter(|w| *w > 0.0).collect();
    let n = a.len();
    if n == 0 {
        return 0.0;
    }
    let norm: f64 = (1..=n).map(|k| k as f64).product::<f64>() * a.iter().product::<f64>();
    let cdf = |x: f64| {
        let mut total = 0.0;
        for mask in 0u32..(1 << n) {
            let sum: f64 = (0..n).filter(|i| mask & (1 << i) != 0).map(|i| a[i]).sum();
            let v = x - sum;
            if v > 0.0 {
                let sign = if mask.count_ones() % 2 == 0 { 1.0 } else { -1.0 };
                total += sign * v.powi(n as i32);
            }
        }
        total / norm
    };
    let (mut lo, mut hi) = (0.0, a.iter().sum::<f64>());
    while hi - lo > 1e-9 {
        let mid = 0.5 * (lo + hi);
        if cdf(mid) < 0.95 {
            lo = mid
        } else {
            hi = mid
        }
    }
    0.5 * (lo + hi)
}

/// CloudFront's cache tiers a live-feed request crosses: the edge, a
/// regional edge cache and, when on, Origin Shield.
pub fn cdn_cache_tiers(s: &Scenario) -> u32 {
    if s.delivery.origin_shield {
        3
    } else {
        2
    }
}

/// The staleness a polling fan sees from the poll timer and the caches, p95,
/// and how it is made up. Each cache tier refreshes its copy once per TTL
/// from the tier above; AWS does not document that a tier counts the `Age`
/// of what it fetched against its own TTL, so by default
/// (`coefficients.cdn_tiers_honour_age` = false) every tier may add up to a
/// TTL: U(0, poll) + U(0, TTL) per tier. With Age honoured the tiers share
/// one TTL: U(0, poll) + U(0, TTL).
pub fn polling_staleness_p95(s: &Scenario) -> (f64, String) {
    let d = &s.delivery;
    let tiers = if d.cdn_live_ttl_s > 0.0 && !s.coefficients.cdn_tiers_honour_age {
        cdn_cache_tiers(s)
    } else {
        1
    };
    let mut widths = vec![d.poll_interval_s];
    widths.extend(std::iter::repeat_n(d.cdn_live_ttl_s, tiers as usize));
    let p95 = p95_sum_of_uniforms(&widths);
    let how = if tiers > 1 {
        format!(
            "p95 of poll interval {} s + CDN TTL {} s at each of {tiers} cache tiers (edge, regional{}; Age not assumed honoured) = {:.2} s",
            d.poll_interval_s,
            d.cdn_live_ttl_s,
            if d.origin_shield { ", Origin Shield" } else { "" },
            p95
        )
    } else {
        format!(
            "p95 of poll interval {} s + CDN TTL {} s = {:.2} s",
            d.poll_interval_s, d.cdn_live_ttl_s, p95
        )
    };
    (p95, how)
}

/// Retries the 95th-percentile fan needs when a share `e` of requests fail
/// independently: the smallest k with e^(k+1) ≤ 5 %; unbounded at e = 1.
fn retries_p95(e: f64) -> f64 {
    if e <= 0.05 {
        0.0
    } else if e >= 1.0 - 1e-12 {
        f64::INFINITY
    } else {
        ((0.05f64).ln() / e.ln()).ceil() - 1.0
    }
}

/// The p95 staleness a fan sees, worst over every step of `run` (failing
/// steps included), and how it is made up. A step's staleness is the cache
/// and timer part ([`polling_staleness_p95`]; SSE pushes), the publish
/// latency, the step's p95 response, and the failed attempts before the
/// 95th-percentile fan gets through, each costing a poll interval or the
/// request timeout, whichever is longer, and never more than the failing
/// streak so far: during an outage staleness grows with its length. A
/// drill adds the seconds the feed itself lags ([`Step::stale_s`]).
///
/// [`Step::stale_s`]: super::autoscale::Step::stale_s
pub fn freshness_p95_s(s: &Scenario, run: &SimRun) -> (f64, String) {
    let d = &s.delivery;
    let (wait, how) = match d.mode {
        DeliveryMode::Polling => polling_staleness_p95(s),
        DeliveryMode::Sse => (0.0, "push".to_string()),
    };
    let (mut worst, mut at, mut response, mut retry, mut lag) = (wait + d.publish_latency_s, 0.0, 0.0, 0.0, 0.0);
    for (st, (v, penalty)) in run.steps.iter().zip(freshness_parts(s, run, wait)) {
        if v > worst {
            (worst, at, response, retry, lag) = (v, st.t_s, st.p95_s, penalty, st.stale_s);
        }
    }
    let mut detail = format!(
        "{how}, + publish {:.2} s + p95 origin response {:.3} s",
        d.publish_latency_s, response
    );
    if retry > 0.0 {
        detail.push_str(&format!(" + {retry:.1} s of failed attempts"));
    }
    if lag > 0.0 {
        detail.push_str(&format!(" + {lag:.0} s the feed was not updated"));
    }
    if run.steps.iter().any(|st| st.p95_s > 0.0) {
        detail.push_str(&format!(", worst at {at:+.0} s from kickoff"));
    }
    (worst, detail)
}

/// The p95 staleness in each step of `run`, seconds (see [`freshness_p95_s`]).
pub fn freshness_by_step(s: &Scenario, run: &SimRun) -> Vec<f64> {
    let wait = match s.delivery.mode {
        DeliveryMode::Polling => polling_staleness_p95(s).0,
        DeliveryMode::Sse => 0.0,
    };
    freshness_parts(s, run, wait).map(|(v, _)| v).collect()
}

/// Each step's staleness and its failed-attempts part; `wait`: the cache
/// and timer part.
fn freshness_parts<'a>(s: &'a Scenario, run: &'a SimRun, wait: f64) -> impl Iterator<Item = (f64, f64)> + 'a {
    let d = &s.delivery;
    let attempt = match d.mode {
        DeliveryMode::Polling => d.poll_interval_s.max(s.app.request_timeout_s),
        DeliveryMode::Sse => s.app.request_timeout_s,
    };
    let dt = s.scaling.sim_step_s;
    let mut streak = 0.0;
    run.steps.iter().map(move |st| {
        streak = if st.error_share > 0.05 { streak + dt } else { 0.0 };
        let penalty = (retries_p95(st.error_share) * attempt).min(streak + attempt);
        (wait + d.publish_latency_s + st.p95_s + penalty + st.stale_s, penalty)
    })
}

/// Why a verdict fails because a tier it depends on saturated, if one did.
fn saturation(run: &SimRun) -> Option<String> {
    run.first_saturation.map(|sat| {
        format!(
            "{} at {:.0} % at {:+.0} s from kickoff ({:.0} s with a tier above 100 %)",
            sat.tier,
            sat.utilisation * 100.0,
            sat.t_s,
            run.saturated_seconds
        )
    })
}

pub fn verdicts(s: &Scenario, f: &FargateSizing, rds: &RdsSizing, run: &SimRun, total_usd: f64) -> Vec<SloVerdict> {
    let (fresh, how) = freshness_p95_s(s, run);
    let saturated = saturation(run);
    let errors_ok = run.peak_error_share <= s.slo.max_error_share;
    let mut fresh_detail = how;
    if !errors_ok {
        fresh_detail.push_str("; fails while requests time out at the peak");
    }
    if let Some(why) = &saturated {
        fresh_detail.push_str(&format!("; fails: {why}"));
    }
    let mut error_detail = format!(
        "worst step at {:+.0} s from kickoff, {} pre-scaling; {:.0} s over the limit, {:.2} % of the match window's requests failed; up to {} tasks",
        run.peak_error_t_s,
        if run.prescaled { "with" } else { "without" },
        run.seconds_over_error_slo,
        run.failed_share * 100.0,
        run.max_running_tasks
    );
    if let Some(why) = &saturated {
        error_detail.push_str(&format!("; fails: {why}"));
    }
    let mut out = vec![
        SloVerdict {
            name: "freshness".into(),
            pass: fresh <= s.slo.freshness_p95_s && errors_ok && saturated.is_none(),
            target: format!("p95 ≤ {} s", s.slo.freshness_p95_s),
            measured: format!("{fresh:.2} s"),
            detail: fresh_detail,
        },
        SloVerdict {
            name: "kickoff_error_rate".into(),
            pass: errors_ok && saturated.is_none(),
            target: format!(
                "≤ {:.1} % in every {} s step",
                s.slo.max_error_share * 100.0,
                s.scaling.sim_step_s
            ),
            measured: format!("{:.2} %", run.peak_error_share * 100.0),
            detail: error_detail,
        },
    ];

    // Zero downtime: deploys at 100 % min healthy / 200 % max double the
    // tasks (and their DB pools and ALB targets) for a while; draining must
    // outlast requests. Through RDS Proxy the pools connect to the proxy,
    // which opens at most its share of max_connections to the writer.
    let deploy_tasks = 2 * f.prescale_tasks.max(f.peak_tasks);
    let deploy_conns = deploy_tasks.saturating_mul(s.app.db_pool_per_task);
    let q = Quotas::new(&s.limit_overrides);
    let mut problems = Vec::new();
    if f.min_tasks < 2 {
        problems.push(format!(
            "only {} task outside kickoff: a deploy or AZ loss drops service",
            f.min_tasks
        ));
    }
    if !rds.needs_proxy && deploy_conns > rds.max_connections {
        problems.push(format!(
            "{deploy_tasks} tasks during a deploy open {deploy_conns} connections > max_connections {}",
            rds.max_connections
        ));
    }
    if rds.read_replicas > 0 && deploy_conns.div_ceil(rds.read_replicas) > rds.max_connections {
        problems.push(format!(
            "{deploy_tasks} tasks during a deploy open {} connections per read replica > max_connections {}",
            deploy_conns.div_ceil(rds.read_replicas),
            rds.max_connections
        ));
    }
    let targets = super::fargate::target_limit(&q);
    if deploy_tasks > targets {
        problems.push(format!(
            "{deploy_tasks} tasks during a deploy exceed the ALB's {targets} targets"
        ));
    }
    if f.max_tasks < deploy_tasks / 2 {
        problems.push("max tasks below the peak".to_string());
    }
    let (_, dereg, _) = super::alb::settings(s);
    if sse_heartbeat_too_slow(s) {
        problems.push("SSE heartbeat not below the ALB idle timeout and CloudFront origin read timeout".to_string());
    }
    let via = if rds.needs_proxy {
        format!(
            "through RDS Proxy (at most {:.0} writer connections)",
            f64::from(rds.max_connections) * q.get("db_proxy.max_connections_percent.default") / 100.0
        )
    } else {
        format!("of {} connections", rds.max_connections)
    };
    out.push(SloVerdict {
        name: "zero_downtime_deploy".into(),
        pass: problems.is_empty(),
        target: "100 % min healthy, 200 % max, ≥ 2 tasks, pools and targets fit during the overlap".into(),
        measured: format!(
            "{deploy_tasks} tasks × {} pool = {deploy_conns} {via}; min {}",
            s.app.db_pool_per_task,
            crate::fmt::count(f.min_tasks.into(), "task", "tasks")
        ),
        detail: if problems.is_empty() {
            format!("circuit breaker with rollback; {dereg} s draining; deploy overlap fits")
        } else {
            problems.join("; ")
        },
    });
    if s.platform.monthly_budget_usd > 0.0 {
        out.push(SloVerdict {
            name: "budget".into(),
            pass: total_usd <= s.platform.monthly_budget_usd,
            target: format!("≤ ${:.0} a month", s.platform.monthly_budget_usd),
            measured: format!("${total_usd:.2}"),
            detail: "total of all line items".into(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn p95_of_two_uniforms() {
        // U(0,2) + U(0,1): top region, 3 - sqrt(0.2).
        assert!((p95_two_uniforms(2.0, 1.0) - (3.0 - 0.2f64.sqrt())).abs() < 1e-12);
        assert!((p95_two_uniforms(1.0, 2.0) - (3.0 - 0.2f64.sqrt())).abs() < 1e-12);
        assert_eq!(p95_two_uniforms(4.0, 0.0), 3.8);
        // Middle region: a = 10, b = 0.5 → (19 + 0.5) / 2.
        assert!((p95_two_uniforms(10.0, 0.5) - 9.75).abs() < 1e-12);
    }

    #[test]
    fn p95_of_a_sum_of_uniforms() {
        // Two terms: the closed form.
        assert!((p95_sum_of_uniforms(&[2.0, 1.0]) - p95_two_uniforms(2.0, 1.0)).abs() < 1e-8);
        assert!((p95_sum_of_uniforms(&[10.0, 0.5]) - 9.75).abs() < 1e-8);
        // One term; zero widths drop out.
        assert!((p95_sum_of_uniforms(&[4.0, 0.0]) - 3.8).abs() < 1e-8);
        // Irwin–Hall, n = 3: 1 − (3 − x)³ / 6 = 0.95 → x = 3 − 0.3^(1/3).
        assert!((p95_sum_of_uniforms(&[1.0; 3]) - (3.0 - 0.3f64.cbrt())).abs() < 1e-8);
    }

    #[test]
    fn every_cache_tier_adds_staleness_unless_age_is_honoured() {
        let mut s = Scenario::default();
        // Poll 2 s, TTL 1 s at edge, regional cache and Origin Shield.
        s.delivery.poll_interval_s = 2.0;
        s.delivery.origin_shield = true;
        let (worst, how) = polling_staleness_p95(&s);
        assert!((worst - p95_sum_of_uniforms(&[2.0, 1.0, 1.0, 1.0])).abs() < 1e-9);
        assert!(how.contains("3 cache tiers"), "{how}");
        s.delivery.origin_shield = false;
        assert!((polling_staleness_p95(&s).0 - p95_sum_of_uniforms(&[2.0, 1.0, 1.0])).abs() < 1e-9);
        s.coefficients.cdn_tiers_honour_age = true;
        assert!((polling_staleness_p95(&s).0 - p95_two_uniforms(2.0, 1.0)).abs() < 1e-8);
    }

    #[test]
    fn the_default_design_is_fresh_in_the_worst_case_across_tiers() {
        // AWS does not document that a CloudFront tier counts the Age of
        // what it fetched, so the default keeps the worst case and is
        // designed for it: poll 1 s, TTL 1 s at the edge and the regional
        // edge cache (no Origin Shield): Irwin–Hall n = 3, 2.33 s, within
        // the 3 s target with the 0.3 s publish latency.
        let s = Scenario::default();
        assert!(!s.coefficients.cdn_tiers_honour_age);
        assert_eq!(cdn_cache_tiers(&s), 2);
        let (p95, how) = polling_staleness_p95(&s);
        assert!((p95 - (3.0 - 0.3f64.cbrt())).abs() < 1e-8, "{p95}");
        assert!(how.contains("2 cache tiers"), "{how}");
        assert!(p95 + s.delivery.publish_latency_s < s.slo.freshness_p95_s - 0.3);
        // The old default (poll 2 s, Origin Shield) would miss it.
        let mut old = s.clone();
        old.delivery.poll_interval_s = 2.0;
        old.delivery.origin_shield = true;
        assert!(polling_staleness_p95(&old).0 + old.delivery.publish_latency_s > old.slo.freshness_p95_s);
    }

    #[test]
    fn retries_grow_with_the_error_share() {
        assert_eq!(retries_p95(0.05), 0.0);
        assert_eq!(retries_p95(0.1), 1.0);
        assert_eq!(retries_p95(0.5), 4.0);
        assert!(retries_p95(0.9) > retries_p95(0.5));
        assert!(retries_p95(1.0).is_infinite());
    }

    #[test]
    fn p95_matches_a_monte_carlo_estimate() {
        // Deterministic low-discrepancy grid over the unit square.
        let (a, b) = (3.0, 2.0);
        let n = 400;
        let mut v: Vec<f64> = (0..n * n)
            .map(|k| a * ((k / n) as f64 + 0.5) / n as f64 + b * ((k % n) as f64 + 0.5) / n as f64)
            .collect();
        v.sort_unstable_by(f64::total_cmp);
        let empirical = v[(0.95 * v.len() as f64) as usize];
        assert!((empirical - p95_two_uniforms(a, b)).abs() < 0.01);
    }
}
