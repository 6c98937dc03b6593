//! The cash plan (`model::cash`): the next 12 months as a chart and a
//! table. Twelve plans per change are too slow for every keystroke, so the
//! plan is computed after the charts' debounce, with the chart redraw.

use super::charts::{now_ms, record_draw_ms, CHART_DEBOUNCE_MS};
use super::state::{Good, Shared};
use crate::charts;
use crate::model::cash::{cash_plan, CashPlan};
use gloo::timers::callback::Timeout;
use plotters_canvas::CanvasBackend;
use web_sys::HtmlCanvasElement;
use yew::prelude::*;

/// Months the browser shows.
const MONTHS: u32 = 12;

#[derive(Properties, PartialEq)]
pub struct CashProps {
    pub good: Shared<Good>,
}

#[function_component(CashView)]
pub fn cash_view(props: &CashProps) -> Html {
    let canvas = use_node_ref();
    let cash = use_state_eq(|| None::<Result<CashPlan, String>>);
    let pending = use_mut_ref(|| None::<Timeout>);
    {
        let (canvas, set_cash) = (canvas.clone(), cash.setter());
        use_effect_with(props.good.clone(), move |good| {
            let good = good.clone();
            *pending.borrow_mut() = Some(Timeout::new(CHART_DEBOUNCE_MS, move || {
                let started = now_ms();
                let c =
                    cash_plan(&good.scenario.without_drills(), super::state::book(), MONTHS).map_err(|e| e.brief(2));
                if let (Ok(c), Some(el)) = (&c, canvas.cast::<HtmlCanvasElement>()) {
                    if let Some(backend) = CanvasBackend::with_canvas_object(el) {
                        if let Err(e) = charts::cash::draw(backend, c) {
                            web_sys::console::error_1(&format!("chart chart-cash: {e}").into());
                        }
                    }
                }
                record_draw_ms(now_ms() - started);
                set_cash.set(Some(c));
            }));
        });
    }
    let summary = match &*cash {
        None => format!("{}: computing…", charts::cash::TITLE),
        Some(Ok(c)) => charts::cash::summary(c),
        Some(Err(e)) => format!("{}: {e}", charts::cash::TITLE),
    };
    html! {
        <section class="cash" id="cash-plan" aria-label="Cash plan">
            <h2>{"Cash plan, next 12 months"}</h2>
            if let Some(Ok(c)) = &*cash { <p id="cash-sentence">{ crate::export::cash::sentence(c) }</p> }
            <figure class="chart">
                <canvas ref={canvas} id="chart-cash" width="640" height="340" role="img" aria-label={summary.clone()}></canvas>
                <figcaption>{ summary }</figcaption>
            </figure>
            if let Some(Ok(c)) = &*cash { { table(c) } }
        </section>
    }
}

fn table(c: &CashPlan) -> Html {
    html! {
        <div class="table-wrap"><table id="cash-table">
            <thead><tr><th scope="col">{"Month"}</th><th scope="col" class="num">{"Peak fans"}</th><th scope="col" class="num">{"USD"}</th><th scope="col" class="num">{"Cumulative"}</th><th scope="col" class="num">{"S3 GB"}</th><th scope="col">{"SLOs"}</th><th scope="col">{"AWS limits"}</th></tr></thead>
            <tbody>{ for c.months.iter().map(|m| html!{
                <tr data-month={m.month.to_string()}><th scope="row">{ m.month }</th><td class="num">{ crate::fmt::thousands(m.peak_concurrent_fans.into()) }</td><td class="num">{ format!("{:.2}", m.total_usd) }</td><td class="num">{ format!("{:.2}", m.cumulative_usd) }</td><td class="num">{ format!("{:.0}", m.s3_gb) }</td><td>{ if m.slo_pass { "pass" } else { "FAIL" } }</td><td>{ if m.feasible { "ok" } else { "broken" } }</td></tr>
            }) }</tbody>
        </table></div>
    }
}
