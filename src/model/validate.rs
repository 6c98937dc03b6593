//! Scenario validation: every rule, every field, all errors at once.

use super::catalog::is_valid_fargate_pair;
use super::inputs::{self, value_text, INPUTS};
use super::limits::LimitCatalog;
use super::scenario::Scenario;
use super::storage::Class;
use super::PriceBook;
use crate::fmt::number;
use serde::Serialize;
use std::fmt;

/// One broken rule: which field, what it held, what it must be.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// Dotted path as in the scenario JSON, e.g. `delivery.poll_interval_s`.
    pub field: String,
    /// The field's label on the form, e.g. `Poll interval` (from the inputs table).
    pub label: String,
    pub value: String,
    /// What the value must be, stating the allowed range.
    pub rule: String,
}

impl fmt::Display for FieldError {
    /// `Poll interval (delivery.poll_interval_s) = 0: must be a number from 1 to 60`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.label.is_empty() {
            write!(f, "{} ({}) = {}: {}", self.label, self.field, self.value, self.rule)
        } else {
            write!(f, "{} = {}: {}", self.field, self.value, self.rule)
        }
    }
}

/// Every rule a scenario breaks, in table order. `Display` writes one line
/// per error under a count; the CLI prints that, the planner a few of them
/// ([`ValidationErrors::brief`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ValidationErrors(pub Vec<FieldError>);

impl ValidationErrors {
    /// The first `n` errors on one line, `; `-separated, with how many more.
    pub fn brief(&self, n: usize) -> String {
        let mut text: Vec<String> = self.0.iter().take(n).map(ToString::to_string).collect();
        if self.0.len() > n {
            text.push(format!("and {} more", self.0.len() - n));
        }
        text.join("; ")
    }
}

impl std::ops::Deref for ValidationErrors {
    type Target = [FieldError];
    fn deref(&self) -> &[FieldError] {
        &self.0
    }
}

impl IntoIterator for ValidationErrors {
    type Item = FieldError;
    type IntoIter = std::vec::IntoIter<FieldError>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a ValidationErrors {
    type Item = &'a FieldError;
    type IntoIter = std::slice::Iter<'a, FieldError>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid scenario ({} error(s)):", self.0.len())?;
        for e in &self.0 {
            write!(f, "\n  {e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationErrors {}

const DAYS: [&str; 7] = ["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"];

#[derive(Default)]
struct Errors(Vec<FieldError>);

impl Errors {
    fn push(&mut self, field: &str, label: &str, value: String, rule: String) {
        self.0.push(FieldError {
            field: field.to_string(),
            label: label.to_string(),
            value,
            rule,
        });
    }

    /// Record a broken rule. The label is looked up only when the rule is
    /// broken: validation runs on every keystroke in the planner.
    fn rule(&mut self, field: &str, ok: bool, value: impl fmt::Display, rule: impl Into<String>) {
        if !ok {
            let label = inputs::label(field.split('[').next().unwrap_or(field));
            self.push(field, &label, value.to_string(), rule.into());
        }
    }
}

/// Check every rule; return all broken ones.
///
/// # Errors
/// Every broken rule ([`ValidationErrors`], never empty).
pub fn validate(s: &Scenario, book: &PriceBook) -> Result<(), ValidationErrors> {
    let mut e = Errors::default();
    // Single-field rules: one loop over the table of inputs.
    for input in INPUTS {
        let v = (input.get)(s);
        if let Some(rule) = input.check(&v) {
            e.push(input.path, input.label, value_text(&v), rule);
        }
    }

    // Rules across fields, and lists.
    // A rule across fields names the other field by its label and value, as
    // the person at the form sees it (never by its JSON path).
    e.rule(
        "audience.off_peak_fans",
        s.audience.off_peak_fans <= s.peak_concurrent_fans,
        s.audience.off_peak_fans,
        format!(
            "must not exceed {} ({})",
            inputs::label("peak_concurrent_fans"),
            number(f64::from(s.peak_concurrent_fans))
        ),
    );

    let m = &s.match_day;
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
    e.rule(
        "delivery.cdn_live_ttl_s",
        d.cdn_live_ttl_s.fract() == 0.0 || !d.cdn_live_ttl_s.is_finite(),
        d.cdn_live_ttl_s,
        "whole seconds (CloudFront TTLs are integers)",
    );
    e.rule(
        "delivery.archive_ttl_s",
        d.archive_ttl_s.fract() == 0.0 || !d.archive_ttl_s.is_finite(),
        d.archive_ttl_s,
        "whole seconds (CloudFront TTLs are integers)",
    );

    let w = &s.writes;
    if w.burst_events_per_minute_per_game.is_finite() && w.events_per_minute_per_game.is_finite() {
        e.rule(
            "writes.burst_events_per_minute_per_game",
            w.burst_events_per_minute_per_game >= w.events_per_minute_per_game,
            w.burst_events_per_minute_per_game,
            format!(
                "must be at least {} ({})",
                inputs::label("writes.events_per_minute_per_game"),
                number(w.events_per_minute_per_game)
            ),
        );
    }

    // S3 lifecycle constraints (limits catalogue, `s3.lifecycle_*`): the
    // archive's transitions in order, each at least the previous class's
    // minimum gap later (30 days after Standard-IA, 90 after Glacier IR).
    // The minimum days per class are the inputs table's ranges.
    let st = &s.storage;
    let limits = LimitCatalog::shared();
    let tiers = [
        (
            "storage.archive_ia_after_days",
            st.archive_ia_after_days,
            Class::StandardIa,
        ),
        (
            "storage.archive_glacier_ir_after_days",
            st.archive_glacier_ir_after_days,
            Class::GlacierIr,
        ),
        (
            "storage.archive_deep_archive_after_days",
            st.archive_deep_archive_after_days,
            Class::DeepArchive,
        ),
    ];
    for (i, (field, days, _)) in tiers.iter().enumerate() {
        if let Some((earlier, before, class)) = tiers[..i].iter().rev().find(|(_, d, _)| *d > 0) {
            if *days > 0 {
                let gap = limits
                    .for_class("s3.lifecycle_min_gap_after_transition_days", class.key())
                    .unwrap_or(1.0) as u32;
                e.rule(
                    field,
                    *days >= before + gap,
                    days,
                    format!(
                        "must be at least {gap} days after {} ({before}): S3 wants {gap} days in {} before the next transition",
                        inputs::label(earlier),
                        class.name()
                    ),
                );
            }
        }
    }
    e.rule(
        "storage.backup_glacier_after_days",
        st.backup_glacier_after_days < st.backup_retention_days,
        st.backup_glacier_after_days,
        format!(
            "must be below {} ({})",
            inputs::label("storage.backup_retention_days"),
            st.backup_retention_days
        ),
    );

    let o = &s.overrides;
    if let Some(mem) = o.task_memory_gb {
        e.rule(
            "overrides.task_memory_gb",
            is_valid_fargate_pair(s.app.task_vcpu, mem),
            mem,
            format!("not a Fargate memory size for {} vCPU", s.app.task_vcpu),
        );
    }
    if let (Some(min), Some(max)) = (o.min_tasks, o.max_tasks) {
        e.rule(
            "overrides.max_tasks",
            max >= min,
            max,
            format!("must be at least {} ({min})", inputs::label("overrides.min_tasks")),
        );
    }

    for (id, v) in &s.price_overrides {
        let field = format!("price_overrides.{id}");
        e.rule(&field, book.contains(id), id, "not a price id in the price book");
        e.rule(
            &field,
            v.is_finite() && (0.0..=1e6).contains(v),
            v,
            "must be a price from 0 to 1,000,000 USD",
        );
    }

    // A drill starts inside the simulated match day.
    let (start, end) = super::profile::window_s(&s.match_day);
    e.rule(
        "drills.at_s",
        (start..end).contains(&s.drills.at_s),
        s.drills.at_s,
        format!("must fall inside the simulated match day, {start:.0} to {end:.0} s from kickoff"),
    );

    let limits = LimitCatalog::shared();
    for (id, v) in &s.limit_overrides {
        let field = format!("limit_overrides.{id}");
        let entry = limits.entry(id);
        e.rule(&field, entry.is_some(), id, "not a limit id in the limits catalogue");
        if let Some(l) = entry {
            e.rule(
                &field,
                l.adjustable && l.value.is_some(),
                id,
                "not an adjustable quota with one value: AWS does not raise it",
            );
        }
        e.rule(
            &field,
            v.is_finite() && *v > 0.0 && *v <= 1e12,
            v,
            "must be a positive number up to 10^12",
        );
    }

    for (path, p) in &s.provenance {
        let field = format!("provenance.{path}");
        let numeric = inputs::by_path(path).is_some_and(|i| matches!((i.get)(s), inputs::Value::Num(_)));
        e.rule(&field, numeric, path, "not a numeric input of the scenario");
        e.rule(
            &format!("{field}.value"),
            p.value.is_finite(),
            p.value,
            "must be a finite number",
        );
        for (name, text) in [
            ("date_utc", &p.date_utc),
            ("machine", &p.machine),
            ("commit", &p.commit),
            ("summary", &p.summary),
            ("note", &p.note),
        ] {
            e.rule(
                &format!("{field}.{name}"),
                text.chars().count() <= MAX_PROVENANCE_CHARS,
                text.chars().count(),
                "at most 500 characters",
            );
        }
    }

    if e.0.is_empty() {
        Ok(())
    } else {
        Err(ValidationErrors(e.0))
    }
}

/// Longest text in a provenance entry.
const MAX_PROVENANCE_CHARS: usize = 500;

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
            "Poll interval (delivery.poll_interval_s) = 0: must be a number from 1 to 60"
        );
        let fans = errs.iter().find(|e| e.field == "peak_concurrent_fans").unwrap();
        assert_eq!(fans.label, "Peak concurrent fans");
        assert!(fans.rule.ends_with("to 100,000,000"), "{}", fans.rule);
        let price = errs.iter().find(|e| e.field == "price_overrides.nope").unwrap();
        assert_eq!(price.label, "Price nope");
        assert!(errs.iter().any(|e| e.value == "NaN"));
    }

    #[test]
    fn quota_overrides_must_be_known_adjustable_and_positive() {
        let mut s = Scenario::default();
        s.limit_overrides.insert("alb.targets_per_target_group".into(), 2_000.0);
        assert_eq!(validate(&s, &PriceBook::embedded()), Ok(()));
        s.limit_overrides.insert("nope".into(), 1.0);
        s.limit_overrides
            .insert("db.mysql.read_replicas_per_source".into(), 20.0);
        s.limit_overrides
            .insert("cdn.requests_per_s_per_distribution".into(), -1.0);
        let errs = validate(&s, &PriceBook::embedded()).unwrap_err();
        let rule = |f: &str| errs.iter().find(|e| e.field == f).map(|e| e.rule.clone());
        assert!(rule("limit_overrides.nope").unwrap().starts_with("not a limit id"));
        assert!(rule("limit_overrides.db.mysql.read_replicas_per_source")
            .unwrap()
            .contains("AWS does not raise it"));
        assert!(rule("limit_overrides.cdn.requests_per_s_per_distribution")
            .unwrap()
            .starts_with("must be a positive"));
        assert_eq!(
            errs.iter().find(|e| e.field == "limit_overrides.nope").unwrap().label,
            "Quota nope"
        );
    }

    #[test]
    fn lifecycle_gaps_match_terraform() {
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
    fn rules_across_fields_name_the_other_field_by_its_label() {
        let mut s = Scenario::default();
        s.peak_concurrent_fans = 100;
        s.audience.off_peak_fans = 200;
        s.writes.burst_events_per_minute_per_game = 0.0;
        s.overrides.min_tasks = Some(3);
        s.overrides.max_tasks = Some(2);
        let errs = validate(&s, &PriceBook::embedded()).unwrap_err();
        let rule = |f: &str| {
            errs.iter()
                .find(|e| e.field == f)
                .map(|e| e.rule.clone())
                .unwrap_or_else(|| panic!("{f}: {errs}"))
        };
        assert_eq!(
            rule("audience.off_peak_fans"),
            "must not exceed Peak concurrent fans (100)"
        );
        assert!(rule("writes.burst_events_per_minute_per_game").starts_with("must be at least Commentary events ("));
        assert_eq!(rule("overrides.max_tasks"), "must be at least Min tasks (3)");
        for e in errs.iter() {
            assert!(
                !e.rule.contains('_'),
                "{e}: a rule names a field by its label, not its path"
            );
        }
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
    fn lifecycle_gaps_follow_s3() {
        let book = PriceBook::embedded();
        let fields = |s: &Scenario| -> Vec<String> {
            validate(s, &book)
                .err()
                .map(|e| e.0.into_iter().map(|f| f.field).collect())
                .unwrap_or_default()
        };
        let mut s = Scenario::default();
        // Glacier IR 60 days after Standard-IA at 30: S3 wants 30 days → ok.
        s.storage.archive_glacier_ir_after_days = 60;
        assert!(fields(&s).is_empty());
        s.storage.archive_glacier_ir_after_days = 59;
        assert_eq!(fields(&s), ["storage.archive_glacier_ir_after_days"]);
        // Deep Archive 90 days after Glacier IR (the API error's "must be 90 days more").
        s.storage.archive_glacier_ir_after_days = 90;
        s.storage.archive_deep_archive_after_days = 179;
        assert_eq!(fields(&s), ["storage.archive_deep_archive_after_days"]);
        s.storage.archive_deep_archive_after_days = 180;
        assert!(fields(&s).is_empty());
        // Without Glacier IR, Deep Archive 30 days after Standard-IA.
        s.storage.archive_glacier_ir_after_days = 0;
        s.storage.archive_deep_archive_after_days = 60;
        assert!(fields(&s).is_empty());
        // Glacier IR and Deep Archive have no minimum age of their own…
        s.storage.archive_ia_after_days = 0;
        s.storage.archive_glacier_ir_after_days = 1;
        s.storage.archive_deep_archive_after_days = 91;
        s.storage.backup_glacier_after_days = 1;
        assert!(fields(&s).is_empty());
        // …Standard-IA has 30 days (the inputs table's range).
        s.storage.archive_glacier_ir_after_days = 0;
        s.storage.archive_deep_archive_after_days = 0;
        s.storage.archive_ia_after_days = 29;
        s.storage.assets_ia_after_days = 29;
        assert_eq!(
            fields(&s),
            ["storage.archive_ia_after_days", "storage.assets_ia_after_days"]
        );
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
