//! "Optimise": the cheapest design that passes every SLO (and every
//! selected drill) and breaks no AWS limit, searched in a background worker
//! ([`super::worker::Search`]) so typing never waits for it. While it runs:
//! progress and Cancel; then the best design with "Use this design", the
//! next best, and the cost-against-freshness frontier, whose points load
//! their design when clicked.

use super::results::money;
use super::state::{Good, Shared};
use super::worker::{DesignRow, Found, Search};
use crate::charts::pareto;
use crate::model::Scenario;
use plotters_canvas::CanvasBackend;
use std::cell::RefCell;
use std::rc::Rc;
use web_sys::HtmlCanvasElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct OptimizeProps {
    pub good: Shared<Good>,
    /// Load a design (the scenario, and where it came from in words).
    pub onuse: Callback<(Scenario, String)>,
}

/// Where the search stands.
#[derive(Clone, PartialEq)]
enum Run {
    Idle,
    Running { visited: u64, space: u64, best: f64 },
    Done(Rc<Outcome>),
    Failed(String),
}

/// A finished search, for the scenario it started from.
#[derive(PartialEq)]
struct Outcome {
    from: Scenario,
    evaluated: u64,
    pruned: u64,
    space: u64,
    typed: Option<DesignRow>,
    top: Vec<DesignRow>,
    frontier: Vec<DesignRow>,
}

#[function_component(OptimizeView)]
pub fn optimize_view(props: &OptimizeProps) -> Html {
    let run = use_state(|| Run::Idle);
    let search = use_mut_ref(|| None::<Search>);
    let canvas = use_node_ref();
    let points = use_mut_ref(Vec::<(i32, i32)>::new);

    let on_start = {
        let run = run.clone();
        let search = search.clone();
        let s = props.good.scenario.clone();
        Callback::from(move |_: MouseEvent| {
            let from = s.clone();
            let report = {
                let run = run.clone();
                let search = search.clone();
                Callback::from(move |f: Found| {
                    let Found(_, error, done, visited, space, evaluated, pruned, best, typed, top, frontier) = f;
                    if !error.is_empty() {
                        run.set(Run::Failed(error));
                    } else if done {
                        run.set(Run::Done(Rc::new(Outcome {
                            from: from.clone(),
                            evaluated,
                            pruned,
                            space,
                            typed: typed.into_iter().next(),
                            top,
                            frontier,
                        })));
                    } else {
                        run.set(Run::Running { visited, space, best });
                        return;
                    }
                    // Done or failed: let the worker go, once this message's
                    // handler (which the search owns) has returned.
                    let search = search.clone();
                    gloo::timers::callback::Timeout::new(0, move || drop(search.borrow_mut().take())).forget();
                })
            };
            match Search::start(&s, report) {
                Some(w) => {
                    *search.borrow_mut() = Some(w);
                    run.set(Run::Running {
                        visited: 0,
                        space: 0,
                        best: -1.0,
                    });
                }
                None => run.set(Run::Failed(
                    "this browser could not start the background worker; `kickoff optimize` runs the same search"
                        .into(),
                )),
            }
        })
    };
    let on_cancel = {
        let run = run.clone();
        let search = search.clone();
        Callback::from(move |_: MouseEvent| {
            search.borrow_mut().take();
            run.set(Run::Idle);
        })
    };
    let use_row = |d: &DesignRow, what: &str| {
        let onuse = props.onuse.clone();
        let (s, what) = (d.5.clone(), format!("the optimiser ({what}, {} a month)", money(d.0)));
        Callback::from(move |_: MouseEvent| onuse.emit((s.clone(), what.clone())))
    };

    // Draw the frontier once a search is done.
    {
        let canvas = canvas.clone();
        let points = points.clone();
        use_effect_with((*run).clone(), move |run| {
            if let (Run::Done(o), Some(el)) = (run, canvas.cast::<HtmlCanvasElement>()) {
                if let Some(backend) = CanvasBackend::with_canvas_object(el) {
                    let pts: Vec<(f64, f64)> = o.frontier.iter().map(|d| (d.2, d.0)).collect();
                    let typed = o.typed.as_ref().filter(|t| t.0.is_finite()).map(|t| (t.2, t.0));
                    let _ = pareto::draw(backend, &pts, typed, &mut points.borrow_mut());
                }
            }
        });
    }
    let on_pick = {
        let run = run.clone();
        let onuse = props.onuse.clone();
        let canvas = canvas.clone();
        let points: Rc<RefCell<Vec<(i32, i32)>>> = points.clone();
        Callback::from(move |e: MouseEvent| {
            let (Run::Done(o), Some(el)) = (&*run, canvas.cast::<HtmlCanvasElement>()) else {
                return;
            };
            // Canvas pixels per CSS pixel (the canvas is scaled to fit).
            let scale = f64::from(el.width()) / f64::from(el.client_width().max(1));
            let (x, y) = (f64::from(e.offset_x()) * scale, f64::from(e.offset_y()) * scale);
            let nearest = points
                .borrow()
                .iter()
                .map(|(px, py)| (f64::from(*px) - x).hypot(f64::from(*py) - y))
                .enumerate()
                .min_by(|a, b| a.1.total_cmp(&b.1));
            if let Some((i, d)) = nearest.filter(|(_, d)| *d <= 16.0 * scale) {
                let _ = d;
                let p = &o.frontier[i];
                onuse.emit((
                    p.5.clone(),
                    format!("the optimiser's frontier ({} a month at {:.2} s)", money(p.0), p.2),
                ));
            }
        })
    };

    let body = match &*run {
        Run::Idle => html! {
            <p>{"Search the design choices (task size and architecture, Spot, database, cache, poll interval and CDN TTL, Origin Shield, price class, egress, pre-scaling) for the cheapest design that passes every SLO and selected drill and breaks no AWS limit. It runs in the background; keep typing."}</p>
        },
        Run::Running { visited, space, best } => html! {
            <div id="optimize-progress" role="status">
                <progress max={space.max(&1).to_string()} value={visited.to_string()}></progress>
                <span>{ format!(" {visited} of {space} designs checked") }{ if *best >= 0.0 { format!(", cheapest passing so far {}", money(*best)) } else { String::new() } }</span>
                <button type="button" id="optimize-cancel" onclick={on_cancel}>{"Cancel"}</button>
            </div>
        },
        Run::Failed(why) => {
            html! { <p id="optimize-error" class="field-error" role="alert">{ format!("The search could not run: {why}.") }</p> }
        }
        Run::Done(o) => {
            // Stale once the scenario is edited, unless it is now one of
            // these designs (Use this design loaded it).
            let now = &props.good.scenario;
            let stale = o.from != *now && !o.top.iter().chain(&o.frontier).any(|d| d.5 == *now);
            let typed = o.typed.as_ref().filter(|t| t.0.is_finite());
            html! {
                <div id="optimize-result" data-best={o.top.first().map(|b| format!("{:.2}", b.0)).unwrap_or_default()}>
                    if stale { <p class="stale">{"These results are for the scenario before your later edits: search again to include them."}</p> }
                    <p>{ format!("{} designs in the space: {} planned, {} skipped by bounds the model proves (docs/optimizer.md).", o.space, o.evaluated, o.pruned) }</p>
                    if let Some(best) = o.top.first() {
                        <p id="optimize-best"><strong>{ format!("Cheapest passing design: {} a month", money(best.0)) }</strong>
                            { typed.map_or(String::new(), |t| format!(" (as typed: {}).", money(t.0))) }{" "}{ &best.4 }{" "}
                            <button type="button" id="optimize-use" onclick={use_row(best, "cheapest design")}>{"Use this design"}</button></p>
                        <table id="optimize-top"><thead><tr><th scope="col">{"USD / month"}</th><th scope="col">{"Freshness p95"}</th><th scope="col">{"Changes from your scenario"}</th><th scope="col"></th></tr></thead>
                        <tbody>{ for o.top.iter().enumerate().map(|(i, d)| html! {
                            <tr><td class="num">{ money(d.0) }</td><td class="num">{ format!("{:.2} s", d.2) }</td><td>{ &d.4 }</td>
                            <td><button type="button" onclick={use_row(d, &format!("design {}", i + 1))}>{"Use"}</button></td></tr>
                        }) }</tbody></table>
                    } else {
                        <p id="optimize-best">{"No design in the space passes every SLO and limit: relax a target or an input the search holds fixed."}</p>
                    }
                </div>
            }
        }
    };
    let done = matches!(&*run, Run::Done(o) if !o.frontier.is_empty());
    let label = match &*run {
        Run::Done(o) => pareto::summary(
            &o.frontier.iter().map(|d| (d.2, d.0)).collect::<Vec<_>>(),
            o.typed.as_ref().filter(|t| t.0.is_finite()).map(|t| (t.2, t.0)),
        ),
        _ => String::new(),
    };
    html! {
        <section id="optimize" class="optimize" aria-labelledby="optimize-heading">
            <h2 id="optimize-heading">{"Optimise: the cheapest design that passes"}</h2>
            if !matches!(&*run, Run::Running { .. }) {
                <button type="button" id="optimize-start" onclick={on_start}>{"Find the cheapest design"}</button>
            }
            { body }
            <figure hidden={!done}>
                <canvas ref={canvas} id="chart-pareto" width="640" height="340" role="img" aria-label={label.clone()} onclick={on_pick}></canvas>
                <figcaption>{ label }</figcaption>
            </figure>
        </section>
    }
}
