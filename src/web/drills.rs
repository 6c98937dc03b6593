//! The drills the scenario selects (the "Match-day drills" form section):
//! each one's verdict, what fans saw, its cheapest mitigation and the
//! runbook on-call follows. The worker runs them ([`super::worker`]); until
//! it answers, the table says they are running.

use super::results::money;
use super::state::{Good, Shared};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct DrillsProps {
    pub good: Shared<Good>,
    /// The page could not start the worker.
    pub no_worker: bool,
}

#[function_component(DrillsView)]
pub fn drills_view(props: &DrillsProps) -> Html {
    let g = &props.good;
    let selected = &g.scenario.drills.selected;
    if selected.is_empty() {
        return html! {};
    }
    let outcomes = &g.plan.drills;
    let status = if !outcomes.is_empty() {
        "done"
    } else if props.no_worker {
        "no-worker"
    } else {
        "running"
    };
    html! {
        <section id="drills" class="drills" aria-labelledby="drills-heading" data-status={status}>
            <h2 id="drills-heading">{ format!("Drills at {:+} s from kickoff", g.scenario.drills.at_s) }</h2>
            if outcomes.is_empty() {
                <p id="drills-status">{ if props.no_worker {
                    "This browser could not start the background worker that runs drills; `kickoff plan --drills` runs them.".to_string()
                } else {
                    format!("Running {} drill(s) in the background…", selected.len())
                } }</p>
            } else {
                <div class="table-wrap">
                <table id="drills-table">
                    <thead><tr>
                        <th scope="col">{"Drill"}</th><th scope="col">{"Verdict"}</th>
                        <th scope="col" class="num">{"Worst errors"}</th><th scope="col" class="num">{"Staleness p95"}</th>
                        <th scope="col" class="num">{"Over SLO"}</th><th scope="col" class="num">{"Recovery"}</th>
                        <th scope="col">{"Cheapest mitigation"}</th><th scope="col">{"Runbook"}</th>
                    </tr></thead>
                    <tbody>{ for outcomes.iter().map(|o| html! {
                        <tr data-drill={o.name} data-pass={o.pass.to_string()}>
                            <th scope="row">{ o.name }<small class="help">{ &o.what }</small></th>
                            <td class={if o.pass { "pass" } else { "fail" }}>{ if o.pass { "✔ pass" } else { "✘ FAIL" } }</td>
                            <td class="num" data-label="Worst errors">{ format!("{:.2} %", o.worst_error_pct) }</td>
                            <td class="num" data-label="Staleness p95">{ format!("{:.1} s", o.freshness_p95_s) }</td>
                            <td class="num" data-label="Over SLO">{ format!("errors {:.0} s · stale {:.0} s", o.seconds_over_slo.error_s, o.seconds_over_slo.freshness_s) }</td>
                            <td class="num" data-label="Recovery">{ format!("{:.0} s", o.recovery_s) }</td>
                            <td data-label="Mitigation">{ match &o.mitigation {
                                Some(m) => html! { format!("{} (+{} a month, {}; needs {})", m.action, money(m.extra_monthly_usd), m.change, m.needs) },
                                None if o.pass => html! { "—" },
                                // The list of what was tried is long: folded.
                                None => html! { <details><summary>{"none found"}</summary>{ &o.mitigation_note }</details> },
                            } }</td>
                            <td data-label="Runbook"><code>{ o.runbook }</code></td>
                        </tr>
                    }) }</tbody>
                </table>
                </div>
            }
        </section>
    }
}
