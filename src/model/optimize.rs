//! The optimizer: the cheapest design that passes every SLO (and every
//! selected drill) and breaks no AWS limit, found by an exact
//! branch-and-bound search over the design choices the table of inputs
//! marks searchable ([`Search`] other than `No`). `docs/optimizer.md` gives
//! the space, why each pruning rule is safe, and what is not searched.
//!
//! The space is a product of one finite list of values per searchable input
//! (an *axis*), visited in a fixed order (outer axes first, [`ORDER`]). A
//! candidate is skipped without planning only when one of these holds:
//!
//! - **freshness bound**: the cache-and-timer part of the freshness p95
//!   plus the publish latency already exceeds the target (the SLO's value is
//!   never below it, and it grows with the poll interval, the TTL and Origin
//!   Shield), so the whole subtree below those edge axes fails;
//! - **cost bound**: the sum of service costs already known for this
//!   prefix of choices (each service's cost depends only on a prefix of the
//!   axes, [`service_axes`]) is at least the cost the candidate would have
//!   to beat to enter the results;
//! - **no effect**: the candidate differs from one already in the space only
//!   in an input the plan does not read for it (a cache node with the cache
//!   off, an on-demand base with no Spot, a replica policy under a pinned
//!   count, a pre-scale lead when the kickoff needs no more than the floor).
//!
//! The cost to beat is also bounded by the freshness frontier (an earlier,
//! at-least-as-fresh edge setting's best) and by seeds, passing designs a
//! coordinate descent plans before the walk ([`Optimizer::seed`]). Designs
//! differing only in egress share one plan core (`plan::plan_with_core`).
//!
//! The search runs in slices ([`Optimizer::step`]) with no threads or
//! clocks, so a browser worker can report progress and stop between slices.

use super::cash;
use super::catalog::CACHE_NODES;
use super::cost::Service;
use super::drills;
use super::inputs::{self, Input, Kind, Search, Value};
use super::levers::shown;
use super::plan::{self, plan, Plan};
use super::prices::PriceBook;
use super::scenario::{Arch, CacheEngine, DeliveryMode, Scenario};
use super::slo;
use super::validate::ValidationErrors;
use serde::Serialize;
use std::collections::HashMap;

/// Designs listed besides the best (`Options::top` by default).
pub const TOP: usize = 5;

/// Searchable inputs, outer axes first. Every input the table marks
/// searchable is here exactly once (a test checks it). The order matters
/// for the cost bound: each service's cost depends only on the axes up to
/// its axes ([`service_axes`]).
pub const ORDER: [&str; 20] = [
    // Edge: what fans and the CDN do (demand, freshness, the CDN bill).
    "delivery.poll_interval_s",
    "delivery.cdn_live_ttl_s",
    "delivery.origin_shield",
    "platform.cdn_pricing",
    "platform.cdn_price_class",
    // The API tier.
    "app.task_vcpu",
    "overrides.task_memory_gb",
    "app.arch",
    "app.spot_share",
    "app.on_demand_base_tasks",
    "scaling.prescale_lead_minutes",
    // The cache tier on or off (MySQL serves the reads without it).
    "overrides.cache_enabled",
    // MySQL.
    "overrides.db_instance_class",
    "overrides.db_read_replicas",
    "data.read_replicas",
    "data.rds_proxy",
    // The cache's nodes.
    "overrides.cache_node_type",
    "overrides.cache_replicas",
    "platform.cache_engine",
    // How tasks reach AWS APIs.
    "platform.egress",
];

/// The egress, `ORDER`'s last axis: it is priced, not simulated, so
/// designs that differ only there follow each other in the walk and share
/// one plan core ([`plan::plan_with_core`]).
const EGRESS: &str = ORDER[ORDER.len() - 1];

/// Axes that fix the freshness bound (poll interval, TTL, Origin Shield).
const EDGE_AXES: usize = 3;

const EDGE: [&str; 3] = [
    "delivery.poll_interval_s",
    "delivery.cdn_live_ttl_s",
    "delivery.origin_shield",
];
const APP: [&str; 6] = [
    "app.task_vcpu",
    "overrides.task_memory_gb",
    "app.arch",
    "app.spot_share",
    "app.on_demand_base_tasks",
    "scaling.prescale_lead_minutes",
];
const DB: [&str; 4] = [
    "overrides.db_instance_class",
    "overrides.db_read_replicas",
    "data.read_replicas",
    "data.rds_proxy",
];
const CACHE: [&str; 4] = [
    "overrides.cache_enabled",
    "overrides.cache_node_type",
    "overrides.cache_replicas",
    "platform.cache_engine",
];

/// The axes a service's monthly cost depends on, for a design whose plan
/// passes its SLOs and limits (no tier saturated): the plan prices each
/// service from the demand (the edge axes) and its own tier's choices; the
/// API tier's task size feeds MySQL's pools and the cache's clients, and
/// without a cache MySQL serves the reads. Checked on every pair of plans
/// in the exhaustive tests (`service_costs_depend_only_on_their_axes`).
pub fn service_axes(service: Service) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    if service != Service::Dns {
        out.extend(EDGE);
    }
    match service {
        Service::Dns | Service::S3 | Service::Alb => {}
        Service::CloudFront => out.extend(["platform.cdn_pricing", "platform.cdn_price_class"]),
        Service::Fargate => {
            out.push("platform.cdn_pricing");
            out.extend(APP);
        }
        Service::Rds | Service::Monitoring => {
            out.extend(["app.task_vcpu", "overrides.task_memory_gb", "overrides.cache_enabled"]);
            out.extend(DB);
        }
        Service::ElastiCache => {
            out.extend(["app.task_vcpu", "overrides.task_memory_gb"]);
            out.extend(CACHE);
        }
        Service::Networking => out.extend(ORDER),
    }
    out
}

/// The axes whether a limit holds depends on, for limits the search
/// prunes on (CloudFront's: the demand and the pricing plan; the API
/// tier's: its tasks); `None` for the rest. Checked like [`service_axes`].
pub fn limit_axes(id: &str) -> Option<Vec<&'static str>> {
    let mut out: Vec<&'static str> = EDGE.to_vec();
    out.push("platform.cdn_pricing");
    if id.starts_with("cdn.") {
        Some(out)
    } else if id.starts_with("fargate.") || id.starts_with("ecs.") || id.starts_with("alb.") {
        out.extend(APP);
        Some(out)
    } else {
        None
    }
}

const SERVICES: [Service; 9] = [
    Service::Dns,
    Service::S3,
    Service::Alb,
    Service::CloudFront,
    Service::Fargate,
    Service::Rds,
    Service::Monitoring,
    Service::ElastiCache,
    Service::Networking,
];

/// What the search minimises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Objective {
    /// The plan's monthly total.
    #[default]
    Monthly,
    /// The cash plan's first 12 months (audience growth and the storage
    /// ramp included, `kickoff plan --months 12`).
    TwelveMonths,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    pub objective: Objective,
    /// Designs kept besides the best, cheapest first.
    pub top: usize,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            objective: Objective::Monthly,
            top: TOP,
        }
    }
}

/// One searchable input and the values the search tries, the scenario's own
/// value first (so a tie keeps what the team typed).
#[derive(Debug, Clone)]
pub struct Axis {
    pub input: &'static Input,
    pub values: Vec<Value>,
}

/// The space: one axis per entry of [`ORDER`].
#[derive(Debug, Clone)]
pub struct Space {
    pub axes: Vec<Axis>,
}

impl Space {
    /// The space for `s`, from the table of inputs (see `docs/optimizer.md`).
    pub fn of(s: &Scenario, book: &PriceBook) -> Space {
        Space {
            axes: ORDER
                .iter()
                .map(|path| {
                    let input = inputs::by_path(path).expect("ORDER names table inputs");
                    Axis {
                        input,
                        values: domain(input, s, book),
                    }
                })
                .collect(),
        }
    }

    /// Only the scenario's own value on every axis but those named, which
    /// keep theirs: a small space for exhaustive checks.
    pub fn only(mut self, s: &Scenario, paths: &[&str]) -> Space {
        for a in &mut self.axes {
            if !paths.contains(&a.input.path) {
                a.values = vec![(a.input.get)(s)];
            }
        }
        self
    }

    /// The space of `s` searching only the axes at `paths` (the rest keep
    /// the scenario's value).
    ///
    /// # Errors
    /// A path that is not a searchable input, named, with the ones that are.
    pub fn restricted(s: &Scenario, book: &PriceBook, paths: &[&str]) -> Result<Space, ValidationErrors> {
        if let Some(bad) = paths.iter().find(|p| !ORDER.contains(p)) {
            return Err(ValidationErrors(vec![super::validate::FieldError {
                field: "only".into(),
                label: "Searched inputs".into(),
                value: (*bad).to_string(),
                rule: format!("must be searchable inputs: {}", ORDER.join(", ")),
            }]));
        }
        Ok(Space::of(s, book).only(s, paths))
    }

    /// Designs in the space (the product of the axes' lengths).
    pub fn size(&self) -> u64 {
        self.axes
            .iter()
            .fold(1u64, |n, a| n.saturating_mul(a.values.len() as u64))
    }

    fn axis(&self, path: &str) -> usize {
        self.axes
            .iter()
            .position(|a| a.input.path == path)
            .expect("every ORDER path is an axis")
    }
}

/// The cache-and-timer part of the freshness p95 plus the publish latency:
/// a floor under the SLO's value in every step (`slo::freshness_p95_s`).
pub fn static_freshness_s(s: &Scenario) -> f64 {
    let wait = match s.delivery.mode {
        DeliveryMode::Polling => slo::polling_staleness_p95(s).0,
        DeliveryMode::Sse => 0.0,
    };
    wait + s.delivery.publish_latency_s
}

/// The values the search tries for `input`, the scenario's first.
fn domain(input: &'static Input, s: &Scenario, book: &PriceBook) -> Vec<Value> {
    let typed = (input.get)(s);
    let mut out = vec![typed.clone()];
    let mut push = |v: Value| {
        if !out.contains(&v) {
            out.push(v);
        }
    };
    let optional = matches!(input.kind, Kind::OptInt { .. } | Kind::OptNum | Kind::OptChoice(_));
    match input.path {
        // No cost or verdict of the model reads it (only PriceClass_100
        // regions are priced): the team's choice stays.
        "platform.cdn_price_class" => return out,
        // The planner picks the cheapest Fargate memory, MySQL class and
        // cache node that fit every limit for the rest of the design; a
        // pinned one is either smaller (a limit breaks) or costs more, and
        // helps only in a drill, where the replicas, RDS Proxy and the
        // Spot share searched here are the mitigations. Not searched:
        // the scenario's own value (docs/optimizer.md).
        "overrides.task_memory_gb" | "overrides.db_instance_class" | "overrides.cache_node_type" => return out,
        // With SSE no fan polls: the poll interval and the live TTL change nothing.
        "delivery.poll_interval_s" | "delivery.cdn_live_ttl_s" if s.delivery.mode == DeliveryMode::Sse => {
            return out;
        }
        _ => {}
    }
    if optional {
        push(Value::Unset);
    }
    match (input.kind, input.search) {
        (_, Search::No) => {}
        (Kind::Choice(options) | Kind::OptChoice(options), _) => {
            for o in options() {
                match inputs::parse(input, o.value) {
                    // "With a cache" is what empty means.
                    Ok(Value::Bool(true)) if input.path == "overrides.cache_enabled" => {}
                    Ok(v) => push(v),
                    Err(_) => {}
                }
            }
        }
        (Kind::Bool, _) => {
            if let Value::Bool(b) = typed {
                push(Value::Bool(!b));
            }
        }
        (Kind::NumOneOf(list), _) => list.iter().for_each(|x| push(Value::Num(*x))),
        (Kind::Num { min, max, .. }, Search::Step(step)) => {
            // Walk up from the minimum while the freshness floor holds with
            // every other edge input at its most favourable value; it only
            // grows from there (docs/optimizer.md).
            let mut x = min;
            while x <= max {
                let mut t = s.clone();
                t.delivery.poll_interval_s = inputs::by_path("delivery.poll_interval_s").map_or(1.0, min_of);
                t.delivery.cdn_live_ttl_s = 0.0;
                t.delivery.origin_shield = false;
                if (input.set)(&mut t, Value::Num(x)).is_err() || static_freshness_s(&t) > s.slo.freshness_p95_s {
                    break;
                }
                push(Value::Num(x));
                x += step;
            }
        }
        (Kind::Num { .. }, Search::Grid(list)) => list.iter().for_each(|x| push(Value::Num(*x))),
        (Kind::Int { .. } | Kind::OptInt { .. }, Search::Grid(list)) => {
            list.iter().for_each(|x| push(Value::Int(*x as u32)));
        }
        _ => {}
    }
    // A choice that only changes unit prices, and is cheaper at every one
    // of them, dominates: keep it alone.
    let priced = book.with_overrides(&s.price_overrides).ok();
    let book = priced.as_deref().unwrap_or(book);
    match input.path {
        "app.arch" => keep_cheapest(out, |v| arch_prices(book, v)),
        "platform.cache_engine" => keep_cheapest(out, |v| engine_prices(book, v)),
        _ => out,
    }
}

fn min_of(i: &Input) -> f64 {
    match i.kind {
        Kind::Num { min, .. } => min,
        _ => 0.0,
    }
}

fn arch_prices(book: &PriceBook, v: &Value) -> Option<Vec<f64>> {
    let arch: Arch = match v {
        Value::Text(t) => t.parse().ok()?,
        _ => return None,
    };
    let name = match arch {
        Arch::Arm64 => "arm",
        Arch::X86_64 => "x86",
    };
    Some(vec![
        book.get(&format!("fargate.{name}.vcpu_hour")),
        book.get(&format!("fargate.{name}.gb_hour")),
    ])
}

fn engine_prices(book: &PriceBook, v: &Value) -> Option<Vec<f64>> {
    let engine: CacheEngine = match v {
        Value::Text(t) => t.parse().ok()?,
        _ => return None,
    };
    let name = super::cache::engine_name(engine);
    Some(
        CACHE_NODES
            .iter()
            .map(|n| book.get(&format!("elasticache.{name}.{}", n.name)))
            .collect(),
    )
}

/// The values whose prices are not all at least another's; of equal ones,
/// the first (the scenario's).
fn keep_cheapest(values: Vec<Value>, prices: impl Fn(&Value) -> Option<Vec<f64>>) -> Vec<Value> {
    let priced: Vec<Option<Vec<f64>>> = values.iter().map(&prices).collect();
    let dominated = |i: usize| {
        let Some(pi) = &priced[i] else { return false };
        priced.iter().enumerate().any(|(j, pj)| {
            j != i
                && pj.as_ref().is_some_and(|pj| {
                    let le = pj.iter().zip(pi).all(|(a, b)| a <= b);
                    let lt = pj.iter().zip(pi).any(|(a, b)| a < b);
                    le && (lt || j < i)
                })
        })
    };
    (0..values.len())
        .filter(|&i| !dominated(i))
        .map(|i| values[i].clone())
        .collect()
}

/// One input the design changes from the scenario, as the form shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    pub path: &'static str,
    pub label: &'static str,
    pub from: String,
    pub to: String,
}

/// A design the search evaluated.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Design {
    /// What the objective counts, USD (the monthly total, or 12 months).
    pub objective_usd: f64,
    pub monthly_usd: f64,
    /// Every SLO passes (and every selected drill) and every limit holds.
    pub pass: bool,
    pub feasible: bool,
    pub freshness_p95_s: f64,
    /// Worst step's error share over the selected drills, %; `None` when
    /// none is selected.
    pub worst_drill_error_pct: Option<f64>,
    /// Inputs that differ from the scenario searched.
    pub changes: Vec<Change>,
    /// The design as a scenario (what `--emit-scenario` writes).
    #[serde(skip)]
    pub scenario: Scenario,
}

/// Candidates counted by what happened to them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Designs in the space (after dominated choices are dropped).
    pub space: u64,
    /// Designs planned.
    pub evaluated: u64,
    /// Of those, passing every SLO and limit.
    pub passing: u64,
    /// Planned but refused by validation (a combination the rules reject).
    pub invalid: u64,
    /// Skipped: the freshness floor already over the target.
    pub pruned_freshness: u64,
    /// Skipped: known service costs already at the cost to beat.
    pub pruned_cost: u64,
    /// Skipped: a limit that depends only on choices already made broke
    /// for them.
    pub pruned_infeasible: u64,
    /// Skipped: the same plan as a design already in the space.
    pub pruned_no_effect: u64,
    /// Planned before the walk to bound it ([`Optimizer::seed`]); not
    /// part of the walk's counts.
    pub seeds: u64,
}

impl Counts {
    pub fn pruned(&self) -> u64 {
        self.pruned_freshness + self.pruned_cost + self.pruned_infeasible + self.pruned_no_effect
    }
}

/// Where a sliced search stands.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Progress {
    pub done: bool,
    /// Candidates planned or skipped, of `counts.space`.
    pub visited: u64,
    pub counts: Counts,
    pub best_usd: Option<f64>,
}

/// A point on a trade-off curve.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FrontierPoint {
    pub objective_usd: f64,
    /// Freshness p95 (s) or worst drill error (%).
    pub value: f64,
    pub design: Design,
}

/// What the search found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OptimizeResult {
    pub objective: Objective,
    pub done: bool,
    /// The scenario as typed.
    pub typed: Design,
    /// The cheapest passing design; `None` when none in the space passes.
    pub best: Option<Design>,
    /// The cheapest passing designs, best first (the best included).
    pub top: Vec<Design>,
    /// Cost against freshness p95: the cheapest passing design for each
    /// poll interval, TTL and Origin Shield setting, less any that a
    /// cheaper and fresher one beats; cheapest first. Exact (the search keeps
    /// a bound per setting).
    pub freshness_frontier: Vec<FrontierPoint>,
    /// Cost against the worst drill error (% of requests), over the designs
    /// evaluated that pass every SLO but `survives_drills` and every limit;
    /// empty without selected drills. Designs the cost bound skipped are
    /// not on it.
    pub drill_frontier: Vec<FrontierPoint>,
    pub counts: Counts,
    /// The axes searched: input path and the values tried.
    pub axes: Vec<(String, Vec<String>)>,
}

/// A sliced, resumable search (see the module docs).
#[derive(Debug, Clone)]
pub struct Optimizer {
    base: Scenario,
    book: PriceBook,
    options: Options,
    space: Space,
    idx: Vec<usize>,
    done: bool,
    seq: u64,
    counts: Counts,
    typed: Design,
    /// The cheapest passing designs: cost, order found, each service's
    /// cost in cents (designs that plan the same are one design), design.
    top: Vec<(f64, u64, Vec<i64>, Design)>,
    /// Cheapest passing design per edge setting (first [`EDGE_AXES`] indices).
    edge_best: Vec<(Vec<usize>, f64, u64, Design)>,
    drill_points: Vec<FrontierPoint>,
    /// Each service's axes, and how many leading axes cover them.
    service_keys: Vec<(Service, Key)>,
    /// The axes of the limits pruned on: CloudFront's, the API tier's.
    limit_keys: [Key; 2],
    /// Service cost by (service, ordinal over its axes).
    memo: HashMap<(usize, u64), f64>,
    /// Limit groups (index, ordinal over their axes) known broken.
    broken: HashMap<(usize, u64), ()>,
    /// Prefixes (up to the lead axis, by ordinal) where the pre-scale lead
    /// changes nothing.
    lead_free: HashMap<u64, ()>,
    /// Freshness floor (`static_freshness_s`) of each edge setting seen, by ordinal.
    edge_floor: Vec<(u64, f64)>,
    axis: Positions,
    /// Every axis but the egress: designs equal on these share a plan core.
    core_key: Key,
    /// The last plan core computed, by its `core_key` ordinal.
    core: Option<(u64, plan::Core)>,
    /// Whether [`Optimizer::seed`] has run.
    seeded: bool,
    /// A cost the `top` designs will not exceed: the dearest of that many
    /// passing designs (planning differently) found by the seeding.
    seed_kth: f64,
    /// A cost each edge setting's best will not exceed: a passing design
    /// of that setting found by the seeding.
    seed_edge: Vec<(u64, f64)>,
}

/// A set of axes (positions in the space) and the prefix length that
/// covers them.
#[derive(Debug, Clone)]
struct Key {
    axes: Vec<usize>,
    depth: usize,
}

impl Key {
    fn of(space: &Space, paths: &[&str]) -> Key {
        let axes: Vec<usize> = paths.iter().map(|p| space.axis(p)).collect();
        Key {
            depth: axes.iter().map(|a| a + 1).max().unwrap_or(0),
            axes,
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Positions {
    lead: usize,
    spot: usize,
    base: usize,
    policy: usize,
    replicas: usize,
    cache: usize,
    node: usize,
    cache_replicas: usize,
    engine: usize,
}

/// One planned candidate.
struct Eval {
    design: Design,
    /// `None`: validation refused the candidate.
    plan: Option<Plan>,
    /// Every SLO but the drills' passes and every limit holds.
    core_pass: bool,
}

impl Optimizer {
    /// A search of `s`'s design space.
    ///
    /// # Errors
    /// The scenario's validation errors, each naming its field.
    pub fn new(s: &Scenario, book: &PriceBook, options: Options) -> Result<Optimizer, ValidationErrors> {
        Optimizer::with_space(s, book, options, Space::of(s, book))
    }

    /// A search of `space` (tests use a small one).
    ///
    /// # Errors
    /// As [`Optimizer::new`].
    pub fn with_space(
        s: &Scenario,
        book: &PriceBook,
        options: Options,
        space: Space,
    ) -> Result<Optimizer, ValidationErrors> {
        let mut o = Optimizer {
            base: s.clone(),
            book: book.clone(),
            options,
            idx: vec![0; space.axes.len()],
            done: space.axes.iter().any(|a| a.values.is_empty()),
            seq: 0,
            counts: Counts {
                space: space.size(),
                ..Counts::default()
            },
            typed: Design {
                objective_usd: 0.0,
                monthly_usd: 0.0,
                pass: false,
                feasible: false,
                freshness_p95_s: 0.0,
                worst_drill_error_pct: None,
                changes: Vec::new(),
                scenario: s.clone(),
            },
            top: Vec::new(),
            edge_best: Vec::new(),
            drill_points: Vec::new(),
            service_keys: SERVICES
                .iter()
                .map(|s| (*s, Key::of(&space, &service_axes(*s))))
                .collect(),
            limit_keys: [
                Key::of(&space, &limit_axes("cdn.").expect("cdn limits are keyed")),
                Key::of(&space, &limit_axes("alb.").expect("alb limits are keyed")),
            ],
            memo: HashMap::new(),
            broken: HashMap::new(),
            lead_free: HashMap::new(),
            edge_floor: Vec::new(),
            axis: Positions {
                lead: space.axis("scaling.prescale_lead_minutes"),
                spot: space.axis("app.spot_share"),
                base: space.axis("app.on_demand_base_tasks"),
                policy: space.axis("data.read_replicas"),
                replicas: space.axis("overrides.db_read_replicas"),
                cache: space.axis("overrides.cache_enabled"),
                node: space.axis("overrides.cache_node_type"),
                cache_replicas: space.axis("overrides.cache_replicas"),
                engine: space.axis("platform.cache_engine"),
            },
            core_key: Key::of(
                &space,
                &ORDER.iter().copied().filter(|p| *p != EGRESS).collect::<Vec<_>>(),
            ),
            core: None,
            seeded: false,
            seed_kth: f64::INFINITY,
            seed_edge: Vec::new(),
            space,
        };
        // The typed scenario must plan (its errors name the field); that
        // plan is the one evaluated.
        let typed = plan(&s.without_drills(), book)?;
        o.typed = o.evaluate_planned(s, Ok(typed)).design;
        Ok(o)
    }

    /// Visit candidates until `max_evals` more have been planned or the
    /// space is done.
    pub fn step(&mut self, max_evals: usize) -> Progress {
        if !self.seeded {
            self.seed();
        }
        let mut evals = 0;
        while !self.done && evals < max_evals {
            if let Some(depth) = self.prune_depth() {
                self.skip_subtree(depth);
                continue;
            }
            if let Some(depth) = self.no_effect() {
                self.counts.pruned_no_effect += self.remaining(depth);
                self.advance(depth);
                continue;
            }
            let s = self.candidate();
            let e = self.evaluate_sharing(&s);
            evals += 1;
            self.record(e);
            self.advance(self.idx.len());
        }
        self.progress()
    }

    pub fn progress(&self) -> Progress {
        Progress {
            done: self.done,
            visited: self.counts.evaluated + self.counts.pruned(),
            counts: self.counts,
            best_usd: self.top.first().map(|t| t.0),
        }
    }

    #[doc(hidden)]
    pub fn current(&self) -> Vec<Change> {
        if self.done {
            return Vec::new();
        }
        self.changes(&self.candidate())
    }

    pub fn space(&self) -> &Space {
        &self.space
    }

    /// What the search has found so far (all of it once `done`).
    pub fn result(&self) -> OptimizeResult {
        let mut fresh: Vec<FrontierPoint> = self
            .edge_best
            .iter()
            .map(|(_, usd, _, d)| FrontierPoint {
                objective_usd: *usd,
                value: d.freshness_p95_s,
                design: d.clone(),
            })
            .collect();
        fresh = pareto(fresh);
        OptimizeResult {
            objective: self.options.objective,
            done: self.done,
            typed: self.typed.clone(),
            best: self.top.first().map(|t| t.3.clone()),
            top: self.top.iter().map(|t| t.3.clone()).collect(),
            freshness_frontier: fresh,
            drill_frontier: pareto(self.drill_points.clone()),
            counts: self.counts,
            axes: self
                .space
                .axes
                .iter()
                .map(|a| {
                    (
                        a.input.path.to_string(),
                        a.values.iter().map(|v| shown(a.input, v)).collect(),
                    )
                })
                .collect(),
        }
    }

    /// Upper bounds for the walk's cost bound, from designs planned before
    /// it (counted in `counts.seeds`). The walk visits the team's values
    /// first, so without them it finds cheap designs late and skips little
    /// until then. A coordinate descent from the typed design, whose moves
    /// are the edge axes together (every setting under the freshness floor)
    /// and each other axis alone, until a round of moves finds nothing
    /// cheaper, gives cheap designs: the `top` cheapest passing ones
    /// (planning differently, as `top` counts them) bound the `top` list's
    /// last cost, and each edge setting's cheapest passing one bounds that
    /// setting's best.
    ///
    /// Each bound is the cost of a passing design of the space, so no
    /// design the walk skips for costing more could enter the results, and
    /// the walk still finds and records every design that does (ties
    /// included: the cost bound skips only designs dearer than the bound):
    /// the results are those of the walk without seeds (tested).
    fn seed(&mut self) {
        self.seeded = true;
        let n = self.idx.len();
        if self.options.objective != Objective::Monthly || self.done || n < EDGE_AXES {
            return;
        }
        let mut pool: Vec<(f64, Vec<i64>)> = Vec::new();
        let mut cur = vec![0; n];
        let mut cur_usd = self.seed_at(&cur, &mut pool).unwrap_or(f64::INFINITY);
        let settings: u64 = self.space.axes[..EDGE_AXES]
            .iter()
            .map(|a| a.values.len() as u64)
            .product();
        let mut changed = true;
        while changed {
            changed = false;
            // Moves from the design as it stands: the edge axes together
            // (the freshness SLO couples them), to every setting under the
            // floor; then each other axis alone, to each value.
            let mut m = 0;
            loop {
                let mut idx = cur.clone();
                if m < settings {
                    edge_indices(&self.space, m, &mut idx);
                } else {
                    let (mut a, mut rest) = (EDGE_AXES, (m - settings) as usize);
                    while a < n && rest >= self.space.axes[a].values.len() {
                        rest -= self.space.axes[a].values.len();
                        a += 1;
                    }
                    if a == n {
                        break;
                    }
                    idx[a] = rest;
                }
                m += 1;
                if idx == cur || self.floor_at(&idx) > self.base.slo.freshness_p95_s {
                    continue;
                }
                let Some(usd) = self.seed_at(&idx, &mut pool) else {
                    continue;
                };
                if usd < cur_usd {
                    (cur, cur_usd, changed) = (idx, usd, true);
                }
            }
        }
        if let Some(kth) = pool.get(self.options.top.max(1) - 1) {
            self.seed_kth = kth.0;
        }
    }

    /// Plan the design at `idx` for the seeding: its cost when it passes
    /// (and it joins `pool`, once per way of planning).
    fn seed_at(&mut self, idx: &[usize], pool: &mut Vec<(f64, Vec<i64>)>) -> Option<f64> {
        self.counts.seeds += 1;
        let s = self.candidate_at(idx);
        let e = self.evaluate_planned(&s, plan::plan_lean(&s.without_drills(), &self.book));
        let p = e.plan.as_ref().filter(|_| e.design.pass)?;
        let (usd, cents) = (e.design.objective_usd, cents(p));
        let setting = self.ordinal_of(idx, EDGE_AXES);
        match self.seed_edge.iter_mut().find(|b| b.0 == setting) {
            Some(b) => b.1 = b.1.min(usd),
            None => self.seed_edge.push((setting, usd)),
        }
        if !pool.iter().any(|x| x.1 == cents) {
            // Kept cheapest first (an insertion: no sort code in the wasm).
            let at = pool.partition_point(|x| x.0 <= usd);
            pool.insert(at, (usd, cents));
        }
        Some(usd)
    }

    /// The scenario at the current indices.
    fn candidate(&self) -> Scenario {
        self.candidate_at(&self.idx)
    }

    /// The scenario at indices `idx`.
    fn candidate_at(&self, idx: &[usize]) -> Scenario {
        let mut s = self.base.clone();
        for (a, &i) in self.space.axes.iter().zip(idx) {
            if (a.input.set)(&mut s, a.values[i].clone()).is_err() {
                unreachable!("{} takes its own domain's values", a.input.path);
            }
        }
        s
    }

    /// [`Optimizer::evaluate`] of the current candidate `s`, reusing the
    /// plan core of the previous candidate when they differ only in the
    /// egress (the egress is the last axis: its values follow each other).
    fn evaluate_sharing(&mut self, s: &Scenario) -> Eval {
        let key = self.key_ordinal(&self.core_key);
        let quiet = s.without_drills();
        let core = match self.core.take() {
            Some((k, core)) if k == key => Ok(core),
            _ => plan::core_for_search(&quiet, &self.book),
        };
        let planned = core.and_then(|core| {
            self.core = Some((key, core.clone()));
            plan::plan_with_core(&quiet, &self.book, core)
        });
        self.evaluate_planned(s, planned)
    }

    /// Plan `s` (drills run on the plan without their mitigation search).
    fn evaluate(&self, s: &Scenario) -> Eval {
        self.evaluate_planned(s, plan(&s.without_drills(), &self.book))
    }

    fn evaluate_planned(&self, s: &Scenario, planned: Result<Plan, ValidationErrors>) -> Eval {
        let quiet = s.without_drills();
        let p = match planned {
            Ok(p) => p,
            Err(_) => {
                return Eval {
                    design: Design {
                        objective_usd: f64::INFINITY,
                        monthly_usd: f64::INFINITY,
                        pass: false,
                        feasible: false,
                        freshness_p95_s: f64::INFINITY,
                        worst_drill_error_pct: None,
                        changes: self.changes(s),
                        scenario: s.clone(),
                    },
                    plan: None,
                    core_pass: false,
                }
            }
        };
        let selected = crate::model::scenario::drills_in_order(&s.drills.selected);
        let outcomes: Vec<drills::DrillOutcome> = selected.iter().map(|k| drills::run(s, &p.sized(), *k).0).collect();
        let core_pass = p.slo_pass() && p.feasible;
        let pass = core_pass && outcomes.iter().all(|o| o.pass);
        let objective_usd = match self.options.objective {
            Objective::Monthly => p.total_monthly_usd,
            Objective::TwelveMonths => cash::cash_plan(&quiet, &self.book, 12).map_or(f64::INFINITY, |c| c.total_usd),
        };
        Eval {
            design: Design {
                objective_usd,
                monthly_usd: p.total_monthly_usd,
                pass,
                feasible: p.feasible,
                freshness_p95_s: slo::freshness_p95_s(&quiet, p.match_day.chosen(&p.fargate)).0,
                worst_drill_error_pct: (!outcomes.is_empty())
                    .then(|| outcomes.iter().map(|o| o.worst_error_pct).fold(0.0, f64::max)),
                changes: self.changes(s),
                scenario: s.clone(),
            },
            plan: Some(p),
            core_pass,
        }
    }

    fn changes(&self, s: &Scenario) -> Vec<Change> {
        self.space
            .axes
            .iter()
            .filter_map(|a| {
                let (from, to) = ((a.input.get)(&self.base), (a.input.get)(s));
                (from != to).then(|| Change {
                    path: a.input.path,
                    label: a.input.label,
                    from: shown(a.input, &from),
                    to: shown(a.input, &to),
                })
            })
            .collect()
    }

    fn record(&mut self, e: Eval) {
        self.counts.evaluated += 1;
        self.seq += 1;
        let Some(p) = &e.plan else {
            self.counts.invalid += 1;
            return;
        };
        // Demand-only services cost the same whatever the verdict; the
        // rest are taken from passing plans only.
        for (i, (service, key)) in self.service_keys.iter().enumerate() {
            let demand_only = matches!(service, Service::Dns | Service::S3 | Service::Alb | Service::CloudFront);
            if e.core_pass || demand_only {
                let usd: f64 = p
                    .services
                    .iter()
                    .filter(|c| c.service == *service)
                    .map(|c| c.monthly_usd)
                    .sum();
                self.memo.entry((i, self.key_ordinal(key))).or_insert(usd);
            }
        }
        for l in p.limits.iter().filter(|l| !l.ok) {
            let group = if l.id.starts_with("cdn.") {
                0
            } else if limit_axes(&l.id).is_some() {
                1
            } else {
                continue;
            };
            self.broken
                .insert((group, self.key_ordinal(&self.limit_keys[group])), ());
        }
        if e.core_pass {
            if self.idx[self.axis.lead] == 0 {
                let f = &p.fargate;
                if !e.design.scenario.scaling.prescale_enabled || !f.prescales() {
                    self.lead_free.insert(self.ordinal(self.axis.lead), ());
                }
            }
            if let Some(err) = e.design.worst_drill_error_pct {
                self.drill_points.push(FrontierPoint {
                    objective_usd: e.design.objective_usd,
                    value: err,
                    design: e.design.clone(),
                });
                self.drill_points = pareto(std::mem::take(&mut self.drill_points));
            }
        }
        if !e.design.pass {
            return;
        }
        self.counts.passing += 1;
        let (usd, seq) = (e.design.objective_usd, self.seq);
        let edge = self.idx[..EDGE_AXES.min(self.idx.len())].to_vec();
        match self.edge_best.iter_mut().find(|b| b.0 == edge) {
            Some(b) if usd < b.1 => *b = (edge, usd, seq, e.design.clone()),
            Some(_) => {}
            None => self.edge_best.push((edge, usd, seq, e.design.clone())),
        }
        // Designs whose plans cost the same service by service (a replica
        // policy that gives none, or none pinned) count once: the first.
        let cents = cents(p);
        if self.top.iter().any(|t| t.2 == cents) {
            return;
        }
        let at = self.top.partition_point(|t| t.0 <= usd);
        if at < self.options.top.max(1) {
            self.top.insert(at, (usd, seq, cents, e.design));
            self.top.truncate(self.options.top.max(1));
        }
    }

    /// The freshness floor of the current edge setting.
    fn edge_floor(&mut self) -> f64 {
        let key = self.ordinal(EDGE_AXES);
        if let Some(floor) = self.edge_floor.iter().find(|f| f.0 == key) {
            return floor.1;
        }
        let floor = self.floor_at(&self.idx);
        self.edge_floor.push((key, floor));
        floor
    }

    /// The freshness floor of the edge setting of indices `idx`.
    fn floor_at(&self, idx: &[usize]) -> f64 {
        let mut edge = self.base.clone();
        for (a, &i) in self.space.axes.iter().zip(idx).take(EDGE_AXES) {
            let _ = (a.input.set)(&mut edge, a.values[i].clone());
        }
        static_freshness_s(&edge)
    }

    /// The cost a candidate under the current edge setting must stay below
    /// to change the result: the worse of the last kept design's (infinite
    /// until there are enough) and the cost at which it would be on no
    /// freshness frontier. That is the setting's best so far, or less: the
    /// cheapest best of an earlier setting (complete: settings are visited
    /// one after another) that is at least as fresh as this setting's
    /// floor. A design costing that much or more is no fresher and no
    /// cheaper than that setting's best, found earlier.
    fn cost_to_beat(&mut self) -> f64 {
        let kth = if self.top.len() >= self.options.top.max(1) {
            self.top.last().map_or(f64::INFINITY, |t| t.0)
        } else {
            f64::INFINITY
        };
        let floor = if self.idx.len() >= EDGE_AXES {
            self.edge_floor()
        } else {
            f64::NEG_INFINITY
        };
        let kth = kth.min(self.seed_kth);
        let key = self.ordinal(EDGE_AXES.min(self.idx.len()));
        let mut setting = self
            .seed_edge
            .iter()
            .find(|b| b.0 == key)
            .map_or(f64::INFINITY, |b| b.1);
        let edge = &self.idx[..EDGE_AXES.min(self.idx.len())];
        let mut dominated = f64::INFINITY;
        for (at, usd, _, d) in &self.edge_best {
            if at == edge {
                setting = setting.min(*usd);
            } else if d.freshness_p95_s <= floor {
                dominated = dominated.min(*usd);
            }
        }
        kth.max(setting.min(dominated))
    }

    /// The shallowest prefix length at which the current candidate's subtree
    /// can be skipped, counting why.
    fn prune_depth(&mut self) -> Option<usize> {
        let n = self.idx.len();
        if n >= EDGE_AXES && self.edge_floor() > self.base.slo.freshness_p95_s {
            self.counts.pruned_freshness += self.remaining(EDGE_AXES);
            return Some(EDGE_AXES);
        }
        // A limit that depends only on assigned axes and broke for them.
        for (g, key) in self.limit_keys.iter().enumerate() {
            if self.broken.contains_key(&(g, self.key_ordinal(key))) {
                self.counts.pruned_infeasible += self.remaining(key.depth);
                return Some(key.depth);
            }
        }
        if self.options.objective != Objective::Monthly {
            return None;
        }
        let bound = self.cost_to_beat();
        if bound.is_infinite() {
            return None;
        }
        // The services' costs known at each depth, shallowest first.
        let mut by_depth: Vec<(usize, usize)> = self
            .service_keys
            .iter()
            .enumerate()
            .map(|(i, (_, k))| (k.depth, i))
            .collect();
        by_depth.sort_unstable();
        let mut known = 0.0;
        for (k, &(d, i)) in by_depth.iter().enumerate() {
            if let Some(usd) = self.memo.get(&(i, self.key_ordinal(&self.service_keys[i].1))) {
                known += usd;
            }
            if by_depth.get(k + 1).is_some_and(|next| next.0 == d) {
                continue;
            }
            if known * (1.0 - 1e-9) >= bound {
                self.counts.pruned_cost += self.remaining(d);
                return Some(d);
            }
        }
        None
    }

    fn key_ordinal(&self, key: &Key) -> u64 {
        key.axes.iter().fold(0u64, |n, &a| {
            n.saturating_mul(self.space.axes[a].values.len() as u64)
                .saturating_add(self.idx[a] as u64)
        })
    }

    /// The current prefix of length `d` as a number (mixed radix).
    fn ordinal(&self, d: usize) -> u64 {
        self.ordinal_of(&self.idx, d)
    }

    /// The prefix of length `d` of indices `idx` as a number (mixed radix).
    fn ordinal_of(&self, idx: &[usize], d: usize) -> u64 {
        self.space.axes[..d].iter().zip(&idx[..d]).fold(0u64, |n, (a, &i)| {
            n.saturating_mul(a.values.len() as u64).saturating_add(i as u64)
        })
    }

    /// Candidates left in the subtree of the current prefix of length `d`,
    /// the current one included.
    fn remaining(&self, d: usize) -> u64 {
        let axes = &self.space.axes[d..];
        let total = axes.iter().fold(1u64, |n, a| n.saturating_mul(a.values.len() as u64));
        let done = axes.iter().zip(&self.idx[d..]).fold(0u64, |n, (a, &i)| {
            n.saturating_mul(a.values.len() as u64).saturating_add(i as u64)
        });
        total - done
    }

    fn skip_subtree(&mut self, d: usize) {
        self.advance(d);
    }

    /// If the current candidate plans the same as one with a lower index
    /// (and so does its whole subtree below an axis the plan does not read),
    /// the length of that prefix.
    fn no_effect(&self) -> Option<usize> {
        self.unread_axes().into_iter().min().map(|i| i + 1)
    }

    /// Axes off their first value that the plan of the current candidate
    /// does not read: the candidate plans as the one with them at their
    /// first value.
    fn unread_axes(&self) -> Vec<usize> {
        let a = &self.axis;
        let v = |i: usize| &self.space.axes[i].values[self.idx[i]];
        let mut unread = Vec::new();
        // With the cache off, no node type, replica count or engine is read.
        if matches!(v(a.cache), Value::Bool(false)) {
            unread.extend([a.node, a.cache_replicas, a.engine]);
        }
        // Without Spot every task is on demand, whatever the base.
        if *v(a.spot) == Value::Num(0.0) {
            unread.push(a.base);
        }
        // A pinned replica count overrides the policy.
        if *v(a.replicas) != Value::Unset {
            unread.push(a.policy);
        }
        // No pre-scale above the floor: the lead is never used.
        if self.lead_free.contains_key(&self.ordinal(a.lead)) {
            unread.push(a.lead);
        }
        unread.retain(|&i| self.idx[i] > 0);
        unread
    }

    /// Move to the next candidate after the subtree of the prefix of length
    /// `d` (d = number of axes: the next candidate).
    fn advance(&mut self, d: usize) {
        let mut i = d;
        loop {
            if i == 0 {
                self.done = true;
                return;
            }
            i -= 1;
            for j in i + 1..self.idx.len() {
                self.idx[j] = 0;
            }
            self.idx[i] += 1;
            if self.idx[i] < self.space.axes[i].values.len() {
                return;
            }
        }
    }
}

/// Sets `idx`'s edge axes to the edge setting numbered `ordinal`: the
/// inverse of [`Optimizer::ordinal_of`] over the first `EDGE_AXES` axes.
fn edge_indices(space: &Space, mut ordinal: u64, idx: &mut [usize]) {
    for i in (0..EDGE_AXES).rev() {
        let n = space.axes[i].values.len() as u64;
        idx[i] = (ordinal % n) as usize;
        ordinal /= n;
    }
}

/// Each service's monthly cost in cents: designs whose plans have the same
/// are one design in the `top` list.
fn cents(p: &Plan) -> Vec<i64> {
    p.services
        .iter()
        .map(|c| (c.monthly_usd * 100.0).round() as i64)
        .collect()
}

/// The points no other beats on both cost and value, cheapest first.
/// Of equal points, the first found is kept: the sort is unstable (no
/// stable-sort code in the wasm, docs/performance.md) with the position as
/// the last key, which orders exactly as a stable sort would.
fn pareto(points: Vec<FrontierPoint>) -> Vec<FrontierPoint> {
    let mut points: Vec<(usize, FrontierPoint)> = points.into_iter().enumerate().collect();
    points.sort_unstable_by(|(i, a), (j, b)| {
        a.objective_usd
            .total_cmp(&b.objective_usd)
            .then(a.value.total_cmp(&b.value))
            .then(i.cmp(j))
    });
    let mut out: Vec<FrontierPoint> = Vec::new();
    for (_, p) in points {
        if out.last().is_none_or(|last| p.value < last.value) {
            out.push(p);
        }
    }
    out
}

/// The whole search at once over `space`.
///
/// # Errors
/// The scenario's validation errors.
pub fn optimize_in(
    s: &Scenario,
    book: &PriceBook,
    options: Options,
    space: Space,
) -> Result<OptimizeResult, ValidationErrors> {
    let mut o = Optimizer::with_space(s, book, options, space)?;
    while !o.step(usize::MAX).done {}
    Ok(o.result())
}

/// The whole search at once.
///
/// # Errors
/// The scenario's validation errors.
///
/// # Example
/// ```no_run
/// use kickoff::model::{optimize, PriceBook, Scenario};
/// let r = optimize::optimize(&Scenario::default(), &PriceBook::embedded(), optimize::Options::default()).unwrap();
/// assert!(r.best.unwrap().objective_usd <= r.typed.objective_usd);
/// ```
pub fn optimize(s: &Scenario, book: &PriceBook, options: Options) -> Result<OptimizeResult, ValidationErrors> {
    let mut o = Optimizer::new(s, book, options)?;
    while !o.step(usize::MAX).done {}
    Ok(o.result())
}

/// One plan of an exhaustive run: the candidate's indices, whether it
/// passed every SLO but the drills' and every limit, each service's cost
/// and each limit's verdict.
#[doc(hidden)]
#[derive(Debug, Clone)]
pub struct Sample {
    pub idx: Vec<usize>,
    /// For a candidate the search skips as having no effect: the indices of
    /// the one it plans the same as.
    pub same_as: Option<Vec<usize>>,
    pub core_pass: bool,
    /// Passes every SLO, drill and limit; at `objective_usd`.
    pub pass: bool,
    pub objective_usd: f64,
    pub services: Vec<(Service, f64)>,
    pub limits: Vec<(String, bool)>,
}

/// Every candidate of `space` planned, none skipped: the reference the
/// pruned search is tested against.
#[doc(hidden)]
pub fn exhaustive(
    s: &Scenario,
    book: &PriceBook,
    options: Options,
    space: Space,
) -> Result<(OptimizeResult, Vec<Sample>), ValidationErrors> {
    let mut o = Optimizer::with_space(s, book, options, space)?;
    let mut samples = Vec::new();
    while !o.done {
        let unread = o.unread_axes();
        let same_as = (!unread.is_empty()).then(|| {
            let mut idx = o.idx.clone();
            unread.iter().for_each(|&i| idx[i] = 0);
            idx
        });
        let e = o.evaluate(&o.candidate());
        if let Some(p) = &e.plan {
            samples.push(Sample {
                idx: o.idx.clone(),
                same_as: same_as.clone(),
                core_pass: e.core_pass,
                pass: e.design.pass,
                objective_usd: e.design.objective_usd,
                services: p.services.iter().map(|c| (c.service, c.monthly_usd)).collect(),
                limits: p.limits.iter().map(|l| (l.id.clone(), l.ok)).collect(),
            });
        }
        // A duplicate is planned (its sample checks the rule) but not kept.
        if same_as.is_none() {
            o.record(e);
        }
        o.advance(o.idx.len());
    }
    Ok((o.result(), samples))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::autoscale::SimRun;
    use crate::model::inputs::INPUTS;

    use crate::model::scenario::DrillKind;
    use std::collections::HashMap as Map;

    fn book() -> PriceBook {
        PriceBook::embedded()
    }

    /// A small space: the named axes, each cut to its first three values
    /// (two for task size and egress), so the exhaustive runs stay short.
    fn small(s: &Scenario, paths: &[&str]) -> Space {
        let mut space = Space::restricted(s, &book(), paths).unwrap();
        for a in &mut space.axes {
            let keep = match a.input.path {
                "app.task_vcpu" | "platform.egress" | "app.on_demand_base_tasks" => 2,
                _ => 3,
            };
            a.values.truncate(keep);
        }
        space
    }

    /// Edge, API tier, cache on/off and egress (288 designs).
    const SMALL: [&str; 7] = [
        "delivery.poll_interval_s",
        "delivery.cdn_live_ttl_s",
        "app.task_vcpu",
        "app.spot_share",
        "app.on_demand_base_tasks",
        "overrides.cache_enabled",
        "platform.egress",
    ];

    /// Every edge axis, for the frontier's bound across edge settings.
    const EDGE_SMALL: [&str; 6] = [
        "delivery.poll_interval_s",
        "delivery.cdn_live_ttl_s",
        "delivery.origin_shield",
        "app.spot_share",
        "app.on_demand_base_tasks",
        "platform.egress",
    ];

    /// The data tier's choices (144 designs).
    const DATA: [&str; 6] = [
        "app.task_vcpu",
        "overrides.cache_enabled",
        "overrides.db_read_replicas",
        "data.read_replicas",
        "data.rds_proxy",
        "overrides.cache_replicas",
    ];

    fn scenarios() -> Vec<(&'static str, Scenario)> {
        let mut fans = Scenario::default();
        fans.peak_concurrent_fans = 40_000;
        let mut drilled = Scenario::default();
        drilled.drills.selected = vec![DrillKind::CacheFailover, DrillKind::SpotReclaim];
        vec![
            ("default", Scenario::default()),
            ("40,000 fans", fans),
            ("drills", drilled),
        ]
    }

    /// The edge indices of an edge setting's ordinal.
    fn idx_of(space: &Space, ordinal: u64) -> Vec<usize> {
        let mut idx = vec![0; EDGE_AXES];
        edge_indices(space, ordinal, &mut idx);
        idx
    }

    fn key(space: &Space, idx: &[usize], paths: &[&str]) -> Vec<usize> {
        paths.iter().map(|p| idx[space.axis(p)]).collect()
    }

    /// The pruned search finds what planning every candidate finds: the
    /// same optimum (cost and design), the same next designs and the same
    /// freshness frontier; and the facts the pruning rests on hold on every
    /// plan of the exhaustive run.
    #[test]
    fn pruned_search_finds_the_exhaustive_optimum() {
        let mut cases: Vec<(&str, Scenario, &[&str])> =
            scenarios().into_iter().map(|(n, s)| (n, s, &SMALL[..])).collect();
        cases.push(("default, data tier", Scenario::default(), &DATA[..]));
        // Typed stale and cheap, so later settings are fresher and dearer:
        // only a setting at least as fresh may bound another's designs.
        let mut stale = Scenario::default();
        stale.delivery.poll_interval_s = 2.5;
        cases.push(("poll 2.5 s, edge", stale, &EDGE_SMALL[..]));
        for (name, s, paths) in cases {
            let space = small(&s, paths);
            let (all, samples) = exhaustive(&s, &book(), Options::default(), space.clone()).unwrap();
            let pruned = optimize_in(&s, &book(), Options::default(), space.clone()).unwrap();
            let (a, b) = (all.best.as_ref().unwrap(), pruned.best.as_ref().unwrap());
            assert_eq!(a.objective_usd, b.objective_usd, "{name}");
            assert_eq!(a.scenario, b.scenario, "{name}");
            let costs = |r: &OptimizeResult| r.top.iter().map(|d| d.objective_usd).collect::<Vec<_>>();
            assert_eq!(costs(&all), costs(&pruned), "{name}");
            let frontier = |r: &OptimizeResult| {
                r.freshness_frontier
                    .iter()
                    .map(|p| (p.objective_usd, p.value))
                    .collect::<Vec<_>>()
            };
            assert_eq!(frontier(&all), frontier(&pruned), "{name}");
            // With one design kept, the frontier's own bound (a design no
            // cheaper than an earlier setting's fresher best) decides more.
            let one = Options {
                top: 1,
                ..Options::default()
            };
            let all_1 = exhaustive(&s, &book(), one, space.clone()).unwrap().0;
            let pruned_1 = optimize_in(&s, &book(), one, space.clone()).unwrap();
            assert_eq!(frontier(&all_1), frontier(&pruned_1), "{name}, top 1");
            assert_eq!(costs(&all_1), costs(&pruned_1), "{name}, top 1");
            assert!(pruned.counts.pruned() > 0, "{name}: {:?}", pruned.counts);
            // The seeding's bounds are costs no result is above: the last
            // kept design's, and each edge setting's best.
            let mut o = Optimizer::with_space(&s, &book(), Options::default(), space.clone()).unwrap();
            o.seed();
            if let Some(last) = all.top.get(Options::default().top - 1) {
                assert!(
                    last.objective_usd <= o.seed_kth,
                    "{name}: {} > {}",
                    last.objective_usd,
                    o.seed_kth
                );
            }
            assert!(
                o.seed_kth.is_finite() || all.top.len() < Options::default().top,
                "{name}: no top bound"
            );
            assert!(!o.seed_edge.is_empty(), "{name}: no setting bound");
            for (edge, usd) in &o.seed_edge {
                let best = samples
                    .iter()
                    .filter(|x| x.pass && key(&space, &x.idx, &EDGE) == idx_of(&space, *edge))
                    .map(|x| x.objective_usd)
                    .fold(f64::INFINITY, f64::min);
                assert!(best <= *usd, "{name}: setting {edge:?}: best {best} > bound {usd}");
            }
            assert_eq!(
                pruned.counts.evaluated + pruned.counts.pruned(),
                space.size(),
                "{name}: every candidate planned or skipped once"
            );
            assert!(b.objective_usd <= pruned.typed.objective_usd || !pruned.typed.pass);

            // Each service's cost depends only on its axes.
            for service in SERVICES {
                let axes = service_axes(service);
                let demand_only = matches!(service, Service::Dns | Service::S3 | Service::Alb | Service::CloudFront);
                let mut seen: Map<Vec<usize>, f64> = Map::new();
                for x in samples.iter().filter(|x| x.core_pass || demand_only) {
                    let usd: f64 = x.services.iter().filter(|c| c.0 == service).map(|c| c.1).sum();
                    let k = key(&space, &x.idx, &axes);
                    let first = *seen.entry(k).or_insert(usd);
                    assert!(
                        (first - usd).abs() <= 1e-9 * usd.max(1.0),
                        "{name}: {service:?} {first} vs {usd}"
                    );
                }
            }
            // A candidate skipped as having no effect plans as its twin.
            let by_idx: Map<&[usize], &Sample> = samples.iter().map(|x| (x.idx.as_slice(), x)).collect();
            let mut twins = 0;
            for x in &samples {
                let Some(twin) = &x.same_as else { continue };
                let y = by_idx[twin.as_slice()];
                assert_eq!(
                    (x.core_pass, &x.services, &x.limits),
                    (y.core_pass, &y.services, &y.limits),
                    "{name}: {:?}",
                    x.idx
                );
                twins += 1;
            }
            assert!(twins > 0, "{name}: no duplicate to check");
            // Pruned-on limits depend only on their axes.
            let mut seen: Map<(String, Vec<usize>), bool> = Map::new();
            for x in &samples {
                for (id, ok) in &x.limits {
                    let Some(axes) = limit_axes(id) else { continue };
                    let first = *seen.entry((id.clone(), key(&space, &x.idx, &axes))).or_insert(*ok);
                    assert_eq!(first, *ok, "{name}: {id}");
                }
            }
        }
    }

    /// Designs that differ only in the egress share a plan core (the
    /// search reuses it): a plan made on another egress's core is the plan
    /// `plan()` makes, field for field.
    #[test]
    fn a_core_shared_across_egresses_plans_as_plan_does() {
        let book = book();
        let (mut checked, mut prescaled) = (0, 0);
        for (name, base) in scenarios() {
            let space = Space::of(&base, &book);
            let values = |path: &str| space.axes[space.axis(path)].values.clone();
            let set = |s: &mut Scenario, path: &str, v: &Value| {
                (inputs::by_path(path).unwrap().set)(s, v.clone()).unwrap();
            };
            for (path, v) in [
                ("app.task_vcpu", values("app.task_vcpu")[1].clone()),
                ("overrides.cache_enabled", Value::Bool(false)),
                (
                    "delivery.poll_interval_s",
                    values("delivery.poll_interval_s")[1].clone(),
                ),
            ] {
                let mut s = base.clone();
                set(&mut s, path, &v);
                let core = plan::core_for_search(&s, &book).unwrap();
                for e in values(EGRESS) {
                    set(&mut s, EGRESS, &e);
                    let shared = plan::plan_with_core(&s, &book, core.clone()).unwrap();
                    let mut planned = plan(&s, &book).unwrap();
                    // The search leaves out the run without pre-scaling
                    // when pre-scaling is chosen: only the timeline draws it.
                    let f = &planned.fargate;
                    if f.prescales() {
                        assert!(shared.match_day.without_prescale.steps.is_empty(), "{name}");
                        planned.match_day.without_prescale = SimRun::unrun();
                        prescaled += 1;
                    }
                    assert_eq!(shared, planned, "{name}, {path} = {v:?}, egress {e:?}");
                    checked += 1;
                }
            }
        }
        assert!(checked >= 3 * 3 * 3, "{checked}");
        assert!(prescaled > 0, "no plan with pre-scaling chosen");
    }

    /// The optimum, planned again the way `kickoff plan` plans it (drills
    /// and their mitigation search included), passes every SLO and is
    /// feasible, and costs what the search said.
    #[test]
    fn the_optimum_passes_when_planned_again() {
        for (name, s) in scenarios() {
            let r = optimize_in(&s, &book(), Options::default(), small(&s, &SMALL[..4])).unwrap();
            let best = r.best.unwrap();
            let p = plan(&best.scenario, &book()).unwrap();
            assert!(p.slo_pass() && p.feasible, "{name}: {:?}", p.slo);
            assert_eq!(p.total_monthly_usd, best.monthly_usd, "{name}");
            assert!(r.top.windows(2).all(|w| w[0].objective_usd <= w[1].objective_usd));
        }
    }

    #[test]
    fn the_freshness_floor_bounds_the_edge_axes() {
        let s = Scenario::default();
        let space = Space::of(&s, &book());
        let poll = &space.axes[space.axis("delivery.poll_interval_s")];
        for v in &poll.values {
            let mut t = s.clone();
            (poll.input.set)(&mut t, v.clone()).unwrap();
            t.delivery.cdn_live_ttl_s = 0.0;
            assert!(static_freshness_s(&t) <= s.slo.freshness_p95_s, "{v:?}");
        }
        // The next step is over: the walk stopped at the floor.
        let mut t = s.clone();
        t.delivery.cdn_live_ttl_s = 0.0;
        t.delivery.poll_interval_s = poll
            .values
            .iter()
            .filter_map(|v| match v {
                Value::Num(x) => Some(*x),
                _ => None,
            })
            .fold(0.0, f64::max)
            + 0.5;
        assert!(static_freshness_s(&t) > s.slo.freshness_p95_s);
        // A plan's freshness is never below the floor.
        let p = plan(&s, &book()).unwrap();
        assert!(slo::freshness_p95_s(&s, p.match_day.chosen(&p.fargate)).0 >= static_freshness_s(&s));
    }

    #[test]
    fn dominated_prices_drop_a_choice_and_overrides_bring_it_back() {
        let s = Scenario::default();
        let space = Space::of(&s, &book());
        assert_eq!(
            space.axes[space.axis("app.arch")].values.len(),
            1,
            "arm64 is cheaper at every price"
        );
        let mut cheap_x86 = s.clone();
        cheap_x86.price_overrides.insert("fargate.x86.vcpu_hour".into(), 0.0001);
        let space = Space::of(&cheap_x86, &book());
        assert_eq!(space.axes[space.axis("app.arch")].values.len(), 2);
    }

    #[test]
    fn sliced_search_equals_one_pass_and_reports_progress() {
        let s = Scenario::default();
        let space = small(&s, &SMALL[..5]);
        let one = optimize_in(&s, &book(), Options::default(), space.clone()).unwrap();
        let mut o = Optimizer::with_space(&s, &book(), Options::default(), space).unwrap();
        let mut slices = 0;
        let mut last = 0;
        loop {
            let p = o.step(3);
            assert!(p.visited >= last);
            last = p.visited;
            slices += 1;
            if p.done {
                break;
            }
        }
        assert!(slices > 2);
        assert_eq!(o.result(), one);
    }

    #[test]
    fn unknown_search_paths_are_named() {
        let e = Space::restricted(&Scenario::default(), &book(), &["app.rps_per_vcpu"]).unwrap_err();
        assert_eq!(e.0[0].field, "only");
        assert_eq!(e.0[0].value, "app.rps_per_vcpu");
    }

    #[test]
    fn order_names_every_searchable_input_once() {
        let searchable: Vec<&str> = INPUTS
            .iter()
            .filter(|i| i.search != Search::No)
            .map(|i| i.path)
            .collect();
        for p in &searchable {
            assert_eq!(ORDER.iter().filter(|o| *o == p).count(), 1, "{p}");
        }
        assert_eq!(ORDER.len(), searchable.len());
    }
}
