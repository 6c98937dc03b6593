//! Human and machine formats of a plan: text for terminals, Markdown for
//! founders, CSV of line items for spreadsheets, JSON for tools.

use crate::model::cost::cents;
use crate::model::Plan;
use std::fmt::Write;

/// `1234567` → `1,234,567`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut grouped = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    grouped
}

fn money(usd: f64) -> String {
    let total_cents = (usd.abs() * 100.0).round() as u64;
    format!(
        "{}${}.{:02}",
        if usd < 0.0 { "-" } else { "" },
        thousands(total_cents / 100),
        total_cents % 100
    )
}

/// Terminal text.
pub fn text(p: &Plan) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "Monthly total: {}  ({} per 1,000 peak fans)",
        money(p.total_monthly_usd),
        money(p.cost_per_1000_fans_usd)
    );
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
    if !p.warnings.is_empty() {
        let _ = writeln!(o, "\nWarnings");
        for w in &p.warnings {
            let _ = writeln!(o, "  - {} ({})", w.message, w.code);
        }
    }
    o
}

/// A founder-readable summary.
pub fn markdown(p: &Plan) -> String {
    let mut o = String::new();
    let verdict = if p.slo_pass() {
        "meets every SLO"
    } else {
        "misses at least one SLO"
    };
    let _ = writeln!(o, "# Kickoff capacity plan\n");
    let _ = writeln!(
        o,
        "**{} a month** ({} per 1,000 peak fans); the plan {verdict}.\n",
        money(p.total_monthly_usd),
        money(p.cost_per_1000_fans_usd)
    );
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
    if !p.warnings.is_empty() {
        let _ = writeln!(o, "\n## Warnings\n");
        for w in &p.warnings {
            let _ = writeln!(o, "- {}", w.message);
        }
    }
    let _ = writeln!(o, "\n## Assumptions\n");
    for a in &p.assumptions {
        let _ = writeln!(o, "- **{}**: {} ({})", a.name, a.value, a.source);
    }
    o
}

/// Line items as CSV, one row per priced quantity, with the price's source date.
pub fn csv(p: &Plan) -> String {
    let mut w = ::csv::Writer::from_writer(Vec::new());
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
    w.write_record(header).expect("csv to memory");
    for s in &p.services {
        for i in &s.items {
            let date = p
                .prices_used
                .iter()
                .find(|pr| pr.id == i.price_id)
                .map(|pr| pr.date.as_str())
                .unwrap_or("");
            w.write_record([
                s.service.name(),
                &i.description,
                &format!("{:.4}", i.quantity),
                &i.unit,
                &format!("{}", i.unit_price_usd),
                &format!("{:.2}", cents(i.monthly_usd)),
                &i.price_id,
                date,
            ])
            .expect("csv to memory");
        }
    }
    w.write_record([
        "Total",
        "",
        "",
        "",
        "",
        &format!("{:.2}", cents(p.total_monthly_usd)),
        "",
        "",
    ])
    .expect("csv to memory");
    String::from_utf8(w.into_inner().expect("flush to memory")).expect("csv is UTF-8")
}

/// JSON with every number of the plan.
pub fn json(p: &Plan) -> String {
    serde_json::to_string_pretty(p).expect("plan serialises")
}

#[cfg(test)]
mod tests {
    use super::money;

    #[test]
    fn money_groups_thousands() {
        assert_eq!(money(1234567.891), "$1,234,567.89");
        assert_eq!(money(0.5), "$0.50");
        assert_eq!(money(999.999), "$1,000.00");
        assert_eq!(money(12.0), "$12.00");
    }
}
