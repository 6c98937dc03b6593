//! What would halve a service's cost: the plan's biggest cost drivers, and
//! for each the one design change that halves it, found by re-planning.
//!
//! The candidates are the inputs the table of inputs lets a design search
//! vary ([`Search`](super::inputs::Search) other than `No`: poll interval,
//! CDN TTL, spot share, instance classes, egress…), each tried at a few other
//! values: every option of a choice, and for a number twice, four times, half
//! and a quarter of its value and one step either way, within its range. Each
//! candidate is one `plan()` of the scenario with that one input changed; it
//! is checked against every driver at once. A candidate that does not
//! validate is skipped.
//!
//! Of the candidates that halve a driver, the one that breaks the fewest SLOs
//! that pass today wins, then the one with the lowest monthly total. When no
//! single change halves it, the largest cut is reported instead.
//!
//! [`LeverSearch`] runs in slices ([`LeverSearch::step`]), so the browser can
//! spread the ~80 plans over several tasks instead of one long one.

use super::catalog::fargate_memory_options_gb;
use super::cost::Service;
use super::inputs::{self, Input, Kind, Search, Value, INPUTS};
use super::{plan, Plan, PriceBook, Scenario};

/// Drivers listed: the services with the largest monthly cost.
pub const TOP: usize = 3;

/// One change to one input, and what it does.
#[derive(Debug, Clone, PartialEq)]
pub struct Lever {
    /// The input's path (`delivery.cdn_live_ttl_s`) and label (`CDN TTL (live feed)`).
    pub path: &'static str,
    pub label: &'static str,
    /// The value now and after, as the form shows them with the unit
    /// (`1 s`, `3 s`, `Graviton (arm64)`, `planner decides`).
    pub from: String,
    pub to: String,
    /// The driver's monthly cost after the change, USD.
    pub service_usd: f64,
    /// The plan's monthly total after the change, USD.
    pub total_usd: f64,
    /// SLOs that pass now and fail after the change (their names).
    pub breaks: Vec<String>,
}

/// A service among the largest costs, and the change that cuts it most usefully.
#[derive(Debug, Clone, PartialEq)]
pub struct Driver {
    pub service: Service,
    pub monthly_usd: f64,
    /// Of the monthly total, 0–1.
    pub share: f64,
    /// The change found so far (None: none cuts it, or the search has not run).
    pub lever: Option<Lever>,
}

impl Driver {
    /// Does [`Driver::lever`] at least halve the service's cost?
    pub fn halved(&self) -> bool {
        self.lever
            .as_ref()
            .is_some_and(|l| l.service_usd <= self.monthly_usd / 2.0)
    }
}

/// The biggest drivers of `p`, largest first, without levers.
pub fn top_services(p: &Plan) -> Vec<Driver> {
    let mut services: Vec<&super::cost::ServiceCost> = p.services.iter().collect();
    services.sort_unstable_by(|a, b| b.monthly_usd.total_cmp(&a.monthly_usd));
    services
        .into_iter()
        .take(TOP)
        .filter(|c| c.monthly_usd > 0.0)
        .map(|c| Driver {
            service: c.service,
            monthly_usd: c.monthly_usd,
            share: if p.total_monthly_usd > 0.0 {
                c.monthly_usd / p.total_monthly_usd
            } else {
                0.0
            },
            lever: None,
        })
        .collect()
}

/// A search for the levers of a plan's top drivers, run in slices.
#[derive(Debug, Clone)]
pub struct LeverSearch {
    base: Scenario,
    passing: Vec<String>,
    candidates: Vec<(&'static Input, Value)>,
    next: usize,
    drivers: Vec<Driver>,
}

impl LeverSearch {
    /// Start a search for `s`, whose plan is `p`.
    pub fn new(s: &Scenario, p: &Plan) -> LeverSearch {
        LeverSearch {
            base: s.clone(),
            passing: p.slo.iter().filter(|v| v.pass).map(|v| v.name.clone()).collect(),
            candidates: INPUTS
                .iter()
                .filter(|i| i.search != Search::No)
                .flat_map(|i| candidates(i, s).into_iter().map(move |v| (i, v)))
                .collect(),
            next: 0,
            drivers: top_services(p),
        }
    }

    /// Plans to run in all.
    pub fn len(&self) -> usize {
        self.candidates.len()
    }

    pub fn is_empty(&self) -> bool {
        self.candidates.is_empty()
    }

    pub fn done(&self) -> bool {
        self.next >= self.candidates.len()
    }

    /// The drivers, with the best levers found so far.
    pub fn drivers(&self) -> &[Driver] {
        &self.drivers
    }

    /// Try up to `n` more candidates; true when the search is done.
    pub fn step(&mut self, book: &PriceBook, n: usize) -> bool {
        let end = self.candidates.len().min(self.next.saturating_add(n));
        while self.next < end {
            let (input, value) = &self.candidates[self.next];
            self.next += 1;
            let mut s = self.base.clone();
            if (input.set)(&mut s, value.clone()).is_err() {
                continue;
            }
            let Ok(p) = plan(&s, book) else { continue };
            let breaks: Vec<String> = p
                .slo
                .iter()
                .filter(|v| !v.pass && self.passing.contains(&v.name))
                .map(|v| v.name.clone())
                .collect();
            for d in &mut self.drivers {
                let after: f64 = p
                    .services
                    .iter()
                    .filter(|c| c.service == d.service)
                    .map(|c| c.monthly_usd)
                    .sum();
                if after >= d.monthly_usd * 0.95 {
                    continue;
                }
                let lever = Lever {
                    path: input.path,
                    label: input.label,
                    from: shown(input, &(input.get)(&self.base)),
                    to: shown(input, value),
                    service_usd: after,
                    total_usd: p.total_monthly_usd,
                    breaks: breaks.clone(),
                };
                if d.lever.as_ref().is_none_or(|old| better(&lever, old, d.monthly_usd)) {
                    d.lever = Some(lever);
                }
            }
        }
        self.done()
    }
}

/// The drivers of `p` with their levers: the whole search at once.
pub fn drivers(s: &Scenario, p: &Plan, book: &PriceBook) -> Vec<Driver> {
    let mut search = LeverSearch::new(s, p);
    search.step(book, usize::MAX);
    search.drivers
}

/// Is `a` a better lever than `b` for a driver costing `usd`? One that
/// halves it beats one that does not; then fewer broken SLOs; then, among
/// halving levers, the lower total, and among the rest, the larger cut.
fn better(a: &Lever, b: &Lever, usd: f64) -> bool {
    let key = |l: &Lever| {
        let halves = l.service_usd <= usd / 2.0;
        (
            !halves,
            l.breaks.len(),
            if halves { l.total_usd } else { l.service_usd },
        )
    };
    let (ka, kb) = (key(a), key(b));
    (ka.0, ka.1).cmp(&(kb.0, kb.1)).then(ka.2.total_cmp(&kb.2)).is_lt()
}

/// A value as the form shows it, with the unit: `2 s`, `Graviton (arm64)`.
pub fn shown(input: &Input, v: &Value) -> String {
    let option_label = |options: fn() -> Vec<inputs::Opt>, text: &str| {
        options()
            .into_iter()
            .find(|o| o.value == text)
            .map_or_else(|| text.to_string(), |o| o.label.to_string())
    };
    match (input.kind, v) {
        (_, Value::Unset) => "planner decides".into(),
        (Kind::Choice(o) | Kind::OptChoice(o), Value::Text(t)) => option_label(o, t),
        (Kind::OptChoice(o), Value::Bool(b)) => option_label(o, &b.to_string()),
        (Kind::Bool, Value::Bool(b)) => if *b { "on" } else { "off" }.into(),
        _ => {
            let text = crate::fmt::number(match v {
                Value::Num(x) => *x,
                Value::Int(x) => f64::from(*x),
                _ => return inputs::value_text(v),
            });
            if input.unit.is_empty() || input.unit.starts_with("0–") {
                text
            } else {
                format!("{text} {}", input.unit)
            }
        }
    }
}

/// Other values worth trying for `input` in `s`.
fn candidates(input: &Input, s: &Scenario) -> Vec<Value> {
    let now = (input.get)(s);
    let mut out: Vec<Value> = Vec::new();
    let mut push = |v: Value| {
        if v != now && !out.contains(&v) {
            out.push(v);
        }
    };
    let optional = matches!(input.kind, Kind::OptInt { .. } | Kind::OptNum | Kind::OptChoice(_));
    if optional && now != Value::Unset {
        push(Value::Unset);
    }
    match (input.kind, input.search) {
        (Kind::Choice(options) | Kind::OptChoice(options), _) => {
            for o in options() {
                if let Ok(v) = inputs::parse(input, o.value) {
                    push(v);
                }
            }
        }
        (Kind::Bool, _) => {
            if let Value::Bool(b) = now {
                push(Value::Bool(!b));
            }
        }
        // A fixed list, or the table's grid (whole numbers for a count).
        (Kind::NumOneOf(list), _) | (_, Search::Grid(list)) => {
            let whole = matches!(input.kind, Kind::Int { .. } | Kind::OptInt { .. });
            list.iter()
                .for_each(|x| push(if whole { Value::Int(*x as u32) } else { Value::Num(*x) }));
        }
        // Task memory: the Fargate sizes for the task's vCPU.
        (Kind::OptNum, _) if input.path == "overrides.task_memory_gb" => {
            fargate_memory_options_gb(s.app.task_vcpu)
                .into_iter()
                .for_each(|x| push(Value::Num(x)));
        }
        (Kind::Num { min, max, .. }, Search::Step(step)) => {
            if let Value::Num(v) = now {
                for x in ladder(v, step) {
                    if (min..=max).contains(&x) {
                        push(Value::Num(x));
                    }
                }
            }
        }
        (Kind::Int { min, max } | Kind::OptInt { min, max }, Search::Step(step)) => match now {
            Value::Int(v) => {
                for x in ladder(f64::from(v), step) {
                    let x = x as u32;
                    if (min..=max).contains(&x) {
                        push(Value::Int(x));
                    }
                }
            }
            // Unset: the planner decides; try the first few counts.
            _ => (min..=max.min(min + 2)).for_each(|x| push(Value::Int(x))),
        },
        _ => {}
    }
    out
}

/// `v` doubled, quadrupled, halved, quartered and one `step` either way,
/// each rounded to a multiple of `step`, never negative.
fn ladder(v: f64, step: f64) -> Vec<f64> {
    let round = |x: f64| ((x / step).round() * step).max(0.0);
    let up = if v == 0.0 { step } else { v };
    [up * 2.0, up * 4.0, v / 2.0, v / 4.0, v + step, v - step]
        .into_iter()
        .map(round)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn default_plan() -> (Scenario, Plan, PriceBook) {
        let book = PriceBook::embedded();
        let s = Scenario::default();
        let p = plan(&s, &book).unwrap();
        (s, p, book)
    }

    #[test]
    fn drivers_are_the_largest_services_in_order() {
        let (_, p, _) = default_plan();
        let d = top_services(&p);
        assert_eq!(d.len(), TOP);
        assert!(d.windows(2).all(|w| w[0].monthly_usd >= w[1].monthly_usd));
        let max = p.services.iter().map(|c| c.monthly_usd).fold(0.0, f64::max);
        assert_eq!(d[0].monthly_usd, max);
        assert!((0.0..=1.0).contains(&d[0].share));
    }

    #[test]
    fn every_lever_is_checked_by_replanning() {
        let (s, p, book) = default_plan();
        for d in drivers(&s, &p, &book) {
            let Some(l) = &d.lever else { continue };
            // Apply the lever the way the form would, and plan again.
            let input = inputs::by_path(l.path).unwrap();
            let mut changed = s.clone();
            let v = candidates(input, &s)
                .into_iter()
                .find(|v| shown(input, v) == l.to)
                .expect("the lever is one of the candidates");
            (input.set)(&mut changed, v).unwrap();
            let after = plan(&changed, &book).unwrap();
            let cost: f64 = after
                .services
                .iter()
                .filter(|c| c.service == d.service)
                .map(|c| c.monthly_usd)
                .sum();
            assert_eq!(cost, l.service_usd, "{}: {l:?}", d.service.name());
            assert_eq!(after.total_monthly_usd, l.total_usd);
            assert!(cost < d.monthly_usd, "{l:?} does not cut {}", d.service.name());
        }
    }

    #[test]
    fn the_default_plan_has_a_lever_that_halves_its_biggest_driver() {
        let (s, p, book) = default_plan();
        let d = drivers(&s, &p, &book);
        assert!(d[0].halved(), "{:?}", d[0]);
    }

    #[test]
    fn a_search_in_slices_finds_what_one_pass_finds() {
        let (s, p, book) = default_plan();
        let mut search = LeverSearch::new(&s, &p);
        assert!(search.len() > 20, "{} candidates", search.len());
        let mut slices = 0;
        while !search.step(&book, 7) {
            slices += 1;
        }
        assert!(slices > 1);
        assert_eq!(search.drivers(), drivers(&s, &p, &book).as_slice());
    }

    #[test]
    fn ladder_stays_on_the_step_and_non_negative() {
        assert_eq!(ladder(2.0, 0.5), vec![4.0, 8.0, 1.0, 0.5, 2.5, 1.5]);
        assert!(ladder(0.0, 1.0).iter().all(|x| *x >= 0.0));
    }

    #[test]
    fn values_are_shown_with_their_unit_or_label() {
        let ttl = inputs::by_path("delivery.cdn_live_ttl_s").unwrap();
        assert_eq!(shown(ttl, &Value::Num(3.0)), "3 s");
        let arch = inputs::by_path("app.arch").unwrap();
        assert!(shown(arch, &Value::Text("arm64".into())).contains("arm64"));
        let min = inputs::by_path("overrides.db_read_replicas").unwrap();
        assert_eq!(shown(min, &Value::Unset), "planner decides");
    }
}
