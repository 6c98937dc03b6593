//! The browser planner: a Yew app over the pure model.
//!
//! `state` holds the scenario and the reducer (no DOM types); the components
//! (`form`, `results`, `charts`) render it and send edits up; this module
//! wires persistence (localStorage), share links (URL fragment), exports
//! (downloads, clipboard) and imports (file picker, drag and drop).

pub mod cash;
pub mod charts;
pub mod drills;
pub mod fields;
pub mod form;
pub mod optimize;
pub mod results;
pub mod state;
pub mod worker;

use crate::export::{report, scenario_file, share, tfvars};
use crate::model::Scenario;
use charts::{Chart, ChartKind};
use form::{FormProps, ScenarioForm};
use gloo::events::EventListener;
use results::Results;
use state::{Action, Good, Notice, State};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// localStorage key of the last valid scenario.
pub const STORAGE_KEY: &str = "kickoff.scenario.v1";

/// The scenario is written to localStorage this long after the last change.
const PERSIST_DEBOUNCE_MS: u32 = 300;

/// The drills are sent to the worker this long after the last change.
const DRILLS_DEBOUNCE_MS: u32 = 250;

/// Mount the app on `<div id="app">` (or `<body>`).
pub fn start() {
    // The same module started by boot.js in the background worker.
    if worker::in_worker() {
        worker::serve();
        return;
    }
    let doc = gloo::utils::document();
    match doc.get_element_by_id("app") {
        Some(el) => {
            el.set_inner_html("");
            yew::Renderer::<App>::with_root(el).render();
        }
        None => {
            yew::Renderer::<App>::new().render();
        }
    }
}

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn location_hash() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

/// The scenario in the URL's share link: None when the fragment is not one,
/// else the scenario or the notice that says why it could not be opened.
fn share_link() -> Option<Result<Scenario, Notice>> {
    let hash = location_hash();
    share::is_share_fragment(&hash).then(|| {
        share::decode_with(&hash, parse_json).map_err(|e| {
            let why = match &e {
                share::ShareError::BadScenario(ie) => describe(ie),
                other => other.to_string(),
            };
            Notice::error(format!(
                "Could not open the share link: {why}. Your scenario is unchanged."
            ))
        })
    })
}

/// Take the share link out of the address bar once it has been read, so a
/// reload opens the scenario saved on this device (with the edits made
/// since), not the link again.
fn forget_share_link() {
    let w = gloo::utils::window();
    if !share::is_share_fragment(&location_hash()) {
        return;
    }
    let loc = w.location();
    let url = format!(
        "{}{}",
        loc.pathname().unwrap_or_default(),
        loc.search().unwrap_or_default()
    );
    if let Ok(h) = w.history() {
        let _ = h.replace_state_with_url(&JsValue::NULL, "", Some(&url));
    }
}

/// The notice for a share link that replaced `saved` with `s`: it says so,
/// and offers the saved scenario back.
fn opened_link(s: &Scenario, saved: &Scenario) -> Notice {
    Notice::info(format!(
        "Opened the share link ({}). It replaces the scenario saved in this browser.",
        crate::fmt::count(s.peak_concurrent_fans.into(), "peak fan", "peak fans")
    ))
    .undoing(saved, s)
}

/// The first state: a share link in the URL wins (once: it is then taken
/// out of the URL, with an undo back to the saved scenario), then
/// localStorage, then defaults.
pub fn initial_state() -> State {
    match share_link() {
        Some(Ok(s)) => {
            let notice = opened_link(&s, &stored());
            State::new(s, Some(notice))
        }
        Some(Err(notice)) => State::new(stored(), Some(notice)),
        None => State::new(stored(), None),
    }
}

fn stored() -> Scenario {
    local_storage()
        .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten())
        .and_then(|t| parse_json(&t).ok())
        .unwrap_or_default()
}

/// An import error for a person: the field's label and path, then what is wrong.
pub fn describe(e: &scenario_file::ImportError) -> String {
    match &e.field {
        Some(f) => {
            let label = crate::model::inputs::label(f.split('[').next().unwrap_or(f));
            if label.is_empty() {
                format!("{f}: {}", e.message)
            } else {
                format!("{label} ({f}): {}", e.message)
            }
        }
        None => e.message.clone(),
    }
}

/// Offer `text` as a file download.
pub fn download(filename: &str, mime: &str, text: &str) -> Result<(), JsValue> {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let doc = gloo::utils::document();
    let a: web_sys::HtmlAnchorElement = doc.create_element("a")?.dyn_into()?;
    a.set_href(&url);
    a.set_download(filename);
    a.set_attribute("hidden", "")?;
    let body = gloo::utils::body();
    body.append_child(&a)?;
    a.click();
    body.remove_child(&a)?;
    gloo::timers::callback::Timeout::new(10_000, move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    })
    .forget();
    Ok(())
}

/// Copy `text`; `refused` is the notice when the browser does not allow it.
fn copy_to_clipboard(text: String, what: &'static str, refused: Notice, notify: Callback<Notice>) {
    let Some(w) = web_sys::window() else { return };
    let promise = w.navigator().clipboard().write_text(&text);
    wasm_bindgen_futures::spawn_local(async move {
        let n = match wasm_bindgen_futures::JsFuture::from(promise).await {
            Ok(_) => Notice {
                link: refused.link.clone(),
                ..Notice::info(format!("Copied {what} to the clipboard."))
            },
            Err(_) => refused,
        };
        notify.emit(n);
    });
}

fn read_file(
    file: web_sys::File,
    dispatch: Callback<Action>,
    holder: Rc<RefCell<Option<gloo::file::callbacks::FileReader>>>,
) {
    let name = file.name();
    if file.size() > scenario_file::MAX_IMPORT_BYTES as f64 {
        dispatch.emit(Action::Notify(Notice::error(format!(
            "{name} is {} bytes; the limit is {} — nothing changed.",
            file.size(),
            scenario_file::MAX_IMPORT_BYTES
        ))));
        return;
    }
    let file = gloo::file::File::from(file);
    let reader = gloo::file::callbacks::read_as_text(&file, move |res| {
        let action = match res {
            Err(e) => Action::Notify(Notice::error(format!("Could not read {name}: {e}. Nothing changed."))),
            Ok(text) => match import_light(&text) {
                Ok(s) => Action::Load {
                    note: ignored_edits(&text, &s),
                    scenario: Box::new(s),
                    source: name.clone(),
                },
                Err(e) => Action::Notify(Notice::error(format!(
                    "Could not import {name}: {}. Nothing changed.",
                    describe(&e)
                ))),
            },
        };
        dispatch.emit(action);
    });
    *holder.borrow_mut() = Some(reader);
}

/// For an imported tfvars: what was used, and which hand edits of its
/// variables were ignored (the planner reads only the embedded scenario and
/// writes the variables from it). None for JSON or an unedited file.
pub fn ignored_edits(text: &str, s: &Scenario) -> Option<String> {
    if text.trim_start().starts_with('{') {
        return None;
    }
    let p = state::plan_here(s, state::book()).ok()?;
    let edits = scenario_file::tfvars_edits(text, &tfvars::render(s, &p));
    if edits.is_empty() {
        return Some("Used the scenario embedded in the file; its variables match it.".into());
    }
    Some(format!(
        "Used the scenario embedded in the file (the kickoff-scenario comment block). Ignored: your edits to {} — the planner writes the variables from the scenario, so change the matching inputs here instead and download again.",
        edits.join(", ")
    ))
}

/// [`scenario_file::import`] without the full HCL parse of a tfvars file:
/// the browser only needs the embedded scenario, and the HCL parser would
/// add ~90 KB (brotli) to the bundle. The scenario JSON is still parsed and
/// validated strictly, with errors naming the field.
pub fn import_light(text: &str) -> Result<Scenario, scenario_file::ImportError> {
    scenario_file::check_size(text.len())?;
    if text.trim_start().starts_with('{') {
        return parse_json(text);
    }
    let json = scenario_file::embedded_scenario_json(text).map_err(|e| scenario_file::ImportError {
        message: format!(
            "{}. The planner imports scenario JSON, or a tfvars file the planner wrote (Download tfvars or `kickoff tfvars`), which carries its scenario in a comment block; a hand-written tfvars has none",
            e.message
        ),
        ..e
    })?;
    parse_json(&json)
}

/// Strict scenario JSON parse (unknown fields rejected) without
/// `serde_path_to_error`, which would add ~30 KB (brotli) to the bundle.
/// The error names the field from the error's position
/// ([`scenario_file::json_error`]).
pub fn parse_json(text: &str) -> Result<Scenario, scenario_file::ImportError> {
    serde_json::from_str(text).map_err(|e| scenario_file::json_error(text, &e))
}

#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(initial_state);
    let reader = use_mut_ref(|| None::<gloo::file::callbacks::FileReader>);
    let dispatch: Callback<Action> = {
        let d = state.dispatcher();
        Callback::from(move |a| d.dispatch(a))
    };

    // Mark the first render for the performance figures (docs/performance.md).
    use_effect_with((), |_| {
        if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
            let _ = p.mark("kickoff-first-render");
        }
    });
    // Once typing pauses: persist the last valid scenario and plan today's
    // setup for it (kept out of the keystroke's plan, Action::Today).
    let persist = use_mut_ref(|| None::<gloo::timers::callback::Timeout>);
    {
        let dispatch = dispatch.clone();
        use_effect_with(state.good.clone(), move |good| {
            let good = good.clone();
            *persist.borrow_mut() = Some(gloo::timers::callback::Timeout::new(PERSIST_DEBOUNCE_MS, move || {
                if let (Some(st), Ok(json)) = (local_storage(), serde_json::to_string_pretty(&good.scenario)) {
                    let _ = st.set_item(STORAGE_KEY, &json);
                }
                dispatch.emit(Action::Today);
            }));
        });
    }
    // Drills run in the background worker, once typing pauses; their
    // outcomes join the plan they were run for (Action::Drills).
    let worker = use_mut_ref(|| None::<Rc<worker::Client>>);
    let no_worker = use_state(|| false);
    let drill_timer = use_mut_ref(|| None::<gloo::timers::callback::Timeout>);
    {
        let dispatch = dispatch.clone();
        let no_worker = no_worker.clone();
        use_effect_with(state.good.clone(), move |good| {
            if !good.scenario.drills.selected.is_empty() && good.plan.drills.is_empty() {
                let s = good.scenario.clone();
                *drill_timer.borrow_mut() = Some(gloo::timers::callback::Timeout::new(DRILLS_DEBOUNCE_MS, move || {
                    if worker.borrow().is_none() {
                        let done = dispatch.reform(|answer| Action::Drills(Box::new(answer)));
                        *worker.borrow_mut() = worker::Client::start(done);
                    }
                    match &*worker.borrow() {
                        Some(w) => w.ask(s),
                        None => no_worker.set(true),
                    }
                }));
            }
        });
    }
    // Share links opened while the page is open (only the fragment changes).
    {
        let dispatch = dispatch.clone();
        use_effect_with((), move |_| {
            forget_share_link();
            let listener = EventListener::new(&gloo::utils::window(), "hashchange", move |_| {
                match share_link() {
                    Some(Ok(s)) => dispatch.emit(Action::Load {
                        scenario: Box::new(s),
                        source: "the share link".into(),
                        note: None,
                    }),
                    Some(Err(notice)) => dispatch.emit(Action::Notify(notice)),
                    None => {}
                }
                forget_share_link();
            });
            move || drop(listener)
        });
    }

    // Stable across renders, so unchanged form rows are not re-rendered.
    let onedit = {
        let d = state.dispatcher();
        use_callback((), move |(path, raw): (&'static str, String), _| {
            d.dispatch(Action::Edit { path, raw })
        })
    };
    let oncommit = {
        let d = state.dispatcher();
        use_callback((), move |path: &'static str, _| d.dispatch(Action::Commit(path)))
    };
    let notify = dispatch.reform(Action::Notify);
    let good = state.good.clone();

    // A download callback: `text` renders the file from the last good plan.
    let offer = |name: &'static str, mime: &'static str, text: fn(&Good) -> String| {
        let good = good.clone();
        let notify = notify.clone();
        Callback::from(move |_: MouseEvent| {
            if download(name, mime, &text(&good)).is_err() {
                notify.emit(Notice::error(format!("The browser blocked the download of {name}.")));
            }
        })
    };
    // An infeasible plan's tfvars would carry settings AWS rejects: no download.
    let tfvars_refused = tfvars::refusal(&good.plan);
    let on_tfvars = offer("kickoff.tfvars", "text/plain", |g| tfvars::render(&g.scenario, &g.plan));
    let on_md = offer("kickoff-summary.md", "text/markdown", |g| report::markdown(&g.plan));
    let on_csv = offer("kickoff-services.csv", "text/csv", |g| report::csv(&g.plan));
    let on_copy_tfvars = {
        let good = good.clone();
        let notify = notify.clone();
        Callback::from(move |_: MouseEvent| {
            copy_to_clipboard(
                tfvars::render(&good.scenario, &good.plan),
                "the tfvars",
                Notice::error("The browser refused clipboard access: use Download tfvars instead."),
                notify.clone(),
            )
        })
    };
    let on_share = {
        let good = good.clone();
        let notify = notify.clone();
        Callback::from(move |_: MouseEvent| {
            // The link is copied and shown, never put in this page's URL:
            // a reload must open the saved scenario with later edits.
            let loc = gloo::utils::window().location();
            let href = format!(
                "{}{}{}#{}",
                loc.origin().unwrap_or_default(),
                loc.pathname().unwrap_or_default(),
                loc.search().unwrap_or_default(),
                share::encode(&good.scenario)
            );
            let refused = Notice {
                link: Some(href.clone()),
                ..Notice::error("The browser refused clipboard access. Select the link below and copy it:")
            };
            copy_to_clipboard(href, "the share link", refused, notify.clone());
        })
    };
    let print_sheet = use_state(|| None::<Rc<results::PrintSheet>>);
    let on_print = {
        let good = good.clone();
        let print_sheet = print_sheet.clone();
        Callback::from(move |_: MouseEvent| {
            let loc = gloo::utils::window().location();
            let date = js_sys::Date::new_0().to_iso_string().as_string().unwrap_or_default();
            print_sheet.set(Some(Rc::new(results::PrintSheet {
                scenario: good.scenario.clone(),
                date: date.get(..10).unwrap_or_default().to_string(),
                link: format!(
                    "{}{}#{}",
                    loc.origin().unwrap_or_default(),
                    loc.pathname().unwrap_or_default(),
                    share::encode(&good.scenario)
                ),
                drivers: crate::model::levers::drivers(&good.scenario.without_drills(), &good.plan, state::book()),
            })));
            // After the sheet has rendered.
            gloo::timers::callback::Timeout::new(50, || {
                let _ = gloo::utils::window().print();
            })
            .forget();
        })
    };
    let sheet = (*print_sheet).clone().filter(|sh| sh.scenario == good.scenario);
    let on_reset = dispatch.reform(|_: MouseEvent| Action::Reset);
    let on_use_design = dispatch.reform(|(s, source): (Scenario, String)| Action::Load {
        scenario: Box::new(s),
        source,
        note: None,
    });
    let on_pick = {
        let dispatch = dispatch.clone();
        let reader = reader.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Some(f) = input.files().and_then(|l| l.get(0)) {
                read_file(f, dispatch.clone(), reader.clone());
            }
            input.set_value("");
        })
    };
    let on_dragover = Callback::from(|e: DragEvent| e.prevent_default());
    let on_drop = {
        let dispatch = dispatch.clone();
        let reader = reader.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            if let Some(f) = e.data_transfer().and_then(|d| d.files()).and_then(|l| l.get(0)) {
                read_file(f, dispatch.clone(), reader.clone());
            }
        })
    };
    let on_dismiss = dispatch.reform(|_: MouseEvent| Action::Dismiss);
    let on_undo = {
        let undo = state.notice.as_ref().and_then(|n| n.undo.clone());
        dispatch.reform(move |_: MouseEvent| match &undo {
            Some(s) => Action::Undo(s.clone()),
            None => Action::Dismiss,
        })
    };
    let summary = format!(
        "{} a month · SLOs {}/{} pass",
        results::money(good.plan.total_monthly_usd),
        good.plan.slo.iter().filter(|v| v.pass).count(),
        good.plan.slo.len()
    );
    let select_all = Callback::from(|e: FocusEvent| e.target_unchecked_into::<HtmlInputElement>().select());

    html! {
        <div class="app" ondragover={on_dragover} ondrop={on_drop} data-revision={state.revision.to_string()} data-valid={state.is_valid().to_string()}>
            <header class="top">
                <h1>{"Kickoff planner"}</h1>
                <p class="tagline">{"Capacity and cost for live match-day commentary on AWS. Everything runs in your browser."}</p>
                <nav class="actions" aria-label="Export and share">
                    <button type="button" id="download-tfvars" onclick={on_tfvars} disabled={tfvars_refused.is_some()} aria-describedby={tfvars_refused.as_ref().map(|_| "tfvars-refused")}>{"Download tfvars"}</button>
                    <button type="button" id="copy-tfvars" onclick={on_copy_tfvars} disabled={tfvars_refused.is_some()}>{"Copy tfvars"}</button>
                    if let Some(why) = &tfvars_refused {
                        <span id="tfvars-refused" class="refused" role="note">{ why }</span>
                    }
                    <button type="button" id="share-link" onclick={on_share}>{"Copy share link"}</button>
                    <button type="button" id="download-md" onclick={on_md}>{"Summary (Markdown)"}</button>
                    <button type="button" id="download-csv" onclick={on_csv}>{"Services (CSV)"}</button>
                    <button type="button" id="print" onclick={on_print}>{"Print"}</button>
                    <label class="button" for="import-file">{"Import tfvars / JSON"}</label>
                    <input type="file" id="import-file" class="visually-hidden" accept=".tfvars,.json,application/json,text/plain" onchange={on_pick} />
                    <button type="button" id="reset" onclick={on_reset}>{"Reset to defaults"}</button>
                </nav>
                if let Some(n) = &state.notice {
                    <div id="notice" class={if n.error { "notice error" } else { "notice" }} role={if n.error { "alert" } else { "status" }}>
                        <span>{ &n.text }</span>
                        if let Some(u) = n.link.clone() {
                            <input type="text" readonly=true id="share-url" aria-label="Share link" value={u} onfocus={select_all} />
                        }
                        if n.undo.is_some() {
                            <button type="button" id="undo" onclick={on_undo}>{"Undo"}</button>
                        }
                        <button type="button" class="dismiss" aria-label="Dismiss message" onclick={on_dismiss}>{"×"}</button>
                    </div>
                }
            </header>
            // On a phone: the answer in one line, one tap from the results.
            <a class="mobile-total" id="mobile-total" href="#results">
                { summary.clone() }{ results::failing(&good.plan) }
                if !state.is_valid() { <span class="mobile-stale">{" · plan before this edit"}</span> }
                <span class="mobile-go">{" · see the plan ↓"}</span>
            </a>
            // Screen readers hear this short line after an edit, not the whole results.
            <p id="live-summary" class="visually-hidden" aria-live="polite">{ summary }</p>
            <main class="layout">
                <ScenarioForm ..FormProps::of(&state, onedit, oncommit) />
                <div class="output">
                    if let Some(sh) = sheet {
                        <results::PrintOnly sheet={sh} />
                    }
                    <Results good={good.clone()} today={state.today.clone()} stale={state.stale_reason()} before={state.before_edit()} />
                    <drills::DrillsView good={good.clone()} no_worker={*no_worker} />
                    <optimize::OptimizeView good={good.clone()} onuse={on_use_design} />
                    <section class="charts" aria-label="Charts">
                        <h2>{"Charts"}</h2>
                        <Chart kind={ChartKind::CostByService} good={good.clone()} curve={state.curve.clone()} />
                        <Chart kind={ChartKind::CostCurve} good={good.clone()} curve={state.curve.clone()} />
                        <Chart kind={ChartKind::Timeline} good={good.clone()} curve={state.curve.clone()} />
                        <Chart kind={ChartKind::Storage} good={good.clone()} curve={state.curve.clone()} />
                        <cash::CashView good={good.clone()} />
                    </section>
                </div>
            </main>
            <footer class="foot"><p>{"Prices: embedded us-east-1 price book. Drop a tfvars or scenario JSON file anywhere to import it."}</p></footer>
        </div>
    }
}
