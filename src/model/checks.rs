//! The plan against the limits catalogue: one [`LimitCheck`] per quota or
//! capacity ceiling the plan depends on, at its worst step, and what would
//! lift each one that breaks. A plan is feasible exactly when every check is
//! ok; `kickoff tfvars` refuses an infeasible one.

use super::autoscale::SimRun;
use super::cache::CacheSizing;
use super::demand::{Demand, Month};
use super::fargate::{self, FargateSizing};
use super::limits::{LimitCheck, Quotas};
use super::rds::{RdsSizing, DB_COEFFICIENT_CPU};
use super::scenario::{CdnPricing, Egress, Scenario};

/// What the checks read from the plan.
pub struct Inputs<'a> {
    pub f: &'a FargateSizing,
    pub rds: &'a RdsSizing,
    pub cache: Option<&'a CacheSizing>,
    /// The run the deployed configuration follows (design audience).
    pub run: &'a SimRun,
    /// The busiest step at the edge (design audience).
    pub edge_peak: &'a Demand,
    /// The billed month (expected audience).
    pub month: &'a Month,
}

/// Catalogue entries the plan is checked against (each plan checks those
/// its configuration uses: the flat-rate allowance of its plan, the NAT or
/// endpoint bandwidth of its egress, replica checks with replicas…).
pub const CATALOGUE_CHECKS: [&str; 23] = [
    "fargate.tasks_per_service",
    "alb.targets_per_target_group",
    "alb.targets_per_alb",
    "cdn.requests_per_s_per_distribution",
    "cdn.data_transfer_gbps_per_distribution",
    "cdn.flat.pro.requests_month",
    "cdn.flat.pro.data_transfer_tb_month",
    "cdn.flat.business.requests_month",
    "cdn.flat.business.data_transfer_tb_month",
    "cdn.flat.premium.requests_month",
    "cdn.flat.premium.data_transfer_tb_month",
    "db.mysql.read_replicas_per_source",
    "db.read_replicas_per_source.default_quota",
    "db.instances_per_region",
    "db.gp3.max_iops",
    "cache.maxclients",
    "cache.replicas_per_shard",
    "network.nat.bandwidth_gbps.max",
    "network.endpoint.bandwidth_gbps_per_az.max",
    "autoscaling.scheduled_actions_per_target",
    // Read per class: the limit is the chosen class's row.
    "cache.maxmemory_bytes",
    "cache.network_baseline_gbps",
    "db.gp3.max_iops_per_gib",
];

/// Ceilings the model derives from the catalogue and a coefficient:
/// (id, tier, the limit).
pub const DERIVED_CHECKS: [(&str, &str, &str); 6] = [
    (
        "ecs.service_capacity",
        "ecs",
        "origin req/s the service carries at 100 % CPU with its most tasks: min(max tasks, the ALB's target quota) × task capacity",
    ),
    (
        "db.writer_cpu",
        "db",
        "queries/s at 100 % CPU: `db.vcpu` × `coefficients.db_queries_per_vcpu` ÷ 0.7 (the coefficient is at 70 %)",
    ),
    ("db.replica_cpu", "db", "as `db.writer_cpu`, for the busiest read replica"),
    (
        "db.mysql.max_connections",
        "db",
        "⌊`db.class_memory_share` × `db.memory_gib` × 2³⁰ ÷ `db.mysql.max_connections_divisor_bytes`⌋ (DBInstanceClassMemory); through RDS Proxy the writer sees at most `db_proxy.max_connections_percent.default` of it",
    ),
    (
        "db.mysql.max_connections.replica",
        "db",
        "the same `max_connections`, against each replica's share of the read pools",
    ),
    (
        "cache.engine_ops",
        "cache",
        "ops/s of one engine thread: `coefficients.cache_ops_per_vcpu` × `cache.cpu_baseline_share` on t4g",
    ),
];

const RAISE: &str = "ask AWS to raise it (Service Quotas), then set";

fn quota_lift(id: &str) -> String {
    format!("{RAISE} limit_overrides.{id}")
}

struct Out<'a> {
    q: Quotas<'a>,
    checks: Vec<LimitCheck>,
}

impl Out<'_> {
    /// A catalogue entry: its limit (overridden or not), unit, source.
    fn quota(&mut self, id: &str, value: f64, unit: &str, lift: &str) {
        let limit = self.q.get(id);
        let ok = value <= limit;
        let adjustable = self.q.adjustable(id);
        let lift = match (ok, adjustable) {
            (true, _) => String::new(),
            (false, true) if lift.is_empty() => quota_lift(id),
            (false, true) => format!("{}; or {lift}", quota_lift(id)),
            (false, false) => lift.to_string(),
        };
        let tier = self.q.catalog.entry(id).map_or(String::new(), |l| l.tier.clone());
        self.checks.push(LimitCheck {
            id: id.into(),
            tier,
            value,
            limit,
            unit: unit.into(),
            ok,
            adjustable,
            source: self.q.source(id),
            lift,
        });
    }

    /// A ceiling the model derives (an instance's capacity from the
    /// catalogue and a coefficient), named by `source`: (value, limit).
    fn derived(&mut self, id: &str, tier: &str, (value, limit): (f64, f64), unit: &str, source: String, lift: &str) {
        let ok = value <= limit;
        self.checks.push(LimitCheck {
            id: id.into(),
            tier: tier.into(),
            value,
            limit,
            unit: unit.into(),
            ok,
            adjustable: false,
            source,
            lift: if ok { String::new() } else { lift.into() },
        });
    }
}

const FEWER_DB_READS: &str = "fewer reads reaching MySQL: turn the cache on (overrides.cache_enabled), raise data.redis_hit_ratio, or raise the CDN TTL so fewer requests reach the origin";
const FEWER_CACHE_READS: &str = "fewer origin reads: raise the CDN TTL (delivery.cdn_live_ttl_s) or turn Origin Shield on; or shard the cache (cluster mode, not in terraform/ yet)";

/// Every limit the plan depends on, checked at its worst step.
pub fn limits(s: &Scenario, i: &Inputs) -> Vec<LimitCheck> {
    let mut o = Out {
        q: Quotas::new(&s.limit_overrides),
        checks: Vec::new(),
    };
    let f = i.f;

    // Tasks and targets.
    let targets = f64::from(fargate::targets_at_worst(f));
    let larger_task = "larger tasks (app.task_vcpu): fewer targets for the same vCPU";
    o.quota(
        "fargate.tasks_per_service",
        f64::from(f.needed_tasks.max(f.max_tasks)),
        "tasks in the service (the peak's need, or the autoscaling ceiling)",
        larger_task,
    );
    o.quota(
        "alb.targets_per_target_group",
        targets,
        "targets registered at worst (the ceiling, or a rolling deploy of the kickoff count: old and new tasks)",
        larger_task,
    );
    o.quota(
        "alb.targets_per_alb",
        targets,
        "targets registered at worst, one target group",
        larger_task,
    );

    // The service's ceiling (pinned by `overrides.max_tasks`, or capped by
    // the quotas) must carry the design peak at full CPU.
    let serving = f64::from(f.max_tasks.min(fargate::target_limit(&o.q)));
    o.derived(
        "ecs.service_capacity",
        "ecs",
        (f.peak_origin_rps, serving * f.task_capacity_rps),
        "origin req/s at the design peak, against the most tasks the service runs at 100 % CPU",
        format!(
            "max tasks ({}) × task capacity ({:.0} req/s: app.rps_per_vcpu, app.cpu_us_per_kb, app.task_vcpu)",
            f.max_tasks, f.task_capacity_rps
        ),
        "raise or remove overrides.max_tasks, or larger tasks (app.task_vcpu)",
    );

    // CloudFront.
    match s.platform.cdn_pricing {
        CdnPricing::PayAsYouGo => {
            let poll_less = "poll less often (delivery.poll_interval_s) or fewer assets per page view";
            o.quota(
                "cdn.requests_per_s_per_distribution",
                i.edge_peak.edge_rps(),
                "requests/s at the edge at the busiest step",
                poll_less,
            );
            o.quota(
                "cdn.data_transfer_gbps_per_distribution",
                i.edge_peak.edge_bytes_per_s * 8.0 / 1e9,
                "Gbps at the edge at the busiest step",
                "smaller payloads (delivery.payload_kb, delivery.asset_kb)",
            );
        }
        flat => {
            let key = match flat {
                CdnPricing::FlatPro => "pro",
                CdnPricing::FlatBusiness => "business",
                _ => "premium",
            };
            let larger = "a larger flat-rate plan (platform.cdn_pricing) or pay-as-you-go";
            o.quota(
                &format!("cdn.flat.{key}.requests_month"),
                i.month.edge_requests,
                "requests a month",
                larger,
            );
            o.quota(
                &format!("cdn.flat.{key}.data_transfer_tb_month"),
                i.month.edge_gb / 1_000.0,
                "TB a month",
                larger,
            );
        }
    }

    // MySQL.
    let r = i.rds;
    let bigger_writer = format!(
        "a larger writer (none left in the catalogue beyond {}), or {FEWER_DB_READS}",
        r.instance_class
    );
    o.quota(
        "db.mysql.read_replicas_per_source",
        f64::from(r.read_replicas),
        "read replicas off the writer",
        &bigger_writer,
    );
    o.quota(
        "db.read_replicas_per_source.default_quota",
        f64::from(r.read_replicas),
        "read replicas off the writer",
        &bigger_writer,
    );
    o.quota(
        "db.instances_per_region",
        f64::from(1 + r.read_replicas),
        "DB instances (writer and replicas)",
        "",
    );
    let full = r.capacity_qps / DB_COEFFICIENT_CPU;
    let cpu_source = format!(
        "db.vcpu ({} vCPU, catalogue) × coefficients.db_queries_per_vcpu ({}, at 70 % CPU) ÷ 0.7",
        r.vcpu, s.coefficients.db_queries_per_vcpu
    );
    o.derived(
        "db.writer_cpu",
        "db",
        (i.run.peak_use.db_writer * full, full),
        "queries/s the writer carries at the worst step (writes + its share of reads), against 100 % CPU",
        cpu_source.clone(),
        &bigger_writer,
    );
    if r.read_replicas > 0 {
        o.derived(
            "db.replica_cpu",
            "db",
            (i.run.peak_use.db_replica * full, full),
            "queries/s one replica carries at the worst step, against 100 % CPU",
            cpu_source,
            &bigger_writer,
        );
    }
    let conn_source =
        "db.mysql.max_connections_divisor_bytes and db.class_memory_share (DBInstanceClassMemory), catalogue";
    // The pools the chosen tasks open (the database was sized for those of
    // the scenario's task size, at least as many).
    let pools = super::rds::Pools::of(s, f.max_tasks, 2 * f.prescale_tasks.max(f.peak_tasks));
    let writer_conns = if r.needs_proxy {
        f64::from(pools.writer)
            .min(f64::from(r.max_connections) * o.q.get("db_proxy.max_connections_percent.default") / 100.0)
    } else {
        f64::from(pools.writer)
    };
    o.derived(
        "db.mysql.max_connections",
        "db",
        (writer_conns, f64::from(r.max_connections)),
        if r.needs_proxy {
            "connections RDS Proxy opens to the writer at most (its MaxConnectionsPercent of max_connections)"
        } else {
            "pool connections to the writer at worst (the ceiling, or a rolling deploy of the kickoff count)"
        },
        conn_source.into(),
        "RDS Proxy in front of the writer, or a smaller app.db_pool_per_task",
    );
    if r.read_replicas > 0 {
        o.derived(
            "db.mysql.max_connections.replica",
            "db",
            (
                f64::from(pools.per_replica(r.read_replicas)),
                f64::from(r.max_connections),
            ),
            "read-pool connections one replica holds at worst",
            conn_source.into(),
            "a smaller app.db_pool_per_task, or more replicas",
        );
    }
    let storage_gib = f64::from(r.allocated_storage_gb);
    o.quota(
        "db.gp3.max_iops",
        r.iops_needed,
        "storage IOPS at the peak (writes and buffer-pool misses)",
        "fewer writes per event or a larger buffer pool (data.working_set_gb within memory)",
    );
    o.derived(
        "db.gp3.max_iops_per_gib",
        "db",
        (
            f64::from(r.provisioned_iops),
            storage_gib.max(20.0) * o.q.get("db.gp3.max_iops_per_gib"),
        ),
        "provisioned IOPS against 500 per GiB allocated",
        o.q.source("db.gp3.max_iops_per_gib"),
        "more allocated storage",
    );

    // The cache.
    if let Some(c) = i.cache {
        o.derived(
            "cache.engine_ops",
            "cache",
            (i.run.peak_use.cache_ops * c.node_ops_capacity, c.node_ops_capacity),
            "operations/s on the busiest node at the worst step, against one engine thread",
            format!(
                "coefficients.cache_ops_per_vcpu ({}) × cache.cpu_baseline_share on t4g (catalogue)",
                s.coefficients.cache_ops_per_vcpu
            ),
            FEWER_CACHE_READS,
        );
        o.derived(
            "cache.maxmemory_bytes",
            "cache",
            (c.memory_needed_gb * 1e9, c.node_memory_gb * 1e9),
            "bytes of cached data with overhead and reserved memory",
            o.q.source("cache.maxmemory_bytes"),
            "a smaller data.cache_working_set_gb (no larger node in the catalogue)",
        );
        o.derived(
            "cache.network_baseline_gbps",
            "cache",
            (
                i.run.peak_use.cache_network * c.node_network_bytes_per_s * 8.0 / 1e9,
                c.node_network_bytes_per_s * 8.0 / 1e9,
            ),
            "Gbps out of the busiest node at the worst step, against its baseline",
            o.q.source("cache.network_baseline_gbps"),
            FEWER_CACHE_READS,
        );
        o.quota(
            "cache.maxclients",
            f64::from(c.connections_per_node),
            "client connections one node may see at worst",
            "fewer coefficients.cache_connections_per_process, or larger tasks",
        );
        o.quota(
            "cache.replicas_per_shard",
            f64::from(c.replicas),
            "read replicas of the primary",
            FEWER_CACHE_READS,
        );
    }

    // Egress: NAT gateways and interface endpoints scale to these ceilings.
    let egress_bytes = f.peak_origin_rps * s.coefficients.log_bytes_per_request
        + f64::from(i.run.max_running_tasks) * s.coefficients.egress_gb_per_task_hour * 1e9 / 3600.0;
    let gbps = egress_bytes * 8.0 / 1e9;
    match s.platform.egress {
        Egress::NatPerAz | Egress::SingleNat => {
            let gateways = if s.platform.egress == Egress::NatPerAz {
                s.platform.az_count
            } else {
                1
            };
            o.quota(
                "network.nat.bandwidth_gbps.max",
                gbps / f64::from(gateways),
                "Gbps through one NAT gateway at the peak",
                "a NAT gateway per AZ, or VPC endpoints",
            );
        }
        Egress::VpcEndpoints => o.quota(
            "network.endpoint.bandwidth_gbps_per_az.max",
            gbps / f64::from(s.platform.az_count),
            "Gbps through one interface endpoint in one AZ at the peak",
            "",
        ),
        Egress::PublicSubnets => {}
    }

    // Scheduled pre-scaling: a scale-up and a scale-down per kickoff slot.
    if f.prescales() {
        o.quota(
            "autoscaling.scheduled_actions_per_target",
            2.0 * s.match_day.kickoff_slots.len() as f64,
            "scheduled actions on the service",
            "fewer kickoff slots",
        );
    }
    o.checks
}

/// Broken checks first, then the rest, each group in catalogue order.
pub fn broken_first(checks: &[LimitCheck]) -> Vec<&LimitCheck> {
    // A partition, not a sort: it keeps catalogue order without a stable
    // sort's code in the browser bundle.
    let (broken, ok): (Vec<&LimitCheck>, Vec<&LimitCheck>) = checks.iter().partition(|c| !c.ok);
    broken.into_iter().chain(ok).collect()
}

/// One line per broken limit: `id: value > limit unit — lift`.
pub fn broken_lines(checks: &[LimitCheck]) -> Vec<String> {
    checks
        .iter()
        .filter(|c| !c.ok)
        .map(|c| {
            format!(
                "{}: {} > {} ({}); {}",
                c.id,
                show(c.value),
                show(c.limit),
                c.unit,
                c.lift
            )
        })
        .collect()
}

/// A check's number for people: whole with separators from 100, else three
/// decimals without trailing zeros.
pub fn show(x: f64) -> String {
    if !x.is_finite() {
        return format!("{x}");
    }
    if x.abs() >= 100.0 {
        crate::fmt::thousands(x.abs().round() as u64)
    } else {
        let t = format!("{x:.3}");
        t.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{plan, PriceBook, Scenario};
    use std::collections::BTreeSet;

    /// Every limit a plan checks is listed (so the docs' table is complete),
    /// and every listed limit is checked by some configuration.
    #[test]
    fn the_lists_are_what_plans_check() {
        let listed: BTreeSet<&str> = CATALOGUE_CHECKS
            .iter()
            .copied()
            .chain(DERIVED_CHECKS.iter().map(|d| d.0))
            .collect();
        let mut seen = BTreeSet::new();
        let json = [
            r#"{}"#,
            r#"{"peak_concurrent_fans": 200000, "delivery": {"cdn_live_ttl_s": 0}, "platform": {"egress": "nat_per_az", "cdn_pricing": "flat_pro"}}"#,
            r#"{"platform": {"cdn_pricing": "flat_business"}}"#,
            r#"{"platform": {"cdn_pricing": "flat_premium", "egress": "single_nat"}}"#,
            r#"{"peak_concurrent_fans": 60000, "delivery": {"cdn_live_ttl_s": 0}}"#,
        ];
        for j in json {
            let s: Scenario = serde_json::from_str(j).unwrap();
            let p = plan(&s, &PriceBook::embedded()).unwrap();
            for l in &p.limits {
                assert!(listed.contains(l.id.as_str()), "{} is checked but not listed", l.id);
                seen.insert(l.id.clone());
            }
        }
        for id in listed {
            assert!(seen.contains(id), "{id} is listed but no test plan checks it");
        }
    }

    #[test]
    fn numbers_show_as_people_write_them() {
        assert_eq!(show(1_234_567.4), "1,234,567");
        assert_eq!(show(1.5), "1.5");
        assert_eq!(show(0.0004), "0");
    }
}
