//! Line items: a quantity times a price-book price, per AWS service.

use super::prices::PriceBook;
use serde::Serialize;

/// Hours in a billing month (the AWS Pricing Calculator's convention): the
/// default of `coefficients.hours_per_month` and of a bill's `hours_per_month`.
pub const HOURS_PER_MONTH: f64 = 730.0;

/// The services a plan prices, in the order a bill lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Service {
    #[serde(rename = "ECS Fargate")]
    Fargate,
    #[serde(rename = "Application Load Balancer")]
    Alb,
    #[serde(rename = "RDS MySQL")]
    Rds,
    #[serde(rename = "ElastiCache")]
    ElastiCache,
    #[serde(rename = "CloudFront")]
    CloudFront,
    #[serde(rename = "S3")]
    S3,
    #[serde(rename = "Networking")]
    Networking,
    #[serde(rename = "CloudWatch")]
    Monitoring,
    #[serde(rename = "Route 53")]
    Dns,
}

impl Service {
    pub fn name(self) -> &'static str {
        match self {
            Service::Fargate => "ECS Fargate",
            Service::Alb => "Application Load Balancer",
            Service::Rds => "RDS MySQL",
            Service::ElastiCache => "ElastiCache",
            Service::CloudFront => "CloudFront",
            Service::S3 => "S3",
            Service::Networking => "Networking",
            Service::Monitoring => "CloudWatch",
            Service::Dns => "Route 53",
        }
    }
}

/// One priced quantity.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LineItem {
    pub service: Service,
    pub description: String,
    pub quantity: f64,
    /// Unit of `quantity`, matching the price's unit.
    pub unit: String,
    pub price_id: String,
    pub unit_price_usd: f64,
    pub monthly_usd: f64,
}

impl LineItem {
    /// `quantity` × the price `price_id` (× `factor`, e.g. 1/1,000 for a
    /// per-1,000 price) from `book`.
    pub fn new(
        book: &PriceBook,
        service: Service,
        description: impl Into<String>,
        quantity: f64,
        unit: impl Into<String>,
        price_id: &str,
        factor: f64,
    ) -> LineItem {
        let unit_price_usd = book.get(price_id) * factor;
        LineItem {
            service,
            description: description.into(),
            quantity,
            unit: unit.into(),
            price_id: price_id.to_string(),
            unit_price_usd,
            monthly_usd: quantity * unit_price_usd,
        }
    }
}

/// One published volume tier of a price: the month's usage from the
/// previous tier's `up_to` to this one's (cumulative, in the quantity's
/// unit) is billed at `price_id`. The last tier of a ladder is unbounded
/// (`f64::INFINITY`). AWS tiers count a month's usage per account and Region
/// (CloudFront data out, S3 Standard storage, PrivateLink data processed,
/// Route 53 queries and hosted zones), so a bill's entries are summed before
/// they go through the ladder.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tier {
    pub up_to: f64,
    pub price_id: &'static str,
    /// What the tier covers, as the pricing page says it: `first 10 TB`.
    pub label: &'static str,
}

/// Line items for `quantity` of a month's usage through the published
/// `tiers` (each line `quantity in the tier` × the tier's price × `factor`,
/// described `"{description} ({label})"`). The first tier always has a line,
/// even at zero usage, so a plan lists every price it could bill; later tiers
/// only when the usage reaches them. Every tiered price in the book goes
/// through here: [`crate::model::cdn::DATA_OUT_TIERS`],
/// [`crate::model::storage::STANDARD_STORAGE_TIERS`],
/// [`crate::model::network::ENDPOINT_DATA_TIERS`],
/// [`crate::model::observability::QUERY_TIERS`] and
/// [`crate::model::observability::ZONE_TIERS`].
///
/// # Example
/// ```
/// use kickoff::model::cost::{tiered_items, Service, Tier};
/// use kickoff::model::PriceBook;
/// let tiers = [
///     Tier { up_to: 1e9, price_id: "route53.query_million", label: "first 1 billion" },
///     Tier { up_to: f64::INFINITY, price_id: "route53.query_million.over_1b", label: "over 1 billion" },
/// ];
/// let book = PriceBook::embedded();
/// let items = tiered_items(&book, Service::Dns, "Queries", 1.5e9, "queries", 1e-6, &tiers);
/// // 1,000 million × $0.40 + 500 million × $0.20
/// assert_eq!(items.len(), 2);
/// assert!((items.iter().map(|i| i.monthly_usd).sum::<f64>() - 500.0).abs() < 1e-9);
/// ```
pub fn tiered_items(
    book: &PriceBook,
    service: Service,
    description: &str,
    quantity: f64,
    unit: &str,
    factor: f64,
    tiers: &[Tier],
) -> Vec<LineItem> {
    let mut items = Vec::new();
    let mut from = 0.0;
    for (i, t) in tiers.iter().enumerate() {
        if i > 0 && quantity <= from {
            break;
        }
        let in_tier = (quantity.min(t.up_to) - from).max(0.0);
        items.push(LineItem::new(
            book,
            service,
            format!("{description} ({})", t.label),
            in_tier,
            unit,
            t.price_id,
            factor,
        ));
        from = t.up_to;
    }
    items
}

/// A service's share of the bill, with what was sized and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServiceCost {
    pub service: Service,
    /// What runs, e.g. `2–12 tasks of 1 vCPU / 2 GB (arm64)`.
    pub what: String,
    /// The sized count, e.g. `peak 4 tasks`.
    pub quantity: String,
    /// The constraint that set the size, in words.
    pub binding_constraint: String,
    pub monthly_usd: f64,
    pub items: Vec<LineItem>,
}

impl ServiceCost {
    pub fn new(
        service: Service,
        what: String,
        quantity: String,
        binding_constraint: String,
        items: Vec<LineItem>,
    ) -> Self {
        let monthly_usd = items.iter().map(|i| i.monthly_usd).sum();
        ServiceCost {
            service,
            what,
            quantity,
            binding_constraint,
            monthly_usd,
            items,
        }
    }
}

/// Round to cents for display and exports (never inside the model).
pub fn cents(usd: f64) -> f64 {
    (usd * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_item_multiplies_quantity_by_price() {
        let book = PriceBook::embedded();
        let li = LineItem::new(&book, Service::Alb, "ALB hours", 730.0, "hours", "alb.hour", 1.0);
        assert!((li.monthly_usd - 16.425).abs() < 1e-9);
        let per_k = LineItem::new(
            &book,
            Service::S3,
            "GETs",
            2_000.0,
            "requests",
            "s3.standard.get_1k",
            1e-3,
        );
        assert!((per_k.monthly_usd - 0.0008).abs() < 1e-12);
    }

    fn total(items: &[LineItem]) -> f64 {
        items.iter().map(|i| i.monthly_usd).sum()
    }

    /// Every ladder in the book, tested at and around each boundary: the
    /// usage just below, at and just above a boundary costs the lower
    /// tiers in full plus the remainder at the next tier's price.
    #[test]
    fn every_ladder_bills_each_tier_at_its_price_at_the_boundaries() {
        use crate::model::{cdn, network, observability, storage};
        let book = PriceBook::embedded();
        let ladders: [(&str, &[Tier]); 5] = [
            ("cloudfront", &cdn::DATA_OUT_TIERS),
            ("s3", &storage::STANDARD_STORAGE_TIERS),
            ("privatelink", &network::ENDPOINT_DATA_TIERS),
            ("route53 queries", &observability::QUERY_TIERS),
            ("route53 zones", &observability::ZONE_TIERS),
        ];
        for (name, tiers) in ladders {
            assert!(tiers.last().unwrap().up_to.is_infinite(), "{name}: last tier unbounded");
            for w in tiers.windows(2) {
                assert!(w[0].up_to < w[1].up_to, "{name}: bounds increase");
                assert!(
                    book.get(w[0].price_id) >= book.get(w[1].price_id),
                    "{name}: prices fall"
                );
            }
            let mut full_below = 0.0; // cost of every tier below the boundary, in full
            let mut from = 0.0;
            for (k, t) in tiers.iter().enumerate().take(tiers.len() - 1) {
                full_below += (t.up_to - from) * book.get(t.price_id);
                from = t.up_to;
                let next = book.get(tiers[k + 1].price_id);
                let at = tiered_items(&book, Service::S3, name, t.up_to, "u", 1.0, tiers);
                assert_eq!(at.len(), k + 1, "{name}: at boundary {k} no next-tier line");
                assert!(
                    (total(&at) - full_below).abs() <= 1e-9 * full_below,
                    "{name} at {}",
                    t.up_to
                );
                let above = tiered_items(&book, Service::S3, name, t.up_to + 1.0, "u", 1.0, tiers);
                assert_eq!(above.len(), k + 2, "{name}: one unit above boundary {k}");
                assert_eq!(above[k + 1].quantity, 1.0);
                assert!(
                    (total(&above) - full_below - next).abs() <= 1e-9 * full_below.max(1.0),
                    "{name}"
                );
                let below = tiered_items(&book, Service::S3, name, t.up_to - 1.0, "u", 1.0, tiers);
                assert_eq!(below.len(), k + 1);
                let here = book.get(t.price_id);
                assert!(
                    (total(&below) - (full_below - here)).abs() <= 1e-9 * full_below.max(1.0),
                    "{name}"
                );
            }
        }
    }

    #[test]
    fn zero_usage_lists_the_first_tier_only() {
        let book = PriceBook::embedded();
        let items = tiered_items(
            &book,
            Service::Dns,
            "Queries",
            0.0,
            "queries",
            1e-6,
            &crate::model::observability::QUERY_TIERS,
        );
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].quantity, 0.0);
        assert_eq!(items[0].price_id, "route53.query_million");
    }
}
