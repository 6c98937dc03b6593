//! The match day: demand against capacity, running tasks and error share,
//! with and without scheduled pre-scaling.

use super::{ChartResult, Key, FONT, PALETTE};
use crate::model::drills::DrillOutcome;
use crate::model::plan::MatchDaySim;
use crate::model::Plan;
use plotters::prelude::*;

/// Chart title (also asserted by tests).
pub const TITLE: &str = "Match day: demand vs capacity (req/s)";
/// Title of the lower panel.
pub const LOWER_TITLE: &str = "Error share (%) and running tasks";

/// The drill drawn over the day: the selected drill with the most errors
/// (the first of equals), when the plan ran drills.
pub fn shown_drill(plan: &Plan) -> Option<&DrillOutcome> {
    plan.drills
        .iter()
        .filter(|d| !d.steps.is_empty())
        .reduce(|a, b| if b.worst_error_pct > a.worst_error_pct { b } else { a })
}

/// Text alternative for the chart.
/// `runs`: the plan's match-day runs, both made (the page's lean plans
/// leave one out: `web::state::Good::runs`).
pub fn summary(plan: &Plan, runs: &MatchDaySim) -> String {
    let w = &runs.with_prescale;
    let wo = &runs.without_prescale;
    let peak = w.steps.iter().map(|s| s.demand_rps).fold(0.0, f64::max);
    let drill = shown_drill(plan).map_or(String::new(), |d| {
        format!(
            " Drawn over it: the {} drill at {:+.0} s, worst step {:.1} % errors, up to {} tasks.",
            d.name,
            d.at_s,
            d.worst_error_pct,
            d.steps.iter().map(|s| s.3).max().unwrap_or(0)
        )
    });
    format!(
        "{TITLE}. Peak demand {peak:.0} req/s. With pre-scaling: peak error share {:.1} %, up to {} tasks. Without: peak error share {:.1} %, up to {} tasks.{drill}",
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
pub fn draw<DB: DrawingBackend>(backend: DB, plan: &Plan, runs: &MatchDaySim) -> ChartResult
where
    DB::ErrorType: 'static,
{
    let root = backend.into_drawing_area();
    root.fill(&WHITE)?;
    let (_, h) = root.dim_in_pixel();
    let (top, bottom) = root.split_vertically(h * 55 / 100);
    let w = &runs.with_prescale;
    let wo = &runs.without_prescale;
    let min = |s: &crate::model::autoscale::Step| s.t_s / 60.0;
    let t0 = w.steps.first().map(min).unwrap_or(0.0);
    let t1 = w.steps.last().map(min).unwrap_or(1.0).max(t0 + 1.0);
    let drill = shown_drill(plan);
    let drilled = drill.map_or(&[][..], |d| &d.steps[..]);
    let ymax = w
        .steps
        .iter()
        .chain(&wo.steps)
        .map(|s| s.demand_rps.max(s.capacity_rps))
        .chain(drilled.iter().map(|s| s.1))
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
    ))?;
    c.draw_series(LineSeries::new(
        super::without_flat_runs(w.steps.iter().map(|s| (min(s), s.capacity_rps))),
        PALETTE[2].stroke_width(2),
    ))?;
    c.draw_series(LineSeries::new(
        super::without_flat_runs(wo.steps.iter().map(|s| (min(s), s.capacity_rps))),
        PALETTE[5].stroke_width(2),
    ))?;
    if drill.is_some() {
        c.draw_series(LineSeries::new(
            super::without_flat_runs(drilled.iter().map(|s| (s.0 / 60.0, s.1))),
            PALETTE[3].stroke_width(2),
        ))?;
    }
    let drill_label = drill.map(|d| format!("Capacity, {} drill", d.name));
    let mut keys = vec![
        ("Demand", Key::Line(BLACK, 2)),
        ("Capacity, pre-scaled", Key::Line(PALETTE[2], 2)),
        ("Capacity, reactive only", Key::Line(PALETTE[5], 2)),
    ];
    keys.extend(drill_label.as_deref().map(|l| (l, Key::Line(PALETTE[3], 2))));
    super::draw_legend(&c, SeriesLabelPosition::UpperLeft, 11, &keys)?;

    let emax = w
        .steps
        .iter()
        .chain(&wo.steps)
        .map(|s| s.error_share * 100.0)
        .chain(drilled.iter().map(|s| s.2 * 100.0))
        .fold(1.0, f64::max)
        * 1.1;
    let tmax = w
        .steps
        .iter()
        .chain(&wo.steps)
        .map(|s| s.running_tasks)
        .chain(drilled.iter().map(|s| s.3))
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
    ))?;
    c.draw_series(LineSeries::new(
        super::without_flat_runs(w.steps.iter().map(|s| (min(s), s.error_share * 100.0))),
        PALETTE[2].stroke_width(2),
    ))?;
    c.draw_secondary_series(LineSeries::new(
        super::without_flat_runs(w.steps.iter().map(|s| (min(s), s.running_tasks))),
        PALETTE[0].stroke_width(1),
    ))?;
    c.draw_secondary_series(LineSeries::new(
        super::without_flat_runs(wo.steps.iter().map(|s| (min(s), s.running_tasks))),
        PALETTE[1].stroke_width(1),
    ))?;
    if drill.is_some() {
        c.draw_series(LineSeries::new(
            super::without_flat_runs(drilled.iter().map(|s| (s.0 / 60.0, s.2 * 100.0))),
            PALETTE[3].stroke_width(2),
        ))?;
    }
    let drill_label = drill.map(|d| format!("Errors, {} drill", d.name));
    let mut keys = vec![
        ("Errors, reactive only", Key::Line(PALETTE[5], 2)),
        ("Errors, pre-scaled", Key::Line(PALETTE[2], 2)),
        ("Tasks, pre-scaled", Key::Line(PALETTE[0], 1)),
        ("Tasks, reactive only", Key::Line(PALETTE[1], 1)),
    ];
    keys.extend(drill_label.as_deref().map(|l| (l, Key::Line(PALETTE[3], 2))));
    super::draw_legend(&c, SeriesLabelPosition::UpperRight, 11, &keys)?;
    root.present()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::charts::test_util::{plan, svg};

    #[test]
    fn draws_the_worst_drill_over_the_day() {
        use crate::model::scenario::DrillKind;
        use crate::model::{plan, PriceBook, Scenario};
        let mut s = Scenario::default();
        s.drills.selected = vec![DrillKind::CacheFailover, DrillKind::AzLoss];
        let p = plan(&s, &PriceBook::embedded()).unwrap();
        let worst = p
            .drills
            .iter()
            .max_by(|a, b| a.worst_error_pct.total_cmp(&b.worst_error_pct))
            .unwrap();
        assert_eq!(super::shown_drill(&p).unwrap().name, worst.name);
        let out = svg(800, 480, |b| super::draw(b, &p, &p.match_day));
        assert!(
            out.contains(&format!("Capacity, {} drill", worst.name)),
            "no drill capacity line"
        );
        assert!(
            out.contains(&format!("Errors, {} drill", worst.name)),
            "no drill error line"
        );
        assert!(super::summary(&p, &p.match_day).contains(&format!("the {} drill at +0 s", worst.name)));
        // No drill, no overlay.
        let plain_plan = crate::charts::test_util::plan();
        let plain = svg(800, 480, |b| super::draw(b, &plain_plan, &plain_plan.match_day));
        assert!(!plain.contains(" drill"));
    }

    #[test]
    fn renders_both_panels() {
        let p = plan();
        let out = svg(800, 480, |b| super::draw(b, &p, &p.match_day));
        assert!(out.contains(super::TITLE));
        assert!(out.contains(super::LOWER_TITLE));
        assert!(out.contains("reactive only"));
        // The text alternative carries both runs' task counts.
        let text = super::summary(&p, &p.match_day);
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
