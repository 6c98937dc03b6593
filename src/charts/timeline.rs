//! The match day: demand against capacity, running tasks and error share,
//! with and without scheduled pre-scaling.

use super::{ChartResult, FONT, PALETTE};
use crate::model::Plan;
use plotters::prelude::*;

/// Chart title (also asserted by tests).
pub const TITLE: &str = "Match day: demand vs capacity (req/s)";
/// Title of the lower panel.
pub const LOWER_TITLE: &str = "Error share (%) and running tasks";

/// Text alternative for the chart.
pub fn summary(plan: &Plan) -> String {
    let w = &plan.match_day.with_prescale;
    let wo = &plan.match_day.without_prescale;
    let peak = w.steps.iter().map(|s| s.demand_rps).fold(0.0, f64::max);
    format!(
        "{TITLE}. Peak demand {peak:.0} req/s. With pre-scaling: peak error share {:.1} %, up to {} tasks. Without: peak error share {:.1} %, up to {} tasks.",
        w.peak_error_share * 100.0,
        w.max_running_tasks,
        wo.peak_error_share * 100.0,
        wo.max_running_tasks
    )
}

/// Draw the chart on `backend`.
///
/// # Errors
/// Whatever the backend reports.
pub fn draw<DB: DrawingBackend>(backend: DB, plan: &Plan) -> ChartResult
where
    DB::ErrorType: 'static,
{
    let root = backend.into_drawing_area();
    root.fill(&WHITE)?;
    let (_, h) = root.dim_in_pixel();
    let (top, bottom) = root.split_vertically(h * 55 / 100);
    let w = &plan.match_day.with_prescale;
    let wo = &plan.match_day.without_prescale;
    let min = |s: &crate::model::autoscale::Step| s.t_s / 60.0;
    let t0 = w.steps.first().map(min).unwrap_or(0.0);
    let t1 = w.steps.last().map(min).unwrap_or(1.0).max(t0 + 1.0);
    let ymax = w
        .steps
        .iter()
        .chain(&wo.steps)
        .map(|s| s.demand_rps.max(s.capacity_rps))
        .fold(1.0, f64::max)
        * 1.1;

    let mut c = ChartBuilder::on(&top)
        .caption(TITLE, (FONT, 16))
        .margin(8)
        .x_label_area_size(24)
        .y_label_area_size(60)
        .build_cartesian_2d(t0..t1, 0.0..ymax)?;
    c.configure_mesh()
        .y_desc("req/s")
        .x_label_formatter(&|v| format!("{v:.0}"))
        .y_label_formatter(&|v| crate::fmt::thousands(v.max(0.0).round() as u64))
        .label_style((FONT, 12))
        .draw()?;
    c.draw_series(LineSeries::new(
        super::without_flat_runs(w.steps.iter().map(|s| (min(s), s.demand_rps))),
        BLACK.stroke_width(2),
    ))?
    .label("Demand")
    .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], BLACK.stroke_width(2)));
    c.draw_series(LineSeries::new(
        super::without_flat_runs(w.steps.iter().map(|s| (min(s), s.capacity_rps))),
        PALETTE[2].stroke_width(2),
    ))?
    .label("Capacity, pre-scaled")
    .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], PALETTE[2].stroke_width(2)));
    c.draw_series(LineSeries::new(
        super::without_flat_runs(wo.steps.iter().map(|s| (min(s), s.capacity_rps))),
        PALETTE[5].stroke_width(2),
    ))?
    .label("Capacity, reactive only")
    .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], PALETTE[5].stroke_width(2)));
    super::draw_legend(&mut c, SeriesLabelPosition::UpperLeft, 11)?;

    let emax = w
        .steps
        .iter()
        .chain(&wo.steps)
        .map(|s| s.error_share * 100.0)
        .fold(1.0, f64::max)
        * 1.1;
    let tmax = w
        .steps
        .iter()
        .chain(&wo.steps)
        .map(|s| s.running_tasks)
        .max()
        .unwrap_or(1)
        .max(1)
        + 1;
    let mut c = ChartBuilder::on(&bottom)
        .caption(LOWER_TITLE, (FONT, 14))
        .margin(8)
        .x_label_area_size(36)
        .y_label_area_size(60)
        .right_y_label_area_size(50)
        .build_cartesian_2d(t0..t1, 0.0..emax)?
        .set_secondary_coord(t0..t1, 0u32..tmax);
    c.configure_mesh()
        .x_desc("Minutes from kickoff")
        .y_desc("errors %")
        .x_label_formatter(&|v| format!("{v:.0}"))
        .y_label_formatter(&|v| {
            let t = format!("{v:.1}");
            t.strip_suffix(".0").map_or_else(|| t.clone(), str::to_string)
        })
        .label_style((FONT, 12))
        .draw()?;
    c.configure_secondary_axes()
        .y_desc("tasks")
        .label_style((FONT, 12))
        .draw()?;
    c.draw_series(LineSeries::new(
        super::without_flat_runs(wo.steps.iter().map(|s| (min(s), s.error_share * 100.0))),
        PALETTE[5].stroke_width(2),
    ))?
    .label("Errors, reactive only")
    .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], PALETTE[5].stroke_width(2)));
    c.draw_series(LineSeries::new(
        super::without_flat_runs(w.steps.iter().map(|s| (min(s), s.error_share * 100.0))),
        PALETTE[2].stroke_width(2),
    ))?
    .label("Errors, pre-scaled")
    .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], PALETTE[2].stroke_width(2)));
    c.draw_secondary_series(LineSeries::new(
        super::without_flat_runs(w.steps.iter().map(|s| (min(s), s.running_tasks))),
        PALETTE[0].stroke_width(1),
    ))?
    .label("Tasks, pre-scaled")
    .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], PALETTE[0].stroke_width(1)));
    c.draw_secondary_series(LineSeries::new(
        super::without_flat_runs(wo.steps.iter().map(|s| (min(s), s.running_tasks))),
        PALETTE[1].stroke_width(1),
    ))?
    .label("Tasks, reactive only")
    .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], PALETTE[1].stroke_width(1)));
    super::draw_legend(&mut c, SeriesLabelPosition::UpperRight, 11)?;
    root.present()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::charts::test_util::{plan, svg};

    #[test]
    fn renders_both_panels() {
        let p = plan();
        let out = svg(800, 480, |b| super::draw(b, &p));
        assert!(out.contains(super::TITLE));
        assert!(out.contains(super::LOWER_TITLE));
        assert!(out.contains("reactive only"));
        // The text alternative carries both runs' task counts.
        let text = super::summary(&p);
        let (w, wo) = (&p.match_day.with_prescale, &p.match_day.without_prescale);
        assert!(
            text.contains(&format!("up to {} tasks. Without", w.max_running_tasks)),
            "{text}"
        );
        assert!(
            text.contains(&format!("up to {} tasks.", wo.max_running_tasks)),
            "{text}"
        );
    }
}
