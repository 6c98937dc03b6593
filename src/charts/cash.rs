//! The cash plan: the monthly bill for the next 12 months, stacked by
//! service (the small services together as "Other").

use super::{usd, ChartResult, Key, FONT, PALETTE};
use crate::model::cash::{CashMonth, CashPlan};
use crate::model::cost::Service;
use plotters::prelude::*;

/// Chart title (also asserted by tests).
pub const TITLE: &str = "Cash plan: monthly bill by service (USD)";

/// The stacked groups: the big services on their own, the rest as Other.
const GROUPS: [(&str, &[Service]); 6] = [
    ("CloudFront", &[Service::CloudFront]),
    ("Fargate", &[Service::Fargate]),
    ("RDS MySQL", &[Service::Rds]),
    ("ElastiCache", &[Service::ElastiCache]),
    ("S3", &[Service::S3]),
    (
        "Other",
        &[Service::Alb, Service::Networking, Service::Monitoring, Service::Dns],
    ),
];

fn group_usd(m: &CashMonth, services: &[Service]) -> f64 {
    m.services
        .iter()
        .filter(|s| services.contains(&s.service))
        .map(|s| s.usd)
        .sum()
}

/// Text alternative for the chart.
pub fn summary(c: &CashPlan) -> String {
    match (c.months.first(), c.months.last()) {
        (Some(a), Some(b)) => format!(
            "{TITLE}: {} in month {} to {} in month {}; {} over {} months.",
            usd(a.total_usd),
            a.month,
            usd(b.total_usd),
            b.month,
            usd(c.total_usd),
            c.months.len()
        ),
        _ => format!("{TITLE}: no data."),
    }
}

/// Draw the chart on `backend`.
///
/// # Errors
/// Whatever the backend reports.
pub fn draw<DB: DrawingBackend>(backend: DB, c: &CashPlan) -> ChartResult
where
    DB::ErrorType: 'static,
{
    let root = backend.into_drawing_area();
    root.fill(&WHITE)?;
    let n = c.months.len().max(1) as f64;
    let ymax = c.months.iter().map(|m| m.total_usd).fold(1.0, f64::max) * 1.3;
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
        .y_desc("USD")
        .x_labels(n as usize)
        .x_label_formatter(&|v| format!("{v:.0}"))
        .y_label_formatter(&|v| usd(*v))
        .label_style((FONT, 12))
        .draw()?;
    for (k, (_, services)) in GROUPS.iter().enumerate() {
        let color = PALETTE[k];
        chart.draw_series(c.months.iter().map(|m| {
            let base: f64 = GROUPS[..k].iter().map(|(_, s)| group_usd(m, s)).sum();
            let x = f64::from(m.month);
            Rectangle::new(
                [(x - 0.35, base), (x + 0.35, base + group_usd(m, services))],
                color.filled(),
            )
        }))?;
    }
    let keys: Vec<_> = GROUPS
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
    use super::*;
    use crate::charts::test_util::svg;
    use crate::model::{cash::cash_plan, PriceBook, Scenario};

    #[test]
    fn groups_cover_every_service_once() {
        let c = cash_plan(&Scenario::default(), &PriceBook::embedded(), 12).unwrap();
        for m in &c.months {
            let stacked: f64 = GROUPS.iter().map(|(_, s)| group_usd(m, s)).sum();
            assert!((stacked - m.total_usd).abs() < 1e-9 * m.total_usd, "month {}", m.month);
        }
    }

    #[test]
    fn renders_with_its_summary() {
        let mut s = Scenario::default();
        s.audience.growth_pct_per_month = 5.0;
        let c = cash_plan(&s, &PriceBook::embedded(), 12).unwrap();
        let out = svg(640, 340, |b| draw(b, &c));
        assert!(out.contains("Cash plan") && out.contains("CloudFront"));
        let text = summary(&c);
        assert!(text.contains(&usd(c.total_usd)) && text.contains("month 12"), "{text}");
    }
}
