//! S3 storage by storage class over the next 12 months (stacked bars).

use super::{ChartResult, Key, FONT, PALETTE};
use crate::model::storage::StorageMonth;
use crate::model::Plan;
use plotters::prelude::*;

/// Chart title (also asserted by tests).
pub const TITLE: &str = "S3 storage by class, next 12 months (GB)";

type Get = fn(&StorageMonth) -> f64;
const CLASSES: [(&str, Get); 4] = [
    ("Standard", |m| m.standard_gb),
    ("Standard-IA", |m| m.standard_ia_gb),
    ("Glacier IR", |m| m.glacier_ir_gb),
    ("Deep Archive", |m| m.deep_archive_gb),
];

/// Text alternative for the chart.
pub fn summary(plan: &Plan) -> String {
    let months = &plan.storage.months;
    let total = |m: &StorageMonth| CLASSES.iter().map(|(_, g)| g(m)).sum::<f64>();
    match (months.first(), months.last()) {
        (Some(a), Some(b)) => format!(
            "{TITLE}: {:.0} GB in month {} growing to {:.0} GB in month {} (Standard {:.0}, Standard-IA {:.0}, Glacier IR {:.0}, Deep Archive {:.0}); ${:.2} a month at the end.",
            total(a), a.month, total(b), b.month, b.standard_gb, b.standard_ia_gb, b.glacier_ir_gb, b.deep_archive_gb, b.usd
        ),
        _ => format!("{TITLE}: no data."),
    }
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
    let months = &plan.storage.months;
    let n = months.iter().map(|m| m.month).max().unwrap_or(12).max(1) as f64;
    let ymax = months
        .iter()
        .map(|m| CLASSES.iter().map(|(_, g)| g(m)).sum::<f64>())
        .fold(1.0, f64::max)
        * 1.15;
    let mut chart = ChartBuilder::on(&root)
        .caption(TITLE, (FONT, 16))
        .margin(8)
        .x_label_area_size(36)
        .y_label_area_size(60)
        .build_cartesian_2d(0.5..n + 0.5, 0.0..ymax)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_desc("Month")
        .y_desc("GB")
        .x_labels(n as usize)
        .x_label_formatter(&|v| format!("{v:.0}"))
        .label_style((FONT, 12))
        .draw()?;
    for (k, (_, get)) in CLASSES.iter().enumerate() {
        let color = PALETTE[k];
        chart.draw_series(months.iter().map(|m| {
            let base: f64 = CLASSES[..k].iter().map(|(_, g)| g(m)).sum();
            let x = f64::from(m.month);
            Rectangle::new([(x - 0.35, base), (x + 0.35, base + get(m))], color.filled())
        }))?;
    }
    let keys: Vec<_> = CLASSES
        .iter()
        .zip(PALETTE)
        .map(|((name, _), c)| (*name, Key::Bar(c)))
        .collect();
    super::draw_legend(&chart, SeriesLabelPosition::UpperLeft, 12, &keys)?;
    root.present()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::charts::test_util::{plan, svg};

    #[test]
    fn renders_stacked_classes() {
        let p = plan();
        let out = svg(640, 320, |b| super::draw(b, &p));
        assert!(out.contains(super::TITLE));
        assert!(out.contains("Glacier IR"));
        // The text alternative carries the first and last month's totals.
        let text = super::summary(&p);
        let (a, b) = (&p.storage.months[0], p.storage.months.last().unwrap());
        let gb = |m: &crate::model::storage::StorageMonth| {
            m.standard_gb + m.standard_ia_gb + m.glacier_ir_gb + m.deep_archive_gb
        };
        assert!(
            text.contains(&format!("{:.0} GB in month {}", gb(a), a.month)),
            "{text}"
        );
        assert!(text.contains(&format!("${:.2} a month at the end", b.usd)), "{text}");
    }
}
