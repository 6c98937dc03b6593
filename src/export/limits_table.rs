//! The limits table of `docs/capacity-model.md`, generated from the limits
//! catalogue and the list of limits a plan is checked against
//! ([`checks::CATALOGUE_CHECKS`], [`checks::DERIVED_CHECKS`]); a test fails
//! when the docs' copy differs.

use crate::fmt::thousands;
use crate::model::checks::{CATALOGUE_CHECKS, DERIVED_CHECKS};
use crate::model::limits::LimitCatalog;
use std::fmt::Write;

/// Marks around the generated table in `docs/capacity-model.md`.
pub const BEGIN: &str = "<!-- limits: generated from src/model/limits_us_east_1.json; do not edit by hand -->";
pub const END: &str = "<!-- end of limits -->";

fn value(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        thousands(v.abs() as u64)
    } else {
        format!("{v}")
    }
}

/// A source URL's page name: `CHAP_Limits` for `…/UserGuide/CHAP_Limits.html`.
fn page(source: &str) -> &str {
    let url = source.split(' ').next().unwrap_or("");
    let last = url.trim_end_matches('/').rsplit('/').next().unwrap_or(url);
    last.trim_end_matches(".html")
}

/// One Markdown row per limit checked.
pub fn markdown() -> String {
    let c = LimitCatalog::embedded();
    let mut o =
        String::from("| Limit | Tier | Value | Unit | AWS raises it | Source (read) |\n|---|---|---|---|---|---|\n");
    for id in CATALOGUE_CHECKS {
        let Some(l) = c.entry(id) else { continue };
        let v = match l.value {
            Some(v) => value(v),
            None => "per class".into(),
        };
        let _ = writeln!(
            o,
            "| `{}` | {} | {} | {} | {} | [{}]({}) ({}, {}) |",
            l.id,
            l.tier,
            v,
            l.unit.replace('|', "\\|"),
            if l.adjustable { "yes" } else { "no" },
            page(&l.source),
            l.source.split(' ').next().unwrap_or(""),
            l.date,
            l.confidence
        );
    }
    o.push_str("\nDerived from the catalogue and a coefficient:\n\n| Limit | Tier | Ceiling |\n|---|---|---|\n");
    for (id, tier, what) in DERIVED_CHECKS {
        let _ = writeln!(o, "| `{id}` | {tier} | {what} |");
    }
    o
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    /// The docs' table is the generated one. `KICKOFF_UPDATE_DOCS=1 cargo
    /// test --lib limits_table` rewrites it.
    #[test]
    fn capacity_model_doc_has_the_generated_limits_table() {
        crate::export::check_generated_doc_section(
            "docs/capacity-model.md",
            BEGIN,
            END,
            &markdown(),
            "cargo test --lib limits_table",
        );
    }

    #[test]
    fn every_listed_limit_is_in_the_catalogue() {
        let c = LimitCatalog::embedded();
        for id in CATALOGUE_CHECKS {
            assert!(c.contains(id), "{id}");
        }
    }
}
