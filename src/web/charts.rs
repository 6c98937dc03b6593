//! Canvas components for the charts in [`crate::charts`].

use super::state::{Good, Shared};
use crate::charts::{self, cost_curve::CostCurve};
use plotters_canvas::CanvasBackend;
use web_sys::HtmlCanvasElement;
use yew::prelude::*;

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
    let summary = match kind {
        ChartKind::CostByService => charts::cost_by_service::summary(&props.good.plan),
        ChartKind::CostCurve => charts::cost_curve::summary(&props.curve),
        ChartKind::Timeline => charts::timeline::summary(&props.good.plan),
        ChartKind::Storage => charts::storage::summary(&props.good.plan),
    };
    {
        let canvas = canvas.clone();
        use_effect_with((props.good.clone(), props.curve.clone()), move |(good, curve)| {
            if let Some(el) = canvas.cast::<HtmlCanvasElement>() {
                if let Some(backend) = CanvasBackend::with_canvas_object(el) {
                    let r = match kind {
                        ChartKind::CostByService => charts::cost_by_service::draw(backend, &good.plan),
                        ChartKind::CostCurve => charts::cost_curve::draw(backend, curve),
                        ChartKind::Timeline => charts::timeline::draw(backend, &good.plan),
                        ChartKind::Storage => charts::storage::draw(backend, &good.plan),
                    };
                    if let Err(e) = r {
                        web_sys::console::error_1(&format!("chart {}: {e}", kind.id()).into());
                    }
                }
            }
        });
    }
    let (w, h) = kind.size();
    html! {
        <figure class="chart">
            <canvas ref={canvas} id={kind.id()} width={w.to_string()} height={h.to_string()} role="img" aria-label={summary.clone()}></canvas>
            <figcaption>{ summary }</figcaption>
        </figure>
    }
}
