//! The optimiser's trade-off: the monthly cost of the cheapest passing
//! design at each freshness it can reach (the Pareto frontier of
//! [`crate::model::optimize`]), with the design as typed marked. The page
//! loads the design whose point is clicked, so [`draw`] returns where each
//! point landed.

use super::{usd, ChartResult, Key, FONT, PALETTE};
use plotters::prelude::*;

/// Chart title (also asserted by tests).
pub const TITLE: &str = "Cheapest passing design vs freshness (Pareto frontier)";

/// (freshness p95 s, monthly USD) of each frontier design, cheapest (and
/// stalest) first, as the optimiser lists them.
pub type Points = [(f64, f64)];

/// Text alternative for the chart.
pub fn summary(frontier: &Points, typed: Option<(f64, f64)>) -> String {
    let pts: Vec<String> = frontier
        .iter()
        .map(|(f, c)| format!("{} at {f:.2} s", usd(*c)))
        .collect();
    let typed = typed.map_or(String::new(), |(f, c)| format!(" As typed: {} at {f:.2} s.", usd(c)));
    format!("{TITLE}: {}.{typed}", pts.join(", "))
}

/// Draw the frontier (and the typed design, when it planned) on `backend`;
/// each frontier point's position in backend pixels, in order.
///
/// # Errors
/// Whatever the backend reports.
pub fn draw<DB: DrawingBackend>(
    backend: DB,
    frontier: &Points,
    typed: Option<(f64, f64)>,
    out: &mut Vec<(i32, i32)>,
) -> ChartResult
where
    DB::ErrorType: 'static,
{
    let root = backend.into_drawing_area();
    root.fill(&WHITE)?;
    let all = || frontier.iter().copied().chain(typed);
    let (xmax, ymax) = all().fold((0.5, 1.0), |(x, y), (f, c)| (f64::max(x, f), f64::max(y, c)));
    let mut c = ChartBuilder::on(&root)
        .caption(TITLE, (FONT, 15))
        .margin(8)
        .x_label_area_size(36)
        .y_label_area_size(64)
        .build_cartesian_2d(0.0..xmax * 1.1, 0.0..ymax * 1.15)?;
    c.configure_mesh()
        .x_desc("freshness p95 (s)")
        .y_desc("USD a month")
        .x_label_formatter(&|v| format!("{v:.1}"))
        .y_label_formatter(&|v| usd(*v))
        .label_style((FONT, 12))
        .draw()?;
    c.draw_series(LineSeries::new(frontier.iter().copied(), PALETTE[2].stroke_width(1)))?;
    c.draw_series(frontier.iter().map(|p| Circle::new(*p, 6, PALETTE[2].filled())))?;
    let mut keys = vec![("cheapest passing design (click to use it)", Key::Dot(PALETTE[2]))];
    if let Some(t) = typed {
        c.draw_series(std::iter::once(Cross::new(t, 7, PALETTE[5].stroke_width(3))))?;
        keys.push(("as typed", Key::Cross(PALETTE[5])));
    }
    super::draw_legend(&c, SeriesLabelPosition::UpperRight, 11, &keys)?;
    out.clear();
    out.extend(frontier.iter().map(|p| c.backend_coord(p)));
    root.present()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::charts::test_util::svg;

    #[test]
    fn draws_each_point_and_says_where() {
        let frontier = [(1.5, 900.0), (2.6, 600.0), (4.0, 450.0)];
        let mut at = Vec::new();
        let out = svg(640, 340, |b| super::draw(b, &frontier, Some((2.6, 615.0)), &mut at));
        assert!(out.contains(super::TITLE) && out.contains("as typed"));
        assert_eq!(at.len(), 3);
        // Fresher is left, cheaper is lower (pixels grow downwards).
        assert!(at[0].0 < at[1].0 && at[1].0 < at[2].0);
        assert!(at[0].1 < at[1].1 && at[1].1 < at[2].1);
        assert!(at.iter().all(|(x, y)| (0..640).contains(x) && (0..340).contains(y)));
        let text = super::summary(&frontier, Some((2.6, 615.0)));
        assert!(
            text.contains("$600 at 2.60 s") && text.contains("As typed: $615 at 2.60 s"),
            "{text}"
        );
    }
}
