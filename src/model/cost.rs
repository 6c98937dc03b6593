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
}
