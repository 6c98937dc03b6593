//! Networking: how private tasks reach AWS APIs (NAT gateways, interface
//! endpoints or public IPs), the ALB's public addresses, and traffic between AZs.

use super::cost::{tiered_items, LineItem, Service, ServiceCost, Tier};
use super::demand::Month;
use super::prices::PriceBook;
use super::scenario::{Egress, Scenario};
use serde::Serialize;

/// GB in a PB, as AWS's price list counts data (1 TB = 1,024 GB, as in the
/// CloudFront and S3 ranges).
const PB: f64 = 1024.0 * 1024.0;

/// PrivateLink data processed: "pricing tiers apply on the total data
/// processed by all Interface Endpoints in an AWS Region" (first 1 PB, next
/// 4 PB, over 5 PB a month; aws.amazon.com/privatelink/pricing).
pub const ENDPOINT_DATA_TIERS: [Tier; 3] = [
    Tier {
        up_to: PB,
        price_id: "vpc.endpoint_gb",
        label: "first 1 PB",
    },
    Tier {
        up_to: 5.0 * PB,
        price_id: "vpc.endpoint_gb.next_4pb",
        label: "next 4 PB",
    },
    Tier {
        up_to: f64::INFINITY,
        price_id: "vpc.endpoint_gb.over_5pb",
        label: "over 5 PB",
    },
];

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NetworkSizing {
    pub egress: Egress,
    pub nat_gateways: u32,
    pub interface_endpoints: u32,
    /// GB a month through NAT or endpoints (logs, API calls, image manifests).
    pub processed_gb: f64,
    pub cross_az_gb: f64,
}

pub fn egress_name(e: Egress) -> &'static str {
    match e {
        Egress::NatPerAz => "nat_per_az",
        Egress::SingleNat => "single_nat",
        Egress::VpcEndpoints => "vpc_endpoints",
        Egress::PublicSubnets => "public_subnets",
    }
}

/// `ip_hours` of public IPv4 addresses.
pub fn public_ipv4_item(book: &PriceBook, description: String, ip_hours: f64) -> LineItem {
    LineItem::new(
        book,
        Service::Networking,
        description,
        ip_hours,
        "IP-hours",
        "vpc.public_ipv4_hour",
        1.0,
    )
}

/// `nats` NAT gateways running `hours`.
pub fn nat_hours_item(book: &PriceBook, nats: u32, hours: f64) -> LineItem {
    LineItem::new(
        book,
        Service::Networking,
        format!("{nats} NAT gateway(s)"),
        f64::from(nats) * hours,
        "NAT-hours",
        "vpc.nat_hour",
        1.0,
    )
}

/// `gb` processed by NAT gateways.
pub fn nat_data_item(book: &PriceBook, gb: f64) -> LineItem {
    LineItem::new(
        book,
        Service::Networking,
        "NAT data processed",
        gb,
        "GB",
        "vpc.nat_gb",
        1.0,
    )
}

/// `endpoints` interface endpoints in `azs` AZs running `hours`.
pub fn endpoint_hours_item(book: &PriceBook, endpoints: u32, azs: u32, hours: f64) -> LineItem {
    LineItem::new(
        book,
        Service::Networking,
        format!("{endpoints} interface endpoints × {azs} AZs"),
        f64::from(endpoints) * f64::from(azs) * hours,
        "endpoint-hours",
        "vpc.endpoint_hour",
        1.0,
    )
}

/// `gb` processed by all the Region's interface endpoints in a month,
/// through [`ENDPOINT_DATA_TIERS`].
pub fn endpoint_data_items(book: &PriceBook, gb: f64) -> Vec<LineItem> {
    tiered_items(
        book,
        Service::Networking,
        "Interface endpoint data processed",
        gb,
        "GB",
        1.0,
        &ENDPOINT_DATA_TIERS,
    )
}

/// `gb` of traffic between AZs (billed in each direction).
pub fn cross_az_item(book: &PriceBook, gb: f64) -> LineItem {
    LineItem::new(
        book,
        Service::Networking,
        "Cross-AZ traffic to Redis and MySQL",
        gb,
        "GB",
        "vpc.cross_az_gb",
        1.0,
    )
}

/// `task_hours`: Fargate task-hours a month; `log_gb`: logs shipped a month.
pub fn plan(
    s: &Scenario,
    book: &PriceBook,
    month: &Month,
    task_hours: f64,
    log_gb: f64,
) -> (NetworkSizing, ServiceCost) {
    let c = &s.coefficients;
    let hours = c.hours_per_month;
    let processed_gb = log_gb + task_hours * c.egress_gb_per_task_hour;
    // The ALB is internal (terraform/alb.tf, ADR 13: CloudFront reaches it
    // through a VPC origin), so it has no public IPv4 addresses to pay for.
    let mut items = Vec::new();
    let (nats, endpoints) = match s.platform.egress {
        Egress::NatPerAz => (s.platform.az_count, 0),
        Egress::SingleNat => (1, 0),
        Egress::VpcEndpoints => (0, c.interface_endpoints),
        Egress::PublicSubnets => (0, 0),
    };
    if nats > 0 {
        items.push(nat_hours_item(book, nats, hours));
        items.push(public_ipv4_item(
            book,
            "NAT public IPv4 addresses".into(),
            f64::from(nats) * hours,
        ));
        items.push(nat_data_item(book, processed_gb));
    }
    if endpoints > 0 {
        items.push(endpoint_hours_item(book, endpoints, s.platform.az_count, hours));
        items.extend(endpoint_data_items(book, processed_gb));
    }
    if s.platform.egress == Egress::PublicSubnets {
        items.push(public_ipv4_item(book, "Task public IPv4 addresses".into(), task_hours));
    }
    // Tasks talk to Redis and MySQL; a share of that crosses AZs.
    let cache_bytes = month.redis_ops * s.delivery.payload_kb * 1e3;
    let db_bytes = (month.db_reads + month.db_writes) * c.db_bytes_per_query;
    let cross_az_gb = (cache_bytes + db_bytes) / 1e9 * c.cross_az_share;
    items.push(cross_az_item(book, cross_az_gb));
    let what = match s.platform.egress {
        Egress::NatPerAz => format!("{nats} NAT gateways (one per AZ)"),
        Egress::SingleNat => "1 NAT gateway (single AZ of egress)".to_string(),
        Egress::VpcEndpoints => format!("{endpoints} interface endpoints + S3 gateway endpoint, no NAT"),
        Egress::PublicSubnets => "tasks in public subnets with public IPs, no NAT".to_string(),
    };
    let cost = ServiceCost::new(
        Service::Networking,
        what,
        format!("{} AZs", s.platform.az_count),
        "egress choice (fixed hourly cost) and AZ count".into(),
        items,
    );
    (
        NetworkSizing {
            egress: s.platform.egress,
            nat_gateways: nats,
            interface_endpoints: endpoints,
            processed_gb,
            cross_az_gb,
        },
        cost,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usd(e: Egress) -> f64 {
        let mut s = Scenario::default();
        s.platform.egress = e;
        plan(&s, &PriceBook::embedded(), &Month::default(), 2_000.0, 10.0)
            .1
            .monthly_usd
    }

    #[test]
    fn egress_choices_rank_as_expected_at_two_azs() {
        // 2 NAT: 2 × 730 × (0.045 + 0.005) = 73 + data; endpoints: 7 × 2 × 730 × 0.01 = 102.2 + data.
        let nat = usd(Egress::NatPerAz);
        let single = usd(Egress::SingleNat);
        let endpoints = usd(Egress::VpcEndpoints);
        let public = usd(Egress::PublicSubnets);
        assert!(public < single && single < nat, "{public} {single} {nat}");
        assert!(endpoints > nat, "{endpoints} {nat}");
        // Public subnets: one address per task-hour, none for the internal ALB.
        assert!((public - 2_000.0 * 0.005).abs() < 1e-9);
    }

    #[test]
    fn endpoint_data_above_a_petabyte_is_cheaper() {
        let book = PriceBook::embedded();
        let usd = |gb: f64| {
            endpoint_data_items(&book, gb)
                .iter()
                .map(|i| i.monthly_usd)
                .sum::<f64>()
        };
        // 2 PB: 1 PB at $0.01 + 1 PB at $0.006 per GB.
        assert!((usd(2.0 * PB) - PB * (0.01 + 0.006)).abs() < 1e-6);
        // 6 PB: + 4 PB at $0.006 − the 1 PB above + 1 PB at $0.004.
        assert!((usd(6.0 * PB) - PB * (0.01 + 4.0 * 0.006 + 0.004)).abs() < 1e-6);
    }
}
