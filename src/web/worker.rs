//! The planner's background worker: the same wasm module, started in a
//! dedicated Web Worker by `static/boot.js`, runs what is too slow for a
//! keystroke — the selected drills and, for each failing one, the
//! mitigation search (`model::plan::evaluate_drill`) — and answers in JSON.
//!
//! The page plans without drills on every change ([`super::state`]); when
//! the scenario selects drills it asks the worker, and adds the worker's
//! outcomes and `survives_drills` verdict to the plan they were run for
//! (`Action::Drills`). One request is in flight at a time; while it runs,
//! newer scenarios replace each other and only the latest is sent next.
//!
//! The optimiser ([`crate::model::optimize`]) runs in a second worker of
//! its own ([`Search`]): it reports progress after every slice of
//! [`SLICE`] plans, and Cancel terminates that worker.

use crate::model::drills::{self, DrillOutcome, DrillStep, Mitigation, SecondsOverSlo};
use crate::model::optimize::{self, Optimizer};
use crate::model::scenario::DrillKind;
use crate::model::{plan, Scenario};
use serde::{Deserialize, Serialize};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use yew::Callback;

/// The worker's first message: its handler is installed (messages sent
/// before it would be lost while the module loads).
const READY: &str = "ready";

#[derive(Serialize, Deserialize)]
struct Request {
    id: u32,
    scenario: Scenario,
    /// Search for the cheapest passing design instead of running drills.
    #[serde(default)]
    optimize: bool,
}

/// Plans the optimiser evaluates between two progress reports (tens of
/// milliseconds in the worker).
pub const SLICE: usize = 48;

/// A design on the wire: (monthly USD, objective USD, freshness p95 s,
/// worst drill error % or -1 without drills, its changes in words, the
/// design as a scenario).
pub type DesignRow = (f64, f64, f64, f64, String, Scenario);

/// An optimiser message: (id, error (empty: none), done, candidates
/// visited, of the space, evaluated, pruned, best monthly USD so far or -1,
/// then with `done`: the typed design, the cheapest passing designs best
/// first, and the cost-against-freshness frontier).
#[derive(Serialize, Deserialize)]
pub struct Found(
    pub u32,
    pub String,
    pub bool,
    pub u64,
    pub u64,
    pub u64,
    pub u64,
    pub f64,
    pub Vec<DesignRow>,
    pub Vec<DesignRow>,
    pub Vec<DesignRow>,
);

impl Found {
    fn failed(why: String) -> Found {
        Found(1, why, true, 0, 0, 0, 0, -1.0, vec![], vec![], vec![])
    }
}

fn design_row(d: &optimize::Design) -> DesignRow {
    (
        d.monthly_usd,
        d.objective_usd,
        d.freshness_p95_s,
        d.worst_drill_error_pct.unwrap_or(-1.0),
        crate::export::optimize::changes(d),
        d.scenario.clone(),
    )
}

/// In the worker: run the search for `s`, posting a [`Found`] after every
/// slice and the results at the end.
fn optimize(s: &Scenario, post: &dyn Fn(String)) {
    // Pretty, as localStorage and the requests write a scenario: one
    // scenario serialiser in the bundle, not two (~8 KB of wasm).
    let send = |f: &Found| post(serde_json::to_string_pretty(f).unwrap_or_default());
    let mut o = match Optimizer::new(s, super::state::book(), optimize::Options::default()) {
        Ok(o) => o,
        Err(e) => return send(&Found::failed(e.brief(2))),
    };
    loop {
        let p = o.step(SLICE);
        let c = p.counts;
        let mut f = Found(
            1,
            String::new(),
            p.done,
            p.visited,
            c.space,
            // Every design planned, the seeds included.
            c.evaluated + c.seeds,
            c.pruned(),
            p.best_usd.unwrap_or(-1.0),
            vec![],
            vec![],
            vec![],
        );
        if p.done {
            let r = o.result();
            f.8 = vec![design_row(&r.typed)];
            f.9 = r.top.iter().map(design_row).collect();
            f.10 = r.freshness_frontier.iter().map(|p| design_row(&p.design)).collect();
        }
        send(&f);
        if p.done {
            return;
        }
    }
}

/// One drill's outcome on the wire, as a JSON array: serde reads a tuple
/// with far less code than a struct (no field names to match), and the
/// bundle has little room. Fields in the order of [`DrillOutcome`]:
/// name, at_s, pass, worst_error_pct, freshness_p95_s, seconds over the
/// error and freshness SLOs, recovery_s, what; then the mitigation's action
/// (empty: none), change, monthly_usd, extra_monthly_usd, needs; and the
/// mitigation note; the drilled day's steps for the timeline. The runbook
/// follows from the name.
type Row = (
    String,
    f64,
    bool,
    f64,
    f64,
    f64,
    f64,
    f64,
    String,
    String,
    String,
    f64,
    f64,
    String,
    String,
    Vec<DrillStep>,
);

#[derive(Serialize, Deserialize)]
struct Reply {
    id: u32,
    /// Why the drills could not run (empty: they did).
    error: String,
    rows: Vec<Row>,
}

/// What the worker found for one scenario: every selected drill's outcome.
pub type Drills = Vec<DrillOutcome>;

fn row(o: DrillOutcome) -> Row {
    let m = o.mitigation.unwrap_or(Mitigation {
        action: String::new(),
        change: String::new(),
        monthly_usd: 0.0,
        extra_monthly_usd: 0.0,
        needs: "",
    });
    (
        o.name.into(),
        o.at_s,
        o.pass,
        o.worst_error_pct,
        o.freshness_p95_s,
        o.seconds_over_slo.error_s,
        o.seconds_over_slo.freshness_s,
        o.recovery_s,
        o.what,
        m.action,
        m.change,
        m.monthly_usd,
        m.extra_monthly_usd,
        m.needs.into(),
        o.mitigation_note,
        o.steps,
    )
}

fn outcome(r: Row) -> Option<DrillOutcome> {
    let kind: DrillKind = r.0.parse().ok()?;
    let needs = ["terraform", "app"].into_iter().find(|n| *n == r.13).unwrap_or("");
    Some(DrillOutcome {
        name: kind.name(),
        at_s: r.1,
        pass: r.2,
        worst_error_pct: r.3,
        freshness_p95_s: r.4,
        seconds_over_slo: SecondsOverSlo {
            error_s: r.5,
            freshness_s: r.6,
        },
        recovery_s: r.7,
        what: r.8,
        runbook: drills::runbook(kind),
        mitigation: (!r.9.is_empty()).then_some(Mitigation {
            action: r.9,
            change: r.10,
            monthly_usd: r.11,
            extra_monthly_usd: r.12,
            needs,
        }),
        mitigation_note: r.14,
        steps: r.15,
    })
}

/// Whether this module instance runs in the worker (not on the page).
pub fn in_worker() -> bool {
    js_sys::global().has_type::<web_sys::DedicatedWorkerGlobalScope>()
}

/// In the worker: answer every request, then say we are ready.
pub fn serve() {
    let scope: web_sys::DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let out = scope.clone();
    let on = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
        let Some(text) = e.data().as_string() else { return };
        let post = |t: String| {
            let _ = out.post_message(&JsValue::from_str(&t));
        };
        match serde_json::from_str::<Request>(&text) {
            Ok(r) if r.optimize => optimize(&r.scenario, &post),
            r => post(answer(r)),
        }
    });
    scope.set_onmessage(Some(on.as_ref().unchecked_ref()));
    on.forget();
    let _ = scope.post_message(&JsValue::from_str(READY));
}

/// The reply to one request: the drills of its scenario, as JSON.
fn answer(request: serde_json::Result<Request>) -> String {
    let (id, found) = match request {
        Ok(r) => (r.id, plan(&r.scenario, super::state::book()).map_err(|e| e.brief(2))),
        Err(e) => (0, Err(format!("the worker could not read the request: {e}"))),
    };
    let reply = match found {
        Ok(p) => Reply {
            id,
            error: String::new(),
            rows: p.drills.into_iter().map(row).collect(),
        },
        Err(error) => Reply {
            id,
            error,
            rows: Vec::new(),
        },
    };
    serde_json::to_string(&reply).unwrap_or_default()
}

/// The page's side: one worker, started on first use.
pub struct Client {
    worker: web_sys::Worker,
    ready: Cell<bool>,
    next_id: Cell<u32>,
    /// (id, scenario) of the request in flight, if one is.
    sent: RefCell<Option<(u32, Scenario)>>,
    /// The newest scenario asked for while one was in flight.
    wanted: RefCell<Option<Scenario>>,
    /// When the request in flight was sent (ms since page load).
    sent_at: Cell<f64>,
}

impl Client {
    /// Start the worker (`globalThis.kickoffWorker`, set by `boot.js`);
    /// `done` gets each answer with the scenario it is for. None when the
    /// page cannot start one.
    pub fn start(done: Callback<(Scenario, Result<Drills, String>)>) -> Option<Rc<Client>> {
        let worker = new_worker()?;
        let client = Rc::new(Client {
            worker,
            ready: Cell::new(false),
            next_id: Cell::new(1),
            sent: RefCell::new(None),
            wanted: RefCell::new(None),
            sent_at: Cell::new(0.0),
        });
        let weak = Rc::downgrade(&client);
        let on = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
            let (Some(c), Some(text)) = (weak.upgrade(), e.data().as_string()) else {
                return;
            };
            if text == READY {
                c.ready.set(true);
            } else {
                let reply = serde_json::from_str::<Reply>(&text)
                    .map_err(|e| format!("the worker's answer could not be read: {e}"));
                let sent = c.sent.borrow_mut().take();
                // From the request to its answer, for the performance test.
                super::charts::record_ms("__kickoffDrillMs", super::charts::now_ms() - c.sent_at.get());
                if let Some((id, s)) = sent {
                    match reply {
                        Ok(r) if r.id == id && r.error.is_empty() => {
                            let rows: Option<Drills> = r.rows.into_iter().map(outcome).collect();
                            done.emit((s, rows.ok_or_else(|| "the worker named an unknown drill".to_string())));
                        }
                        Ok(r) if r.id == id => done.emit((s, Err(r.error))),
                        Ok(_) => {}
                        Err(e) => done.emit((s, Err(e))),
                    }
                }
            }
            c.send_wanted();
        });
        client.worker.set_onmessage(Some(on.as_ref().unchecked_ref()));
        on.forget();
        Some(client)
    }

    /// Run the drills of `s` (after the request in flight, if any).
    pub fn ask(&self, s: Scenario) {
        *self.wanted.borrow_mut() = Some(s);
        self.send_wanted();
    }

    fn send_wanted(&self) {
        if !self.ready.get() || self.sent.borrow().is_some() {
            return;
        }
        let Some(s) = self.wanted.borrow_mut().take() else {
            return;
        };
        let id = self.next_id.get();
        self.next_id.set(id.wrapping_add(1));
        // Pretty, as localStorage writes it: one serialiser in the bundle.
        let Ok(text) = serde_json::to_string_pretty(&Request {
            id,
            scenario: s.clone(),
            optimize: false,
        }) else {
            return;
        };
        if self.worker.post_message(&JsValue::from_str(&text)).is_ok() {
            self.sent_at.set(super::charts::now_ms());
            *self.sent.borrow_mut() = Some((id, s));
        }
    }
}

/// A new worker running this module (`globalThis.kickoffWorker`, set by
/// `boot.js`); None when the page cannot start one.
fn new_worker() -> Option<web_sys::Worker> {
    let make: js_sys::Function = js_sys::Reflect::get(&js_sys::global(), &"kickoffWorker".into())
        .ok()?
        .dyn_into()
        .ok()?;
    make.call0(&JsValue::NULL).ok()?.dyn_into().ok()
}

/// One optimiser run in a worker of its own; dropping it (Cancel, or a new
/// run) terminates the worker.
pub struct Search {
    worker: web_sys::Worker,
    _on: Closure<dyn FnMut(web_sys::MessageEvent)>,
}

impl Search {
    /// Start searching from `s`; `report` gets every message, the last one
    /// with `done` (or an error). None when the page cannot start a worker.
    pub fn start(s: &Scenario, report: Callback<Found>) -> Option<Search> {
        let worker = new_worker()?;
        let request = serde_json::to_string_pretty(&Request {
            id: 1,
            scenario: s.clone(),
            optimize: true,
        })
        .ok()?;
        let w = worker.clone();
        let on = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
            let Some(text) = e.data().as_string() else { return };
            if text == READY {
                let _ = w.post_message(&JsValue::from_str(&request));
                return;
            }
            let found = serde_json::from_str::<Found>(&text)
                .unwrap_or_else(|e| Found::failed(format!("the worker's answer could not be read: {e}")));
            report.emit(found);
        });
        worker.set_onmessage(Some(on.as_ref().unchecked_ref()));
        Some(Search { worker, _on: on })
    }
}

impl Drop for Search {
    fn drop(&mut self) {
        self.worker.terminate();
    }
}
