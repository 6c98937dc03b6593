//! CloudFront: monthly requests and data out, priced pay-as-you-go (tiers,
//! always-free allowance, Origin Shield requests) or as a flat-rate plan.

use super::cost::{tiered_items, LineItem, Service, ServiceCost, Tier};
use super::demand::Month;
use super::prices::PriceBook;
use super::scenario::{CdnPricing, PriceClass, Scenario};
use serde::Serialize;

/// GB in a TB on the CloudFront price list: its data-out ranges are in GB
/// (10,240, 51,200, 153,600…), and the page's tiers add up to 1 PB = 1,024 TB
/// (10 + 40 + 100 + 350 + 524).
const TB: f64 = 1024.0;

/// Data out to viewers in North America and Europe, per month (account-wide,
/// after the always-free allowance), through the published tiers.
pub const DATA_OUT_TIERS: [Tier; 7] = [
    Tier {
        up_to: 10.0 * TB,
        price_id: "cloudfront.gb.tier1",
        label: "first 10 TB",
    },
    Tier {
        up_to: 50.0 * TB,
        price_id: "cloudfront.gb.tier2",
        label: "next 40 TB",
    },
    Tier {
        up_to: 150.0 * TB,
        price_id: "cloudfront.gb.tier3",
        label: "next 100 TB",
    },
    Tier {
        up_to: 500.0 * TB,
        price_id: "cloudfront.gb.tier4",
        label: "next 350 TB",
    },
    Tier {
        up_to: 1024.0 * TB,
        price_id: "cloudfront.gb.tier5",
        label: "next 524 TB",
    },
    Tier {
        up_to: 5.0 * 1024.0 * TB,
        price_id: "cloudfront.gb.tier6",
        label: "next 4 PB",
    },
    Tier {
        up_to: f64::INFINITY,
        price_id: "cloudfront.gb.tier7",
        label: "over 5 PB",
    },
];

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CdnSizing {
    pub requests_per_month: f64,
    pub gb_per_month: f64,
    /// Requests that reach Origin Shield (0 without it).
    pub shield_requests_per_month: f64,
    /// Of those, the requests Origin Shield charges for.
    pub shield_charged_requests_per_month: f64,
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

/// Line items for `gb` of data out, after the free allowance, through
/// [`DATA_OUT_TIERS`].
pub fn data_out_items(book: &PriceBook, gb: f64) -> Vec<LineItem> {
    let billed = (gb - book.get("cloudfront.free_gb")).max(0.0);
    tiered_items(
        book,
        Service::CloudFront,
        "Data out after 1 TB free",
        billed,
        "GB",
        1.0,
        &DATA_OUT_TIERS,
    )
}

/// Line items of a month of CloudFront: pay-as-you-go data out (`gb`), HTTPS
/// requests and, when Origin Shield is on, the requests it charges for
/// (`shield_requests`: see [`charged_shield_requests`]); or a flat-rate
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
            "Origin Shield requests (from regional edge caches outside its Region)",
            shield,
            "requests",
            "cloudfront.origin_shield_10k",
            1e-4,
        ));
    }
    items
}

/// The Origin Shield requests CloudFront charges for, of `reaching` that
/// reach it. The CloudFront Developer Guide (Using Origin Shield →
/// Estimating Origin Shield costs; the price is on
/// aws.amazon.com/cloudfront/pricing) charges "requests that go to Origin
/// Shield as an incremental layer": every dynamic request (PUT, POST, PATCH,
/// DELETE), and a GET, HEAD or OPTIONS request only when it comes from a
/// regional edge cache in a different Region from Origin Shield — "for
/// requests that naturally go to the regional edge cache in the same region
/// as Origin Shield ... you do not accrue Origin Shield charges". Fans only
/// send GETs (polls, streams, pages), cacheable or not, so the charged share
/// is the share of requests that arrive through regional edge caches
/// outside us-east-1: 1 − `coefficients.cdn_shield_region_share`.
pub fn charged_shield_requests(s: &Scenario, reaching: f64) -> f64 {
    reaching * (1.0 - s.coefficients.cdn_shield_region_share)
}

pub fn plan(s: &Scenario, book: &PriceBook, month: &Month) -> (CdnSizing, ServiceCost) {
    let requests = month.edge_requests;
    let gb = month.edge_gb;
    let charged = charged_shield_requests(s, month.shield_requests);
    let shield = s.delivery.origin_shield.then_some(charged);
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
        shield_charged_requests_per_month: if s.delivery.origin_shield { charged } else { 0.0 },
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
        let free = data_out_items(&book, 900.0);
        assert_eq!((free.len(), free[0].monthly_usd), (1, 0.0));
        // 1 TB free, then 10,240 GB at $0.085 and the rest at $0.080.
        let items = data_out_items(&book, 12_240.0);
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].quantity, 10_240.0);
        assert_eq!(items[1].quantity, 1_000.0);
        let usd: f64 = items.iter().map(|i| i.monthly_usd).sum();
        assert!((usd - (870.4 + 80.0)).abs() < 1e-9);
    }

    #[test]
    fn origin_shield_charges_only_requests_from_other_regions() {
        let mut s = Scenario::default();
        s.delivery.origin_shield = true;
        let m = Month {
            edge_requests: 1e9,
            shield_requests: 1e8,
            ..Month::default()
        };
        let book = PriceBook::embedded();
        let shield_usd = |s: &Scenario| {
            let (sz, cost) = plan(s, &book, &m);
            let usd = cost
                .items
                .iter()
                .filter(|i| i.price_id == "cloudfront.origin_shield_10k")
                .map(|i| i.monthly_usd)
                .sum::<f64>();
            (sz.shield_charged_requests_per_month, usd)
        };
        s.coefficients.cdn_shield_region_share = 0.25;
        let (charged, usd) = shield_usd(&s);
        assert!((charged - 0.75e8).abs() < 1e-6);
        assert!((usd - 0.75e8 / 1e4 * 0.0075).abs() < 1e-9, "{usd}");
        // Every viewer behind us-east-1's own regional edge cache: nothing.
        s.coefficients.cdn_shield_region_share = 1.0;
        assert_eq!(shield_usd(&s), (0.0, 0.0));
        s.delivery.origin_shield = false;
        s.coefficients.cdn_shield_region_share = 0.0;
        assert_eq!(shield_usd(&s), (0.0, 0.0));
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
