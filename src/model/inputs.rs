//! The table of scenario inputs: one row per field of [`Scenario`], with its
//! JSON path, label, unit, help, kind and allowed range, whether it is an
//! assumption, whether the browser form shows it, and whether a design search
//! may vary it. Everything else is derived from the rows:
//!
//! - validation of single-field ranges is a loop over [`INPUTS`]
//!   ([`Input::check`]); rules across fields stay hand-written in `validate.rs`;
//! - the browser form is a view over the rows marked `on_form`;
//! - form text is read and written by [`parse`], [`text`] and [`apply`],
//!   native code with native tests;
//! - the inputs table of `docs/capacity-model.md` is generated from it
//!   (`kickoff inputs`) and checked against it by a test.
//!
//! A row's path is written once, as Rust field access: the macro derives the
//! dotted path from it and the getter and setter, so a misspelt path does not
//! compile. Defaults are not repeated here: they are the `#[default]`s of
//! `scenario.rs`, read through the getter.
//!
//! Adding an input: the field (doc and `#[default]`) in `scenario.rs`, its row
//! here, and the code that uses it.

use super::catalog::{CACHE_NODES, DB_CLASSES, FARGATE_VCPU};
use super::fargate::MAX_TASKS_PER_SERVICE;
use super::rds::MAX_READ_REPLICAS;
use super::scenario::{
    Arch, CacheEngine, CdnPricing, DeliveryMode, Egress, Environment, MysqlVersion, PriceClass, ReplicaPolicy,
    Scenario, MAX_FANS,
};
use crate::fmt::number;
use std::borrow::Cow;
use strum::{EnumMessage, VariantArray};

/// One option of a choice: the JSON value and what the form shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Opt {
    pub value: &'static str,
    pub label: &'static str,
}

/// How an input is entered, stored and checked.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    /// A decimal in `[min, max]`; with `above`, `min` itself is excluded.
    Num {
        min: f64,
        max: f64,
        above: bool,
    },
    /// A decimal from a fixed list (the Fargate vCPU sizes).
    NumOneOf(&'static [f64]),
    /// A whole number in `[min, max]`.
    Int {
        min: u32,
        max: u32,
    },
    /// Lifecycle days: 0 (never) or from `min` to [`MAX_DAYS`].
    Days {
        min: u32,
    },
    /// A whole number from a fixed list (CloudWatch log retentions).
    IntOneOf(&'static [u32]),
    Bool,
    /// One of an enum's variants (the options come from the enum).
    Choice(fn() -> Vec<Opt>),
    /// Optional whole number: empty = the planner decides.
    OptInt {
        min: u32,
        max: u32,
    },
    /// Optional decimal: empty = the planner decides (checked by a rule
    /// across fields in `validate.rs`).
    OptNum,
    /// Optional choice: empty = the planner decides.
    OptChoice(fn() -> Vec<Opt>),
    /// A list or map, checked by hand in `validate.rs`; not a form input.
    List,
}

/// Longest lifecycle period accepted, days (ten years).
pub const MAX_DAYS: u32 = 3650;

/// Whether a design search (the optimizer) may vary an input, and how.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Search {
    /// A requirement or a coefficient: never varied.
    No,
    /// Every option (choices, booleans, fixed lists; for task memory the
    /// Fargate sizes valid for the task's vCPU; for optional inputs also
    /// "planner decides").
    Options,
    /// A number varied in steps of this size within its range (the
    /// optimizer walks up from the range's minimum while the static part of
    /// the freshness SLO still holds: `docs/optimizer.md`).
    Step(f64),
    /// A number tried at exactly these values (for an optional input, also
    /// "planner decides").
    Grid(&'static [f64]),
}

/// A field's value, as the table reads and writes it.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Num(f64),
    Int(u32),
    Bool(bool),
    Text(Cow<'static, str>),
    /// An optional field that is `None`.
    Unset,
    /// A list or map (not read or written through the table).
    List,
}

/// One scenario input.
#[derive(Clone, Copy)]
pub struct Input {
    /// Dotted path as in the scenario JSON (and in `FieldError::field`).
    pub path: &'static str,
    pub label: &'static str,
    pub unit: &'static str,
    pub help: &'static str,
    pub kind: Kind,
    /// A capacity coefficient nobody has measured for Kickoff yet.
    pub assumption: bool,
    /// Shown on the browser form (the rest are in scenario files only).
    pub on_form: bool,
    pub search: Search,
    pub get: fn(&Scenario) -> Value,
    /// `Err` when the value has the wrong type for the field.
    pub set: fn(&mut Scenario, Value) -> Result<(), ()>,
}

impl std::fmt::Debug for Input {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Input")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl Input {
    const fn form(self) -> Input {
        Input { on_form: true, ..self }
    }
    const fn assumption(self) -> Input {
        Input {
            assumption: true,
            ..self
        }
    }
    const fn search(self, search: Search) -> Input {
        Input { search, ..self }
    }

    /// The broken rule, if `v` is not allowed (`None` for kinds checked by hand).
    pub fn check(&self, v: &Value) -> Option<String> {
        let ok = match (self.kind, v) {
            (Kind::Num { min, max, above }, Value::Num(x)) => {
                x.is_finite() && (if above { *x > min } else { *x >= min }) && *x <= max
            }
            (Kind::NumOneOf(list), Value::Num(x)) => list.contains(x),
            (Kind::Int { min, max } | Kind::OptInt { min, max }, Value::Int(x)) => (min..=max).contains(x),
            (Kind::Days { min }, Value::Int(x)) => *x == 0 || (min..=MAX_DAYS).contains(x),
            (Kind::IntOneOf(list), Value::Int(x)) => list.contains(x),
            // An enum field holds a variant by construction; a catalog name may be anything.
            (Kind::OptChoice(options), Value::Text(t)) => options().iter().any(|o| o.value == t),
            _ => true,
        };
        (!ok).then(|| self.rule())
    }

    /// The rule an input's value must follow, in words.
    pub fn rule(&self) -> String {
        match self.kind {
            Kind::Num { min, max, above: false } => format!("must be a number from {} to {}", number(min), number(max)),
            Kind::Num { min, max, above: true } => {
                format!("must be above {} and at most {}", number(min), number(max))
            }
            Kind::NumOneOf(list) => format!("must be one of {}", join(list.iter().map(|x| number(*x)))),
            Kind::Int { min, max } | Kind::OptInt { min, max } => {
                format!(
                    "must be a whole number from {} to {}",
                    number(min.into()),
                    number(max.into())
                )
            }
            Kind::Days { min } => format!("must be 0 (never) or from {min} to {MAX_DAYS} days"),
            Kind::IntOneOf(list) => format!("must be one of {}", join(list.iter().map(u32::to_string))),
            Kind::Choice(options) | Kind::OptChoice(options) => {
                format!("must be one of {}", join(options().iter().map(|o| o.value.to_string())))
            }
            Kind::Bool => "true or false".into(),
            Kind::OptNum => "a number, or empty".into(),
            Kind::List => "see the field's documentation".into(),
        }
    }

    /// What is allowed, for the docs table (`1–60`, `0 (never) or 30–3650`).
    pub fn allowed(&self) -> String {
        match self.kind {
            Kind::Num { min, max, above: false } => format!("{}–{}", number(min), number(max)),
            Kind::Num { min, max, above: true } => format!("> {}, ≤ {}", number(min), number(max)),
            Kind::NumOneOf(list) => join(list.iter().map(|x| number(*x))),
            Kind::Int { min, max } => format!("{}–{}, whole", number(min.into()), number(max.into())),
            Kind::OptInt { min, max } => format!("empty or {}–{}, whole", number(min.into()), number(max.into())),
            Kind::Days { min } => format!("0 (never) or {min}–{MAX_DAYS}"),
            Kind::IntOneOf(list) => join(list.iter().map(u32::to_string)),
            Kind::Bool => "true, false".into(),
            Kind::Choice(options) => join(options().iter().map(|o| format!("`{}`", o.value))),
            Kind::OptChoice(options) => {
                format!("empty or {}", join(options().iter().map(|o| format!("`{}`", o.value))))
            }
            Kind::OptNum => "empty or a number (see the rule)".into(),
            Kind::List => "see Meaning".into(),
        }
    }

    fn optional(&self) -> bool {
        matches!(self.kind, Kind::OptInt { .. } | Kind::OptNum | Kind::OptChoice(_))
    }
}

fn join(items: impl Iterator<Item = String>) -> String {
    items.collect::<Vec<_>>().join(", ")
}

/// Conversion between a scenario field's type and [`Value`].
pub trait FieldValue: Sized {
    fn to_value(&self) -> Value;
    fn from_value(v: Value) -> Option<Self>;
}

impl FieldValue for f64 {
    fn to_value(&self) -> Value {
        Value::Num(*self)
    }
    fn from_value(v: Value) -> Option<Self> {
        match v {
            Value::Num(x) => Some(x),
            Value::Int(x) => Some(f64::from(x)),
            _ => None,
        }
    }
}

impl FieldValue for u32 {
    fn to_value(&self) -> Value {
        Value::Int(*self)
    }
    fn from_value(v: Value) -> Option<Self> {
        match v {
            Value::Int(x) => Some(x),
            _ => None,
        }
    }
}

impl FieldValue for bool {
    fn to_value(&self) -> Value {
        Value::Bool(*self)
    }
    fn from_value(v: Value) -> Option<Self> {
        match v {
            Value::Bool(x) => Some(x),
            _ => None,
        }
    }
}

impl FieldValue for String {
    fn to_value(&self) -> Value {
        Value::Text(Cow::Owned(self.clone()))
    }
    fn from_value(v: Value) -> Option<Self> {
        match v {
            Value::Text(t) => Some(t.into_owned()),
            _ => None,
        }
    }
}

impl<T: FieldValue> FieldValue for Option<T> {
    fn to_value(&self) -> Value {
        self.as_ref().map_or(Value::Unset, T::to_value)
    }
    fn from_value(v: Value) -> Option<Self> {
        match v {
            Value::Unset => Some(None),
            v => T::from_value(v).map(Some),
        }
    }
}

/// Enums are stored by their JSON name (strum's, checked equal to serde's by a test).
macro_rules! enum_values {
    ($($t:ty),*) => {$(
        impl FieldValue for $t {
            fn to_value(&self) -> Value {
                Value::Text(Cow::Borrowed(<&'static str>::from(*self)))
            }
            fn from_value(v: Value) -> Option<Self> {
                match v {
                    Value::Text(t) => t.parse().ok(),
                    _ => None,
                }
            }
        }
    )*};
}
enum_values!(
    DeliveryMode,
    Arch,
    ReplicaPolicy,
    Egress,
    CacheEngine,
    PriceClass,
    CdnPricing,
    Environment,
    MysqlVersion
);

/// The options of enum `E`: its JSON names, labelled by its strum messages.
pub fn options<E>() -> Vec<Opt>
where
    E: VariantArray + EnumMessage + Copy + Into<&'static str>,
{
    E::VARIANTS
        .iter()
        .map(|v| {
            let value: &'static str = (*v).into();
            Opt {
                value,
                label: v.get_message().unwrap_or(value),
            }
        })
        .collect()
}

fn db_classes() -> Vec<Opt> {
    DB_CLASSES
        .iter()
        .map(|c| Opt {
            value: c.name,
            label: c.name,
        })
        .collect()
}

fn cache_nodes() -> Vec<Opt> {
    CACHE_NODES
        .iter()
        .map(|c| Opt {
            value: c.name,
            label: c.name,
        })
        .collect()
}

fn cache_tier() -> Vec<Opt> {
    vec![
        Opt {
            value: "true",
            label: "with a cache",
        },
        Opt {
            value: "false",
            label: "no cache",
        },
    ]
}

/// `row!(a.b.c, "Label", "unit", kind, "help")`: an input whose path, getter
/// and setter all come from the field access `a.b.c`.
macro_rules! row {
    ($first:ident $(. $rest:ident)*, $label:expr, $unit:expr, $kind:expr, $help:expr) => {
        Input {
            path: concat!(stringify!($first) $(, ".", stringify!($rest))*),
            label: $label,
            unit: $unit,
            help: $help,
            kind: $kind,
            assumption: false,
            on_form: false,
            search: Search::No,
            get: |s| FieldValue::to_value(&s.$first $(.$rest)*),
            set: |s, v| {
                s.$first $(.$rest)* = FieldValue::from_value(v).ok_or(())?;
                Ok(())
            },
        }
    };
}

/// A list or map input, checked by hand.
macro_rules! list {
    ($first:ident $(. $rest:ident)*, $label:expr, $help:expr) => {
        Input {
            path: concat!(stringify!($first) $(, ".", stringify!($rest))*),
            label: $label,
            unit: "",
            help: $help,
            kind: Kind::List,
            assumption: false,
            on_form: false,
            search: Search::No,
            get: |_| Value::List,
            set: |_, _| Err(()),
        }
    };
}

const fn num(min: f64, max: f64) -> Kind {
    Kind::Num { min, max, above: false }
}
const fn above(min: f64, max: f64) -> Kind {
    Kind::Num { min, max, above: true }
}
const fn int(min: u32, max: u32) -> Kind {
    Kind::Int { min, max }
}
const fn days(min: u32) -> Kind {
    Kind::Days { min }
}
const fn opt_int(min: u32, max: u32) -> Kind {
    Kind::OptInt { min, max }
}
const SHARE: Kind = num(0.0, 1.0);
const BOOL: Kind = Kind::Bool;

/// Every scenario input, grouped as the scenario JSON is; within a group,
/// in the order the form shows them.
/// CloudWatch Logs accepts only these retention periods, in days
/// (PutRetentionPolicy, `retentionInDays`:
/// <https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html>);
/// `terraform/locals.tf`'s `cloudwatch_retention_days` is the same list plus 0 (never expire):
/// `tests/native/tf_limits.rs` checks it.
pub const LOG_RETENTION_DAYS: [u32; 22] = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

pub static INPUTS: &[Input] = &[
    // Audience
    row!(peak_concurrent_fans, "Peak concurrent fans", "fans", int(1, MAX_FANS),
        "Fans online at the busiest moment of a match day, all games together.").form(),
    row!(audience.design_headroom_pct, "Design headroom", "%", num(0.0, 500.0),
        "Extra capacity on top of the expected peak (derbies, surprises).").form(),
    row!(audience.simultaneous_games, "Simultaneous games", "games", int(1, 100),
        "Games live at the same time.").form(),
    row!(audience.match_days_per_month, "Match days", "per month", int(0, 31),
        "Match days in a month.").form(),
    row!(audience.off_peak_fans, "Off-peak fans", "fans", int(0, MAX_FANS),
        "Fans reading old commentary outside match windows.").form(),
    row!(audience.off_peak_page_views_per_hour, "Off-peak reading rate", "pages per reader per hour", num(0.0, 3600.0),
        "Archived commentary pages an off-peak reader opens an hour (they browse the archive, not the live feed)."),
    row!(audience.growth_pct_per_month, "Audience growth", "% per month", num(0.0, 50.0),
        "Expected growth of the peak audience, compounded monthly; the plan says when the design headroom runs out.").form(),
    // Match day
    row!(match_day.pre_game_ramp_minutes, "Pre-game ramp", "min", num(0.0, 240.0),
        "Minutes before kickoff when fans start arriving."),
    row!(match_day.pre_kickoff_share, "Share online before kickoff", "0–1", SHARE,
        "Share of peak online just before kickoff."),
    row!(match_day.kickoff_spike_seconds, "Kickoff spike", "s", num(1.0, 3600.0),
        "Seconds in which the kickoff crowd arrives."),
    row!(match_day.in_play_share, "Share online in play", "0–1", SHARE,
        "Share of peak online during play."),
    row!(match_day.half_time_share, "Share online at half time", "0–1", SHARE,
        "Share of peak online during the half-time break."),
    row!(match_day.goal_bursts, "Goal bursts", "per match", int(0, 20),
        "Bursts per match that lift the audience to the full peak."),
    row!(match_day.goal_burst_seconds, "Goal burst length", "s", num(0.0, 900.0),
        "Seconds a goal burst lasts."),
    row!(match_day.post_game_decay_minutes, "Post-game decay", "min", num(0.0, 240.0),
        "Minutes for the audience to decay to off-peak after full time."),
    list!(match_day.kickoff_slots, "Kickoff slots",
        "Weekly kickoff times (UTC) for scheduled pre-scaling: at most 14, each a unique name of 1–32 letters, digits or dashes, a day MON–SUN and a time HH:MM."),
    // Delivery
    row!(delivery.mode, "Delivery mode", "", Kind::Choice(options::<DeliveryMode>),
        "Polling is cacheable at the CDN; SSE streams are not.").form(),
    row!(delivery.poll_interval_s, "Poll interval", "s", num(1.0, 60.0),
        "Seconds between two polls of the feed by one fan.").form().search(Search::Step(0.5)),
    row!(delivery.sse_heartbeat_s, "SSE heartbeat", "s", num(1.0, 300.0),
        "Seconds between heartbeats on an SSE stream."),
    row!(delivery.payload_kb, "Feed payload", "KB", num(0.01, 10_000.0),
        "Size of one compressed feed response.").form(),
    row!(delivery.cdn_live_ttl_s, "CDN TTL (live feed)", "s", num(0.0, 60.0),
        "Micro-cache time of the live feed at CloudFront.").form().search(Search::Step(1.0)),
    row!(delivery.cacheable_share, "Cacheable share", "0–1", SHARE,
        "Share of feed requests the CDN may cache.").form(),
    row!(delivery.origin_shield, "Origin Shield", "", BOOL,
        "One regional cache fetches from the origin.").form().search(Search::Options),
    row!(delivery.feed_keys_per_game, "Feed URLs per game", "keys", int(1, 100),
        "Distinct cache keys per live game.").form(),
    row!(delivery.page_views_per_fan, "Page views", "per fan per match", num(0.0, 100.0),
        "Full page loads per fan.").form(),
    row!(delivery.assets_per_page_view, "Assets per page view", "requests", num(0.0, 500.0),
        "JS, CSS, crests and images per page view.").form(),
    row!(delivery.asset_kb, "Asset size", "KB", num(0.01, 100_000.0),
        "Average static asset response.").form(),
    row!(delivery.publish_latency_s, "Publish latency", "s", num(0.0, 60.0),
        "Seconds from a commentator's post to the API serving it."),
    row!(delivery.archive_ttl_s, "CDN TTL (archive)", "s", num(0.0, 31_536_000.0),
        "How long CloudFront keeps an archived commentary page."),
    row!(delivery.stale_if_error_s, "stale-if-error (live feed)", "s (0 = not sent)", num(0.0, 86_400.0),
        "Cache-Control stale-if-error the API sends: CloudFront serves the last good feed this long while the origin answers 5xx."),
    // Writes
    row!(writes.events_per_minute_per_game, "Commentary events", "per min per game", num(0.0, 10_000.0),
        "Events in normal play.").form(),
    row!(writes.burst_events_per_minute_per_game, "Burst events", "per min per game", num(0.0, 10_000.0),
        "Events during a goal burst.").form(),
    // App tier
    row!(app.rps_per_vcpu, "Throughput per vCPU", "req/s", num(1.0, 1_000_000.0),
        "Assumption until load-tested: cached JSON requests one vCPU serves, before the payload's CPU per KB.").form().assumption(),
    row!(app.target_utilization, "Target utilisation", "0–1", num(0.05, 0.95),
        "CPU utilisation the plan sizes to.").form(),
    row!(app.task_vcpu, "Task size", "vCPU", Kind::NumOneOf(&FARGATE_VCPU),
        "vCPU per Fargate task (0.25, 0.5, 1, 2, 4…).").form().search(Search::Options),
    row!(app.arch, "CPU architecture", "", Kind::Choice(options::<Arch>),
        "Graviton (arm64) is ~20 % cheaper per vCPU-hour.").form().search(Search::Options),
    row!(app.spot_share, "Spot share", "0–1", SHARE,
        "Share of tasks above the base that run on Fargate Spot.").form().search(Search::Grid(&[0.0, 0.5, 1.0])),
    row!(app.on_demand_base_tasks, "On-demand base", "tasks", int(0, 1000),
        "Tasks always on on-demand capacity.").form().search(Search::Grid(&[0.0, 1.0, 2.0])),
    row!(app.process_base_memory_mb, "Process memory", "MB", num(1.0, 100_000.0),
        "Resident memory of the Node process without connections."),
    row!(app.connection_memory_kb, "Memory per connection", "KB", num(0.1, 10_000.0),
        "Assumption: memory one open connection holds.").form().assumption(),
    row!(app.db_pool_per_task, "DB pool size", "connections per task", int(1, 1000),
        "MySQL connection pool of one task.").form(),
    row!(app.cpu_us_per_kb, "CPU per payload KB", "µs per KB", num(0.0, 100_000.0),
        "Assumption: CPU a response spends per KB of payload, on top of 1 ÷ throughput per vCPU.").assumption(),
    row!(app.request_timeout_s, "Request timeout", "s", num(0.01, 120.0),
        "A request waiting longer fails.").form(),
    // Data tier
    row!(data.redis_hit_ratio, "Cache hit ratio", "0–1", SHARE,
        "Share of origin reads answered by Redis/Valkey.").form(),
    row!(data.db_queries_per_uncached_request, "Queries per cache miss", "queries", num(0.0, 1000.0),
        "MySQL queries per request that misses the cache.").form(),
    row!(data.db_writes_per_event, "Writes per event", "writes", num(0.0, 1000.0),
        "MySQL writes per commentary event.").form(),
    row!(data.working_set_gb, "DB working set", "GB", above(0.0, 10_000.0),
        "Hot data that must fit in the buffer pool.").form(),
    row!(data.cache_working_set_gb, "Cache working set", "GB", above(0.0, 10_000.0),
        "Data held in Redis/Valkey.").form(),
    row!(data.db_data_gb, "Database size", "GB", num(0.0, 60_000.0),
        "Database size today.").form(),
    row!(data.db_growth_gb_per_month, "Database growth", "GB per month", num(0.0, 5_000.0),
        "How fast the database grows.").form(),
    row!(data.multi_az, "Multi-AZ database", "", BOOL,
        "Standby in a second AZ.").form(),
    row!(data.rds_proxy, "RDS Proxy", "", BOOL,
        "Put RDS Proxy in front of the writer even when the pools fit (shorter failovers).").search(Search::Options),
    row!(data.read_replicas, "Read replicas", "", Kind::Choice(options::<ReplicaPolicy>),
        "Auto adds replicas when reads outgrow the writer; pin a count under Overrides.").form().search(Search::Options),
    row!(data.engine_version, "MySQL version", "", Kind::Choice(options::<MysqlVersion>),
        "8.4 (LTS) or 8.0, which left RDS standard support on 2026-07-31: RDS Extended Support is billed per vCPU-hour on the writer, standby and replicas.").form(),
    // Storage
    row!(storage.assets_gb, "Assets", "GB", num(0.0, 1e7),
        "Crests, photos and bundles in S3 today.").form(),
    row!(storage.assets_growth_gb_per_month, "Asset growth", "GB per month", num(0.0, 1e6),
        "New assets each month.").form(),
    row!(storage.asset_object_kb, "Asset object size", "KB", num(0.1, 5e9),
        "Average asset object in S3."),
    row!(storage.archive_mb_per_game, "Archive per game", "MB", num(0.0, 1e6),
        "Commentary archived per game.").form(),
    row!(storage.archive_object_kb, "Archive object size", "KB", num(0.1, 5e9),
        "Average archived object (one per game half and summary)."),
    row!(storage.hot_retention_days, "Hot retention", "days", int(1, MAX_DAYS),
        "Days commentary stays in MySQL before the archive job moves it to S3."),
    row!(storage.backup_every_hours, "Backup every", "hours", int(1, 168),
        "Logical backups to S3 (RPO).").form(),
    row!(storage.backup_retention_days, "Backup retention", "days", int(1, MAX_DAYS),
        "Days logical backups are kept.").form(),
    row!(storage.rds_backup_retention_days, "RDS backup retention", "days", int(1, 35),
        "Days RDS keeps automated backups (point-in-time recovery window)."),
    row!(storage.backup_compression_ratio, "Backup compression", "0–1", above(0.0, 1.0),
        "Compressed dump size as a share of the database size."),
    row!(storage.backup_glacier_after_days, "Backups → Glacier IR", "days (0 never)", days(1),
        "Lifecycle transition of the backups."),
    row!(storage.archive_ia_after_days, "Archive → Standard-IA", "days (0 never)", days(30),
        "Lifecycle transition of the archive.").form(),
    row!(storage.archive_glacier_ir_after_days, "Archive → Glacier IR", "days (0 never)", days(1),
        "Lifecycle transition of the archive.").form(),
    row!(storage.archive_deep_archive_after_days, "Archive → Deep Archive", "days (0 never)", days(1),
        "Lifecycle transition of the archive."),
    row!(storage.assets_ia_after_days, "Assets → Standard-IA", "days (0 never)", days(30),
        "Lifecycle transition of the assets."),
    row!(storage.noncurrent_version_expiry_days, "Old versions kept", "days", int(1, 365),
        "Days before noncurrent object versions are deleted."),
    row!(storage.log_retention_days, "Log retention", "days", Kind::IntOneOf(&LOG_RETENTION_DAYS),
        "CloudWatch Logs retention (1, 3, 5, 7, 14, 30, 60, 90…).").form(),
    // Platform choices
    row!(platform.environment, "Environment", "", Kind::Choice(options::<Environment>),
        "Production or staging.").form(),
    row!(platform.az_count, "Availability zones", "AZs", int(2, 3), "2 or 3.").form(),
    row!(platform.egress, "Egress", "", Kind::Choice(options::<Egress>),
        "How private tasks reach AWS APIs and the internet.").form().search(Search::Options),
    row!(platform.cache_engine, "Cache engine", "", Kind::Choice(options::<CacheEngine>),
        "Valkey is ~20 % cheaper per node than Redis OSS.").form().search(Search::Options),
    row!(platform.cdn_price_class, "CDN price class", "", Kind::Choice(options::<PriceClass>),
        "Edge locations CloudFront serves from.").form().search(Search::Options),
    row!(platform.cdn_pricing, "CDN pricing", "", Kind::Choice(options::<CdnPricing>),
        "Pay-as-you-go or a flat-rate plan.").form().search(Search::Options),
    row!(platform.monthly_budget_usd, "Monthly budget", "USD (0 = none)", num(0.0, 1e9),
        "The plan fails the budget SLO above this.").form(),
    // Scaling
    row!(scaling.autoscaling_enabled, "Autoscaling", "", BOOL,
        "Target tracking on CPU and requests.").form(),
    row!(scaling.prescale_enabled, "Pre-scale before kickoff", "", BOOL,
        "Scheduled actions raise capacity before each kickoff.").form(),
    row!(scaling.prescale_lead_minutes, "Pre-scale lead", "min", num(0.0, 240.0),
        "Minutes before kickoff the action fires.").form().search(Search::Grid(&[10.0, 20.0, 30.0])),
    row!(scaling.metric_period_s, "Metric period", "s", num(10.0, 300.0),
        "CloudWatch metric period for target tracking."),
    row!(scaling.scale_out_datapoints, "Scale-out datapoints", "periods", int(1, 60),
        "Datapoints above target before scale-out."),
    row!(scaling.scale_in_datapoints, "Scale-in datapoints", "periods", int(1, 60),
        "Datapoints below target before scale-in."),
    row!(scaling.scale_out_cooldown_s, "Scale-out cooldown", "s", num(0.0, 3600.0),
        "Seconds between two scale-outs."),
    row!(scaling.scale_in_cooldown_s, "Scale-in cooldown", "s", num(0.0, 3600.0),
        "Seconds between two scale-ins."),
    row!(scaling.task_start_s, "Task start time", "s", num(1.0, 900.0),
        "Assumption: launch to listening.").form().assumption(),
    row!(scaling.health_check_interval_s, "Health check interval", "s", num(5.0, 300.0),
        "ALB health check interval."),
    row!(scaling.healthy_threshold, "Healthy threshold", "checks", int(2, 10),
        "Healthy checks before a target serves."),
    row!(scaling.sim_step_s, "Simulation step", "s", num(1.0, 10.0),
        "Step of the match-day simulation."),
    row!(scaling.max_tasks_over_peak, "Ceiling over peak", "× peak tasks", num(1.0, 10.0),
        "Autoscaling ceiling as a multiple of the planned peak tasks."),
    row!(scaling.metric_delay_s, "Metric delay", "s", num(0.0, 600.0),
        "Seconds before a CloudWatch datapoint is visible to the alarm."),
    // SLOs
    row!(slo.freshness_p95_s, "Freshness SLO (p95)", "s", above(0.0, 600.0),
        "How stale what a fan sees may be.").form(),
    row!(slo.max_error_share, "Error SLO", "0–1", above(0.0, 1.0),
        "Highest error share allowed in any step.").form(),
    // Drills
    list!(drills.selected, "Drills",
        "Drills the survives_drills SLO counts: cache-failover, db-failover, az-loss, deploy-mid-match, spot-reclaim, origin-outage (docs/drills.md)."),
    row!(drills.at_s, "Drill start", "s from kickoff", num(-86_400.0, 86_400.0),
        "When a drill starts; 0 = kickoff, the busiest step."),
    row!(drills.max_error_share, "Drill error target", "0–1", above(0.0, 1.0),
        "Highest error share a drill may cause in any step."),
    row!(drills.max_staleness_s, "Drill staleness target", "s", above(0.0, 3_600.0),
        "Highest p95 staleness of the feed during a drill."),
    row!(drills.cache_failover_s, "Cache failover", "s", num(0.0, 3_600.0),
        "Assumption: seconds the cache is unreachable while a replica is promoted.").assumption(),
    row!(drills.cache_node_replace_s, "Cache node replacement", "s", num(0.0, 86_400.0),
        "Assumption: seconds until a failed node without a replica is replaced (empty).").assumption(),
    row!(drills.cache_refill_s, "Cache refill", "s", num(0.0, 86_400.0),
        "Assumption: seconds for an empty cache to reach its normal hit ratio.").assumption(),
    row!(drills.db_failover_s, "RDS Multi-AZ failover", "s", num(0.0, 3_600.0),
        "Seconds the writer is away in a Multi-AZ failover (AWS: typically 60–120 s)."),
    row!(drills.db_failover_proxy_share, "Failover with RDS Proxy", "× failover", SHARE,
        "Failover time through RDS Proxy as a share of the failover (AWS: up to 66 % shorter)."),
    row!(drills.az_outage_s, "AZ outage", "s", num(0.0, 604_800.0),
        "Assumption: how long a lost AZ stays away (a single-AZ writer in it is down that long).").assumption(),
    row!(drills.spot_warning_s, "Spot warning", "s", num(0.0, 600.0),
        "Fargate Spot's interruption warning (AWS: two minutes)."),
    row!(drills.origin_outage_s, "Origin outage", "s", num(0.0, 86_400.0),
        "Seconds the API answers 5xx in the origin-outage drill."),
    row!(drills.deploy_min_healthy_percent, "Deploy minimum healthy", "%", int(0, 100),
        "ECS deployment minimum healthy percent (terraform/ecs.tf: 100)."),
    // Coefficients
    row!(coefficients.hours_per_month, "Hours per month", "h", num(672.0, 744.0),
        "Billing hours in a month.").form(),
    row!(coefficients.cdn_origin_fetchers_without_shield, "Origin fetchers without Shield", "caches", num(1.0, 1000.0),
        "Regional edge caches that fetch a key from the origin when Origin Shield is off."),
    row!(coefficients.cdn_shield_region_share, "Requests via Shield's own Region", "0–1", SHARE,
        "Assumption: share of Origin Shield requests arriving through the us-east-1 regional edge cache, which Origin Shield does not charge for.").assumption(),
    row!(coefficients.db_queries_per_vcpu, "DB queries per vCPU", "queries/s", num(1.0, 1e7),
        "Assumption: MySQL throughput per vCPU.").form().assumption(),
    row!(coefficients.db_bytes_per_connection, "Bytes per DB connection", "bytes", num(1e5, 1e12),
        "RDS max_connections = instance memory ÷ this."),
    row!(coefficients.db_connection_headroom, "DB connection headroom", "0–1", above(0.0, 1.0),
        "Share of max_connections the pools may use."),
    row!(coefficients.db_buffer_pool_share, "Buffer pool share", "0–1", above(0.0, 1.0),
        "Share of instance memory InnoDB's buffer pool gets."),
    row!(coefficients.cache_ops_per_vcpu, "Cache ops per vCPU", "ops/s", num(1.0, 1e8),
        "Assumption: Redis/Valkey throughput per vCPU.").form().assumption(),
    row!(coefficients.cache_usable_memory_share, "Usable cache memory", "0–1", above(0.0, 1.0),
        "Share of node memory usable for data."),
    row!(coefficients.cache_overhead_factor, "Cache overhead", "× working set", num(1.0, 10.0),
        "Cache memory per GB of working set (keys, overhead)."),
    row!(coefficients.log_bytes_per_request, "Log bytes per request", "bytes", num(0.0, 1e6),
        "Application + ALB logs per request.").form(),
    row!(coefficients.egress_gb_per_task_hour, "Egress per task-hour", "GB", num(0.0, 1e4),
        "Other outbound traffic per task-hour through egress."),
    row!(coefficients.interface_endpoints, "Interface endpoints", "endpoints", int(0, 50),
        "Interface endpoints terraform/ creates with VPC-endpoint egress (locals.tf and break_glass.tf)."),
    row!(coefficients.alb_rules, "ALB rules", "rules", int(0, 100),
        "Listener rules evaluated per request."),
    row!(coefficients.alarms, "Alarms", "alarms", int(0, 10_000),
        "CloudWatch alarms besides one per read replica (terraform/monitoring.tf and jobs.tf)."),
    row!(coefficients.dashboards, "Dashboards", "dashboards", int(0, 1000),
        "CloudWatch dashboards."),
    row!(coefficients.cross_az_share, "Cross-AZ share", "0–1", SHARE,
        "Traffic crossing AZs.").form(),
    row!(coefficients.dns_queries_per_fan, "DNS queries per fan", "per match", num(0.0, 1e4),
        "Route 53 queries per fan per match that are not alias queries."),
    row!(coefficients.alb_requests_per_connection, "Requests per origin connection", "requests", num(1.0, 1e6),
        "Requests CloudFront sends over one origin connection."),
    row!(coefficients.sse_message_cost, "SSE message cost", "× a polled request", num(0.0, 10.0),
        "Assumption: CPU cost of one SSE message relative to one polled request.").assumption(),
    row!(coefficients.asset_cdn_hit_ratio, "Asset CDN hit ratio", "0–1", SHARE,
        "Static assets answered at the edge.").form(),
    row!(coefficients.db_daily_change_share, "DB changed per day", "0–1", SHARE,
        "Share of the database changed per day (RDS backup storage)."),
    row!(coefficients.db_iops_per_write, "IOPS per write", "I/Os", num(0.0, 100.0),
        "Assumption: storage IOPS per MySQL write.").assumption(),
    row!(coefficients.db_iops_per_read, "IOPS per read", "I/Os", num(0.0, 10.0),
        "Assumption: storage IOPS per MySQL read (buffer-pool misses).").assumption(),
    row!(coefficients.cache_ops_per_event, "Cache ops per event", "ops", num(0.0, 100.0),
        "Cache operations per commentary event."),
    row!(coefficients.db_bytes_per_query, "Bytes per DB query", "bytes", num(0.0, 1e7),
        "Assumption: bytes on the wire per MySQL query.").assumption(),
    row!(coefficients.cache_connections_per_process, "Cache connections per process", "connections", int(0, 10_000),
        "Connections each Node process holds to Redis/Valkey (commands, pub/sub)."),
    row!(coefficients.cdn_tiers_honour_age, "CDN tiers honour Age", "", BOOL,
        "Whether edge, regional cache and Origin Shield count a copy's Age against their TTL (false: staleness adds up across tiers, the worst case)."),
    // Overrides
    row!(overrides.min_tasks, "Min tasks", "tasks", opt_int(1, MAX_TASKS_PER_SERVICE),
        "Pin the floor. Empty = planner decides.").form(),
    row!(overrides.max_tasks, "Max tasks", "tasks", opt_int(1, MAX_TASKS_PER_SERVICE),
        "Pin the ceiling. Empty = planner decides.").form(),
    row!(overrides.task_memory_gb, "Task memory", "GB", Kind::OptNum,
        "A Fargate size for the task vCPU. Empty = planner decides.").form().search(Search::Options),
    row!(overrides.db_instance_class, "DB instance class", "", Kind::OptChoice(db_classes),
        "Empty = cheapest class that fits.").form().search(Search::Options),
    row!(overrides.db_read_replicas, "DB read replicas", "replicas", opt_int(0, MAX_READ_REPLICAS),
        "Empty = the replica policy decides.").form().search(Search::Grid(&[0.0, 1.0, 2.0])),
    row!(overrides.cache_enabled, "Cache tier", "", Kind::OptChoice(cache_tier),
        "Try without ElastiCache. Empty = with a cache.").form().search(Search::Options),
    row!(overrides.cache_node_type, "Cache node type", "", Kind::OptChoice(cache_nodes),
        "Empty = smallest node that fits.").form().search(Search::Options),
    row!(overrides.cache_replicas, "Cache replicas", "replicas", opt_int(0, 5),
        "Empty = 1 in prod, 0 in staging.").form().search(Search::Grid(&[0.0, 1.0, 2.0])),
    list!(price_overrides, "Price overrides",
        "Replace any price-book value by id (e.g. `fargate.arm.vcpu_hour`): a known id, 0–1,000,000 USD."),
    list!(limit_overrides, "Quota overrides",
        "Replace an adjustable AWS quota of the limits catalogue by id once AWS has raised it (e.g. `alb.targets_per_target_group`): a known, adjustable, single-valued id, a positive number."),
];

/// The input at `path`.
pub fn by_path(path: &str) -> Option<&'static Input> {
    INPUTS.iter().find(|i| i.path == path)
}

/// The label of the input at `path`; for a price override, `Price <id>`;
/// for a quota override, `Quota <id>`.
pub fn label(path: &str) -> Cow<'static, str> {
    if let Some(id) = path.strip_prefix("price_overrides.") {
        return Cow::Owned(format!("Price {id}"));
    }
    if let Some(id) = path.strip_prefix("limit_overrides.") {
        return Cow::Owned(format!("Quota {id}"));
    }
    by_path(path).map_or(Cow::Borrowed(""), |i| Cow::Borrowed(i.label))
}

/// A value as the form and messages show it: `2`, `0.95`, `arm64`, `` (unset).
pub fn value_text(v: &Value) -> String {
    match v {
        Value::Num(x) => format!("{x}"),
        Value::Int(x) => x.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Text(t) => t.to_string(),
        Value::Unset | Value::List => String::new(),
    }
}

/// What the form input of `input` shows for `s`.
pub fn text(input: &Input, s: &Scenario) -> String {
    value_text(&(input.get)(s))
}

/// `raw` as number text: spaces and `_` dropped, and `,` accepted only as a
/// thousands separator ("1,500", "12,345.5"). A decimal comma ("2,5") is an
/// error rather than being read as 25.
fn number_text(raw: &str) -> Result<String, String> {
    let t: String = raw.trim().chars().filter(|c| *c != '_' && *c != ' ').collect();
    if !t.contains(',') {
        return Ok(t);
    }
    let int = t.split('.').next().unwrap_or_default();
    let mut groups = int.trim_start_matches('-').split(',');
    let first_ok = groups.next().is_some_and(|g| (1..=3).contains(&g.len()));
    let decimals_ok = !t[int.len()..].contains(',');
    if first_ok && decimals_ok && groups.all(|g| g.len() == 3) {
        Ok(t.replace(',', ""))
    } else {
        Err("use '.' for decimals (',' only between thousands)".into())
    }
}

/// Form text for `input` as a value. Range rules are left to validation
/// (the form shows them the same way), except where the text cannot be
/// stored at all: then the message states what is allowed.
///
/// # Errors
/// What to enter instead, naming the allowed range.
pub fn parse(input: &Input, raw: &str) -> Result<Value, String> {
    if input.optional() && raw.trim().is_empty() {
        return Ok(Value::Unset);
    }
    let or_empty = if input.optional() { ", or leave empty" } else { "" };
    let enter = |what: String| format!("enter {what}{or_empty}");
    match input.kind {
        Kind::Int { .. } | Kind::OptInt { .. } | Kind::Days { .. } | Kind::IntOneOf(_) => {
            number_text(raw)?.parse::<u32>().map(Value::Int).map_err(|_| {
                enter(match input.kind {
                    Kind::Int { min, max } | Kind::OptInt { min, max } => {
                        format!("a whole number from {} to {}", number(min.into()), number(max.into()))
                    }
                    Kind::Days { min } => format!("0 (never) or a whole number from {min} to {MAX_DAYS}"),
                    _ => format!("a whole number ({})", input.rule()),
                })
            })
        }
        Kind::Num { .. } | Kind::NumOneOf(_) | Kind::OptNum => match crate::fmt::parse_f64(&number_text(raw)?) {
            Some(v) if v.is_finite() => Ok(Value::Num(v)),
            _ => Err(enter(match input.kind {
                Kind::Num { min, max, .. } => format!("a number from {} to {}", number(min), number(max)),
                Kind::OptNum => format!(
                    "a number ({})",
                    if input.unit.is_empty() { "value" } else { input.unit }
                ),
                _ => format!("a number ({})", input.rule()),
            })),
        },
        Kind::Bool => Ok(Value::Bool(raw.trim() == "true")),
        Kind::Choice(options) | Kind::OptChoice(options) => {
            if !options().iter().any(|o| o.value == raw) {
                return Err("choose one of the options".into());
            }
            Ok(match raw {
                "true" | "false" if input.optional() => Value::Bool(raw == "true"),
                _ => Value::Text(Cow::Owned(raw.to_string())),
            })
        }
        Kind::List => Err(format!("{} is edited in the scenario file", input.path)),
    }
}

/// `s` with `input` set from form text `raw`.
///
/// # Errors
/// As [`parse`].
pub fn apply(s: &Scenario, input: &Input, raw: &str) -> Result<Scenario, String> {
    let v = parse(input, raw)?;
    let mut out = s.clone();
    (input.set)(&mut out, v).map_err(|()| format!("{} cannot hold {raw:?}", input.label))?;
    Ok(out)
}

/// The form text of the price override `id` (empty: the embedded price).
pub fn price_text(s: &Scenario, id: &str) -> String {
    s.price_overrides.get(id).map(|v| format!("{v}")).unwrap_or_default()
}

/// `s` with the price override `id` set from `raw` (empty removes it).
///
/// # Errors
/// Text that is not a number.
pub fn apply_price(s: &Scenario, id: &str, raw: &str) -> Result<Scenario, String> {
    let mut out = s.clone();
    if raw.trim().is_empty() {
        out.price_overrides.remove(id);
        return Ok(out);
    }
    match crate::fmt::parse_f64(&number_text(raw)?) {
        Some(v) if v.is_finite() => {
            out.price_overrides.insert(id.to_string(), v);
            Ok(out)
        }
        _ => Err("enter a price in USD, or leave empty for the embedded price".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value as Json;

    fn default_json() -> Json {
        serde_json::to_value(Scenario::default()).unwrap()
    }

    fn pointer(path: &str) -> String {
        format!("/{}", path.replace('.', "/"))
    }

    #[test]
    fn every_path_exists_in_the_default_scenario_json() {
        let json = default_json();
        for i in INPUTS {
            assert!(
                json.pointer(&pointer(i.path)).is_some(),
                "{} is not in the scenario JSON",
                i.path
            );
        }
    }

    #[test]
    fn every_scenario_field_has_exactly_one_row() {
        let json = default_json();
        let mut fields = Vec::new();
        for (k, v) in json.as_object().unwrap() {
            match v {
                Json::Object(group) if k != "price_overrides" && k != "limit_overrides" => {
                    fields.extend(group.keys().map(|f| format!("{k}.{f}")));
                }
                _ => fields.push(k.clone()),
            }
        }
        for f in &fields {
            let n = INPUTS.iter().filter(|i| i.path == f).count();
            assert_eq!(n, 1, "{f} has {n} rows");
        }
        assert_eq!(fields.len(), INPUTS.len(), "rows that are not scenario fields");
    }

    #[test]
    fn the_getter_reads_what_serde_writes() {
        let json = default_json();
        let s = Scenario::default();
        for i in INPUTS.iter().filter(|i| !matches!(i.kind, Kind::List)) {
            let from_json = match json.pointer(&pointer(i.path)).unwrap() {
                Json::Null => String::new(),
                Json::String(t) => t.clone(),
                other => other.to_string(),
            };
            let v = (i.get)(&s);
            let ours = match v {
                Value::Num(x) if x.fract() == 0.0 => format!("{x:.1}"),
                v => value_text(&v),
            };
            assert_eq!(ours, from_json, "{}", i.path);
        }
    }

    #[test]
    fn every_default_is_within_its_range() {
        let s = Scenario::default();
        for i in INPUTS {
            assert_eq!(i.check(&(i.get)(&s)), None, "{}", i.path);
        }
    }

    #[test]
    fn enum_options_are_the_serde_names() {
        fn check<E>()
        where
            E: VariantArray + EnumMessage + Copy + Into<&'static str> + serde::Serialize + std::str::FromStr,
        {
            for v in E::VARIANTS {
                let name: &'static str = (*v).into();
                assert_eq!(serde_json::to_value(v).unwrap(), Json::String(name.into()));
                assert!(name.parse::<E>().is_ok(), "{name}");
                assert!(v.get_message().is_some(), "{name} has no label");
            }
        }
        check::<DeliveryMode>();
        check::<Arch>();
        check::<ReplicaPolicy>();
        check::<Egress>();
        check::<CacheEngine>();
        check::<PriceClass>();
        check::<CdnPricing>();
        check::<Environment>();
    }

    /// A valid value other than the default where the kind allows one.
    fn another_value(i: &Input, s: &Scenario) -> Option<String> {
        let current = text(i, s);
        let candidates: Vec<String> = match i.kind {
            Kind::Num { min, max, .. } => vec![format!("{}", (min + max) / 2.0), format!("{max}")],
            Kind::NumOneOf(list) => list.iter().map(|x| format!("{x}")).collect(),
            Kind::Int { min, max } | Kind::OptInt { min, max } => vec![min.to_string(), max.to_string(), String::new()],
            Kind::Days { min } => vec![min.to_string(), "0".into()],
            Kind::IntOneOf(list) => list.iter().map(u32::to_string).collect(),
            Kind::Bool => vec!["true".into(), "false".into()],
            Kind::Choice(o) | Kind::OptChoice(o) => o().iter().map(|o| o.value.to_string()).collect(),
            Kind::OptNum => vec!["2".into(), String::new()],
            Kind::List => vec![],
        };
        candidates
            .into_iter()
            .find(|c| *c != current && (i.optional() || !c.is_empty()))
    }

    #[test]
    fn text_apply_text_round_trips_for_every_field() {
        let s = Scenario::default();
        for i in INPUTS.iter().filter(|i| !matches!(i.kind, Kind::List)) {
            // The default's own text changes nothing.
            let t = text(i, &s);
            assert_eq!(apply(&s, i, &t).as_ref(), Ok(&s), "{}", i.path);
            // Another value comes back as the same text, and touches only this field.
            let other = another_value(i, &s).unwrap_or_else(|| panic!("{}: no other value", i.path));
            let changed = apply(&s, i, &other).unwrap_or_else(|e| panic!("{} = {other:?}: {e}", i.path));
            assert_eq!(text(i, &changed), other, "{}", i.path);
            for j in INPUTS.iter().filter(|j| j.path != i.path) {
                assert_eq!((j.get)(&changed), (j.get)(&s), "setting {} changed {}", i.path, j.path);
            }
        }
    }

    #[test]
    fn parse_errors_state_what_is_allowed() {
        let fans = by_path("peak_concurrent_fans").unwrap();
        assert_eq!(
            parse(fans, "abc").unwrap_err(),
            "enter a whole number from 1 to 100,000,000"
        );
        assert_eq!(
            parse(fans, "5000000000").unwrap_err(),
            "enter a whole number from 1 to 100,000,000"
        );
        let poll = by_path("delivery.poll_interval_s").unwrap();
        assert_eq!(parse(poll, "fast").unwrap_err(), "enter a number from 1 to 60");
        let min = by_path("overrides.min_tasks").unwrap();
        assert_eq!(parse(min, "").unwrap(), Value::Unset);
        assert!(parse(min, "-1").unwrap_err().ends_with(", or leave empty"));
        let arch = by_path("app.arch").unwrap();
        assert_eq!(parse(arch, "sparc").unwrap_err(), "choose one of the options");
        assert_eq!(poll.check(&Value::Num(0.0)).unwrap(), "must be a number from 1 to 60");
        assert_eq!(
            fans.check(&Value::Int(0)).unwrap(),
            "must be a whole number from 1 to 100,000,000"
        );
    }

    #[test]
    fn commas_are_thousands_separators_never_decimal_points() {
        let poll = by_path("delivery.poll_interval_s").unwrap();
        let fans = by_path("peak_concurrent_fans").unwrap();
        assert_eq!(parse(fans, "1,500").unwrap(), Value::Int(1500));
        assert_eq!(parse(fans, " 20 000 ").unwrap(), Value::Int(20000));
        assert_eq!(parse(poll, "1,234.5").unwrap(), Value::Num(1234.5));
        assert_eq!(parse(poll, "2.5").unwrap(), Value::Num(2.5));
        // "2,5" was read as 25: a valid poll interval, silently wrong.
        for bad in ["2,5", "0,75", "1,50", "12,3456", "1.5,000"] {
            let e = parse(poll, bad).unwrap_err();
            assert!(e.contains("use '.' for decimals"), "{bad}: {e}");
        }
    }

    #[test]
    fn price_overrides_set_and_clear() {
        let s = Scenario::default();
        let with = apply_price(&s, "alb.hour", "0.03").unwrap();
        assert_eq!(price_text(&with, "alb.hour"), "0.03");
        assert_eq!(apply_price(&with, "alb.hour", " ").unwrap(), s);
        assert!(apply_price(&s, "alb.hour", "cheap").is_err());
    }

    /// A lifecycle input's smallest day count is S3's minimum for its class
    /// (`s3.lifecycle_min_transition_days`; 1 where S3 has none, 0 meaning
    /// never), so the table and the limits catalogue cannot drift.
    #[test]
    fn lifecycle_minimums_are_the_catalogues() {
        use crate::model::limits::LimitCatalog;
        use crate::model::storage::Class;
        let limits = LimitCatalog::shared();
        for (path, class) in [
            ("storage.assets_ia_after_days", Class::StandardIa),
            ("storage.archive_ia_after_days", Class::StandardIa),
            ("storage.archive_glacier_ir_after_days", Class::GlacierIr),
            ("storage.archive_deep_archive_after_days", Class::DeepArchive),
            ("storage.backup_glacier_after_days", Class::GlacierIr),
        ] {
            let Kind::Days { min } = by_path(path).unwrap().kind else {
                panic!("{path} is not a lifecycle Days input")
            };
            let s3 = limits
                .for_class("s3.lifecycle_min_transition_days", class.key())
                .unwrap_or(1.0);
            assert_eq!(f64::from(min), s3, "{path}");
        }
    }

    #[test]
    fn assumptions_are_listed_in_every_plan() {
        let p = super::super::plan(&Scenario::default(), &super::super::PriceBook::embedded()).unwrap();
        for i in INPUTS.iter().filter(|i| i.assumption) {
            assert!(
                p.assumptions.iter().any(|a| a.name.contains(&format!("({})", i.path))),
                "{} is an assumption the plan does not list",
                i.path
            );
        }
    }
}
