//! Monthly cost by service: horizontal bars, largest first.

use super::{usd, ChartResult, FONT, PALETTE};
use crate::model::Plan;
use plotters::prelude::*;

/// Chart title (also asserted by tests).
pub const TITLE: &str = "Monthly cost by service (USD)";

/// Services as (name, USD a month), largest first; equal costs in plan
/// order. Inserted in place rather than sorted: the same order
/// `sort_unstable_by` gave for so few rows (it insertion-sorts up to 20),
/// without a sort instance of its own in the bundle (docs/performance.md).
pub fn rows(plan: &Plan) -> Vec<(&'static str, f64)> {
    let mut rows: Vec<(&'static str, f64)> = Vec::with_capacity(plan.services.len());
    for s in &plan.services {
        let at = rows.partition_point(|r| r.1.total_cmp(&s.monthly_usd).is_ge());
        rows.insert(at, (s.service.name(), s.monthly_usd));
    }
    rows
}

/// Text alternative for the chart.
pub fn summary(plan: &Plan) -> String {
    let parts: Vec<String> = rows(plan).iter().map(|(n, v)| format!("{n} {}", usd(*v))).collect();
    format!(
        "{TITLE}: total {} a month; {}.",
        usd(plan.total_monthly_usd),
        parts.join(", ")
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
    let rows = rows(plan);
    let n = rows.len().max(1) as i32;
    let max = rows.iter().map(|r| r.1).fold(1.0_f64, f64::max) * 1.15;
    let mut chart = ChartBuilder::on(&root)
        .caption(TITLE, (FONT, 16))
        .margin(8)
        .x_label_area_size(40)
        .y_label_area_size(160)
        .build_cartesian_2d(0.0..max, (0..n).into_segmented())?;
    let names: Vec<&str> = rows.iter().map(|r| r.0).collect();
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(rows.len().max(1))
        .y_label_formatter(&|v| match v {
            SegmentValue::CenterOf(i) | SegmentValue::Exact(i) => {
                names.get(*i as usize).map(|s| s.to_string()).unwrap_or_default()
            }
            SegmentValue::Last => String::new(),
        })
        .x_desc("USD per month")
        .x_label_formatter(&|v| usd(*v))
        .x_labels(5)
        .label_style((FONT, 12))
        .draw()?;
    chart.draw_series(rows.iter().enumerate().map(|(i, (_, v))| {
        let i = i as i32;
        let mut r = Rectangle::new(
            [(0.0, SegmentValue::Exact(i)), (*v, SegmentValue::Exact(i + 1))],
            PALETTE[0].filled(),
        );
        r.set_margin(3, 3, 0, 0);
        r
    }))?;
    chart.draw_series(rows.iter().enumerate().map(|(i, (_, v))| {
        Text::new(
            usd(*v),
            (*v + max * 0.01, SegmentValue::CenterOf(i as i32)),
            (FONT, 11).into_font().color(&BLACK),
        )
    }))?;
    root.present()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{plan, svg};

    #[test]
    fn renders_to_svg_with_title_and_every_service() {
        let p = plan();
        let out = svg(640, 320, |b| super::draw(b, &p));
        assert!(out.starts_with("<svg"));
        assert!(out.contains(super::TITLE));
        for s in &p.services {
            assert!(out.contains(s.service.name()), "{}", s.service.name());
        }
        // The text alternative carries the numbers the bars show.
        let text = super::summary(&p);
        assert!(
            text.contains(&format!("total {} a month", super::usd(p.total_monthly_usd))),
            "{text}"
        );
        for (name, usd) in super::rows(&p) {
            assert!(text.contains(&format!("{name} {}", super::usd(usd))), "{name}: {text}");
        }
    }

    #[test]
    fn rows_are_largest_first_ties_in_plan_order() {
        let mut p = plan();
        // Two ties, one of them at zero, to pin the order of equal costs.
        p.services[1].monthly_usd = p.services[0].monthly_usd;
        p.services[3].monthly_usd = 0.0;
        p.services[4].monthly_usd = 0.0;
        let mut want: Vec<(&str, f64)> = p.services.iter().map(|s| (s.service.name(), s.monthly_usd)).collect();
        want.sort_by(|a, b| b.1.total_cmp(&a.1));
        assert_eq!(super::rows(&p), want);
    }
}
