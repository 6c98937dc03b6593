//! SLO verdicts, each with the numbers behind it.

use super::autoscale::SimRun;
use super::fargate::FargateSizing;
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

/// The p95 staleness a fan sees, and how it is made up.
pub fn freshness_p95_s(s: &Scenario, run: &SimRun) -> (f64, String) {
    let d = &s.delivery;
    let response = run.worst_p95_s;
    match d.mode {
        DeliveryMode::Polling => {
            let wait = p95_two_uniforms(d.poll_interval_s, d.cdn_live_ttl_s);
            (
                wait + d.publish_latency_s + response,
                format!(
                    "p95 of poll interval {} s + CDN TTL {} s = {:.2} s, + publish {:.2} s + p95 origin response {:.3} s",
                    d.poll_interval_s, d.cdn_live_ttl_s, wait, d.publish_latency_s, response
                ),
            )
        }
        DeliveryMode::Sse => (
            d.publish_latency_s + response,
            format!(
                "push: publish {:.2} s + p95 origin response {:.3} s",
                d.publish_latency_s, response
            ),
        ),
    }
}

pub fn verdicts(s: &Scenario, f: &FargateSizing, rds: &RdsSizing, run: &SimRun, total_usd: f64) -> Vec<SloVerdict> {
    let (fresh, how) = freshness_p95_s(s, run);
    let mut out = vec![
        SloVerdict {
            name: "freshness".into(),
            pass: fresh <= s.slo.freshness_p95_s && run.peak_error_share <= s.slo.max_error_share,
            target: format!("p95 ≤ {} s", s.slo.freshness_p95_s),
            measured: format!("{fresh:.2} s"),
            detail: if run.peak_error_share > s.slo.max_error_share {
                format!("{how}; fails while requests time out at the peak")
            } else {
                how
            },
        },
        SloVerdict {
            name: "kickoff_error_rate".into(),
            pass: run.peak_error_share <= s.slo.max_error_share,
            target: format!(
                "≤ {:.1} % in every {} s step",
                s.slo.max_error_share * 100.0,
                s.scaling.sim_step_s
            ),
            measured: format!("{:.2} %", run.peak_error_share * 100.0),
            detail: format!(
                "worst step at {:+.0} s from kickoff, {} pre-scaling; {:.0} s over the limit; up to {} tasks",
                run.peak_error_t_s,
                if run.prescaled { "with" } else { "without" },
                run.seconds_over_error_slo,
                run.max_running_tasks
            ),
        },
    ];

    // Zero downtime: deploys at 100 % min healthy / 200 % max double the
    // tasks (and their DB pools) for a while; draining must outlast requests.
    let deploy_tasks = 2 * f.prescale_tasks.max(f.peak_tasks);
    let deploy_conns = deploy_tasks * s.app.db_pool_per_task;
    let mut problems = Vec::new();
    if f.min_tasks < 2 {
        problems.push(format!(
            "only {} task outside kickoff: a deploy or AZ loss drops service",
            f.min_tasks
        ));
    }
    if deploy_conns > rds.max_connections {
        problems.push(format!(
            "{deploy_tasks} tasks during a deploy open {deploy_conns} connections > max_connections {}",
            rds.max_connections
        ));
    }
    if f.max_tasks < deploy_tasks / 2 {
        problems.push("max tasks below the peak".to_string());
    }
    let (_, dereg, _) = super::alb::settings(s);
    if sse_heartbeat_too_slow(s) {
        problems.push("SSE heartbeat not below the ALB idle timeout and CloudFront origin read timeout".to_string());
    }
    out.push(SloVerdict {
        name: "zero_downtime_deploy".into(),
        pass: problems.is_empty(),
        target: "100 % min healthy, 200 % max, ≥ 2 tasks, pools fit during the overlap".into(),
        measured: format!(
            "{deploy_tasks} tasks × {} pool = {deploy_conns} of {} connections; min {}",
            s.app.db_pool_per_task,
            rds.max_connections,
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
    fn p95_matches_a_monte_carlo_estimate() {
        // Deterministic low-discrepancy grid over the unit square.
        let (a, b) = (3.0, 2.0);
        let n = 400;
        let mut v: Vec<f64> = (0..n * n)
            .map(|k| a * ((k / n) as f64 + 0.5) / n as f64 + b * ((k % n) as f64 + 0.5) / n as f64)
            .collect();
        v.sort_by(f64::total_cmp);
        let empirical = v[(0.95 * v.len() as f64) as usize];
        assert!((empirical - p95_two_uniforms(a, b)).abs() < 0.01);
    }
}
