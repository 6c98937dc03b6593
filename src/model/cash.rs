//! The cash plan: what the bill is each month from today, as the audience
//! grows and storage moves through its lifecycle tiers.
//!
//! Each month is a full [`plan`] of the scenario at that month's audience:
//! `peak_concurrent_fans × (1 + audience.growth_pct_per_month / 100)^(m−1)`,
//! rounded, so capacity (tasks, instance classes, nodes, replicas) steps up
//! as the planner would size it if re-planned that month. S3 is the one
//! service whose bill is not flat within a plan's year: [`plan`] charges
//! the 12-month average, the cash plan charges the month itself from the
//! storage simulation ([`storage::months`]), so the first months cost less
//! than the average and later ones more. Nothing is paid upfront: the plan
//! prices on demand only (no commitment rate is in the price book).

use super::cost::Service;
use super::plan::{plan, Plan};
use super::prices::PriceBook;
use super::scenario::{Scenario, MAX_FANS};
use super::storage;
use super::validate::{FieldError, ValidationErrors};
use serde::Serialize;

/// Months a cash plan covers at most (three years: the longest AWS
/// commitment term).
pub const MAX_MONTHS: u32 = 36;

/// One service's bill in one month.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServiceMonth {
    pub service: Service,
    pub usd: f64,
}

/// One month of the cash plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CashMonth {
    /// 1 = the coming month.
    pub month: u32,
    pub peak_concurrent_fans: u32,
    pub services: Vec<ServiceMonth>,
    pub total_usd: f64,
    /// Total of this and every earlier month.
    pub cumulative_usd: f64,
    /// GB in S3 at the end of the month, every bucket and class together.
    pub s3_gb: f64,
    /// Every SLO verdict passes at this month's audience.
    pub slo_pass: bool,
    /// Every AWS limit holds at this month's audience (`Plan::feasible`).
    pub feasible: bool,
    /// Codes of the plan's warnings this month (see `Plan::warnings`).
    pub warnings: Vec<String>,
}

/// The cash plan of a scenario.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CashPlan {
    pub growth_pct_per_month: f64,
    pub months: Vec<CashMonth>,
    pub total_usd: f64,
    /// The audience stopped growing at `MAX_FANS` from this month on.
    pub capped_from_month: Option<u32>,
}

impl CashPlan {
    /// The services, in bill order (every month has the same ones).
    pub fn services(&self) -> Vec<Service> {
        self.months
            .first()
            .map(|m| m.services.iter().map(|s| s.service).collect())
            .unwrap_or_default()
    }
}

/// The audience in month `m` (1-based): compounded growth, rounded, at most
/// [`MAX_FANS`]; and whether the cap applied.
pub fn fans_in_month(s: &Scenario, m: u32) -> (u32, bool) {
    let g = 1.0 + s.audience.growth_pct_per_month / 100.0;
    let fans = (f64::from(s.peak_concurrent_fans) * g.powi(m as i32 - 1)).round();
    if fans > f64::from(MAX_FANS) {
        (MAX_FANS, true)
    } else {
        (fans as u32, false)
    }
}

/// S3 in month `m` of a plan `p` of scenario `s`: the plan's S3 bill minus
/// its 12-month storage average plus month `m` of the storage simulation.
fn s3_in_month(s: &Scenario, book: &PriceBook, p: &Plan, m: u32) -> (f64, f64) {
    let planned = p
        .services
        .iter()
        .find(|c| c.service == Service::S3)
        .map_or(0.0, |c| c.monthly_usd);
    let average = p.storage.months.iter().map(|x| x.usd).sum::<f64>() / p.storage.months.len() as f64;
    let later;
    let month = match p.storage.months.get(m as usize - 1) {
        Some(x) => x,
        None => {
            let Ok(book) = book.with_overrides(&s.price_overrides) else {
                unreachable!("plan() validated the price overrides");
            };
            later = storage::months(s, &book, &p.demand.month, m);
            later.last().expect("m ≥ 1 months")
        }
    };
    let gb = month.standard_gb + month.standard_ia_gb + month.glacier_ir_gb + month.deep_archive_gb;
    (planned - average + month.usd, gb)
}

/// The cash plan of `s` for `months` months (1 to [`MAX_MONTHS`]).
///
/// # Errors
/// The scenario's validation errors (as [`plan`]), or `months` out of range.
///
/// # Example
/// ```
/// use kickoff::model::{cash, PriceBook, Scenario};
/// let c = cash::cash_plan(&Scenario::default(), &PriceBook::embedded(), 12).unwrap();
/// assert_eq!(c.months.len(), 12);
/// assert!(c.total_usd > 0.0);
/// ```
pub fn cash_plan(s: &Scenario, book: &PriceBook, months: u32) -> Result<CashPlan, ValidationErrors> {
    if !(1..=MAX_MONTHS).contains(&months) {
        return Err(ValidationErrors(vec![FieldError {
            field: "months".into(),
            label: "Months".into(),
            value: months.to_string(),
            rule: format!("must be a whole number from 1 to {MAX_MONTHS}"),
        }]));
    }
    let mut out = Vec::new();
    let mut cumulative = 0.0;
    let mut capped_from_month = None;
    for m in 1..=months {
        let (fans, capped) = fans_in_month(s, m);
        if capped && capped_from_month.is_none() {
            capped_from_month = Some(m);
        }
        let mut sm = s.clone();
        sm.peak_concurrent_fans = fans;
        let p = plan(&sm, book)?;
        let (s3, s3_gb) = s3_in_month(&sm, book, &p, m);
        let services: Vec<ServiceMonth> = p
            .services
            .iter()
            .map(|c| ServiceMonth {
                service: c.service,
                usd: if c.service == Service::S3 { s3 } else { c.monthly_usd },
            })
            .collect();
        let total: f64 = services.iter().map(|x| x.usd).sum();
        cumulative += total;
        out.push(CashMonth {
            month: m,
            peak_concurrent_fans: fans,
            services,
            total_usd: total,
            cumulative_usd: cumulative,
            s3_gb,
            slo_pass: p.slo_pass(),
            feasible: p.feasible,
            warnings: p.warnings.iter().map(|w| w.code.clone()).collect(),
        });
    }
    Ok(CashPlan {
        growth_pct_per_month: s.audience.growth_pct_per_month,
        total_usd: cumulative,
        months: out,
        capped_from_month,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cash(s: &Scenario, n: u32) -> CashPlan {
        cash_plan(s, &PriceBook::embedded(), n).unwrap()
    }

    fn usd(m: &CashMonth, service: Service) -> f64 {
        m.services.iter().find(|x| x.service == service).unwrap().usd
    }

    #[test]
    fn without_growth_a_year_averages_the_monthly_plan() {
        let s = Scenario::default();
        let p = plan(&s, &PriceBook::embedded()).unwrap();
        let c = cash(&s, 12);
        let mean = c.total_usd / 12.0;
        assert!(
            (mean - p.total_monthly_usd).abs() < 1e-6 * p.total_monthly_usd,
            "{mean} vs {}",
            p.total_monthly_usd
        );
        // Month 1 is the plan, service by service, except S3's storage ramp.
        for cost in &p.services {
            let got = usd(&c.months[0], cost.service);
            if cost.service == Service::S3 {
                assert!(got < cost.monthly_usd, "storage grows: month 1 below the average");
            } else {
                assert_eq!(got, cost.monthly_usd, "{:?}", cost.service);
            }
        }
    }

    #[test]
    fn storage_bill_grows_with_the_data() {
        let c = cash(&Scenario::default(), 24);
        let s3: Vec<f64> = c.months.iter().map(|m| usd(m, Service::S3)).collect();
        assert!(s3[23] > s3[11] && s3[11] > s3[0], "{s3:?}");
        assert!(c.months[23].s3_gb > c.months[11].s3_gb);
    }

    #[test]
    fn growth_compounds_and_raises_the_bill() {
        let mut s = Scenario::default();
        s.audience.growth_pct_per_month = 10.0;
        let c = cash(&s, 12);
        assert_eq!(c.months[0].peak_concurrent_fans, 5_000);
        assert_eq!(c.months[1].peak_concurrent_fans, 5_500);
        assert_eq!(
            c.months[11].peak_concurrent_fans,
            (5_000.0 * 1.1f64.powi(11)).round() as u32
        );
        assert!(c.months[11].total_usd > c.months[0].total_usd);
        let sum: f64 = c.months.iter().map(|m| m.total_usd).sum();
        assert!((sum - c.total_usd).abs() < 1e-9 * sum);
        assert_eq!(c.months[11].cumulative_usd, c.total_usd);
    }

    #[test]
    fn audience_stops_at_the_cap() {
        let mut s = Scenario::default();
        s.peak_concurrent_fans = MAX_FANS / 2;
        s.audience.growth_pct_per_month = 50.0;
        assert_eq!(fans_in_month(&s, 3), (MAX_FANS, true));
        assert_eq!(fans_in_month(&s, 2), (MAX_FANS / 4 * 3, false));
    }

    #[test]
    fn months_out_of_range_name_the_field() {
        for n in [0, MAX_MONTHS + 1] {
            let e = cash_plan(&Scenario::default(), &PriceBook::embedded(), n).unwrap_err();
            assert_eq!(e.0[0].field, "months");
        }
    }
}
