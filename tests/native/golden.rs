//! Golden tests: the default plan in every format and its tfvars. A change
//! here is a change in what founders and Terraform see: review the snapshot
//! diff (`cargo insta review`) and say why in the commit.

use kickoff::export::{report, tfvars};
use kickoff::model::{plan, PriceBook, Scenario};
use serde_json::Value;

fn default_plan() -> (Scenario, kickoff::model::Plan) {
    let s = Scenario::default();
    let p = plan(&s, &PriceBook::embedded()).unwrap();
    (s, p)
}

#[test]
fn default_plan_text() {
    insta::assert_snapshot!(report::text(&default_plan().1));
}

#[test]
fn default_plan_markdown() {
    insta::assert_snapshot!(report::markdown(&default_plan().1));
}

#[test]
fn default_plan_csv() {
    insta::assert_snapshot!(report::csv(&default_plan().1));
}

#[test]
fn default_plan_json() {
    // The per-step simulation is ~1,000 rows per run: keep the count and the
    // first kickoff-minute rows, snapshot everything else in full.
    let mut v: Value = serde_json::from_str(&report::json(&default_plan().1)).unwrap();
    for run in ["with_prescale", "without_prescale"] {
        let steps = v["match_day"][run]["steps"].as_array().unwrap();
        let kickoff: Vec<Value> = steps
            .iter()
            .filter(|s| (0.0..60.0).contains(&s["t_s"].as_f64().unwrap()))
            .cloned()
            .collect();
        v["match_day"][run]["steps"] =
            serde_json::json!({ "count": steps.len(), "first_minute_after_kickoff": kickoff });
    }
    round_floats(&mut v);
    insta::assert_snapshot!(serde_json::to_string_pretty(&v).unwrap());
}

/// Round every non-integer number to 9 significant digits, so the golden
/// file shows model changes, not the last bits of a floating-point solver.
fn round_floats(v: &mut Value) {
    match v {
        Value::Number(n) if n.is_f64() => {
            let x = n.as_f64().unwrap();
            let rounded: f64 = format!("{x:.8e}").parse().unwrap();
            *v = serde_json::json!(rounded);
        }
        Value::Array(items) => items.iter_mut().for_each(round_floats),
        Value::Object(map) => map.values_mut().for_each(round_floats),
        _ => {}
    }
}

#[test]
fn default_tfvars() {
    let (s, p) = default_plan();
    insta::assert_snapshot!(tfvars::render(&s, &p));
}

#[test]
fn seed_setup_plan_text() {
    let s = Scenario::default().seed_setup();
    insta::assert_snapshot!(report::text(&plan(&s, &PriceBook::embedded()).unwrap()));
}

#[test]
fn default_cash_plan_csv() {
    let c = kickoff::model::cash::cash_plan(&Scenario::default(), &PriceBook::embedded(), 12).unwrap();
    insta::assert_snapshot!(kickoff::export::cash::csv(&c));
}

#[test]
fn default_vs_40000_fans_diff_markdown() {
    use kickoff::export::diff;
    let (base, bp) = default_plan();
    let mut head = base.clone();
    head.peak_concurrent_fans = 40_000;
    let hp = plan(&head, &PriceBook::embedded()).unwrap();
    insta::assert_snapshot!(diff::markdown(
        &diff::diff((&base, &bp), (&head, &hp)),
        "default → 40,000 fans"
    ));
}

/// Every drill on the default plan (`kickoff drill all --format json`'s
/// content): verdicts, figures and mitigations.
#[test]
fn default_drills_json() {
    let mut s = Scenario::default();
    s.drills.selected = kickoff::model::drills::parse_list("all").unwrap();
    let p = plan(&s, &PriceBook::embedded()).unwrap();
    let mut v = serde_json::json!({ "drills": p.drills });
    round_floats(&mut v);
    insta::assert_snapshot!(serde_json::to_string_pretty(&v).unwrap());
}

#[test]
fn default_drills_text() {
    let mut s = Scenario::default();
    s.drills.selected = kickoff::model::drills::parse_list("all").unwrap();
    let p = plan(&s, &PriceBook::embedded()).unwrap();
    insta::assert_snapshot!(report::drills_text(&p.drills));
}
