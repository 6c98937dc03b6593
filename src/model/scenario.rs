//! The scenario: everything a team expects, in units, with a documented default.
//!
//! Defaults describe the seed situation: 5,000 peak concurrent fans polling a
//! commentary feed that must be fresh within 3 s, fewer than 5 % errors at
//! kickoff, zero-downtime deploys, a startup budget, us-east-1.
//!
//! Every field's doc comment gives its unit, its default (the `#[default]`
//! beside it) and *why* that default. Its label, range and help for people
//! are its row in [`inputs`](super::inputs), which validation, the browser
//! form and the docs' inputs table are built from. Fields marked **assumption** are capacity coefficients nobody has
//! measured for Kickoff yet: replace them with load-test results
//! (`docs/load-testing.md`; `kickoff calibrate` writes them with their
//! [`Provenance`]).
//!
//! The JSON form nests the groups below, except `peak_concurrent_fans`, which
//! stays a top-level integer. Every group has `#[serde(default)]`, so a file
//! may give only the fields it changes; unknown fields are rejected so a typo
//! is never silently ignored.

use serde::{Deserialize, Serialize};
use smart_default::SmartDefault;
use std::collections::BTreeMap;
use strum::{EnumMessage, EnumString, IntoStaticStr, VariantArray, VariantNames};

/// Upper bound on `peak_concurrent_fans`: ten times the largest single live
/// stream audiences on record (Hotstar, ~59 M). Above this the model's
/// assumptions (one region, one ALB) no longer hold.
pub const MAX_FANS: u32 = 100_000_000;

/// What the team expects. See the module docs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, SmartDefault)]
#[serde(default, deny_unknown_fields)]
pub struct Scenario {
    /// Fans online at the busiest moment of a match day, across all games.
    /// Default 5,000: the seed's kickoff crowd.
    #[default(5_000)]
    pub peak_concurrent_fans: u32,
    pub audience: Audience,
    pub match_day: MatchDay,
    pub delivery: Delivery,
    pub writes: Writes,
    pub app: AppTier,
    pub data: DataTier,
    pub storage: Storage,
    pub platform: Platform,
    pub scaling: Scaling,
    pub slo: SloTargets,
    pub coefficients: Coefficients,
    /// Match-day drills: failures injected into the match-day simulation
    /// (`docs/drills.md`).
    pub drills: Drills,
    pub overrides: Overrides,
    /// Replace any price-book value by id (`fargate.arm.vcpu_hour` → USD).
    /// Default empty: the embedded price book.
    pub price_overrides: BTreeMap<String, f64>,
    /// Replace an adjustable AWS quota of the limits catalogue by id, once
    /// AWS has raised it for the account (`alb.targets_per_target_group` →
    /// 2000). Default empty: the catalogue's default quotas
    /// (`src/model/limits_us_east_1.json`).
    pub limit_overrides: BTreeMap<String, f64>,
    /// Where measured coefficients came from, by input path
    /// (`app.rps_per_vcpu` → the load test that measured it). Written by
    /// `kickoff calibrate` (docs/load-testing.md); a coefficient with no
    /// entry, or whose value no longer equals the measured one, is still an
    /// assumption. Default empty, and left out of the JSON when empty, so
    /// older files and share links read the same.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub provenance: BTreeMap<String, Provenance>,
}

/// Where one measured coefficient came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Provenance {
    /// The value measured; the plan calls the coefficient measured only
    /// while the scenario still holds this value.
    pub value: f64,
    /// When the load test ran, UTC (`2026-12-04T15:43:02Z`).
    pub date_utc: String,
    /// The machine it ran on (cores, CPU model, kernel).
    pub machine: String,
    /// The commit it ran at (`-dirty` when the tree had changes).
    pub commit: String,
    /// The load-test summary it was fitted from.
    pub summary: String,
    /// How it was fitted, and its caveats (a lower bound, the machine's
    /// other load).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, SmartDefault)]
#[serde(default, deny_unknown_fields)]
pub struct Audience {
    /// Extra capacity on top of the expected peak, percent. Default 20: a
    /// derby or a surprise result brings more fans than forecast.
    #[default(20.0)]
    pub design_headroom_pct: f64,
    /// Games live at the same time. Default 3: a typical Saturday slot.
    #[default(3)]
    pub simultaneous_games: u32,
    /// Match days per month. Default 8: two per week.
    #[default(8)]
    pub match_days_per_month: u32,
    /// Fans online outside match windows (reading old commentary).
    /// Default 100: 2 % of the peak.
    #[default(100)]
    pub off_peak_fans: u32,
    /// Archived commentary pages one off-peak reader opens an hour. Default
    /// 6: a page every ten minutes while reading old games; off-peak readers
    /// browse the archive, they do not poll the live feed.
    #[default(6.0)]
    pub off_peak_page_views_per_hour: f64,
    /// Expected growth of the peak audience, percent per month (compounded).
    /// Default 0: no growth assumed. The plan says how many months of growth
    /// the design headroom absorbs before it must be re-planned.
    #[default(0.0)]
    pub growth_pct_per_month: f64,
}

/// The shape of a match day, as shares of `peak_concurrent_fans` over time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, SmartDefault)]
#[serde(default, deny_unknown_fields)]
pub struct MatchDay {
    /// Minutes before kickoff when fans start arriving. Default 30.
    #[default(30.0)]
    pub pre_game_ramp_minutes: f64,
    /// Share of peak online just before kickoff. Default 0.3: line-ups draw
    /// some fans early, most come at the whistle.
    #[default(0.3)]
    pub pre_kickoff_share: f64,
    /// Seconds in which the kickoff crowd arrives. Default 60: the seed's
    /// "5,000 arrive at once".
    #[default(60.0)]
    pub kickoff_spike_seconds: f64,
    /// Share of peak online during play. Default 0.85.
    #[default(0.85)]
    pub in_play_share: f64,
    /// Share of peak online during the half-time break. Default 0.5.
    #[default(0.5)]
    pub half_time_share: f64,
    /// Goal bursts per match; each lifts the audience to the full peak.
    /// Default 3.
    #[default(3)]
    pub goal_bursts: u32,
    /// Seconds a goal burst lasts. Default 120.
    #[default(120.0)]
    pub goal_burst_seconds: f64,
    /// Minutes for the audience to decay to off-peak after full time. Default 15.
    #[default(15.0)]
    pub post_game_decay_minutes: f64,
    /// Kickoff slots in UTC, used for scheduled pre-scaling.
    /// Default: Saturday 15:00 and Sunday 16:30.
    #[default(default_kickoff_slots())]
    pub kickoff_slots: Vec<KickoffSlot>,
}

fn default_kickoff_slots() -> Vec<KickoffSlot> {
    let slot = |name: &str, day: &str, kickoff_utc: &str| KickoffSlot {
        name: name.into(),
        day: day.into(),
        kickoff_utc: kickoff_utc.into(),
    };
    vec![slot("sat-1500", "SAT", "15:00"), slot("sun-1630", "SUN", "16:30")]
}

/// A weekly kickoff time (UTC).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KickoffSlot {
    /// Short name, e.g. `sat-1500`; letters, digits and dashes.
    pub name: String,
    /// Day of week: MON TUE WED THU FRI SAT SUN.
    pub day: String,
    /// Kickoff time, `HH:MM`, UTC.
    pub kickoff_utc: String,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, VariantArray, VariantNames, IntoStaticStr, EnumString, EnumMessage,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum DeliveryMode {
    /// Fans poll a cacheable feed URL.
    #[strum(message = "Polling")]
    Polling,
    /// Fans hold a server-sent-events stream; not cacheable at the CDN.
    #[strum(message = "Server-sent events")]
    Sse,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, SmartDefault)]
#[serde(default, deny_unknown_fields)]
pub struct Delivery {
    /// Default `polling`: cacheable at the CDN, so origin load stays flat as
    /// fans grow (ADR 0001).
    #[default(DeliveryMode::Polling)]
    pub mode: DeliveryMode,
    /// Seconds between polls. Default 1: with a 1 s micro-cache at each of
    /// the edge and the regional edge cache (no Origin Shield), 95 % of fans
    /// see an update within 2.33 s + publish (the freshness SLO's 3 s holds
    /// even if a tier does not count the `Age` of what it fetched; 2 s with
    /// Origin Shield would not).
    #[default(1.0)]
    pub poll_interval_s: f64,
    /// SSE heartbeat, seconds. Default 15: below CloudFront's 30 s origin
    /// read timeout and the ALB's 60 s idle timeout.
    #[default(15.0)]
    pub sse_heartbeat_s: f64,
    /// Size of one feed response, KB (10^3 bytes). Default 4: ~20 commentary
    /// lines of JSON, compressed.
    #[default(4.0)]
    pub payload_kb: f64,
    /// Share of feed requests the CDN may cache (the rest carry per-fan
    /// state). Default 0.95.
    #[default(0.95)]
    pub cacheable_share: f64,
    /// CDN TTL of the live feed (micro-cache), seconds. Default 1.
    #[default(1.0)]
    pub cdn_live_ttl_s: f64,
    /// Origin Shield on: one regional cache fetches from the origin.
    /// Default false: a third cache tier may add a TTL of staleness
    /// (`coefficients.cdn_tiers_honour_age`), and without it the origin sees
    /// at most one fetch per regional edge cache per key per TTL.
    #[default(false)]
    pub origin_shield: bool,
    /// Feed URLs (cache keys) per live game. Default 2: latest page and
    /// scoreboard.
    #[default(2)]
    pub feed_keys_per_game: u32,
    /// Page views per fan per match. Default 1.5.
    #[default(1.5)]
    pub page_views_per_fan: f64,
    /// Static asset requests per page view (JS, CSS, crests, images). Default 12.
    #[default(12.0)]
    pub assets_per_page_view: f64,
    /// Average asset response size, KB. Default 40.
    #[default(40.0)]
    pub asset_kb: f64,
    /// Seconds from a commentator's post to the API serving it (DB write,
    /// cache refresh). Default 0.3.
    #[default(0.3)]
    pub publish_latency_s: f64,
    /// CDN TTL of archived commentary pages, seconds. Default 3,600: a
    /// finished game's commentary does not change, so an hour at the edge
    /// costs no freshness.
    #[default(3_600.0)]
    pub archive_ttl_s: f64,
    /// `stale-if-error` the API sends on the live feed (`Cache-Control`),
    /// seconds: while the origin answers 5xx, CloudFront keeps serving the
    /// last good copy this long after it expired. Default 0: not sent (an
    /// app requirement when set, docs/drills.md).
    #[default(0.0)]
    pub stale_if_error_s: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, SmartDefault)]
#[serde(default, deny_unknown_fields)]
pub struct Writes {
    /// Commentary events per minute per game in normal play. Default 4.
    #[default(4.0)]
    pub events_per_minute_per_game: f64,
    /// Events per minute per game during a goal burst. Default 20.
    #[default(20.0)]
    pub burst_events_per_minute_per_game: f64,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, VariantArray, VariantNames, IntoStaticStr, EnumString, EnumMessage,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Arch {
    #[strum(message = "arm64 (Graviton)")]
    Arm64,
    #[strum(message = "x86_64")]
    X86_64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, SmartDefault)]
#[serde(default, deny_unknown_fields)]
pub struct AppTier {
    /// **Assumption.** Requests per second one vCPU of the Node API sustains
    /// for a cached JSON endpoint, before the payload bytes
    /// (`cpu_us_per_kb` adds those). Default 1,000: well under published
    /// Express figures (5–9 k req/s per core on a laptop) to leave room for
    /// JSON work and logging. Replace with a load-test result: a test at P KB
    /// measuring R req/s gives 1 / (1 / R − P × cpu_us_per_kb × 10⁻⁶).
    #[default(1_000.0)]
    pub rps_per_vcpu: f64,
    /// Target CPU utilisation the plan sizes to, 0–1. Default 0.6: leaves
    /// room for the scale-out lag.
    #[default(0.6)]
    pub target_utilization: f64,
    /// vCPU per task. Default 1: one single-threaded Node process uses one
    /// core (ADR 0002).
    #[default(1.0)]
    pub task_vcpu: f64,
    /// Default arm64: Graviton Fargate is 20 % cheaper per vCPU-hour.
    #[default(Arch::Arm64)]
    pub arch: Arch,
    /// Share of tasks above the on-demand base that run on Fargate Spot, 0–1.
    /// Default 0.5 (ADR 0009).
    #[default(0.5)]
    pub spot_share: f64,
    /// Tasks always on on-demand Fargate. Default 2: one per AZ survives any
    /// Spot reclaim.
    #[default(2)]
    pub on_demand_base_tasks: u32,
    /// Resident memory of the Node process without connections, MB. Default 300.
    #[default(300.0)]
    pub process_base_memory_mb: f64,
    /// **Assumption.** Memory per open connection, KB. Default 50
    /// (measurements range 25–100 KB).
    #[default(50.0)]
    pub connection_memory_kb: f64,
    /// MySQL connection pool per task. Default 10.
    #[default(10)]
    pub db_pool_per_task: u32,
    /// **Assumption.** CPU microseconds one response spends per KB of
    /// payload (copying and writing a pre-serialised, pre-compressed body),
    /// on top of `1 / rps_per_vcpu`. Default 10 µs: a 4 KB feed costs 4 %
    /// more than an empty one; compressing at the origin would cost ~10× more.
    #[default(10.0)]
    pub cpu_us_per_kb: f64,
    /// A request waiting longer than this fails (client or CDN gives up),
    /// seconds. Default 5.
    #[default(5.0)]
    pub request_timeout_s: f64,
}

/// When the plan adds MySQL read replicas. To run an exact number, pin
/// `overrides.db_read_replicas`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, VariantArray, VariantNames, IntoStaticStr, EnumString, EnumMessage,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum ReplicaPolicy {
    /// Add read replicas only when reads exceed what the writer serves.
    #[strum(message = "auto")]
    Auto,
    /// Never add replicas: scale the writer instead.
    #[strum(message = "none: grow the writer")]
    None,
}

/// RDS for MySQL major version.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, VariantArray, VariantNames, IntoStaticStr, EnumString, EnumMessage,
)]
pub enum MysqlVersion {
    /// MySQL 8.4 (LTS), parameter group family `mysql8.4`.
    #[serde(rename = "8.4")]
    #[strum(serialize = "8.4", message = "8.4 (LTS)")]
    V8_4,
    /// MySQL 8.0: left RDS standard support on 2026-07-31; RDS Extended
    /// Support is billed per vCPU-hour on the writer, standby and replicas.
    #[serde(rename = "8.0")]
    #[strum(serialize = "8.0", message = "8.0 (Extended Support)")]
    V8_0,
}

impl MysqlVersion {
    /// The engine version RDS takes (`8.4`).
    pub fn version(self) -> &'static str {
        self.into()
    }
    /// The DB parameter group family (`mysql8.4`).
    pub fn family(self) -> &'static str {
        match self {
            MysqlVersion::V8_4 => "mysql8.4",
            MysqlVersion::V8_0 => "mysql8.0",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, SmartDefault)]
#[serde(default, deny_unknown_fields)]
pub struct DataTier {
    /// Share of origin reads answered by Redis, 0–1. Default 0.95.
    #[default(0.95)]
    pub redis_hit_ratio: f64,
    /// MySQL queries per request that misses the cache. Default 2.
    #[default(2.0)]
    pub db_queries_per_uncached_request: f64,
    /// MySQL writes per commentary event (event row, match state, audit).
    /// Default 3.
    #[default(3.0)]
    pub db_writes_per_event: f64,
    /// Hot data that must fit in the MySQL buffer pool, GB. Default 2.
    #[default(2.0)]
    pub working_set_gb: f64,
    /// Data held in Redis/Valkey (live games' commentary, scoreboards,
    /// sessions), GB. Default 0.5.
    #[default(0.5)]
    pub cache_working_set_gb: f64,
    /// Database size today, GB. Default 20.
    #[default(20.0)]
    pub db_data_gb: f64,
    /// Database growth per month, GB. Default 2.
    #[default(2.0)]
    pub db_growth_gb_per_month: f64,
    /// Default `auto`.
    #[default(ReplicaPolicy::Auto)]
    pub read_replicas: ReplicaPolicy,
    /// Standby in a second AZ. Default true in prod.
    #[default(true)]
    pub multi_az: bool,
    /// Put RDS Proxy in front of the writer even when the pools fit
    /// `max_connections`: it keeps client connections through a failover
    /// and shortens it (`drills.db_failover_proxy_share`). Default false:
    /// the plan adds the proxy only when the pools need it.
    #[default(false)]
    pub rds_proxy: bool,
    /// MySQL major version. Default `8.4`: the LTS release in RDS standard
    /// support. `8.0` left standard support on 2026-07-31, so RDS bills
    /// Extended Support for it per vCPU-hour of the writer, its standby and
    /// every replica.
    #[default(MysqlVersion::V8_4)]
    pub engine_version: MysqlVersion,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, SmartDefault)]
#[serde(default, deny_unknown_fields)]
pub struct Storage {
    /// Game assets (crests, photos, JS bundles) today, GB. Default 20.
    #[default(20.0)]
    pub assets_gb: f64,
    /// Asset growth per month, GB. Default 2.
    #[default(2.0)]
    pub assets_growth_gb_per_month: f64,
    /// Average asset object size, KB. Default 200.
    #[default(200.0)]
    pub asset_object_kb: f64,
    /// Commentary archive per game, MB. Default 5.
    #[default(5.0)]
    pub archive_mb_per_game: f64,
    /// Average archived object size, KB. Default 512 (one file per game half
    /// and summary).
    #[default(512.0)]
    pub archive_object_kb: f64,
    /// Days commentary stays in MySQL before the archive job moves it to S3.
    /// Default 30.
    #[default(30)]
    pub hot_retention_days: u32,
    /// Hours between logical backups to S3. Default 6: RPO of 6 h on top of
    /// RDS point-in-time recovery.
    #[default(6)]
    pub backup_every_hours: u32,
    /// Days logical backups are kept in S3. Default 90.
    #[default(90)]
    pub backup_retention_days: u32,
    /// Days RDS keeps automated backups (PITR window), 1–35. Default 7.
    #[default(7)]
    pub rds_backup_retention_days: u32,
    /// Compressed dump size as a share of the database size. Default 0.3.
    #[default(0.3)]
    pub backup_compression_ratio: f64,
    /// Lifecycle: backups → Glacier Instant Retrieval after N days; 0 never.
    /// Default 30.
    #[default(30)]
    pub backup_glacier_after_days: u32,
    /// Lifecycle: archive → Standard-IA after N days; 0 never. Default 30.
    #[default(30)]
    pub archive_ia_after_days: u32,
    /// Lifecycle: archive → Glacier Instant Retrieval after N days; 0 never.
    /// Default 90.
    #[default(90)]
    pub archive_glacier_ir_after_days: u32,
    /// Lifecycle: archive → Deep Archive after N days; 0 never. Default 0:
    /// old commentary is still read on anniversaries.
    #[default(0)]
    pub archive_deep_archive_after_days: u32,
    /// Lifecycle: assets → Standard-IA after N days; 0 never. Default 0:
    /// assets are read every match day.
    #[default(0)]
    pub assets_ia_after_days: u32,
    /// Delete noncurrent object versions after N days. Default 30.
    #[default(30)]
    pub noncurrent_version_expiry_days: u32,
    /// CloudWatch log retention, days. Default 30.
    #[default(30)]
    pub log_retention_days: u32,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, VariantArray, VariantNames, IntoStaticStr, EnumString, EnumMessage,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Egress {
    #[strum(message = "VPC endpoints")]
    VpcEndpoints,
    #[strum(message = "One NAT gateway")]
    SingleNat,
    #[strum(message = "NAT gateway per AZ")]
    NatPerAz,
    #[strum(message = "Public subnets")]
    PublicSubnets,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, VariantArray, VariantNames, IntoStaticStr, EnumString, EnumMessage,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum CacheEngine {
    #[strum(message = "Valkey")]
    Valkey,
    #[strum(message = "Redis OSS")]
    Redis,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, VariantArray, VariantNames, IntoStaticStr, EnumString, EnumMessage,
)]
pub enum PriceClass {
    #[serde(rename = "PriceClass_100")]
    #[strum(serialize = "PriceClass_100", message = "100 (NA + EU)")]
    PriceClass100,
    #[serde(rename = "PriceClass_200")]
    #[strum(serialize = "PriceClass_200", message = "200")]
    PriceClass200,
    #[serde(rename = "PriceClass_All")]
    #[strum(serialize = "PriceClass_All", message = "All")]
    PriceClassAll,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, VariantArray, VariantNames, IntoStaticStr, EnumString, EnumMessage,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum CdnPricing {
    #[strum(message = "Pay as you go")]
    PayAsYouGo,
    #[strum(message = "Flat: Pro")]
    FlatPro,
    #[strum(message = "Flat: Business")]
    FlatBusiness,
    #[strum(message = "Flat: Premium")]
    FlatPremium,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, VariantArray, VariantNames, IntoStaticStr, EnumString, EnumMessage,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Environment {
    #[strum(message = "Production")]
    Prod,
    #[strum(message = "Staging")]
    Staging,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, SmartDefault)]
#[serde(default, deny_unknown_fields)]
pub struct Platform {
    /// Default `prod`.
    #[default(Environment::Prod)]
    pub environment: Environment,
    /// AZs, 2 or 3. Default 2: the minimum for Multi-AZ at the lowest cost.
    #[default(2)]
    pub az_count: u32,
    /// Default `vpc_endpoints`: at two AZs the endpoints cost less than NAT
    /// gateways and keep tasks private (ADR 0006).
    #[default(Egress::VpcEndpoints)]
    pub egress: Egress,
    /// Default `valkey`: 20 % cheaper per node than Redis OSS (ADR 0005).
    #[default(CacheEngine::Valkey)]
    pub cache_engine: CacheEngine,
    /// Default `PriceClass_100`: fans are in Europe and North America.
    #[default(PriceClass::PriceClass100)]
    pub cdn_price_class: PriceClass,
    /// Default pay-as-you-go.
    #[default(CdnPricing::PayAsYouGo)]
    pub cdn_pricing: CdnPricing,
    /// Monthly budget, USD; 0 = none. Default 0.
    #[default(0.0)]
    pub monthly_budget_usd: f64,
}

/// How ECS target tracking reacts, and how long a task takes to serve.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, SmartDefault)]
#[serde(default, deny_unknown_fields)]
pub struct Scaling {
    /// Scale on CPU and ALB requests per target. Default true.
    #[default(true)]
    pub autoscaling_enabled: bool,
    /// Scheduled actions raise min capacity before each kickoff. Default true.
    #[default(true)]
    pub prescale_enabled: bool,
    /// Minutes before kickoff that the pre-scale action fires. Default 20:
    /// covers the pre-game ramp's second half plus task start.
    #[default(20.0)]
    pub prescale_lead_minutes: f64,
    /// CloudWatch metric period for target tracking, seconds. Default 60
    /// (standard resolution).
    #[default(60.0)]
    pub metric_period_s: f64,
    /// Datapoints above target before scale-out. Default 3 (AWS: 3 of 3).
    #[default(3)]
    pub scale_out_datapoints: u32,
    /// Datapoints below target before scale-in. Default 15 (AWS: 15 of 15).
    #[default(15)]
    pub scale_in_datapoints: u32,
    /// Scale-out cooldown, seconds. Default 60: kickoff needs a fast second step.
    #[default(60.0)]
    pub scale_out_cooldown_s: f64,
    /// Scale-in cooldown, seconds. Default 300 (the ECS default).
    #[default(300.0)]
    pub scale_in_cooldown_s: f64,
    /// **Assumption.** Seconds from launch to the app listening (image pull
    /// and Node start). Default 60.
    #[default(60.0)]
    pub task_start_s: f64,
    /// ALB health check interval, seconds. Default 10.
    #[default(10.0)]
    pub health_check_interval_s: f64,
    /// Healthy checks before a target serves. Default 2.
    #[default(2)]
    pub healthy_threshold: u32,
    /// Simulation step, seconds, 1–10. Default 10.
    #[default(10.0)]
    pub sim_step_s: f64,
    /// Autoscaling ceiling as a multiple of the planned peak tasks. Default
    /// 2: room for twice the forecast before the service stops growing.
    #[default(2.0)]
    pub max_tasks_over_peak: f64,
    /// Seconds before a CloudWatch datapoint is visible to the alarm.
    /// Default 60: one-minute metrics arrive about a period late.
    #[default(60.0)]
    pub metric_delay_s: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, SmartDefault)]
#[serde(default, deny_unknown_fields)]
pub struct SloTargets {
    /// 95th-percentile staleness of what a fan sees, seconds. Default 3:
    /// the seed's "within 2–3 s".
    #[default(3.0)]
    pub freshness_p95_s: f64,
    /// Highest error share allowed in any simulation step. Default 0.05.
    #[default(0.05)]
    pub max_error_share: f64,
}

/// Capacity and traffic coefficients. Each is a named default the user can
/// change; sources are in `docs/capacity-model.md`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, SmartDefault)]
#[serde(default, deny_unknown_fields)]
pub struct Coefficients {
    /// Hours in a billing month. Default 730 (AWS Pricing Calculator).
    #[default(super::cost::HOURS_PER_MONTH)]
    pub hours_per_month: f64,
    /// Regional edge caches that fetch a key from the origin when Origin
    /// Shield is off. Default 13 (AWS's regional edge cache count).
    #[default(13.0)]
    pub cdn_origin_fetchers_without_shield: f64,
    /// **Assumption.** Share of requests reaching Origin Shield that come
    /// through the regional edge cache in its own Region (us-east-1), 0–1:
    /// CloudFront does not charge Origin Shield for those. Default 0.077
    /// (1/13): viewers spread evenly over the 13 regional edge caches of
    /// `cdn_origin_fetchers_without_shield`. An audience mostly in the
    /// eastern US is higher, a European one near 0.
    #[default(0.077)]
    pub cdn_shield_region_share: f64,
    /// **Assumption.** Simple indexed MySQL queries per second per vCPU at
    /// 70 % CPU. Default 1,500.
    #[default(1_500.0)]
    pub db_queries_per_vcpu: f64,
    /// RDS max_connections = instance memory (bytes) / this. Default
    /// 12,582,880 (the MySQL parameter group formula).
    #[default(12_582_880.0)]
    pub db_bytes_per_connection: f64,
    /// Share of max_connections the planner lets pools use. Default 0.8.
    #[default(0.8)]
    pub db_connection_headroom: f64,
    /// Share of instance memory InnoDB's buffer pool gets. Default 0.75
    /// (RDS default `{DBInstanceClassMemory*3/4}`).
    #[default(0.75)]
    pub db_buffer_pool_share: f64,
    /// **Assumption.** Redis/Valkey operations per second one node vCPU
    /// sustains (single-threaded engine, small values). Default 50,000.
    #[default(50_000.0)]
    pub cache_ops_per_vcpu: f64,
    /// Share of node memory usable for data (ElastiCache reserves 25 %).
    /// Default 0.75.
    #[default(0.75)]
    pub cache_usable_memory_share: f64,
    /// Cache memory per GB of working set (keys, overhead). Default 1.3.
    #[default(1.3)]
    pub cache_overhead_factor: f64,
    /// Log bytes per origin request. Default 300.
    #[default(300.0)]
    pub log_bytes_per_request: f64,
    /// Other outbound traffic per task-hour through egress, GB. Default 0.05.
    #[default(0.05)]
    pub egress_gb_per_task_hour: f64,
    /// Interface endpoints `terraform/` creates with `vpc_endpoints` egress:
    /// the tasks' five (ecr.api, ecr.dkr, logs, secretsmanager, sts,
    /// `locals.tf`) and break-glass's two (ssmmessages, kms,
    /// `break_glass.tf`). Default 7 (a contract test counts them).
    #[default(7)]
    pub interface_endpoints: u32,
    /// ALB listener rules evaluated per request. Default 3.
    #[default(3)]
    pub alb_rules: u32,
    /// CloudWatch alarms in `terraform/` besides the one per read replica,
    /// which the plan adds: 12 in `monitoring.tf` and `job-failed` and
    /// `backup-age` in `jobs.tf`. Default 14 (a contract test counts them in
    /// the files).
    #[default(14)]
    pub alarms: u32,
    /// CloudWatch dashboards. Default 1.
    #[default(1)]
    pub dashboards: u32,
    /// Share of ALB→task traffic that crosses AZs. Default 0.5.
    #[default(0.5)]
    pub cross_az_share: f64,
    /// Route 53 queries per fan per match that are not alias queries.
    /// Default 0: all records are aliases to AWS resources (free).
    #[default(0.0)]
    pub dns_queries_per_fan: f64,
    /// Requests CloudFront sends over one origin connection before opening
    /// a new one (keep-alive reuse). Default 100.
    #[default(100.0)]
    pub alb_requests_per_connection: f64,
    /// **Assumption.** CPU cost of one SSE message relative to one polled
    /// request. Default 0.25: no TLS handshake or routing, one write.
    #[default(0.25)]
    pub sse_message_cost: f64,
    /// Share of asset requests CloudFront answers from cache. Default 0.98.
    #[default(0.98)]
    pub asset_cdn_hit_ratio: f64,
    /// Share of the database changed per day (drives RDS backup storage).
    /// Default 0.05.
    #[default(0.05)]
    pub db_daily_change_share: f64,
    /// **Assumption.** Storage IOPS per MySQL write (the row, plus redo log
    /// and binlog flushes amortised by group commit). Default 2.
    #[default(2.0)]
    pub db_iops_per_write: f64,
    /// **Assumption.** Storage IOPS per MySQL read: the share of reads that
    /// miss the buffer pool once the working set fits in memory. Default 0.05.
    #[default(0.05)]
    pub db_iops_per_read: f64,
    /// Cache operations per commentary event (SET of the refreshed feed,
    /// PUBLISH to streaming tasks). Default 2.
    #[default(2.0)]
    pub cache_ops_per_event: f64,
    /// **Assumption.** Bytes on the wire per MySQL query (a few commentary
    /// rows plus protocol overhead), for cross-AZ traffic. Default 2,000.
    #[default(2_000.0)]
    pub db_bytes_per_query: f64,
    /// Connections each Node process holds to Redis/Valkey (one for
    /// commands, one subscribed to the commentary channel). Default 2.
    #[default(2)]
    pub cache_connections_per_process: u32,
    /// Whether CloudFront's cache tiers (edge, regional edge cache, Origin
    /// Shield) count a copy's `Age` against their TTL. Default false: AWS
    /// does not document it, so each tier is assumed to keep what it fetched
    /// for a full TTL and staleness adds up across tiers (the worst case).
    /// Set true once measured (the edge's `Age` header never above the TTL).
    #[default(false)]
    pub cdn_tiers_honour_age: bool,
}

/// A failure injected into the match-day simulation (`docs/drills.md`).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Serialize,
    VariantArray,
    VariantNames,
    IntoStaticStr,
    EnumString,
    EnumMessage,
)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum DrillKind {
    /// The Valkey primary fails; a replica is promoted, or a new empty node
    /// replaces it.
    #[strum(message = "cache primary fails")]
    CacheFailover,
    /// RDS Multi-AZ failover of the MySQL writer.
    #[strum(message = "MySQL writer fails over")]
    DbFailover,
    /// One Availability Zone disappears with everything in it.
    #[strum(message = "an Availability Zone is lost")]
    AzLoss,
    /// A rolling deploy of the API at the drill time.
    #[strum(message = "rolling deploy mid-match")]
    DeployMidMatch,
    /// Every Fargate Spot task is reclaimed.
    #[strum(message = "every Spot task reclaimed")]
    SpotReclaim,
    /// The API answers 5xx for `drills.origin_outage_s`.
    #[strum(message = "the API answers 5xx")]
    OriginOutage,
}

impl DrillKind {
    /// The drill's name (`cache-failover`).
    pub fn name(self) -> &'static str {
        self.into()
    }
}

/// `selected` sorted and without repeats, as `sort_unstable` + `dedup` would
/// give (the derived order is the declaration order of [`VARIANTS`]), but
/// without a sort of its own in the browser bundle.
///
/// [`VARIANTS`]: strum::VariantArray::VARIANTS
pub fn drills_in_order(selected: &[DrillKind]) -> Vec<DrillKind> {
    <DrillKind as strum::VariantArray>::VARIANTS
        .iter()
        .copied()
        .filter(|k| selected.contains(k))
        .collect()
}

/// Match-day drills: which ones count towards the `survives_drills` SLO,
/// when they start, what a drill may cost fans, and the durations they rest
/// on. Sources of the durations: `docs/drills.md`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, SmartDefault)]
#[serde(default, deny_unknown_fields)]
pub struct Drills {
    /// Drills the plan runs and the `survives_drills` SLO counts. Default
    /// none: the default scenario does not pass every drill (its single
    /// writer stalls the feed during a failover), and a default plan must
    /// pass its own SLOs; select drills to hold a plan to them.
    pub selected: Vec<DrillKind>,
    /// When the drill starts, seconds from kickoff. Default 0: kickoff, the
    /// busiest step.
    #[default(0.0)]
    pub at_s: f64,
    /// Highest error share a drill may cause in any step. Default 0.05 (the
    /// kickoff error SLO).
    #[default(0.05)]
    pub max_error_share: f64,
    /// Highest p95 staleness of the feed during a drill, seconds. Default
    /// 30: two commentary events late at 4 a minute; the everyday freshness
    /// SLO stays `slo.freshness_p95_s`.
    #[default(30.0)]
    pub max_staleness_s: f64,
    /// **Assumption.** Seconds the cache is unreachable while ElastiCache
    /// promotes a replica (failure detection, promotion, DNS). Default 30:
    /// AWS documents no figure; measure with `TestFailover`.
    #[default(30.0)]
    pub cache_failover_s: f64,
    /// **Assumption.** Seconds until ElastiCache replaces a failed node that
    /// has no replica (the new node starts empty). Default 600.
    #[default(600.0)]
    pub cache_node_replace_s: f64,
    /// **Assumption.** Seconds for an empty cache to refill to its normal
    /// hit ratio (linear), as misses repopulate keys. Default 60.
    #[default(60.0)]
    pub cache_refill_s: f64,
    /// RDS Multi-AZ (one standby) failover, seconds. Default 120: AWS
    /// documents 60–120 s typically; the upper end.
    #[default(120.0)]
    pub db_failover_s: f64,
    /// Failover time through RDS Proxy, as a share of `db_failover_s`.
    /// Default 0.34: AWS says the proxy cuts failover by up to 66 %.
    #[default(0.34)]
    pub db_failover_proxy_share: f64,
    /// **Assumption.** Seconds a lost AZ stays away: what is only in it (a
    /// single-AZ writer) is down that long. Default 1,800.
    #[default(1_800.0)]
    pub az_outage_s: f64,
    /// Fargate Spot's interruption warning, seconds. Default 120 (AWS).
    #[default(120.0)]
    pub spot_warning_s: f64,
    /// Seconds the API answers 5xx in the origin-outage drill. Default 60.
    #[default(60.0)]
    pub origin_outage_s: f64,
    /// ECS deployment minimum healthy percent. Default 100 (as
    /// `terraform/ecs.tf` deploys): the old tasks serve until the new pass
    /// their health checks.
    #[default(100)]
    pub deploy_min_healthy_percent: u32,
}

/// Pin a sized value instead of letting the planner choose: price "what we
/// run today", or a deliberate choice. `None` = planner decides.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Overrides {
    pub task_memory_gb: Option<f64>,
    pub min_tasks: Option<u32>,
    pub max_tasks: Option<u32>,
    pub db_instance_class: Option<String>,
    pub db_read_replicas: Option<u32>,
    /// `false` = no cache tier at all (the seed setup).
    pub cache_enabled: Option<bool>,
    pub cache_node_type: Option<String>,
    pub cache_replicas: Option<u32>,
}

impl Scenario {
    /// This scenario with no drill selected (borrowed when none is): what
    /// the browser plans on every keystroke (the drills run in its worker)
    /// and what the optimizer plans before running the drills itself.
    pub fn without_drills(&self) -> std::borrow::Cow<'_, Scenario> {
        if self.drills.selected.is_empty() {
            std::borrow::Cow::Borrowed(self)
        } else {
            let mut t = self.clone();
            t.drills.selected.clear();
            std::borrow::Cow::Owned(t)
        }
    }

    /// The seed's failing setup on the same demand: one 0.25 vCPU / 0.5 GB
    /// task that never scales, a db.t4g.micro without standby, no cache, and
    /// a CDN that passes every feed request through (TTL 0), and fans polling
    /// every 2 s as they did.
    ///
    /// # Example
    /// ```
    /// let today = kickoff::model::Scenario::default().seed_setup();
    /// assert_eq!(today.overrides.max_tasks, Some(1));
    /// ```
    pub fn seed_setup(&self) -> Scenario {
        let mut s = self.clone();
        s.app.task_vcpu = 0.25;
        s.app.spot_share = 0.0;
        s.app.on_demand_base_tasks = 1;
        s.delivery.poll_interval_s = 2.0;
        s.delivery.cdn_live_ttl_s = 0.0;
        s.delivery.origin_shield = false;
        s.data.multi_az = false;
        s.scaling.autoscaling_enabled = false;
        s.scaling.prescale_enabled = false;
        s.overrides = Overrides {
            task_memory_gb: Some(0.5),
            min_tasks: Some(1),
            max_tasks: Some(1),
            db_instance_class: Some("db.t4g.micro".into()),
            db_read_replicas: Some(0),
            cache_enabled: Some(false),
            cache_node_type: None,
            cache_replicas: None,
        };
        s
    }

    /// Peak fans including design headroom.
    pub fn design_fans(&self) -> f64 {
        f64::from(self.peak_concurrent_fans) * (1.0 + self.audience.design_headroom_pct / 100.0)
    }
}

/// The choice enums read themselves through their `FromStr` (strum, the same
/// names serde writes: `inputs::tests::enum_options_are_the_serde_names`),
/// with serde's own "unknown variant" error. One small function per enum
/// instead of serde's derived visitor keeps the browser bundle under its
/// 300,000-byte brotli budget.
macro_rules! deserialize_by_name {
    ($($t:ty),* $(,)?) => {$(
        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let name = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                name.parse()
                    .map_err(|_| serde::de::Error::unknown_variant(&name, <$t as strum::VariantNames>::VARIANTS))
            }
        }
    )*};
}

deserialize_by_name!(
    DeliveryMode,
    Arch,
    ReplicaPolicy,
    MysqlVersion,
    Egress,
    CacheEngine,
    PriceClass,
    CdnPricing,
    Environment,
    DrillKind
);
