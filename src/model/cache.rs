//! ElastiCache (Valkey or Redis OSS): node type and replicas for the hot
//! commentary keys.

use super::catalog::{cache_node, CacheNode, CACHE_NODES, GIB};
use super::cost::{LineItem, Service, ServiceCost};
use super::demand::Demand;
use super::prices::PriceBook;
use super::scenario::{CacheEngine, Environment, Scenario};
use serde::Serialize;

/// t4g nodes earn CPU credits at about this share of a core
/// (aws.amazon.com/ec2/instance-types/t4g).
pub const T4G_BASELINE: f64 = 0.2;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CacheSizing {
    pub engine: CacheEngine,
    pub node_type: String,
    pub replicas: u32,
    pub memory_needed_gb: f64,
    pub node_memory_gb: f64,
    pub peak_ops_per_s: f64,
    /// Peak ops as a share of what the primary's engine thread serves.
    pub ops_share: f64,
    pub burstable: bool,
    pub binding_constraint: String,
}

pub fn engine_name(e: CacheEngine) -> &'static str {
    match e {
        CacheEngine::Valkey => "valkey",
        CacheEngine::Redis => "redis",
    }
}

/// Line items of `nodes` cache nodes of `node_type` running `hours`. The plan
/// and `kickoff price` both price ElastiCache here.
pub fn items(book: &PriceBook, engine: CacheEngine, node_type: &str, nodes: u32, hours: f64) -> Vec<LineItem> {
    let engine = engine_name(engine);
    vec![LineItem::new(
        book,
        Service::ElastiCache,
        format!("{nodes} × {node_type} ({engine})"),
        f64::from(nodes) * hours,
        "node-hours",
        &format!("elasticache.{engine}.{node_type}"),
        1.0,
    )]
}

/// `None` when the scenario has no cache tier.
pub fn plan(s: &Scenario, book: &PriceBook, peak: &Demand) -> Option<(CacheSizing, ServiceCost)> {
    if !super::demand::cache_enabled(s) {
        return None;
    }
    let c = &s.coefficients;
    let need_gb = s.data.cache_working_set_gb * c.cache_overhead_factor / c.cache_usable_memory_share;
    // The engine executes commands on one thread: one vCPU's worth of ops.
    let ops_cap = c.cache_ops_per_vcpu;
    let ops = peak.redis_ops_per_s;
    let fits =
        |n: &CacheNode| n.memory_gib * GIB >= need_gb && ops <= ops_cap * if n.burstable { T4G_BASELINE } else { 1.0 };
    let (node, binding): (CacheNode, String) = match s.overrides.cache_node_type.as_deref().and_then(cache_node) {
        Some(n) => (n, format!("pinned by override to {}", n.name)),
        None => {
            let node = CACHE_NODES
                .iter()
                .copied()
                .find(|n| fits(n))
                .unwrap_or(CACHE_NODES[CACHE_NODES.len() - 1]);
            let mem_only = CACHE_NODES.iter().position(|n| n.memory_gib * GIB >= need_gb);
            let chosen = CACHE_NODES.iter().position(|n| n.name == node.name);
            let why = if chosen == Some(0) {
                "the smallest node type".to_string()
            } else if mem_only == chosen {
                format!(
                    "memory: {:.2} GB of cached data needs {:.2} GB of node memory",
                    s.data.cache_working_set_gb, need_gb
                )
            } else {
                format!("ops: {ops:.0} ops/s at peak on one engine thread")
            };
            (node, why)
        }
    };
    let replicas = s.overrides.cache_replicas.unwrap_or(match s.platform.environment {
        Environment::Prod => 1,
        Environment::Staging => 0,
    });
    let engine = engine_name(s.platform.cache_engine);
    let items = items(
        book,
        s.platform.cache_engine,
        node.name,
        1 + replicas,
        c.hours_per_month,
    );
    let cost = ServiceCost::new(
        Service::ElastiCache,
        format!("{engine} {}, 1 primary + {replicas} replica(s)", node.name),
        format!("{} node(s)", 1 + replicas),
        binding.clone(),
        items,
    );
    let sizing = CacheSizing {
        engine: s.platform.cache_engine,
        node_type: node.name.to_string(),
        replicas,
        memory_needed_gb: need_gb,
        node_memory_gb: node.memory_gib * GIB,
        peak_ops_per_s: ops,
        ops_share: ops / ops_cap,
        burstable: node.burstable,
        binding_constraint: binding,
    };
    Some((sizing, cost))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn working_set_picks_the_node() {
        let mut s = Scenario::default();
        s.data.cache_working_set_gb = 2.0;
        let peak = Demand {
            redis_ops_per_s: 200.0,
            ..Demand::default()
        };
        let (c, cost) = plan(&s, &PriceBook::embedded(), &peak).unwrap();
        // 2 GB × 1.3 / 0.75 = 3.47 GB → cache.t4g.medium (3.09 GiB = 3.32 GB) is too small.
        assert_eq!(c.node_type, "cache.m7g.large");
        assert_eq!(c.replicas, 1);
        assert!((cost.monthly_usd - 2.0 * 730.0 * 0.1264).abs() < 1e-9);
    }

    #[test]
    fn no_cache_tier_when_disabled() {
        let s = Scenario::default().seed_setup();
        assert!(plan(&s, &PriceBook::embedded(), &Demand::default()).is_none());
    }

    #[test]
    fn heavy_ops_leave_burstable_nodes() {
        let mut s = Scenario::default();
        s.data.cache_working_set_gb = 0.1;
        let light = plan(
            &s,
            &PriceBook::embedded(),
            &Demand {
                redis_ops_per_s: 100.0,
                ..Demand::default()
            },
        )
        .unwrap()
        .0;
        assert_eq!(light.node_type, "cache.t4g.micro");
        let heavy = plan(
            &s,
            &PriceBook::embedded(),
            &Demand {
                redis_ops_per_s: 30_000.0,
                ..Demand::default()
            },
        )
        .unwrap()
        .0;
        assert_eq!(heavy.node_type, "cache.m7g.large");
        assert!(heavy.binding_constraint.starts_with("ops"));
    }
}
