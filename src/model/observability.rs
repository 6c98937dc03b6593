//! CloudWatch (logs, alarms, dashboards) and Route 53.

use super::cost::{LineItem, Service, ServiceCost};
use super::demand::Month;
use super::prices::PriceBook;
use super::scenario::Scenario;
use super::storage::DAYS_PER_MONTH;

/// CloudWatch dashboards free each month: the first 3 (up to 50 metrics
/// each) cost nothing, the rest are billed per dashboard-month
/// (aws.amazon.com/cloudwatch/pricing, free tier).
pub const FREE_DASHBOARDS: u32 = 3;

/// GB of API logs ingested a month.
pub fn log_gb(s: &Scenario, month: &Month) -> f64 {
    month.origin_requests * s.coefficients.log_bytes_per_request / 1e9
}

/// Log ingestion (`ingest_gb`) and storage (`stored_gb_months`, described by `storage_note`).
pub fn log_items(book: &PriceBook, ingest_gb: f64, stored_gb_months: f64, storage_note: &str) -> [LineItem; 2] {
    [
        LineItem::new(
            book,
            Service::Monitoring,
            "Log ingestion (API access and app logs)",
            ingest_gb,
            "GB",
            "cloudwatch.log_ingest_gb",
            1.0,
        ),
        LineItem::new(
            book,
            Service::Monitoring,
            storage_note,
            stored_gb_months,
            "GB-months",
            "cloudwatch.log_storage_gb_month",
            1.0,
        ),
    ]
}

/// `alarms` standard-resolution alarms.
pub fn alarms_item(book: &PriceBook, alarms: u32) -> LineItem {
    LineItem::new(
        book,
        Service::Monitoring,
        "Standard alarms",
        f64::from(alarms),
        "alarm-months",
        "cloudwatch.alarm_month",
        1.0,
    )
}

/// `dashboards`, of which the first [`FREE_DASHBOARDS`] are free.
pub fn dashboards_item(book: &PriceBook, dashboards: u32) -> LineItem {
    LineItem::new(
        book,
        Service::Monitoring,
        "Dashboards beyond 3 free",
        f64::from(dashboards.saturating_sub(FREE_DASHBOARDS)),
        "dashboard-months",
        "cloudwatch.dashboard_month",
        1.0,
    )
}

/// Route 53: `zones` hosted zones and `queries` standard queries a month.
pub fn dns_items(book: &PriceBook, zones: u32, queries: f64) -> [LineItem; 2] {
    [
        LineItem::new(
            book,
            Service::Dns,
            if zones == 1 { "Hosted zone" } else { "Hosted zones" },
            f64::from(zones),
            "zone-months",
            "route53.zone_month",
            1.0,
        ),
        LineItem::new(
            book,
            Service::Dns,
            "Standard queries (alias queries to CloudFront are free)",
            queries,
            "queries",
            "route53.query_million",
            1e-6,
        ),
    ]
}

/// `read_replicas`: each has its own replica-lag alarm.
pub fn monitoring(s: &Scenario, book: &PriceBook, month: &Month, read_replicas: u32) -> ServiceCost {
    let c = &s.coefficients;
    let ingest = log_gb(s, month);
    let stored = ingest * f64::from(s.storage.log_retention_days) / DAYS_PER_MONTH;
    let mut items = log_items(
        book,
        ingest,
        stored,
        &format!("Log storage at {} days retention", s.storage.log_retention_days),
    )
    .to_vec();
    items.push(alarms_item(book, c.alarms + read_replicas));
    items.push(dashboards_item(book, c.dashboards));
    ServiceCost::new(
        Service::Monitoring,
        format!(
            "{} alarms, {} dashboard(s), {} days of logs",
            c.alarms + read_replicas,
            c.dashboards,
            s.storage.log_retention_days
        ),
        format!("{ingest:.1} GB of logs a month"),
        "log volume (origin requests × bytes per request)".into(),
        items,
    )
}

pub fn dns(s: &Scenario, book: &PriceBook) -> ServiceCost {
    // Spend follows the expected audience (headroom sizes capacity only).
    let queries = f64::from(s.peak_concurrent_fans)
        * f64::from(s.audience.match_days_per_month)
        * s.coefficients.dns_queries_per_fan;
    let items = dns_items(book, 1, queries).to_vec();
    ServiceCost::new(
        Service::Dns,
        "1 hosted zone, alias records".into(),
        "1 zone".into(),
        "fixed".into(),
        items,
    )
}
