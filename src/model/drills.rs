//! Match-day drills: a failure injected into the match-day simulation at a
//! chosen time, and what fans see. Each drill is a list of [`Fault`]s, one
//! per simulation step, that the same simulation ([`autoscale`]) runs
//! through: tasks stop and ECS replaces them, the cache or the MySQL writer
//! is away, the API answers 5xx. The outcome compares the drill's run with
//! the undisturbed one (the plan's chosen run).
//!
//! Every duration is a field of `drills` in the scenario (sources in
//! `docs/drills.md`). For a failing drill, `plan::evaluate_drill` tries
//! each mitigation [`candidates`] lists, re-plans with it (the one pricing
//! engine) and reports the cheapest that makes the drill pass; this module
//! does not import `plan` (the model's modules form no cycle).

use super::autoscale::{self, SimRun};
use super::cache::CacheSizing;
use super::demand::{self, Demand};
use super::fargate::FargateSizing;
use super::fault::Fault;
use super::profile::{self, Point};
use super::rds::RdsSizing;
use super::scenario::{DrillKind, Scenario};
use super::slo;
use super::tiers::Tiers;
use serde::Serialize;
use strum::VariantArray;

/// Steps more erroneous than the undisturbed day by more than this share,
/// or staler by more than [`FRESHNESS_TOLERANCE_S`], are not yet recovered.
pub const ERROR_TOLERANCE: f64 = 1e-4;
/// See [`ERROR_TOLERANCE`], seconds.
pub const FRESHNESS_TOLERANCE_S: f64 = 0.05;
/// Rounding allowance when a share is compared with its target (5 % of
/// misses must not fail a 5 % target on the last bit).
const SHARE_EPSILON: f64 = 1e-9;

/// Seconds the drill kept fans over each SLO that the undisturbed day met.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SecondsOverSlo {
    /// Over `slo.max_error_share`.
    pub error_s: f64,
    /// Over `slo.freshness_p95_s`.
    pub freshness_s: f64,
}

/// A change to the scenario that makes a drill pass, and what it costs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Mitigation {
    /// What to do, in words.
    pub action: String,
    /// The scenario input(s) to change, `path = value`.
    pub change: String,
    /// The plan's monthly total with the change, USD.
    pub monthly_usd: f64,
    /// Its difference from the plan without it, USD a month.
    pub extra_monthly_usd: f64,
    /// `terraform` (the tfvars carry it) or `app` (the API must do it).
    pub needs: &'static str,
}

/// One drill's result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DrillOutcome {
    pub name: &'static str,
    /// When the drill starts, seconds from kickoff.
    pub at_s: f64,
    /// Within `drills.max_error_share` and `drills.max_staleness_s`.
    pub pass: bool,
    /// Worst step's error share from the drill's start until it recovered, %.
    pub worst_error_pct: f64,
    /// Worst p95 staleness of the feed over the same steps, seconds.
    pub freshness_p95_s: f64,
    pub seconds_over_slo: SecondsOverSlo,
    /// Seconds from the drill's start until every step is back to the
    /// undisturbed day's errors and freshness (0: it never left them).
    pub recovery_s: f64,
    /// What the drill did, in words.
    pub what: String,
    /// The runbook on-call follows.
    pub runbook: &'static str,
    /// For a failing drill: the cheapest change the model shows makes it
    /// pass; `None` when it passes, or when nothing the planner knows does
    /// (`mitigation_note` says which were tried).
    pub mitigation: Option<Mitigation>,
    pub mitigation_note: String,
}

/// The runbook that handles the drill's failure (`docs/runbooks/<name>.md`):
/// the alarms it trips, diagnosis, mitigation, how to see it recovered,
/// and how to play it on a game day.
pub fn runbook(kind: DrillKind) -> &'static str {
    match kind {
        DrillKind::CacheFailover => "docs/runbooks/cache-failover.md",
        DrillKind::DbFailover => "docs/runbooks/db-failover.md",
        DrillKind::AzLoss => "docs/runbooks/az-loss.md",
        DrillKind::DeployMidMatch => "docs/runbooks/deploy-mid-match.md",
        DrillKind::SpotReclaim => "docs/runbooks/spot-reclaim.md",
        DrillKind::OriginOutage => "docs/runbooks/origin-outage.md",
    }
}

/// Parse `all` or a comma-separated list of drill names.
///
/// # Errors
/// The unknown name and the known ones.
///
/// # Example
/// ```
/// use kickoff::model::drills::parse_list;
/// assert_eq!(parse_list("all").unwrap().len(), 6);
/// assert_eq!(parse_list("az-loss,db-failover").unwrap().len(), 2);
/// assert!(parse_list("meteor").is_err());
/// ```
pub fn parse_list(text: &str) -> Result<Vec<DrillKind>, String> {
    if text.trim() == "all" {
        return Ok(DrillKind::VARIANTS.to_vec());
    }
    let mut out = Vec::new();
    for name in text.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        let k: DrillKind = name.parse().map_err(|_| {
            format!(
                "drills: unknown drill `{name}`; known: all, {}",
                DrillKind::VARIANTS
                    .iter()
                    .map(|k| k.name())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })?;
        if !out.contains(&k) {
            out.push(k);
        }
    }
    if out.is_empty() {
        return Err("drills: name at least one drill, or all".into());
    }
    Ok(out)
}

/// What a drill needs of a plan: its sizing and its undisturbed match day
/// (`Plan::sized`).
#[derive(Debug, Clone, Copy)]
pub struct Sized<'a> {
    pub fargate: &'a FargateSizing,
    pub rds: &'a RdsSizing,
    pub cache: Option<&'a CacheSizing>,
    /// The run the deployed configuration follows.
    pub baseline: &'a SimRun,
}

/// The match day as the plan simulated it, rebuilt from the plan.
struct Day {
    points: Vec<Point>,
    demands: Vec<Demand>,
    tiers: Tiers,
}

impl Day {
    fn of(s: &Scenario, p: &Sized) -> Day {
        let points = profile::series(&s.match_day, demand::off_peak_share(s), s.scaling.sim_step_s);
        let demands = points.iter().map(|pt| demand::at_point(s, pt)).collect();
        let tiers = Tiers::of(s, p.rds, p.cache, p.fargate.servers_per_task);
        Day { points, demands, tiers }
    }
}

/// A drill's faults per step, its demand, when its disruption ends
/// (seconds from kickoff) and what it did.
struct Perturbation {
    faults: Vec<Fault>,
    demands: Vec<Demand>,
    ends_at_s: f64,
    what: String,
}

/// Cache hit ratio `h` seconds after the cache came back empty.
fn refilled(s: &Scenario, since_s: f64) -> f64 {
    let d = &s.drills;
    let progress = if d.cache_refill_s > 0.0 {
        (since_s / d.cache_refill_s).clamp(0.0, 1.0)
    } else {
        1.0
    };
    s.data.redis_hit_ratio * progress
}

/// Faults of one drill on `day`, for the plan `p`.
fn perturb(s: &Scenario, p: &Sized, day: &Day, kind: DrillKind) -> Perturbation {
    let dr = &s.drills;
    let dt = s.scaling.sim_step_s;
    let at = dr.at_s;
    let n = day.points.len();
    let mut faults = vec![Fault::default(); n];
    let mut demands = day.demands.clone();
    let mut ends: f64 = at;
    let mut what = Vec::new();
    // Step i overlaps [a, b).
    let overlaps = |t: f64, a: f64, b: f64| t + dt > a && t < b;
    // The step in which time x falls.
    let step_of = |x: f64| day.points.iter().position(|pt| pt.t_s + dt > x);

    let cache_fails = |faults: &mut Vec<Fault>, demands: &mut Vec<Demand>, what: &mut Vec<String>| {
        let Some(c) = p.cache else {
            what.push("no cache tier: nothing to fail over".into());
            return at;
        };
        let (down, refill) = if c.replicas > 0 {
            what.push(format!(
                "cache away {:.0} s while a replica is promoted",
                dr.cache_failover_s
            ));
            (dr.cache_failover_s, 0.0)
        } else {
            what.push(format!(
                "cache away {:.0} s until a new empty node replaces it, then refilling over {:.0} s",
                dr.cache_node_replace_s, dr.cache_refill_s
            ));
            (dr.cache_node_replace_s, dr.cache_refill_s)
        };
        let back = at + down;
        for (i, pt) in day.points.iter().enumerate() {
            let h = if overlaps(pt.t_s, at, back) {
                faults[i].cache_down = true;
                0.0
            } else if refill > 0.0 && overlaps(pt.t_s, back, back + refill) {
                refilled(s, pt.t_s + dt - back)
            } else {
                continue;
            };
            faults[i].hit_ratio = Some(h);
            let mut s2 = s.clone();
            s2.data.redis_hit_ratio = h;
            demands[i] = demand::at_point(&s2, pt);
        }
        back + refill
    };

    let writer_fails = |faults: &mut Vec<Fault>, what: &mut Vec<String>| {
        let (away, how) = if !s.data.multi_az {
            (
                dr.az_outage_s,
                format!(
                    "single-AZ writer away {:.0} s (no standby: until its AZ returns)",
                    dr.az_outage_s
                ),
            )
        } else if p.rds.needs_proxy {
            let away = dr.db_failover_s * dr.db_failover_proxy_share;
            (away, format!("writer fails over in {away:.0} s through RDS Proxy"))
        } else {
            (
                dr.db_failover_s,
                format!("writer fails over in {:.0} s", dr.db_failover_s),
            )
        };
        what.push(how);
        for (i, pt) in day.points.iter().enumerate() {
            if overlaps(pt.t_s, at, at + away) {
                faults[i].writer_down = true;
                // Nothing is published while the writer is away.
                faults[i].stale_s = faults[i].stale_s.max(pt.t_s + dt - at);
            }
        }
        at + away
    };

    match kind {
        DrillKind::CacheFailover => {
            ends = cache_fails(&mut faults, &mut demands, &mut what);
        }
        DrillKind::DbFailover => {
            ends = writer_fails(&mut faults, &mut what);
        }
        DrillKind::AzLoss => {
            let share = 1.0 / f64::from(s.platform.az_count);
            if let Some(i) = step_of(at) {
                faults[i].stop_share = share;
            }
            what.push(format!(
                "1 of {} AZs lost: its tasks stop and ECS replaces them after {:.0} s",
                s.platform.az_count,
                autoscale::ready_after_s(s)
            ));
            ends = ends.max(at + autoscale::ready_after_s(s));
            // The worst case: the cache primary and the writer were in it.
            ends = ends.max(cache_fails(&mut faults, &mut demands, &mut what));
            ends = ends.max(writer_fails(&mut faults, &mut what));
        }
        DrillKind::DeployMidMatch => {
            let ready = autoscale::ready_after_s(s);
            let (_, dereg, _) = super::alb::settings(s);
            let overlap_end = at + ready + f64::from(dereg);
            let healthy = f64::from(dr.deploy_min_healthy_percent) / 100.0;
            for (i, pt) in day.points.iter().enumerate() {
                if overlaps(pt.t_s, at, overlap_end) {
                    faults[i].overlap = true;
                }
                if overlaps(pt.t_s, at, at + ready) {
                    faults[i].serving_share = healthy;
                }
            }
            what.push(format!(
                "rolling deploy at {}–200 %: new tasks serve after {ready:.0} s, old ones drain {dereg} s; pools and targets doubled meanwhile",
                dr.deploy_min_healthy_percent
            ));
            ends = overlap_end;
        }
        DrillKind::SpotReclaim => {
            let stop = at + dr.spot_warning_s;
            if let Some(i) = step_of(stop) {
                faults[i].stop_spot = true;
            }
            what.push(format!(
                "Spot tasks warned at {at:+.0} s, stopped {:.0} s later; replacements start then and serve after {:.0} s",
                dr.spot_warning_s,
                autoscale::ready_after_s(s)
            ));
            ends = stop + autoscale::ready_after_s(s);
        }
        DrillKind::OriginOutage => {
            let end = at + dr.origin_outage_s;
            let stale_until = at + s.delivery.stale_if_error_s;
            for (i, pt) in day.points.iter().enumerate() {
                if overlaps(pt.t_s, at, end) {
                    faults[i].origin_down = true;
                    let elapsed = pt.t_s + dt - at;
                    if pt.t_s + dt <= stale_until + 1e-9 {
                        faults[i].stale_served = true;
                        faults[i].stale_s = elapsed;
                    }
                }
            }
            what.push(format!(
                "API answers 5xx for {:.0} s; {}",
                dr.origin_outage_s,
                if s.delivery.stale_if_error_s > 0.0 {
                    format!(
                        "CloudFront serves the last good feed for up to {:.0} s (stale-if-error)",
                        s.delivery.stale_if_error_s
                    )
                } else {
                    "no stale-if-error: fans get the errors".into()
                }
            ));
            ends = end;
        }
    }
    Perturbation {
        faults,
        demands,
        ends_at_s: ends,
        what: what.join("; "),
    }
}

/// Run one drill on the plan `p` of `s` (no mitigation search).
pub fn run(s: &Scenario, p: &Sized, kind: DrillKind) -> (DrillOutcome, SimRun) {
    let day = Day::of(s, p);
    let base = p.baseline;
    let pert = perturb(s, p, &day, kind);
    let drilled = autoscale::simulate_with_faults(
        s,
        p.fargate,
        &day.tiers,
        (&day.points, &pert.demands),
        base.prescaled,
        &pert.faults,
    );
    (outcome(s, kind, base, &drilled, &pert), drilled)
}

fn outcome(s: &Scenario, kind: DrillKind, base: &SimRun, drilled: &SimRun, pert: &Perturbation) -> DrillOutcome {
    let dt = s.scaling.sim_step_s;
    let at = s.drills.at_s;
    let fresh_base = slo::freshness_by_step(s, base);
    let fresh = slo::freshness_by_step(s, drilled);
    let from = drilled
        .steps
        .iter()
        .position(|st| st.t_s + dt > at)
        .unwrap_or(drilled.steps.len());

    let mut last_off = None;
    let mut over = SecondsOverSlo {
        error_s: 0.0,
        freshness_s: 0.0,
    };
    for i in from..drilled.steps.len() {
        let (d, b) = (&drilled.steps[i], &base.steps[i]);
        if d.error_share - b.error_share > ERROR_TOLERANCE || fresh[i] - fresh_base[i] > FRESHNESS_TOLERANCE_S {
            last_off = Some(i);
        }
        let limit = s.slo.max_error_share + SHARE_EPSILON;
        if d.error_share > limit && b.error_share <= limit {
            over.error_s += dt;
        }
        if fresh[i] > s.slo.freshness_p95_s && fresh_base[i] <= s.slo.freshness_p95_s {
            over.freshness_s += dt;
        }
    }
    let recovery_s = last_off.map_or(0.0, |i| (drilled.steps[i].t_s + dt - at).max(0.0));
    // The steps "through the drill": from its start until it recovered or
    // its disruption ended, whichever is later (at least one step).
    let until = (at + recovery_s).max(pert.ends_at_s);
    let window: Vec<usize> = (from..drilled.steps.len())
        .take_while(|&i| i == from || drilled.steps[i].t_s < until)
        .collect();
    let worst_error = window.iter().map(|&i| drilled.steps[i].error_share).fold(0.0, f64::max);
    let worst_fresh = window.iter().map(|&i| fresh[i]).fold(0.0, f64::max);
    DrillOutcome {
        name: kind.name(),
        at_s: at,
        pass: worst_error <= s.drills.max_error_share + SHARE_EPSILON && worst_fresh <= s.drills.max_staleness_s,
        worst_error_pct: worst_error * 100.0,
        freshness_p95_s: worst_fresh,
        seconds_over_slo: over,
        recovery_s,
        what: pert.what.clone(),
        runbook: runbook(kind),
        mitigation: None,
        mitigation_note: String::new(),
    }
}

/// A mitigation the planner can try: its words, what it needs, the change
/// as scenario inputs, and the changed scenario (no drills selected).
#[derive(Debug, Clone)]
pub struct Candidate {
    pub action: String,
    pub needs: &'static str,
    pub change: String,
    pub scenario: Scenario,
}

/// The mitigations that change something for the plan `p` of `s`.
pub fn candidates(s: &Scenario, p: &Sized) -> Vec<Candidate> {
    let mut out = Vec::new();
    let mut add = |action: String, needs: &'static str, change: String, f: &dyn Fn(&mut Scenario)| {
        let mut s2 = s.clone();
        f(&mut s2);
        s2.drills.selected.clear();
        if s2 != *s {
            out.push(Candidate {
                action,
                needs,
                change,
                scenario: s2,
            });
        }
    };
    let f = p.fargate;
    let busiest = f.prescale_tasks.max(f.peak_tasks);
    // The on-demand base the service deploys is capped at the floor
    // (`fargate.rs`): above it, only a smaller Spot share keeps tasks.
    if s.app.spot_share > 0.0 {
        add(
            "run every task above the base on on-demand Fargate".into(),
            "terraform",
            "app.spot_share = 0".into(),
            &|x| x.app.spot_share = 0.0,
        );
    }
    if p.cache.is_some_and(|c| c.replicas == 0) {
        add(
            "add a cache replica in another AZ (Multi-AZ failover)".into(),
            "terraform",
            "overrides.cache_replicas = 1".into(),
            &|x| x.overrides.cache_replicas = Some(1),
        );
    }
    if !s.data.multi_az {
        add(
            "run MySQL Multi-AZ (a standby to fail over to)".into(),
            "terraform",
            "data.multi_az = true".into(),
            &|x| x.data.multi_az = true,
        );
    }
    if !p.rds.needs_proxy {
        add(
            "put RDS Proxy in front of the writer (shorter failover)".into(),
            "terraform",
            "data.rds_proxy = true".into(),
            &|x| x.data.rds_proxy = true,
        );
    }
    if p.rds.read_replicas < p.rds.replica_limit {
        let n = p.rds.read_replicas + 1;
        add(
            format!("run {n} MySQL read replica(s) in other AZs (reads survive a writer failover)"),
            "terraform",
            format!("overrides.db_read_replicas = {n}"),
            &|x| x.overrides.db_read_replicas = Some(n),
        );
    }
    let covering = ((s.drills.origin_outage_s / 60.0).ceil() * 60.0).max(60.0) + 60.0;
    if s.delivery.mode == super::scenario::DeliveryMode::Polling && s.delivery.stale_if_error_s < covering {
        add(
            format!("send `Cache-Control: stale-if-error={covering:.0}` on the live feed"),
            "app",
            format!("delivery.stale_if_error_s = {covering:.0}"),
            &|x| x.delivery.stale_if_error_s = covering,
        );
    }
    let az = f64::from(s.platform.az_count);
    for (why, factor) in [
        ("one AZ's worth more tasks from the floor up", az / (az - 1.0)),
        ("twice the kickoff's tasks as the floor", 2.0),
    ] {
        let floor = (f64::from(busiest) * factor).ceil() as u32;
        let ceiling = s.overrides.max_tasks.unwrap_or(0).max(f.max_tasks).max(floor);
        if floor > f.min_tasks {
            add(
                format!("keep {floor} tasks as the floor ({why})"),
                "terraform",
                format!("overrides.min_tasks = {floor}; overrides.max_tasks = {ceiling}"),
                &|x| {
                    x.overrides.min_tasks = Some(floor);
                    x.overrides.max_tasks = Some(ceiling);
                },
            );
        }
    }
    out
}

/// Every candidate at once: for when no single one makes a drill pass.
pub fn together(s: &Scenario, cands: &[Candidate]) -> Candidate {
    let mut all = s.clone();
    all.drills.selected.clear();
    for c in cands {
        apply_change(&mut all, &c.scenario, s);
    }
    Candidate {
        action: "all of the above together".into(),
        needs: if cands.iter().any(|c| c.needs == "app") {
            "terraform and app"
        } else {
            "terraform"
        },
        change: cands.iter().map(|c| c.change.clone()).collect::<Vec<_>>().join("; "),
        scenario: all,
    }
}

/// Copy into `all` every field in which `changed` differs from `base`, for
/// the fields a mitigation touches.
fn apply_change(all: &mut Scenario, changed: &Scenario, base: &Scenario) {
    if changed.app.spot_share != base.app.spot_share {
        all.app.spot_share = changed.app.spot_share;
    }
    if changed.overrides.cache_replicas != base.overrides.cache_replicas {
        all.overrides.cache_replicas = changed.overrides.cache_replicas;
    }
    if changed.overrides.db_read_replicas != base.overrides.db_read_replicas {
        all.overrides.db_read_replicas = changed.overrides.db_read_replicas;
    }
    if changed.data.multi_az != base.data.multi_az {
        all.data.multi_az = changed.data.multi_az;
    }
    if changed.data.rds_proxy != base.data.rds_proxy {
        all.data.rds_proxy = changed.data.rds_proxy;
    }
    if changed.delivery.stale_if_error_s != base.delivery.stale_if_error_s {
        all.delivery.stale_if_error_s = changed.delivery.stale_if_error_s;
    }
    if changed.overrides.min_tasks != base.overrides.min_tasks {
        all.overrides.min_tasks = all.overrides.min_tasks.max(changed.overrides.min_tasks);
        all.overrides.max_tasks = all.overrides.max_tasks.max(changed.overrides.max_tasks);
    }
}

/// The `survives_drills` verdict over the scenario's selected drills.
pub fn verdict(s: &Scenario, outcomes: &[DrillOutcome]) -> slo::SloVerdict {
    let failing: Vec<String> = outcomes
        .iter()
        .filter(|o| !o.pass)
        .map(|o| {
            format!(
                "{} ({:.2} % errors, {:.1} s stale{})",
                o.name,
                o.worst_error_pct,
                o.freshness_p95_s,
                o.mitigation
                    .as_ref()
                    .map_or(String::new(), |m| format!("; fix: {}", m.action))
            )
        })
        .collect();
    slo::SloVerdict {
        name: "survives_drills".into(),
        pass: failing.is_empty(),
        target: format!(
            "every selected drill ≤ {:.1} % errors and ≤ {} s stale",
            s.drills.max_error_share * 100.0,
            s.drills.max_staleness_s
        ),
        measured: format!("{} of {} pass", outcomes.len() - failing.len(), outcomes.len()),
        detail: if failing.is_empty() {
            format!(
                "drills at {:+.0} s from kickoff: {}",
                s.drills.at_s,
                outcomes.iter().map(|o| o.name).collect::<Vec<_>>().join(", ")
            )
        } else {
            format!("fails: {}", failing.join("; "))
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::model::plan::{evaluate_drill, plan, Plan};
    use crate::model::prices::PriceBook;

    fn planned(s: &Scenario) -> Plan {
        plan(s, &PriceBook::embedded()).unwrap()
    }

    /// The drill's run and the undisturbed one, step by step.
    fn runs(s: &Scenario, kind: DrillKind) -> (DrillOutcome, SimRun, SimRun) {
        let p = planned(s);
        let (o, drilled) = run(s, &p.sized(), kind);
        (o, drilled, p.match_day.chosen(&p.fargate).clone())
    }

    fn step_at(run: &SimRun, t: f64) -> &autoscale::Step {
        run.steps.iter().find(|st| st.t_s == t).unwrap()
    }

    #[test]
    fn cache_failover_with_a_replica_sends_the_reads_to_mysql_for_the_promotion() {
        let s = Scenario::default();
        let (o, drilled, base) = runs(&s, DrillKind::CacheFailover);
        let (d, b) = (step_at(&drilled, 10.0), step_at(&base, 10.0));
        // Every read misses: MySQL carries 1 ÷ (1 − 0.95) = 20 × the misses.
        assert!(d.tiers.db_writer > 10.0 * b.tiers.db_writer, "{d:?} {b:?}");
        assert_eq!(d.tiers.cache_ops, 0.0);
        // Back to normal after the 30 s promotion.
        assert_eq!(
            step_at(&drilled, 40.0).tiers.db_writer,
            step_at(&base, 40.0).tiers.db_writer
        );
        assert!(o.pass, "{o:?}");
    }

    #[test]
    fn cache_failover_without_a_replica_waits_for_a_new_node_and_refills() {
        let mut s = Scenario::default();
        s.overrides.cache_replicas = Some(0);
        let (o, drilled, base) = runs(&s, DrillKind::CacheFailover);
        assert!(o.what.contains("new empty node"), "{}", o.what);
        // Away for 600 s, then refilling over 60 s: MySQL still busier at +620 s.
        assert!(step_at(&drilled, 590.0).tiers.db_writer > 10.0 * step_at(&base, 590.0).tiers.db_writer);
        assert!(step_at(&drilled, 620.0).tiers.db_writer > step_at(&base, 620.0).tiers.db_writer);
        assert_eq!(
            step_at(&drilled, 700.0).tiers.db_writer,
            step_at(&base, 700.0).tiers.db_writer
        );
        // The plan offers the replica, and it costs money.
        let m = evaluate_drill(&s, &PriceBook::embedded(), &planned(&s), DrillKind::CacheFailover);
        assert!(m.pass || m.mitigation.is_some() || !m.mitigation_note.is_empty());
    }

    #[test]
    fn db_failover_stalls_the_feed_and_rds_proxy_shortens_it() {
        let s = Scenario::default();
        let (o, drilled, _) = runs(&s, DrillKind::DbFailover);
        // 120 s without a commit: the feed is at least that stale.
        assert!(o.freshness_p95_s >= 120.0, "{o:?}");
        assert_eq!(o.recovery_s, 120.0);
        assert!(step_at(&drilled, 110.0).stale_s > 0.0);
        assert_eq!(step_at(&drilled, 120.0).stale_s, 0.0);
        let mut proxied = s.clone();
        proxied.data.rds_proxy = true;
        let (q, _, _) = runs(&proxied, DrillKind::DbFailover);
        assert!(q.recovery_s < 0.5 * o.recovery_s, "{q:?}");
        assert!(q.freshness_p95_s < o.freshness_p95_s - 60.0);
        // Reads on the writer fail while it is away: the misses' share.
        assert!((o.worst_error_pct - 5.0).abs() < 1e-6, "{o:?}");
    }

    #[test]
    fn az_loss_stops_an_azs_tasks_until_ecs_replaces_them() {
        let s = Scenario::default();
        let (o, drilled, base) = runs(&s, DrillKind::AzLoss);
        let before = step_at(&base, 0.0).running_tasks;
        assert_eq!(step_at(&drilled, 0.0).running_tasks, before - before / 2);
        // Replacements serve after the task start and health checks (80 s).
        assert_eq!(step_at(&drilled, 80.0).running_tasks, before);
        // With the cache and the writer in the lost AZ, every read fails.
        assert!(o.worst_error_pct > 99.0 && !o.pass, "{o:?}");
    }

    #[test]
    fn deploy_below_full_health_loses_capacity_and_doubles_connections() {
        let mut s = Scenario::default();
        s.delivery.cdn_live_ttl_s = 0.0; // every poll reaches the origin
        let (full, drilled, base) = runs(&s, DrillKind::DeployMidMatch);
        let (d, b) = (step_at(&drilled, 10.0), step_at(&base, 10.0));
        assert!(
            (d.tiers.db_connections - 2.0 * b.tiers.db_connections).abs() < 1e-9,
            "{d:?} {b:?}"
        );
        assert_eq!(d.capacity_rps, b.capacity_rps);
        s.drills.deploy_min_healthy_percent = 50;
        let (half, drilled, _) = runs(&s, DrillKind::DeployMidMatch);
        assert!(step_at(&drilled, 10.0).capacity_rps < b.capacity_rps);
        assert!(half.worst_error_pct >= full.worst_error_pct);
    }

    #[test]
    fn spot_reclaim_stops_the_spot_tasks_after_the_warning() {
        let mut s = Scenario::default();
        s.peak_concurrent_fans = 200_000;
        s.app.on_demand_base_tasks = 0;
        s.app.spot_share = 1.0;
        let (o, drilled, base) = runs(&s, DrillKind::SpotReclaim);
        // Warned at kickoff, stopped at +120 s.
        assert_eq!(
            step_at(&drilled, 110.0).running_tasks,
            step_at(&base, 110.0).running_tasks
        );
        assert!(step_at(&drilled, 120.0).running_tasks < step_at(&base, 120.0).running_tasks);
        assert!(o.recovery_s > 0.0, "{o:?}");
        // On-demand tasks keep them.
        let mut od = s.clone();
        od.app.spot_share = 0.0;
        let (_, kept, base) = runs(&od, DrillKind::SpotReclaim);
        assert_eq!(step_at(&kept, 120.0).running_tasks, step_at(&base, 120.0).running_tasks);
    }

    #[test]
    fn origin_outage_fails_everything_unless_cloudfront_may_serve_stale() {
        let s = Scenario::default();
        let (o, drilled, _) = runs(&s, DrillKind::OriginOutage);
        assert_eq!(o.worst_error_pct, 100.0);
        assert_eq!(o.recovery_s, 60.0);
        assert_eq!(step_at(&drilled, 50.0).error_share, 1.0);
        let mut stale = s.clone();
        stale.delivery.stale_if_error_s = 120.0;
        let (q, drilled, _) = runs(&stale, DrillKind::OriginOutage);
        // The cacheable fetches get the stale copy; the per-fan requests fail.
        let st = step_at(&drilled, 50.0);
        assert!(st.error_share < 1.0 && st.error_share > 0.5, "{st:?}");
        assert_eq!(st.stale_s, 60.0);
        assert!(q.freshness_p95_s >= 60.0);
    }

    #[test]
    fn a_drill_outside_the_match_day_is_refused_by_name() {
        let mut s = Scenario::default();
        s.drills.at_s = 1e6;
        let e = plan(&s, &PriceBook::embedded()).unwrap_err().to_string();
        assert!(e.contains("drills.at_s"), "{e}");
    }

    #[test]
    fn selected_drills_become_an_slo() {
        let mut s = Scenario::default();
        assert!(planned(&s).slo.iter().all(|v| v.name != "survives_drills"));
        s.drills.selected = vec![DrillKind::CacheFailover, DrillKind::CacheFailover];
        let p = planned(&s);
        assert_eq!(p.drills.len(), 1);
        let v = p.slo.iter().find(|v| v.name == "survives_drills").unwrap();
        assert!(v.pass, "{v:?}");
        s.drills.selected.push(DrillKind::OriginOutage);
        let p = planned(&s);
        let v = p.slo.iter().find(|v| v.name == "survives_drills").unwrap();
        assert!(!v.pass && v.detail.contains("origin-outage"), "{v:?}");
    }
}
