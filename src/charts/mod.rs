//! Charts of a [`Plan`](crate::model::Plan), one module per chart.
//!
//! Every `draw` is generic over plotters' [`DrawingBackend`], so the browser
//! draws to a `<canvas>` (plotters-canvas) and native tests draw the same
//! chart to an SVG string. Every chart also has a `summary` — the text
//! alternative shown in its `<figcaption>` and `aria-label`.
//!
//! [`DrawingBackend`]: plotters::prelude::DrawingBackend

pub mod cash;
pub mod cost_by_service;
pub mod cost_curve;
pub mod storage;
pub mod timeline;

use plotters::style::RGBColor;

/// What every chart returns: plotters errors boxed (the backend type differs
/// between canvas and SVG).
pub type ChartResult = Result<(), Box<dyn std::error::Error + Send + Sync + 'static>>;

/// Font family used for all chart text (resolved by the canvas / SVG viewer).
/// The enum, not the name: plotters reads a name through `to_lowercase`,
/// whose Unicode tables cost the bundle ~3 KB brotli (docs/performance.md).
pub const FONT: plotters::style::FontFamily<'static> = plotters::style::FontFamily::SansSerif;

/// Colour-blind-safe palette (Okabe–Ito).
pub const PALETTE: [RGBColor; 8] = [
    RGBColor(0, 114, 178),
    RGBColor(230, 159, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(86, 180, 233),
    RGBColor(213, 94, 0),
    RGBColor(240, 228, 66),
    RGBColor(60, 60, 60),
];

/// The legend every chart uses: framed, on a translucent white background,
/// in `font_px` text.
pub fn draw_legend<'a, DB, CT>(
    chart: &mut plotters::chart::ChartContext<'a, DB, CT>,
    position: plotters::chart::SeriesLabelPosition,
    font_px: u32,
) -> ChartResult
where
    DB: plotters::prelude::DrawingBackend + 'a,
    DB::ErrorType: 'static,
    CT: plotters::coord::CoordTranslate,
{
    use plotters::prelude::*;
    chart
        .configure_series_labels()
        .position(position)
        .border_style(BLACK)
        .background_style(WHITE.mix(0.85))
        .label_font((FONT, font_px))
        .draw()?;
    Ok(())
}

/// Whole dollars with thousands separators from $10 (`$1,234`, `$57`),
/// cents below (`$3.20`): axis labels and chart summaries.
pub fn usd(v: f64) -> String {
    crate::fmt::money_rounded(v, 10.0)
}

/// The points of a step-like series without the middle points of flat runs:
/// the same line with far fewer canvas calls (a match day has ~1,000 steps,
/// mostly plateaus).
pub fn without_flat_runs<Y: PartialEq + Copy>(points: impl IntoIterator<Item = (f64, Y)>) -> Vec<(f64, Y)> {
    let mut out: Vec<(f64, Y)> = Vec::new();
    for p in points {
        let n = out.len();
        if n >= 2 && out[n - 1].1 == p.1 && out[n - 2].1 == p.1 {
            out[n - 1] = p;
        } else {
            out.push(p);
        }
    }
    out
}

pub use crate::fmt::fans;

#[cfg(test)]
pub(crate) mod test_util {
    use plotters::prelude::*;

    /// Render with `f` into an SVG string of the given size.
    pub fn svg(w: u32, h: u32, f: impl FnOnce(SVGBackend<'_>) -> super::ChartResult) -> String {
        let mut out = String::new();
        {
            let backend = SVGBackend::with_string(&mut out, (w, h));
            f(backend).expect("chart draws");
        }
        out
    }

    pub fn plan() -> crate::model::Plan {
        crate::model::plan(&crate::model::Scenario::default(), &crate::model::PriceBook::embedded()).unwrap()
    }
}

#[cfg(test)]
mod flat_run_tests {
    use super::without_flat_runs;

    #[test]
    fn keeps_the_ends_of_every_plateau() {
        let pts = [(0.0, 1), (1.0, 1), (2.0, 1), (3.0, 2), (4.0, 2), (5.0, 2), (6.0, 1)];
        assert_eq!(
            without_flat_runs(pts),
            vec![(0.0, 1), (2.0, 1), (3.0, 2), (5.0, 2), (6.0, 1)]
        );
        assert!(without_flat_runs(Vec::<(f64, f64)>::new()).is_empty());
    }
}
