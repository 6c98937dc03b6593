//! The cost sweep: the scenario planned at 25 fan counts from 1,000 to
//! 1,000,000 (log-spaced), everything else unchanged. The cost-curve chart
//! draws it; the planner recomputes it when anything but the fan count changes.

use super::plan::plan_lean;
use super::prices::PriceBook;
use super::scenario::Scenario;

/// Points on the curve. Each is one `plan_lean()` (the total is `plan()`'s).
pub const POINTS: u32 = 25;
pub const MIN_FANS: f64 = 1_000.0;
pub const MAX_FANS: f64 = 1_000_000.0;

/// The sampled curve and the current scenario's point.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CostCurve {
    /// (peak fans, USD a month); points whose plan is invalid are left out.
    pub points: Vec<(f64, f64)>,
    /// The scenario itself, when it plans.
    pub current: Option<(f64, f64)>,
}

/// Plan `s` at [`POINTS`] fan counts spaced evenly on a log scale, everything
/// else unchanged.
pub fn cost_curve(s: &Scenario, book: &PriceBook) -> CostCurve {
    let mut points = Vec::with_capacity(POINTS as usize);
    let mut at = s.clone();
    for i in 0..POINTS {
        let f = (MIN_FANS.ln() + (MAX_FANS.ln() - MIN_FANS.ln()) * f64::from(i) / f64::from(POINTS - 1))
            .exp()
            .round();
        at.peak_concurrent_fans = f as u32;
        if let Ok(p) = plan_lean(&at, book) {
            points.push((f, p.total_monthly_usd));
        }
    }
    let current = plan_lean(s, book)
        .ok()
        .map(|p| (f64::from(s.peak_concurrent_fans), p.total_monthly_usd));
    CostCurve { points, current }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn curve_rises_and_marks_the_scenario() {
        let c = cost_curve(&Scenario::default(), &PriceBook::embedded());
        assert!(c.points.len() >= 20, "{}", c.points.len());
        assert_eq!(c.points.first().unwrap().0, MIN_FANS);
        assert_eq!(c.points.last().unwrap().0, MAX_FANS);
        assert!(c.points.last().unwrap().1 > c.points.first().unwrap().1);
        assert_eq!(c.current.unwrap().0, 5000.0);
    }

    #[test]
    fn an_invalid_scenario_has_no_current_point() {
        let mut s = Scenario::default();
        s.delivery.poll_interval_s = 0.0;
        let c = cost_curve(&s, &PriceBook::embedded());
        assert!(c.current.is_none() && c.points.is_empty());
    }
}
