//! CloudFront: monthly requests and data out, priced pay-as-you-go (tiers,
//! always-free allowance, Origin Shield requests) or as a flat-rate plan.

use super::cost::{LineItem, Service, ServiceCost};
use super::demand::Month;
use super::prices::PriceBook;
use super::scenario::{CdnPricing, PriceClass, Scenario};
use serde::Serialize;

/// Data-out tiers for North America and Europe: (GB in the tier, price id).
pub const GB_TIERS: [(f64, &str); 7] = [
    (10_000.0, "cloudfront.gb.tier1"),
    (40_000.0, "cloudfront.gb.tier2"),
    (100_000.0, "cloudfront.gb.tier3"),
    (350_000.0, "cloudfront.gb.tier4"),
    (524_000.0, "cloudfront.gb.tier5"),
    (4_000_000.0, "cloudfront.gb.tier6"),
    (f64::INFINITY, "cloudfront.gb.tier7"),
];

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CdnSizing {
    pub requests_per_month: f64,
    pub gb_per_month: f64,
    pub shield_requests_per_month: f64,
    pub price_class: PriceClass,
    pub pricing: CdnPricing,
    pub live_ttl_s: f64,
    pub origin_shield: bool,
    /// Share of edge requests answered without reaching the ALB.
    pub offload_share: f64,
}

pub fn price_class_name(p: PriceClass) -> &'static str {
    match p {
        PriceClass::PriceClass100 => "PriceClass_100",
        PriceClass::PriceClass200 => "PriceClass_200",
        PriceClass::PriceClassAll => "PriceClass_All",
    }
}

/// Line items for `gb` of data out, after the free allowance, through the tiers.
pub fn data_out_items(book: &PriceBook, gb: f64) -> Vec<LineItem> {
    let mut left = (gb - book.get("cloudfront.free_gb")).max(0.0);
    let mut items = Vec::new();
    for (i, (size, id)) in GB_TIERS.iter().enumerate() {
        if left <= 0.0 {
            break;
        }
        let in_tier = left.min(*size);
        items.push(LineItem::new(
            book,
            Service::CloudFront,
            format!("Data out, tier {} (after 1 TB free)", i + 1),
            in_tier,
            "GB",
            id,
            1.0,
        ));
        left -= in_tier;
    }
    items
}

/// Line items of a month of CloudFront: pay-as-you-go data out (`gb`), HTTPS
/// requests and, when Origin Shield is on, its requests; or a flat-rate
/// plan's fee. The plan and `kickoff price` both price CloudFront here.
pub fn items(
    book: &PriceBook,
    pricing: CdnPricing,
    gb: f64,
    requests: f64,
    shield_requests: Option<f64>,
) -> Vec<LineItem> {
    let flat = match pricing {
        CdnPricing::PayAsYouGo => None,
        CdnPricing::FlatPro => Some(("Pro", "cloudfront.flat.pro")),
        CdnPricing::FlatBusiness => Some(("Business", "cloudfront.flat.business")),
        CdnPricing::FlatPremium => Some(("Premium", "cloudfront.flat.premium")),
    };
    if let Some((name, id)) = flat {
        return vec![LineItem::new(
            book,
            Service::CloudFront,
            format!("Flat-rate {name} plan"),
            1.0,
            "months",
            id,
            1.0,
        )];
    }
    let mut items = data_out_items(book, gb);
    let billed_requests = (requests - book.get("cloudfront.free_requests")).max(0.0);
    items.push(LineItem::new(
        book,
        Service::CloudFront,
        "HTTPS requests (after 10 M free)",
        billed_requests,
        "requests",
        "cloudfront.https_10k",
        1e-4,
    ));
    if let Some(shield) = shield_requests {
        items.push(LineItem::new(
            book,
            Service::CloudFront,
            "Origin Shield requests",
            shield,
            "requests",
            "cloudfront.origin_shield_10k",
            1e-4,
        ));
    }
    items
}

pub fn plan(s: &Scenario, book: &PriceBook, month: &Month) -> (CdnSizing, ServiceCost) {
    let requests = month.edge_requests;
    let gb = month.edge_gb;
    let shield = s.delivery.origin_shield.then_some(month.shield_requests);
    let items = items(book, s.platform.cdn_pricing, gb, requests, shield);
    let offload_share = if requests > 0.0 {
        1.0 - month.origin_requests / requests
    } else {
        0.0
    };
    let cost = ServiceCost::new(
        Service::CloudFront,
        format!(
            "1 distribution, {}, live TTL {} s{}",
            price_class_name(s.platform.cdn_price_class),
            s.delivery.cdn_live_ttl_s,
            if s.delivery.origin_shield {
                ", Origin Shield"
            } else {
                ""
            }
        ),
        format!("{:.1} M requests, {:.0} GB a month", requests / 1e6, gb),
        format!(
            "traffic: {:.1} % of requests answered at the edge",
            offload_share * 100.0
        ),
        items,
    );
    let sizing = CdnSizing {
        requests_per_month: requests,
        gb_per_month: gb,
        shield_requests_per_month: month.shield_requests,
        price_class: s.platform.cdn_price_class,
        pricing: s.platform.cdn_pricing,
        live_ttl_s: s.delivery.cdn_live_ttl_s,
        origin_shield: s.delivery.origin_shield,
        offload_share,
    };
    (sizing, cost)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiers_start_after_the_free_terabyte() {
        let book = PriceBook::embedded();
        assert!(data_out_items(&book, 900.0).is_empty());
        let items = data_out_items(&book, 12_000.0);
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].quantity, 10_000.0);
        assert_eq!(items[1].quantity, 1_000.0);
        let usd: f64 = items.iter().map(|i| i.monthly_usd).sum();
        assert!((usd - (850.0 + 80.0)).abs() < 1e-9);
    }

    #[test]
    fn flat_rate_is_one_line() {
        let mut s = Scenario::default();
        s.platform.cdn_pricing = CdnPricing::FlatBusiness;
        let m = Month {
            edge_requests: 1e9,
            edge_gb: 5e4,
            ..Month::default()
        };
        let (_, cost) = plan(&s, &PriceBook::embedded(), &m);
        assert_eq!(cost.items.len(), 1);
        assert_eq!(cost.monthly_usd, 200.0);
    }
}
