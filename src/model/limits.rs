//! The limits catalogue: the AWS quotas and capacity ceilings a plan depends
//! on, each with unit, whether AWS can raise it, source, date and confidence,
//! read from an embedded data file (`limits_us_east_1.json`).
//!
//! A limit is either one number (`db.mysql.read_replicas_per_source` = 15) or
//! a table keyed by instance class or storage class (`db.vcpu`,
//! `cache.maxmemory_bytes`, `s3.min_storage_days`). Formula-derived limits
//! keep their inputs, not a precomputed answer: MySQL's default
//! `max_connections` is `DBInstanceClassMemory / 12,582,880` bytes, and
//! `DBInstanceClassMemory` is below the nominal class memory
//! (`db.class_memory_share`), so
//!
//! ```
//! use kickoff::model::limits::LimitCatalog;
//! let limits = LimitCatalog::embedded();
//! let gib = limits.for_class("db.memory_gib", "db.r7g.large").unwrap();
//! let bytes = limits.get("db.class_memory_share") * gib * 1_073_741_824.0;
//! let max_connections = (bytes / limits.get("db.mysql.max_connections_divisor_bytes")).floor();
//! assert_eq!(max_connections, 1299.0); // AWS: "around 1,300" for 16 GiB
//! ```
//!
//! Where AWS publishes no figure, the catalogue has no entry:
//! `docs/reference/price-and-limit-sources.md` lists those gaps.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::OnceLock;

// build.rs copies limits_us_east_1.json here (without its notes in the browser).
const EMBEDDED: &str = include_str!(concat!(env!("OUT_DIR"), "/limits_us_east_1.json"));

/// The tiers a limit can belong to.
pub const TIERS: [&str; 10] = [
    "alb",
    "autoscaling",
    "cache",
    "cdn",
    "db",
    "db_proxy",
    "ecs",
    "fargate",
    "network",
    "storage",
];

/// One limit with its provenance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limit {
    pub id: String,
    /// One of [`TIERS`].
    pub tier: String,
    /// The limit, when it does not vary by class. Exactly one of `value`
    /// and `per_class` is set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    /// The limit per instance class, node type or storage class.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub per_class: BTreeMap<String, f64>,
    pub unit: String,
    /// Whether AWS raises it on request (a quota) or the user can change it
    /// (a parameter), as opposed to a hard ceiling.
    pub adjustable: bool,
    pub source: String,
    /// Month the figure was read, `YYYY-MM` (left out of the browser bundle).
    #[serde(default)]
    pub date: String,
    /// H (AWS page or doc, or two agreeing sources), M (one secondary source
    /// or derived), L (unverified). Left out of the browser bundle.
    #[serde(default)]
    pub confidence: String,
    /// What the figure means and how it was read (left out of the browser
    /// bundle by build.rs).
    #[serde(default)]
    pub note: String,
}

impl Limit {
    /// The limit for `class`: its row in a per-class table, or the single
    /// value when the limit does not vary by class. `None` for a class the
    /// table does not list.
    pub fn for_class(&self, class: &str) -> Option<f64> {
        if self.per_class.is_empty() {
            self.value
        } else {
            self.per_class.get(class).copied()
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LimitCatalog {
    pub region: String,
    /// Day the catalogue was assembled.
    pub retrieved: String,
    pub limits: Vec<Limit>,
    #[serde(skip)]
    index: BTreeMap<String, usize>,
}

impl LimitCatalog {
    /// The us-east-1 catalogue compiled into the binary.
    ///
    /// # Panics
    /// Only if the embedded file is malformed, which `tests` catch at build time.
    pub fn embedded() -> LimitCatalog {
        let mut catalog: LimitCatalog =
            serde_json::from_str(EMBEDDED).expect("embedded limits catalogue is valid JSON");
        catalog.index = super::prices::index_by_id(catalog.limits.iter().map(|l| &l.id));
        catalog
    }

    /// The embedded catalogue, parsed once per process: plans run on every
    /// keystroke in the browser, and the model reads its rules (S3 minimum
    /// durations, lifecycle constraints, support dates) on every plan.
    pub fn shared() -> &'static LimitCatalog {
        static SHARED: OnceLock<LimitCatalog> = OnceLock::new();
        SHARED.get_or_init(LimitCatalog::embedded)
    }

    pub fn contains(&self, id: &str) -> bool {
        self.index.contains_key(id)
    }

    /// The full entry for `id`.
    pub fn entry(&self, id: &str) -> Option<&Limit> {
        self.index.get(id).map(|&i| &self.limits[i])
    }

    /// The single value of `id`.
    ///
    /// # Panics
    /// If `id` is not in the catalogue or is a per-class table. Ids are
    /// compile-time constants of the model; use [`LimitCatalog::for_class`]
    /// for tables.
    pub fn get(&self, id: &str) -> f64 {
        match self.entry(id).and_then(|l| l.value) {
            Some(v) => v,
            None => panic!("limit {id} is missing from the catalogue or is a per-class table"),
        }
    }

    /// The limit `id` for `class` (see [`Limit::for_class`]); `None` when
    /// either is unknown.
    pub fn for_class(&self, id: &str, class: &str) -> Option<f64> {
        self.entry(id).and_then(|l| l.for_class(class))
    }

    /// The limits of one tier, in file order.
    pub fn tier<'a>(&'a self, tier: &'a str) -> impl Iterator<Item = &'a Limit> + 'a {
        self.limits.iter().filter(move |l| l.tier == tier)
    }
}

/// The catalogue as one account sees it: the scenario's `limit_overrides`
/// replace adjustable quotas AWS has raised (validation accepts only known,
/// adjustable, single-valued ids).
#[derive(Debug, Clone, Copy)]
pub struct Quotas<'a> {
    pub catalog: &'a LimitCatalog,
    pub overrides: &'a BTreeMap<String, f64>,
}

impl<'a> Quotas<'a> {
    pub fn new(overrides: &'a BTreeMap<String, f64>) -> Quotas<'a> {
        Quotas {
            catalog: LimitCatalog::shared(),
            overrides,
        }
    }

    /// The value of `id`, overridden or from the catalogue.
    ///
    /// # Panics
    /// As [`LimitCatalog::get`]: `id` is a constant of the model.
    pub fn get(&self, id: &str) -> f64 {
        self.overrides.get(id).copied().unwrap_or_else(|| self.catalog.get(id))
    }

    /// The catalogue's row of `id` for `class` (tables are never overridden).
    pub fn for_class(&self, id: &str, class: &str) -> Option<f64> {
        self.catalog.for_class(id, class)
    }

    /// `source` of `id`, or `limit_overrides` when the scenario set it.
    pub fn source(&self, id: &str) -> String {
        if self.overrides.contains_key(id) {
            format!("limit_overrides.{id} (raised for this account)")
        } else {
            self.catalog.entry(id).map_or_else(String::new, |l| l.source.clone())
        }
    }

    pub fn adjustable(&self, id: &str) -> bool {
        self.catalog.entry(id).is_some_and(|l| l.adjustable)
    }
}

/// One limit a plan was checked against, at its worst step: what the plan
/// needs (`value`) against what AWS (or the model's capacity coefficients,
/// named in `source`) allows (`limit`). `plan --format json` lists them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LimitCheck {
    /// A catalogue id (`alb.targets_per_target_group`), or a capacity the
    /// model derives (`db.writer_cpu`), named in `source`.
    pub id: String,
    /// One of [`TIERS`].
    pub tier: String,
    pub value: f64,
    pub limit: f64,
    pub unit: String,
    pub ok: bool,
    /// AWS raises it on request (then set `limit_overrides`), or it is a
    /// parameter; false for hard ceilings and instance capacities.
    pub adjustable: bool,
    pub source: String,
    /// What would lift it, when it is broken.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub lift: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::catalog::{CACHE_NODES, DB_CLASSES, GIB};
    use crate::model::PriceBook;
    use std::collections::BTreeSet;

    fn is_month(d: &str) -> bool {
        let b = d.as_bytes();
        d.len() == 7
            && b[4] == b'-'
            && d[..4].parse::<u32>().is_ok_and(|y| (2020..=2100).contains(&y))
            && d[5..].parse::<u32>().is_ok_and(|m| (1..=12).contains(&m))
    }

    #[test]
    fn every_entry_has_provenance() {
        let c = LimitCatalog::embedded();
        assert!(c.limits.len() > 50);
        for l in &c.limits {
            assert!(
                l.source.starts_with("https://docs.aws.amazon.com/") || l.source.starts_with("https://aws.amazon.com/"),
                "{} source {}",
                l.id,
                l.source
            );
            assert!(is_month(&l.date), "{} date {}", l.id, l.date);
            assert!(["H", "M", "L"].contains(&l.confidence.as_str()), "{}", l.id);
            assert!(TIERS.contains(&l.tier.as_str()), "{} tier {}", l.id, l.tier);
            assert!(!l.unit.trim().is_empty() && !l.note.trim().is_empty(), "{}", l.id);
        }
    }

    #[test]
    fn ids_are_unique() {
        let c = LimitCatalog::embedded();
        assert_eq!(c.index.len(), c.limits.len());
    }

    #[test]
    fn every_limit_is_one_value_or_one_table_of_positive_finite_numbers() {
        for l in LimitCatalog::embedded().limits {
            assert!(
                l.value.is_some() == l.per_class.is_empty(),
                "{}: exactly one of value, per_class",
                l.id
            );
            for v in l.value.iter().chain(l.per_class.values()) {
                assert!(v.is_finite() && *v > 0.0, "{} has {v}", l.id);
            }
        }
    }

    #[test]
    fn lookups_find_values_and_rows() {
        let c = LimitCatalog::embedded();
        assert_eq!(c.get("db.mysql.read_replicas_per_source"), 15.0);
        assert_eq!(c.get("alb.targets_per_target_group"), 1000.0);
        assert_eq!(c.get("fargate.tasks_per_service"), 5000.0);
        assert_eq!(c.for_class("db.vcpu", "db.r7g.2xlarge"), Some(8.0));
        assert_eq!(c.for_class("db.vcpu", "db.x2g.large"), None);
        assert_eq!(c.for_class("no.such.limit", "db.r7g.large"), None);
        // A single value answers for every class.
        assert_eq!(c.for_class("cache.maxclients", "cache.r7g.large"), Some(65_000.0));
        assert!(c.tier("alb").all(|l| l.id.starts_with("alb.")));
        assert!(c.tier("db_proxy").count() >= 4);
    }

    #[test]
    #[should_panic(expected = "per-class table")]
    fn get_refuses_a_table() {
        LimitCatalog::embedded().get("db.vcpu");
    }

    #[test]
    fn db_tables_match_the_catalog_classes() {
        let c = LimitCatalog::embedded();
        for id in ["db.vcpu", "db.memory_gib"] {
            let keys: BTreeSet<&str> = c.entry(id).unwrap().per_class.keys().map(String::as_str).collect();
            let classes: BTreeSet<&str> = DB_CLASSES.iter().map(|d| d.name).collect();
            assert_eq!(keys, classes, "{id}");
        }
        for d in DB_CLASSES {
            assert_eq!(c.for_class("db.vcpu", d.name), Some(d.vcpu), "{}", d.name);
            assert_eq!(c.for_class("db.memory_gib", d.name), Some(d.memory_gib), "{}", d.name);
        }
    }

    #[test]
    fn cache_tables_cover_the_catalog_nodes_and_agree_on_memory() {
        let c = LimitCatalog::embedded();
        for id in [
            "cache.maxmemory_bytes",
            "cache.network_baseline_gbps",
            "cache.network_burst_gbps",
        ] {
            for n in CACHE_NODES {
                assert!(c.for_class(id, n.name).is_some(), "{id} lacks {}", n.name);
            }
        }
        for n in CACHE_NODES {
            let maxmemory_gib = c.for_class("cache.maxmemory_bytes", n.name).unwrap() / GIB / 1e9;
            let rel = (maxmemory_gib - n.memory_gib).abs() / n.memory_gib;
            assert!(
                rel < 0.005,
                "{}: maxmemory {maxmemory_gib:.3} GiB vs catalog {}",
                n.name,
                n.memory_gib
            );
            if n.burstable {
                assert!(c.for_class("cache.cpu_baseline_share", n.name).is_some(), "{}", n.name);
            }
        }
    }

    #[test]
    fn the_derived_memory_share_follows_from_its_inputs() {
        let c = LimitCatalog::embedded();
        let sixteen_gib = 16.0 * 1_073_741_824.0;
        let implied = c.get("db.mysql.max_connections_16gib_example") * c.get("db.mysql.max_connections_divisor_bytes")
            / sixteen_gib;
        assert!((implied - c.get("db.class_memory_share")).abs() < 0.001, "{implied}");
        assert!(c.get("db.class_memory_share") < 1.0);
    }

    #[test]
    fn gp3_striping_raises_the_baseline_to_the_documented_values() {
        let c = LimitCatalog::embedded();
        assert_eq!(c.get("db.gp3.striping_threshold_gib"), 400.0);
        assert!(c.get("db.gp3.baseline_iops_from_400gib") == 4.0 * c.get("db.gp3.baseline_iops_below_400gib"));
        assert!(c.get("db.gp3.max_iops") > c.get("db.gp3.baseline_iops_from_400gib"));
        assert!(
            c.get("db.gp3.max_throughput_mibps") <= c.get("db.gp3.max_iops") * c.get("db.gp3.max_throughput_per_iops")
        );
    }

    #[test]
    fn every_flat_rate_allowance_has_its_plan_price() {
        let c = LimitCatalog::embedded();
        let book = PriceBook::embedded();
        let plans: Vec<&str> = c
            .tier("cdn")
            .filter_map(|l| l.id.strip_prefix("cdn.flat.")?.strip_suffix(".requests_month"))
            .collect();
        assert!(plans.len() >= 4, "{plans:?}");
        for p in plans {
            assert!(c.contains(&format!("cdn.flat.{p}.data_transfer_tb_month")), "{p}");
            assert!(book.contains(&format!("cloudfront.flat.{p}")), "{p} has no price");
        }
    }

    #[test]
    fn s3_rule_tables_cover_the_same_classes() {
        let c = LimitCatalog::embedded();
        let days = &c.entry("s3.min_storage_days").unwrap().per_class;
        let kb = &c.entry("s3.min_billable_object_kb").unwrap().per_class;
        let overhead = &c.entry("s3.archive_overhead_kb").unwrap().per_class;
        // Every class with a minimum duration has either a minimum size or a
        // per-object overhead, never both.
        let sized: BTreeSet<&String> = kb.keys().chain(overhead.keys()).collect();
        assert_eq!(days.keys().collect::<BTreeSet<_>>(), sized);
        assert!(kb.keys().all(|k| !overhead.contains_key(k)));
        assert_eq!(days["deep_archive"], 180.0);
        assert_eq!(kb["standard_ia"], 128.0);
        // The storage-class table's "40 KB" for the archive classes is the
        // two overheads together.
        assert_eq!(
            overhead["deep_archive"] + c.get("s3.archive_overhead_standard_kb"),
            40.0
        );
        // A lifecycle gap after a class is its minimum storage duration.
        for (class, gap) in &c.entry("s3.lifecycle_min_gap_after_transition_days").unwrap().per_class {
            assert_eq!(days.get(class), Some(gap), "{class}");
        }
        for class in c.entry("s3.lifecycle_min_transition_days").unwrap().per_class.keys() {
            assert!(days.contains_key(class), "{class}");
        }
    }

    #[test]
    fn mysql_8_0_support_dates_are_in_order() {
        let c = LimitCatalog::embedded();
        let end = c.get("db.mysql.8_0.end_of_standard_support");
        let y3 = c.get("db.mysql.8_0.extended_support_year3_start");
        let last = c.get("db.mysql.8_0.end_of_extended_support");
        assert!(end < y3 && y3 < last, "{end} {y3} {last}");
        // Standard support ends on 31 July; two years of the lower rate from
        // 1 August, a third at the higher one, the last day three years on.
        assert_eq!(end % 10_000.0, 731.0);
        assert_eq!(y3, end + 2.0 * 10_000.0 + 70.0); // YYYY+2-08-01
        assert_eq!(last, end + 3.0 * 10_000.0);
    }
}
