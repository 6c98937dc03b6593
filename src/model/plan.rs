//! `plan()`: scenario in, plan out. Pure: no I/O, no globals.

use super::alb::{self, AlbSizing};
use super::autoscale::{self, SimRun};
use super::cache::{self, CacheLoad, CacheSizing};
use super::cdn::{self, CdnSizing};
use super::checks;
use super::cost::ServiceCost;
use super::demand::{self, Demand, Month};
use super::drills::{self, DrillOutcome, Mitigation};
use super::fargate::{self, FargateSizing};
use super::inputs;
use super::limits::LimitCheck;
use super::network::{self, NetworkSizing};
use super::observability;
use super::prices::{Price, PriceBook};
use super::profile;
use super::rds::{self, RdsSizing};
use super::scenario::DrillKind;
use super::scenario::{Environment, Provenance, Scenario};
use super::slo::{self, SloVerdict, CLOUDFRONT_ORIGIN_READ_TIMEOUT_S};
use super::storage::{self, StorageSizing};
use super::tiers::Tiers;
use super::validate::{validate, ValidationErrors};
use serde::Serialize;

/// Demand at the busiest step, in quiet hours, and over a month.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DemandSummary {
    pub peak: Demand,
    pub off_peak: Demand,
    pub month: Month,
}

/// The match day simulated with and without scheduled pre-scaling.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MatchDaySim {
    pub with_prescale: SimRun,
    pub without_prescale: SimRun,
}

impl MatchDaySim {
    /// The run the deployed configuration `f` follows: the pre-scaled one
    /// when scheduled pre-scaling raises the kickoff minimum above the floor.
    pub fn chosen(&self, f: &FargateSizing) -> &SimRun {
        if f.prescales() {
            &self.with_prescale
        } else {
            &self.without_prescale
        }
    }
}

/// How long the design headroom lasts as the audience grows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Headroom {
    pub design_headroom_pct: f64,
    pub growth_pct_per_month: f64,
    /// Months of growth the headroom absorbs before the peak exceeds the
    /// design audience; `None` without growth.
    pub months: Option<f64>,
}

impl Headroom {
    /// One sentence for the summaries.
    pub fn sentence(&self) -> String {
        let h = self.design_headroom_pct;
        match self.months {
            None => format!(
                "Audience growth: none assumed (audience.growth_pct_per_month = 0); the {h} % design headroom covers surprises, not growth."
            ),
            Some(m) => format!(
                "Audience growth: {} % a month uses up the {h} % design headroom in {m:.1} months; re-plan before month {}.",
                self.growth_pct_per_month,
                m.floor() as u64 + 1
            ),
        }
    }
}

/// A cross-service trap the plan found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    pub code: String,
    pub message: String,
}

/// A coefficient or modelling choice the numbers rest on.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assumption {
    pub name: String,
    pub value: String,
    pub source: String,
}

/// A coefficient measured by a load test (`kickoff calibrate`), with where
/// the measurement came from. A coefficient measured but since changed is
/// listed with `current: false` and counts as assumed again.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Measured {
    /// Input path, e.g. `app.rps_per_vcpu`.
    pub path: String,
    pub label: String,
    /// The scenario's value, with its unit.
    pub value: String,
    /// The scenario still holds the measured value.
    pub current: bool,
    pub provenance: Provenance,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    /// Every limit in `limits` is ok: AWS accepts the plan and it runs
    /// within every tier's capacity at its worst step.
    pub feasible: bool,
    /// One entry per limit checked, at the plan's worst step.
    pub limits: Vec<LimitCheck>,
    pub total_monthly_usd: f64,
    pub cost_per_1000_fans_usd: f64,
    pub headroom: Headroom,
    pub services: Vec<ServiceCost>,
    pub slo: Vec<SloVerdict>,
    pub warnings: Vec<Warning>,
    pub demand: DemandSummary,
    pub fargate: FargateSizing,
    pub alb: AlbSizing,
    pub rds: RdsSizing,
    pub cache: Option<CacheSizing>,
    pub cdn: CdnSizing,
    pub storage: StorageSizing,
    pub network: NetworkSizing,
    pub match_day: MatchDaySim,
    /// The scenario's selected drills (`drills.selected`), each run on this
    /// plan; empty when none is selected.
    pub drills: Vec<DrillOutcome>,
    /// Coefficients still assumed; a measured one moves to `measured`.
    pub assumptions: Vec<Assumption>,
    /// Coefficients measured by a load test; absent when none are.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub measured: Vec<Measured>,
    pub prices_used: Vec<Price>,
}

impl Plan {
    /// What a drill needs of the plan.
    pub fn sized(&self) -> drills::Sized<'_> {
        drills::Sized {
            fargate: &self.fargate,
            rds: &self.rds,
            cache: self.cache.as_ref(),
            baseline: self.match_day.chosen(&self.fargate),
        }
    }

    pub fn slo_pass(&self) -> bool {
        self.slo.iter().all(|v| v.pass)
    }

    /// The broken limits, one line each, with what would lift them.
    pub fn broken_limits(&self) -> Vec<String> {
        checks::broken_lines(&self.limits)
    }
}

/// Plan `s` with prices from `book` (and the scenario's price overrides).
///
/// # Errors
/// Every broken validation rule, each naming its field.
///
/// # Example
/// ```
/// use kickoff::model::{plan, PriceBook, Scenario};
/// let p = plan(&Scenario::default(), &PriceBook::embedded()).unwrap();
/// assert!(p.total_monthly_usd > 0.0);
/// assert!(p.slo.iter().any(|v| v.name == "kickoff_error_rate"));
/// ```
pub fn plan(s: &Scenario, book: &PriceBook) -> Result<Plan, ValidationErrors> {
    planned(s, book, true)
}

/// [`plan`] less the run without pre-scaling when pre-scaling is chosen
/// (`match_day.without_prescale` then has no steps): only the match-day
/// timeline draws that run, and every cost, limit and verdict reads the
/// chosen one, so the rest of the plan is `plan()`'s (tested). The page
/// plans each keystroke so and fills the run in with [`whole_runs`]
/// when it draws the timeline, after typing pauses.
///
/// # Errors
/// As [`plan`].
pub fn plan_lean(s: &Scenario, book: &PriceBook) -> Result<Plan, ValidationErrors> {
    planned(s, book, false)
}

/// [`plan`] or [`plan_lean`]: `both_runs` as in [`Core::of`].
fn planned(s: &Scenario, book: &PriceBook, both_runs: bool) -> Result<Plan, ValidationErrors> {
    validate(s, book)?;
    let priced = priced_book(s, book);
    let core = Core::of(s, &priced, both_runs);
    Ok(finish(s, book, &priced, core))
}

/// The match-day runs of `p`, the plan of `s`, both made: for a lean plan
/// whose run without pre-scaling was left out, both are made again.
pub fn whole_runs<'a>(p: &'a Plan, s: &Scenario, book: &PriceBook) -> std::borrow::Cow<'a, MatchDaySim> {
    if !p.fargate.prescales() || !p.match_day.without_prescale.steps.is_empty() {
        return std::borrow::Cow::Borrowed(&p.match_day);
    }
    match match_day_runs(s, book) {
        Ok(runs) => std::borrow::Cow::Owned(runs),
        Err(_) => std::borrow::Cow::Borrowed(&p.match_day),
    }
}

/// Both match-day runs of `s`'s plan, as [`plan`] makes them.
///
/// # Errors
/// As [`plan`].
pub fn match_day_runs(s: &Scenario, book: &PriceBook) -> Result<MatchDaySim, ValidationErrors> {
    Ok(core(s, book, true)?.match_day)
}

/// What [`plan`] computes before it prices the services: the demand, the
/// tiers' sizes and the match-day runs. None of it reads the egress
/// (`platform.egress`, which only prices the network and its limits), so
/// designs that differ only there can share it: the optimizer plans them
/// with [`plan_with_core`] (`optimize::tests` checks that those plans equal
/// `plan()`'s). The simulations are most of a plan's time.
#[derive(Debug, Clone)]
pub struct Core {
    billed_day: Vec<Demand>,
    peak: Demand,
    peak_edge: Demand,
    off: Demand,
    month: Month,
    f: FargateSizing,
    rds: (RdsSizing, ServiceCost),
    cache: Option<(CacheSizing, ServiceCost)>,
    match_day: MatchDaySim,
    bill_run: Option<SimRun>,
}

/// The core of `s`'s plan (see [`Core`]) for a search: when pre-scaling
/// is chosen, the run without it is left out (empty: `prescaled` false, no
/// steps). Only the match-day timeline draws that run; every cost, limit
/// and verdict reads the chosen one (`MatchDaySim::chosen`), so a search's
/// plans are `plan()`'s but for that run (tested).
///
/// # Errors
/// As [`plan`].
pub fn core_for_search(s: &Scenario, book: &PriceBook) -> Result<Core, ValidationErrors> {
    core(s, book, false)
}

/// `s`'s validated plan core; `both_runs` as in [`Core::of`].
fn core(s: &Scenario, book: &PriceBook, both_runs: bool) -> Result<Core, ValidationErrors> {
    validate(s, book)?;
    Ok(Core::of(s, &priced_book(s, book), both_runs))
}

/// [`plan`] of `s`, reusing `core`: the core of a scenario that differs
/// from `s` in nothing but the egress.
///
/// # Errors
/// As [`plan`].
pub fn plan_with_core(s: &Scenario, book: &PriceBook, core: Core) -> Result<Plan, ValidationErrors> {
    validate(s, book)?;
    let priced = priced_book(s, book);
    Ok(finish(s, book, &priced, core))
}

fn priced_book<'a>(s: &Scenario, book: &'a PriceBook) -> std::borrow::Cow<'a, PriceBook> {
    let Ok(book) = book.with_overrides(&s.price_overrides) else {
        unreachable!("validate() rejects unknown price ids");
    };
    book
}

impl Core {
    /// `both_runs`: also the run without pre-scaling when pre-scaling is
    /// chosen (see [`core_for_search`]).
    fn of(s: &Scenario, book: &PriceBook, both_runs: bool) -> Core {
        let points = profile::series(&s.match_day, demand::off_peak_share(s), s.scaling.sim_step_s);
        // Capacity is sized for the design audience (peak × headroom); the bill
        // follows the expected one (`peak_concurrent_fans`).
        let day: Vec<Demand> = points.iter().map(|p| demand::at_point(s, p)).collect();
        let expected = f64::from(s.peak_concurrent_fans);
        let billed_day: Vec<Demand> = points.iter().map(|p| demand::at_point_of(s, p, expected)).collect();
        let peak = demand::peak_by(&day, |d| d.origin_rps);
        // Peak per dimension, for tiers that do not scale with origin requests.
        let peak_db = demand::peak_by(&day, |d| d.db_reads_per_s + d.db_writes_per_s);
        let peak_cache = demand::peak_by(&day, |d| d.redis_ops_per_s);
        let mut peak_edge = demand::peak_by(&day, |d| d.edge_rps());
        peak_edge.edge_bytes_per_s = day.iter().map(|d| d.edge_bytes_per_s).fold(0.0, f64::max);
        let off = demand::off_peak(s);
        let month = demand::month(s, &billed_day, s.scaling.sim_step_s);

        let mut f = fargate::size(s, &peak, &off);
        f.prescale_lead_minutes = autoscale::prescale_lead_minutes(s, &f, &points, &day);
        // The data tier is sized for the pools of the scenario's own task size
        // (the most connections the service could open): never fewer with more fans.
        let f0 = fargate::size_at_scenario_task(s, &peak, &off);
        let deploy_tasks = 2 * f0.prescale_tasks.max(f0.peak_tasks);
        let rds = rds::plan(s, book, &peak_db, rds::Pools::of(s, f0.max_tasks, deploy_tasks));
        let processes_at_peak = f64::from(f0.peak_tasks * f0.servers_per_task);
        let processes_at_worst = fargate::targets_at_worst(&f0).saturating_mul(f0.servers_per_task);
        let cache = cache::plan(
            s,
            book,
            &CacheLoad::of(s, &peak_cache, processes_at_peak),
            processes_at_worst,
        );
        let tiers = Tiers::of(s, &rds.0, cache.as_ref().map(|(c, _)| c), f.servers_per_task);
        let prescale = f.prescales();
        let without_prescale = if prescale && !both_runs {
            SimRun::unrun()
        } else {
            autoscale::simulate(s, &f, &tiers, &points, &day, false)
        };
        // Pre-scaling to no more than the floor changes nothing: one run.
        let with_prescale = if prescale {
            autoscale::simulate(s, &f, &tiers, &points, &day, true)
        } else {
            SimRun {
                prescaled: true,
                ..without_prescale.clone()
            }
        };
        let match_day = MatchDaySim {
            with_prescale,
            without_prescale,
        };
        // The bill: the chosen configuration through the expected audience (the
        // same run without design headroom).
        let bill_run = (s.audience.design_headroom_pct > 0.0).then(|| {
            let prescaled = match_day.chosen(&f).prescaled;
            autoscale::simulate_for_bill(s, &f, &tiers, &points, &billed_day, prescaled)
        });
        Core {
            billed_day,
            peak,
            peak_edge,
            off,
            month,
            f,
            rds,
            cache,
            match_day,
            bill_run,
        }
    }
}

/// The rest of [`plan`]: price every service, check the limits and SLOs,
/// run the drills. `priced` is `original_book` with the scenario's overrides.
fn finish(s: &Scenario, original_book: &PriceBook, priced: &PriceBook, core: Core) -> Plan {
    let book = priced;
    let Core {
        billed_day,
        peak,
        peak_edge,
        off,
        month,
        f,
        rds: (rds_sizing, rds_cost),
        cache: cache_plan,
        match_day,
        bill_run,
    } = core;
    let chosen = match_day.chosen(&f);
    let billed = bill_run.as_ref().unwrap_or(chosen);

    let day_hours = fargate::DayHours {
        window_h: billed.steps.len() as f64 * s.scaling.sim_step_s / 3600.0,
        task_hours: billed.task_hours,
        spot_task_hours: billed.spot_task_hours,
    };
    let (od_h, spot_h) = fargate::task_hours(s, &f, day_hours);
    let fargate_cost = fargate::cost(book, &f, (od_h, spot_h));
    let (alb_sizing, alb_cost) = alb::plan(s, book, &peak, &billed_day, &off, &month);
    let (cdn_sizing, cdn_cost) = cdn::plan(s, book, &month);
    let (storage_sizing, s3_cost) = storage::plan(s, book, &month);
    let log_gb = observability::log_gb(s, &month);
    let (net_sizing, net_cost) = network::plan(s, book, &month, od_h + spot_h, log_gb);
    let mon_cost = observability::monitoring(s, book, &month, rds_sizing.read_replicas);
    let dns_cost = observability::dns(s, book);

    let (cache_sizing, cache_cost) = match cache_plan {
        Some((sz, c)) => (Some(sz), Some(c)),
        None => (None, None),
    };
    // In `Service` order, as the tables list them (written in that order
    // rather than sorted: no sort code for it in the browser bundle).
    let services: Vec<ServiceCost> = [
        Some(fargate_cost),
        Some(alb_cost),
        Some(rds_cost),
        cache_cost,
        Some(cdn_cost),
        Some(s3_cost),
        Some(net_cost),
        Some(mon_cost),
        Some(dns_cost),
    ]
    .into_iter()
    .flatten()
    .collect();
    debug_assert!(services.windows(2).all(|w| w[0].service < w[1].service));
    let total: f64 = services.iter().map(|c| c.monthly_usd).sum();

    let limits = checks::limits(
        s,
        &checks::Inputs {
            f: &f,
            rds: &rds_sizing,
            cache: cache_sizing.as_ref(),
            run: chosen,
            edge_peak: &peak_edge,
            month: &month,
        },
    );
    let slo = slo::verdicts(s, &f, &rds_sizing, chosen, total);
    let warnings = warnings(s, &f, &rds_sizing, cache_sizing.as_ref(), &storage_sizing);
    let used: Vec<&str> = services
        .iter()
        .flat_map(|c| c.items.iter().map(|i| i.price_id.as_str()))
        .collect();
    let prices_used = book.entries_of(&used);
    let measured = measured(s);

    let mut p = Plan {
        feasible: limits.iter().all(|l| l.ok),
        limits,
        total_monthly_usd: total,
        cost_per_1000_fans_usd: total / f64::from(s.peak_concurrent_fans) * 1000.0,
        headroom: Headroom {
            design_headroom_pct: s.audience.design_headroom_pct,
            growth_pct_per_month: s.audience.growth_pct_per_month,
            months: demand::headroom_months(s),
        },
        services,
        slo,
        warnings,
        demand: DemandSummary {
            peak,
            off_peak: off,
            month,
        },
        fargate: f,
        alb: alb_sizing,
        rds: rds_sizing,
        cache: cache_sizing,
        cdn: cdn_sizing,
        storage: storage_sizing,
        network: net_sizing,
        match_day,
        drills: Vec::new(),
        assumptions: assumptions(s)
            .into_iter()
            .filter(|a| {
                !measured
                    .iter()
                    .any(|m| m.current && a.name.ends_with(&format!("({})", m.path)))
            })
            .collect(),
        measured,
        prices_used,
    };
    // Drills run on the finished plan; each failing one re-plans its
    // candidate mitigations (with no drills selected: no recursion).
    let selected = crate::model::scenario::drills_in_order(&s.drills.selected);
    if !selected.is_empty() {
        p.drills = selected
            .into_iter()
            .map(|k| evaluate_drill(s, original_book, &p, k))
            .collect();
        p.slo.push(drills::verdict(s, &p.drills));
    }
    p
}

/// Run one drill on the plan `p` of `s`; when it fails, find the cheapest
/// mitigation that makes it pass: each candidate (`drills::candidates`)
/// re-planned with `book` (the one pricing engine) and re-drilled, then all
/// of them together when none alone does.
pub fn evaluate_drill(s: &Scenario, book: &PriceBook, p: &Plan, kind: DrillKind) -> DrillOutcome {
    let (mut out, _) = drills::run(s, &p.sized(), kind);
    if out.pass {
        return out;
    }
    let mut cands = drills::candidates(s, &p.sized());
    let mut tried: Vec<String> = Vec::new();
    let mut best: Option<Mitigation> = None;
    let mut consider = |c: &drills::Candidate, best: &mut Option<Mitigation>| {
        tried.push(c.action.clone());
        let Ok(p2) = plan(&c.scenario, book) else {
            return;
        };
        if !drills::run(&c.scenario, &p2.sized(), kind).0.pass {
            return;
        }
        if best.as_ref().is_none_or(|b| p2.total_monthly_usd < b.monthly_usd) {
            *best = Some(Mitigation {
                action: c.action.clone(),
                change: c.change.clone(),
                monthly_usd: p2.total_monthly_usd,
                extra_monthly_usd: p2.total_monthly_usd - p.total_monthly_usd,
                needs: c.needs,
            });
        }
    };
    for c in &cands {
        consider(c, &mut best);
    }
    if best.is_none() && cands.len() > 1 {
        let all = drills::together(s, &cands);
        consider(&all, &mut best);
        cands.push(all);
    }
    out.mitigation_note = match &best {
        Some(m) => format!(
            "cheapest that passes: {} (+${:.2} a month)",
            m.action, m.extra_monthly_usd
        ),
        None => format!(
            "nothing the planner knows makes it pass; tried: {}",
            if tried.is_empty() {
                "none applies".to_string()
            } else {
                tried.join("; ")
            }
        ),
    };
    out.mitigation = best;
    out
}

fn warn(out: &mut Vec<Warning>, code: &str, message: String) {
    out.push(Warning {
        code: code.into(),
        message,
    });
}

fn warnings(
    s: &Scenario,
    f: &FargateSizing,
    rds: &RdsSizing,
    cache: Option<&CacheSizing>,
    st: &StorageSizing,
) -> Vec<Warning> {
    let mut w = Vec::new();
    if rds.needs_proxy {
        warn(&mut w, "db_connections", format!(
            "{} pool connections at worst exceed {:.0} % of max_connections ({}) on {}: the plan puts RDS Proxy in front of the writer (or shrink the pool)",
            rds.connections_at_max_tasks, s.coefficients.db_connection_headroom * 100.0, rds.max_connections, rds.instance_class
        ));
    }
    if slo::sse_heartbeat_too_slow(s) {
        let (idle, _, _) = alb::settings(s);
        let hb = s.delivery.sse_heartbeat_s;
        warn(&mut w, "heartbeat_timeout", format!(
            "SSE heartbeat {hb} s is not below CloudFront's origin read timeout ({CLOUDFRONT_ORIGIN_READ_TIMEOUT_S} s) and the ALB idle timeout ({idle} s): streams will be cut"
        ));
    }
    if s.delivery.cdn_live_ttl_s >= s.slo.freshness_p95_s {
        warn(
            &mut w,
            "ttl_vs_freshness",
            format!(
                "CDN TTL {} s alone uses the whole freshness budget of {} s",
                s.delivery.cdn_live_ttl_s, s.slo.freshness_p95_s
            ),
        );
    }
    for t in &st.losing_transitions {
        warn(
            &mut w,
            "lifecycle_loses_money",
            format!("Lifecycle transition costs more than it saves: {t}"),
        );
    }
    for t in &st.skipped_transitions {
        warn(
            &mut w,
            "lifecycle_skips_small_objects",
            format!("Lifecycle rule has no effect: {t}"),
        );
    }
    for t in &st.early_exits {
        warn(
            &mut w,
            "lifecycle_minimum_duration",
            format!("Objects leave a storage class before its minimum duration: {t}"),
        );
    }
    if s.data.engine_version == super::scenario::MysqlVersion::V8_0 {
        warn(
            &mut w,
            "mysql_extended_support",
            "MySQL 8.0 left RDS standard support on 2026-07-31: the plan bills RDS Extended Support per vCPU-hour on the writer, standby and every replica; MySQL 8.4 costs nothing extra".into(),
        );
    }
    if super::catalog::db_class(&rds.instance_class)
        .is_some_and(|c| c.is_burstable() && rds.writer_cpu_share > c.cpu_baseline)
    {
        warn(
            &mut w,
            "burstable_db",
            format!(
                "{} runs at {:.0} % CPU during matches, above its burst baseline: it will run out of credits",
                rds.instance_class,
                rds.writer_cpu_share * 100.0
            ),
        );
    }
    if let Some(c) = cache {
        if c.burstable && c.ops_share > 1.0 {
            warn(
                &mut w,
                "burstable_cache",
                format!(
                    "{} at {:.0} % of an engine thread during matches: above its burst baseline",
                    c.node_type,
                    c.ops_share * 100.0
                ),
            );
        }
    }
    if s.platform.environment == Environment::Prod {
        let mut single = Vec::new();
        if !s.data.multi_az {
            single.push("RDS without a standby");
        }
        if cache.is_none_or(|c| c.replicas == 0) {
            single.push(if cache.is_none() {
                "no cache tier"
            } else {
                "cache without a replica"
            });
        }
        if f.min_tasks < 2 {
            single.push("a single API task");
        }
        if s.platform.egress == super::scenario::Egress::SingleNat {
            single.push("one NAT gateway");
        }
        if !single.is_empty() {
            warn(
                &mut w,
                "single_az",
                format!("Single points of failure in prod: {}", single.join(", ")),
            );
        }
    }
    if s.app.spot_share > 0.0 && f.on_demand_base_tasks < 2 && s.platform.environment == Environment::Prod {
        warn(
            &mut w,
            "spot_without_base",
            "Spot tasks without two on-demand base tasks: a Spot reclaim can take the service down".into(),
        );
    }
    if s.platform.cdn_pricing != super::scenario::CdnPricing::PayAsYouGo {
        warn(&mut w, "flat_rate_allowance", "Flat-rate CloudFront plans throttle above their allowance; check the plan's request and transfer allowance against the month's demand".into());
    }
    if s.platform.cdn_price_class != super::scenario::PriceClass::PriceClass100 {
        warn(
            &mut w,
            "price_class",
            "Only North America/Europe edge prices are modelled; other regions cost more".into(),
        );
    }
    w
}

/// The scenario's measured coefficients, in input-table order.
fn measured(s: &Scenario) -> Vec<Measured> {
    inputs::INPUTS
        .iter()
        .filter_map(|i| {
            let p = s.provenance.get(i.path)?;
            let current = (i.get)(s) == inputs::Value::Num(p.value);
            let value = inputs::text(i, s);
            Some(Measured {
                path: i.path.into(),
                label: i.label.into(),
                value: if i.unit.is_empty() {
                    value
                } else {
                    format!("{value} {}", i.unit)
                },
                current,
                provenance: p.clone(),
            })
        })
        .collect()
}

fn assumptions(s: &Scenario) -> Vec<Assumption> {
    let a = |name: &str, value: String, source: &str| Assumption {
        name: name.into(),
        value,
        source: source.into(),
    };
    vec![
        a(
            "Requests per vCPU (app.rps_per_vcpu)",
            format!("{} req/s", s.app.rps_per_vcpu),
            "Inference below published Express figures; replace with a load test (docs/load-testing.md)",
        ),
        a(
            "CPU per payload KB (app.cpu_us_per_kb)",
            format!(
                "{} µs per KB: {:.0} req/s per vCPU at {} KB",
                s.app.cpu_us_per_kb,
                fargate::rps_per_vcpu(s),
                s.delivery.payload_kb
            ),
            "Copying a pre-serialised, pre-compressed body; compressing at the origin costs ~10× more",
        ),
        a(
            "Task start (scaling.task_start_s)",
            format!("{} s", s.scaling.task_start_s),
            "Image pull and Node start; measure from ECS events",
        ),
        a(
            "Connection memory (app.connection_memory_kb)",
            format!("{} KB", s.app.connection_memory_kb),
            "Measurements range 25–100 KB per Node connection",
        ),
        a(
            "SSE message cost (coefficients.sse_message_cost)",
            format!("{} × a polled request's CPU per message", s.coefficients.sse_message_cost),
            "No TLS handshake or routing, one write; applies only to SSE delivery",
        ),
        a(
            "MySQL queries per vCPU (coefficients.db_queries_per_vcpu)",
            format!("{} queries/s per vCPU", s.coefficients.db_queries_per_vcpu),
            "Simple indexed reads at 70 % CPU; rule of thumb",
        ),
        a(
            "Storage IOPS per MySQL write (coefficients.db_iops_per_write)",
            format!("{} I/Os per write", s.coefficients.db_iops_per_write),
            "The row plus redo log and binlog flushes, amortised by group commit",
        ),
        a(
            "Storage IOPS per MySQL read (coefficients.db_iops_per_read)",
            format!("{} I/Os per read", s.coefficients.db_iops_per_read),
            "Share of reads that miss the buffer pool once the working set fits in memory",
        ),
        a(
            "Bytes per MySQL query (coefficients.db_bytes_per_query)",
            format!("{} bytes", s.coefficients.db_bytes_per_query),
            "A few commentary rows plus protocol overhead; drives cross-AZ traffic",
        ),
        a(
            "Cache ops per engine thread (coefficients.cache_ops_per_vcpu)",
            format!("{} ops/s per engine thread", s.coefficients.cache_ops_per_vcpu),
            "Conservative for small GET/SET on Redis/Valkey",
        ),
        a(
            "max_connections (coefficients.db_bytes_per_connection)",
            format!("memory (bytes) / {} bytes per connection", s.coefficients.db_bytes_per_connection),
            "RDS MySQL parameter group default formula",
        ),
        a(
            "Autoscaling reaction",
            format!(
                "{} × {} s datapoints, {} s metric delay, {} s cooldown",
                s.scaling.scale_out_datapoints,
                s.scaling.metric_period_s,
                s.scaling.metric_delay_s,
                s.scaling.scale_out_cooldown_s
            ),
            "ECS target tracking (AWS docs): 3 of 3 datapoints to scale out, 15 of 15 to scale in",
        ),
        a(
            "Queueing",
            "M/M/c across tasks (Poisson arrivals, exponential service)".into(),
            "Least-outstanding-requests routing approximates one shared queue; see docs/model-validation.md",
        ),
        a(
            "Queueing regime",
            "per-task queues: up to +13 % mean / +20 % p95 latency at ≤ 70 % utilisation, +20 % / +30 % at 95 %".into(),
            "Discrete-event simulation of least-outstanding-requests routing, 1–64 tasks (docs/model-validation.md); M/M/c is optimistic there, pessimistic for near-constant service times",
        ),
        a(
            "Overload",
            format!(
                "FIFO without admission control in every tier: requests queue, fail after {} s (app.request_timeout_s) and are still worked through; backlog carried step to step",
                s.app.request_timeout_s
            ),
            "A Node process cannot tell a queued request's client has gone; fluid queue checked against a discrete-event simulation (docs/model-validation.md)",
        ),
        a(
            "CDN cache tiers",
            if s.coefficients.cdn_tiers_honour_age {
                "edge, regional cache and Origin Shield share one TTL (Age honoured)".into()
            } else {
                "each of edge, regional cache and Origin Shield may add a full TTL of staleness".into()
            },
            "AWS does not document that a tier counts the Age of what it fetched (coefficients.cdn_tiers_honour_age)",
        ),
        a(
            "Sizing and spend",
            format!(
                "capacity for {:.0} design fans (peak × {} % headroom); the bill for {} expected",
                s.design_fans(),
                s.audience.design_headroom_pct,
                s.peak_concurrent_fans
            ),
            "Headroom is capacity kept for surprises; traffic, logs and task-hours follow the fans who come",
        ),
        a(
            "Cache failover (drills.cache_failover_s)",
            format!("{} s unreachable while a replica is promoted", s.drills.cache_failover_s),
            "AWS documents no duration; measure with ElastiCache TestFailover (docs/drills.md)",
        ),
        a(
            "Cache node replacement (drills.cache_node_replace_s)",
            format!("{} s until a node without a replica is replaced, empty", s.drills.cache_node_replace_s),
            "AWS documents no duration; measure in a game-day exercise (docs/drills.md)",
        ),
        a(
            "Cache refill (drills.cache_refill_s)",
            format!("{} s for an empty cache to reach its hit ratio", s.drills.cache_refill_s),
            "Misses repopulate keys; the app's key TTLs set it (docs/drills.md)",
        ),
        a(
            "AZ outage (drills.az_outage_s)",
            format!("{} s a lost AZ stays away", s.drills.az_outage_s),
            "What is only in the lost AZ (a single-AZ writer) is down this long (docs/drills.md)",
        ),
        a(
            "Month",
            format!("{} h", s.coefficients.hours_per_month),
            "AWS Pricing Calculator convention",
        ),
        a(
            "Fargate Spot price",
            "on-demand × (1 − fargate.spot_discount)".into(),
            "AWS says up to 70 % off; the current rate varies",
        ),
        a(
            "Origin Shield requests via its own Region (coefficients.cdn_shield_region_share)",
            format!("{:.3} of requests reaching Origin Shield", s.coefficients.cdn_shield_region_share),
            "Viewers spread evenly over 13 regional edge caches; those behind us-east-1's are not charged for Origin Shield",
        ),
        a(
            "Edge prices",
            "North America and Europe".into(),
            "CloudFront PriceClass_100 regions",
        ),
        a(
            "Not priced",
            "Container Insights metrics, Secrets Manager secrets, KMS keys, ECR storage, data transfer for deploys, the two scheduled job tasks (backup, archive: minutes of Fargate a day)"
                .into(),
            "Each is a few dollars a month at this scale",
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::cost::Service;
    use crate::model::scenario::MysqlVersion;

    #[test]
    fn mysql_8_0_costs_extended_support_and_says_so() {
        let book = PriceBook::embedded();
        let mut s = Scenario::default();
        let p84 = plan(&s, &book).unwrap();
        s.data.engine_version = MysqlVersion::V8_0;
        let p80 = plan(&s, &book).unwrap();
        assert!(p80.warnings.iter().any(|w| w.code == "mysql_extended_support"));
        assert!(!p84.warnings.iter().any(|w| w.code == "mysql_extended_support"));
        // The default db.t4g.medium Multi-AZ: 2 vCPU × 2 instances × 730 h × $0.10.
        assert!((p80.total_monthly_usd - p84.total_monthly_usd - 292.0).abs() < 1e-6);
    }

    /// A lean plan is `plan()`'s but for the run without pre-scaling when
    /// pre-scaling is chosen, which `match_day_runs` gives back.
    #[test]
    fn a_lean_plan_is_the_plan_less_the_unchosen_run() {
        let book = PriceBook::embedded();
        let mut lean_runs = 0;
        for fans in [500, 5_000, 40_000] {
            for prescale in [true, false] {
                let mut s = Scenario::default();
                s.peak_concurrent_fans = fans;
                s.scaling.prescale_enabled = prescale;
                let full = plan(&s, &book).unwrap();
                let mut lean = plan_lean(&s, &book).unwrap();
                if full.fargate.prescales() {
                    assert!(lean.match_day.without_prescale.steps.is_empty(), "{fans}");
                    lean_runs += 1;
                }
                let runs = whole_runs(&lean, &s, &book).into_owned();
                lean.match_day = runs;
                assert_eq!(lean, full, "{fans} fans, pre-scaling {prescale}");
            }
        }
        assert!(lean_runs > 0);
    }

    /// The services come in `Service` order (written so, not sorted), with
    /// the cache tier and without it.
    #[test]
    fn services_are_in_service_order() {
        let book = PriceBook::embedded();
        let mut s = Scenario::default();
        for cache in [true, false] {
            s.overrides.cache_enabled = Some(cache);
            let order: Vec<Service> = plan(&s, &book).unwrap().services.iter().map(|c| c.service).collect();
            let mut sorted = order.clone();
            sorted.sort_unstable();
            sorted.dedup();
            assert_eq!(order, sorted, "cache {cache}");
            assert_eq!(order.len(), if cache { 9 } else { 8 });
        }
    }
}
