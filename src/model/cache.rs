//! ElastiCache (Valkey or Redis OSS): node type and replicas for the hot
//! commentary keys.

use super::catalog::{cache_node, CacheNode, CACHE_NODES, GIB};
use super::cost::{LineItem, Service, ServiceCost};
use super::demand::Demand;
use super::limits::LimitCatalog;
use super::prices::PriceBook;
use super::scenario::{CacheEngine, DeliveryMode, Environment, Scenario};
use serde::Serialize;

/// t4g nodes earn CPU credits at about this share of a core for small and
/// medium (aws.amazon.com/ec2/instance-types/t4g); the catalogue's
/// `cache.cpu_baseline_share` has the per-node figure (micro 10 %).
pub const T4G_BASELINE: f64 = 0.2;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CacheSizing {
    pub engine: CacheEngine,
    pub node_type: String,
    pub replicas: u32,
    pub memory_needed_gb: f64,
    pub node_memory_gb: f64,
    pub peak_ops_per_s: f64,
    /// Ops/s one node's engine thread serves (a t4g at its CPU baseline).
    pub node_ops_capacity: f64,
    /// Nodes that serve reads: the replicas behind the reader endpoint, or
    /// the primary without replicas.
    pub read_nodes: u32,
    /// Peak ops on the busiest node as a share of its engine thread.
    pub ops_share: f64,
    /// Baseline network of one node, bytes/s.
    pub node_network_bytes_per_s: f64,
    /// Client connections one node may see at worst, and its `maxclients`.
    pub connections_per_node: u32,
    pub maxclients: u32,
    pub burstable: bool,
    pub binding_constraint: String,
    /// A node type and replica count in the catalogue met every constraint
    /// (or both were pinned).
    pub fits: bool,
}

/// What the cache tier carries at one moment, split by the node that serves it.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct CacheLoad {
    /// GETs, spread over the read nodes.
    pub reads: f64,
    /// SET and PUBLISH on the primary.
    pub writes: f64,
    /// Pub/sub deliveries from the primary to subscribed processes (SSE).
    pub deliveries: f64,
}

impl CacheLoad {
    /// The cache load of `d`: reads are what the origin serves, writes the
    /// commentary events' operations, deliveries each event to each of
    /// `processes` subscribed processes when streaming.
    pub fn of(s: &Scenario, d: &Demand, processes: f64) -> CacheLoad {
        if d.redis_ops_per_s <= 0.0 {
            return CacheLoad::default();
        }
        CacheLoad {
            reads: d.cache_reads_per_s,
            writes: (d.redis_ops_per_s - d.cache_reads_per_s).max(0.0),
            deliveries: if s.delivery.mode == DeliveryMode::Sse {
                d.events_per_s * processes
            } else {
                0.0
            },
        }
    }

    /// `self` with the reads scaled by `k` (what the API tier carried of
    /// what was offered).
    pub fn carried(self, k: f64) -> CacheLoad {
        CacheLoad {
            reads: self.reads * k,
            ..self
        }
    }
}

/// Utilisation of each cache dimension under `load` on `c`: (ops on the
/// busiest node, network of the busiest node) as shares of its capacity.
pub fn utilisation(s: &Scenario, c: &CacheSizing, load: &CacheLoad) -> (f64, f64) {
    let bytes = s.delivery.payload_kb * super::demand::KB;
    let replicas = c.replicas > 0;
    let read_node = load.reads / f64::from(c.read_nodes.max(1));
    let primary_ops = load.writes + load.deliveries + if replicas { 0.0 } else { load.reads };
    let busiest_ops = primary_ops.max(if replicas { read_node } else { 0.0 });
    let primary_bytes = (load.deliveries + if replicas { 0.0 } else { load.reads }) * bytes;
    let busiest_bytes = primary_bytes.max(if replicas { read_node * bytes } else { 0.0 });
    (
        busiest_ops / c.node_ops_capacity,
        busiest_bytes / c.node_network_bytes_per_s,
    )
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

/// One candidate: a node type with a replica count.
fn sizing(s: &Scenario, n: &CacheNode, replicas: u32, need_gb: f64, peak: &CacheLoad, processes: u32) -> CacheSizing {
    let c = &s.coefficients;
    let limits = LimitCatalog::shared();
    let baseline = if n.burstable {
        limits
            .for_class("cache.cpu_baseline_share", n.name)
            .unwrap_or(T4G_BASELINE)
    } else {
        1.0
    };
    // `need_gb` already leaves ElastiCache's reserved memory free
    // (`coefficients.cache_usable_memory_share`, the default 25 %
    // `reserved-memory-percent`): compare with the whole `maxmemory`.
    let maxmemory_gb = limits
        .for_class("cache.maxmemory_bytes", n.name)
        .map_or(n.memory_gib * GIB, |b| b / 1e9);
    let connections_per_node = processes.saturating_mul(c.cache_connections_per_process);
    let mut out = CacheSizing {
        engine: s.platform.cache_engine,
        node_type: n.name.to_string(),
        replicas,
        memory_needed_gb: need_gb,
        node_memory_gb: maxmemory_gb,
        peak_ops_per_s: peak.reads + peak.writes + peak.deliveries,
        node_ops_capacity: c.cache_ops_per_vcpu * baseline,
        read_nodes: replicas.max(1),
        ops_share: 0.0,
        node_network_bytes_per_s: limits.for_class("cache.network_baseline_gbps", n.name).unwrap_or(0.064) * 1e9 / 8.0,
        connections_per_node,
        maxclients: limits.get("cache.maxclients") as u32,
        burstable: n.burstable,
        binding_constraint: String::new(),
        fits: false,
    };
    let (ops, net) = utilisation(s, &out, peak);
    out.ops_share = ops;
    out.fits = ops <= 1.0
        && net <= 1.0
        && out.memory_needed_gb <= out.node_memory_gb
        && connections_per_node <= out.maxclients
        && replicas <= limits.get("cache.replicas_per_shard") as u32;
    out
}

/// `None` when the scenario has no cache tier. `peak`: the busiest cache
/// step; `processes`: Node processes connected at worst (tasks × processes
/// per task, deploys included).
///
/// The cheapest node type and replica count (reads spread over the replicas
/// behind the reader endpoint, writes on the primary) that hold the working
/// set in usable memory and serve the peak within each node's engine thread,
/// baseline network and `maxclients`, with at least the environment's
/// replicas (1 in prod). When nothing fits, the largest node with the most
/// replicas a shard takes, `fits = false`.
pub fn plan(s: &Scenario, book: &PriceBook, peak: &CacheLoad, processes: u32) -> Option<(CacheSizing, ServiceCost)> {
    if !super::demand::cache_enabled(s) {
        return None;
    }
    let c = &s.coefficients;
    let need_gb = s.data.cache_working_set_gb * c.cache_overhead_factor / c.cache_usable_memory_share;
    let min_replicas = match s.platform.environment {
        Environment::Prod => 1,
        Environment::Staging => 0,
    };
    let max_replicas = LimitCatalog::shared().get("cache.replicas_per_shard") as u32;
    let engine = engine_name(s.platform.cache_engine);
    let price = |n: &CacheNode| book.get(&format!("elasticache.{engine}.{}", n.name));
    let nodes: Vec<CacheNode> = match s.overrides.cache_node_type.as_deref().and_then(cache_node) {
        Some(n) => vec![n],
        None => CACHE_NODES.to_vec(),
    };
    let replica_counts: Vec<u32> = match s.overrides.cache_replicas {
        Some(r) => vec![r],
        None => (min_replicas..=max_replicas).collect(),
    };
    let candidates: Vec<CacheSizing> = nodes
        .iter()
        .flat_map(|n| replica_counts.iter().map(move |&r| (n, r)))
        .map(|(n, r)| sizing(s, n, r, need_gb, peak, processes))
        .collect();
    let cost_of =
        |z: &CacheSizing| cache_node(&z.node_type).map_or(f64::INFINITY, |n| price(&n)) * f64::from(1 + z.replicas);
    let best = candidates
        .iter()
        .filter(|z| z.fits)
        .min_by(|a, b| cost_of(a).total_cmp(&cost_of(b)).then(a.replicas.cmp(&b.replicas)));
    let pinned = s.overrides.cache_node_type.is_some() && s.overrides.cache_replicas.is_some();
    let mut chosen = match best {
        Some(z) => z.clone(),
        // Nothing fits: the last candidate is the largest node with the most replicas.
        None => candidates[candidates.len() - 1].clone(),
    };
    let mem_only = CACHE_NODES.iter().position(|n| n.memory_gib * GIB >= need_gb);
    let at = CACHE_NODES.iter().position(|n| n.name == chosen.node_type);
    chosen.binding_constraint = if pinned || (s.overrides.cache_node_type.is_some() && best.is_some()) {
        format!("pinned by override to {}", chosen.node_type)
    } else if best.is_none() {
        format!(
            "nothing in the catalogue fits: {:.0} ops/s at peak on {} read node(s), {:.2} GB of data",
            chosen.peak_ops_per_s, chosen.read_nodes, need_gb
        )
    } else if chosen.replicas > min_replicas {
        format!(
            "reads: {:.0} ops/s at peak spread over {} replicas behind the reader endpoint",
            chosen.peak_ops_per_s, chosen.replicas
        )
    } else if at == Some(0) {
        "the smallest node type".to_string()
    } else if mem_only == at {
        format!(
            "memory: {:.2} GB of cached data needs {:.2} GB of node memory",
            s.data.cache_working_set_gb, need_gb
        )
    } else {
        format!("ops: {:.0} ops/s at peak on one engine thread", chosen.peak_ops_per_s)
    };
    chosen.fits = best.is_some() || pinned && chosen.fits;
    let items = items(
        book,
        s.platform.cache_engine,
        &chosen.node_type,
        1 + chosen.replicas,
        c.hours_per_month,
    );
    let cost = ServiceCost::new(
        Service::ElastiCache,
        format!(
            "{engine} {}, 1 primary + {} replica(s)",
            chosen.node_type, chosen.replicas
        ),
        format!("{} node(s)", 1 + chosen.replicas),
        chosen.binding_constraint.clone(),
        items,
    );
    Some((chosen, cost))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reads(ops: f64) -> CacheLoad {
        CacheLoad {
            reads: ops,
            ..CacheLoad::default()
        }
    }

    #[test]
    fn working_set_picks_the_node() {
        let mut s = Scenario::default();
        s.data.cache_working_set_gb = 2.0;
        let (c, cost) = plan(&s, &PriceBook::embedded(), &reads(200.0), 4).unwrap();
        // 2 GB × 1.3 / 0.75 = 3.47 GB → cache.t4g.medium (3.09 GiB = 3.32 GB) is too small.
        assert_eq!(c.node_type, "cache.m7g.large");
        assert_eq!(c.replicas, 1);
        assert!(c.fits);
        assert!((cost.monthly_usd - 2.0 * 730.0 * 0.1264).abs() < 1e-9);
    }

    #[test]
    fn no_cache_tier_when_disabled() {
        let s = Scenario::default().seed_setup();
        assert!(plan(&s, &PriceBook::embedded(), &CacheLoad::default(), 1).is_none());
    }

    #[test]
    fn heavy_ops_leave_burstable_nodes() {
        let mut s = Scenario::default();
        s.data.cache_working_set_gb = 0.1;
        let light = plan(&s, &PriceBook::embedded(), &reads(100.0), 4).unwrap().0;
        assert_eq!(light.node_type, "cache.t4g.micro");
        // 30,000 GETs/s of 4 KB: three times a t4g.micro's CPU baseline
        // (10 % of 50,000) and 15 times its network baseline: more replicas
        // or a larger node, each within its baselines.
        let heavy = plan(&s, &PriceBook::embedded(), &reads(30_000.0), 4).unwrap().0;
        assert!(heavy.fits);
        assert_ne!(heavy.node_type, "cache.t4g.micro", "{heavy:?}");
        let (ops, net) = utilisation(&s, &heavy, &reads(30_000.0));
        assert!(ops <= 1.0 && net <= 1.0, "{ops} {net}");
    }

    #[test]
    fn reads_beyond_one_engine_thread_spread_over_replicas() {
        // Finding 2: 2 M fans, pool 2: ~60,000 cache ops/s at peak, 120 % of
        // one engine thread. Reads go to the replicas behind the reader
        // endpoint; the cheapest fit has more than one.
        let s = Scenario::default();
        let load = CacheLoad {
            reads: 60_000.0,
            writes: 6.0,
            deliveries: 0.0,
        };
        let c = plan(&s, &PriceBook::embedded(), &load, 202).unwrap().0;
        assert!(c.fits, "{c:?}");
        assert!(c.replicas >= 2, "{c:?}");
        let (ops, net) = utilisation(&s, &c, &load);
        assert!(ops <= 1.0 && net <= 1.0);
        assert!(c.binding_constraint.starts_with("reads"), "{}", c.binding_constraint);
    }

    #[test]
    fn nothing_fits_beyond_six_nodes() {
        let s = Scenario::default();
        let c = plan(&s, &PriceBook::embedded(), &reads(1e6), 4).unwrap().0;
        assert!(!c.fits);
        assert_eq!((c.node_type.as_str(), c.replicas), ("cache.r7g.large", 5));
    }
}
