//! Every drill links to a runbook that exists and handles it: the file is
//! in `docs/runbooks/`, has the parts every runbook has (the runbook test,
//! `tests/runbooks/`, runs its commands), names the drill, says how to play
//! it on a game day, and is listed in the runbooks index. The outcome of a
//! planned drill carries the same link.

use kickoff::model::drills::{parse_list, runbook};
use kickoff::model::scenario::DrillKind;
use kickoff::model::{plan, PriceBook, Scenario};
use strum::VariantArray;

/// The parts of a drill runbook: those of every runbook
/// (`docs/runbooks/README.md`) and the game day that plays the failure.
const PARTS: [&str; 7] = [
    "Meaning",
    "Impact",
    "Diagnosis",
    "Mitigation",
    "Is it fixed?",
    "Game day",
    "Rollback",
];

fn read(path: &str) -> String {
    std::fs::read_to_string(format!("{}/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The `## ` headings of a Markdown file, in order.
fn headings(text: &str) -> Vec<&str> {
    text.lines()
        .filter_map(|l| l.strip_prefix("## "))
        .map(str::trim)
        .collect()
}

#[test]
fn every_drill_links_to_a_runbook_that_handles_it() {
    let index = read("docs/runbooks/README.md");
    for &kind in DrillKind::VARIANTS {
        let path = runbook(kind);
        let file = path
            .strip_prefix("docs/runbooks/")
            .unwrap_or_else(|| panic!("{}: {path} is not in docs/runbooks/", kind.name()));
        let text = read(path);
        let parts: Vec<&str> = headings(&text).into_iter().filter(|h| PARTS.contains(h)).collect();
        assert_eq!(parts, PARTS, "{path}: the parts of a drill runbook, in order");
        assert!(
            text.contains(&format!("Drill `{}`", kind.name())),
            "{path} does not name the drill {}",
            kind.name()
        );
        assert!(
            index.contains(&format!("]({file})")),
            "docs/runbooks/README.md does not link {file}"
        );
    }
}

#[test]
fn a_planned_drill_carries_its_runbook() {
    let mut s = Scenario::default();
    s.drills.selected = parse_list("all").unwrap();
    let p = plan(&s, &PriceBook::embedded()).unwrap();
    assert_eq!(p.drills.len(), DrillKind::VARIANTS.len());
    for d in &p.drills {
        let kind: DrillKind = d.name.parse().unwrap();
        assert_eq!(d.runbook, runbook(kind), "{}", d.name);
        assert!(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join(d.runbook)
                .is_file(),
            "{}: {} does not exist",
            d.name,
            d.runbook
        );
    }
}
