//! Every tier a fan's request crosses, step by step: CloudFront, the ALB's
//! targets, the API tasks (in `autoscale.rs`), Redis/Valkey and MySQL (the
//! writer, each replica, the connections). The match-day simulation asks
//! this module, for each step, how loaded each tier is and what share of the
//! step's requests it fails.
//!
//! Saturated tiers queue like the API: a FIFO fluid without admission
//! control ([`fluid_step`]), backlog carried from step to step, requests
//! failing once they would wait longer than `app.request_timeout_s`. Quotas
//! fail at once: CloudFront throttles requests above its per-distribution
//! rate, tasks beyond the ALB's target quota never receive traffic, pools
//! beyond `max_connections` and clients beyond `maxclients` are refused.
//!
//! Downstream tiers see what the API tier *carried*, not what was offered:
//! a saturated API passes on only the requests it serves.

use super::cache::{self, CacheLoad, CacheSizing};
use super::demand::Demand;
use super::fault::Fault;
use super::limits::Quotas;
use super::queueing::fluid_step;
use super::rds::{RdsSizing, DB_COEFFICIENT_CPU};
use super::scenario::Scenario;
use serde::Serialize;

/// Utilisation of every tier in one step (1 = 100 %): the rate offered to
/// it over the rate it carries (a backlog it drains is not counted: it shows
/// as waits and errors).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct TierUse {
    /// API tasks: offered requests over the serving tasks' capacity.
    pub app: f64,
    /// Registered tasks over the ALB's target quota.
    pub alb_targets: f64,
    /// Edge requests over CloudFront's requests/s per distribution.
    pub cdn_requests: f64,
    /// Edge bytes over CloudFront's Gbps per distribution.
    pub cdn_bandwidth: f64,
    /// MySQL writer queries over its capacity at 100 % CPU.
    pub db_writer: f64,
    /// The busiest read replica's queries over its capacity.
    pub db_replica: f64,
    /// Connections the writer (or a replica) holds over `max_connections`.
    pub db_connections: f64,
    /// The busiest cache node's operations over its engine thread.
    pub cache_ops: f64,
    /// Cache data over node memory.
    pub cache_memory: f64,
    /// The busiest cache node's bytes over its baseline network.
    pub cache_network: f64,
    /// Client connections per cache node over `maxclients`.
    pub cache_connections: f64,
}

impl TierUse {
    /// (name, utilisation) of every tier, in the order above.
    pub fn entries(&self) -> [(&'static str, f64); 11] {
        [
            ("app", self.app),
            ("alb_targets", self.alb_targets),
            ("cdn_requests", self.cdn_requests),
            ("cdn_bandwidth", self.cdn_bandwidth),
            ("db_writer", self.db_writer),
            ("db_replica", self.db_replica),
            ("db_connections", self.db_connections),
            ("cache_ops", self.cache_ops),
            ("cache_memory", self.cache_memory),
            ("cache_network", self.cache_network),
            ("cache_connections", self.cache_connections),
        ]
    }

    /// The busiest tier.
    pub fn worst(&self) -> (&'static str, f64) {
        self.entries()
            .into_iter()
            .fold(("app", f64::NEG_INFINITY), |a, b| if b.1 > a.1 { b } else { a })
    }

    /// Tiers above 100 %.
    pub fn saturated(&self) -> Vec<(&'static str, f64)> {
        self.entries().into_iter().filter(|(_, u)| *u > 1.0 + 1e-9).collect()
    }

    /// The busiest tier above 100 %, if any (no allocation: the
    /// simulation asks this at every step).
    pub fn most_saturated(&self) -> Option<(&'static str, f64)> {
        self.entries()
            .into_iter()
            .filter(|(_, u)| *u > 1.0 + 1e-9)
            .max_by(|a, b| a.1.total_cmp(&b.1))
    }

    /// The larger of each tier's utilisation in `self` and `o`.
    pub fn max(self, o: TierUse) -> TierUse {
        TierUse {
            app: self.app.max(o.app),
            alb_targets: self.alb_targets.max(o.alb_targets),
            cdn_requests: self.cdn_requests.max(o.cdn_requests),
            cdn_bandwidth: self.cdn_bandwidth.max(o.cdn_bandwidth),
            db_writer: self.db_writer.max(o.db_writer),
            db_replica: self.db_replica.max(o.db_replica),
            db_connections: self.db_connections.max(o.db_connections),
            cache_ops: self.cache_ops.max(o.cache_ops),
            cache_memory: self.cache_memory.max(o.cache_memory),
            cache_network: self.cache_network.max(o.cache_network),
            cache_connections: self.cache_connections.max(o.cache_connections),
        }
    }
}

/// The database as the simulation sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct DbTier {
    /// Queries/s one instance serves at 100 % CPU.
    pub capacity_qps: f64,
    pub replicas: u32,
    pub max_connections: f64,
    /// RDS Proxy in front of the writer: pools connect to the proxy, which
    /// opens at most `max_connections` × `MaxConnectionsPercent` to the writer.
    pub proxy: bool,
    pub proxy_connection_share: f64,
    pub pool_per_task: f64,
    /// Seconds of CPU one query costs (1 ÷ queries per vCPU at 100 %): a
    /// proxied writer holds one connection per query in flight.
    pub query_cpu_s: f64,
}

/// Capacities of every tier below the API, from the plan's sizing.
#[derive(Debug, Clone, PartialEq)]
pub struct Tiers {
    pub cdn_rps_limit: f64,
    pub cdn_bytes_per_s_limit: f64,
    pub alb_target_limit: f64,
    pub processes_per_task: f64,
    /// `None`: not simulated (unbounded).
    pub db: Option<DbTier>,
    pub cache: Option<CacheSizing>,
    /// Share of origin requests that query MySQL (cache misses).
    pub db_dependence: f64,
}

impl Tiers {
    /// No tier below the API limits anything: the API alone.
    pub fn unbounded() -> Tiers {
        Tiers {
            cdn_rps_limit: f64::INFINITY,
            cdn_bytes_per_s_limit: f64::INFINITY,
            alb_target_limit: f64::INFINITY,
            processes_per_task: 1.0,
            db: None,
            cache: None,
            db_dependence: 0.0,
        }
    }

    /// The tiers the plan sized, under the scenario's quotas.
    pub fn of(s: &Scenario, rds: &RdsSizing, cache: Option<&CacheSizing>, processes_per_task: u32) -> Tiers {
        let q = Quotas::new(&s.limit_overrides);
        let flat = s.platform.cdn_pricing != super::scenario::CdnPricing::PayAsYouGo;
        let miss = if super::demand::cache_enabled(s) {
            1.0 - s.data.redis_hit_ratio
        } else {
            1.0
        };
        Tiers {
            // The per-distribution quotas do not apply to flat-rate plans
            // (their monthly allowances do, checked on the month).
            cdn_rps_limit: if flat {
                f64::INFINITY
            } else {
                q.get("cdn.requests_per_s_per_distribution")
            },
            cdn_bytes_per_s_limit: if flat {
                f64::INFINITY
            } else {
                q.get("cdn.data_transfer_gbps_per_distribution") * 1e9 / 8.0
            },
            alb_target_limit: f64::from(super::fargate::target_limit(&q)),
            processes_per_task: f64::from(processes_per_task),
            db: Some(DbTier {
                capacity_qps: rds.capacity_qps / DB_COEFFICIENT_CPU,
                replicas: rds.read_replicas,
                max_connections: f64::from(rds.max_connections),
                proxy: rds.needs_proxy,
                proxy_connection_share: q.get("db_proxy.max_connections_percent.default") / 100.0,
                pool_per_task: f64::from(s.app.db_pool_per_task),
                query_cpu_s: rds.vcpu / (rds.capacity_qps / DB_COEFFICIENT_CPU).max(1e-9),
            }),
            cache: cache.cloned(),
            db_dependence: if s.data.db_queries_per_uncached_request > 0.0 {
                miss
            } else {
                0.0
            },
        }
    }
}

/// Backlogs carried from one step to the next, in seconds of the tier's
/// work (backlog ÷ capacity).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Backlogs {
    pub db_writer: f64,
    pub db_replica: f64,
    pub cache: f64,
}

/// What the edge (CloudFront) does to one step's demand.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Edge {
    /// Share of requests CloudFront throttles (the distribution's quotas).
    pub error_share: f64,
    pub requests: f64,
    pub bandwidth: f64,
}

/// CloudFront in one step: above a per-distribution quota the excess is
/// throttled (fails at once, never reaches the origin).
pub fn edge(t: &Tiers, d: &Demand) -> Edge {
    let requests = d.edge_rps() / t.cdn_rps_limit;
    let bandwidth = d.edge_bytes_per_s / t.cdn_bytes_per_s_limit;
    let over = requests.max(bandwidth);
    Edge {
        error_share: if over > 1.0 { 1.0 - 1.0 / over } else { 0.0 },
        requests,
        bandwidth,
    }
}

/// What the tiers below the API did to one step's carried requests.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Below {
    /// Share of the API's requests that fail below it (cache, MySQL).
    pub error_share: f64,
    /// Seconds the p95 request waits below the API.
    pub wait_p95_s: f64,
}

/// One step (`scaling.sim_step_s`) below the API. `d`: the step's offered
/// demand; `k`: the share of it the API carried (above 1 while it drains a
/// backlog); `tasks`: tasks connected (running). A request fails after
/// `app.request_timeout_s`. `fault`: what a drill does to the step (the
/// cache or the writer away). Updates `backlogs` and the cache and
/// database fields of `used`.
pub fn below(
    s: &Scenario,
    t: &Tiers,
    d: &Demand,
    (k, tasks): (f64, f64),
    fault: &Fault,
    backlogs: &mut Backlogs,
    used: &mut TierUse,
) -> Below {
    let timeout = s.app.request_timeout_s;
    let dt = s.scaling.sim_step_s;
    let mut out = Below::default();
    let processes = tasks * t.processes_per_task;

    // Cache: every origin request reads it (polling); the busiest node
    // queues as a fluid in "seconds of work" (capacity 1).
    // A cache that is away carries nothing and fails nothing: the app
    // reads MySQL instead (an app requirement, docs/drills.md); its queue
    // is lost with it.
    if fault.cache_down {
        backlogs.cache = 0.0;
    }
    if let Some(c) = t.cache.as_ref().filter(|_| !fault.cache_down) {
        let load = CacheLoad::of(s, d, processes).carried(k);
        let (ops, net) = cache::utilisation(s, c, &load);
        let busiest = ops.max(net);
        let q = fluid_step(backlogs.cache, busiest, 1.0, dt, timeout);
        backlogs.cache = q.backlog;
        let conns = processes * f64::from(s.coefficients.cache_connections_per_process);
        used.cache_ops = ops;
        used.cache_network = net;
        used.cache_memory = c.memory_needed_gb / c.node_memory_gb;
        used.cache_connections = conns / f64::from(c.maxclients);
        let refused = if conns > f64::from(c.maxclients) {
            1.0 - f64::from(c.maxclients) / conns
        } else {
            0.0
        };
        let reads_share = if d.origin_rps > 0.0 {
            (d.cache_reads_per_s / d.origin_rps).min(1.0)
        } else {
            0.0
        };
        let failed = 1.0 - (1.0 - q.late_share) * (1.0 - refused);
        out.error_share = failed * reads_share;
        out.wait_p95_s = q.wait_p95_s;
    }

    // MySQL: reads spread evenly over the writer and its replicas, the
    // writer takes every write; each instance queues as a fluid.
    if let Some(db) = &t.db {
        let reads = d.db_reads_per_s * k;
        let instances = f64::from(db.replicas + 1);
        let writer_q = d.db_writes_per_s + reads / instances;
        let replica_q = if db.replicas > 0 { reads / instances } else { 0.0 };
        let mut w = fluid_step(
            backlogs.db_writer * db.capacity_qps,
            writer_q,
            db.capacity_qps,
            dt,
            timeout,
        );
        if fault.writer_down {
            // Connections to the old writer break: its queries fail at
            // once and nothing queues for it.
            w.late_share = 1.0;
            w.backlog = 0.0;
            w.wait_p95_s = 0.0;
        }
        let r = fluid_step(
            backlogs.db_replica * db.capacity_qps,
            replica_q,
            db.capacity_qps,
            dt,
            timeout,
        );
        backlogs.db_writer = w.backlog / db.capacity_qps;
        backlogs.db_replica = r.backlog / db.capacity_qps;
        used.db_writer = writer_q / db.capacity_qps;
        used.db_replica = replica_q / db.capacity_qps;
        // Connections: pools straight to the writer (and one pool per task
        // to a replica), or through RDS Proxy, which holds one writer
        // connection per query in flight (Little's law) and never more than
        // its share of max_connections.
        let pools = tasks * db.pool_per_task;
        let per_replica = if db.replicas > 0 {
            pools / f64::from(db.replicas)
        } else {
            0.0
        };
        let writer_conns = if db.proxy {
            (writer_q * db.query_cpu_s).min(db.max_connections * db.proxy_connection_share)
        } else {
            pools
        };
        let busiest_conns = writer_conns.max(per_replica);
        used.db_connections = busiest_conns / db.max_connections;
        let refused = if busiest_conns > db.max_connections {
            1.0 - db.max_connections / busiest_conns
        } else {
            0.0
        };
        let late = (w.late_share + f64::from(db.replicas) * r.late_share) / instances;
        let failed = 1.0 - (1.0 - late) * (1.0 - refused);
        // Share of origin requests that query MySQL: the misses, all of
        // them while a drill empties the cache.
        let dependence = match fault.hit_ratio {
            Some(h) if t.db_dependence > 0.0 => 1.0 - h,
            _ => t.db_dependence,
        };
        out.error_share = 1.0 - (1.0 - out.error_share) * (1.0 - failed * dependence);
        if dependence >= 0.05 {
            out.wait_p95_s += w.wait_p95_s.max(r.wait_p95_s);
        }
    }
    out
}
