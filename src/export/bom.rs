//! `kickoff price`: price an explicit bill of materials (what runs today, or a
//! hand-made design) line by line, like the AWS Pricing Calculator. The input
//! format is documented in `docs/reference/bill-of-materials.md`.
//!
//! This module only parses a bill and maps it onto the service modules' own
//! line-item functions (`fargate::items`, `rds::items`, …): the plan and a
//! bill are priced by the same code, so they cannot disagree on a formula.
//! [`Bill::of_plan`] writes a plan's sized resources as a bill; a property
//! test prices it and gets the plan's total.

use super::scenario_file::{check_size, ImportError};
use crate::fmt::unit_price;
use crate::model::alb::{self, Lcu};
use crate::model::catalog::{cache_node, db_class, is_valid_fargate_pair};
use crate::model::cost::{LineItem, HOURS_PER_MONTH};
use crate::model::demand::{Demand, GB};
use crate::model::fargate::{self, FREE_EPHEMERAL_GB};
use crate::model::limits::LimitCatalog;
use crate::model::scenario::{Arch, CacheEngine, CdnPricing, Egress, MysqlVersion, Scenario};
use crate::model::storage::{self, Class};
use crate::model::{cache, cdn, network, observability, rds, Plan};
use serde::{Deserialize, Serialize};

fn month() -> f64 {
    HOURS_PER_MONTH
}
fn twenty() -> f64 {
    20.0
}
fn one() -> u32 {
    1
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bill {
    #[serde(default = "month")]
    pub hours_per_month: f64,
    #[serde(default)]
    pub fargate: Vec<Fargate>,
    #[serde(default)]
    pub alb: Vec<Alb>,
    #[serde(default)]
    pub rds: Vec<Rds>,
    #[serde(default)]
    pub elasticache: Vec<ElastiCache>,
    #[serde(default)]
    pub cloudfront: Vec<CloudFront>,
    #[serde(default)]
    pub s3: Vec<S3>,
    #[serde(default)]
    pub nat_gateway: Vec<NatGateway>,
    #[serde(default)]
    pub vpc_endpoint: Vec<VpcEndpoint>,
    #[serde(default)]
    pub public_ipv4: Vec<PublicIpv4>,
    #[serde(default)]
    pub cross_az: Vec<CrossAz>,
    #[serde(default)]
    pub route53: Vec<Route53>,
    #[serde(default)]
    pub cloudwatch: Vec<CloudWatch>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fargate {
    pub tasks: u32,
    pub vcpu: f64,
    pub memory_gb: f64,
    #[serde(default = "twenty")]
    pub ephemeral_gb: f64,
    /// Defaults to the month.
    pub hours_per_task: Option<f64>,
    #[serde(default = "x86")]
    pub arch: Arch,
    #[serde(default)]
    pub spot: bool,
}

fn x86() -> Arch {
    Arch::X86_64
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Alb {
    pub new_connections_per_s: f64,
    pub connection_duration_s: f64,
    pub requests_per_s: f64,
    pub processed_bytes_per_s: f64,
    #[serde(default)]
    pub rules: u32,
    pub hours: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rds {
    pub instance_class: String,
    #[serde(default)]
    pub multi_az: bool,
    #[serde(default)]
    pub read_replicas: u32,
    pub storage_gb: f64,
    /// Provisioned IOPS above the included gp3 baseline.
    #[serde(default)]
    pub extra_iops: f64,
    /// Backup storage beyond the free 100 % of provisioned storage.
    #[serde(default)]
    pub extra_backup_gb: f64,
    /// RDS Proxy in front of the writer.
    #[serde(default)]
    pub proxy: bool,
    /// MySQL major version; 8.0 adds RDS Extended Support.
    #[serde(default = "mysql_8_4")]
    pub engine_version: MysqlVersion,
    pub hours: Option<f64>,
}

fn mysql_8_4() -> MysqlVersion {
    MysqlVersion::V8_4
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ElastiCache {
    pub engine: CacheEngine,
    pub node_type: String,
    #[serde(default = "one")]
    pub nodes: u32,
    pub hours: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CloudFront {
    /// Pay-as-you-go, or a flat-rate plan (then only its fee is billed).
    #[serde(default = "pay_as_you_go")]
    pub pricing: CdnPricing,
    pub data_out_gb: f64,
    pub https_requests: f64,
    /// Requests Origin Shield charges for: those from regional edge caches
    /// outside its Region, and dynamic (PUT, POST, PATCH, DELETE) ones.
    #[serde(default)]
    pub origin_shield_requests: f64,
}

fn pay_as_you_go() -> CdnPricing {
    CdnPricing::PayAsYouGo
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct S3 {
    #[serde(default = "standard")]
    pub storage_class: Class,
    /// GB-months stored.
    pub gb: f64,
    /// Objects stored (average): raises small objects to the class's
    /// minimum billable size, adds the archive classes' per-object overhead.
    #[serde(default)]
    pub objects: f64,
    #[serde(default)]
    pub put_requests: f64,
    #[serde(default)]
    pub get_requests: f64,
    /// Lifecycle transitions into this class a month.
    #[serde(default)]
    pub transitions: f64,
    /// GB read back (retrieval; a Standard restore from the archive classes).
    #[serde(default)]
    pub retrieval_gb: f64,
    /// Standard restore requests (Glacier Flexible Retrieval only).
    #[serde(default)]
    pub restore_requests: f64,
}

fn standard() -> Class {
    Class::Standard
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NatGateway {
    #[serde(default = "one")]
    pub count: u32,
    pub hours: Option<f64>,
    #[serde(default)]
    pub gb_processed: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VpcEndpoint {
    /// Interface endpoints (the S3 gateway endpoint is free).
    pub count: u32,
    #[serde(default = "one")]
    pub azs: u32,
    pub hours: Option<f64>,
    #[serde(default)]
    pub gb_processed: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublicIpv4 {
    pub count: u32,
    pub hours: Option<f64>,
}

/// Traffic between availability zones.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CrossAz {
    pub gb: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Route53 {
    #[serde(default = "one")]
    pub hosted_zones: u32,
    #[serde(default)]
    pub queries: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CloudWatch {
    #[serde(default)]
    pub log_ingest_gb: f64,
    #[serde(default)]
    pub log_storage_gb: f64,
    #[serde(default)]
    pub alarms: u32,
    #[serde(default)]
    pub dashboards: u32,
}

/// A priced bill.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Priced {
    pub total_monthly_usd: f64,
    pub items: Vec<LineItem>,
}

/// Parse a bill of materials; errors name the field.
///
/// # Errors
/// Oversized input, malformed JSON, unknown fields, wrong types.
pub fn from_json(text: &str) -> Result<Bill, ImportError> {
    check_size(text.len())?;
    let de = &mut serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        ImportError {
            field: (path != ".").then_some(path),
            message: format!("invalid bill of materials: {}", e.into_inner()),
        }
    })
}

struct Checker(Vec<String>);

impl Checker {
    /// A quantity from 0 to 10^15: far past any real bill, and small enough
    /// that every amount stays a finite number.
    fn non_negative(&mut self, field: String, v: f64) {
        if !(v.is_finite() && (0.0..=1e15).contains(&v)) {
            self.0.push(format!("{field} = {v}: must be a number from 0 to 1e15"));
        }
    }
    fn hours(&mut self, field: String, v: Option<f64>, month: f64) -> f64 {
        let h = v.unwrap_or(month);
        if !(h.is_finite() && (0.0..=744.0).contains(&h)) {
            self.0.push(format!("{field} = {h}: must be from 0 to 744 hours"));
        }
        h
    }
    fn each(&mut self, at: impl Fn(&str) -> String, values: &[(&str, f64)]) {
        for (n, v) in values {
            self.non_negative(at(n), *v);
        }
    }
}

/// Price every line of `bill` with the service modules' line-item functions.
///
/// # Errors
/// Every invalid field, one per line of the message.
pub fn price(bill: &Bill, book: &crate::model::PriceBook) -> Result<Priced, ImportError> {
    let mut c = Checker(Vec::new());
    let mut items: Vec<LineItem> = Vec::new();
    let month = bill.hours_per_month;
    if !(672.0..=744.0).contains(&month) {
        c.0.push(format!("hours_per_month = {month}: must be from 672 to 744"));
    }
    for (i, f) in bill.fargate.iter().enumerate() {
        let at = |n: &str| format!("fargate[{i}].{n}");
        if !is_valid_fargate_pair(f.vcpu, f.memory_gb) {
            c.0.push(format!(
                "{} = {} / {} GB: not a valid Fargate task size",
                at("vcpu/memory_gb"),
                f.vcpu,
                f.memory_gb
            ));
        }
        c.non_negative(at("ephemeral_gb"), f.ephemeral_gb);
        if f.ephemeral_gb > 200.0 {
            c.0.push(format!(
                "{} = {}: Fargate allows at most 200 GB",
                at("ephemeral_gb"),
                f.ephemeral_gb
            ));
        }
        let task_hours = f64::from(f.tasks) * c.hours(at("hours_per_task"), f.hours_per_task, month);
        let (on_demand, spot) = if f.spot { (0.0, task_hours) } else { (task_hours, 0.0) };
        let entry = format!("{} × {} vCPU / {} GB: ", f.tasks, f.vcpu, f.memory_gb);
        let lines = fargate::items(book, f.arch, f.vcpu, f.memory_gb, on_demand, spot)
            .into_iter()
            .filter(|li| !(f.spot && li.quantity == 0.0))
            .chain(fargate::ephemeral_item(book, task_hours, f.ephemeral_gb));
        items.extend(lines.map(|li| LineItem {
            description: format!("{entry}{}", li.description),
            ..li
        }));
    }
    for (i, a) in bill.alb.iter().enumerate() {
        let at = |n: &str| format!("alb[{i}].{n}");
        c.each(
            at,
            &[
                ("new_connections_per_s", a.new_connections_per_s),
                ("connection_duration_s", a.connection_duration_s),
                ("requests_per_s", a.requests_per_s),
                ("processed_bytes_per_s", a.processed_bytes_per_s),
            ],
        );
        let hours = c.hours(at("hours"), a.hours, month);
        let d = Demand {
            alb_new_connections_per_s: a.new_connections_per_s,
            origin_connections: a.new_connections_per_s * a.connection_duration_s,
            origin_bytes_per_s: a.processed_bytes_per_s,
            origin_rps: a.requests_per_s,
            ..Demand::default()
        };
        let lcu = Lcu::of(&d, a.rules);
        let note = format!("{:.3} LCU, {}", lcu.billed(), lcu.binding());
        items.extend(alb::items(book, hours, lcu.billed() * hours, &note));
    }
    for (i, r) in bill.rds.iter().enumerate() {
        let at = |n: &str| format!("rds[{i}].{n}");
        let hours = c.hours(at("hours"), r.hours, month);
        c.each(
            at,
            &[
                ("storage_gb", r.storage_gb),
                ("extra_iops", r.extra_iops),
                ("extra_backup_gb", r.extra_backup_gb),
            ],
        );
        let Some(class) = db_class(&r.instance_class) else {
            c.0.push(format!(
                "{} = {}: not a class in the price book",
                at("instance_class"),
                r.instance_class
            ));
            continue;
        };
        let db = rds::Db {
            class: &class,
            multi_az: r.multi_az,
            replicas: r.read_replicas,
            storage_gb: r.storage_gb,
            extra_iops: r.extra_iops,
            backup_gb_above_storage: r.extra_backup_gb,
            proxy: r.proxy,
            engine: r.engine_version,
            hours,
            month_hours: month,
        };
        items.extend(rds::items(book, &db));
    }
    for (i, e) in bill.elasticache.iter().enumerate() {
        let hours = c.hours(format!("elasticache[{i}].hours"), e.hours, month);
        if cache_node(&e.node_type).is_none() {
            c.0.push(format!(
                "elasticache[{i}].node_type = {}: not a node type in the price book",
                e.node_type
            ));
            continue;
        }
        items.extend(cache::items(book, e.engine, &e.node_type, e.nodes, hours));
    }
    // CloudFront's free allowance and data-out tiers count the account's
    // month: pay-as-you-go entries are summed and priced once.
    let mut cdn_month = [0.0; 3];
    for (i, cf) in bill.cloudfront.iter().enumerate() {
        let usage = [cf.data_out_gb, cf.https_requests, cf.origin_shield_requests];
        c.each(
            |n| format!("cloudfront[{i}].{n}"),
            &[
                ("data_out_gb", usage[0]),
                ("https_requests", usage[1]),
                ("origin_shield_requests", usage[2]),
            ],
        );
        if cf.pricing == CdnPricing::PayAsYouGo {
            for (total, u) in cdn_month.iter_mut().zip(usage) {
                *total += u;
            }
        } else {
            items.extend(cdn::items(book, cf.pricing, 0.0, 0.0, None));
        }
    }
    if bill.cloudfront.iter().any(|cf| cf.pricing == CdnPricing::PayAsYouGo) && cdn_month.iter().all(|x| x.is_finite())
    {
        let [gb, requests, shield] = cdn_month;
        let shield = (shield > 0.0).then_some(shield);
        items.extend(cdn::items(book, CdnPricing::PayAsYouGo, gb, requests, shield));
    }
    // S3 Standard storage counts every bucket (and the archive classes'
    // 8 KB per object) in one set of volume tiers.
    let limits = LimitCatalog::shared();
    let mut standard_gb: Option<f64> = None;
    let mut s3_items = Vec::new();
    for (i, s) in bill.s3.iter().enumerate() {
        c.each(
            |n| format!("s3[{i}].{n}"),
            &[
                ("gb", s.gb),
                ("objects", s.objects),
                ("put_requests", s.put_requests),
                ("get_requests", s.get_requests),
                ("transitions", s.transitions),
                ("retrieval_gb", s.retrieval_gb),
                ("restore_requests", s.restore_requests),
            ],
        );
        let class = s.storage_class;
        let (class_gb, overhead) = class.billed_gb(limits, s.gb, s.objects);
        if class == Class::Standard {
            *standard_gb.get_or_insert(0.0) += class_gb;
        } else {
            s3_items.push(class.storage_item(book, class_gb, ""));
        }
        if overhead > 0.0 {
            *standard_gb.get_or_insert(0.0) += overhead;
        }
        if s.put_requests > 0.0 {
            s3_items.push(class.put_item(book, s.put_requests, "PUT requests"));
        }
        if s.get_requests > 0.0 {
            s3_items.push(class.get_item(book, s.get_requests, "GET requests"));
        }
        if s.transitions > 0.0 {
            s3_items.extend(class.transition_item(book, s.transitions, ""));
        }
        if s.retrieval_gb > 0.0 {
            match class.retrieval_item(book, s.retrieval_gb, "Retrieval") {
                Some(item) => s3_items.push(item),
                None => c.0.push(format!(
                    "s3[{i}].retrieval_gb = {}: {} has no retrieval fee; use get_requests",
                    s.retrieval_gb,
                    class.name()
                )),
            }
        }
        if s.restore_requests > 0.0 {
            match class.restore_requests_item(book, s.restore_requests) {
                Some(item) => s3_items.push(item),
                None => c.0.push(format!(
                    "s3[{i}].restore_requests = {}: only glacier_flexible has a restore request price in the book",
                    s.restore_requests
                )),
            }
        }
    }
    if let Some(gb) = standard_gb.filter(|gb| gb.is_finite()) {
        items.extend(storage::standard_storage_items(book, gb, ""));
    }
    items.extend(s3_items);
    for (i, n) in bill.nat_gateway.iter().enumerate() {
        let hours = c.hours(format!("nat_gateway[{i}].hours"), n.hours, month);
        c.non_negative(format!("nat_gateway[{i}].gb_processed"), n.gb_processed);
        items.push(network::nat_hours_item(book, n.count, hours));
        items.push(network::nat_data_item(book, n.gb_processed));
    }
    // PrivateLink's data tiers count all the Region's interface endpoints.
    let mut endpoint_gb = 0.0;
    for (i, v) in bill.vpc_endpoint.iter().enumerate() {
        let hours = c.hours(format!("vpc_endpoint[{i}].hours"), v.hours, month);
        c.non_negative(format!("vpc_endpoint[{i}].gb_processed"), v.gb_processed);
        items.push(network::endpoint_hours_item(book, v.count, v.azs, hours));
        endpoint_gb += v.gb_processed;
    }
    if !bill.vpc_endpoint.is_empty() && endpoint_gb.is_finite() {
        items.extend(network::endpoint_data_items(book, endpoint_gb));
    }
    for (i, p) in bill.public_ipv4.iter().enumerate() {
        let hours = c.hours(format!("public_ipv4[{i}].hours"), p.hours, month);
        let what = format!("{} public IPv4 address(es)", p.count);
        items.push(network::public_ipv4_item(book, what, f64::from(p.count) * hours));
    }
    for (i, x) in bill.cross_az.iter().enumerate() {
        c.non_negative(format!("cross_az[{i}].gb"), x.gb);
        items.push(network::cross_az_item(book, x.gb));
    }
    // Route 53 tiers count the account's zones and queries.
    let (mut zones, mut queries) = (0u32, 0.0);
    for (i, r) in bill.route53.iter().enumerate() {
        c.non_negative(format!("route53[{i}].queries"), r.queries);
        zones = zones.saturating_add(r.hosted_zones);
        queries += r.queries;
    }
    if !bill.route53.is_empty() && queries.is_finite() {
        items.extend(observability::dns_items(book, zones, queries));
    }
    for (i, w) in bill.cloudwatch.iter().enumerate() {
        c.non_negative(format!("cloudwatch[{i}].log_ingest_gb"), w.log_ingest_gb);
        c.non_negative(format!("cloudwatch[{i}].log_storage_gb"), w.log_storage_gb);
        items.extend(observability::log_items(
            book,
            w.log_ingest_gb,
            w.log_storage_gb,
            "Log storage",
        ));
        items.push(observability::alarms_item(book, w.alarms));
        items.push(observability::dashboards_item(book, w.dashboards));
    }
    if !c.0.is_empty() {
        return Err(ImportError {
            field: None,
            message: format!("invalid bill of materials:\n  {}", c.0.join("\n  ")),
        });
    }
    let total_monthly_usd = items.iter().map(|i| i.monthly_usd).sum();
    Ok(Priced {
        total_monthly_usd,
        items,
    })
}

/// `hours` of something (tasks, addresses) as a count and hours each, the
/// count the fewest that keeps each at most `month`.
fn spread(hours: f64, month: f64) -> (u32, f64) {
    let count = (hours / month).ceil().max(1.0);
    (count as u32, hours / count)
}

impl Bill {
    /// The resources plan `p` of scenario `s` sizes, as a bill: pricing it
    /// gives the plan's total (the property test `a_plan_priced_as_a_bill`).
    /// Quantities the plan simulates (task-hours, LCU-hours, S3 GB-months)
    /// enter as the month's totals.
    pub fn of_plan(s: &Scenario, p: &Plan) -> Bill {
        let month = s.coefficients.hours_per_month;
        let quantity = |id: &str| -> f64 {
            p.services
                .iter()
                .flat_map(|c| &c.items)
                .filter(|i| i.price_id == id)
                .map(|i| i.quantity)
                .sum()
        };
        let f = &p.fargate;
        let arch_id = match f.arch {
            Arch::Arm64 => "arm",
            Arch::X86_64 => "x86",
        };
        let (spot_vcpu_h, all_vcpu_h) = p
            .services
            .iter()
            .flat_map(|c| &c.items)
            .filter(|i| i.price_id == format!("fargate.{arch_id}.vcpu_hour"))
            .fold((0.0, 0.0), |(spot, all), i| {
                let spot_h = if i.description.starts_with("Spot") {
                    i.quantity
                } else {
                    0.0
                };
                (spot + spot_h, all + i.quantity)
            });
        let fargate_entry = |vcpu_h: f64, spot: bool| {
            let (tasks, hours) = spread(vcpu_h / f.task_vcpu, month);
            Fargate {
                tasks,
                vcpu: f.task_vcpu,
                memory_gb: f.task_memory_gb,
                ephemeral_gb: FREE_EPHEMERAL_GB,
                hours_per_task: Some(hours),
                arch: f.arch,
                spot,
            }
        };
        let mut fargate = vec![fargate_entry(all_vcpu_h - spot_vcpu_h, false)];
        if spot_vcpu_h > 0.0 {
            fargate.push(fargate_entry(spot_vcpu_h, true));
        }

        let ips = |count: f64| {
            let (count, hours) = spread(count * month, month);
            PublicIpv4 {
                count,
                hours: Some(hours),
            }
        };
        let net = &p.network;
        // NAT gateways' addresses; the ALB is internal (no public IPv4).
        let mut public_ipv4 = vec![ips(f64::from(net.nat_gateways))];
        if net.egress == Egress::PublicSubnets {
            let (count, hours) = spread(
                quantity("vpc.public_ipv4_hour") - public_ipv4_hours(&public_ipv4),
                month,
            );
            public_ipv4.push(PublicIpv4 {
                count,
                hours: Some(hours),
            });
        }
        let ids = |f: &dyn Fn(Class) -> Option<String>, class: Class| f(class).map_or(0.0, |id| quantity(&id));
        let s3 = Class::ALL
            .iter()
            .map(|&class| S3 {
                storage_class: class,
                gb: if class == Class::Standard {
                    storage::STANDARD_STORAGE_TIERS
                        .iter()
                        .map(|t| quantity(t.price_id))
                        .sum()
                } else {
                    quantity(&class.storage_id())
                },
                objects: 0.0,
                put_requests: quantity(&class.put_id()),
                get_requests: quantity(&class.get_id()),
                transitions: ids(&|c| c.transition_id(), class),
                retrieval_gb: ids(&|c| c.retrieval_id().map(String::from), class),
                restore_requests: ids(&|c| c.restore_request_id().map(String::from), class),
            })
            .filter(|e| {
                e.storage_class == Class::Standard
                    || [
                        e.gb,
                        e.put_requests,
                        e.get_requests,
                        e.transitions,
                        e.retrieval_gb,
                        e.restore_requests,
                    ]
                    .iter()
                    .any(|x| *x > 0.0)
            })
            .collect();
        let rds = &p.rds;
        Bill {
            hours_per_month: month,
            fargate,
            alb: vec![Alb {
                new_connections_per_s: 0.0,
                connection_duration_s: 0.0,
                requests_per_s: 0.0,
                // One GB an hour is one LCU: the month's LCU-hours spread evenly.
                processed_bytes_per_s: p.alb.lcu_hours_per_month / month * GB / 3600.0,
                rules: 0,
                hours: Some(month),
            }],
            rds: vec![Rds {
                instance_class: rds.instance_class.clone(),
                multi_az: rds.multi_az,
                read_replicas: rds.read_replicas,
                storage_gb: f64::from(rds.allocated_storage_gb),
                extra_iops: if rds.provisioned_iops > 0 {
                    (f64::from(rds.provisioned_iops) - rds::gp3_included_iops(f64::from(rds.allocated_storage_gb)))
                        .max(0.0)
                } else {
                    0.0
                },
                extra_backup_gb: quantity("rds.backup_gb_month"),
                proxy: rds.needs_proxy,
                engine_version: s.data.engine_version,
                hours: Some(month),
            }],
            elasticache: p
                .cache
                .iter()
                .map(|c| ElastiCache {
                    engine: c.engine,
                    node_type: c.node_type.clone(),
                    nodes: 1 + c.replicas,
                    hours: Some(month),
                })
                .collect(),
            cloudfront: vec![CloudFront {
                pricing: p.cdn.pricing,
                data_out_gb: p.cdn.gb_per_month,
                https_requests: p.cdn.requests_per_month,
                origin_shield_requests: p.cdn.shield_charged_requests_per_month,
            }],
            s3,
            nat_gateway: (net.nat_gateways > 0)
                .then_some(NatGateway {
                    count: net.nat_gateways,
                    hours: Some(month),
                    gb_processed: net.processed_gb,
                })
                .into_iter()
                .collect(),
            vpc_endpoint: (net.interface_endpoints > 0)
                .then_some(VpcEndpoint {
                    count: net.interface_endpoints,
                    azs: s.platform.az_count,
                    hours: Some(month),
                    gb_processed: net.processed_gb,
                })
                .into_iter()
                .collect(),
            public_ipv4,
            cross_az: vec![CrossAz { gb: net.cross_az_gb }],
            route53: vec![Route53 {
                hosted_zones: 1,
                queries: observability::QUERY_TIERS.iter().map(|t| quantity(t.price_id)).sum(),
            }],
            cloudwatch: vec![CloudWatch {
                log_ingest_gb: quantity("cloudwatch.log_ingest_gb"),
                log_storage_gb: quantity("cloudwatch.log_storage_gb_month"),
                alarms: s.coefficients.alarms + rds.read_replicas,
                dashboards: s.coefficients.dashboards,
            }],
        }
    }
}

fn public_ipv4_hours(ips: &[PublicIpv4]) -> f64 {
    ips.iter().map(|p| f64::from(p.count) * p.hours.unwrap_or(0.0)).sum()
}

/// Terminal text of a priced bill.
pub fn text(p: &Priced) -> String {
    let mut o = String::new();
    for i in &p.items {
        o.push_str(&format!(
            "{:<26} {:<56} {:>14.3} {:<15} × {:<12} = {:>10.2}\n",
            i.service.name(),
            i.description,
            i.quantity,
            i.unit,
            unit_price(i.unit_price_usd),
            i.monthly_usd
        ));
    }
    o.push_str(&format!("Total: ${:.2} a month\n", p.total_monthly_usd));
    o
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{plan, PriceBook};

    #[test]
    fn seed_bill_by_hand() {
        let bill = from_json(
            r#"{"fargate":[{"tasks":1,"vcpu":0.25,"memory_gb":0.5}],
                "rds":[{"instance_class":"db.t4g.micro","storage_gb":20}],
                "alb":[{"new_connections_per_s":10,"connection_duration_s":60,"requests_per_s":100,"processed_bytes_per_s":100000,"rules":12}]}"#,
        )
        .unwrap();
        let p = price(&bill, &PriceBook::embedded()).unwrap();
        let usd = |d: &str| p.items.iter().find(|i| i.description.contains(d)).unwrap().monthly_usd;
        assert!((usd("On-demand vCPU") - 730.0 * 0.25 * 0.04048).abs() < 1e-9);
        assert!((usd("On-demand memory") - 730.0 * 0.5 * 0.004445).abs() < 1e-9);
        assert!((usd("db.t4g.micro") - 730.0 * 0.016).abs() < 1e-9);
        assert!((usd("gp3") - 20.0 * 0.115).abs() < 1e-9);
        assert!((usd("Load balancer hours") - 730.0 * 0.0225).abs() < 1e-9);
        // LCU: max(10/25, 600/3000, 0.36 GB/h, 100 × 2 / 1000) = 0.4.
        assert!((usd("LCU") - 0.4 * 730.0 * 0.008).abs() < 1e-9);
    }

    #[test]
    fn every_bad_field_is_named() {
        let bill = from_json(r#"{"fargate":[{"tasks":1,"vcpu":0.25,"memory_gb":4}],"s3":[{"gb":-1}],"rds":[{"instance_class":"db.x1.huge","storage_gb":1}]}"#).unwrap();
        let e = price(&bill, &PriceBook::embedded()).unwrap_err();
        assert!(e.message.contains("fargate[0].vcpu/memory_gb"));
        assert!(e.message.contains("s3[0].gb"));
        assert!(e.message.contains("rds[0].instance_class"));
        let e = from_json(r#"{"fargate":[{"tasks":"one"}]}"#).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("fargate[0].tasks"));
        let e = from_json(r#"{"elasticache":[{"engine":"memcached","node_type":"cache.t4g.micro"}]}"#).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("elasticache[0].engine"));
    }

    fn total_of(items: &[LineItem], prefix: &str) -> f64 {
        items
            .iter()
            .filter(|i| i.price_id.starts_with(prefix))
            .map(|i| i.monthly_usd)
            .sum()
    }

    #[test]
    fn tiers_count_every_entry_of_the_account() {
        // Two endpoint groups of 0.6 PB each: 1 PB at $0.01, the rest at $0.006.
        let pb = 1024.0 * 1024.0;
        let bill = from_json(&format!(
            r#"{{"vpc_endpoint":[{{"count":1,"gb_processed":{}}},{{"count":1,"gb_processed":{}}}],
                "route53":[{{"queries":6e8}},{{"hosted_zones":2,"queries":6e8}}],
                "cloudfront":[{{"data_out_gb":6000,"https_requests":6e6}},{{"data_out_gb":6240,"https_requests":6e6}}]}}"#,
            0.6 * pb,
            0.6 * pb
        ))
        .unwrap();
        let p = price(&bill, &PriceBook::embedded()).unwrap();
        let data = total_of(&p.items, "vpc.endpoint_gb");
        assert!((data - (pb * 0.01 + 0.2 * pb * 0.006)).abs() < 1e-6, "{data}");
        // 1.2 billion queries: 1,000 M × $0.40 + 200 M × $0.20; 3 zones.
        assert!((total_of(&p.items, "route53.query") - 440.0).abs() < 1e-9);
        assert!((total_of(&p.items, "route53.zone") - 1.5).abs() < 1e-9);
        // 12,240 GB: 1 TB free once, 10,240 GB at $0.085, 1,000 GB at $0.080;
        // 12 M requests: 10 M free once.
        assert!((total_of(&p.items, "cloudfront.gb") - (870.4 + 80.0)).abs() < 1e-9);
        assert!((total_of(&p.items, "cloudfront.https") - 2.0).abs() < 1e-9);
    }

    #[test]
    fn s3_prices_requests_retrieval_and_sizes_per_class() {
        let bill = from_json(
            r#"{"s3":[{"storage_class":"glacier_ir","gb":10,"objects":1000000,"get_requests":1000,"retrieval_gb":5},
                      {"storage_class":"deep_archive","gb":100,"objects":1000000,"put_requests":1000},
                      {"storage_class":"glacier_flexible","gb":1,"restore_requests":2000,"retrieval_gb":1}]}"#,
        )
        .unwrap();
        let p = price(&bill, &PriceBook::embedded()).unwrap();
        let usd = |id: &str| total_of(&p.items, id);
        // 1 M objects of 10 KB billed as 128 KB each = 128 GB in Glacier IR.
        assert!((usd("s3.glacier_ir.gb_month") - 128.0 * 0.004).abs() < 1e-9);
        assert!((usd("s3.glacier_ir.get_1k") - 0.01).abs() < 1e-12);
        assert!((usd("s3.glacier_ir.retrieval_gb") - 5.0 * 0.03).abs() < 1e-12);
        // Deep Archive: 100 GB + 32 KB per object in the class, 8 KB per
        // object at Standard (8 GB, in the Standard tiers); PUTs at its own price.
        assert!((usd("s3.deep_archive.gb_month") - 132.0 * 0.00099).abs() < 1e-9);
        assert!((usd("s3.standard.gb_month") - 8.0 * 0.023).abs() < 1e-9);
        assert!((usd("s3.deep_archive.put_1k") - 0.05).abs() < 1e-12);
        assert!((usd("s3.glacier_flexible.standard_1k") - 2.0 * 0.05).abs() < 1e-12);
        assert!((usd("s3.glacier_flexible.standard_gb") - 0.01).abs() < 1e-12);
        let e = price(
            &from_json(r#"{"s3":[{"storage_class":"standard","gb":1,"retrieval_gb":1,"restore_requests":1}]}"#)
                .unwrap(),
            &PriceBook::embedded(),
        )
        .unwrap_err();
        assert!(
            e.message.contains("s3[0].retrieval_gb") && e.message.contains("s3[0].restore_requests"),
            "{}",
            e.message
        );
    }

    #[test]
    fn mysql_8_0_bills_extended_support() {
        let bill = |v: &str| {
            from_json(&format!(
                r#"{{"rds":[{{"instance_class":"db.r7g.large","multi_az":true,"read_replicas":1,"storage_gb":100,"engine_version":"{v}"}}]}}"#
            ))
            .unwrap()
        };
        let book = PriceBook::embedded();
        let es = |v: &str| total_of(&price(&bill(v), &book).unwrap().items, "rds.extended_support");
        assert_eq!(es("8.4"), 0.0);
        // 2 vCPU × (writer + standby + replica) × 730 h × $0.10.
        assert!((es("8.0") - 2.0 * 3.0 * 730.0 * 0.1).abs() < 1e-9);
        assert!(
            from_json(r#"{"rds":[{"instance_class":"db.r7g.large","storage_gb":1,"engine_version":"5.7"}]}"#).is_err()
        );
    }

    #[test]
    fn the_default_plan_priced_as_a_bill_costs_the_same() {
        let s = Scenario::default();
        let p = plan(&s, &PriceBook::embedded()).unwrap();
        let priced = price(&Bill::of_plan(&s, &p), &PriceBook::embedded()).unwrap();
        assert!(
            (priced.total_monthly_usd - p.total_monthly_usd).abs() < 1e-6,
            "{} vs {}",
            priced.total_monthly_usd,
            p.total_monthly_usd
        );
    }
}
