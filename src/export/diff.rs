//! `kickoff diff BASE HEAD`: what a change of scenario does to the bill and
//! to the capacity behind it. Per-service monthly deltas, capacity changes
//! (tasks, task size, instance class, replicas, cache nodes), SLO and
//! match-day drill verdict changes, warnings and Terraform blockers gained or
//! lost, and the new total; as text, Markdown (the pull-request comment) or JSON.

use super::tfvars;
use crate::fmt::money;
use crate::model::cost::cents;
use crate::model::drills::DrillOutcome;
use crate::model::{Plan, PriceBook, Scenario};
use serde::Serialize;
use std::collections::BTreeSet;
use std::fmt::Write;

/// One service's monthly bill on each side (0 where a side lacks it).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServiceDelta {
    pub service: String,
    pub base_usd: f64,
    pub head_usd: f64,
    pub delta_usd: f64,
}

/// A sized value that differs between the sides.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    pub what: String,
    pub base: String,
    pub head: String,
}

/// Everything that differs between two plans.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diff {
    pub base_total_usd: f64,
    pub head_total_usd: f64,
    pub delta_usd: f64,
    /// Services whose bill changed by at least a cent.
    pub services: Vec<ServiceDelta>,
    pub capacity: Vec<Change>,
    /// SLOs whose verdict or measured value changed, and the plan's
    /// feasibility (every AWS limit held) when it changed.
    pub slo: Vec<Change>,
    /// Match-day drills (`drills.selected`) whose verdict changed, or that
    /// run on one side only.
    pub drills: Vec<Change>,
    /// Limits (`Plan::limits`) broken on head but not on base, and the reverse.
    pub limits_broken: Vec<String>,
    pub limits_fixed: Vec<String>,
    pub warnings_added: Vec<String>,
    pub warnings_removed: Vec<String>,
    /// Why `terraform/` would reject a side (`kickoff tfvars` refuses it).
    pub blockers_added: Vec<String>,
    pub blockers_removed: Vec<String>,
    /// Price-book values that differ between the sides' books (filled by
    /// `kickoff diff --base-prices`; [`price_changes`]).
    pub prices: Vec<Change>,
}

impl Diff {
    /// Nothing differs (the bill to the cent, capacity, SLOs, drills,
    /// warnings, blockers).
    pub fn is_empty(&self) -> bool {
        self.services.is_empty()
            && self.capacity.is_empty()
            && self.slo.is_empty()
            && self.drills.is_empty()
            && self.limits_broken.is_empty()
            && self.limits_fixed.is_empty()
            && self.warnings_added.is_empty()
            && self.warnings_removed.is_empty()
            && self.blockers_added.is_empty()
            && self.blockers_removed.is_empty()
            && self.prices.is_empty()
    }
}

/// The sized values the diff compares, by name.
fn capacity(p: &Plan) -> Vec<(&'static str, String)> {
    let f = &p.fargate;
    let mut v = vec![
        (
            "API task size",
            format!("{} vCPU / {} GB {:?}", f.task_vcpu, f.task_memory_gb, f.arch),
        ),
        ("API tasks (min / max)", format!("{} / {}", f.min_tasks, f.max_tasks)),
        ("API tasks at kickoff (pre-scaled)", f.prescale_tasks.to_string()),
        ("API on-demand base tasks", f.on_demand_base_tasks.to_string()),
        ("MySQL instance class", p.rds.instance_class.clone()),
        ("MySQL Multi-AZ", p.rds.multi_az.to_string()),
        ("MySQL read replicas", p.rds.read_replicas.to_string()),
        ("MySQL storage (GB)", p.rds.allocated_storage_gb.to_string()),
        ("CloudFront pricing", format!("{:?}", p.cdn.pricing)),
    ];
    match &p.cache {
        Some(c) => {
            v.push(("Cache node type", format!("{:?} {}", c.engine, c.node_type)));
            v.push(("Cache replicas", c.replicas.to_string()));
        }
        None => v.push(("Cache node type", "none".into())),
    }
    v
}

/// `pass`, or `FAIL (worst step 5.00 % errors, recovered after 120 s)`.
fn drill_verdict(d: &DrillOutcome) -> String {
    if d.pass {
        "pass".into()
    } else {
        format!(
            "FAIL (worst step {:.2} % errors, recovered after {:.0} s)",
            d.worst_error_pct, d.recovery_s
        )
    }
}

/// Drills whose verdict (pass or fail) differs, or that one side does not run.
fn drill_changes(bp: &Plan, hp: &Plan) -> Vec<Change> {
    let mut names: Vec<&str> = bp.drills.iter().chain(&hp.drills).map(|d| d.name).collect();
    names.sort_unstable();
    names.dedup();
    let find = |p: &'_ Plan, n: &str| p.drills.iter().find(|d| d.name == n).cloned();
    names
        .into_iter()
        .filter_map(|n| {
            let (b, h) = (find(bp, n), find(hp, n));
            let changed = match (&b, &h) {
                (Some(b), Some(h)) => b.pass != h.pass,
                _ => true,
            };
            let word = |d: &Option<DrillOutcome>| d.as_ref().map_or("not run".into(), drill_verdict);
            changed.then(|| Change {
                what: n.into(),
                base: word(&b),
                head: word(&h),
            })
        })
        .collect()
}

fn sorted_difference(a: &BTreeSet<String>, b: &BTreeSet<String>) -> Vec<String> {
    a.difference(b).cloned().collect()
}

/// Compare the plans of two scenarios.
pub fn diff(base: (&Scenario, &Plan), head: (&Scenario, &Plan)) -> Diff {
    let (bs, bp) = base;
    let (hs, hp) = head;
    let mut names: Vec<_> = bp.services.iter().chain(&hp.services).map(|c| c.service).collect();
    names.sort();
    names.dedup();
    let usd = |p: &Plan, s| {
        p.services
            .iter()
            .find(|c| c.service == s)
            .map_or(0.0, |c| c.monthly_usd)
    };
    let services = names
        .into_iter()
        .map(|s| ServiceDelta {
            service: s.name().into(),
            base_usd: usd(bp, s),
            head_usd: usd(hp, s),
            delta_usd: usd(hp, s) - usd(bp, s),
        })
        .filter(|d| cents(d.head_usd) != cents(d.base_usd))
        .collect();
    let capacity = capacity(bp)
        .into_iter()
        .zip(capacity(hp))
        .filter(|(b, h)| b.1 != h.1)
        .map(|((what, base), (_, head))| Change {
            what: what.into(),
            base,
            head,
        })
        .collect();
    let verdict =
        |v: &crate::model::slo::SloVerdict| format!("{} ({})", if v.pass { "pass" } else { "FAIL" }, v.measured);
    let mut slo = Vec::new();
    for b in &bp.slo {
        let h = hp.slo.iter().find(|h| h.name == b.name);
        let head = h.map_or("not assessed".into(), verdict);
        if verdict(b) != head {
            slo.push(Change {
                what: b.name.clone(),
                base: verdict(b),
                head,
            });
        }
    }
    for h in hp.slo.iter().filter(|h| !bp.slo.iter().any(|b| b.name == h.name)) {
        slo.push(Change {
            what: h.name.clone(),
            base: "not assessed".into(),
            head: verdict(h),
        });
    }
    if bp.feasible != hp.feasible {
        let word = |f: bool| if f { "feasible" } else { "INFEASIBLE" }.to_string();
        slo.push(Change {
            what: "feasible (every AWS limit held)".into(),
            base: word(bp.feasible),
            head: word(hp.feasible),
        });
    }
    let broken = |p: &Plan| -> BTreeSet<String> {
        p.limits
            .iter()
            .filter(|l| !l.ok)
            .map(|l| {
                format!(
                    "{}: {} of {} {}",
                    l.id,
                    crate::fmt::number(l.value),
                    crate::fmt::number(l.limit),
                    l.unit
                )
            })
            .collect()
    };
    let broken_ids =
        |p: &Plan| -> BTreeSet<String> { p.limits.iter().filter(|l| !l.ok).map(|l| l.id.clone()).collect() };
    let (bl, hl) = (broken_ids(bp), broken_ids(hp));
    let limits_broken = broken(hp)
        .into_iter()
        .filter(|l| !bl.iter().any(|id| l.starts_with(&format!("{id}:"))))
        .collect();
    let limits_fixed = broken(bp)
        .into_iter()
        .filter(|l| !hl.iter().any(|id| l.starts_with(&format!("{id}:"))))
        .collect();
    let warnings = |p: &Plan| -> BTreeSet<String> { p.warnings.iter().map(|w| w.message.clone()).collect() };
    let (bw, hw) = (warnings(bp), warnings(hp));
    let blockers = |s: &Scenario| -> BTreeSet<String> { tfvars::blockers(s).into_iter().collect() };
    let (bb, hb) = (blockers(bs), blockers(hs));
    Diff {
        base_total_usd: bp.total_monthly_usd,
        head_total_usd: hp.total_monthly_usd,
        delta_usd: hp.total_monthly_usd - bp.total_monthly_usd,
        services,
        capacity,
        slo,
        drills: drill_changes(bp, hp),
        limits_broken,
        limits_fixed,
        warnings_added: sorted_difference(&hw, &bw),
        warnings_removed: sorted_difference(&bw, &hw),
        blockers_added: sorted_difference(&hb, &bb),
        blockers_removed: sorted_difference(&bb, &hb),
        prices: Vec::new(),
    }
}

/// Prices whose value differs between two books (ids in both).
pub fn price_changes(base: &PriceBook, head: &PriceBook) -> Vec<Change> {
    base.differing_values(head)
        .into_iter()
        .map(|(id, v)| Change {
            base: crate::fmt::unit_price(base.get(&id)),
            head: crate::fmt::unit_price(v),
            what: id,
        })
        .collect()
}

/// `+$12.34` / `-$5.00` / `$0.00`.
fn signed(usd: f64) -> String {
    let c = cents(usd);
    if c > 0.0 {
        format!("+{}", money(c))
    } else if c < 0.0 {
        format!("-{}", money(-c))
    } else {
        money(0.0)
    }
}

fn pct(d: &Diff) -> String {
    if d.base_total_usd > 0.0 {
        format!(", {:+.1} %", d.delta_usd / d.base_total_usd * 100.0)
    } else {
        String::new()
    }
}

/// The headline: old total → new total (delta).
pub fn headline(d: &Diff) -> String {
    format!(
        "Monthly total: {} → {} ({}{})",
        money(d.base_total_usd),
        money(d.head_total_usd),
        signed(d.delta_usd),
        pct(d)
    )
}

impl Diff {
    /// The changed values by kind, for every renderer: (text heading,
    /// Markdown table heading, changes).
    fn change_sections(&self) -> [(&'static str, &'static str, &[Change]); 4] {
        [
            ("Capacity", "Capacity", &self.capacity),
            ("SLOs", "SLO and feasibility verdicts", &self.slo),
            ("Match-day drills", "Match-day drill", &self.drills),
            ("Prices (USD)", "Price (USD)", &self.prices),
        ]
    }

    /// The added and removed lines by kind, for every renderer.
    fn line_sections(&self) -> [(&'static str, &[String]); 6] {
        [
            ("AWS limits now broken", &self.limits_broken),
            ("AWS limits no longer broken", &self.limits_fixed),
            ("Warnings added", &self.warnings_added),
            ("Warnings removed", &self.warnings_removed),
            ("Terraform would now reject", &self.blockers_added),
            ("No longer rejected by Terraform", &self.blockers_removed),
        ]
    }
}

/// Terminal text.
pub fn text(d: &Diff) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "{}", headline(d));
    if d.is_empty() {
        let _ = writeln!(o, "No change: same bill, capacity, SLO verdicts and warnings.");
        return o;
    }
    if !d.services.is_empty() {
        let _ = writeln!(o, "\nServices");
        for s in &d.services {
            let _ = writeln!(
                o,
                "  {:<27} {:>12} → {:>12}  {:>12}",
                s.service,
                money(s.base_usd),
                money(s.head_usd),
                signed(s.delta_usd)
            );
        }
    }
    for (title, _, changes) in d.change_sections() {
        if !changes.is_empty() {
            let _ = writeln!(o, "\n{title}");
            for c in changes {
                let _ = writeln!(o, "  {}: {} → {}", c.what, c.base, c.head);
            }
        }
    }
    for (title, lines) in d.line_sections() {
        if !lines.is_empty() {
            let _ = writeln!(o, "\n{title}");
            for l in lines {
                let _ = writeln!(o, "  - {l}");
            }
        }
    }
    o
}

/// Markdown: one section, headed by `title` (the environment), for a
/// pull-request comment.
pub fn markdown(d: &Diff, title: &str) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "### {title}\n\n**{}**\n", headline(d));
    if d.is_empty() {
        let _ = writeln!(o, "No change: same bill, capacity, SLO verdicts and warnings.");
        return o;
    }
    if !d.services.is_empty() {
        let _ = writeln!(o, "| Service | Base | Head | Monthly delta |\n|---|---:|---:|---:|");
        for s in &d.services {
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} |",
                s.service,
                money(s.base_usd),
                money(s.head_usd),
                signed(s.delta_usd)
            );
        }
        let _ = writeln!(
            o,
            "| **Total** | **{}** | **{}** | **{}** |\n",
            money(d.base_total_usd),
            money(d.head_total_usd),
            signed(d.delta_usd)
        );
    }
    for (_, title, changes) in d.change_sections() {
        if !changes.is_empty() {
            let _ = writeln!(o, "| {title} | Base | Head |\n|---|---|---|");
            for c in changes {
                let _ = writeln!(o, "| {} | {} | {} |", c.what, c.base, c.head);
            }
            let _ = writeln!(o);
        }
    }
    for (title, lines) in d.line_sections() {
        if !lines.is_empty() {
            let _ = writeln!(o, "**{title}**\n");
            for l in lines {
                let _ = writeln!(o, "- {l}");
            }
            let _ = writeln!(o);
        }
    }
    o
}

/// JSON for tools.
pub fn json(d: &Diff) -> String {
    serde_json::to_string_pretty(d).expect("diff serialises")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{plan, PriceBook};

    fn planned(s: &Scenario) -> Plan {
        plan(s, &PriceBook::embedded()).unwrap()
    }

    #[test]
    fn a_scenario_against_itself_is_empty() {
        let s = Scenario::default();
        let p = planned(&s);
        let d = diff((&s, &p), (&s, &p));
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(d.delta_usd, 0.0);
        assert!(text(&d).contains("No change"));
    }

    #[test]
    fn a_bigger_audience_costs_more_and_needs_more_tasks() {
        let base = Scenario::default();
        let mut head = base.clone();
        head.peak_concurrent_fans = 40_000;
        let (bp, hp) = (planned(&base), planned(&head));
        let d = diff((&base, &bp), (&head, &hp));
        assert!(d.delta_usd > 0.0);
        assert!(
            d.capacity.iter().any(|c| c.what == "API tasks (min / max)"),
            "{:?}",
            d.capacity
        );
        let sum: f64 = d.services.iter().map(|s| s.delta_usd).sum();
        assert!(
            (sum - d.delta_usd).abs() < 0.01 * 10.0,
            "unchanged services add nothing"
        );
        let md = markdown(&d, "prod");
        assert!(md.starts_with("### prod"), "{md}");
        assert!(md.contains("| **Total** |"), "{md}");
        // Swapping the sides negates the bill and swaps capacity.
        let back = diff((&head, &hp), (&base, &bp));
        assert_eq!(back.delta_usd, -d.delta_usd);
        assert_eq!(back.capacity.len(), d.capacity.len());
    }

    #[test]
    fn drill_verdicts_that_change_are_listed_and_unchanged_ones_are_not() {
        let base = Scenario::default();
        let mut head = base.clone();
        head.drills.selected = crate::model::drills::parse_list("cache-failover,db-failover").unwrap();
        let (bp, hp) = (planned(&base), planned(&head));
        let d = diff((&base, &bp), (&head, &hp));
        let names: Vec<_> = d.drills.iter().map(|c| c.what.as_str()).collect();
        assert_eq!(names, ["cache-failover", "db-failover"]);
        assert!(d.drills.iter().all(|c| c.base == "not run"), "{:?}", d.drills);
        assert!(d.slo.iter().any(|c| c.what == "survives_drills"), "{:?}", d.slo);
        // Same drills on both sides: no change, until one verdict flips.
        assert!(diff((&head, &hp), (&head, &hp)).drills.is_empty());
        let mut flipped = hp.clone();
        flipped.drills[0].pass = !flipped.drills[0].pass;
        let d = diff((&head, &hp), (&head, &flipped));
        assert_eq!(d.drills.len(), 1, "{:?}", d.drills);
        assert_eq!(d.drills[0].what, hp.drills[0].name);
        assert!(text(&d).contains("Match-day drills"), "{}", text(&d));
        assert!(markdown(&d, "prod").contains("| Match-day drill | Base | Head |"));
    }

    #[test]
    fn a_price_change_shows_in_the_bill_and_the_price_list() {
        let head = PriceBook::embedded();
        let mut base = head.clone();
        let fargate = base
            .prices
            .iter_mut()
            .find(|p| p.id == "fargate.arm.vcpu_hour")
            .unwrap();
        fargate.value /= 2.0;
        let base = PriceBook::from_json(&serde_json::to_string(&base).unwrap()).unwrap();
        let changes = price_changes(&base, &head);
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].what, "fargate.arm.vcpu_hour");
        let s = Scenario::default();
        let (bp, hp) = (plan(&s, &base).unwrap(), plan(&s, &head).unwrap());
        let mut d = diff((&s, &bp), (&s, &hp));
        d.prices = changes;
        assert!(
            d.services
                .iter()
                .any(|x| x.service == "ECS Fargate" && x.delta_usd > 0.0),
            "{d:?}"
        );
        assert!(markdown(&d, "prod").contains("fargate.arm.vcpu_hour"));
    }
}
