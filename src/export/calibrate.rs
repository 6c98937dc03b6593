//! `kickoff calibrate`: fit the planner's coefficients from a load test's
//! `summary.json` (schema `kickoff-loadtest-summary/1`, docs/load-testing.md)
//! and write them onto a scenario with their provenance.
//!
//! Two coefficients are written, each with its provenance
//! ([`Provenance`]): requests per vCPU (`app.rps_per_vcpu`) and publish
//! latency (`delivery.publish_latency_s`). Three figures the model derives
//! rather than takes as inputs are measured and reported beside them, for a
//! person to compare with the plan: the origin's service time, the cache's
//! fills per key per TTL and its origin share.

use crate::model::scenario::{Provenance, Scenario};
use crate::model::{validate::validate, PriceBook};
use serde_json::Value;
use std::fmt::Write;

/// The summary schema this reads.
pub const SUMMARY_SCHEMA: &str = "kickoff-loadtest-summary/1";

/// Below this CPU utilisation, requests per CPU-second are a lower bound on
/// what a fully busy vCPU serves: Node spreads its per-wakeup work over more
/// requests when busier (docs/load-testing.md, the capacity steps).
pub const SATURATED_UTILIZATION: f64 = 0.9;

/// A summary that cannot be calibrated from; the message names the field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalibrateError(pub String);

impl std::fmt::Display for CalibrateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for CalibrateError {}

/// What the summary measured, fitted to the planner's terms.
#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    /// Requests per CPU-second of the API process (`app.rps_per_vcpu`).
    pub rps_per_vcpu: f64,
    /// The API's CPU utilisation where `rps_per_vcpu` was measured.
    pub utilization: f64,
    /// From the capacity steps (`true`) or the match day (`false`).
    pub from_capacity: bool,
    /// Publish to visible at the origin, p95, seconds (`delivery.publish_latency_s`).
    pub publish_latency_s: f64,
    /// Origin service time p50 / p95 / p99, ms (the API's own log).
    pub origin_service_ms: [f64; 3],
    /// Cache fills per key per TTL (1 with one cache tier).
    pub fills_per_key_per_ttl: f64,
    /// Origin requests ÷ client feed requests.
    pub origin_share: f64,
    pub ttl_s: f64,
    /// Average CPUs other work kept busy during the match day.
    pub other_cpus: f64,
    pub date_utc: String,
    pub machine: String,
    pub commit: String,
}

impl Fit {
    /// `rps_per_vcpu` is a lower bound: the API's core was far from busy.
    pub fn lower_bound(&self) -> bool {
        self.utilization < SATURATED_UTILIZATION
    }
}

/// The value at dotted `path` of `v`.
fn field<'a>(v: &'a Value, path: &str) -> Result<&'a Value, CalibrateError> {
    path.split('.')
        .try_fold(v, |v, key| v.get(key))
        .filter(|v| !v.is_null())
        .ok_or_else(|| CalibrateError(format!("summary field {path}: missing")))
}

/// A finite, non-negative number at `path`.
fn num(v: &Value, path: &str) -> Result<f64, CalibrateError> {
    field(v, path)?
        .as_f64()
        .filter(|x| x.is_finite() && *x >= 0.0)
        .ok_or_else(|| CalibrateError(format!("summary field {path}: not a non-negative number")))
}

fn text(v: &Value, path: &str) -> Result<String, CalibrateError> {
    let t = field(v, path)?;
    match t {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        _ => Err(CalibrateError(format!("summary field {path}: not text"))),
    }
}

/// A number at `path` that must be above zero (a rate, a sample count).
fn positive(v: &Value, path: &str) -> Result<f64, CalibrateError> {
    let x = num(v, path)?;
    if x > 0.0 {
        Ok(x)
    } else {
        Err(CalibrateError(format!("summary field {path}: 0, nothing was measured")))
    }
}

/// Fit the coefficients from a summary's text.
///
/// # Errors
/// Not JSON, another schema, or a field missing, of the wrong type or
/// empty: the message names the field.
pub fn fit(summary: &str) -> Result<Fit, CalibrateError> {
    let v: Value = serde_json::from_str(summary).map_err(|e| CalibrateError(format!("summary is not JSON: {e}")))?;
    let schema = text(&v, "schema")?;
    if schema != SUMMARY_SCHEMA {
        return Err(CalibrateError(format!(
            "summary field schema: {schema:?}; expected {SUMMARY_SCHEMA:?}"
        )));
    }
    let (rps_per_vcpu, utilization, from_capacity) = match v.get("capacity") {
        Some(c) if !c.is_null() => (
            positive(&v, "capacity.requests_per_cpu_s_at_highest_utilization")?,
            positive(&v, "capacity.highest_utilization")?,
            true,
        ),
        _ => (
            positive(&v, "match_day.api_cpu.requests_per_cpu_s")?,
            positive(&v, "match_day.api_cpu.utilization")?,
            false,
        ),
    };
    positive(&v, "match_day.freshness.publish_to_origin_s.samples")?;
    let ttl_s = num(&v, "stack.cdn_ttl_s")?;
    let dirty = field(&v, "worktree_dirty")?.as_bool().unwrap_or(true);
    let commit = text(&v, "commit")?;
    let short: String = commit.chars().take(12).collect();
    Ok(Fit {
        rps_per_vcpu,
        utilization,
        from_capacity,
        publish_latency_s: num(&v, "match_day.freshness.publish_to_origin_s.p95")?,
        origin_service_ms: [
            num(&v, "match_day.origin.service_ms.p50")?,
            num(&v, "match_day.origin.service_ms.p95")?,
            num(&v, "match_day.origin.service_ms.p99")?,
        ],
        fills_per_key_per_ttl: num(&v, "match_day.origin.cache_fills_per_key_per_s")? * ttl_s,
        origin_share: num(&v, "match_day.origin.share_of_client_feed_requests")?,
        ttl_s,
        other_cpus: num(&v, "match_day.machine_load.other_cpus")?,
        date_utc: text(&v, "date_utc")?,
        machine: format!(
            "{} vCPU {}, Linux {}",
            text(&v, "machine.nproc")?,
            text(&v, "machine.cpu_model")?,
            text(&v, "machine.kernel")?
        ),
        commit: if dirty { format!("{short}-dirty") } else { short },
    })
}

/// `base` with the fitted coefficients and their provenance; `summary_path`
/// is recorded as given.
///
/// # Errors
/// The calibrated scenario breaks a validation rule (named).
pub fn apply(base: &Scenario, fit: &Fit, summary_path: &str) -> Result<Scenario, CalibrateError> {
    let mut s = base.clone();
    let prov = |value: f64, note: String| Provenance {
        value,
        date_utc: fit.date_utc.clone(),
        machine: fit.machine.clone(),
        commit: fit.commit.clone(),
        summary: summary_path.into(),
        note,
    };
    let rps = fit.rps_per_vcpu.round();
    let source = if fit.from_capacity {
        "capacity steps"
    } else {
        "match day"
    };
    let bound = if fit.lower_bound() {
        format!(
            "a lower bound: the API's core was {:.0} % busy at most, below {:.0} %",
            fit.utilization * 100.0,
            SATURATED_UTILIZATION * 100.0
        )
    } else {
        "the API's core saturated".into()
    };
    s.app.rps_per_vcpu = rps;
    s.provenance.insert(
        "app.rps_per_vcpu".into(),
        prov(
            rps,
            format!(
                "requests per CPU-second of one Node process ({source}), {bound}; includes the stack's feed payload (app.cpu_us_per_kb adds payload cost again: conservative); origin service time p50/p95/p99 {}/{}/{} ms; other work kept {:.2} CPUs busy",
                fit.origin_service_ms[0],
                fit.origin_service_ms[1],
                fit.origin_service_ms[2],
                fit.other_cpus
            ),
        ),
    );
    let publish = (fit.publish_latency_s * 1000.0).round() / 1000.0;
    s.delivery.publish_latency_s = publish;
    s.provenance.insert(
        "delivery.publish_latency_s".into(),
        prov(
            publish,
            "p95 of publish to visible at the origin (MariaDB on a Unix socket: a lower bound for RDS)".into(),
        ),
    );
    validate(&s, &PriceBook::embedded()).map_err(|e| CalibrateError(format!("the calibrated scenario: {e}")))?;
    Ok(s)
}

/// What was fitted, for the terminal.
pub fn report(fit: &Fit, base: &Scenario) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "Calibrated from a run on {} at {}, commit {}",
        fit.date_utc, fit.machine, fit.commit
    );
    let _ = writeln!(
        o,
        "  app.rps_per_vcpu           {:>8.0} req/s per vCPU (was {}){}",
        fit.rps_per_vcpu.round(),
        base.app.rps_per_vcpu,
        if fit.lower_bound() {
            format!(
                "; LOWER BOUND: highest utilisation {:.2}, well below 1",
                fit.utilization
            )
        } else {
            String::new()
        }
    );
    let _ = writeln!(
        o,
        "  delivery.publish_latency_s {:>8.3} s (was {})",
        fit.publish_latency_s, base.delivery.publish_latency_s
    );
    let _ = writeln!(o, "Measured, not inputs (compare with the plan):");
    let _ = writeln!(
        o,
        "  origin service time p50/p95/p99  {} / {} / {} ms (the model's 1 / rps_per_vcpu: {:.3} ms)",
        fit.origin_service_ms[0],
        fit.origin_service_ms[1],
        fit.origin_service_ms[2],
        1000.0 / fit.rps_per_vcpu
    );
    let _ = writeln!(
        o,
        "  cache fills per key per TTL      {:.3} at TTL {} s (the model: 1 per cache tier)",
        fit.fills_per_key_per_ttl, fit.ttl_s
    );
    let _ = writeln!(
        o,
        "  origin share of client feed requests {:.1} %",
        fit.origin_share * 100.0
    );
    let _ = writeln!(o, "  other work on the machine        {:.2} CPUs busy", fit.other_cpus);
    o
}

/// One figure the planner predicts for the load test's own stack, beside
/// what the run measured.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    pub what: &'static str,
    pub predicted: f64,
    pub measured: f64,
    pub unit: &'static str,
    pub target: Target,
}

/// What "agrees" means for a [`Comparison`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Target {
    /// Within this share of the measured value (0.1: 10 %).
    Share(f64),
    /// Within this much, in the figure's unit.
    Abs(f64),
    /// Both below, or both at or above, this value (the SLO's verdict).
    SameVerdict(f64),
    /// Shown, not judged.
    None,
}

impl Comparison {
    pub fn ok(&self) -> bool {
        let d = (self.predicted - self.measured).abs();
        match self.target {
            Target::Share(r) => d <= r * self.measured.abs(),
            Target::Abs(a) => d <= a,
            Target::SameVerdict(at) => (self.predicted >= at) == (self.measured >= at),
            Target::None => true,
        }
    }
}

/// The stack's own scenario: the run's fans, TTL, poll interval, keys,
/// uncacheable share and timeout, one task of one vCPU (the pinned core),
/// one cache tier (nginx is edge and shield in one: Origin Shield on, Age
/// honoured), and the fitted coefficients.
///
/// # Errors
/// A field of the summary missing (named), or a scenario the planner rejects.
pub fn stack_scenario(summary: &str, fit: &Fit) -> Result<Scenario, CalibrateError> {
    let v: Value = serde_json::from_str(summary).map_err(|e| CalibrateError(format!("summary is not JSON: {e}")))?;
    let sc = "match_day.scale";
    let n = |k: &str| num(&v, &format!("{sc}.{k}"));
    let whole = |k: &str| n(k).map(|x| x.round() as u32);
    let mut s = Scenario::default();
    s.peak_concurrent_fans = whole("peak_fans")?;
    s.audience.design_headroom_pct = (n("design_fans")? / n("peak_fans")? - 1.0) * 100.0;
    s.audience.simultaneous_games = whole("games")?;
    s.delivery.poll_interval_s = n("poll_interval_s")?;
    s.delivery.feed_keys_per_game = whole("keys_per_game")?;
    s.delivery.cdn_live_ttl_s = fit.ttl_s;
    s.delivery.origin_shield = true;
    s.coefficients.cdn_tiers_honour_age = true;
    s.delivery.cacheable_share = num(&v, "match_day.client.cacheable_share_planned")?;
    s.delivery.assets_per_page_view = n("assets_per_page")?;
    s.delivery.publish_latency_s = fit.publish_latency_s;
    s.writes.events_per_minute_per_game = n("events_per_min_per_game")?;
    s.writes.burst_events_per_minute_per_game = n("burst_events_per_min_per_game")?;
    s.app.request_timeout_s = n("timeout_s")?;
    s.app.rps_per_vcpu = fit.rps_per_vcpu.round();
    // The measured rate already includes the stack's payload.
    s.app.cpu_us_per_kb = 0.0;
    s.app.task_vcpu = 1.0;
    s.app.on_demand_base_tasks = 1;
    s.scaling.autoscaling_enabled = false;
    s.scaling.prescale_enabled = false;
    s.overrides.min_tasks = Some(1);
    s.overrides.max_tasks = Some(1);
    validate(&s, &PriceBook::embedded()).map_err(|e| CalibrateError(format!("the stack's scenario: {e}")))?;
    Ok(s)
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    if xs.is_empty() {
        f64::NAN
    } else {
        xs[xs.len() / 2]
    }
}

/// The planner on the stack's own scenario against the run: origin
/// requests/s in play and at the peak, freshness p95, peak error share and
/// the second errors start (match time; none = -1).
///
/// # Errors
/// As [`stack_scenario`], or a plan the planner refuses.
pub fn predicted_vs_measured(summary: &str, fit: &Fit) -> Result<Vec<Comparison>, CalibrateError> {
    let v: Value = serde_json::from_str(summary).map_err(|e| CalibrateError(format!("summary is not JSON: {e}")))?;
    let s = stack_scenario(summary, fit)?;
    let p = crate::model::plan(&s, &PriceBook::embedded()).map_err(|e| CalibrateError(e.to_string()))?;
    let run = p.match_day.chosen(&p.fargate);
    let time_scale = positive(&v, "match_day.scale.time_scale")?;
    let start = field(&v, "match_day.scale.match_start_s")?
        .as_f64()
        .ok_or_else(|| CalibrateError("summary field match_day.scale.match_start_s: not a number".into()))?;
    let end = start + num(&v, "match_day.duration_s")? / time_scale;
    let steps: Vec<_> = run.steps.iter().filter(|x| x.t_s >= start && x.t_s < end).collect();
    let windows = field(&v, "match_day.windows")?
        .as_array()
        .ok_or_else(|| CalibrateError("summary field match_day.windows: not a list".into()))?;
    // Whole windows only: the last one is cut short by the end of the run.
    let full = &windows[..windows.len().saturating_sub(1)];
    let in_play = |t: f64| t >= 60.0;
    let measured_in_play = median(
        full.iter()
            .filter(|w| w["match_time_s"].as_f64().is_some_and(in_play))
            .filter_map(|w| w["origin_rps"].as_f64())
            .collect(),
    );
    let predicted_in_play = median(steps.iter().filter(|x| in_play(x.t_s)).map(|x| x.demand_rps).collect());
    let predicted_peak = steps.iter().map(|x| x.demand_rps).fold(0.0, f64::max);
    let predicted_error = steps.iter().map(|x| x.error_share).fold(0.0, f64::max) * 100.0;
    let predicted_first = steps.iter().find(|x| x.error_share > 0.0).map_or(-1.0, |x| x.t_s);
    let measured_first = field(&v, "match_day.errors")?["first_error_match_time_s"]
        .as_f64()
        .unwrap_or(-1.0);
    let slo_pct = s.slo.max_error_share * 100.0;
    let cmp = |what, predicted, measured, unit, target| Comparison {
        what,
        predicted,
        measured,
        unit,
        target,
    };
    Ok(vec![
        cmp(
            "origin req/s, in play (median 10-s window)",
            predicted_in_play,
            measured_in_play,
            "req/s",
            Target::Share(0.10),
        ),
        cmp(
            "origin req/s, peak 10-s window",
            predicted_peak,
            num(&v, "match_day.origin.peak_window_rps")?,
            "req/s",
            Target::Share(0.10),
        ),
        cmp(
            "freshness p95",
            crate::model::slo::freshness_p95_s(&s, run).0,
            num(&v, "match_day.freshness.p95_s")?,
            "s",
            Target::Abs(0.5),
        ),
        cmp(
            "peak error share (10-s window)",
            predicted_error,
            num(&v, "match_day.errors.peak_window_error_pct")?,
            "%",
            Target::SameVerdict(slo_pct),
        ),
        cmp(
            "first error, match second (-1: none)",
            predicted_first,
            measured_first,
            "s",
            Target::None,
        ),
    ])
}

/// The comparison as a Markdown table.
pub fn comparison_table(rows: &[Comparison]) -> String {
    let mut o = String::from("| Figure | Predicted | Measured | Target | Within |\n|---|---:|---:|---|---|\n");
    for r in rows {
        let target = match r.target {
            Target::Share(x) => format!("within {:.0} %", x * 100.0),
            Target::Abs(a) => format!("within {a} {}", r.unit),
            Target::SameVerdict(at) => format!("same verdict (SLO: < {at} %)"),
            Target::None => "—".into(),
        };
        let _ = writeln!(
            o,
            "| {} | {:.3} {} | {:.3} {} | {target} | {} |",
            r.what,
            r.predicted,
            r.unit,
            r.measured,
            r.unit,
            if r.ok() { "yes" } else { "**no**" }
        );
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMOKE: &str = include_str!("../../tests/load/fixtures/smoke-summary.json");

    fn with(path: &str, value: Value) -> String {
        let mut v: Value = serde_json::from_str(SMOKE).unwrap();
        let mut cur = &mut v;
        let keys: Vec<&str> = path.split('.').collect();
        for k in &keys[..keys.len() - 1] {
            cur = cur.get_mut(*k).unwrap();
        }
        cur[keys[keys.len() - 1]] = value;
        v.to_string()
    }

    #[test]
    fn smoke_fits_the_match_day_cpu_as_a_lower_bound() {
        let f = fit(SMOKE).unwrap();
        assert!(!f.from_capacity);
        assert_eq!(f.rps_per_vcpu, 710.0);
        assert!(f.lower_bound());
        assert_eq!(f.publish_latency_s, 0.031);
        assert!((f.fills_per_key_per_ttl - 1.022).abs() < 1e-9);
        assert_eq!(f.commit, "bc7f78ee291b");
    }

    #[test]
    fn capacity_steps_win_over_the_match_day() {
        let cap = serde_json::json!({
            "requests_per_cpu_s_at_highest_utilization": 3881.0,
            "highest_utilization": 0.95
        });
        let f = fit(&with("capacity", cap)).unwrap();
        assert!(f.from_capacity);
        assert_eq!(f.rps_per_vcpu, 3881.0);
        assert!(!f.lower_bound());
    }

    #[test]
    fn a_bad_summary_names_the_field() {
        let cases = [
            (with("schema", "other/1".into()), "schema"),
            (
                with("match_day.api_cpu.requests_per_cpu_s", Value::Null),
                "match_day.api_cpu.requests_per_cpu_s",
            ),
            (
                with("match_day.api_cpu.utilization", 0.into()),
                "match_day.api_cpu.utilization",
            ),
            (
                with("match_day.freshness.publish_to_origin_s.p95", "fast".into()),
                "match_day.freshness.publish_to_origin_s.p95",
            ),
            (with("stack.cdn_ttl_s", (-1).into()), "stack.cdn_ttl_s"),
            (
                with("capacity", serde_json::json!({})),
                "capacity.requests_per_cpu_s_at_highest_utilization",
            ),
        ];
        for (text, name) in cases {
            let e = fit(&text).unwrap_err().0;
            assert!(e.contains(&format!("summary field {name}:")), "{name}: {e}");
        }
        assert!(fit("{").unwrap_err().0.contains("not JSON"));
    }

    /// Predicted vs measured on the `make loadtest` run of
    /// docs/model-validation.md: the targets, not widened.
    #[test]
    fn the_planner_predicts_the_loadtest_run() {
        const RUN: &str = include_str!("../../tests/load/fixtures/loadtest-summary.json");
        let f = fit(RUN).unwrap();
        assert!(f.from_capacity && f.lower_bound());
        let rows = predicted_vs_measured(RUN, &f).unwrap();
        assert_eq!(rows.len(), 5);
        for r in &rows {
            assert!(
                r.ok(),
                "{}: predicted {} vs measured {}",
                r.what,
                r.predicted,
                r.measured
            );
        }
        let table = comparison_table(&rows);
        assert!(
            table.contains("| origin req/s, peak 10-s window | 36.000 req/s | 36.500 req/s | within 10 % | yes |"),
            "{table}"
        );
    }

    #[test]
    fn a_disagreement_is_reported() {
        let r = Comparison {
            what: "x",
            predicted: 40.0,
            measured: 36.0,
            unit: "req/s",
            target: Target::Share(0.1),
        };
        assert!(!r.ok());
        assert!(comparison_table(&[r]).contains("**no**"));
        let verdict = |p, m| Comparison {
            what: "e",
            predicted: p,
            measured: m,
            unit: "%",
            target: Target::SameVerdict(5.0),
        };
        assert!(verdict(0.0, 4.9).ok());
        assert!(!verdict(6.0, 0.0).ok());
    }

    #[test]
    fn apply_writes_the_values_and_their_provenance() {
        let f = fit(SMOKE).unwrap();
        let s = apply(&Scenario::default(), &f, "target/loadtest/smoke/summary.json").unwrap();
        assert_eq!(s.app.rps_per_vcpu, 710.0);
        assert_eq!(s.delivery.publish_latency_s, 0.031);
        let p = &s.provenance["app.rps_per_vcpu"];
        assert_eq!(p.value, 710.0);
        assert_eq!(p.date_utc, "2026-12-04T15:43:02Z");
        assert!(p.note.contains("lower bound"), "{}", p.note);
        assert_eq!(s.provenance.len(), 2);
    }
}
