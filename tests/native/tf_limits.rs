//! The numbers `terraform/variables.tf` validates against are the limits
//! catalogue's (`src/model/limits_us_east_1.json`), and so are the ranges of
//! the planner's own inputs: each pair below must agree, so the three never
//! drift. variables.tf is parsed with hcl-rs, as `tfvars_contract.rs` does.

use kickoff::model::inputs::{by_path, Kind};
use kickoff::model::limits::LimitCatalog;
use kickoff::model::{fargate, rds};

/// (Terraform variable, catalogue id): a validation of the variable uses
/// the catalogue's value as a bound.
const TERRAFORM: [(&str, &str); 7] = [
    ("db_read_replica_count", "db.mysql.read_replicas_per_source"),
    ("cache_replicas", "cache.replicas_per_shard"),
    ("db_iops", "db.gp3.max_iops"),
    ("db_iops", "db.gp3.striping_threshold_gib"),
    ("db_backup_retention_days", "db.backup_retention_days.max"),
    ("db_allocated_storage_gb", "db.gp3.storage_gib.min"),
    ("db_allocated_storage_gb", "db.gp3.storage_gib.max"),
];

/// (scenario input, catalogue id): the input's largest allowed value.
const INPUTS: [(&str, &str); 4] = [
    ("overrides.db_read_replicas", "db.mysql.read_replicas_per_source"),
    ("overrides.cache_replicas", "cache.replicas_per_shard"),
    ("overrides.max_tasks", "fargate.tasks_per_service"),
    ("storage.rds_backup_retention_days", "db.backup_retention_days.max"),
];

/// Every number in the conditions of `variable`'s validation blocks.
fn validation_numbers(body: &hcl::Body, variable: &str) -> Vec<f64> {
    let block = body
        .blocks()
        .find(|b| b.identifier() == "variable" && b.labels()[0].as_str() == variable)
        .unwrap_or_else(|| panic!("variables.tf declares no {variable}"));
    let mut out = Vec::new();
    for v in block.body().blocks().filter(|b| b.identifier() == "validation") {
        for a in v.body().attributes().filter(|a| a.key() == "condition") {
            let text = hcl::format::to_string(a.expr()).unwrap();
            // Numbers are the runs of digits (and points) between other characters.
            out.extend(
                text.split(|c: char| !(c.is_ascii_digit() || c == '.'))
                    .filter_map(|t| t.parse::<f64>().ok()),
            );
        }
    }
    out
}

#[test]
fn terraform_validations_use_the_catalogue_limits() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/terraform/variables.tf")).unwrap();
    let body = hcl::parse(&text).expect("variables.tf parses");
    let limits = LimitCatalog::embedded();
    for (variable, id) in TERRAFORM {
        let value = limits.get(id);
        let numbers = validation_numbers(&body, variable);
        assert!(
            numbers.contains(&value),
            "terraform/variables.tf `{variable}` validates against {numbers:?}, the catalogue's {id} is {value}"
        );
    }
}

#[test]
fn planner_input_ranges_use_the_catalogue_limits() {
    let limits = LimitCatalog::embedded();
    for (path, id) in INPUTS {
        let max = match by_path(path).unwrap().kind {
            Kind::Int { max, .. } | Kind::OptInt { max, .. } => f64::from(max),
            other => panic!("{path}: {other:?} is not a whole-number range"),
        };
        assert_eq!(max, limits.get(id), "{path} allows up to {max}, the catalogue's {id}");
    }
    assert_eq!(
        f64::from(rds::MAX_READ_REPLICAS),
        limits.get("db.mysql.read_replicas_per_source")
    );
    assert_eq!(
        f64::from(fargate::MAX_TASKS_PER_SERVICE),
        limits.get("fargate.tasks_per_service")
    );
}

#[test]
fn the_number_reader_sees_every_bound() {
    let body = hcl::parse(
        r#"variable "x" {
  validation {
    condition     = var.x == 0 || (var.x >= 3000 && var.x <= 64000)
    error_message = "no"
  }
}"#,
    )
    .unwrap();
    assert_eq!(validation_numbers(&body, "x"), vec![0.0, 3000.0, 64000.0]);
}

/// CloudWatch Logs retention: the planner's choices (`LOG_RETENTION_DAYS`)
/// are `terraform/locals.tf`'s `cloudwatch_retention_days` without 0 (never
/// expire, which the planner does not offer).
#[test]
fn log_retention_choices_match_terraform() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/terraform/locals.tf")).unwrap();
    let body = hcl::parse(&text).expect("locals.tf parses");
    let list = body
        .blocks()
        .filter(|b| b.identifier() == "locals")
        .flat_map(|b| b.body().attributes())
        .find(|a| a.key() == "cloudwatch_retention_days")
        .expect("locals.tf declares cloudwatch_retention_days");
    let hcl::Expression::Array(items) = list.expr() else {
        panic!("cloudwatch_retention_days is not a list")
    };
    let terraform: Vec<u32> = items
        .iter()
        .map(|e| match e {
            hcl::Expression::Number(n) => u32::try_from(n.as_u64().expect("whole days")).unwrap(),
            other => panic!("not a number: {other:?}"),
        })
        .filter(|&d| d != 0)
        .collect();
    assert_eq!(terraform, kickoff::model::inputs::LOG_RETENTION_DAYS.to_vec());
}
