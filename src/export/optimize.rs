//! Formats of an optimizer result ([`crate::model::optimize`]): text for
//! terminals, Markdown for reviews, JSON for tools.

use crate::fmt::{money, thousands};
use crate::model::optimize::{Design, FrontierPoint, Objective, OptimizeResult};
use std::fmt::Write;

fn objective_name(o: Objective) -> &'static str {
    match o {
        Objective::Monthly => "monthly bill",
        Objective::TwelveMonths => "12-month cash total",
    }
}

/// A design's changes from the scenario in words: `Poll interval 1 s → 2.5 s; …`.
pub fn changes(d: &Design) -> String {
    if d.changes.is_empty() {
        return "no change".into();
    }
    d.changes
        .iter()
        .map(|c| format!("{} {} → {}", c.label, c.from, c.to))
        .collect::<Vec<_>>()
        .join("; ")
}

fn verdict(d: &Design) -> &'static str {
    match (d.pass, d.feasible) {
        (true, _) => "passes every SLO and limit",
        (false, true) => "fails an SLO",
        (false, false) => "breaks an AWS limit",
    }
}

fn counts_line(r: &OptimizeResult) -> String {
    let c = &r.counts;
    format!(
        "{} designs in the space: {} planned ({} passing, {} refused by validation), {} skipped ({} over the freshness floor, {} by the cost bound, {} breaking a limit already broken, {} with no effect); {} more planned first to bound the search{}",
        thousands(c.space),
        thousands(c.evaluated),
        thousands(c.passing),
        thousands(c.invalid),
        thousands(c.pruned()),
        thousands(c.pruned_freshness),
        thousands(c.pruned_cost),
        thousands(c.pruned_infeasible),
        thousands(c.pruned_no_effect),
        thousands(c.seeds),
        if r.done { "" } else { " (stopped early)" }
    )
}

fn frontier_rows(points: &[FrontierPoint], unit: &str) -> Vec<String> {
    points
        .iter()
        .map(|p| {
            format!(
                "{} at {:.2} {unit}: {}",
                money(p.objective_usd),
                p.value,
                changes(&p.design)
            )
        })
        .collect()
}

/// For terminals.
pub fn text(r: &OptimizeResult) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "Objective: the lowest {}", objective_name(r.objective));
    let _ = writeln!(
        o,
        "As typed: {} a month ({} by the objective), {}",
        money(r.typed.monthly_usd),
        money(r.typed.objective_usd),
        verdict(&r.typed)
    );
    match &r.best {
        Some(b) => {
            let _ = writeln!(
                o,
                "Optimum:  {} a month ({} by the objective, {} than typed), freshness p95 {:.2} s",
                money(b.monthly_usd),
                money(b.objective_usd),
                saving(r.typed.objective_usd, b.objective_usd),
                b.freshness_p95_s
            );
            let _ = writeln!(o, "  changes: {}", changes(b));
        }
        None => {
            let _ = writeln!(o, "No design in the space passes every SLO and limit.");
        }
    }
    let _ = writeln!(o, "{}", counts_line(r));
    if r.top.len() > 1 {
        let _ = writeln!(o, "\nNext best designs");
        for (i, d) in r.top.iter().enumerate().skip(1) {
            let _ = writeln!(o, "  {}. {}: {}", i + 1, money(d.objective_usd), changes(d));
        }
    }
    let _ = writeln!(
        o,
        "\nCost against freshness p95 (cheapest per poll interval, TTL and Origin Shield)"
    );
    for row in frontier_rows(&r.freshness_frontier, "s") {
        let _ = writeln!(o, "  {row}");
    }
    if !r.drill_frontier.is_empty() {
        let _ = writeln!(o, "\nCost against worst drill error (designs evaluated)");
        for row in frontier_rows(&r.drill_frontier, "%") {
            let _ = writeln!(o, "  {row}");
        }
    }
    o
}

fn saving(typed: f64, best: f64) -> String {
    if typed.is_finite() && typed >= best {
        format!("{} less", money(typed - best))
    } else if typed.is_finite() {
        format!("{} more", money(best - typed))
    } else {
        "the typed design does not plan".into()
    }
}

/// For reviews.
pub fn markdown(r: &OptimizeResult) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "## Optimizer: the lowest {}\n", objective_name(r.objective));
    let _ = writeln!(
        o,
        "| design | monthly | objective | freshness p95 | verdict | changes |"
    );
    let _ = writeln!(o, "|---|---:|---:|---:|---|---|");
    let row = |o: &mut String, name: &str, d: &Design| {
        let _ = writeln!(
            o,
            "| {name} | {} | {} | {:.2} s | {} | {} |",
            money(d.monthly_usd),
            money(d.objective_usd),
            d.freshness_p95_s,
            verdict(d),
            changes(d)
        );
    };
    row(&mut o, "as typed", &r.typed);
    for (i, d) in r.top.iter().enumerate() {
        row(
            &mut o,
            &if i == 0 {
                "**optimum**".to_string()
            } else {
                format!("#{}", i + 1)
            },
            d,
        );
    }
    let _ = writeln!(o, "\n{}.\n", counts_line(r));
    let _ = writeln!(o, "### Cost against freshness p95\n");
    for row in frontier_rows(&r.freshness_frontier, "s") {
        let _ = writeln!(o, "- {row}");
    }
    if !r.drill_frontier.is_empty() {
        let _ = writeln!(o, "\n### Cost against worst drill error\n");
        for row in frontier_rows(&r.drill_frontier, "%") {
            let _ = writeln!(o, "- {row}");
        }
    }
    o
}

/// For tools.
pub fn json(r: &OptimizeResult) -> String {
    serde_json::to_string_pretty(r).expect("an optimizer result serialises")
}
