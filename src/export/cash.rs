//! Formats of the cash plan ([`crate::model::cash`]): a table for terminals
//! and Markdown, CSV for spreadsheets (one row per month, one column per
//! service), JSON for tools.

use super::report::csv_record;
use crate::fmt::{money, thousands};
use crate::model::cash::CashPlan;
use crate::model::cost::cents;
use std::fmt::Write;

/// One sentence: the period's total and the first and last month.
pub fn sentence(c: &CashPlan) -> String {
    let (Some(first), Some(last)) = (c.months.first(), c.months.last()) else {
        return String::new();
    };
    let growth = if c.growth_pct_per_month > 0.0 {
        format!(
            "with the audience growing {} % a month ({} → {} peak fans)",
            c.growth_pct_per_month,
            thousands(first.peak_concurrent_fans.into()),
            thousands(last.peak_concurrent_fans.into())
        )
    } else {
        "with no audience growth".into()
    };
    let mut s = format!(
        "Next {} months: {} in total {growth}; month 1 {}, month {} {}; all on demand, nothing upfront.",
        c.months.len(),
        money(c.total_usd),
        money(first.total_usd),
        last.month,
        money(last.total_usd)
    );
    if let Some(m) = c.months.iter().find(|m| !m.feasible) {
        let _ = write!(
            s,
            " From month {} the plan breaks an AWS limit (infeasible): raise the quota or re-plan.",
            m.month
        );
    }
    if let Some(m) = c.months.iter().find(|m| !m.slo_pass) {
        let _ = write!(
            s,
            " From month {} the plan misses an SLO: re-plan before then.",
            m.month
        );
    }
    if let Some(m) = c.capped_from_month {
        let _ = write!(
            s,
            " The audience stops growing at the planner's maximum from month {m}."
        );
    }
    s
}

/// Terminal text: one line per month.
pub fn text(c: &CashPlan) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "{}\n", sentence(c));
    let _ = writeln!(
        o,
        "  {:>5} {:>11} {:>12} {:>13} {:>10}  SLOs  limits",
        "month", "peak fans", "total", "cumulative", "S3 GB"
    );
    for m in &c.months {
        let _ = writeln!(
            o,
            "  {:>5} {:>11} {:>12} {:>13} {:>10.0}  {}  {}",
            m.month,
            thousands(m.peak_concurrent_fans.into()),
            money(m.total_usd),
            money(m.cumulative_usd),
            m.s3_gb,
            if m.slo_pass { "pass" } else { "FAIL" },
            if m.feasible { "ok" } else { "BROKEN" }
        );
    }
    o
}

/// Markdown: the sentence and the month-by-month table with every service.
pub fn markdown(c: &CashPlan) -> String {
    let services = c.services();
    let mut o = String::new();
    let _ = writeln!(o, "# Kickoff cash plan\n\n{}\n", sentence(c));
    let names: Vec<&str> = services.iter().map(|s| s.name()).collect();
    let _ = writeln!(o, "| Month | Peak fans | {} | Total | Cumulative |", names.join(" | "));
    let _ = writeln!(o, "|---:|---:|{}---:|---:|", "---:|".repeat(names.len()));
    for m in &c.months {
        let cells: Vec<String> = m.services.iter().map(|s| money(s.usd)).collect();
        let _ = writeln!(
            o,
            "| {} | {} | {} | **{}** | {} |",
            m.month,
            thousands(m.peak_concurrent_fans.into()),
            cells.join(" | "),
            money(m.total_usd),
            money(m.cumulative_usd)
        );
    }
    o
}

/// CSV: one row per month; USD to the cent.
pub fn csv(c: &CashPlan) -> String {
    let mut out = String::new();
    let mut header: Vec<String> = vec!["month".into(), "peak_concurrent_fans".into()];
    header.extend(c.services().iter().map(|s| format!("{}_usd", s.name())));
    header.extend(
        [
            "total_usd",
            "cumulative_usd",
            "s3_gb",
            "slo_pass",
            "feasible",
            "warnings",
        ]
        .iter()
        .map(|s| s.to_string()),
    );
    csv_record(&mut out, header.iter().map(String::as_str));
    for m in &c.months {
        let mut row = vec![m.month.to_string(), m.peak_concurrent_fans.to_string()];
        row.extend(m.services.iter().map(|s| format!("{:.2}", cents(s.usd))));
        row.push(format!("{:.2}", cents(m.total_usd)));
        row.push(format!("{:.2}", cents(m.cumulative_usd)));
        row.push(format!("{:.1}", m.s3_gb));
        row.push(m.slo_pass.to_string());
        row.push(m.feasible.to_string());
        row.push(m.warnings.join(";"));
        csv_record(&mut out, row.iter().map(String::as_str));
    }
    out
}

/// JSON for tools.
pub fn json(c: &CashPlan) -> String {
    serde_json::to_string_pretty(c).expect("cash plan serialises")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{cash::cash_plan, PriceBook, Scenario};

    #[test]
    fn csv_reads_back_one_row_per_month_summing_to_the_total() {
        let mut s = Scenario::default();
        s.audience.growth_pct_per_month = 5.0;
        let c = cash_plan(&s, &PriceBook::embedded(), 12).unwrap();
        let text = csv(&c);
        let mut r = csv::Reader::from_reader(text.as_bytes());
        let header = r.headers().unwrap().clone();
        let total = header.iter().position(|h| h == "total_usd").unwrap();
        let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), 12);
        for row in &rows {
            let services: f64 = (2..total).map(|i| row[i].parse::<f64>().unwrap()).sum();
            let t: f64 = row[total].parse().unwrap();
            assert!((services - t).abs() < 0.01 * (total - 2) as f64, "{services} vs {t}");
        }
        let last: f64 = rows[11][total + 1].parse().unwrap();
        assert!((last - c.total_usd).abs() < 0.01);
    }

    #[test]
    fn sentence_names_growth_and_total() {
        let mut s = Scenario::default();
        s.audience.growth_pct_per_month = 5.0;
        let c = cash_plan(&s, &PriceBook::embedded(), 12).unwrap();
        let line = sentence(&c);
        assert!(line.contains("growing 5 % a month"), "{line}");
        assert!(line.contains(&money(c.total_usd)), "{line}");
    }
}
