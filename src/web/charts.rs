//! Canvas components for the charts in [`crate::charts`].

use super::state::{Good, Shared};
use crate::charts;
use crate::model::sweep::CostCurve;
use gloo::timers::callback::Timeout;
use plotters_canvas::CanvasBackend;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::HtmlCanvasElement;
use yew::prelude::*;

/// Charts redraw this long after the last change, so typing re-plans and
/// updates the numbers on every key while the canvases catch up once.
pub const CHART_DEBOUNCE_MS: u32 = 80;

/// Milliseconds since page load.
pub(super) fn now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

/// Append a chart's draw time to `window.__kickoffChartDrawMs` for the
/// browser performance test (docs/performance.md).
pub(super) fn record_draw_ms(ms: f64) {
    record_ms("__kickoffChartDrawMs", ms);
}

/// Append `ms` to the array `window[key]` (the browser performance test
/// reads it).
pub(super) fn record_ms(key: &str, ms: f64) {
    let Some(window) = web_sys::window() else { return };
    let key = JsValue::from_str(key);
    let list = js_sys::Reflect::get(&window, &key)
        .ok()
        .filter(|v| v.is_object())
        .map(|v| v.unchecked_into::<js_sys::Array>())
        .unwrap_or_else(|| {
            let a = js_sys::Array::new();
            let _ = js_sys::Reflect::set(&window, &key, &a);
            a
        });
    list.push(&JsValue::from_f64(ms));
}

#[derive(Clone, Copy, PartialEq)]
pub enum ChartKind {
    CostByService,
    CostCurve,
    Timeline,
    Storage,
}

#[derive(Properties, PartialEq)]
pub struct ChartProps {
    pub kind: ChartKind,
    pub good: Shared<Good>,
    pub curve: Shared<CostCurve>,
}

impl ChartKind {
    fn id(self) -> &'static str {
        match self {
            ChartKind::CostByService => "chart-cost-by-service",
            ChartKind::CostCurve => "chart-cost-curve",
            ChartKind::Timeline => "chart-timeline",
            ChartKind::Storage => "chart-storage",
        }
    }
    /// The chart's text alternative.
    fn summary(self, good: &Good, curve: &CostCurve) -> String {
        match self {
            ChartKind::CostByService => charts::cost_by_service::summary(&good.plan),
            ChartKind::CostCurve => charts::cost_curve::summary(curve),
            ChartKind::Timeline => charts::timeline::summary(&good.plan, &good.runs()),
            ChartKind::Storage => charts::storage::summary(&good.plan),
        }
    }
    fn size(self) -> (u32, u32) {
        match self {
            ChartKind::Timeline => (760, 480),
            _ => (640, 340),
        }
    }
}

#[function_component(Chart)]
pub fn chart(props: &ChartProps) -> Html {
    let canvas = use_node_ref();
    let kind = props.kind;
    // The text alternative describes what the canvas shows, so it changes
    // when the canvas is redrawn, not on every keystroke.
    let summary = {
        let (good, curve) = (props.good.clone(), props.curve.clone());
        use_state_eq(move || kind.summary(&good, &curve))
    };
    let pending = use_mut_ref(|| None::<Timeout>);
    {
        let canvas = canvas.clone();
        // The cost curve changes only with the curve; the rest with the plan.
        let good_dep = (kind != ChartKind::CostCurve).then(|| props.good.clone());
        let good = props.good.clone();
        let set_summary = summary.setter();
        use_effect_with((good_dep, props.curve.clone()), move |(_, curve)| {
            let curve = curve.clone();
            // Replacing the timer cancels a redraw that has not run yet.
            *pending.borrow_mut() = Some(Timeout::new(CHART_DEBOUNCE_MS, move || {
                let Some(el) = canvas.cast::<HtmlCanvasElement>() else {
                    return;
                };
                let Some(backend) = CanvasBackend::with_canvas_object(el) else {
                    return;
                };
                let started = now_ms();
                let (r, text) = match kind {
                    ChartKind::CostByService => (charts::cost_by_service::draw(backend, &good.plan), None),
                    ChartKind::CostCurve => (charts::cost_curve::draw(backend, &curve), None),
                    ChartKind::Timeline => {
                        let runs = good.runs();
                        (
                            charts::timeline::draw(backend, &good.plan, &runs),
                            Some(charts::timeline::summary(&good.plan, &runs)),
                        )
                    }
                    ChartKind::Storage => (charts::storage::draw(backend, &good.plan), None),
                };
                record_draw_ms(now_ms() - started);
                if let Err(e) = r {
                    web_sys::console::error_1(&format!("chart {}: {e}", kind.id()).into());
                }
                set_summary.set(text.unwrap_or_else(|| kind.summary(&good, &curve)));
            }));
        });
    }
    let (w, h) = kind.size();
    html! {
        <figure class="chart">
            <canvas ref={canvas} id={kind.id()} width={w.to_string()} height={h.to_string()} role="img" aria-label={(*summary).clone()}></canvas>
            <figcaption>{ (*summary).clone() }</figcaption>
        </figure>
    }
}
