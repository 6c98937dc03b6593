//! Plan results: headline cards, SLO verdicts, services, warnings,
//! assumptions, and today's setup vs the plan.

use super::state::{Good, Shared};
use crate::model::slo::SloVerdict;
use crate::model::Plan;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ResultsProps {
    pub good: Shared<Good>,
    /// The scenario on the form is invalid: the results are the last good plan.
    pub stale: bool,
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
        <section id="results" class="results" aria-live="polite" aria-label="Plan">
            if props.stale {
                <p class="stale" id="stale-banner">{"Showing the last valid plan: fix the highlighted inputs to update it."}</p>
            }
            <div class="cards">
                <div class="card"><h3>{"Monthly total"}</h3><p class="big" id="total-monthly" data-usd={format!("{:.2}", p.total_monthly_usd)}>{ money(p.total_monthly_usd) }</p>
                    <p class="sub">{ format!("for {} peak fans", s.peak_concurrent_fans) }</p></div>
                <div class="card"><h3>{"Per 1,000 fans"}</h3><p class="big" id="cost-per-1000">{ money(p.cost_per_1000_fans_usd) }</p><p class="sub">{"USD a month"}</p></div>
                <div class={classes!("card", if p.slo_pass() { "ok" } else { "bad" })}><h3>{"SLOs"}</h3>
                    <p class="big" id="slo-summary">{ format!("{}/{} pass", p.slo.iter().filter(|v| v.pass).count(), p.slo.len()) }</p>
                    { verdicts(&p.slo, "slo-verdicts") }
                </div>
            </div>
            { compare(&props.good) }
            <h2>{"Services"}</h2>
            <div class="table-wrap">
            <table id="services">
                <thead><tr><th scope="col">{"Service"}</th><th scope="col">{"What"}</th><th scope="col">{"Quantity"}</th><th scope="col">{"Binding constraint"}</th><th scope="col" class="num">{"USD / month"}</th></tr></thead>
                <tbody>{ for p.services.iter().map(|c| html!{
                    <tr data-service={c.service.name()}><th scope="row">{ c.service.name() }</th><td>{ &c.what }</td><td>{ &c.quantity }</td><td>{ &c.binding_constraint }</td><td class="num">{ format!("{:.2}", c.monthly_usd) }</td></tr>
                }) }</tbody>
                <tfoot><tr><th scope="row" colspan="4">{"Total"}</th><td class="num">{ format!("{:.2}", p.total_monthly_usd) }</td></tr></tfoot>
            </table>
            </div>
            <Notes good={props.good.clone()} />
        </section>
    }
}

fn compare(g: &Good) -> Html {
    let p = &g.plan;
    let Some(t) = &g.today else {
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
        <section class="compare" aria-label="Today's setup compared with the plan">
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
