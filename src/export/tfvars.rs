//! `kickoff tfvars`: the planner-owned Terraform variables for a plan, as HCL
//! behind a comment block that holds the scenario. The values are formatted
//! by hcl-rs; the layout is `terraform fmt`'s (aligned `=` in each run of
//! one-line attributes), so a team's `terraform fmt` never rewrites the file.
//! The variable names are the contract in `docs/tfvars-contract.md`.

use crate::model::cache::engine_name;
use crate::model::catalog::CACHE_NODES;
use crate::model::cdn::price_class_name;
use crate::model::network::egress_name;
use crate::model::profile::MATCH_MIN;
use crate::model::scenario::{Arch, DeliveryMode, Environment, MysqlVersion, Scenario};
use crate::model::validate::parse_hhmm;
use crate::model::Plan;
use serde::{Deserialize, Serialize};

/// Markers around the embedded scenario.
pub const SCENARIO_BEGIN: &str = "# kickoff-scenario-begin";
pub const SCENARIO_END: &str = "# kickoff-scenario-end";

/// A scheduled pre-scale window (`aws_appautoscaling_scheduled_action` pair).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrescaleWindow {
    pub name: String,
    pub scale_up_cron: String,
    pub scale_down_cron: String,
    pub min_tasks: u32,
}

/// Every planner-owned variable, in the order the file lists them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tfvars {
    pub environment: String,
    pub az_count: u32,
    pub egress_mode: String,
    pub api_cpu: u32,
    pub api_memory: u32,
    pub api_cpu_architecture: String,
    pub api_min_tasks: u32,
    pub api_max_tasks: u32,
    pub api_on_demand_base_tasks: u32,
    pub api_spot_percent: u32,
    pub api_target_requests_per_task: u32,
    pub api_target_cpu_percent: u32,
    pub api_scale_out_cooldown_seconds: u32,
    pub api_scale_in_cooldown_seconds: u32,
    pub prescale_windows: Vec<PrescaleWindow>,
    pub delivery_mode: String,
    pub poll_interval_seconds: f64,
    pub sse_heartbeat_seconds: f64,
    pub alb_idle_timeout_seconds: u32,
    pub alb_deregistration_delay_seconds: u32,
    pub alb_load_balancing_algorithm: String,
    pub alb_slow_start_seconds: u32,
    pub db_engine_version: String,
    pub db_instance_class: String,
    pub db_multi_az: bool,
    pub db_allocated_storage_gb: u32,
    pub db_iops: u32,
    pub db_read_replica_count: u32,
    pub db_backup_retention_days: u32,
    /// RDS Proxy in front of the writer: what the plan prices (the pools
    /// overflow `max_connections`, or `data.rds_proxy`).
    pub db_proxy_enabled: bool,
    pub cache_engine: String,
    pub cache_node_type: String,
    pub cache_replicas: u32,
    pub cdn_price_class: String,
    pub cdn_live_ttl_seconds: u32,
    pub cdn_origin_shield_enabled: bool,
    pub assets_ia_after_days: u32,
    pub commentary_hot_retention_days: u32,
    pub archive_ia_after_days: u32,
    pub archive_glacier_ir_after_days: u32,
    pub archive_deep_archive_after_days: u32,
    pub backup_schedule_expression: String,
    pub backup_s3_retention_days: u32,
    pub backup_glacier_after_days: u32,
    pub noncurrent_version_expiry_days: u32,
    pub log_retention_days: u32,
    pub monthly_budget_usd: f64,
}

const DAYS: [&str; 7] = ["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"];

/// `cron(m h ? * DAY *)` for `minutes` after midnight of `day`, wrapping
/// across days (and weeks) in either direction.
fn weekly_cron(day: &str, minutes: i64) -> String {
    let d = DAYS.iter().position(|x| *x == day).unwrap_or(0) as i64;
    let total = (d * 1440 + minutes).rem_euclid(7 * 1440);
    let (day, rest) = (total / 1440, total % 1440);
    format!("cron({} {} ? * {} *)", rest % 60, rest / 60, DAYS[day as usize])
}

/// Pre-scale windows for the scenario's kickoff slots.
pub fn prescale_windows(s: &Scenario, plan: &Plan) -> Vec<PrescaleWindow> {
    if !plan.fargate.prescales() {
        return vec![];
    }
    // The plan's lead: the scenario's, or longer when the ramp needs it.
    let lead = plan.fargate.prescale_lead_minutes.ceil() as i64;
    let after = (MATCH_MIN + s.match_day.post_game_decay_minutes).round() as i64;
    s.match_day
        .kickoff_slots
        .iter()
        .filter_map(|slot| {
            let k = i64::from(parse_hhmm(&slot.kickoff_utc)?);
            Some(PrescaleWindow {
                name: slot.name.clone(),
                scale_up_cron: weekly_cron(&slot.day, k - lead),
                scale_down_cron: weekly_cron(&slot.day, k + after),
                min_tasks: plan.fargate.prescale_tasks,
            })
        })
        .collect()
}

impl Tfvars {
    pub fn from_plan(s: &Scenario, p: &Plan) -> Tfvars {
        let f = &p.fargate;
        let st = &s.storage;
        let (cache_node, cache_replicas) = match &p.cache {
            Some(c) => (c.node_type.clone(), c.replicas),
            // No cache: Terraform still needs a valid node type; the smallest.
            None => (CACHE_NODES[0].name.to_string(), 0),
        };
        Tfvars {
            environment: match s.platform.environment {
                Environment::Prod => "prod",
                Environment::Staging => "staging",
            }
            .into(),
            az_count: s.platform.az_count,
            egress_mode: egress_name(s.platform.egress).into(),
            api_cpu: (f.task_vcpu * 1024.0).round() as u32,
            api_memory: (f.task_memory_gb * 1024.0).round() as u32,
            api_cpu_architecture: match f.arch {
                Arch::Arm64 => "ARM64",
                Arch::X86_64 => "X86_64",
            }
            .into(),
            api_min_tasks: f.min_tasks,
            api_max_tasks: f.max_tasks,
            api_on_demand_base_tasks: f.on_demand_base_tasks,
            api_spot_percent: (f.spot_share * 100.0).round() as u32,
            api_target_requests_per_task: f.target_requests_per_task_per_minute as u32,
            api_target_cpu_percent: f.target_cpu_percent as u32,
            api_scale_out_cooldown_seconds: s.scaling.scale_out_cooldown_s.round() as u32,
            api_scale_in_cooldown_seconds: s.scaling.scale_in_cooldown_s.round() as u32,
            prescale_windows: prescale_windows(s, p),
            delivery_mode: match s.delivery.mode {
                DeliveryMode::Polling => "polling",
                DeliveryMode::Sse => "sse",
            }
            .into(),
            poll_interval_seconds: s.delivery.poll_interval_s,
            sse_heartbeat_seconds: s.delivery.sse_heartbeat_s,
            alb_idle_timeout_seconds: p.alb.idle_timeout_s,
            alb_deregistration_delay_seconds: p.alb.deregistration_delay_s,
            alb_load_balancing_algorithm: p.alb.routing_algorithm.into(),
            alb_slow_start_seconds: p.alb.slow_start_s,
            db_engine_version: s.data.engine_version.version().into(),
            db_instance_class: p.rds.instance_class.clone(),
            db_multi_az: p.rds.multi_az,
            db_allocated_storage_gb: p.rds.allocated_storage_gb,
            db_iops: p.rds.provisioned_iops,
            db_read_replica_count: p.rds.read_replicas,
            db_backup_retention_days: st.rds_backup_retention_days,
            db_proxy_enabled: p.rds.needs_proxy,
            cache_engine: engine_name(s.platform.cache_engine).into(),
            cache_node_type: cache_node,
            cache_replicas,
            cdn_price_class: price_class_name(s.platform.cdn_price_class).into(),
            cdn_live_ttl_seconds: s.delivery.cdn_live_ttl_s as u32,
            cdn_origin_shield_enabled: s.delivery.origin_shield,
            assets_ia_after_days: st.assets_ia_after_days,
            commentary_hot_retention_days: st.hot_retention_days,
            archive_ia_after_days: st.archive_ia_after_days,
            archive_glacier_ir_after_days: st.archive_glacier_ir_after_days,
            archive_deep_archive_after_days: st.archive_deep_archive_after_days,
            backup_schedule_expression: format!(
                "rate({} hour{})",
                st.backup_every_hours,
                if st.backup_every_hours == 1 { "" } else { "s" }
            ),
            backup_s3_retention_days: st.backup_retention_days,
            backup_glacier_after_days: st.backup_glacier_after_days,
            noncurrent_version_expiry_days: st.noncurrent_version_expiry_days,
            log_retention_days: st.log_retention_days,
            monthly_budget_usd: s.platform.monthly_budget_usd,
        }
    }
}

/// Why the plan's tfvars must not be written: `None` when the plan is
/// feasible, else one sentence naming each broken limit by id. The CLI
/// exits 1 with it, the browser shows it beside the disabled download.
pub fn refusal(p: &Plan) -> Option<String> {
    (!p.feasible).then(|| {
        let ids: Vec<&str> = p.limits.iter().filter(|l| !l.ok).map(|l| l.id.as_str()).collect();
        format!(
            "infeasible plan, no tfvars written: {} break ({})",
            ids.join(", "),
            if ids.len() == 1 {
                "see `kickoff plan`"
            } else {
                "see `kickoff plan` for each"
            }
        )
    })
}

/// A serialised field name (identifiers only: they are Terraform names).
fn key_name(key: &hcl::ObjectKey) -> String {
    match key {
        hcl::ObjectKey::Identifier(id) => id.to_string(),
        hcl::ObjectKey::Expression(hcl::Expression::String(s)) => s.clone(),
        _ => unreachable!("tfvars keys are identifiers or strings"),
    }
}

/// One `key = value` attribute as `terraform fmt` lays it out: a list of
/// objects over several lines (one line per object attribute, `=` aligned
/// within each object), anything else on one line.
fn attribute_lines(key: &str, value: &hcl::Expression) -> Vec<String> {
    let one_line =
        |e: &hcl::Expression| hcl::format::to_string(e).unwrap_or_else(|_| unreachable!("a tfvars value formats"));
    let objects: Option<Vec<&hcl::Object<hcl::ObjectKey, hcl::Expression>>> = match value {
        hcl::Expression::Array(items) if !items.is_empty() => items
            .iter()
            .map(|e| match e {
                hcl::Expression::Object(o) => Some(o),
                _ => None,
            })
            .collect(),
        _ => None,
    };
    let Some(objects) = objects else {
        return vec![format!("{key} = {}", one_line(value))];
    };
    let mut lines = vec![format!("{key} = [")];
    for object in objects {
        let fields: Vec<(String, String)> = object.iter().map(|(k, v)| (key_name(k), one_line(v))).collect();
        let width = fields.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
        lines.push("  {".into());
        lines.extend(fields.iter().map(|(k, v)| format!("    {k:width$} = {v}")));
        lines.push("  },".into());
    }
    lines.push("]".into());
    lines
}

/// The variables as `terraform fmt` writes them: in each run of one-line
/// attributes the `=` signs line up; a multi-line attribute ends the run.
fn body(vars: &Tfvars) -> String {
    let hcl::Expression::Object(vars) =
        hcl::to_expression(vars).unwrap_or_else(|_| unreachable!("tfvars serialise to HCL"))
    else {
        unreachable!("a struct serialises to an object")
    };
    let mut out = String::new();
    let mut run: Vec<(String, String)> = Vec::new();
    let flush = |run: &mut Vec<(String, String)>, out: &mut String| {
        let width = run.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
        for (k, v) in run.drain(..) {
            out.push_str(&format!("{k:width$} = {v}\n"));
        }
    };
    for (key, value) in &vars {
        let lines = attribute_lines(&key_name(key), value);
        if let [line] = lines.as_slice() {
            let (k, v) = line.split_once(" = ").expect("key = value");
            run.push((k.to_string(), v.to_string()));
        } else {
            flush(&mut run, &mut out);
            for line in lines {
                out.push_str(&line);
                out.push('\n');
            }
        }
    }
    flush(&mut run, &mut out);
    out
}

/// The whole tfvars file: header, embedded scenario, then the variables.
/// Why `terraform/` would reject this scenario's variables, one line per
/// reason naming the field; empty when it accepts them. `kickoff tfvars`
/// writes nothing while there is one. MySQL 8.0 is planned and priced (with
/// RDS Extended Support) but `db_engine_version` accepts only 8.4: the stack
/// never enrols in paid Extended Support (`terraform/variables.tf`).
pub fn blockers(s: &Scenario) -> Vec<String> {
    let mut out = Vec::new();
    if s.data.engine_version != MysqlVersion::V8_4 {
        out.push(format!(
            "data.engine_version = {}: terraform/ runs MySQL 8.4 only (db_engine_version; it never enrols in paid RDS Extended Support): plan 8.0 to price staying on it, deploy 8.4",
            s.data.engine_version.version()
        ));
    }
    out
}

pub fn render(s: &Scenario, p: &Plan) -> String {
    let vars = Tfvars::from_plan(s, p);
    let body = body(&vars);
    let scenario = serde_json::to_string_pretty(s).unwrap_or_else(|_| unreachable!("a scenario serialises"));
    let verdicts: Vec<String> = p
        .slo
        .iter()
        .map(|v| format!("{} {}", v.name, if v.pass { "pass" } else { "FAIL" }))
        .collect();
    let mut out = String::new();
    out.push_str("# Generated by `kickoff tfvars`. Do not edit: change the scenario below and regenerate.\n");
    out.push_str("# Planner-owned variables for terraform/ (docs/tfvars-contract.md).\n");
    out.push_str(&format!(
        "# Plan: ${:.2} a month for {} peak fans; SLOs: {}.\n",
        p.total_monthly_usd,
        s.peak_concurrent_fans,
        verdicts.join(", ")
    ));
    out.push_str(SCENARIO_BEGIN);
    out.push('\n');
    for line in scenario.lines() {
        out.push_str("# ");
        out.push_str(line);
        out.push('\n');
    }
    out.push_str(SCENARIO_END);
    out.push_str("\n\n");
    out.push_str(&body);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crons_wrap_across_midnight_and_the_week() {
        assert_eq!(weekly_cron("SAT", 15 * 60 - 20), "cron(40 14 ? * SAT *)");
        assert_eq!(weekly_cron("SAT", 23 * 60 + 130), "cron(10 1 ? * SUN *)");
        assert_eq!(weekly_cron("SUN", 23 * 60 + 130), "cron(10 1 ? * MON *)");
        assert_eq!(weekly_cron("MON", -30), "cron(30 23 ? * SUN *)");
    }

    #[test]
    fn equals_signs_align_per_run_as_terraform_fmt_does() {
        let mut s = Scenario::default();
        s.peak_concurrent_fans = 40_000;
        let p = crate::model::plan(&s, &crate::model::PriceBook::embedded()).unwrap();
        let vars = Tfvars::from_plan(&s, &p);
        assert!(!vars.prescale_windows.is_empty(), "40,000 fans pre-scale");
        let text = body(&vars);
        // The run before the windows aligns on its longest key
        // (api_scale_out_cooldown_seconds, 30 characters).
        assert!(
            text.starts_with("environment                    = \"prod\"\n"),
            "{text}"
        );
        assert!(text.contains("\napi_scale_in_cooldown_seconds  = 300\nprescale_windows = [\n  {\n    name            = \"sat-1500\"\n"), "{text}");
        assert!(text.contains("    min_tasks       = "), "{text}");
        // The run after the windows starts again with its own width.
        assert!(
            text.contains("\n]\ndelivery_mode                    = \"polling\"\n"),
            "{text}"
        );
        assert!(text.ends_with("monthly_budget_usd               = 0\n"), "{text}");
    }
}
