//! CloudWatch (logs, alarms, dashboards) and Route 53.

use super::cost::{tiered_items, LineItem, Service, ServiceCost, Tier};
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

/// Route 53 hosted zones a month: the first 25 at `route53.zone_month`, the
/// rest at `route53.zone_month.over_25` (aws.amazon.com/route53/pricing).
pub const ZONE_TIERS: [Tier; 2] = [
    Tier {
        up_to: 25.0,
        price_id: "route53.zone_month",
        label: "first 25",
    },
    Tier {
        up_to: f64::INFINITY,
        price_id: "route53.zone_month.over_25",
        label: "beyond 25",
    },
];

/// Route 53 standard queries a month (all the account's hosted zones):
/// the first billion at `route53.query_million`, the rest at
/// `route53.query_million.over_1b`.
pub const QUERY_TIERS: [Tier; 2] = [
    Tier {
        up_to: 1e9,
        price_id: "route53.query_million",
        label: "first 1 billion",
    },
    Tier {
        up_to: f64::INFINITY,
        price_id: "route53.query_million.over_1b",
        label: "over 1 billion",
    },
];

/// Route 53: `zones` hosted zones and `queries` standard queries a month,
/// each through its published tiers.
pub fn dns_items(book: &PriceBook, zones: u32, queries: f64) -> Vec<LineItem> {
    let mut items = tiered_items(
        book,
        Service::Dns,
        "Hosted zones",
        f64::from(zones),
        "zone-months",
        1.0,
        &ZONE_TIERS,
    );
    items.extend(tiered_items(
        book,
        Service::Dns,
        "Standard non-alias queries",
        queries,
        "queries",
        1e-6,
        &QUERY_TIERS,
    ));
    items
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
    let items = dns_items(book, 1, queries);
    ServiceCost::new(
        Service::Dns,
        "1 hosted zone, alias records".into(),
        "1 zone".into(),
        "fixed".into(),
        items,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_above_a_billion_cost_half() {
        let book = PriceBook::embedded();
        let usd = |zones: u32, q: f64| dns_items(&book, zones, q).iter().map(|i| i.monthly_usd).sum::<f64>();
        // 1 zone; 3 billion queries: 1,000 M × $0.40 + 2,000 M × $0.20.
        assert!((usd(1, 3e9) - (0.5 + 400.0 + 400.0)).abs() < 1e-9);
        // 30 zones: 25 × $0.50 + 5 × $0.10.
        assert!((usd(30, 0.0) - 13.0).abs() < 1e-9);
    }
}
