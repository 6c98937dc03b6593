//! Monthly cost against peak fans, 1k–1M on a log axis, with the current
//! scenario marked. The sweep itself is [`crate::model::sweep`].

use super::{fans, usd, ChartResult, Key, FONT, PALETTE};
pub use crate::model::sweep::{CostCurve, MAX_FANS, MIN_FANS};
use plotters::prelude::*;

/// Chart title (also asserted by tests).
pub const TITLE: &str = "Monthly cost vs peak fans (fans on a log scale)";

/// Text alternative for the chart.
pub fn summary(c: &CostCurve) -> String {
    let first = c
        .points
        .first()
        .map(|p| format!("{} at {} fans", usd(p.1), fans(p.0)))
        .unwrap_or_default();
    let last = c
        .points
        .last()
        .map(|p| format!("{} at {} fans", usd(p.1), fans(p.0)))
        .unwrap_or_default();
    let cur = c
        .current
        .map(|p| format!("; this scenario: {} at {} fans", usd(p.1), fans(p.0)))
        .unwrap_or_default();
    format!("{TITLE}: from {first} to {last}{cur}.")
}

/// Draw the chart on `backend`.
///
/// # Errors
/// Whatever the backend reports.
pub fn draw<DB: DrawingBackend>(backend: DB, c: &CostCurve) -> ChartResult
where
    DB::ErrorType: 'static,
{
    let root = backend.into_drawing_area();
    root.fill(&WHITE)?;
    let ymax = c
        .points
        .iter()
        .map(|p| p.1)
        .chain(c.current.map(|p| p.1))
        .fold(1.0_f64, f64::max)
        * 1.1;
    let mut chart = ChartBuilder::on(&root)
        .caption(TITLE, (FONT, 16))
        .margin(8)
        .x_label_area_size(40)
        .y_label_area_size(70)
        .build_cartesian_2d((MIN_FANS..MAX_FANS).log_scale(), 0.0..ymax)?;
    chart
        .configure_mesh()
        .x_desc("Peak concurrent fans")
        .y_desc("USD per month")
        .x_label_formatter(&|v| fans(*v))
        .y_label_formatter(&|v| usd(*v))
        .label_style((FONT, 12))
        .draw()?;
    chart.draw_series(LineSeries::new(c.points.iter().copied(), PALETTE[0].stroke_width(2)))?;
    let mut keys = vec![("Monthly cost", Key::Line(PALETTE[0], 2))];
    if let Some((x, y)) = c.current {
        let x = x.clamp(MIN_FANS, MAX_FANS);
        chart.draw_series(std::iter::once(Circle::new((x, y), 6, PALETTE[5].filled())))?;
        keys.push(("This scenario", Key::Dot(PALETTE[5])));
    }
    super::draw_legend(&chart, SeriesLabelPosition::UpperLeft, 12, &keys)?;
    root.present()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::test_util::svg;

    use crate::model::sweep::cost_curve;
    use crate::model::{PriceBook, Scenario};

    #[test]
    fn draws_the_curve_and_marks_the_scenario() {
        let c = cost_curve(&Scenario::default(), &PriceBook::embedded());
        let out = svg(640, 360, |b| draw(b, &c));
        assert!(out.contains(TITLE));
        assert!(out.contains("This scenario"));
        assert!(summary(&c).contains("this scenario"));
    }

    #[test]
    fn invalid_scenario_still_draws() {
        let mut s = Scenario::default();
        s.delivery.poll_interval_s = 0.0;
        let c = cost_curve(&s, &PriceBook::embedded());
        let out = svg(320, 200, |b| draw(b, &c));
        assert!(out.contains(TITLE));
    }
}
