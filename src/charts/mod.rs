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
pub mod pareto;
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

/// The key drawn beside a legend entry's text.
#[derive(Clone, Copy)]
pub enum Key {
    /// A 16 px line of this colour and stroke width.
    Line(RGBColor, u32),
    /// A filled 12×10 px box (the bars of a stacked chart).
    Bar(RGBColor),
    /// A filled dot of radius 5.
    Dot(RGBColor),
    /// A cross of stroke width 3.
    Cross(RGBColor),
}

/// The legend every chart uses: framed, on a translucent white background,
/// in `font_px` text, one `(label, key)` entry a line, placed in the
/// plotting area as plotters' own series labels are (5 px from the corner,
/// 10 px padding, 30 px for the key).
///
/// Drawn here rather than by plotters' `configure_series_labels`, whose
/// default font is built from a name plotters lowercases: that pulled
/// Rust's Unicode case tables (~5 KB brotli) into the bundle
/// (docs/performance.md).
///
/// # Errors
/// Whatever the backend reports.
pub fn draw_legend<DB, CT>(
    chart: &plotters::chart::ChartContext<'_, DB, CT>,
    position: plotters::chart::SeriesLabelPosition,
    font_px: u32,
    entries: &[(&str, Key)],
) -> ChartResult
where
    DB: plotters::prelude::DrawingBackend,
    DB::ErrorType: 'static,
    CT: plotters::coord::CoordTranslate,
{
    legend_in(&chart.plotting_area().strip_coord_spec(), position, font_px, entries)
}

fn legend_in<DB>(
    area: &plotters::drawing::DrawingArea<DB, plotters::coord::Shift>,
    position: plotters::chart::SeriesLabelPosition,
    font_px: u32,
    entries: &[(&str, Key)],
) -> ChartResult
where
    DB: plotters::prelude::DrawingBackend,
    DB::ErrorType: 'static,
{
    use plotters::chart::SeriesLabelPosition as P;
    use plotters::element::MultiLineText;
    use plotters::prelude::*;
    const MARGIN: i32 = 10;
    const KEY_W: i32 = 30;
    let font: TextStyle = (FONT, font_px).into();
    let mut text = MultiLineText::<_, &str>::new((0, 0), &font);
    for (label, _) in entries {
        text.push_line(*label);
    }
    let (w, h) = text.estimate_dimension()?;
    let (w, h) = (w + KEY_W + 2 * MARGIN, h + 2 * MARGIN);
    let (aw, ah) = area.dim_in_pixel();
    let (aw, ah) = (aw as i32, ah as i32);
    let x = match position {
        P::UpperLeft | P::MiddleLeft | P::LowerLeft => 5,
        P::UpperMiddle | P::MiddleMiddle | P::LowerMiddle => (aw - w) / 2,
        P::UpperRight | P::MiddleRight | P::LowerRight => aw - w - 5,
        P::Coordinate(x, _) => x,
    };
    let y = match position {
        P::UpperLeft | P::UpperMiddle | P::UpperRight => 5,
        P::MiddleLeft | P::MiddleMiddle | P::MiddleRight => (ah - h) / 2,
        P::LowerLeft | P::LowerMiddle | P::LowerRight => ah - h - 5,
        P::Coordinate(_, y) => y,
    };
    text.relocate((x + KEY_W + MARGIN, y + MARGIN));
    let frame = [(x, y), (x + w, y + h)];
    area.draw(&Rectangle::new(frame, WHITE.mix(0.85).filled()))?;
    area.draw(&Rectangle::new(frame, BLACK))?;
    area.draw(&text)?;
    let x = x + MARGIN;
    for (((_, y0), (_, y1)), (_, key)) in text.compute_line_layout()?.into_iter().zip(entries) {
        let y = (y0 + y1) / 2;
        match *key {
            Key::Line(c, width) => area.draw(&PathElement::new(vec![(x, y), (x + 16, y)], c.stroke_width(width)))?,
            Key::Bar(c) => area.draw(&Rectangle::new([(x, y - 5), (x + 12, y + 5)], c.filled()))?,
            Key::Dot(c) => area.draw(&Circle::new((x + 8, y), 5, c.filled()))?,
            Key::Cross(c) => area.draw(&Cross::new((x + 8, y), 5, c.stroke_width(3)))?,
        }
    }
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
