//! S3: game assets, commentary archive, database backups and access logs,
//! simulated month by month for a year with their lifecycle tiers.
//!
//! Every S3 charge is priced per storage class: storage (Standard through its
//! published volume tiers), PUT and GET requests, lifecycle transitions,
//! retrieval, the minimum storage duration of the class an object leaves
//! early, and the minimum billable object size or per-object archive
//! overhead. The durations, sizes and overheads are S3 rules, read from the
//! limits catalogue (`s3.*` in `limits_us_east_1.json`), not prices.

use super::cost::{tiered_items, LineItem, Service, ServiceCost, Tier};
use super::demand::Month;
use super::limits::LimitCatalog;
use super::prices::PriceBook;
use super::scenario::Scenario;
use serde::{Deserialize, Serialize};

/// Days in an average month.
pub const DAYS_PER_MONTH: f64 = 30.42;

/// GB in a TB on the S3 price list (its Standard storage ranges are in GB:
/// 51,200 and 512,000).
const TB: f64 = 1024.0;

/// S3 Standard storage in us-east-1: the month's GB-months (all buckets of
/// the Region together) through the published volume tiers.
pub const STANDARD_STORAGE_TIERS: [Tier; 3] = [
    Tier {
        up_to: 50.0 * TB,
        price_id: "s3.standard.gb_month",
        label: "first 50 TB",
    },
    Tier {
        up_to: 500.0 * TB,
        price_id: "s3.standard.gb_month.next_450tb",
        label: "next 450 TB",
    },
    Tier {
        up_to: f64::INFINITY,
        price_id: "s3.standard.gb_month.over_500tb",
        label: "over 500 TB",
    },
];

/// An S3 storage class (also the `storage_class` of a bill of materials).
/// The planner's lifecycles use Standard, Standard-IA, Glacier Instant
/// Retrieval and Deep Archive; a bill may use every class here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Class {
    Standard,
    StandardIa,
    OneZoneIa,
    GlacierIr,
    GlacierFlexible,
    DeepArchive,
}

impl Class {
    pub const ALL: [Class; 6] = [
        Class::Standard,
        Class::StandardIa,
        Class::OneZoneIa,
        Class::GlacierIr,
        Class::GlacierFlexible,
        Class::DeepArchive,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Class::Standard => "Standard",
            Class::StandardIa => "Standard-IA",
            Class::OneZoneIa => "One Zone-IA",
            Class::GlacierIr => "Glacier Instant Retrieval",
            Class::GlacierFlexible => "Glacier Flexible Retrieval",
            Class::DeepArchive => "Glacier Deep Archive",
        }
    }

    /// The class's key in price ids and in the limits catalogue's per-class
    /// tables (`standard_ia`), also its JSON name.
    pub fn key(self) -> &'static str {
        match self {
            Class::Standard => "standard",
            Class::StandardIa => "standard_ia",
            Class::OneZoneIa => "one_zone_ia",
            Class::GlacierIr => "glacier_ir",
            Class::GlacierFlexible => "glacier_flexible",
            Class::DeepArchive => "deep_archive",
        }
    }

    /// Storage price id (for Standard, its first tier: see
    /// [`STANDARD_STORAGE_TIERS`]).
    pub fn storage_id(self) -> String {
        format!("s3.{}.gb_month", self.key())
    }
    pub fn put_id(self) -> String {
        format!("s3.{}.put_1k", self.key())
    }
    pub fn get_id(self) -> String {
        format!("s3.{}.get_1k", self.key())
    }
    /// Lifecycle transitions into the class (none into Standard).
    pub fn transition_id(self) -> Option<String> {
        (self != Class::Standard).then(|| format!("s3.{}.transition_1k", self.key()))
    }
    /// Per GB read back: retrieval for IA and Glacier IR, a Standard restore
    /// for Glacier Flexible Retrieval and Deep Archive; none for Standard.
    pub fn retrieval_id(self) -> Option<&'static str> {
        match self {
            Class::Standard => None,
            Class::StandardIa => Some("s3.standard_ia.retrieval_gb"),
            Class::OneZoneIa => Some("s3.one_zone_ia.retrieval_gb"),
            Class::GlacierIr => Some("s3.glacier_ir.retrieval_gb"),
            Class::GlacierFlexible => Some("s3.glacier_flexible.standard_gb"),
            Class::DeepArchive => Some("s3.deep_archive.standard_gb"),
        }
    }
    /// Per 1,000 Standard restore requests (only Glacier Flexible Retrieval
    /// has a published one in the book).
    pub fn restore_request_id(self) -> Option<&'static str> {
        (self == Class::GlacierFlexible).then_some("s3.glacier_flexible.standard_1k")
    }

    fn rule(self, limits: &LimitCatalog, id: &str) -> f64 {
        limits
            .entry(id)
            .and_then(|l| l.per_class.get(self.key()))
            .copied()
            .unwrap_or(0.0)
    }
    /// Days an object is billed in the class at least (0 for Standard).
    pub fn min_storage_days(self, limits: &LimitCatalog) -> f64 {
        self.rule(limits, "s3.min_storage_days")
    }
    /// Size an object is billed at least, KB (0: no minimum).
    pub fn min_billable_kb(self, limits: &LimitCatalog) -> f64 {
        self.rule(limits, "s3.min_billable_object_kb")
    }
    /// KB added to every object at the class's rate (archive classes), and
    /// KB added at the Standard rate.
    pub fn overhead_kb(self, limits: &LimitCatalog) -> (f64, f64) {
        let own = self.rule(limits, "s3.archive_overhead_kb");
        let standard = if own > 0.0 {
            limits.get("s3.archive_overhead_standard_kb")
        } else {
            0.0
        };
        (own, standard)
    }

    /// GB billed for `gb` stored as `objects` objects: (in this class, at
    /// the Standard rate). Small objects are raised to the class's minimum
    /// billable size; archive classes add their per-object overhead.
    pub fn billed_gb(self, limits: &LimitCatalog, gb: f64, objects: f64) -> (f64, f64) {
        ClassRules::of(self, limits).billed_gb(gb, objects)
    }

    /// `gb_months` of storage in this class (not Standard, which is tiered:
    /// [`standard_storage_items`]); `note` follows the class name.
    pub fn storage_item(self, book: &PriceBook, gb_months: f64, note: &str) -> LineItem {
        LineItem::new(
            book,
            Service::S3,
            format!("{} storage{note}", self.name()),
            gb_months,
            "GB-months",
            &self.storage_id(),
            1.0,
        )
    }

    /// Lifecycle transitions of `objects` into this class (none into Standard).
    pub fn transition_item(self, book: &PriceBook, objects: f64, note: &str) -> Option<LineItem> {
        let id = self.transition_id()?;
        Some(LineItem::new(
            book,
            Service::S3,
            format!("Lifecycle transitions to {}{note}", self.name()),
            objects,
            "objects",
            &id,
            1e-3,
        ))
    }

    /// PUT (and COPY, POST, LIST) requests into the class, per 1,000.
    pub fn put_item(self, book: &PriceBook, requests: f64, description: &str) -> LineItem {
        LineItem::new(
            book,
            Service::S3,
            format!("{description}, {}", self.name()),
            requests,
            "requests",
            &self.put_id(),
            1e-3,
        )
    }

    /// GET requests on objects in the class, per 1,000.
    pub fn get_item(self, book: &PriceBook, requests: f64, description: &str) -> LineItem {
        LineItem::new(
            book,
            Service::S3,
            format!("{description}, {}", self.name()),
            requests,
            "requests",
            &self.get_id(),
            1e-3,
        )
    }

    /// `gb` read back from the class (none from Standard).
    pub fn retrieval_item(self, book: &PriceBook, gb: f64, description: &str) -> Option<LineItem> {
        let id = self.retrieval_id()?;
        Some(LineItem::new(
            book,
            Service::S3,
            format!("{description}, {}", self.name()),
            gb,
            "GB",
            id,
            1.0,
        ))
    }

    /// Standard restore requests from the class, per 1,000 (Glacier
    /// Flexible Retrieval only).
    pub fn restore_requests_item(self, book: &PriceBook, requests: f64) -> Option<LineItem> {
        let id = self.restore_request_id()?;
        Some(LineItem::new(
            book,
            Service::S3,
            format!("Restore requests (Standard), {}", self.name()),
            requests,
            "requests",
            id,
            1e-3,
        ))
    }
}

/// S3 Standard storage of the month: every bucket's GB-months (and the
/// archive classes' 8 KB per object at the Standard rate) together, through
/// [`STANDARD_STORAGE_TIERS`].
pub fn standard_storage_items(book: &PriceBook, gb_months: f64, note: &str) -> Vec<LineItem> {
    tiered_items(
        book,
        Service::S3,
        &format!("Standard storage{note}"),
        gb_months,
        "GB-months",
        1.0,
        &STANDARD_STORAGE_TIERS,
    )
}

/// A bucket's lifecycle: (days, class) transitions in order, and expiry.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Lifecycle {
    pub bucket: &'static str,
    pub transitions: Vec<(u32, Class)>,
    pub expire_after_days: Option<u32>,
    /// Average object size, KB (a backup is one object: the dump of today's
    /// database).
    pub object_kb: f64,
    /// Whether S3 transitions these objects at all: by default it leaves
    /// objects under 128 KB (`s3.lifecycle_min_transition_object_kb`) in
    /// their class.
    pub transitions_apply: bool,
}

impl Lifecycle {
    /// The class an object is in at `age_days`, and the day it entered it.
    fn class_at(&self, age_days: f64) -> (Class, f64) {
        if !self.transitions_apply {
            return (Class::Standard, 0.0);
        }
        self.transitions
            .iter()
            .rev()
            .find(|(d, _)| age_days >= f64::from(*d))
            .map_or((Class::Standard, 0.0), |(d, c)| (*c, f64::from(*d)))
    }
}

/// GB per class at the end of one month, and that month's S3 bill.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StorageMonth {
    pub month: u32,
    pub standard_gb: f64,
    pub standard_ia_gb: f64,
    pub glacier_ir_gb: f64,
    pub deep_archive_gb: f64,
    pub usd: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StorageSizing {
    pub lifecycles: Vec<Lifecycle>,
    pub months: Vec<StorageMonth>,
    /// Lifecycle transitions whose per-object cost exceeds a year's saving.
    pub losing_transitions: Vec<String>,
    /// Lifecycle transitions S3 never makes: objects under 128 KB stay put.
    pub skipped_transitions: Vec<String>,
    /// Objects that leave a class before its minimum storage duration and
    /// are billed for the rest of it.
    pub early_exits: Vec<String>,
}

fn nonzero(days: u32, class: Class) -> Option<(u32, Class)> {
    (days > 0).then_some((days, class))
}

pub fn lifecycles(s: &Scenario) -> Vec<Lifecycle> {
    let st = &s.storage;
    let min_kb = LimitCatalog::shared().get("s3.lifecycle_min_transition_object_kb");
    let lifecycle = |bucket, transitions, expire_after_days, object_kb: f64| Lifecycle {
        bucket,
        transitions,
        expire_after_days,
        object_kb,
        transitions_apply: object_kb >= min_kb,
    };
    vec![
        lifecycle(
            "assets",
            nonzero(st.assets_ia_after_days, Class::StandardIa)
                .into_iter()
                .collect(),
            None,
            st.asset_object_kb,
        ),
        lifecycle(
            "archive",
            [
                nonzero(st.archive_ia_after_days, Class::StandardIa),
                nonzero(st.archive_glacier_ir_after_days, Class::GlacierIr),
                nonzero(st.archive_deep_archive_after_days, Class::DeepArchive),
            ]
            .into_iter()
            .flatten()
            .collect(),
            None,
            st.archive_object_kb,
        ),
        lifecycle(
            "backups",
            nonzero(st.backup_glacier_after_days, Class::GlacierIr)
                .into_iter()
                .collect(),
            Some(st.backup_retention_days),
            s.data.db_data_gb * st.backup_compression_ratio * 1e6,
        ),
        lifecycle("logs", vec![], Some(st.log_retention_days), 1_000.0),
    ]
}

/// Months a transition into `class` takes to pay back for `kb`-sized
/// objects: the per-object transition fee over the monthly saving of one
/// object (billed at the class's minimum size plus its archive overhead).
pub fn payback_months(book: &PriceBook, class: Class, kb: f64) -> f64 {
    let Some(tid) = class.transition_id() else { return 0.0 };
    let limits = LimitCatalog::shared();
    let per_object = book.get(&tid) / 1000.0;
    let (class_gb, standard_gb) = class.billed_gb(limits, kb / 1e6, 1.0);
    let standard = book.get("s3.standard.gb_month");
    let saving = kb / 1e6 * standard - class_gb * book.get(&class.storage_id()) - standard_gb * standard;
    if saving <= 0.0 {
        f64::INFINITY
    } else {
        per_object / saving
    }
}

struct Cohort {
    bucket: usize,
    added_month: u32,
    gb: f64,
    objects: f64,
}

/// A class's S3 rules from the limits catalogue (see [`Class::billed_gb`]).
#[derive(Clone, Copy, Default)]
struct ClassRules {
    min_storage_days: f64,
    min_billable_kb: f64,
    /// KB per object at the class's rate and at the Standard rate.
    overhead_kb: (f64, f64),
}

impl ClassRules {
    fn of(class: Class, limits: &LimitCatalog) -> ClassRules {
        ClassRules {
            min_storage_days: class.min_storage_days(limits),
            min_billable_kb: class.min_billable_kb(limits),
            overhead_kb: class.overhead_kb(limits),
        }
    }

    fn billed_gb(&self, gb: f64, objects: f64) -> (f64, f64) {
        let (own, standard) = self.overhead_kb;
        let minimum = objects * self.min_billable_kb / 1e6;
        (gb.max(minimum) + objects * own / 1e6, objects * standard / 1e6)
    }
}

/// What the monthly simulation reads for every cohort, per class (indexed
/// by `Class as usize`), looked up once rather than by id for each cohort
/// and month: the S3 rules, and the storage and transition prices of the
/// classes the lifecycles use (the others stay 0 and are never read).
struct ClassTable {
    rules: [ClassRules; 6],
    storage_usd: [f64; 6],
    transition_usd: [f64; 6],
}

impl ClassTable {
    fn of(book: &PriceBook, limits: &LimitCatalog, lcs: &[Lifecycle]) -> ClassTable {
        let mut t = ClassTable {
            rules: Class::ALL.map(|c| ClassRules::of(c, limits)),
            storage_usd: [0.0; 6],
            transition_usd: [0.0; 6],
        };
        let used = lcs.iter().flat_map(|lc| lc.transitions.iter().map(|(_, c)| *c));
        for class in std::iter::once(Class::Standard).chain(used) {
            t.storage_usd[class as usize] = book.get(&class.storage_id());
            t.transition_usd[class as usize] = class.transition_id().map_or(0.0, |id| book.get(&id));
        }
        t
    }

    /// GB-months billed for the rest of `class`'s minimum storage duration
    /// when cohort `c`, in it since day `entered`, leaves on day `left`.
    fn early_gb_months(&self, class: Class, entered: f64, left: f64, c: &Cohort) -> f64 {
        let rules = &self.rules[class as usize];
        let short = rules.min_storage_days - (left - entered);
        if short > 0.0 {
            rules.billed_gb(c.gb, c.objects).0 * short / DAYS_PER_MONTH
        } else {
            0.0
        }
    }
}

/// Twelve months of every bucket, per class: (average) billed GB-months,
/// GB-months charged for leaving a class early, transitions, and the share
/// of the assets bucket's objects in each class (for its GETs).
#[derive(Default)]
struct Year {
    billed_gb_months: [f64; 6],
    early_gb_months: [f64; 6],
    transitions: [f64; 6],
    asset_share: [f64; 6],
    put_objects: f64,
}

/// Every bucket simulated for `n` months from today: GB per class and the
/// month's storage bill (storage, lifecycle transitions, early-exit
/// minimums; not requests, which [`plan`] prices from the month's demand).
/// The 12-month cash plan reads months beyond the plan's year from here.
pub fn months(s: &Scenario, book: &PriceBook, month: &Month, n: u32) -> Vec<StorageMonth> {
    simulate(s, book, month, n).0
}

fn simulate(s: &Scenario, book: &PriceBook, month: &Month, n: u32) -> (Vec<StorageMonth>, Year) {
    let st = &s.storage;
    let limits = LimitCatalog::shared();
    let lcs = lifecycles(s);
    let table = ClassTable::of(book, limits, &lcs);
    let games = f64::from(s.audience.simultaneous_games * s.audience.match_days_per_month);
    let backups_per_month = s.coefficients.hours_per_month / f64::from(st.backup_every_hours);
    let log_gb = month.edge_requests * s.coefficients.log_bytes_per_request / 1e9;

    let mut cohorts: Vec<Cohort> = vec![Cohort {
        bucket: 0,
        added_month: 0,
        gb: st.assets_gb,
        objects: st.assets_gb * 1e6 / st.asset_object_kb,
    }];
    let mut months = Vec::new();
    let mut y = Year::default();
    for m in 1..=n {
        let db_gb = s.data.db_data_gb + s.data.db_growth_gb_per_month * f64::from(m);
        let dump_gb = db_gb * st.backup_compression_ratio;
        let new = [
            (
                0,
                st.assets_growth_gb_per_month,
                st.assets_growth_gb_per_month * 1e6 / st.asset_object_kb,
            ),
            (
                1,
                games * st.archive_mb_per_game / 1e3,
                games * st.archive_mb_per_game * 1e3 / st.archive_object_kb,
            ),
            (2, dump_gb * backups_per_month, backups_per_month),
            (3, log_gb, log_gb * 1e6 / lcs[3].object_kb),
        ];
        for (bucket, gb, objects) in new {
            y.put_objects += objects;
            cohorts.push(Cohort {
                bucket,
                added_month: m,
                gb,
                objects,
            });
        }
        let mut by_class = [0.0; 6];
        let mut assets_by_class = [0.0; 6];
        let mut usd = 0.0;
        cohorts.retain(|c| {
            let lc = &lcs[c.bucket];
            // Age at the end of month m; cohorts land mid-month on average.
            let age_end = (f64::from(m - c.added_month) + 0.5) * DAYS_PER_MONTH;
            let age_start = (age_end - DAYS_PER_MONTH).max(0.0);
            let this_month = |day: f64| age_start < day && day <= age_end;
            if lc.transitions_apply {
                for (k, (day, class)) in lc.transitions.iter().enumerate() {
                    let day = f64::from(*day);
                    if this_month(day) {
                        if *class != Class::Standard {
                            y.transitions[*class as usize] += c.objects;
                            usd += c.objects * table.transition_usd[*class as usize] / 1000.0;
                        }
                        let (left, entered) = match k {
                            0 => (Class::Standard, 0.0),
                            _ => (lc.transitions[k - 1].1, f64::from(lc.transitions[k - 1].0)),
                        };
                        let g = table.early_gb_months(left, entered, day, c);
                        y.early_gb_months[left as usize] += g;
                        usd += g * table.storage_usd[left as usize];
                    }
                }
            }
            if let Some(exp) = lc.expire_after_days.map(f64::from) {
                if this_month(exp) {
                    let (class, entered) = lc.class_at(exp);
                    let g = table.early_gb_months(class, entered, exp, c);
                    y.early_gb_months[class as usize] += g;
                    usd += g * table.storage_usd[class as usize];
                }
                if age_start >= exp {
                    return false;
                }
            }
            let (class, _) = lc.class_at(age_end);
            let (class_gb, standard_gb) = table.rules[class as usize].billed_gb(c.gb, c.objects);
            by_class[class as usize] += c.gb;
            if c.bucket == 0 {
                assets_by_class[class as usize] += c.objects;
            }
            y.billed_gb_months[class as usize] += class_gb;
            y.billed_gb_months[Class::Standard as usize] += standard_gb;
            usd += class_gb * table.storage_usd[class as usize]
                + standard_gb * table.storage_usd[Class::Standard as usize];
            true
        });
        let asset_objects: f64 = assets_by_class.iter().sum();
        for (share, objects) in y.asset_share.iter_mut().zip(assets_by_class) {
            *share += if asset_objects > 0.0 {
                objects / asset_objects
            } else {
                0.0
            };
        }
        months.push(StorageMonth {
            month: m,
            standard_gb: by_class[Class::Standard as usize],
            standard_ia_gb: by_class[Class::StandardIa as usize],
            glacier_ir_gb: by_class[Class::GlacierIr as usize],
            deep_archive_gb: by_class[Class::DeepArchive as usize],
            usd,
        });
    }
    (months, y)
}

pub fn plan(s: &Scenario, book: &PriceBook, month: &Month) -> (StorageSizing, ServiceCost) {
    let st = &s.storage;
    let limits = LimitCatalog::shared();
    let lcs = lifecycles(s);
    let (months, y) = simulate(s, book, month, 12);

    // Monthly line items are the 12-month averages; Standard storage goes
    // through its volume tiers as one Region-wide quantity.
    let avg = |x: f64| x / 12.0;
    const AVERAGE: &str = " (12-month average)";
    let mut items = standard_storage_items(
        book,
        avg(y.billed_gb_months[Class::Standard as usize]),
        ", billed size, 12-month average",
    );
    for class in Class::ALL.into_iter().skip(1) {
        let i = class as usize;
        if y.billed_gb_months[i] > 0.0 {
            items.push(class.storage_item(book, avg(y.billed_gb_months[i]), ", billed size (12-month average)"));
        }
        if y.early_gb_months[i] > 0.0 {
            items.push(class.storage_item(
                book,
                avg(y.early_gb_months[i]),
                &format!(
                    ", minimum {} days for objects that leave early (12-month average)",
                    class.min_storage_days(limits)
                ),
            ));
        }
        if y.transitions[i] > 0.0 {
            items.extend(class.transition_item(book, avg(y.transitions[i]), AVERAGE));
        }
    }
    items.push(Class::Standard.put_item(
        book,
        avg(y.put_objects),
        "PUT requests (uploads, archive, backups, logs)",
    ));
    // CloudFront's asset misses read the assets bucket, spread over its
    // objects: a share of them lands on objects already in Standard-IA and
    // pays its GET price and retrieval fee.
    for class in Class::ALL {
        let share = avg(y.asset_share[class as usize]);
        let gets = month.s3_gets * share;
        if class == Class::Standard || gets > 0.0 {
            items.push(class.get_item(book, gets, "GET requests (CloudFront asset misses)"));
            let gb = gets * st.asset_object_kb / 1e6;
            if gb > 0.0 {
                items.extend(class.retrieval_item(book, gb, "Retrieval (CloudFront asset misses)"));
            }
        }
    }

    let (losing, skipped, early_exits) = lifecycle_findings(book, limits, &lcs);
    let last = months.last().expect("12 months");
    let total_gb = last.standard_gb + last.standard_ia_gb + last.glacier_ir_gb + last.deep_archive_gb;
    let cost = ServiceCost::new(
        Service::S3,
        "assets, archive, backups, logs, planner site".into(),
        format!("{total_gb:.0} GB after 12 months"),
        "storage volume and lifecycle tiers".into(),
        items,
    );
    (
        StorageSizing {
            lifecycles: lcs,
            months,
            losing_transitions: losing,
            skipped_transitions: skipped,
            early_exits,
        },
        cost,
    )
}

/// What is wrong with the buckets' lifecycles, in words: transitions that
/// lose money, transitions S3 never makes (objects under 128 KB), and
/// classes left before their minimum storage duration.
fn lifecycle_findings(
    book: &PriceBook,
    limits: &LimitCatalog,
    lcs: &[Lifecycle],
) -> (Vec<String>, Vec<String>, Vec<String>) {
    let (mut losing, mut skipped, mut early) = (Vec::new(), Vec::new(), Vec::new());
    for lc in lcs {
        for (k, (days, class)) in lc.transitions.iter().enumerate() {
            let kb = lc.object_kb;
            if !lc.transitions_apply {
                skipped.push(format!(
                    "{} → {} after {days} days: {kb:.0} KB objects are never transitioned (S3 leaves objects under {} KB in their class)",
                    lc.bucket,
                    class.name(),
                    limits.get("s3.lifecycle_min_transition_object_kb")
                ));
                continue;
            }
            let payback = payback_months(book, *class, kb);
            if payback > 12.0 {
                losing.push(format!(
                    "{} → {} after {days} days: {kb:.0} KB objects {}",
                    lc.bucket,
                    class.name(),
                    if payback.is_finite() {
                        format!("take {payback:.0} months to repay the transition fee")
                    } else {
                        "never repay it".into()
                    }
                ));
            }
            let leaves = lc.transitions.get(k + 1).map(|(d, _)| *d).or(lc.expire_after_days);
            if let Some(leaves) = leaves {
                let stay = leaves.saturating_sub(*days);
                let min = class.min_storage_days(limits);
                if f64::from(stay) < min {
                    early.push(format!(
                        "{} leave {} after {stay} days and are billed for its {min} days",
                        lc.bucket,
                        class.name()
                    ));
                }
            }
        }
    }
    (losing, skipped, early)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s3_item<'a>(cost: &'a ServiceCost, id: &str) -> Vec<&'a LineItem> {
        cost.items.iter().filter(|i| i.price_id == id).collect()
    }

    #[test]
    fn archive_moves_down_the_tiers() {
        let s = Scenario::default();
        let (st, cost) = plan(&s, &PriceBook::embedded(), &Month::default());
        assert_eq!(st.months.len(), 12);
        let m1 = &st.months[0];
        assert_eq!(m1.glacier_ir_gb, 0.0);
        let m12 = &st.months[11];
        assert!(m12.glacier_ir_gb > 0.0, "{m12:?}");
        assert!(m12.standard_ia_gb > 0.0);
        assert!(cost.monthly_usd > 0.0);
        // Assets grow 2 GB a month and stay in Standard.
        assert!(m12.standard_gb >= 20.0 + 24.0);
    }

    #[test]
    fn backups_expire_after_retention() {
        let mut s = Scenario::default();
        s.storage.backup_retention_days = 30;
        s.storage.backup_glacier_after_days = 0;
        s.data.db_growth_gb_per_month = 0.0;
        let (st, _) = plan(&s, &PriceBook::embedded(), &Month::default());
        // At most two months of dumps are alive at once.
        let dumps = 20.0 * 0.3 * 730.0 / 6.0;
        let m = &st.months[11];
        assert!(m.standard_gb < 44.0 + 2.0 * dumps + 5.0, "{m:?}");
    }

    #[test]
    fn small_objects_never_repay_a_transition() {
        let book = PriceBook::embedded();
        assert!(payback_months(&book, Class::StandardIa, 64.0).is_infinite());
        let big = payback_months(&book, Class::StandardIa, 1_000.0);
        assert!(big > 0.5 && big < 2.0, "{big}");
        // Deep Archive's 32 KB + 8 KB (at the Standard rate) overhead: a 30 KB
        // object saves $0.44 per million objects a month against a $50 fee.
        let tiny = payback_months(&book, Class::DeepArchive, 30.0);
        assert!(tiny > 100.0 && tiny.is_finite(), "{tiny}");
    }

    #[test]
    fn objects_under_128_kb_are_not_transitioned() {
        let mut s = Scenario::default();
        s.storage.archive_object_kb = 64.0;
        let (st, cost) = plan(&s, &PriceBook::embedded(), &Month::default());
        // The archive stays in Standard; the backups (one dump per object) still move.
        assert!(st.months.iter().all(|m| m.standard_ia_gb == 0.0));
        assert!(st.months[11].glacier_ir_gb > 0.0);
        assert_eq!(st.skipped_transitions.len(), 2, "{:?}", st.skipped_transitions);
        assert!(s3_item(&cost, "s3.standard_ia.transition_1k").is_empty());
    }

    #[test]
    fn archive_classes_bill_their_per_object_overhead() {
        let limits = LimitCatalog::shared();
        // 1,000 objects of 100 KB = 0.1 GB; + 32 KB each in the class, + 8 KB at Standard.
        let (own, standard) = Class::DeepArchive.billed_gb(limits, 0.1, 1_000.0);
        assert!(
            (own - 0.132).abs() < 1e-12 && (standard - 0.008).abs() < 1e-12,
            "{own} {standard}"
        );
        // IA raises small objects to 128 KB and adds nothing.
        let (ia, none) = Class::StandardIa.billed_gb(limits, 0.1, 1_000.0);
        assert!((ia - 0.128).abs() < 1e-12 && none == 0.0);
    }

    #[test]
    fn leaving_a_class_early_bills_the_rest_of_its_minimum() {
        // Default backups: Glacier IR after 30 days, deleted at 90: 60 days
        // in a class with a 90-day minimum → 30 days more per dump.
        let s = Scenario::default();
        let book = PriceBook::embedded();
        let (st, cost) = plan(&s, &book, &Month::default());
        assert_eq!(st.early_exits.len(), 1, "{:?}", st.early_exits);
        assert!(st.early_exits[0].starts_with("backups leave Glacier Instant Retrieval after 60 days"));
        let early: Vec<_> = s3_item(&cost, "s3.glacier_ir.gb_month")
            .into_iter()
            .filter(|i| i.description.contains("minimum"))
            .collect();
        assert_eq!(early.len(), 1);
        // Dumps deleted in the year: those made in months 1–9 (deleted at
        // 90 days, mid-month 4–12), 730 / 6 a month, each its dump size ×
        // 30 / 30.42 months.
        let dumps: f64 = (1..=9).map(|m| (20.0 + 2.0 * f64::from(m)) * 0.3 * 730.0 / 6.0).sum();
        let expect = dumps * 30.0 / DAYS_PER_MONTH / 12.0;
        assert!(
            (early[0].quantity - expect).abs() / expect < 1e-9,
            "{} vs {expect}",
            early[0].quantity
        );
        // Kept 90 days in Glacier IR, nothing is early.
        let mut long = s.clone();
        long.storage.backup_retention_days = 120;
        let (st, _) = plan(&long, &book, &Month::default());
        assert!(st.early_exits.is_empty());
    }

    #[test]
    fn asset_gets_in_ia_pay_its_request_and_retrieval_prices() {
        let mut s = Scenario::default();
        s.storage.assets_ia_after_days = 30;
        let book = PriceBook::embedded();
        let month = Month {
            s3_gets: 1e6,
            ..Month::default()
        };
        let (_, cost) = plan(&s, &book, &month);
        let gets = |id: &str| s3_item(&cost, id).iter().map(|i| i.quantity).sum::<f64>();
        let (standard, ia) = (gets("s3.standard.get_1k"), gets("s3.standard_ia.get_1k"));
        assert!((standard + ia - 1e6).abs() < 1e-6, "{standard} + {ia}");
        assert!(ia > 0.5e6, "most assets are older than 30 days: {ia}");
        let retrieval = s3_item(&cost, "s3.standard_ia.retrieval_gb");
        assert!((retrieval[0].quantity - ia * 200.0 / 1e6).abs() < 1e-9);
    }

    /// The S3 FAQ's storage example: 100 GB for 15 days and 100 TB for 16
    /// days of a 31-day month = 52,900 GB-months, "51,200 GB x $0.023 =
    /// $1,177.60" + "1,700 GB x $0.022 = $37.40" = $1,215.00.
    #[test]
    fn the_s3_faq_storage_example_crosses_two_tiers() {
        let book = PriceBook::embedded();
        let items = standard_storage_items(&book, 52_900.0, "");
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].quantity, 51_200.0);
        assert!((items[1].quantity - 1_700.0).abs() < 1e-9);
        let usd: f64 = items.iter().map(|i| i.monthly_usd).sum();
        assert!((usd - 1_215.00).abs() / 1_215.00 < 0.01, "{usd}");
        assert!((usd - 1_215.00).abs() < 0.005, "{usd}");
    }
}
