//! Plan results: headline cards, SLO verdicts, services, warnings,
//! assumptions, and today's setup vs the plan.

use super::state::{Good, Shared, Today};
use crate::model::slo::SloVerdict;
use crate::model::Plan;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ResultsProps {
    pub good: Shared<Good>,
    /// Today's setup, planned once typing pauses (until then an earlier
    /// scenario's, shown dimmed and busy).
    pub today: Shared<Today>,
    /// Why the results are not the form's (an input that cannot be planned):
    /// they are the plan from before that edit.
    pub stale: Option<String>,
    /// The plan before the last edit, when it differs (the delta is shown).
    pub before: Option<Shared<Good>>,
}

/// Dollars as the results show them: cents below $100, whole dollars above.
pub fn money(v: f64) -> String {
    crate::fmt::money_rounded(v, 100.0)
}

fn verdicts(list: &[SloVerdict], id: &str) -> Html {
    html! {
        <ul class="slo" id={id.to_string()}>
            { for list.iter().map(|v| html!{
                <li class={if v.pass { "pass" } else { "fail" }} data-slo={v.name.clone()} data-pass={v.pass.to_string()} title={v.detail.clone()}>
                    <span class="badge">{ if v.pass { "✔ pass" } else { "✘ FAIL" } }</span>
                    <span class="slo-name">{ v.name.replace('_', " ") }</span>
                    <span class="slo-numbers">{ format!("{} (target {})", v.measured, v.target) }</span>
                    <span class="slo-detail">{ &v.detail }</span>
                </li>
            }) }
        </ul>
    }
}

#[function_component(Results)]
pub fn results(props: &ResultsProps) -> Html {
    let p: &Plan = &props.good.plan;
    let s = &props.good.scenario;
    html! {
        <section id="results" class="results" aria-labelledby="plan-heading">
            <h2 id="plan-heading">{"The plan"}</h2>
            if let Some(why) = &props.stale {
                <p class="stale" id="stale-banner">{ why }</p>
            }
            <div class="cards">
                <div class="card"><h3>{"Monthly total"}</h3><p class="big" id="total-monthly" data-usd={format!("{:.2}", p.total_monthly_usd)}>{ money(p.total_monthly_usd) }</p>
                    <p class="sub">{ format!("for {}", crate::fmt::count(s.peak_concurrent_fans.into(), "peak fan", "peak fans")) }</p>
                    if let Some(b) = &props.before {
                        <p class="sub delta" id="delta">{ delta(&b.plan, p) }</p>
                    }
                </div>
                <div class="card"><h3>{"Per 1,000 fans"}</h3><p class="big" id="cost-per-1000">{ money(p.cost_per_1000_fans_usd) }</p><p class="sub">{"USD a month"}</p></div>
                <div class={classes!("card", if p.slo_pass() { "ok" } else { "bad" })}><h3>{"SLOs"}</h3>
                    <p class="big" id="slo-summary">{ format!("{}/{} pass", p.slo.iter().filter(|v| v.pass).count(), p.slo.len()) }</p>
                    { verdicts(&p.slo, "slo-verdicts") }
                </div>
            </div>
            { compare(p, &props.today, props.today.is_for(s)) }
            <h2>{"Services"}</h2>
            <div class="table-wrap">
            <table id="services">
                <thead><tr><th scope="col">{"Service"}</th><th scope="col">{"What"}</th><th scope="col">{"Quantity"}</th><th scope="col">{"Binding constraint"}</th><th scope="col" class="num">{"USD / month"}</th></tr></thead>
                <tbody>{ for p.services.iter().map(|c| html!{
                    <tr data-service={c.service.name()}><th scope="row">{ c.service.name() }</th><td data-label="What">{ &c.what }</td><td data-label="Quantity">{ &c.quantity }</td><td data-label="Binding constraint">{ &c.binding_constraint }</td><td class="num">{ format!("{:.2}", c.monthly_usd) }</td></tr>
                }) }</tbody>
                <tfoot><tr><th scope="row" colspan="4">{"Total"}</th><td class="num">{ format!("{:.2}", p.total_monthly_usd) }</td></tr></tfoot>
            </table>
            </div>
            <Notes good={props.good.clone()} />
        </section>
    }
}

/// What the last edit changed: `Before this edit: $2,116 (+$396.05); SLOs 3/3 → 2/3 pass`.
pub fn delta(before: &Plan, now: &Plan) -> String {
    let d = now.total_monthly_usd - before.total_monthly_usd;
    let sign = if d >= 0.0 { "+" } else { "−" };
    let pass = |p: &Plan| p.slo.iter().filter(|v| v.pass).count();
    let slo = if pass(before) == pass(now) {
        String::new()
    } else {
        format!(
            "; SLOs {}/{} → {}/{} pass",
            pass(before),
            before.slo.len(),
            pass(now),
            now.slo.len()
        )
    };
    format!(
        "Before this edit: {} ({sign}{}){slo}",
        money(before.total_monthly_usd),
        money(d.abs())
    )
}

/// The failing SLOs' names, for the sticky bar: `fails: freshness, kickoff errors`.
pub fn failing(p: &Plan) -> String {
    let names: Vec<String> = p
        .slo
        .iter()
        .filter(|v| !v.pass)
        .map(|v| v.name.replace('_', " "))
        .collect();
    if names.is_empty() {
        String::new()
    } else {
        format!(" · fails: {}", names.join(", "))
    }
}

fn compare(p: &Plan, today: &Today, current: bool) -> Html {
    let Some(t) = &today.plan else {
        return html! { <p>{"Today's setup does not validate for this scenario."}</p> };
    };
    let col = |p: &Plan, id: &str, title: &str| {
        html! {
            <div class="compare-col" id={id.to_string()}>
                <h3>{ title.to_string() }</h3>
                <p><span class="big">{ money(p.total_monthly_usd) }</span>{" a month · "}{ money(p.cost_per_1000_fans_usd) }{" per 1,000 fans"}</p>
                { verdicts(&p.slo, &format!("{id}-slo")) }
            </div>
        }
    };
    html! {
        <section class="compare" aria-label="Today's setup compared with the plan" aria-busy={(!current).to_string()}>
            <h2>{"Today's setup vs the plan"}</h2>
            <div class="compare-grid">
                { col(t, "compare-today", "Today's setup (1 small task, no cache, TTL 0)") }
                { col(p, "compare-plan", "The plan") }
            </div>
        </section>
    }
}

/// Compares only the plan's warnings and assumptions, by value: a new plan
/// with the same ones (most keystrokes) does not re-render this part.
#[derive(Properties)]
pub struct NotesProps {
    pub good: Shared<Good>,
}

impl PartialEq for NotesProps {
    fn eq(&self, other: &Self) -> bool {
        let (a, b) = (&self.good.plan, &other.good.plan);
        self.good == other.good
            || (a.warnings == b.warnings && a.assumptions == b.assumptions && a.measured == b.measured)
    }
}

/// The plan's warnings, its assumptions table and, when a load test
/// measured some coefficients (`kickoff calibrate`), where they came from.
#[function_component(Notes)]
fn notes(props: &NotesProps) -> Html {
    let p = &props.good.plan;
    html! {
        <>
            <h2>{"Warnings"}</h2>
            if p.warnings.is_empty() { <p id="warnings">{"None."}</p> } else {
                <ul id="warnings" class="warnings">{ for p.warnings.iter().map(|w| html!{ <li data-code={w.code.clone()}>{ &w.message }</li> }) }</ul>
            }
            if !p.measured.is_empty() {
                <h2>{ format!("Measured coefficients ({})", p.measured.len()) }</h2>
                <div class="table-wrap"><table id="measured"><thead><tr><th scope="col">{"Coefficient"}</th><th scope="col">{"Value"}</th><th scope="col">{"Measured"}</th></tr></thead>
                <tbody>{ for p.measured.iter().map(|m| { let v = &m.provenance; html!{ <tr data-current={m.current.to_string()}>
                    <td>{ format!("{} ({})", m.label, m.path) }</td>
                    <td>{ &m.value }{ if m.current { String::new() } else { format!(" — changed from the measured {}: assumed", v.value) } }</td>
                    <td>{ format!("{} on {}, commit {}, from {}. {}", v.date_utc, v.machine, v.commit, v.summary, v.note) }</td>
                </tr> } }) }</tbody></table></div>
            }
            <details class="assumptions"><summary><h2>{ format!("Assumptions ({})", p.assumptions.len()) }</h2></summary>
                <div class="table-wrap"><table id="assumptions"><thead><tr><th scope="col">{"Name"}</th><th scope="col">{"Value"}</th><th scope="col">{"Source"}</th></tr></thead>
                <tbody>{ for p.assumptions.iter().map(|a| html!{ <tr><td>{ &a.name }</td><td>{ &a.value }</td><td>{ &a.source }</td></tr> }) }</tbody></table></div>
            </details>
        </>
    }
}

/// The inputs a one-page print names.
const KEY_INPUTS: [&str; 8] = [
    "peak_concurrent_fans",
    "audience.simultaneous_games",
    "audience.match_days_per_month",
    "delivery.mode",
    "delivery.poll_interval_s",
    "delivery.cdn_live_ttl_s",
    "delivery.cacheable_share",
    "app.arch",
];

/// What only the printed page shows, made when Print is pressed: the date,
/// the share link, the key inputs, and the top cost drivers with what would
/// halve each ([`crate::model::levers`], about 80 plans: too many for every
/// keystroke).
#[derive(Debug, Clone, PartialEq)]
pub struct PrintSheet {
    pub scenario: crate::model::Scenario,
    pub date: String,
    pub link: String,
    pub drivers: Vec<crate::model::levers::Driver>,
}

#[derive(Properties, PartialEq)]
pub struct PrintProps {
    pub sheet: Rc<PrintSheet>,
}

#[function_component(PrintOnly)]
pub fn print_only(props: &PrintProps) -> Html {
    let sh = &props.sheet;
    let inputs: Vec<String> = KEY_INPUTS
        .iter()
        .filter_map(|p| super::fields::by_path(p))
        .map(|f| {
            let v = f.text(&sh.scenario);
            let v = match f.kind {
                super::fields::Kind::Choice(o) | super::fields::Kind::OptChoice(o) => o
                    .iter()
                    .find(|(k, _)| *k == v)
                    .map_or(v.clone(), |(_, l)| (*l).to_string()),
                _ => v,
            };
            if f.unit.is_empty() || f.unit.starts_with("0–") {
                format!("{} {v}", f.label)
            } else {
                format!("{} {v} {}", f.label, f.unit)
            }
        })
        .collect();
    html! {
        <section class="print-only" id="print-sheet" aria-hidden="true">
            <p>{ format!("Printed {} · ", sh.date) }<span class="print-link">{ &sh.link }</span></p>
            <p><strong>{"Key inputs: "}</strong>{ inputs.join(" · ") }</p>
            <h2>{"Top cost drivers, and what would halve each"}</h2>
            <ul id="print-drivers">{ for sh.drivers.iter().map(|d| html! {
                <li>{ format!("{} {} ({:.0} %): {}", d.service.name(), money(d.monthly_usd), d.share * 100.0, lever_text(d)) }</li>
            }) }</ul>
        </section>
    }
}

/// `Poll interval 2 s → 4 s halves it ($310; breaks freshness)`.
fn lever_text(d: &crate::model::levers::Driver) -> String {
    let Some(l) = &d.lever else {
        return "no single input change lowers it".into();
    };
    let verb = if d.halved() { "halves it" } else { "cuts it most" };
    let breaks = if l.breaks.is_empty() {
        String::new()
    } else {
        format!("; fails {}", l.breaks.join(", ").replace('_', " "))
    };
    format!(
        "{} {} → {} {verb} ({} a month{breaks})",
        l.label,
        l.from,
        l.to,
        money(l.service_usd)
    )
}
