//! The contract between `kickoff tfvars` and `terraform/variables.tf`: every
//! exported key is declared with a matching type, and every variable whose
//! description starts with `Planner-owned:` is exported.

use kickoff::export::tfvars::Tfvars;
use kickoff::model::{plan, PriceBook, Scenario};
use serde_json::Value;
use std::collections::BTreeMap;

/// variable name → (type expression without spaces, description).
fn declared() -> BTreeMap<String, (String, String)> {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/terraform/variables.tf")).unwrap();
    let body = hcl::parse(&text).expect("variables.tf parses");
    let mut out = BTreeMap::new();
    for block in body.blocks().filter(|b| b.identifier() == "variable") {
        let name = block.labels()[0].as_str().to_string();
        let attr = |key: &str| {
            block
                .body()
                .attributes()
                .find(|a| a.key() == key)
                .map(|a| a.expr().clone())
        };
        let ty = attr("type")
            .map(|e| hcl::format::to_string(&e).unwrap())
            .unwrap_or_default();
        let description = match attr("description") {
            Some(hcl::Expression::String(s)) => s,
            other => panic!("variable {name} needs a literal description, got {other:?}"),
        };
        out.insert(name, (ty.split_whitespace().collect(), description));
    }
    out
}

fn type_of(v: &Value) -> String {
    match v {
        Value::Bool(_) => "bool".into(),
        Value::Number(_) => "number".into(),
        Value::String(_) => "string".into(),
        Value::Array(_) => "list".into(),
        other => panic!("unexpected tfvars value {other}"),
    }
}

fn exported(s: &Scenario) -> BTreeMap<String, Value> {
    let p = plan(s, &PriceBook::embedded()).unwrap();
    let Value::Object(map) = serde_json::to_value(Tfvars::from_plan(s, &p)).unwrap() else {
        panic!()
    };
    map.into_iter().collect()
}

#[test]
fn every_exported_key_is_declared_with_its_type() {
    let decl = declared();
    for (key, value) in exported(&Scenario::default()) {
        let (ty, description) = decl
            .get(&key)
            .unwrap_or_else(|| panic!("{key} is exported but not declared in variables.tf"));
        assert!(
            description.starts_with("Planner-owned:"),
            "{key}: description must start with `Planner-owned:`"
        );
        let want = type_of(&value);
        if want == "list" {
            assert!(
                ty.starts_with("list(object({"),
                "{key}: declared {ty}, exported a list of objects"
            );
            for field in [
                "name=string",
                "scale_up_cron=string",
                "scale_down_cron=string",
                "min_tasks=number",
            ] {
                assert!(ty.contains(field), "{key}: {ty} lacks {field}");
            }
        } else {
            assert_eq!(ty, &want, "{key}: declared type differs from the exported value");
        }
    }
}

#[test]
fn every_planner_owned_variable_is_exported() {
    let keys = exported(&Scenario::default());
    let missing: Vec<String> = declared()
        .into_iter()
        .filter(|(name, (_, d))| d.starts_with("Planner-owned:") && !keys.contains_key(name))
        .map(|(name, _)| name)
        .collect();
    assert!(missing.is_empty(), "planner-owned but not exported: {missing:?}");
}

#[test]
fn the_contract_document_lists_every_exported_key() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/tfvars-contract.md")).unwrap();
    for key in exported(&Scenario::default()).keys() {
        assert!(
            doc.contains(&format!("| `{key}` |")),
            "docs/tfvars-contract.md lacks {key}"
        );
    }
}

#[test]
fn alarm_count_matches_terraform() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/terraform/monitoring.tf")).unwrap();
    let body = hcl::parse(&text).unwrap();
    let alarms: Vec<&hcl::Block> = body
        .blocks()
        .filter(|b| b.identifier() == "resource" && b.labels()[0].as_str() == "aws_cloudwatch_metric_alarm")
        .collect();
    let per_replica = |b: &hcl::Block| {
        b.body().attributes().any(|a| {
            a.key() == "count"
                && hcl::format::to_string(a.expr())
                    .unwrap()
                    .contains("db_read_replica_count")
        })
    };
    let fixed = alarms.iter().filter(|b| !per_replica(b)).count() as u32;
    assert_eq!(
        alarms.iter().filter(|b| per_replica(b)).count(),
        1,
        "one replica-lag alarm per replica"
    );
    assert_eq!(
        Scenario::default().coefficients.alarms,
        fixed,
        "coefficients.alarms must match monitoring.tf"
    );
}
