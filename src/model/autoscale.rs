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
use super::profile::{self, Point};
use super::queueing::{mmc, QueueStats};
use super::scenario::Scenario;
use serde::Serialize;

/// One simulation step.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Step {
    pub t_s: f64,
    pub fans: f64,
    pub demand_rps: f64,
    /// What the running tasks serve at 100 % CPU.
    pub capacity_rps: f64,
    pub running_tasks: u32,
    pub desired_tasks: u32,
    pub utilization: f64,
    /// p95 response time, seconds (capped at the request timeout when overloaded).
    pub p95_s: f64,
    pub error_share: f64,
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
    pub max_running_tasks: u32,
    /// Worst p95 response time while the error SLO held, seconds.
    pub worst_p95_s: f64,
    /// Task-hours billed over the window (from launch).
    pub task_hours: f64,
    pub spot_task_hours: f64,
    pub task_starts: u32,
}

struct Datapoint {
    visible_at: f64,
    /// Metric / target for the CPU and request-count policies.
    ratio: f64,
    running: u32,
}

/// Simulate one match day. `demands[i]` is the demand at `points[i]`.
pub fn simulate(s: &Scenario, f: &FargateSizing, points: &[Point], demands: &[Demand], prescale: bool) -> SimRun {
    let sc = &s.scaling;
    let dt = sc.sim_step_s;
    let mu = s.app.rps_per_vcpu * s.app.task_vcpu.min(1.0);
    let ready_after = sc.task_start_s + sc.health_check_interval_s * f64::from(sc.healthy_threshold);
    let up_at = -sc.prescale_lead_minutes * 60.0;
    let down_at = (profile::MATCH_MIN + s.match_day.post_game_decay_minutes) * 60.0;
    let target_cpu = f.target_cpu_percent / 100.0;
    let target_req_per_s = f.target_requests_per_task_per_minute / 60.0;

    let mut running = f.min_tasks;
    let mut pending: Vec<f64> = Vec::new();
    let mut desired = f.min_tasks;
    let mut datapoints: Vec<Datapoint> = Vec::new();
    let mut n_visible = 0;
    let mut memo: Option<(u32, f64, QueueStats)> = None;
    let (mut period_sum, mut period_n, mut period_end) = (0.0, 0u32, f64::NAN);
    let (mut last_out, mut last_in) = (f64::NEG_INFINITY, f64::NEG_INFINITY);

    let mut run = SimRun {
        prescaled: prescale,
        steps: Vec::with_capacity(points.len()),
        peak_error_share: 0.0,
        peak_error_t_s: 0.0,
        seconds_over_error_slo: 0.0,
        max_running_tasks: running,
        worst_p95_s: 0.0,
        task_hours: 0.0,
        spot_task_hours: 0.0,
        task_starts: 0,
    };

    for (p, d) in points.iter().zip(demands) {
        let t = p.t_s;
        if period_end.is_nan() {
            period_end = t + sc.metric_period_s;
        }
        let min_now = if prescale && t >= up_at && t < down_at {
            f.prescale_tasks
        } else {
            f.min_tasks
        };

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
                let want = (f64::from(newest.running) * newest.ratio).ceil() as u32;
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

        // Launch or stop tasks towards the desired count.
        let have = running + pending.len() as u32;
        if desired > have {
            for _ in have..desired {
                pending.push(t + ready_after);
            }
            run.task_starts += desired - have;
        } else if desired < have {
            let mut excess = have - desired;
            while excess > 0 && !pending.is_empty() {
                pending.pop();
                excess -= 1;
            }
            running -= excess.min(running);
        }
        let before = pending.len();
        pending.retain(|&ready| ready > t);
        running += (before - pending.len()) as u32;

        // What fans see this step.
        let servers = running * f.servers_per_task;
        // Quiet hours and plateaus repeat the same (servers, demand): reuse.
        let q = match memo {
            Some((c, lambda, q)) if c == servers && lambda == d.origin_rps => q,
            _ => mmc(servers, mu, d.origin_rps, s.app.request_timeout_s),
        };
        memo = Some((servers, d.origin_rps, q));
        let capacity_rps = f64::from(running) * f.task_capacity_rps;
        let billed = f64::from(running) + pending.len() as f64;
        let above_base = (billed - f64::from(f.on_demand_base_tasks)).max(0.0);
        run.task_hours += billed * dt / 3600.0;
        run.spot_task_hours += above_base * f.spot_share * dt / 3600.0;
        run.max_running_tasks = run.max_running_tasks.max(running);
        if q.error_share > run.peak_error_share {
            run.peak_error_share = q.error_share;
            run.peak_error_t_s = t;
        }
        if q.error_share > s.slo.max_error_share {
            run.seconds_over_error_slo += dt;
        } else if q.p95_response_s.is_finite() {
            run.worst_p95_s = run.worst_p95_s.max(q.p95_response_s);
        }
        run.steps.push(Step {
            t_s: t,
            fans: d.fans,
            demand_rps: d.origin_rps,
            capacity_rps,
            running_tasks: running,
            desired_tasks: desired,
            utilization: q.utilization.min(1.0),
            p95_s: q.p95_response_s.min(s.app.request_timeout_s),
            error_share: q.error_share,
        });

        // Feed the metric period; close it into a datapoint.
        let cpu = if capacity_rps > 0.0 {
            (d.origin_rps / capacity_rps).min(1.0)
        } else {
            1.0
        };
        let req = d.origin_rps / f64::from(running.max(1));
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
        let with = simulate(&s, &f, &pts, &ds, true);
        let without = simulate(&s, &f, &pts, &ds, false);
        assert!(with.peak_error_share < 0.05, "{}", with.peak_error_share);
        assert!(without.peak_error_share > with.peak_error_share);
        assert!(without.seconds_over_error_slo > 0.0);
        assert_eq!(with.steps.len(), pts.len());
    }

    #[test]
    fn a_pinned_single_task_fails_under_the_seed_load() {
        let s = Scenario::default().seed_setup();
        let (f, pts, ds) = setup(&s);
        let run = simulate(&s, &f, &pts, &ds, false);
        assert!(run.steps.iter().all(|st| st.running_tasks == 1));
        assert!(run.peak_error_share > 0.9, "{}", run.peak_error_share);
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
        let run = simulate(&s, &f, &pts, &ds, false);
        let first_growth = run.steps.iter().find(|st| st.running_tasks > f.min_tasks).unwrap();
        // Datapoints for [0, 60), [60, 120), [120, 180) close at 60, 120 and
        // 180 s and are visible 60 s later: three above target at t = 240.
        // The new tasks start (60 s) and pass 2 health checks 10 s apart: 320.
        assert_eq!(first_growth.t_s, 320.0);
    }
}
