//! RDS for MySQL: instance class, standby, read replicas, gp3 storage and the
//! connection budget the API's pools must fit in.

use super::catalog::{db_class, DbClass, DB_CLASSES, GIB};
use super::cost::{LineItem, Service, ServiceCost};
use super::demand::Demand;
use super::limits::LimitCatalog;
use super::prices::PriceBook;
use super::scenario::{MysqlVersion, ReplicaPolicy, Scenario};
use serde::Serialize;

/// gp3 volumes for RDS MySQL from this size (GB) include more IOPS.
const GP3_LARGE_FROM_GB: f64 = 400.0;
/// gp3 IOPS included below / from [`GP3_LARGE_FROM_GB`].
const GP3_IOPS_SMALL: f64 = 3_000.0;
const GP3_IOPS_LARGE: f64 = 12_000.0;
/// RDS quota: read replicas per source DB instance
/// (docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ReadRepl.html).
pub const MAX_READ_REPLICAS: u32 = 15;

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
    pub allocated_storage_gb: u32,
    /// Provisioned IOPS; 0 = the included gp3 baseline.
    pub provisioned_iops: u32,
    pub iops_needed: f64,
    pub max_connections: u32,
    /// Pool connections the writer sees at max tasks.
    pub connections_at_max_tasks: u32,
    pub peak_reads_per_s: f64,
    pub peak_writes_per_s: f64,
    /// Writer CPU share at peak (reads it keeps plus writes).
    pub writer_cpu_share: f64,
    pub buffer_pool_gb: f64,
    pub binding_constraint: String,
    pub needs_proxy: bool,
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
    let date: f64 = book.retrieved.replace('-', "").parse().ok()?;
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

/// `max_connections` from the parameter-group formula.
pub fn max_connections(class: &DbClass, bytes_per_connection: f64) -> u32 {
    (class.memory_gib * GIB * 1e9 / bytes_per_connection).floor() as u32
}

/// A named test a class fit passes or fails.
type Constraint<'a> = (&'a str, &'a dyn Fn(&Fit) -> bool);

struct Fit {
    class: DbClass,
    replicas: u32,
    hourly: f64,
    cpu_ok: bool,
    mem_ok: bool,
    conn_ok: bool,
    burst_ok: bool,
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
    conns: u32,
    storage: (f64, f64),
) -> Fit {
    let c = &s.coefficients;
    let cap = class.vcpu * c.db_queries_per_vcpu;
    let replicas = match s.overrides.db_read_replicas {
        Some(n) => n,
        None => match s.data.read_replicas {
            ReplicaPolicy::None => 0,
            // Reads spread evenly over the writer and its replicas, and the
            // writer also takes every write: the fewest instances n with
            // writes + reads / n <= cap. Capped just past RDS's 15-replica
            // limit (`MAX_READ_REPLICAS`; more is infeasible anyway); no
            // headroom for reads at all (writes >= cap) is the same cap, and
            // fails the CPU check.
            ReplicaPolicy::Auto => {
                let instances = if writes < cap {
                    (reads / (cap - writes)).ceil().max(1.0)
                } else {
                    17.0
                };
                (instances - 1.0).min(16.0) as u32
            }
        },
    };
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
        cpu_ok: writes <= cap && writer_load <= cap && replicas <= MAX_READ_REPLICAS,
        mem_ok: class.memory_gib * GIB * c.db_buffer_pool_share >= s.data.working_set_gb,
        conn_ok: f64::from(conns)
            <= f64::from(max_connections(&class, c.db_bytes_per_connection)) * c.db_connection_headroom,
        burst_ok: !class.is_burstable() || writer_load / cap <= class.cpu_baseline,
    }
}

/// Size the database for the peak of `day`, with `max_tasks` pools of connections.
pub fn plan(s: &Scenario, book: &PriceBook, peak: &Demand, max_tasks: u32) -> (RdsSizing, ServiceCost) {
    let reads = peak.db_reads_per_s;
    let writes = peak.db_writes_per_s;
    let conns = max_tasks.saturating_mul(s.app.db_pool_per_task);
    let (storage_gb, provisioned_iops) = storage(s, reads, writes);
    let extra_iops = if provisioned_iops > 0.0 {
        (provisioned_iops - gp3_included_iops(storage_gb)).max(0.0)
    } else {
        0.0
    };
    let per_copy = (storage_gb, extra_iops);
    let fits: Vec<Fit> = DB_CLASSES
        .iter()
        .map(|&c| fit(s, book, c, reads, writes, conns, per_copy))
        .collect();
    let cheapest = |ok: &dyn Fn(&Fit) -> bool| {
        fits.iter()
            .filter(|f| ok(f))
            .min_by(|a, b| a.hourly.total_cmp(&b.hourly))
    };
    let all = |f: &Fit| f.cpu_ok && f.mem_ok && f.conn_ok && f.burst_ok;
    // Pools that overflow max_connections go through RDS Proxy, priced per
    // writer vCPU (2 minimum): a class may win with a proxy when no class
    // holds the pools directly. Both option sets only shrink as load grows,
    // so the cheapest choice never gets cheaper with more fans.
    let proxy_hourly = |f: &Fit| book.get("rds.proxy_vcpu_hour") * f.class.vcpu.max(2.0);
    let direct = cheapest(&all).map(|f| (f, f.hourly));
    let proxied = fits
        .iter()
        .filter(|f| f.cpu_ok && f.mem_ok && f.burst_ok && !f.conn_ok)
        .map(|f| (f, f.hourly + proxy_hourly(f)))
        .min_by(|a, b| a.1.total_cmp(&b.1));
    let chosen = match &s.overrides.db_instance_class {
        Some(name) => fit(
            s,
            book,
            db_class(name).unwrap_or(DB_CLASSES[0]),
            reads,
            writes,
            conns,
            per_copy,
        ),
        None => {
            let f = match (direct, proxied) {
                (Some(d), Some(p)) => {
                    if p.1 < d.1 {
                        p.0
                    } else {
                        d.0
                    }
                }
                (Some(d), None) => d.0,
                (None, Some(p)) => p.0,
                (None, None) => &fits[fits.len() - 1],
            };
            fit(s, book, f.class, reads, writes, conns, per_copy)
        }
    };
    let binding = if s.overrides.db_instance_class.is_some() {
        format!("pinned by override to {}", chosen.class.name)
    } else {
        // The constraint whose cheapest satisfying class costs the most.
        let by: [Constraint; 4] = [
            ("CPU", &|f| f.cpu_ok),
            ("memory (working set in the buffer pool)", &|f| f.mem_ok),
            ("connections (max tasks × pool)", &|f| f.conn_ok),
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

    let d = &s.data;
    let iops_needed = iops_needed(s, reads, writes);
    let writer_cpu_share =
        (writes + reads / f64::from(chosen.replicas + 1)) / (chosen.class.vcpu * s.coefficients.db_queries_per_vcpu);

    let backup_gb =
        d.db_data_gb * (1.0 + s.coefficients.db_daily_change_share * f64::from(s.storage.rds_backup_retention_days));
    let hours = s.coefficients.hours_per_month;
    let items = items(
        book,
        &Db {
            class: &chosen.class,
            multi_az: d.multi_az,
            replicas: chosen.replicas,
            storage_gb,
            extra_iops,
            backup_gb_above_storage: (backup_gb - storage_gb).max(0.0),
            proxy: !chosen.conn_ok,
            engine: d.engine_version,
            hours,
            month_hours: hours,
        },
    );

    let cost = ServiceCost::new(
        Service::Rds,
        format!(
            "MySQL {} {}{}, {} read replica(s), {} GB gp3",
            d.engine_version.version(),
            chosen.class.name,
            if d.multi_az { " Multi-AZ" } else { " single-AZ" },
            chosen.replicas,
            storage_gb
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
        allocated_storage_gb: storage_gb as u32,
        provisioned_iops: provisioned_iops as u32,
        iops_needed,
        max_connections: max_conn,
        connections_at_max_tasks: conns,
        peak_reads_per_s: reads,
        peak_writes_per_s: writes,
        writer_cpu_share,
        buffer_pool_gb: chosen.class.memory_gib * GIB * s.coefficients.db_buffer_pool_share,
        binding_constraint: binding,
        needs_proxy: !chosen.conn_ok,
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

    #[test]
    fn max_connections_follows_the_formula() {
        // 4 GiB / 12,582,880 ≈ 341 (AWS's nominal figure).
        assert_eq!(max_connections(&db_class("db.t4g.medium").unwrap(), 12_582_880.0), 341);
    }

    #[test]
    fn working_set_drives_a_light_load() {
        let s = Scenario::default();
        let (r, cost) = plan(&s, &PriceBook::embedded(), &peak(20.0, 1.0), 4);
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
        let (r, _) = plan(&s, &PriceBook::embedded(), &peak(40_000.0, 50.0), 4);
        let capacity = r.vcpu * 1_500.0 * f64::from(r.read_replicas + 1);
        assert!(capacity >= 40_050.0, "{r:?}");
        assert!(!r.instance_class.starts_with("db.t4g"));
    }

    #[test]
    fn too_many_pools_recommend_a_proxy() {
        let mut s = Scenario::default();
        s.app.db_pool_per_task = 100;
        let (r, _) = plan(&s, &PriceBook::embedded(), &peak(10.0, 1.0), 200);
        assert!(r.needs_proxy);
        assert_eq!(r.connections_at_max_tasks, 20_000);
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
        let (r84, c84) = plan(&s, &book, &peak(20.0, 1.0), 4);
        s.data.engine_version = MysqlVersion::V8_0;
        let (r80, c80) = plan(&s, &book, &peak(20.0, 1.0), 4);
        assert_eq!(r84.instance_class, r80.instance_class);
        // db.t4g.medium: 2 vCPU × 2 instances × 730 h × $0.10.
        assert!((c80.monthly_usd - c84.monthly_usd - 292.0).abs() < 1e-9);
        assert!(c80.what.starts_with("MySQL 8.0"), "{}", c80.what);
    }
}
