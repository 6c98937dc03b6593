//! Human and machine formats of a plan: text for terminals, Markdown for
//! founders, CSV of line items for spreadsheets, JSON for tools.

use crate::fmt::{money, unit_price};
use crate::model::checks::{broken_first, show};
use crate::model::cost::cents;
use crate::model::drills::DrillOutcome;
use crate::model::plan::Measured;
use crate::model::Plan;
use std::fmt::Write;

/// The feasibility sentence: every limit holds, or which break.
fn feasibility(p: &Plan) -> String {
    let broken = p.limits.iter().filter(|l| !l.ok).count();
    if p.feasible {
        format!(
            "Feasible: all {} AWS limits and tier capacities hold at the worst step.",
            p.limits.len()
        )
    } else {
        format!(
            "INFEASIBLE: {broken} of {} AWS limits or tier capacities break at the worst step (listed first below); `kickoff tfvars` refuses this plan.",
            p.limits.len()
        )
    }
}

/// Terminal text.
/// Each drill's verdict, figures, what it did and its mitigation.
pub fn drills_text(drills: &[DrillOutcome]) -> String {
    let mut o = String::new();
    for d in drills {
        let _ = writeln!(
            o,
            "  [{}] {:<17} at {:+.0} s: worst step {:.2} % errors, feed {:.1} s stale (p95), {:.0} s over the error SLO, {:.0} s over freshness, recovered after {:.0} s",
            if d.pass { "pass" } else { "FAIL" },
            d.name,
            d.at_s,
            d.worst_error_pct,
            d.freshness_p95_s,
            d.seconds_over_slo.error_s,
            d.seconds_over_slo.freshness_s,
            d.recovery_s
        );
        let _ = writeln!(o, "  {:<24} {}", "", d.what);
        if let Some(m) = &d.mitigation {
            let _ = writeln!(
                o,
                "  {:<24} mitigation: {} ({}; {}), {} a month",
                "",
                m.action,
                m.change,
                m.needs,
                money(m.monthly_usd)
            );
        } else if !d.mitigation_note.is_empty() {
            let _ = writeln!(o, "  {:<24} {}", "", d.mitigation_note);
        }
        let _ = writeln!(o, "  {:<24} runbook: {}", "", d.runbook);
    }
    o
}

pub fn text(p: &Plan) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "Monthly total: {}  ({} per 1,000 peak fans)",
        money(p.total_monthly_usd),
        money(p.cost_per_1000_fans_usd)
    );
    let _ = writeln!(o, "{}", feasibility(p));
    let _ = writeln!(o, "{}", p.headroom.sentence());
    let _ = writeln!(o, "\nServices");
    for s in &p.services {
        let _ = writeln!(o, "  {:<27} {:>12}  {}", s.service.name(), money(s.monthly_usd), s.what);
        let _ = writeln!(o, "  {:<27} {:>12}  why: {}", "", "", s.binding_constraint);
    }
    let _ = writeln!(o, "\nSLOs");
    for v in &p.slo {
        let _ = writeln!(
            o,
            "  [{}] {:<22} {} (target {}): {}",
            if v.pass { "pass" } else { "FAIL" },
            v.name,
            v.measured,
            v.target,
            v.detail
        );
    }
    if !p.drills.is_empty() {
        let _ = writeln!(o, "\nDrills");
        o.push_str(&drills_text(&p.drills));
    }
    if !p.warnings.is_empty() {
        let _ = writeln!(o, "\nWarnings");
        for w in &p.warnings {
            let _ = writeln!(o, "  - {} ({})", w.message, w.code);
        }
    }
    let _ = writeln!(o, "\nLimits (worst step; broken first)");
    for l in broken_first(&p.limits) {
        let _ = writeln!(
            o,
            "  [{}] {:<44} {:>14} of {:>14}  {}",
            if l.ok { "ok" } else { "BROKEN" },
            l.id,
            show(l.value),
            show(l.limit),
            l.unit
        );
        if !l.ok {
            let _ = writeln!(o, "  {:<8} {:<44} lift: {}", "", "", l.lift);
        }
    }
    let _ = writeln!(o, "\nCoefficients");
    for m in &p.measured {
        let _ = writeln!(o, "  {:<9} {}", measured_tag(m), measured_line(m));
    }
    let _ = writeln!(
        o,
        "  {:<9} {} (the Assumptions of `--format markdown`)",
        "assumed",
        assumed_paths(p).join(", ")
    );
    o
}

/// `measured`, or `changed` for a measured coefficient set to another value since.
fn measured_tag(m: &Measured) -> &'static str {
    if m.current {
        "measured"
    } else {
        "changed"
    }
}

/// `app.rps_per_vcpu = 3881 req/s: measured 2026-… on …, commit …, from …; note`.
fn measured_line(m: &Measured) -> String {
    let p = &m.provenance;
    let mut line = format!(
        "{} = {}: measured {} on {}, commit {}, from {}",
        m.path, m.value, p.date_utc, p.machine, p.commit, p.summary
    );
    if !m.current {
        line.push_str(&format!("; the scenario no longer holds the measured {}", p.value));
    }
    if !p.note.is_empty() {
        line.push_str("; ");
        line.push_str(&p.note);
    }
    line
}

/// The input paths of the assumptions that name one (`Name (group.field)`).
fn assumed_paths(p: &Plan) -> Vec<&str> {
    p.assumptions
        .iter()
        .filter_map(|a| {
            let inner = a.name.strip_suffix(')')?;
            let path = &inner[inner.rfind('(')? + 1..];
            path.contains('.').then_some(path)
        })
        .collect()
}

/// A founder-readable summary.
pub fn markdown(p: &Plan) -> String {
    let mut o = String::new();
    let verdict = match (p.feasible, p.slo_pass()) {
        (false, _) => "is **infeasible** (an AWS limit or tier capacity breaks, below)",
        (true, true) => "meets every SLO",
        (true, false) => "misses at least one SLO",
    };
    let _ = writeln!(o, "# Kickoff capacity plan\n");
    let _ = writeln!(
        o,
        "**{} a month** ({} per 1,000 peak fans); the plan {verdict}.\n",
        money(p.total_monthly_usd),
        money(p.cost_per_1000_fans_usd)
    );
    let _ = writeln!(o, "{}\n", p.headroom.sentence());
    if !p.feasible {
        let _ = writeln!(o, "## Broken limits\n");
        for line in p.broken_limits() {
            let _ = writeln!(o, "- {line}");
        }
        let _ = writeln!(o);
    }
    let _ = writeln!(
        o,
        "| Service | What runs | Why this size | Monthly |\n|---|---|---|---:|"
    );
    for s in &p.services {
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} |",
            s.service.name(),
            s.what,
            s.binding_constraint,
            money(s.monthly_usd)
        );
    }
    let _ = writeln!(o, "| **Total** | | | **{}** |\n", money(p.total_monthly_usd));
    let _ = writeln!(
        o,
        "## Service levels\n\n| SLO | Target | Plan | Verdict |\n|---|---|---|---|"
    );
    for v in &p.slo {
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} |",
            v.name,
            v.target,
            v.measured,
            if v.pass { "pass" } else { "**FAIL**" }
        );
    }
    if let Some(d) = p.drills.first() {
        let _ = writeln!(
            o,
            "\n## Drills at {:+.0} s from kickoff\n\n| Drill | Verdict | Worst errors | Staleness p95 | Recovery | Cheapest mitigation | Runbook |\n|---|---|---:|---:|---:|---|---|",
            d.at_s
        );
        for d in &p.drills {
            let fix = match &d.mitigation {
                Some(m) => format!(
                    "{} (+{} a month; needs {})",
                    m.action,
                    money(m.extra_monthly_usd),
                    m.needs
                ),
                None if d.pass => "—".to_string(),
                None => d.mitigation_note.clone(),
            };
            let _ = writeln!(
                o,
                "| {} | {} | {:.2} % | {:.1} s | {:.0} s | {fix} | {} |",
                d.name,
                if d.pass { "pass" } else { "**FAIL**" },
                d.worst_error_pct,
                d.freshness_p95_s,
                d.recovery_s,
                d.runbook
            );
        }
    }
    if !p.warnings.is_empty() {
        let _ = writeln!(o, "\n## Warnings\n");
        for w in &p.warnings {
            let _ = writeln!(o, "- {}", w.message);
        }
    }
    let _ = writeln!(
        o,
        "\n## Limits\n\nAt the plan's worst step, broken first.\n\n| Limit | Tier | Plan | Limit | Unit | Verdict |\n|---|---|---:|---:|---|---|"
    );
    for l in broken_first(&p.limits) {
        let _ = writeln!(
            o,
            "| `{}` | {} | {} | {} | {} | {} |",
            l.id,
            l.tier,
            show(l.value),
            show(l.limit),
            l.unit,
            if l.ok { "ok" } else { "**BROKEN**" }
        );
    }
    if !p.measured.is_empty() {
        let _ = writeln!(o, "\n## Measured coefficients\n");
        for m in &p.measured {
            let _ = writeln!(o, "- **{}** ({}): {}", m.label, measured_tag(m), measured_line(m));
        }
    }
    let _ = writeln!(o, "\n## Assumptions\n");
    for a in &p.assumptions {
        let _ = writeln!(o, "- **{}**: {} ({})", a.name, a.value, a.source);
    }
    o
}

/// One CSV record (RFC 4180): fields with a comma, quote or line break are
/// quoted, quotes doubled. Hand-written because the `csv` crate costs 2 KB
/// of the browser bundle's 300 KB budget; the tests read the output back
/// with the `csv` crate.
pub(crate) fn csv_record<'a>(out: &mut String, fields: impl IntoIterator<Item = &'a str>) {
    for (i, f) in fields.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        if f.contains([',', '"', '\n', '\r']) {
            out.push('"');
            out.push_str(&f.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(f);
        }
    }
    out.push('\n');
}

/// Line items as CSV, one row per priced quantity, with the price's source date.
pub fn csv(p: &Plan) -> String {
    let mut out = String::new();
    let header = [
        "service",
        "description",
        "quantity",
        "unit",
        "unit_price_usd",
        "monthly_usd",
        "price_id",
        "price_date",
    ];
    csv_record(&mut out, header);
    for s in &p.services {
        for i in &s.items {
            let date = p
                .prices_used
                .iter()
                .find(|pr| pr.id == i.price_id)
                .map(|pr| pr.date.as_str())
                .unwrap_or("");
            csv_record(
                &mut out,
                [
                    s.service.name(),
                    &i.description,
                    &format!("{:.4}", i.quantity),
                    &i.unit,
                    &unit_price(i.unit_price_usd),
                    &format!("{:.2}", cents(i.monthly_usd)),
                    &i.price_id,
                    date,
                ],
            );
        }
    }
    let total = format!("{:.2}", cents(p.total_monthly_usd));
    csv_record(&mut out, ["Total", "", "", "", "", &total, "", ""]);
    out
}

/// JSON with every number of the plan.
pub fn json(p: &Plan) -> String {
    serde_json::to_string_pretty(p).expect("plan serialises")
}

#[cfg(test)]
mod tests {
    use crate::model::scenario::DrillKind;
    use crate::model::{plan, PriceBook, Scenario};

    #[test]
    fn the_founder_summary_carries_each_drill() {
        let mut s = Scenario::default();
        s.drills.selected = vec![DrillKind::CacheFailover, DrillKind::DbFailover];
        let p = plan(&s, &PriceBook::embedded()).unwrap();
        let md = super::markdown(&p);
        assert!(md.contains("## Drills at +0 s from kickoff"), "{md}");
        for d in &p.drills {
            let verdict = if d.pass { "pass" } else { "**FAIL**" };
            assert!(
                md.contains(&format!("| {} | {verdict} | {:.2} % |", d.name, d.worst_error_pct)),
                "{md}"
            );
        }
        assert!(!super::markdown(&plan(&Scenario::default(), &PriceBook::embedded()).unwrap()).contains("## Drills"));
    }

    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn csv_reads_back_with_the_csv_crate() {
        let mut out = String::new();
        super::csv_record(&mut out, ["plain", "a, b", "say \"hi\"", "two\nlines", ""]);
        let mut r = ::csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(out.as_bytes());
        let rec = r.records().next().unwrap().unwrap();
        assert_eq!(
            rec.iter().collect::<Vec<_>>(),
            ["plain", "a, b", "say \"hi\"", "two\nlines", ""]
        );

        let plan =
            crate::model::plan(&crate::model::Scenario::default(), &crate::model::PriceBook::embedded()).unwrap();
        let text = super::csv(&plan);
        let mut r = ::csv::Reader::from_reader(text.as_bytes());
        let rows: Vec<_> = r.records().map(Result::unwrap).collect();
        assert!(rows.iter().all(|row| row.len() == 8));
        assert_eq!(&rows[rows.len() - 1][0], "Total");
    }
}
