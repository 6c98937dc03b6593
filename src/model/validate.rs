//! Scenario validation: every rule, every field, all errors at once.

use super::catalog::{cache_node, db_class, is_valid_fargate_pair, FARGATE_VCPU};
use super::fargate::MAX_TASKS_PER_SERVICE;
use super::rds::MAX_READ_REPLICAS;
use super::scenario::{Scenario, MAX_FANS};
use super::PriceBook;
use serde::Serialize;
use std::fmt;

/// One broken rule: which field, what it held, what it must be.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// Dotted path as in the scenario JSON, e.g. `delivery.poll_interval_s`.
    pub field: String,
    pub value: String,
    pub rule: String,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} = {}: {}", self.field, self.value, self.rule)
    }
}

/// CloudWatch Logs accepts only these retention periods (days).
pub const LOG_RETENTION_DAYS: [u32; 22] = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

const DAYS: [&str; 7] = ["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"];

#[derive(Default)]
struct Errors(Vec<FieldError>);

impl Errors {
    /// Record a broken rule. Helpers below format their message only when
    /// the rule is broken: validation runs on every keystroke in the planner.
    fn rule(&mut self, field: &str, ok: bool, value: impl fmt::Display, rule: impl Into<String>) {
        if !ok {
            self.0.push(FieldError {
                field: field.to_string(),
                value: value.to_string(),
                rule: rule.into(),
            });
        }
    }

    /// A finite number in `[lo, hi]`.
    fn range(&mut self, field: &str, v: f64, lo: f64, hi: f64) {
        if !(v.is_finite() && v >= lo && v <= hi) {
            self.rule(field, false, v, format!("must be a number from {lo} to {hi}"));
        }
    }

    /// A finite number above `lo` and at most `hi`.
    fn above(&mut self, field: &str, v: f64, lo: f64, hi: f64) {
        if !(v.is_finite() && v > lo && v <= hi) {
            self.rule(field, false, v, format!("must be above {lo} and at most {hi}"));
        }
    }

    fn count(&mut self, field: &str, v: u32, lo: u32, hi: u32) {
        if !(lo..=hi).contains(&v) {
            self.rule(field, false, v, format!("must be a whole number from {lo} to {hi}"));
        }
    }

    /// Lifecycle days: 0 (never) or at least `min`.
    fn lifecycle(&mut self, field: &str, v: u32, min: u32) {
        if !(v == 0 || (min..=3650).contains(&v)) {
            self.rule(field, false, v, format!("must be 0 (never) or from {min} to 3650 days"));
        }
    }
}

/// Check every rule; return all broken ones.
///
/// # Errors
/// The list of [`FieldError`]s, empty never.
pub fn validate(s: &Scenario, book: &PriceBook) -> Result<(), Vec<FieldError>> {
    let mut e = Errors::default();
    e.count("peak_concurrent_fans", s.peak_concurrent_fans, 1, MAX_FANS);

    let a = &s.audience;
    e.range("audience.design_headroom_pct", a.design_headroom_pct, 0.0, 500.0);
    e.count("audience.simultaneous_games", a.simultaneous_games, 1, 100);
    e.count("audience.match_days_per_month", a.match_days_per_month, 0, 31);
    e.rule(
        "audience.off_peak_fans",
        a.off_peak_fans <= s.peak_concurrent_fans,
        a.off_peak_fans,
        "must not exceed peak_concurrent_fans",
    );

    let m = &s.match_day;
    e.range("match_day.pre_game_ramp_minutes", m.pre_game_ramp_minutes, 0.0, 240.0);
    e.range("match_day.pre_kickoff_share", m.pre_kickoff_share, 0.0, 1.0);
    e.range("match_day.kickoff_spike_seconds", m.kickoff_spike_seconds, 1.0, 3600.0);
    e.range("match_day.in_play_share", m.in_play_share, 0.0, 1.0);
    e.range("match_day.half_time_share", m.half_time_share, 0.0, 1.0);
    e.count("match_day.goal_bursts", m.goal_bursts, 0, 20);
    e.range("match_day.goal_burst_seconds", m.goal_burst_seconds, 0.0, 900.0);
    e.range(
        "match_day.post_game_decay_minutes",
        m.post_game_decay_minutes,
        0.0,
        240.0,
    );
    e.rule(
        "match_day.kickoff_slots",
        m.kickoff_slots.len() <= 14,
        m.kickoff_slots.len(),
        "at most 14 slots",
    );
    for (i, slot) in m.kickoff_slots.iter().enumerate() {
        let f = |name: &str| format!("match_day.kickoff_slots[{i}].{name}");
        let name_ok = !slot.name.is_empty()
            && slot.name.len() <= 32
            && slot.name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        e.rule(&f("name"), name_ok, &slot.name, "1–32 letters, digits or dashes");
        let dup = m.kickoff_slots[..i].iter().any(|o| o.name == slot.name);
        e.rule(&f("name"), !dup, &slot.name, "names must be unique");
        e.rule(
            &f("day"),
            DAYS.contains(&slot.day.as_str()),
            &slot.day,
            "one of MON TUE WED THU FRI SAT SUN",
        );
        e.rule(
            &f("kickoff_utc"),
            parse_hhmm(&slot.kickoff_utc).is_some(),
            &slot.kickoff_utc,
            "a time HH:MM from 00:00 to 23:59",
        );
    }

    let d = &s.delivery;
    e.range("delivery.poll_interval_s", d.poll_interval_s, 1.0, 60.0);
    e.range("delivery.sse_heartbeat_s", d.sse_heartbeat_s, 1.0, 300.0);
    e.range("delivery.payload_kb", d.payload_kb, 0.01, 10_000.0);
    e.range("delivery.cacheable_share", d.cacheable_share, 0.0, 1.0);
    e.range("delivery.cdn_live_ttl_s", d.cdn_live_ttl_s, 0.0, 60.0);
    e.rule(
        "delivery.cdn_live_ttl_s",
        d.cdn_live_ttl_s.fract() == 0.0 || !d.cdn_live_ttl_s.is_finite(),
        d.cdn_live_ttl_s,
        "whole seconds (CloudFront TTLs are integers)",
    );
    e.count("delivery.feed_keys_per_game", d.feed_keys_per_game, 1, 100);
    e.range("delivery.page_views_per_fan", d.page_views_per_fan, 0.0, 100.0);
    e.range("delivery.assets_per_page_view", d.assets_per_page_view, 0.0, 500.0);
    e.range("delivery.asset_kb", d.asset_kb, 0.01, 100_000.0);
    e.range("delivery.publish_latency_s", d.publish_latency_s, 0.0, 60.0);

    let w = &s.writes;
    e.range(
        "writes.events_per_minute_per_game",
        w.events_per_minute_per_game,
        0.0,
        10_000.0,
    );
    e.range(
        "writes.burst_events_per_minute_per_game",
        w.burst_events_per_minute_per_game,
        0.0,
        10_000.0,
    );
    if w.burst_events_per_minute_per_game.is_finite() && w.events_per_minute_per_game.is_finite() {
        e.rule(
            "writes.burst_events_per_minute_per_game",
            w.burst_events_per_minute_per_game >= w.events_per_minute_per_game,
            w.burst_events_per_minute_per_game,
            "must be at least events_per_minute_per_game",
        );
    }

    let app = &s.app;
    e.range("app.rps_per_vcpu", app.rps_per_vcpu, 1.0, 1_000_000.0);
    e.range("app.target_utilization", app.target_utilization, 0.05, 0.95);
    e.rule(
        "app.task_vcpu",
        FARGATE_VCPU.contains(&app.task_vcpu),
        app.task_vcpu,
        "one of the Fargate sizes 0.25, 0.5, 1, 2, 4, 8, 16",
    );
    e.range("app.spot_share", app.spot_share, 0.0, 1.0);
    e.count("app.on_demand_base_tasks", app.on_demand_base_tasks, 0, 1000);
    e.range("app.process_base_memory_mb", app.process_base_memory_mb, 1.0, 100_000.0);
    e.range("app.connection_memory_kb", app.connection_memory_kb, 0.1, 10_000.0);
    e.count("app.db_pool_per_task", app.db_pool_per_task, 1, 1000);
    e.range("app.request_timeout_s", app.request_timeout_s, 0.01, 120.0);

    let data = &s.data;
    e.range("data.redis_hit_ratio", data.redis_hit_ratio, 0.0, 1.0);
    e.range(
        "data.db_queries_per_uncached_request",
        data.db_queries_per_uncached_request,
        0.0,
        1000.0,
    );
    e.range("data.db_writes_per_event", data.db_writes_per_event, 0.0, 1000.0);
    e.above("data.working_set_gb", data.working_set_gb, 0.0, 10_000.0);
    e.above("data.cache_working_set_gb", data.cache_working_set_gb, 0.0, 10_000.0);
    e.range("data.db_data_gb", data.db_data_gb, 0.0, 60_000.0);
    e.range("data.db_growth_gb_per_month", data.db_growth_gb_per_month, 0.0, 5_000.0);

    let st = &s.storage;
    e.range("storage.assets_gb", st.assets_gb, 0.0, 1e7);
    e.range(
        "storage.assets_growth_gb_per_month",
        st.assets_growth_gb_per_month,
        0.0,
        1e6,
    );
    e.range("storage.asset_object_kb", st.asset_object_kb, 0.1, 5e9);
    e.range("storage.archive_mb_per_game", st.archive_mb_per_game, 0.0, 1e6);
    e.range("storage.archive_object_kb", st.archive_object_kb, 0.1, 5e9);
    e.count("storage.hot_retention_days", st.hot_retention_days, 1, 3650);
    e.count("storage.backup_every_hours", st.backup_every_hours, 1, 168);
    e.count("storage.backup_retention_days", st.backup_retention_days, 1, 3650);
    e.count("storage.rds_backup_retention_days", st.rds_backup_retention_days, 1, 35);
    e.above(
        "storage.backup_compression_ratio",
        st.backup_compression_ratio,
        0.0,
        1.0,
    );
    e.lifecycle("storage.backup_glacier_after_days", st.backup_glacier_after_days, 30);
    e.lifecycle("storage.archive_ia_after_days", st.archive_ia_after_days, 30);
    e.lifecycle(
        "storage.archive_glacier_ir_after_days",
        st.archive_glacier_ir_after_days,
        30,
    );
    e.lifecycle(
        "storage.archive_deep_archive_after_days",
        st.archive_deep_archive_after_days,
        90,
    );
    e.lifecycle("storage.assets_ia_after_days", st.assets_ia_after_days, 30);
    // S3 lifecycle (the rules terraform/variables.tf enforces, with their
    // sources): objects stay 30 days in STANDARD_IA before a Glacier class,
    // and DEEP_ARCHIVE comes at least 90 days after GLACIER_IR. Each tier is
    // checked against the nearest earlier one in use, with that one's
    // minimum stay: (field, days, days it must stay before the next tier).
    let tiers = [
        ("storage.archive_ia_after_days", st.archive_ia_after_days, 30),
        (
            "storage.archive_glacier_ir_after_days",
            st.archive_glacier_ir_after_days,
            90,
        ),
        (
            "storage.archive_deep_archive_after_days",
            st.archive_deep_archive_after_days,
            0,
        ),
    ];
    for (i, (field, days, _)) in tiers.iter().enumerate() {
        if let Some((earlier, before, stay)) = tiers[..i].iter().rev().find(|(_, d, _)| *d > 0) {
            if *days > 0 {
                e.rule(
                    field,
                    *days >= before + stay,
                    days,
                    format!("must be at least {stay} days after {earlier} ({before}): S3 lifecycle rule"),
                );
            }
        }
    }
    e.rule(
        "storage.backup_glacier_after_days",
        st.backup_glacier_after_days < st.backup_retention_days,
        st.backup_glacier_after_days,
        "must be below storage.backup_retention_days",
    );
    e.count(
        "storage.noncurrent_version_expiry_days",
        st.noncurrent_version_expiry_days,
        1,
        365,
    );
    e.rule(
        "storage.log_retention_days",
        LOG_RETENTION_DAYS.contains(&st.log_retention_days),
        st.log_retention_days,
        "a CloudWatch retention: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653",
    );

    let p = &s.platform;
    e.count("platform.az_count", p.az_count, 2, 3);
    e.range("platform.monthly_budget_usd", p.monthly_budget_usd, 0.0, 1e9);

    let sc = &s.scaling;
    e.range("scaling.prescale_lead_minutes", sc.prescale_lead_minutes, 0.0, 240.0);
    e.range("scaling.metric_period_s", sc.metric_period_s, 10.0, 300.0);
    e.count("scaling.scale_out_datapoints", sc.scale_out_datapoints, 1, 60);
    e.count("scaling.scale_in_datapoints", sc.scale_in_datapoints, 1, 60);
    e.range("scaling.scale_out_cooldown_s", sc.scale_out_cooldown_s, 0.0, 3600.0);
    e.range("scaling.scale_in_cooldown_s", sc.scale_in_cooldown_s, 0.0, 3600.0);
    e.range("scaling.task_start_s", sc.task_start_s, 1.0, 900.0);
    e.range(
        "scaling.health_check_interval_s",
        sc.health_check_interval_s,
        5.0,
        300.0,
    );
    e.count("scaling.healthy_threshold", sc.healthy_threshold, 2, 10);
    e.range("scaling.sim_step_s", sc.sim_step_s, 1.0, 10.0);
    e.range("scaling.max_tasks_over_peak", sc.max_tasks_over_peak, 1.0, 10.0);
    e.range("scaling.metric_delay_s", sc.metric_delay_s, 0.0, 600.0);

    e.above("slo.freshness_p95_s", s.slo.freshness_p95_s, 0.0, 600.0);
    e.above("slo.max_error_share", s.slo.max_error_share, 0.0, 1.0);

    let c = &s.coefficients;
    e.range("coefficients.hours_per_month", c.hours_per_month, 672.0, 744.0);
    e.range(
        "coefficients.cdn_origin_fetchers_without_shield",
        c.cdn_origin_fetchers_without_shield,
        1.0,
        1000.0,
    );
    e.range("coefficients.db_queries_per_vcpu", c.db_queries_per_vcpu, 1.0, 1e7);
    e.range(
        "coefficients.db_bytes_per_connection",
        c.db_bytes_per_connection,
        1e5,
        1e12,
    );
    e.above(
        "coefficients.db_connection_headroom",
        c.db_connection_headroom,
        0.0,
        1.0,
    );
    e.above("coefficients.db_buffer_pool_share", c.db_buffer_pool_share, 0.0, 1.0);
    e.range("coefficients.cache_ops_per_vcpu", c.cache_ops_per_vcpu, 1.0, 1e8);
    e.above(
        "coefficients.cache_usable_memory_share",
        c.cache_usable_memory_share,
        0.0,
        1.0,
    );
    e.range("coefficients.cache_overhead_factor", c.cache_overhead_factor, 1.0, 10.0);
    e.range("coefficients.log_bytes_per_request", c.log_bytes_per_request, 0.0, 1e6);
    e.range(
        "coefficients.egress_gb_per_task_hour",
        c.egress_gb_per_task_hour,
        0.0,
        1e4,
    );
    e.count("coefficients.interface_endpoints", c.interface_endpoints, 0, 50);
    e.count("coefficients.alb_rules", c.alb_rules, 0, 100);
    e.count("coefficients.alarms", c.alarms, 0, 10_000);
    e.count("coefficients.dashboards", c.dashboards, 0, 1000);
    e.range("coefficients.cross_az_share", c.cross_az_share, 0.0, 1.0);
    e.range("coefficients.dns_queries_per_fan", c.dns_queries_per_fan, 0.0, 1e4);
    e.range(
        "coefficients.alb_requests_per_connection",
        c.alb_requests_per_connection,
        1.0,
        1e6,
    );
    e.range("coefficients.sse_message_cost", c.sse_message_cost, 0.0, 10.0);
    e.range("coefficients.asset_cdn_hit_ratio", c.asset_cdn_hit_ratio, 0.0, 1.0);
    e.range("coefficients.db_daily_change_share", c.db_daily_change_share, 0.0, 1.0);
    e.range("coefficients.db_iops_per_write", c.db_iops_per_write, 0.0, 100.0);
    e.range("coefficients.db_iops_per_read", c.db_iops_per_read, 0.0, 10.0);
    e.range("coefficients.cache_ops_per_event", c.cache_ops_per_event, 0.0, 100.0);
    e.range("coefficients.db_bytes_per_query", c.db_bytes_per_query, 0.0, 1e7);

    let o = &s.overrides;
    if let Some(mem) = o.task_memory_gb {
        e.rule(
            "overrides.task_memory_gb",
            is_valid_fargate_pair(s.app.task_vcpu, mem),
            mem,
            format!("not a Fargate memory size for {} vCPU", s.app.task_vcpu),
        );
    }
    if let Some(min) = o.min_tasks {
        e.count("overrides.min_tasks", min, 1, MAX_TASKS_PER_SERVICE);
    }
    if let Some(max) = o.max_tasks {
        e.count("overrides.max_tasks", max, 1, MAX_TASKS_PER_SERVICE);
        if let Some(min) = o.min_tasks {
            e.rule(
                "overrides.max_tasks",
                max >= min,
                max,
                "must be at least overrides.min_tasks",
            );
        }
    }
    if let Some(class) = &o.db_instance_class {
        e.rule(
            "overrides.db_instance_class",
            db_class(class).is_some(),
            class,
            "a class from the catalog (db.t4g.*, db.m6g/m7g/r6g/r7g.*)",
        );
    }
    if let Some(n) = o.db_read_replicas {
        e.count("overrides.db_read_replicas", n, 0, MAX_READ_REPLICAS);
    }
    if let Some(node) = &o.cache_node_type {
        e.rule(
            "overrides.cache_node_type",
            cache_node(node).is_some(),
            node,
            "a node type from the catalog (cache.t4g.*, cache.m7g.large, cache.r7g.large)",
        );
    }
    if let Some(n) = o.cache_replicas {
        e.count("overrides.cache_replicas", n, 0, 5);
    }

    for (id, v) in &s.price_overrides {
        let field = format!("price_overrides.{id}");
        e.rule(&field, book.contains(id), id, "not a price id in the price book");
        e.rule(
            &field,
            v.is_finite() && (0.0..=1e6).contains(v),
            v,
            "must be a price from 0 to 1000000 USD",
        );
    }

    if e.0.is_empty() {
        Ok(())
    } else {
        Err(e.0)
    }
}

/// `HH:MM` → minutes after midnight.
pub fn parse_hhmm(text: &str) -> Option<u32> {
    let (h, m) = text.split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60).then_some(h * 60 + m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid() {
        assert_eq!(validate(&Scenario::default(), &PriceBook::embedded()), Ok(()));
        assert_eq!(
            validate(&Scenario::default().seed_setup(), &PriceBook::embedded()),
            Ok(())
        );
    }

    #[test]
    fn reports_every_error_with_field_value_and_rule() {
        let mut s = Scenario::default();
        s.peak_concurrent_fans = 0;
        s.delivery.poll_interval_s = 0.0;
        s.app.rps_per_vcpu = f64::NAN;
        s.app.task_vcpu = 0.75;
        s.overrides.task_memory_gb = Some(3.0);
        s.storage.log_retention_days = 31;
        s.price_overrides.insert("nope".into(), -1.0);
        let errs = validate(&s, &PriceBook::embedded()).unwrap_err();
        let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
        for f in [
            "peak_concurrent_fans",
            "delivery.poll_interval_s",
            "app.rps_per_vcpu",
            "app.task_vcpu",
            "overrides.task_memory_gb",
            "storage.log_retention_days",
            "price_overrides.nope",
        ] {
            assert!(fields.contains(&f), "{f} missing from {fields:?}");
        }
        let poll = errs.iter().find(|e| e.field == "delivery.poll_interval_s").unwrap();
        assert_eq!(
            poll.to_string(),
            "delivery.poll_interval_s = 0: must be a number from 1 to 60"
        );
        assert!(errs.iter().any(|e| e.value == "NaN"));
    }

    #[test]
    fn lifecycle_gaps_follow_s3() {
        // 30 days in STANDARD_IA before GLACIER_IR; 90 in GLACIER_IR before
        // DEEP_ARCHIVE (terraform/variables.tf rejects the same values).
        let mut s = Scenario::default();
        s.storage.archive_ia_after_days = 30;
        s.storage.archive_glacier_ir_after_days = 45;
        let errs = validate(&s, &PriceBook::embedded()).unwrap_err();
        assert_eq!(errs[0].field, "storage.archive_glacier_ir_after_days");
        s.storage.archive_glacier_ir_after_days = 60;
        s.storage.archive_deep_archive_after_days = 120;
        let errs = validate(&s, &PriceBook::embedded()).unwrap_err();
        assert_eq!(errs[0].field, "storage.archive_deep_archive_after_days");
        s.storage.archive_deep_archive_after_days = 150;
        assert!(validate(&s, &PriceBook::embedded()).is_ok());
    }

    #[test]
    fn lifecycle_tiers_must_be_ordered() {
        let mut s = Scenario::default();
        s.storage.archive_ia_after_days = 90;
        s.storage.archive_glacier_ir_after_days = 60;
        let errs = validate(&s, &PriceBook::embedded()).unwrap_err();
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].field, "storage.archive_glacier_ir_after_days");
    }

    #[test]
    fn kickoff_slots_are_checked() {
        let mut s = Scenario::default();
        s.match_day.kickoff_slots[0].day = "SATURDAY".into();
        s.match_day.kickoff_slots[1].kickoff_utc = "24:00".into();
        s.match_day.kickoff_slots[1].name = "sat-1500".into();
        let errs = validate(&s, &PriceBook::embedded()).unwrap_err();
        assert_eq!(errs.len(), 3, "{errs:?}");
    }

    #[test]
    fn hhmm() {
        assert_eq!(parse_hhmm("15:00"), Some(900));
        assert_eq!(parse_hhmm("00:00"), Some(0));
        assert_eq!(parse_hhmm("23:59"), Some(1439));
        assert_eq!(parse_hhmm("9:00"), None);
        assert_eq!(parse_hhmm("12:60"), None);
    }
}
