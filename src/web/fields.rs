//! The input table: one row per editable scenario field. The form is
//! generated from this table; no field has its own component.

use crate::model::catalog::{CACHE_NODES, DB_CLASSES};

/// How a field is entered and stored.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    /// Whole number ≥ 0 (`u32`).
    Int,
    /// Decimal number.
    Num,
    /// Checkbox.
    Bool,
    /// Select; (JSON value, label).
    Choice(&'static [(&'static str, &'static str)]),
    /// An optional whole number: empty = the planner decides.
    OptInt,
    /// An optional decimal: empty = the planner decides (for a price
    /// override: the embedded price).
    OptNum,
    /// An optional select: empty = the planner decides. The values `true`
    /// and `false` are stored as JSON booleans.
    OptChoice(&'static [(&'static str, &'static str)]),
}

/// One editable field.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Field {
    /// Dotted path as in the scenario JSON (and in `FieldError::field`).
    pub path: &'static str,
    pub label: &'static str,
    pub unit: &'static str,
    pub help: &'static str,
    pub kind: Kind,
}

/// A group of fields shown as one fieldset.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Section {
    pub id: &'static str,
    pub title: &'static str,
    /// Folded by default (`<details>`).
    pub folded: bool,
    pub fields: &'static [Field],
}

impl Field {
    /// The DOM id of the input: the path with dots as dashes
    /// (`peak_concurrent_fans`, `delivery-poll_interval_s`).
    pub fn dom_id(&self) -> String {
        self.path.replace('.', "-")
    }
}

/// Select options (value, label) naming every entry of a catalog table,
/// built at compile time so the form offers exactly the classes the model
/// knows.
macro_rules! name_options {
    ($table:expr) => {{
        let mut out = [("", ""); $table.len()];
        let mut i = 0;
        while i < out.len() {
            out[i] = ($table[i].name, $table[i].name);
            i += 1;
        }
        out
    }};
}

const DB_CLASS_OPTIONS: [(&str, &str); DB_CLASSES.len()] = name_options!(DB_CLASSES);
const CACHE_NODE_OPTIONS: [(&str, &str); CACHE_NODES.len()] = name_options!(CACHE_NODES);

const fn f(path: &'static str, label: &'static str, unit: &'static str, help: &'static str, kind: Kind) -> Field {
    Field {
        path,
        label,
        unit,
        help,
        kind,
    }
}

use Kind::*;

/// The hand-written sections; [`sections`] adds one input per price-book entry.
const STATIC_SECTIONS: &[Section] = &[
    Section {
        id: "audience",
        title: "Audience",
        folded: false,
        fields: &[
            f(
                "peak_concurrent_fans",
                "Peak concurrent fans",
                "fans",
                "Fans online at the busiest moment of a match day, all games together.",
                Int,
            ),
            f(
                "audience.design_headroom_pct",
                "Design headroom",
                "%",
                "Extra capacity on top of the expected peak (derbies, surprises).",
                Num,
            ),
            f(
                "audience.simultaneous_games",
                "Simultaneous games",
                "games",
                "Games live at the same time.",
                Int,
            ),
            f(
                "audience.match_days_per_month",
                "Match days",
                "per month",
                "Match days in a month.",
                Int,
            ),
            f(
                "audience.off_peak_fans",
                "Off-peak fans",
                "fans",
                "Fans reading old commentary outside match windows.",
                Int,
            ),
        ],
    },
    Section {
        id: "delivery",
        title: "Delivery",
        folded: false,
        fields: &[
            f(
                "delivery.mode",
                "Delivery mode",
                "",
                "Polling is cacheable at the CDN; SSE streams are not.",
                Choice(&[("polling", "Polling"), ("sse", "Server-sent events")]),
            ),
            f(
                "delivery.poll_interval_s",
                "Poll interval",
                "s",
                "Seconds between two polls of the feed by one fan.",
                Num,
            ),
            f(
                "delivery.payload_kb",
                "Feed payload",
                "KB",
                "Size of one compressed feed response.",
                Num,
            ),
            f(
                "delivery.cdn_live_ttl_s",
                "CDN TTL (live feed)",
                "s",
                "Micro-cache time of the live feed at CloudFront.",
                Num,
            ),
            f(
                "delivery.cacheable_share",
                "Cacheable share",
                "0–1",
                "Share of feed requests the CDN may cache.",
                Num,
            ),
            f(
                "delivery.origin_shield",
                "Origin Shield",
                "",
                "One regional cache fetches from the origin.",
                Bool,
            ),
            f(
                "delivery.feed_keys_per_game",
                "Feed URLs per game",
                "keys",
                "Distinct cache keys per live game.",
                Int,
            ),
            f(
                "delivery.page_views_per_fan",
                "Page views",
                "per fan per match",
                "Full page loads per fan.",
                Num,
            ),
            f(
                "delivery.assets_per_page_view",
                "Assets per page view",
                "requests",
                "JS, CSS, crests and images per page view.",
                Num,
            ),
            f(
                "delivery.asset_kb",
                "Asset size",
                "KB",
                "Average static asset response.",
                Num,
            ),
        ],
    },
    Section {
        id: "writes",
        title: "Writes",
        folded: false,
        fields: &[
            f(
                "writes.events_per_minute_per_game",
                "Commentary events",
                "per min per game",
                "Events in normal play.",
                Num,
            ),
            f(
                "writes.burst_events_per_minute_per_game",
                "Burst events",
                "per min per game",
                "Events during a goal burst.",
                Num,
            ),
        ],
    },
    Section {
        id: "app",
        title: "App tier",
        folded: false,
        fields: &[
            f(
                "app.rps_per_vcpu",
                "Throughput per vCPU",
                "req/s",
                "Assumption until load-tested: cached JSON requests one vCPU serves.",
                Num,
            ),
            f(
                "app.target_utilization",
                "Target utilisation",
                "0–1",
                "CPU utilisation the plan sizes to.",
                Num,
            ),
            f(
                "app.task_vcpu",
                "Task size",
                "vCPU",
                "vCPU per Fargate task (0.25, 0.5, 1, 2, 4…).",
                Num,
            ),
            f(
                "app.arch",
                "CPU architecture",
                "",
                "Graviton (arm64) is ~20 % cheaper per vCPU-hour.",
                Choice(&[("arm64", "arm64 (Graviton)"), ("x86_64", "x86_64")]),
            ),
            f(
                "app.spot_share",
                "Spot share",
                "0–1",
                "Share of tasks above the base that run on Fargate Spot.",
                Num,
            ),
            f(
                "app.on_demand_base_tasks",
                "On-demand base",
                "tasks",
                "Tasks always on on-demand capacity.",
                Int,
            ),
            f(
                "app.connection_memory_kb",
                "Memory per connection",
                "KB",
                "Assumption: memory one open connection holds.",
                Num,
            ),
            f(
                "app.db_pool_per_task",
                "DB pool size",
                "connections per task",
                "MySQL connection pool of one task.",
                Int,
            ),
            f(
                "app.request_timeout_s",
                "Request timeout",
                "s",
                "A request waiting longer fails.",
                Num,
            ),
        ],
    },
    Section {
        id: "data",
        title: "Data tier",
        folded: false,
        fields: &[
            f(
                "data.redis_hit_ratio",
                "Cache hit ratio",
                "0–1",
                "Share of origin reads answered by Redis/Valkey.",
                Num,
            ),
            f(
                "data.db_queries_per_uncached_request",
                "Queries per cache miss",
                "queries",
                "MySQL queries per request that misses the cache.",
                Num,
            ),
            f(
                "data.db_writes_per_event",
                "Writes per event",
                "writes",
                "MySQL writes per commentary event.",
                Num,
            ),
            f(
                "data.working_set_gb",
                "DB working set",
                "GB",
                "Hot data that must fit in the buffer pool.",
                Num,
            ),
            f(
                "data.cache_working_set_gb",
                "Cache working set",
                "GB",
                "Data held in Redis/Valkey.",
                Num,
            ),
            f("data.db_data_gb", "Database size", "GB", "Database size today.", Num),
            f(
                "data.db_growth_gb_per_month",
                "Database growth",
                "GB per month",
                "How fast the database grows.",
                Num,
            ),
            f(
                "data.multi_az",
                "Multi-AZ database",
                "",
                "Standby in a second AZ.",
                Bool,
            ),
            f(
                "data.read_replicas",
                "Read replicas",
                "",
                "Auto adds replicas when reads outgrow the writer; pin a count under Overrides.",
                Choice(&[("auto", "auto"), ("none", "none: grow the writer")]),
            ),
        ],
    },
    Section {
        id: "storage",
        title: "Storage",
        folded: false,
        fields: &[
            f(
                "storage.assets_gb",
                "Assets",
                "GB",
                "Crests, photos and bundles in S3 today.",
                Num,
            ),
            f(
                "storage.assets_growth_gb_per_month",
                "Asset growth",
                "GB per month",
                "New assets each month.",
                Num,
            ),
            f(
                "storage.archive_mb_per_game",
                "Archive per game",
                "MB",
                "Commentary archived per game.",
                Num,
            ),
            f(
                "storage.backup_every_hours",
                "Backup every",
                "hours",
                "Logical backups to S3 (RPO).",
                Int,
            ),
            f(
                "storage.backup_retention_days",
                "Backup retention",
                "days",
                "Days logical backups are kept.",
                Int,
            ),
            f(
                "storage.archive_ia_after_days",
                "Archive → Standard-IA",
                "days (0 never)",
                "Lifecycle transition of the archive.",
                Int,
            ),
            f(
                "storage.archive_glacier_ir_after_days",
                "Archive → Glacier IR",
                "days (0 never)",
                "Lifecycle transition of the archive.",
                Int,
            ),
            f(
                "storage.log_retention_days",
                "Log retention",
                "days",
                "CloudWatch Logs retention (1, 3, 5, 7, 14, 30, 60, 90…).",
                Int,
            ),
        ],
    },
    Section {
        id: "platform",
        title: "Platform choices",
        folded: false,
        fields: &[
            f(
                "platform.environment",
                "Environment",
                "",
                "Production or staging.",
                Choice(&[("prod", "Production"), ("staging", "Staging")]),
            ),
            f("platform.az_count", "Availability zones", "AZs", "2 or 3.", Int),
            f(
                "platform.egress",
                "Egress",
                "",
                "How private tasks reach AWS APIs and the internet.",
                Choice(&[
                    ("vpc_endpoints", "VPC endpoints"),
                    ("single_nat", "One NAT gateway"),
                    ("nat_per_az", "NAT gateway per AZ"),
                    ("public_subnets", "Public subnets"),
                ]),
            ),
            f(
                "platform.cache_engine",
                "Cache engine",
                "",
                "Valkey is ~20 % cheaper per node than Redis OSS.",
                Choice(&[("valkey", "Valkey"), ("redis", "Redis OSS")]),
            ),
            f(
                "platform.cdn_price_class",
                "CDN price class",
                "",
                "Edge locations CloudFront serves from.",
                Choice(&[
                    ("PriceClass_100", "100 (NA + EU)"),
                    ("PriceClass_200", "200"),
                    ("PriceClass_All", "All"),
                ]),
            ),
            f(
                "platform.cdn_pricing",
                "CDN pricing",
                "",
                "Pay-as-you-go or a flat-rate plan.",
                Choice(&[
                    ("pay_as_you_go", "Pay as you go"),
                    ("flat_pro", "Flat: Pro"),
                    ("flat_business", "Flat: Business"),
                    ("flat_premium", "Flat: Premium"),
                ]),
            ),
            f(
                "platform.monthly_budget_usd",
                "Monthly budget",
                "USD (0 = none)",
                "The plan fails the budget SLO above this.",
                Num,
            ),
            f(
                "scaling.autoscaling_enabled",
                "Autoscaling",
                "",
                "Target tracking on CPU and requests.",
                Bool,
            ),
            f(
                "scaling.prescale_enabled",
                "Pre-scale before kickoff",
                "",
                "Scheduled actions raise capacity before each kickoff.",
                Bool,
            ),
            f(
                "scaling.prescale_lead_minutes",
                "Pre-scale lead",
                "min",
                "Minutes before kickoff the action fires.",
                Num,
            ),
            f(
                "scaling.task_start_s",
                "Task start time",
                "s",
                "Assumption: launch to listening.",
                Num,
            ),
            f(
                "slo.freshness_p95_s",
                "Freshness SLO (p95)",
                "s",
                "How stale what a fan sees may be.",
                Num,
            ),
            f(
                "slo.max_error_share",
                "Error SLO",
                "0–1",
                "Highest error share allowed in any step.",
                Num,
            ),
        ],
    },
    Section {
        id: "overrides",
        title: "Overrides (what runs today, or a choice)",
        folded: true,
        fields: &[
            f(
                "overrides.min_tasks",
                "Min tasks",
                "tasks",
                "Pin the floor. Empty = planner decides.",
                OptInt,
            ),
            f(
                "overrides.max_tasks",
                "Max tasks",
                "tasks",
                "Pin the ceiling. Empty = planner decides.",
                OptInt,
            ),
            f(
                "overrides.task_memory_gb",
                "Task memory",
                "GB",
                "A Fargate size for the task vCPU. Empty = planner decides.",
                OptNum,
            ),
            f(
                "overrides.db_instance_class",
                "DB instance class",
                "",
                "Empty = cheapest class that fits.",
                OptChoice(&DB_CLASS_OPTIONS),
            ),
            f(
                "overrides.db_read_replicas",
                "DB read replicas",
                "replicas",
                "Empty = the replica policy decides.",
                OptInt,
            ),
            f(
                "overrides.cache_enabled",
                "Cache tier",
                "",
                "Try without ElastiCache. Empty = with a cache.",
                OptChoice(&[("true", "with a cache"), ("false", "no cache")]),
            ),
            f(
                "overrides.cache_node_type",
                "Cache node type",
                "",
                "Empty = smallest node that fits.",
                OptChoice(&CACHE_NODE_OPTIONS),
            ),
            f(
                "overrides.cache_replicas",
                "Cache replicas",
                "replicas",
                "Empty = 1 in prod, 0 in staging.",
                OptInt,
            ),
        ],
    },
    Section {
        id: "prices",
        title: "Prices & coefficients",
        folded: true,
        fields: &[
            f(
                "coefficients.hours_per_month",
                "Hours per month",
                "h",
                "Billing hours in a month.",
                Num,
            ),
            f(
                "coefficients.db_queries_per_vcpu",
                "DB queries per vCPU",
                "queries/s",
                "Assumption: MySQL throughput per vCPU.",
                Num,
            ),
            f(
                "coefficients.cache_ops_per_vcpu",
                "Cache ops per vCPU",
                "ops/s",
                "Assumption: Redis/Valkey throughput per vCPU.",
                Num,
            ),
            f(
                "coefficients.log_bytes_per_request",
                "Log bytes per request",
                "bytes",
                "Application + ALB logs per request.",
                Num,
            ),
            f(
                "coefficients.cross_az_share",
                "Cross-AZ share",
                "0–1",
                "Traffic crossing AZs.",
                Num,
            ),
            f(
                "coefficients.asset_cdn_hit_ratio",
                "Asset CDN hit ratio",
                "0–1",
                "Static assets answered at the edge.",
                Num,
            ),
        ],
    },
];

/// Every section, with "Prices & coefficients" extended by one input per
/// price in the embedded price book (its unit on the label; value, source
/// and date as the help text), so any price can be overridden. Built once; the strings live
/// for the page's lifetime.
pub fn sections() -> &'static [Section] {
    static ALL: std::sync::OnceLock<&'static [Section]> = std::sync::OnceLock::new();
    ALL.get_or_init(|| {
        let leak = |t: String| -> &'static str { Box::leak(t.into_boxed_str()) };
        let book = crate::model::PriceBook::embedded();
        let prices = book.prices.iter().map(|p| Field {
            path: leak(format!("price_overrides.{}", p.id)),
            label: leak(p.id.clone()),
            // The book's own unit: most are USD per something, but some are
            // shares, multipliers or free allowances.
            unit: leak(p.unit.clone()),
            help: leak(format!(
                "Embedded: {} — {} ({}, confidence {}). Empty = this price.",
                p.value, p.source, p.date, p.confidence
            )),
            kind: OptNum,
        });
        let sections: Vec<Section> = STATIC_SECTIONS
            .iter()
            .map(|s| {
                if s.id != "prices" {
                    return *s;
                }
                let fields: Vec<Field> = s.fields.iter().copied().chain(prices.clone()).collect();
                Section {
                    fields: Box::leak(fields.into_boxed_slice()),
                    ..*s
                }
            })
            .collect();
        Box::leak(sections.into_boxed_slice())
    })
}

/// All fields in order.
pub fn all() -> impl Iterator<Item = &'static Field> {
    sections().iter().flat_map(|s| s.fields.iter())
}

/// (section index, index in the section) of the field at `path`.
pub fn position(path: &str) -> Option<(usize, usize)> {
    sections()
        .iter()
        .enumerate()
        .find_map(|(i, s)| s.fields.iter().position(|f| f.path == path).map(|j| (i, j)))
}

/// The field for a `FieldError::field` path, if it has an input.
pub fn by_path(path: &str) -> Option<&'static Field> {
    all().find(|f| f.path == path)
}
