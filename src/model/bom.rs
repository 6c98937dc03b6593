//! `kickoff price`: price an explicit bill of materials (what runs today, or a
//! hand-made design) line by line, like the AWS Pricing Calculator. The input
//! format is documented in `docs/reference/bill-of-materials.md`.

use super::alb::Lcu;
use super::catalog::{cache_node, db_class, is_valid_fargate_pair};
use super::cdn::data_out_items;
use super::cost::{LineItem, Service};
use super::demand::Demand;
use super::observability::FREE_DASHBOARDS;
use super::prices::PriceBook;
use super::scenario::Arch;
use crate::export::scenario_file::{ImportError, MAX_IMPORT_BYTES};
use serde::{Deserialize, Serialize};

fn month() -> f64 {
    730.0
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
    pub hours: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ElastiCache {
    /// `valkey` or `redis`.
    pub engine: String,
    pub node_type: String,
    #[serde(default = "one")]
    pub nodes: u32,
    pub hours: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CloudFront {
    pub data_out_gb: f64,
    pub https_requests: f64,
    #[serde(default)]
    pub origin_shield_requests: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum S3Class {
    Standard,
    StandardIa,
    GlacierIr,
    DeepArchive,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct S3 {
    #[serde(default = "standard")]
    pub storage_class: S3Class,
    pub gb: f64,
    #[serde(default)]
    pub put_requests: f64,
    #[serde(default)]
    pub get_requests: f64,
    /// Lifecycle transitions into this class a month.
    #[serde(default)]
    pub transitions: f64,
}

fn standard() -> S3Class {
    S3Class::Standard
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
    if text.len() > MAX_IMPORT_BYTES {
        return Err(ImportError {
            field: None,
            message: format!("input is {} bytes; the limit is {MAX_IMPORT_BYTES}", text.len()),
        });
    }
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
}

/// Price every line of `bill`.
///
/// # Errors
/// Every invalid field, one per line of the message.
pub fn price(bill: &Bill, book: &PriceBook) -> Result<Priced, ImportError> {
    let mut c = Checker(Vec::new());
    let mut items = Vec::new();
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
        let arch = if f.arch == Arch::Arm64 { "arm" } else { "x86" };
        let spot = if f.spot {
            1.0 - book.get("fargate.spot_discount")
        } else {
            1.0
        };
        let kind = if f.spot { "Spot" } else { "on-demand" };
        items.push(LineItem::new(
            book,
            Service::Fargate,
            format!("{} task(s) {} vCPU, {kind}", f.tasks, f.vcpu),
            task_hours * f.vcpu,
            "vCPU-hours",
            &format!("fargate.{arch}.vcpu_hour"),
            spot,
        ));
        items.push(LineItem::new(
            book,
            Service::Fargate,
            format!("{} task(s) {} GB, {kind}", f.tasks, f.memory_gb),
            task_hours * f.memory_gb,
            "GB-hours",
            &format!("fargate.{arch}.gb_hour"),
            spot,
        ));
        if f.ephemeral_gb > 20.0 {
            items.push(LineItem::new(
                book,
                Service::Fargate,
                "Ephemeral storage above 20 GB",
                task_hours * (f.ephemeral_gb - 20.0),
                "GB-hours",
                "fargate.ephemeral_gb_hour",
                1.0,
            ));
        }
    }
    for (i, a) in bill.alb.iter().enumerate() {
        let at = |n: &str| format!("alb[{i}].{n}");
        for (n, v) in [
            ("new_connections_per_s", a.new_connections_per_s),
            ("connection_duration_s", a.connection_duration_s),
            ("requests_per_s", a.requests_per_s),
            ("processed_bytes_per_s", a.processed_bytes_per_s),
        ] {
            c.non_negative(at(n), v);
        }
        let hours = c.hours(at("hours"), a.hours, month);
        let d = Demand {
            alb_new_connections_per_s: a.new_connections_per_s,
            origin_connections: a.new_connections_per_s * a.connection_duration_s,
            origin_bytes_per_s: a.processed_bytes_per_s,
            origin_rps: a.requests_per_s,
            ..Demand::default()
        };
        let lcu = Lcu::of(&d, a.rules);
        items.push(LineItem::new(
            book,
            Service::Alb,
            "Load balancer hours",
            hours,
            "hours",
            "alb.hour",
            1.0,
        ));
        items.push(LineItem::new(
            book,
            Service::Alb,
            format!("LCU-hours ({:.3} LCU, {})", lcu.billed(), lcu.binding()),
            lcu.billed() * hours,
            "LCU-hours",
            "alb.lcu_hour",
            1.0,
        ));
    }
    for (i, r) in bill.rds.iter().enumerate() {
        let at = |n: &str| format!("rds[{i}].{n}");
        let hours = c.hours(at("hours"), r.hours, month);
        for (n, v) in [
            ("storage_gb", r.storage_gb),
            ("extra_iops", r.extra_iops),
            ("extra_backup_gb", r.extra_backup_gb),
        ] {
            c.non_negative(at(n), v);
        }
        let Some(class) = db_class(&r.instance_class) else {
            c.0.push(format!(
                "{} = {}: not a class in the price book",
                at("instance_class"),
                r.instance_class
            ));
            continue;
        };
        let standby = if r.multi_az {
            book.get("rds.multi_az_factor")
        } else {
            1.0
        };
        let copies = standby + f64::from(r.read_replicas);
        items.push(LineItem::new(
            book,
            Service::Rds,
            format!("{}{}", class.name, if r.multi_az { " Multi-AZ" } else { "" }),
            hours * standby,
            "instance-hours",
            &class.price_id(),
            1.0,
        ));
        if r.read_replicas > 0 {
            items.push(LineItem::new(
                book,
                Service::Rds,
                format!("{} read replica(s)", r.read_replicas),
                hours * f64::from(r.read_replicas),
                "instance-hours",
                &class.price_id(),
                1.0,
            ));
        }
        items.push(LineItem::new(
            book,
            Service::Rds,
            "gp3 storage",
            r.storage_gb * copies * hours / month,
            "GB-months",
            "rds.gp3_gb_month",
            1.0,
        ));
        if r.extra_iops > 0.0 {
            items.push(LineItem::new(
                book,
                Service::Rds,
                "gp3 IOPS above baseline",
                r.extra_iops * copies * hours / month,
                "IOPS-months",
                "rds.gp3_iops_month",
                1.0,
            ));
        }
        if r.extra_backup_gb > 0.0 {
            items.push(LineItem::new(
                book,
                Service::Rds,
                "Backup storage above 100 % of provisioned",
                r.extra_backup_gb,
                "GB-months",
                "rds.backup_gb_month",
                1.0,
            ));
        }
    }
    for (i, e) in bill.elasticache.iter().enumerate() {
        let at = |n: &str| format!("elasticache[{i}].{n}");
        let hours = c.hours(at("hours"), e.hours, month);
        if e.engine != "valkey" && e.engine != "redis" {
            c.0.push(format!("{} = {}: must be valkey or redis", at("engine"), e.engine));
            continue;
        }
        if cache_node(&e.node_type).is_none() {
            c.0.push(format!(
                "{} = {}: not a node type in the price book",
                at("node_type"),
                e.node_type
            ));
            continue;
        }
        items.push(LineItem::new(
            book,
            Service::ElastiCache,
            format!("{} × {} ({})", e.nodes, e.node_type, e.engine),
            f64::from(e.nodes) * hours,
            "node-hours",
            &format!("elasticache.{}.{}", e.engine, e.node_type),
            1.0,
        ));
    }
    for (i, cf) in bill.cloudfront.iter().enumerate() {
        let at = |n: &str| format!("cloudfront[{i}].{n}");
        for (n, v) in [
            ("data_out_gb", cf.data_out_gb),
            ("https_requests", cf.https_requests),
            ("origin_shield_requests", cf.origin_shield_requests),
        ] {
            c.non_negative(at(n), v);
        }
        if !(cf.data_out_gb.is_finite() && cf.https_requests.is_finite()) {
            continue;
        }
        items.extend(data_out_items(book, cf.data_out_gb));
        let billed = (cf.https_requests - book.get("cloudfront.free_requests")).max(0.0);
        items.push(LineItem::new(
            book,
            Service::CloudFront,
            "HTTPS requests (after 10 M free)",
            billed,
            "requests",
            "cloudfront.https_10k",
            1e-4,
        ));
        if cf.origin_shield_requests > 0.0 {
            items.push(LineItem::new(
                book,
                Service::CloudFront,
                "Origin Shield requests",
                cf.origin_shield_requests,
                "requests",
                "cloudfront.origin_shield_10k",
                1e-4,
            ));
        }
    }
    for (i, s) in bill.s3.iter().enumerate() {
        let at = |n: &str| format!("s3[{i}].{n}");
        for (n, v) in [
            ("gb", s.gb),
            ("put_requests", s.put_requests),
            ("get_requests", s.get_requests),
            ("transitions", s.transitions),
        ] {
            c.non_negative(at(n), v);
        }
        let (name, sto, tr) = match s.storage_class {
            S3Class::Standard => ("Standard", "s3.standard.gb_month", None),
            S3Class::StandardIa => (
                "Standard-IA",
                "s3.standard_ia.gb_month",
                Some("s3.standard_ia.transition_1k"),
            ),
            S3Class::GlacierIr => (
                "Glacier IR",
                "s3.glacier_ir.gb_month",
                Some("s3.glacier_ir.transition_1k"),
            ),
            S3Class::DeepArchive => (
                "Deep Archive",
                "s3.deep_archive.gb_month",
                Some("s3.deep_archive.transition_1k"),
            ),
        };
        items.push(LineItem::new(
            book,
            Service::S3,
            format!("{name} storage"),
            s.gb,
            "GB-months",
            sto,
            1.0,
        ));
        if s.put_requests > 0.0 {
            items.push(LineItem::new(
                book,
                Service::S3,
                "PUT requests",
                s.put_requests,
                "requests",
                "s3.standard.put_1k",
                1e-3,
            ));
        }
        if s.get_requests > 0.0 {
            items.push(LineItem::new(
                book,
                Service::S3,
                "GET requests",
                s.get_requests,
                "requests",
                "s3.standard.get_1k",
                1e-3,
            ));
        }
        if let (Some(tr), true) = (tr, s.transitions > 0.0) {
            items.push(LineItem::new(
                book,
                Service::S3,
                format!("Transitions to {name}"),
                s.transitions,
                "objects",
                tr,
                1e-3,
            ));
        }
    }
    for (i, n) in bill.nat_gateway.iter().enumerate() {
        let hours = c.hours(format!("nat_gateway[{i}].hours"), n.hours, month);
        c.non_negative(format!("nat_gateway[{i}].gb_processed"), n.gb_processed);
        items.push(LineItem::new(
            book,
            Service::Networking,
            format!("{} NAT gateway(s)", n.count),
            f64::from(n.count) * hours,
            "NAT-hours",
            "vpc.nat_hour",
            1.0,
        ));
        items.push(LineItem::new(
            book,
            Service::Networking,
            "NAT data processed",
            n.gb_processed,
            "GB",
            "vpc.nat_gb",
            1.0,
        ));
    }
    for (i, v) in bill.vpc_endpoint.iter().enumerate() {
        let hours = c.hours(format!("vpc_endpoint[{i}].hours"), v.hours, month);
        c.non_negative(format!("vpc_endpoint[{i}].gb_processed"), v.gb_processed);
        items.push(LineItem::new(
            book,
            Service::Networking,
            format!("{} interface endpoint(s) × {} AZ(s)", v.count, v.azs),
            f64::from(v.count) * f64::from(v.azs) * hours,
            "endpoint-hours",
            "vpc.endpoint_hour",
            1.0,
        ));
        items.push(LineItem::new(
            book,
            Service::Networking,
            "Endpoint data processed",
            v.gb_processed,
            "GB",
            "vpc.endpoint_gb",
            1.0,
        ));
    }
    for (i, p) in bill.public_ipv4.iter().enumerate() {
        let hours = c.hours(format!("public_ipv4[{i}].hours"), p.hours, month);
        items.push(LineItem::new(
            book,
            Service::Networking,
            format!("{} public IPv4 address(es)", p.count),
            f64::from(p.count) * hours,
            "IP-hours",
            "vpc.public_ipv4_hour",
            1.0,
        ));
    }
    for (i, r) in bill.route53.iter().enumerate() {
        c.non_negative(format!("route53[{i}].queries"), r.queries);
        items.push(LineItem::new(
            book,
            Service::Dns,
            "Hosted zones",
            f64::from(r.hosted_zones),
            "zone-months",
            "route53.zone_month",
            1.0,
        ));
        items.push(LineItem::new(
            book,
            Service::Dns,
            "Standard queries",
            r.queries,
            "queries",
            "route53.query_million",
            1e-6,
        ));
    }
    for (i, w) in bill.cloudwatch.iter().enumerate() {
        c.non_negative(format!("cloudwatch[{i}].log_ingest_gb"), w.log_ingest_gb);
        c.non_negative(format!("cloudwatch[{i}].log_storage_gb"), w.log_storage_gb);
        items.push(LineItem::new(
            book,
            Service::Monitoring,
            "Log ingestion",
            w.log_ingest_gb,
            "GB",
            "cloudwatch.log_ingest_gb",
            1.0,
        ));
        items.push(LineItem::new(
            book,
            Service::Monitoring,
            "Log storage",
            w.log_storage_gb,
            "GB-months",
            "cloudwatch.log_storage_gb_month",
            1.0,
        ));
        items.push(LineItem::new(
            book,
            Service::Monitoring,
            "Alarms",
            f64::from(w.alarms),
            "alarm-months",
            "cloudwatch.alarm_month",
            1.0,
        ));
        items.push(LineItem::new(
            book,
            Service::Monitoring,
            "Dashboards beyond 3 free",
            f64::from(w.dashboards.saturating_sub(FREE_DASHBOARDS)),
            "dashboard-months",
            "cloudwatch.dashboard_month",
            1.0,
        ));
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

/// Terminal text of a priced bill.
pub fn text(p: &Priced) -> String {
    let mut o = String::new();
    for i in &p.items {
        o.push_str(&format!(
            "{:<26} {:<52} {:>14.3} {:<15} × {:<12} = {:>10.2}\n",
            i.service.name(),
            i.description,
            i.quantity,
            i.unit,
            format!("{}", (i.unit_price_usd * 1e9).round() / 1e9),
            i.monthly_usd
        ));
    }
    o.push_str(&format!("Total: ${:.2} a month\n", p.total_monthly_usd));
    o
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert!((usd("0.25 vCPU") - 730.0 * 0.25 * 0.04048).abs() < 1e-9);
        assert!((usd("0.5 GB") - 730.0 * 0.5 * 0.004445).abs() < 1e-9);
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
    }
}
