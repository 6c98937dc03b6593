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
        Err(CalibrateError(format!(
            "summary field {path}: 0, nothing was measured"
        )))
    }
}

/// Fit the coefficients from a summary's text.
///
/// # Errors
/// Not JSON, another schema, or a field missing, of the wrong type or
/// empty: the message names the field.
pub fn fit(summary: &str) -> Result<Fit, CalibrateError> {
    let v: Value =
        serde_json::from_str(summary).map_err(|e| CalibrateError(format!("summary is not JSON: {e}")))?;
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
                "requests per CPU-second of one Node process ({source}), {bound}; origin service time p50/p95/p99 {}/{}/{} ms; other work kept {:.2} CPUs busy",
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
            (with("match_day.api_cpu.requests_per_cpu_s", Value::Null), "match_day.api_cpu.requests_per_cpu_s"),
            (with("match_day.api_cpu.utilization", 0.into()), "match_day.api_cpu.utilization"),
            (
                with("match_day.freshness.publish_to_origin_s.p95", "fast".into()),
                "match_day.freshness.publish_to_origin_s.p95",
            ),
            (with("stack.cdn_ttl_s", (-1).into()), "stack.cdn_ttl_s"),
            (with("capacity", serde_json::json!({})), "capacity.requests_per_cpu_s_at_highest_utilization"),
        ];
        for (text, name) in cases {
            let e = fit(&text).unwrap_err().0;
            assert!(e.contains(&format!("summary field {name}:")), "{name}: {e}");
        }
        assert!(fit("{").unwrap_err().0.contains("not JSON"));
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
