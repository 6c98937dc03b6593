//! RDS for MySQL: instance class, standby, read replicas, gp3 storage and the
//! connection budget the API's pools must fit in.

use super::catalog::{db_class, DbClass, DB_CLASSES, GIB};
use super::cost::{LineItem, Service, ServiceCost};
use super::demand::Demand;
use super::limits::{LimitCatalog, Quotas};
use super::prices::PriceBook;
use super::scenario::{MysqlVersion, ReplicaPolicy, Scenario};
use serde::Serialize;

/// gp3 volumes for RDS MySQL from this size (GB) include more IOPS.
const GP3_LARGE_FROM_GB: f64 = 400.0;
/// gp3 IOPS included below / from [`GP3_LARGE_FROM_GB`].
const GP3_IOPS_SMALL: f64 = 3_000.0;
const GP3_IOPS_LARGE: f64 = 12_000.0;
/// MySQL's hard ceiling on read replicas per source DB instance, the
/// catalogue's `db.mysql.read_replicas_per_source` (a test keeps them
/// equal); the input table's range for `overrides.db_read_replicas`.
pub const MAX_READ_REPLICAS: u32 = 15;

/// CPU share at which `coefficients.db_queries_per_vcpu` is stated (70 %):
/// sizing keeps each instance there; an instance saturates at
/// `db_queries_per_vcpu ÷ 0.7` per vCPU.
pub const DB_COEFFICIENT_CPU: f64 = 0.7;

/// IOPS a gp3 volume of `storage_gb` includes without provisioning.
pub fn gp3_included_iops(storage_gb: f64) -> f64 {
    if storage_gb >= GP3_LARGE_FROM_GB {
        GP3_IOPS_LARGE
    } else {
        GP3_IOPS_SMALL
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RdsSizing {
    pub instance_class: String,
    pub vcpu: f64,
    pub memory_gib: f64,
    pub multi_az: bool,
    pub read_replicas: u32,
    /// Read replicas the account may run off the writer (quota, at most 15).
    pub replica_limit: u32,
    pub allocated_storage_gb: u32,
    /// Provisioned IOPS; 0 = the included gp3 baseline.
    pub provisioned_iops: u32,
    pub iops_needed: f64,
    /// `max_connections` of the class (from `DBInstanceClassMemory`).
    pub max_connections: u32,
    /// Pool connections the tasks open to the writer at worst (max tasks,
    /// or a deploy of the kickoff count); through RDS Proxy when
    /// `needs_proxy`.
    pub connections_at_max_tasks: u32,
    /// Read-pool connections each replica holds.
    pub connections_per_replica: u32,
    /// Queries/s one instance of the class serves
    /// (vCPU × `coefficients.db_queries_per_vcpu`).
    pub capacity_qps: f64,
    pub peak_reads_per_s: f64,
    pub peak_writes_per_s: f64,
    /// Writer CPU share at peak (reads it keeps plus writes).
    pub writer_cpu_share: f64,
    pub buffer_pool_gb: f64,
    pub binding_constraint: String,
    /// RDS Proxy in front of the writer: the pools overflow `max_connections`.
    pub needs_proxy: bool,
    /// A class in the catalogue met every constraint (or one was pinned).
    pub fits: bool,
}

/// One database as billed: a writer (a Multi-AZ deployment when it has a
/// standby), its read replicas, gp3 storage per copy, and what comes on top.
#[derive(Debug, Clone, Copy)]
pub struct Db<'a> {
    pub class: &'a DbClass,
    pub multi_az: bool,
    pub replicas: u32,
    pub storage_gb: f64,
    /// Provisioned IOPS above the gp3 volume's included baseline, per copy.
    pub extra_iops: f64,
    /// Automated backup storage beyond the free 100 % of provisioned storage.
    pub backup_gb_above_storage: f64,
    /// RDS Proxy in front of the writer.
    pub proxy: bool,
    /// MySQL major version: 8.0 is billed RDS Extended Support.
    pub engine: MysqlVersion,
    /// Hours the database runs this month, of `month_hours`.
    pub hours: f64,
    pub month_hours: f64,
}

/// The RDS Extended Support price `engine` pays on the price book's date
/// (`retrieved`), or `None` in RDS standard support. MySQL 8.0 left
/// standard support on `db.mysql.8_0.end_of_standard_support` (2026-07-31):
/// years 1–2 of Extended Support at `rds.extended_support.mysql.vcpu_hour.y1_2`,
/// year 3 (from `db.mysql.8_0.extended_support_year3_start`) at `.y3`; a book
/// dated after the end of Extended Support keeps the year-3 rate. MySQL 8.4
/// is in standard support (its RDS end date is not in the catalogue: see
/// `docs/reference/price-and-limit-sources.md`).
pub fn extended_support_price_id(book: &PriceBook, engine: MysqlVersion) -> Option<&'static str> {
    if engine != MysqlVersion::V8_0 {
        return None;
    }
    let limits = LimitCatalog::shared();
    let date = crate::fmt::parse_f64(&book.retrieved.replace('-', ""))?;
    if date <= limits.get("db.mysql.8_0.end_of_standard_support") {
        None
    } else if date < limits.get("db.mysql.8_0.extended_support_year3_start") {
        Some("rds.extended_support.mysql.vcpu_hour.y1_2")
    } else {
        Some("rds.extended_support.mysql.vcpu_hour.y3")
    }
}

/// Line items of `db`. The plan and `kickoff price` both price RDS here. A
/// Multi-AZ writer is billed at the published Multi-AZ instance and storage
/// prices (`rds.mysql.multi_az.<class>`, `rds.gp3_gb_month.multi_az`), not
/// the single-AZ ones doubled; replicas at the single-AZ prices.
pub fn items(book: &PriceBook, db: &Db) -> Vec<LineItem> {
    let name = db.class.name;
    let share_of_month = db.hours / db.month_hours;
    let replicas = f64::from(db.replicas);
    let (writer, suffix, storage_id, iops_id) = if db.multi_az {
        (
            db.class.multi_az_price_id(),
            " Multi-AZ (primary and standby)",
            "rds.gp3_gb_month.multi_az",
            "rds.gp3_iops_month.multi_az",
        )
    } else {
        (db.class.price_id(), "", "rds.gp3_gb_month", "rds.gp3_iops_month")
    };
    let who = if db.multi_az { "writer and standby" } else { "writer" };
    let mut items = vec![LineItem::new(
        book,
        Service::Rds,
        format!("Writer {name}{suffix}"),
        db.hours,
        "instance-hours",
        &writer,
        1.0,
    )];
    if db.replicas > 0 {
        items.push(LineItem::new(
            book,
            Service::Rds,
            format!("{} read replica(s) {name}", db.replicas),
            db.hours * replicas,
            "instance-hours",
            &db.class.price_id(),
            1.0,
        ));
    }
    items.push(LineItem::new(
        book,
        Service::Rds,
        format!("gp3 storage ({who})"),
        db.storage_gb * share_of_month,
        "GB-months",
        storage_id,
        1.0,
    ));
    if db.replicas > 0 {
        items.push(LineItem::new(
            book,
            Service::Rds,
            "gp3 storage (read replicas)",
            db.storage_gb * replicas * share_of_month,
            "GB-months",
            "rds.gp3_gb_month",
            1.0,
        ));
    }
    if db.extra_iops > 0.0 {
        items.push(LineItem::new(
            book,
            Service::Rds,
            format!("gp3 IOPS above the included baseline ({who})"),
            db.extra_iops * share_of_month,
            "IOPS-months",
            iops_id,
            1.0,
        ));
        if db.replicas > 0 {
            items.push(LineItem::new(
                book,
                Service::Rds,
                "gp3 IOPS above the included baseline (read replicas)",
                db.extra_iops * replicas * share_of_month,
                "IOPS-months",
                "rds.gp3_iops_month",
                1.0,
            ));
        }
    }
    if db.proxy {
        items.push(LineItem::new(
            book,
            Service::Rds,
            "RDS Proxy for the writer (pools exceed max_connections)",
            db.hours * db.class.vcpu.max(2.0),
            "vCPU-hours",
            "rds.proxy_vcpu_hour",
            1.0,
        ));
    }
    if let Some(id) = extended_support_price_id(book, db.engine) {
        let instances = if db.multi_az { 2.0 } else { 1.0 } + replicas;
        items.push(LineItem::new(
            book,
            Service::Rds,
            format!("RDS Extended Support, MySQL {} ({who}, replicas)", db.engine.version()),
            db.hours * db.class.vcpu * instances,
            "vCPU-hours",
            id,
            1.0,
        ));
    }
    items.push(LineItem::new(
        book,
        Service::Rds,
        "Automated backup storage above 100 % of provisioned",
        db.backup_gb_above_storage,
        "GB-months",
        "rds.backup_gb_month",
        1.0,
    ));
    items
}

/// `max_connections` from the parameter-group formula
/// `{DBInstanceClassMemory/12582880}`: `DBInstanceClassMemory` is below the
/// nominal class memory (the catalogue's `db.class_memory_share`, 0.952 from
/// AWS's "around 1,300" connections at 16 GiB).
pub fn max_connections(class: &DbClass, bytes_per_connection: f64) -> u32 {
    (class_memory_gb(class) * 1e9 / bytes_per_connection).floor() as u32
}

/// `DBInstanceClassMemory` of `class` in GB: what MySQL's memory formulas
/// (`max_connections`, the buffer pool) see.
pub fn class_memory_gb(class: &DbClass) -> f64 {
    class.memory_gib * GIB * LimitCatalog::shared().get("db.class_memory_share")
}

/// Read replicas the account may run off one writer: the RDS quota (5 by
/// default, raised through `limit_overrides`), never above MySQL's hard 15.
pub fn replica_limit(s: &Scenario) -> u32 {
    let q = Quotas::new(&s.limit_overrides);
    q.get("db.read_replicas_per_source.default_quota")
        .min(q.get("db.mysql.read_replicas_per_source"))
        .min(f64::from(MAX_READ_REPLICAS)) as u32
}

/// A named test a class fit passes or fails.
type Constraint<'a> = (&'a str, &'a dyn Fn(&Fit) -> bool);

/// The pools the API opens: (to the writer, to each replica). The writer
/// sees the larger of the autoscaling ceiling's pools and a rolling deploy
/// of the kickoff count (old and new tasks both connected); with read
/// replicas each task also holds a pool of the same size to one replica,
/// spread evenly over them.
#[derive(Debug, Clone, Copy)]
pub struct Pools {
    pub writer: u32,
    pub tasks: u32,
}

impl Pools {
    pub fn of(s: &Scenario, max_tasks: u32, deploy_tasks: u32) -> Pools {
        let tasks = max_tasks.max(deploy_tasks);
        Pools {
            writer: tasks.saturating_mul(s.app.db_pool_per_task),
            tasks,
        }
    }
    pub fn per_replica(&self, replicas: u32) -> u32 {
        if replicas == 0 {
            0
        } else {
            self.writer.div_ceil(replicas)
        }
    }
}

struct Fit {
    class: DbClass,
    replicas: u32,
    hourly: f64,
    cpu_ok: bool,
    replicas_ok: bool,
    mem_ok: bool,
    /// The writer holds the pools without RDS Proxy.
    conn_ok: bool,
    /// Each replica holds its share of the read pools (no proxy for replicas).
    replica_conn_ok: bool,
    burst_ok: bool,
}

impl Fit {
    /// Everything fits, with RDS Proxy in front of the writer if its pools
    /// overflow `max_connections`.
    fn ok_with_proxy(&self) -> bool {
        self.cpu_ok && self.replicas_ok && self.mem_ok && self.replica_conn_ok && self.burst_ok
    }
}

/// Storage IOPS the peak reads and writes need.
fn iops_needed(s: &Scenario, reads: f64, writes: f64) -> f64 {
    writes * s.coefficients.db_iops_per_write + reads * s.coefficients.db_iops_per_read
}

/// gp3 storage for a year's growth, raised to 400 GB (12,000 included IOPS)
/// when the IOPS need it: (GB, provisioned IOPS, 0 = the included baseline).
fn storage(s: &Scenario, reads: f64, writes: f64) -> (f64, f64) {
    let d = &s.data;
    let storage_gb = (d.db_data_gb + d.db_growth_gb_per_month * 12.0).ceil().max(20.0);
    let iops_needed = iops_needed(s, reads, writes);
    if iops_needed <= GP3_IOPS_SMALL {
        (storage_gb, 0.0)
    } else if storage_gb >= GP3_LARGE_FROM_GB || iops_needed <= GP3_IOPS_LARGE {
        let provisioned = if iops_needed > GP3_IOPS_LARGE {
            iops_needed.ceil()
        } else {
            0.0
        };
        (storage_gb.max(GP3_LARGE_FROM_GB), provisioned)
    } else {
        (GP3_LARGE_FROM_GB, iops_needed.ceil())
    }
}

/// Replicas the policy gives `class`: pinned, none, or (auto) the fewest
/// with writes + reads ÷ (replicas + 1) within the class's capacity, the
/// writer taking every write. `None` when no count up to 15 is enough.
fn replicas_for(s: &Scenario, class: &DbClass, reads: f64, writes: f64) -> Option<u32> {
    let cap = class.vcpu * s.coefficients.db_queries_per_vcpu;
    match s.overrides.db_read_replicas {
        Some(n) => Some(n),
        None => match s.data.read_replicas {
            ReplicaPolicy::None => Some(0),
            ReplicaPolicy::Auto => {
                if writes >= cap {
                    return None;
                }
                let instances = (reads / (cap - writes)).ceil().max(1.0);
                (instances - 1.0 <= f64::from(MAX_READ_REPLICAS)).then_some(instances as u32 - 1)
            }
        },
    }
}

/// `storage`: (GB, provisioned IOPS above the included baseline) per copy.
/// A fit's `hourly` is everything the class choice changes, priced by
/// [`items`]: instances, their storage and IOPS, Extended Support on 8.0,
/// and the replica-lag alarms.
fn fit(
    s: &Scenario,
    book: &PriceBook,
    class: DbClass,
    reads: f64,
    writes: f64,
    pools: Pools,
    storage: (f64, f64),
) -> Fit {
    let c = &s.coefficients;
    let cap = class.vcpu * c.db_queries_per_vcpu;
    let limit = replica_limit(s);
    // Without a count that carries the reads, MySQL's most (the fit then
    // fails on CPU): more load never means fewer replicas, or a lower bill.
    let max_conn = f64::from(max_connections(&class, c.db_bytes_per_connection)) * c.db_connection_headroom;
    let needed = replicas_for(s, &class, reads, writes).map(|n| {
        // Replicas hold the read pools between them: an automatic count
        // grows until each one's share fits its max_connections.
        let spread = (f64::from(pools.writer) / max_conn.max(1.0))
            .ceil()
            .min(f64::from(MAX_READ_REPLICAS + 1)) as u32;
        if n > 0 && s.overrides.db_read_replicas.is_none() {
            n.max(spread)
        } else {
            n
        }
    });
    let replicas = needed.unwrap_or(MAX_READ_REPLICAS).min(MAX_READ_REPLICAS);
    let writer_load = writes + (reads / f64::from(replicas + 1)).min(reads);
    let hours = c.hours_per_month;
    let db = Db {
        class: &class,
        multi_az: s.data.multi_az,
        replicas,
        storage_gb: storage.0,
        extra_iops: storage.1,
        backup_gb_above_storage: 0.0,
        proxy: false,
        engine: s.data.engine_version,
        hours,
        month_hours: hours,
    };
    let monthly: f64 = items(book, &db).iter().map(|i| i.monthly_usd).sum();
    Fit {
        class,
        replicas,
        hourly: (monthly + f64::from(replicas) * book.get("cloudwatch.alarm_month")) / hours,
        cpu_ok: needed.is_some() && writes <= cap && writer_load <= cap,
        replicas_ok: replicas <= limit,
        mem_ok: class_memory_gb(&class) * c.db_buffer_pool_share >= s.data.working_set_gb,
        conn_ok: f64::from(pools.writer) <= max_conn,
        replica_conn_ok: f64::from(pools.per_replica(replicas)) <= max_conn,
        burst_ok: !class.is_burstable() || writer_load / cap <= class.cpu_baseline,
    }
}

/// Size the database for the peak of `day`. `pools`: the connections the
/// API's tasks open ([`Pools::of`]).
///
/// The cheapest class (with its replicas) that fits every constraint and
/// the account's replica quota, with RDS Proxy in front of the writer when
/// its pools overflow `max_connections`; a larger writer wins over a
/// replica the quota does not allow. When nothing in the catalogue fits,
/// the class that comes closest (the largest, with the most replicas the
/// quota allows, at most MySQL's 15) and `fits = false`: the plan's limit
/// checks name what breaks.
pub fn plan(s: &Scenario, book: &PriceBook, peak: &Demand, pools: Pools) -> (RdsSizing, ServiceCost) {
    let reads = peak.db_reads_per_s;
    let writes = peak.db_writes_per_s;
    let (storage_gb, provisioned_iops) = storage(s, reads, writes);
    let extra_iops = if provisioned_iops > 0.0 {
        (provisioned_iops - gp3_included_iops(storage_gb)).max(0.0)
    } else {
        0.0
    };
    let per_copy = (storage_gb, extra_iops);
    let fits: Vec<Fit> = DB_CLASSES
        .iter()
        .map(|&c| fit(s, book, c, reads, writes, pools, per_copy))
        .collect();
    let cheapest = |ok: &dyn Fn(&Fit) -> bool| {
        fits.iter()
            .filter(|f| ok(f))
            .min_by(|a, b| a.hourly.total_cmp(&b.hourly))
    };
    // Pools that overflow max_connections go through RDS Proxy, priced per
    // writer vCPU (2 minimum): a class may win with a proxy when no class
    // holds the pools directly. The option set only shrinks as load grows,
    // so the cheapest choice never gets cheaper with more fans.
    let proxy_hourly = |f: &Fit| {
        if f.conn_ok {
            0.0
        } else {
            book.get("rds.proxy_vcpu_hour") * f.class.vcpu.max(2.0)
        }
    };
    let best = fits
        .iter()
        .filter(|f| f.ok_with_proxy())
        .min_by(|a, b| (a.hourly + proxy_hourly(a)).total_cmp(&(b.hourly + proxy_hourly(b))));
    let chosen = match &s.overrides.db_instance_class {
        Some(name) => fit(
            s,
            book,
            db_class(name).unwrap_or(DB_CLASSES[0]),
            reads,
            writes,
            pools,
            per_copy,
        ),
        None => {
            let f = best.unwrap_or(&fits[fits.len() - 1]);
            fit(s, book, f.class, reads, writes, pools, per_copy)
        }
    };
    let binding = if s.overrides.db_instance_class.is_some() {
        format!("pinned by override to {}", chosen.class.name)
    } else if best.is_none() {
        format!(
            "nothing in the catalogue fits: the largest class, {} replica(s) (the account's quota allows {})",
            chosen.replicas,
            replica_limit(s)
        )
    } else {
        // The constraint whose cheapest satisfying class costs the most.
        let by: [Constraint; 5] = [
            ("CPU", &|f| f.cpu_ok),
            ("read replica quota (a larger writer instead)", &|f| {
                f.cpu_ok && f.replicas_ok
            }),
            ("memory (working set in the buffer pool)", &|f| f.mem_ok),
            ("connections (max tasks × pool)", &|f| f.conn_ok && f.replica_conn_ok),
            ("burst credits (sustained match load on t4g)", &|f| f.burst_ok),
        ];
        let mut best = ("the smallest class in the catalog", 0.0);
        for (name, ok) in by {
            if let Some(f) = cheapest(ok) {
                if f.hourly > best.1 && f.class.name != fits[0].class.name {
                    best = (name, f.hourly);
                }
            }
        }
        best.0.to_string()
    };
    let max_conn = max_connections(&chosen.class, s.coefficients.db_bytes_per_connection);
    let capacity = chosen.class.vcpu * s.coefficients.db_queries_per_vcpu;

    let d = &s.data;
    let iops_needed = iops_needed(s, reads, writes);
    let writer_cpu_share = (writes + reads / f64::from(chosen.replicas + 1)) / capacity;

    let backup_gb =
        d.db_data_gb * (1.0 + s.coefficients.db_daily_change_share * f64::from(s.storage.rds_backup_retention_days));
    let hours = s.coefficients.hours_per_month;
    let proxy = !chosen.conn_ok || s.data.rds_proxy;
    let items = items(
        book,
        &Db {
            class: &chosen.class,
            multi_az: d.multi_az,
            replicas: chosen.replicas,
            storage_gb,
            extra_iops,
            backup_gb_above_storage: (backup_gb - storage_gb).max(0.0),
            proxy,
            engine: d.engine_version,
            hours,
            month_hours: hours,
        },
    );

    let cost = ServiceCost::new(
        Service::Rds,
        format!(
            "MySQL {} {}{}, {} read replica(s), {} GB gp3{}",
            d.engine_version.version(),
            chosen.class.name,
            if d.multi_az { " Multi-AZ" } else { " single-AZ" },
            chosen.replicas,
            storage_gb,
            if proxy { ", RDS Proxy" } else { "" }
        ),
        format!("1 writer + {} replica(s)", chosen.replicas),
        binding.clone(),
        items,
    );
    let sizing = RdsSizing {
        instance_class: chosen.class.name.to_string(),
        vcpu: chosen.class.vcpu,
        memory_gib: chosen.class.memory_gib,
        multi_az: d.multi_az,
        read_replicas: chosen.replicas,
        replica_limit: replica_limit(s),
        allocated_storage_gb: storage_gb as u32,
        provisioned_iops: provisioned_iops as u32,
        iops_needed,
        max_connections: max_conn,
        connections_at_max_tasks: pools.writer,
        connections_per_replica: pools.per_replica(chosen.replicas),
        capacity_qps: capacity,
        peak_reads_per_s: reads,
        peak_writes_per_s: writes,
        writer_cpu_share,
        buffer_pool_gb: class_memory_gb(&chosen.class) * s.coefficients.db_buffer_pool_share,
        binding_constraint: binding,
        needs_proxy: proxy,
        fits: s.overrides.db_instance_class.is_some() || best.is_some(),
    };
    (sizing, cost)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn peak(reads: f64, writes: f64) -> Demand {
        Demand {
            db_reads_per_s: reads,
            db_writes_per_s: writes,
            ..Demand::default()
        }
    }

    fn pools(s: &Scenario, tasks: u32) -> Pools {
        Pools::of(s, tasks, 0)
    }

    #[test]
    fn max_connections_follows_the_formula_on_class_memory() {
        // DBInstanceClassMemory = 0.952 × 4 GiB; ÷ 12,582,880 = 324 (nominal
        // RAM would give 341).
        assert_eq!(max_connections(&db_class("db.t4g.medium").unwrap(), 12_582_880.0), 324);
        // AWS: "around 1,300" for 16 GiB.
        assert_eq!(max_connections(&db_class("db.r7g.large").unwrap(), 12_582_880.0), 1299);
    }

    #[test]
    fn working_set_drives_a_light_load() {
        let s = Scenario::default();
        let (r, cost) = plan(&s, &PriceBook::embedded(), &peak(20.0, 1.0), pools(&s, 4));
        // 2 GB working set needs 2.67 GB of memory → db.t4g.medium (4 GiB).
        assert_eq!(r.instance_class, "db.t4g.medium");
        assert!(r.binding_constraint.starts_with("memory"), "{}", r.binding_constraint);
        assert_eq!(r.read_replicas, 0);
        assert_eq!(r.allocated_storage_gb, 44);
        // Writer: 730 Multi-AZ instance-hours at the Multi-AZ price.
        assert_eq!(cost.items[0].price_id, "rds.mysql.multi_az.db.t4g.medium");
        assert!((cost.items[0].monthly_usd - 730.0 * 0.13).abs() < 1e-9);
    }

    #[test]
    fn heavy_reads_add_replicas_or_a_bigger_class() {
        let s = Scenario::default();
        let (r, _) = plan(&s, &PriceBook::embedded(), &peak(40_000.0, 50.0), pools(&s, 4));
        let capacity = r.vcpu * 1_500.0 * f64::from(r.read_replicas + 1);
        assert!(capacity >= 40_050.0, "{r:?}");
        assert!(!r.instance_class.starts_with("db.t4g"));
    }

    #[test]
    fn too_many_pools_recommend_a_proxy() {
        let mut s = Scenario::default();
        s.app.db_pool_per_task = 100;
        let (r, _) = plan(&s, &PriceBook::embedded(), &peak(10.0, 1.0), pools(&s, 200));
        assert!(r.needs_proxy);
        assert_eq!(r.connections_at_max_tasks, 20_000);
    }

    #[test]
    fn a_larger_writer_instead_of_a_replica_the_quota_does_not_allow() {
        let s = Scenario::default();
        // 60,000 reads/s: 2 vCPU classes need 19 instances, 4 vCPU 10,
        // 8 vCPU 5 (4 replicas, within the default quota of 5).
        let (r, _) = plan(&s, &PriceBook::embedded(), &peak(60_000.0, 10.0), pools(&s, 4));
        assert!(r.fits, "{r:?}");
        assert!(r.read_replicas <= 5, "{r:?}");
        assert_eq!(r.vcpu, 8.0);
        // The writer is within capacity.
        assert!(r.writer_cpu_share <= 1.0);
    }

    #[test]
    fn nothing_fits_when_no_class_and_quota_carry_the_reads() {
        let s = Scenario::default();
        // 490,000 reads/s (finding 1: 400,000 fans, no cache, TTL 0): even
        // 16 instances of 8 vCPU serve 192,000.
        let (r, _) = plan(&s, &PriceBook::embedded(), &peak(490_000.0, 1.8), pools(&s, 800));
        assert!(!r.fits);
        assert!(r.read_replicas <= 15);
        assert!(r.writer_cpu_share > 1.0);
    }

    fn db(class: &DbClass, multi_az: bool, replicas: u32, engine: MysqlVersion) -> Db<'_> {
        Db {
            class,
            multi_az,
            replicas,
            storage_gb: 100.0,
            extra_iops: 1_000.0,
            backup_gb_above_storage: 0.0,
            proxy: false,
            engine,
            hours: 730.0,
            month_hours: 730.0,
        }
    }

    fn usd(items: &[LineItem], id: &str) -> f64 {
        items.iter().filter(|i| i.price_id == id).map(|i| i.monthly_usd).sum()
    }

    #[test]
    fn multi_az_uses_the_published_multi_az_prices() {
        let book = PriceBook::embedded();
        // db.t4g.small: $0.065 Multi-AZ, not 2 × $0.032 = $0.064.
        let small = db_class("db.t4g.small").unwrap();
        let items = items(&book, &db(&small, true, 1, MysqlVersion::V8_4));
        assert!((usd(&items, "rds.mysql.multi_az.db.t4g.small") - 730.0 * 0.065).abs() < 1e-9);
        // The replica stays single-AZ, instance and storage.
        assert!((usd(&items, "rds.mysql.db.t4g.small") - 730.0 * 0.032).abs() < 1e-9);
        assert!((usd(&items, "rds.gp3_gb_month.multi_az") - 100.0 * 0.23).abs() < 1e-9);
        assert!((usd(&items, "rds.gp3_gb_month") - 100.0 * 0.115).abs() < 1e-9);
        assert!((usd(&items, "rds.gp3_iops_month.multi_az") - 1_000.0 * 0.04).abs() < 1e-9);
        assert!((usd(&items, "rds.gp3_iops_month") - 1_000.0 * 0.02).abs() < 1e-9);
        assert!(items.iter().all(|i| !i.price_id.starts_with("rds.extended_support")));
    }

    #[test]
    fn mysql_8_0_pays_extended_support_on_every_instance() {
        let mut book = PriceBook::embedded();
        let r7g = db_class("db.r7g.xlarge").unwrap(); // 4 vCPU
        let vcpu_usd = |book: &PriceBook, d: &Db| {
            items(book, d)
                .iter()
                .filter(|i| i.price_id.starts_with("rds.extended_support"))
                .map(|i| (i.price_id.clone(), i.quantity, i.monthly_usd))
                .collect::<Vec<_>>()
        };
        // The book's date (2026-11-27) is in years 1–2: $0.100 per vCPU-hour
        // on writer + standby + 2 replicas = 4 instances × 4 vCPU × 730 h.
        let es = vcpu_usd(&book, &db(&r7g, true, 2, MysqlVersion::V8_0));
        assert_eq!(es.len(), 1);
        assert_eq!(es[0].0, "rds.extended_support.mysql.vcpu_hour.y1_2");
        assert_eq!(es[0].1, 4.0 * 4.0 * 730.0);
        assert!((es[0].2 - 11_680.0 * 0.1).abs() < 1e-9);
        // Single-AZ without replicas: one instance.
        assert_eq!(
            vcpu_usd(&book, &db(&r7g, false, 0, MysqlVersion::V8_0))[0].1,
            4.0 * 730.0
        );
        // 8.4: none. By date: standard support until 2026-07-31, year 3 from 2028-08-01.
        assert!(vcpu_usd(&book, &db(&r7g, true, 2, MysqlVersion::V8_4)).is_empty());
        for (date, id) in [
            ("2026-07-31", None),
            ("2026-08-01", Some("rds.extended_support.mysql.vcpu_hour.y1_2")),
            ("2028-07-31", Some("rds.extended_support.mysql.vcpu_hour.y1_2")),
            ("2028-08-01", Some("rds.extended_support.mysql.vcpu_hour.y3")),
            ("2030-01-01", Some("rds.extended_support.mysql.vcpu_hour.y3")),
        ] {
            book.retrieved = date.into();
            assert_eq!(extended_support_price_id(&book, MysqlVersion::V8_0), id, "{date}");
        }
    }

    #[test]
    fn extended_support_makes_8_0_cost_more_for_the_same_load() {
        let book = PriceBook::embedded();
        let mut s = Scenario::default();
        let (r84, c84) = plan(&s, &book, &peak(20.0, 1.0), pools(&s, 4));
        s.data.engine_version = MysqlVersion::V8_0;
        let (r80, c80) = plan(&s, &book, &peak(20.0, 1.0), pools(&s, 4));
        assert_eq!(r84.instance_class, r80.instance_class);
        // db.t4g.medium: 2 vCPU × 2 instances × 730 h × $0.10.
        assert!((c80.monthly_usd - c84.monthly_usd - 292.0).abs() < 1e-9);
        assert!(c80.what.starts_with("MySQL 8.0"), "{}", c80.what);
    }
}
