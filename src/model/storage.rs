//! S3: game assets, commentary archive, database backups and access logs,
//! simulated month by month for a year with their lifecycle tiers.

use super::cost::{LineItem, Service, ServiceCost};
use super::demand::Month;
use super::prices::PriceBook;
use super::scenario::Scenario;
use serde::{Deserialize, Serialize};

/// Days in an average month.
pub const DAYS_PER_MONTH: f64 = 30.42;
/// Objects below this are billed as 128 KB in Standard-IA and Glacier IR.
pub const MIN_BILLABLE_KB: f64 = 128.0;

/// An S3 storage class (also the `storage_class` of a bill of materials).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Class {
    Standard,
    StandardIa,
    GlacierIr,
    DeepArchive,
}

impl Class {
    pub const ALL: [Class; 4] = [Class::Standard, Class::StandardIa, Class::GlacierIr, Class::DeepArchive];
    pub fn name(self) -> &'static str {
        match self {
            Class::Standard => "Standard",
            Class::StandardIa => "Standard-IA",
            Class::GlacierIr => "Glacier Instant Retrieval",
            Class::DeepArchive => "Glacier Deep Archive",
        }
    }
    fn storage_id(self) -> &'static str {
        match self {
            Class::Standard => "s3.standard.gb_month",
            Class::StandardIa => "s3.standard_ia.gb_month",
            Class::GlacierIr => "s3.glacier_ir.gb_month",
            Class::DeepArchive => "s3.deep_archive.gb_month",
        }
    }
    fn transition_id(self) -> Option<&'static str> {
        match self {
            Class::Standard => None,
            Class::StandardIa => Some("s3.standard_ia.transition_1k"),
            Class::GlacierIr => Some("s3.glacier_ir.transition_1k"),
            Class::DeepArchive => Some("s3.deep_archive.transition_1k"),
        }
    }

    /// `gb_months` of storage in this class; `note` follows the class name.
    pub fn storage_item(self, book: &PriceBook, gb_months: f64, note: &str) -> LineItem {
        LineItem::new(
            book,
            Service::S3,
            format!("{} storage{note}", self.name()),
            gb_months,
            "GB-months",
            self.storage_id(),
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
            id,
            1e-3,
        ))
    }
}

/// PUT (and COPY, POST, LIST) requests, billed per 1,000.
pub fn put_item(book: &PriceBook, requests: f64, description: &str) -> LineItem {
    LineItem::new(
        book,
        Service::S3,
        description,
        requests,
        "requests",
        "s3.standard.put_1k",
        1e-3,
    )
}

/// GET requests, billed per 1,000.
pub fn get_item(book: &PriceBook, requests: f64, description: &str) -> LineItem {
    LineItem::new(
        book,
        Service::S3,
        description,
        requests,
        "requests",
        "s3.standard.get_1k",
        1e-3,
    )
}

/// A bucket's lifecycle: (days, class) transitions in order, and expiry.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Lifecycle {
    pub bucket: &'static str,
    pub transitions: Vec<(u32, Class)>,
    pub expire_after_days: Option<u32>,
    pub object_kb: f64,
}

impl Lifecycle {
    fn class_at(&self, age_days: f64) -> Class {
        self.transitions
            .iter()
            .rev()
            .find(|(d, _)| age_days >= f64::from(*d))
            .map(|(_, c)| *c)
            .unwrap_or(Class::Standard)
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
}

fn nonzero(days: u32, class: Class) -> Option<(u32, Class)> {
    (days > 0).then_some((days, class))
}

pub fn lifecycles(s: &Scenario) -> Vec<Lifecycle> {
    let st = &s.storage;
    vec![
        Lifecycle {
            bucket: "assets",
            transitions: nonzero(st.assets_ia_after_days, Class::StandardIa)
                .into_iter()
                .collect(),
            expire_after_days: None,
            object_kb: st.asset_object_kb,
        },
        Lifecycle {
            bucket: "archive",
            transitions: [
                nonzero(st.archive_ia_after_days, Class::StandardIa),
                nonzero(st.archive_glacier_ir_after_days, Class::GlacierIr),
                nonzero(st.archive_deep_archive_after_days, Class::DeepArchive),
            ]
            .into_iter()
            .flatten()
            .collect(),
            expire_after_days: None,
            object_kb: st.archive_object_kb,
        },
        Lifecycle {
            bucket: "backups",
            transitions: nonzero(st.backup_glacier_after_days, Class::GlacierIr)
                .into_iter()
                .collect(),
            expire_after_days: Some(st.backup_retention_days),
            object_kb: 0.0, // one object per backup; set from the dump size below
        },
        Lifecycle {
            bucket: "logs",
            transitions: vec![],
            expire_after_days: Some(st.log_retention_days),
            object_kb: 1_000.0,
        },
    ]
}

/// Months a transition into `class` takes to pay back for `kb`-sized objects.
pub fn payback_months(book: &PriceBook, class: Class, kb: f64) -> f64 {
    let Some(tid) = class.transition_id() else { return 0.0 };
    let per_object = book.get(tid) / 1000.0;
    let billed_kb = kb.max(MIN_BILLABLE_KB);
    let saving = (kb * book.get("s3.standard.gb_month") - billed_kb * book.get(class.storage_id())) / 1e6;
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

pub fn plan(s: &Scenario, book: &PriceBook, month: &Month) -> (StorageSizing, ServiceCost) {
    let st = &s.storage;
    let lcs = lifecycles(s);
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
    let (mut billed_gb_months, mut transition_usd, mut put_objects) = ([0.0; 4], [0.0; 4], 0.0);
    for m in 1..=12u32 {
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
            put_objects += objects;
            cohorts.push(Cohort {
                bucket,
                added_month: m,
                gb,
                objects,
            });
        }
        let mut by_class = [0.0; 4];
        let mut usd = 0.0;
        cohorts.retain(|c| {
            let lc = &lcs[c.bucket];
            // Age at the end of month m; cohorts land mid-month on average.
            let age_end = (f64::from(m - c.added_month) + 0.5) * DAYS_PER_MONTH;
            let age_start = (age_end - DAYS_PER_MONTH).max(0.0);
            if let Some(exp) = lc.expire_after_days {
                if age_start >= f64::from(exp) {
                    return false;
                }
            }
            let class = lc.class_at(age_end);
            let before = lc.class_at(age_start);
            if class != before {
                if let Some(tid) = class.transition_id() {
                    let t = c.objects * book.get(tid) / 1000.0;
                    transition_usd[class as usize] += t;
                    usd += t;
                }
            }
            let billed_gb = match class {
                Class::StandardIa | Class::GlacierIr if lc.object_kb > 0.0 => {
                    c.gb.max(c.objects * MIN_BILLABLE_KB / 1e6)
                }
                _ => c.gb,
            };
            by_class[class as usize] += c.gb;
            billed_gb_months[class as usize] += billed_gb;
            usd += billed_gb * book.get(class.storage_id());
            true
        });
        months.push(StorageMonth {
            month: m,
            standard_gb: by_class[0],
            standard_ia_gb: by_class[1],
            glacier_ir_gb: by_class[2],
            deep_archive_gb: by_class[3],
            usd,
        });
    }

    // Monthly line items are the 12-month average.
    let avg = |x: f64| x / 12.0;
    let mut items = Vec::new();
    const AVERAGE: &str = " (12-month average)";
    for class in Class::ALL {
        let i = class as usize;
        if billed_gb_months[i] > 0.0 {
            items.push(class.storage_item(book, avg(billed_gb_months[i]), ", billed size (12-month average)"));
        }
        if let Some(tid) = class.transition_id() {
            if transition_usd[i] > 0.0 {
                let objects = transition_usd[i] / book.get(tid) * 1000.0;
                items.extend(class.transition_item(book, avg(objects), AVERAGE));
            }
        }
    }
    items.push(put_item(
        book,
        avg(put_objects),
        "PUT requests (uploads, archive, backups, logs)",
    ));
    items.push(get_item(book, month.s3_gets, "GET requests (CloudFront asset misses)"));

    let mut losing = Vec::new();
    for lc in &lcs {
        for (days, class) in &lc.transitions {
            let kb = if lc.bucket == "backups" { 1e6 } else { lc.object_kb };
            let payback = payback_months(book, *class, kb);
            if payback > 12.0 {
                losing.push(format!(
                    "{} → {} after {days} days: {:.0} KB objects {}",
                    lc.bucket,
                    class.name(),
                    kb,
                    if payback.is_finite() {
                        format!("take {payback:.0} months to repay the transition fee")
                    } else {
                        "never repay it (billed as 128 KB)".into()
                    }
                ));
            }
        }
    }

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
        },
        cost,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

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
    }
}
