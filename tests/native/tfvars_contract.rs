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

/// The body of `terraform/<file>`.
fn terraform(file: &str) -> hcl::Body {
    let path = format!("{}/terraform/{file}", env!("CARGO_MANIFEST_DIR"));
    hcl::parse(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

/// The `resource "<kind>"` blocks of `body`.
fn resources<'a>(body: &'a hcl::Body, kind: &str) -> Vec<&'a hcl::Block> {
    body.blocks()
        .filter(|b| b.identifier() == "resource" && b.labels()[0].as_str() == kind)
        .collect()
}

/// An attribute of `block` as `terraform fmt`-style text.
fn attr(block: &hcl::Block, key: &str) -> Option<String> {
    block
        .body()
        .attributes()
        .find(|a| a.key() == key)
        .map(|a| hcl::format::to_string(a.expr()).unwrap())
}

#[test]
fn alarm_count_matches_terraform() {
    // Every alarm terraform/ creates: monitoring.tf's and the jobs' two.
    let (monitoring, jobs) = (terraform("monitoring.tf"), terraform("jobs.tf"));
    let alarms: Vec<&hcl::Block> = [&monitoring, &jobs]
        .into_iter()
        .flat_map(|b| resources(b, "aws_cloudwatch_metric_alarm"))
        .collect();
    assert!(
        resources(&jobs, "aws_cloudwatch_metric_alarm")
            .iter()
            .all(|b| attr(b, "count").is_none() && attr(b, "for_each").is_none()),
        "the jobs' alarms are created unconditionally"
    );
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
        "coefficients.alarms must match monitoring.tf + jobs.tf"
    );
}

#[test]
fn interface_endpoint_count_matches_terraform() {
    // With vpc_endpoints egress terraform/ creates network.tf's endpoints
    // (one per name in locals.tf's interface_endpoints) and break_glass.tf's
    // (ssmmessages, kms); both sets are conditional only on that egress.
    let names = |text: &str| -> Vec<String> {
        let inner = text.split("toset([").nth(1).unwrap().split("])").next().unwrap();
        inner
            .split(',')
            .map(|n| n.trim().trim_matches('"').to_string())
            .collect()
    };
    let locals = terraform("locals.tf");
    let tasks = locals
        .blocks()
        .filter(|b| b.identifier() == "locals")
        .find_map(|b| attr(b, "interface_endpoints"))
        .expect("locals.tf declares interface_endpoints");
    assert!(tasks.starts_with("local.use_vpc_endpoints ?"), "{tasks}");
    let break_glass = terraform("break_glass.tf");
    let endpoints = resources(&break_glass, "aws_vpc_endpoint");
    assert_eq!(endpoints.len(), 1);
    let for_each = attr(endpoints[0], "for_each").unwrap();
    assert!(for_each.starts_with("local.use_vpc_endpoints ?"), "{for_each}");
    let all: Vec<String> = names(&tasks).into_iter().chain(names(&for_each)).collect();
    assert_eq!(all.len(), 7, "{all:?}");
    assert_eq!(
        Scenario::default().coefficients.interface_endpoints as usize,
        all.len(),
        "coefficients.interface_endpoints must match locals.tf + break_glass.tf: {all:?}"
    );
}

#[test]
fn the_internal_alb_has_no_public_ipv4_in_the_plan() {
    let alb = terraform("alb.tf");
    let lb = resources(&alb, "aws_lb");
    assert_eq!(lb.len(), 1);
    assert_eq!(attr(lb[0], "internal").as_deref(), Some("true"));
    let p = plan(&Scenario::default(), &PriceBook::embedded()).unwrap();
    let ipv4: Vec<&str> = p
        .services
        .iter()
        .flat_map(|c| &c.items)
        .filter(|i| i.price_id == "vpc.public_ipv4_hour")
        .map(|i| i.description.as_str())
        .collect();
    assert!(ipv4.is_empty(), "{ipv4:?}");
}
