//! Regression tests for the audit in issue 12 ("no plan passes while a tier
//! is saturated or an AWS limit is broken"): each finding's scenario, with
//! the numbers the audit reported, asserting the truthful verdict.

use kickoff::export::{scenario_file, tfvars};
use kickoff::model::{plan, Plan, PriceBook, Scenario};

/// The audit's delivery design, the default when it ran: a poll every 2 s
/// through Origin Shield (the default is now 1 s without Origin Shield, for
/// freshness across CDN tiers). Each finding's scenario is laid over it.
const AUDIT_DESIGN: &str = r#"{"delivery": {"poll_interval_s": 2, "origin_shield": true}}"#;

/// `over` laid onto `base`, object by object.
fn merge(base: &mut serde_json::Value, over: serde_json::Value) {
    match (base, over) {
        (serde_json::Value::Object(b), serde_json::Value::Object(o)) => {
            for (k, v) in o {
                merge(b.entry(k).or_insert(serde_json::Value::Null), v);
            }
        }
        (b, o) => *b = o,
    }
}

fn scenario(json: &str) -> Scenario {
    let mut s: serde_json::Value = serde_json::from_str(AUDIT_DESIGN).unwrap();
    merge(&mut s, serde_json::from_str(json).unwrap());
    scenario_file::from_json(&s.to_string()).unwrap()
}

fn plan_of(json: &str) -> Plan {
    plan(&scenario(json), &PriceBook::embedded()).unwrap()
}

fn slo(p: &Plan, name: &str) -> bool {
    p.slo.iter().find(|v| v.name == name).unwrap().pass
}

fn broken(p: &Plan) -> Vec<&str> {
    p.limits.iter().filter(|l| !l.ok).map(|l| l.id.as_str()).collect()
}

fn check<'a>(p: &'a Plan, id: &str) -> &'a kickoff::model::limits::LimitCheck {
    p.limits
        .iter()
        .find(|l| l.id == id)
        .unwrap_or_else(|| panic!("no {id} check"))
}

/// Finding 1. 400,000 fans, no cache, CDN TTL 0: the audit saw 16 read
/// replicas (MySQL allows 15), the writer at ~235 % and every SLO passing.
/// Now: at most the account's replicas, the writer's overload a broken
/// limit that names the cache as the way out, the plan infeasible and the
/// SLOs failing; at 1 M fans the writer is further over.
#[test]
fn finding_1_an_impossible_database_is_infeasible() {
    let json =
        r#"{"peak_concurrent_fans": 400000, "delivery": {"cdn_live_ttl_s": 0}, "overrides": {"cache_enabled": false}}"#;
    let p = plan_of(json);
    assert!(!p.feasible);
    assert!(p.rds.read_replicas <= 15, "{}", p.rds.read_replicas);
    // Beyond the account's default 5, the replica quota is named too.
    assert!(
        broken(&p).contains(&"db.read_replicas_per_source.default_quota"),
        "{:?}",
        broken(&p)
    );
    let writer = check(&p, "db.writer_cpu");
    // 480,000 design fans × 0.5 polls/s × 2 queries over 16 instances: the
    // writer at 175 % of its CPU (250 % of the 70 % sizing point).
    assert!(!writer.ok && writer.value > 1.7 * writer.limit, "{writer:?}");
    assert!(writer.lift.contains("turn the cache on"), "{}", writer.lift);
    assert!(!slo(&p, "kickoff_error_rate") && !slo(&p, "freshness"));
    assert!(p.match_day.with_prescale.peak_use.db_writer > 1.0);
    let big = plan_of(
        r#"{"peak_concurrent_fans": 1000000, "delivery": {"cdn_live_ttl_s": 0}, "overrides": {"cache_enabled": false}}"#,
    );
    assert!(check(&big, "db.writer_cpu").value > check(&p, "db.writer_cpu").value);
    // `kickoff tfvars` refuses it, naming the limit.
    let why = tfvars::refusal(&p).unwrap();
    assert!(why.contains("db.writer_cpu"), "{why}");
}

/// Finding 2. 2 M fans with a DB pool of 2: one cache.r7g.large at ~120 % of
/// its engine thread and every SLO passing. Now the cache spreads reads over
/// replicas and stays within every node's thread and network at every step;
/// the plan is infeasible on CloudFront's per-distribution request quota
/// (1.2 M polls/s), named with what lifts it; with that quota raised the
/// cache checks still hold.
#[test]
fn finding_2_the_cache_is_sized_for_its_engine_thread() {
    let p = plan_of(r#"{"peak_concurrent_fans": 2000000, "app": {"db_pool_per_task": 2}}"#);
    let cdn = check(&p, "cdn.requests_per_s_per_distribution");
    assert!(!cdn.ok && cdn.lift.contains("limit_overrides"), "{cdn:?}");
    for id in [
        "cache.engine_ops",
        "cache.network_baseline_gbps",
        "cache.maxmemory_bytes",
    ] {
        assert!(check(&p, id).ok, "{:?}", check(&p, id));
    }
    let raised = plan_of(
        r#"{"peak_concurrent_fans": 2000000, "app": {"db_pool_per_task": 2},
            "limit_overrides": {"cdn.requests_per_s_per_distribution": 5000000, "cdn.data_transfer_gbps_per_distribution": 1000}}"#,
    );
    let c = raised.cache.as_ref().unwrap();
    assert!(c.replicas >= 2, "{c:?}");
    assert!(raised.match_day.with_prescale.peak_use.cache_ops <= 1.0);
    assert!(check(&raised, "cache.engine_ops").ok);
}

/// Finding 3. Plans put 1,000–2,000 tasks behind one target group (quota
/// 1,000 targets). Now the planner picks a larger task so a deploy's old and
/// new tasks fit the target quota; when no Fargate size fits, the plan is
/// infeasible on the quota and says to ask AWS.
#[test]
fn finding_3_tasks_fit_the_alb_target_quota() {
    let p = plan_of(
        r#"{"peak_concurrent_fans": 1000000, "delivery": {"cdn_live_ttl_s": 0}, "overrides": {"cache_enabled": false}}"#,
    );
    assert!(p.fargate.task_vcpu > 1.0, "{}", p.fargate.task_vcpu);
    assert!(check(&p, "alb.targets_per_target_group").ok);
    assert!(check(&p, "alb.targets_per_target_group").value <= 1_000.0);
    // 100 req/s per vCPU: 16 vCPU tasks would still need ~3,000 targets.
    let slow = plan_of(
        r#"{"peak_concurrent_fans": 1000000, "delivery": {"cdn_live_ttl_s": 0}, "app": {"rps_per_vcpu": 100}}"#,
    );
    let targets = check(&slow, "alb.targets_per_target_group");
    assert!(!targets.ok && targets.adjustable, "{targets:?}");
    assert!(targets.lift.starts_with("ask AWS"), "{}", targets.lift);
    assert!(!slow.feasible);
}

/// Finding 4. The plan priced RDS Proxy because the pools exceed
/// max_connections, then failed the deploy check on the same connections.
/// 100,000 fans with a pool of 100: now the deploy check counts the proxy.
#[test]
fn finding_4_the_deploy_check_counts_rds_proxy() {
    let p = plan_of(r#"{"peak_concurrent_fans": 100000, "app": {"db_pool_per_task": 100}}"#);
    assert!(p.rds.needs_proxy);
    assert!(p
        .services
        .iter()
        .flat_map(|c| &c.items)
        .any(|i| i.price_id == "rds.proxy_vcpu_hour"));
    assert!(slo(&p, "zero_downtime_deploy"), "{:?}", p.slo);
    assert!(check(&p, "db.mysql.max_connections").ok);
    // Without the proxy's headroom the same pools break max_connections:
    // pinning the smallest class that holds them directly is not needed.
    assert!(p.rds.connections_at_max_tasks > p.rds.max_connections);
}

/// Finding 5. The error share was 1 − cμ/λ per step, the same for a 30 s and
/// a 300 s task start, and for 1 s and 300 s kickoff spikes. Now requests
/// queue and fail at the timeout, so a longer overload fails more.
#[test]
fn finding_5_errors_depend_on_how_long_an_overload_lasts() {
    let run = |json: &str| {
        let p = plan_of(json);
        let r = p.match_day.chosen(&p.fargate).clone();
        (r.failed_share, r.seconds_over_error_slo)
    };
    let start_30 =
        run(r#"{"delivery": {"cdn_live_ttl_s": 0}, "scaling": {"prescale_enabled": false, "task_start_s": 30}}"#);
    let start_300 =
        run(r#"{"delivery": {"cdn_live_ttl_s": 0}, "scaling": {"prescale_enabled": false, "task_start_s": 300}}"#);
    assert!(start_300.0 > 1.5 * start_30.0, "{start_30:?} {start_300:?}");
    assert!(start_300.1 > start_30.1);
    let spike_1 = run(
        r#"{"delivery": {"cdn_live_ttl_s": 0}, "scaling": {"prescale_enabled": false}, "match_day": {"kickoff_spike_seconds": 1}}"#,
    );
    let spike_300 = run(
        r#"{"delivery": {"cdn_live_ttl_s": 0}, "scaling": {"prescale_enabled": false}, "match_day": {"kickoff_spike_seconds": 300}}"#,
    );
    assert!(
        spike_1.0 > spike_300.0 && spike_1.1 > spike_300.1,
        "{spike_1:?} {spike_300:?}"
    );
}

/// Finding 6. 100 off-peak fans polling every 2 s all month were a third
/// of the default bill ($723 → $481 with none); a month without match days
/// cost $566; 1,000 off-peak fans $2,416. Off-peak readers now browse the
/// archive: a few dollars.
#[test]
fn finding_6_off_peak_readers_browse_the_archive() {
    let default = plan_of("{}").total_monthly_usd;
    let none = plan_of(r#"{"audience": {"off_peak_fans": 0}}"#).total_monthly_usd;
    let thousand = plan_of(r#"{"audience": {"off_peak_fans": 1000}}"#).total_monthly_usd;
    let no_games = plan_of(r#"{"audience": {"match_days_per_month": 0}}"#).total_monthly_usd;
    assert!(default - none < 0.03 * default, "{default} vs {none}");
    assert!(thousand - default < 0.5 * default, "{thousand} vs {default}");
    assert!(no_games < none, "{no_games} vs {none}");
    // The archive's TTL is what keeps the origin quiet.
    let uncached = plan_of(r#"{"audience": {"off_peak_fans": 1000}, "delivery": {"archive_ttl_s": 0}}"#);
    assert!(
        uncached.demand.off_peak.origin_rps
            > 10.0
                * plan_of(r#"{"audience": {"off_peak_fans": 1000}}"#)
                    .demand
                    .off_peak
                    .origin_rps
    );
}

/// Finding 8, freshness: it was taken only over passing steps, so it could
/// fall as overload grew. Now every step counts, failing ones with the
/// retries they force: more overload, more staleness. (On the audit's
/// design; the staleness follows the longest failing streak, which depends
/// on how autoscaling catches up, not only on the fans.)
#[test]
fn finding_8_freshness_never_falls_as_overload_grows() {
    let fresh = |fans: u32| {
        let p = plan_of(&format!(
            r#"{{"peak_concurrent_fans": {fans}, "delivery": {{"cdn_live_ttl_s": 0}}, "scaling": {{"prescale_enabled": false}}}}"#
        ));
        let v = p.slo.iter().find(|v| v.name == "freshness").unwrap();
        v.measured.trim_end_matches(" s").parse::<f64>().unwrap()
    };
    let mut last = 0.0;
    for fans in [2_000, 5_000, 10_000, 20_000, 40_000] {
        let f = fresh(fans);
        assert!(f >= last, "{fans} fans: {f} s < {last} s");
        last = f;
    }
}

/// Finding 8, the pre-scale lead: from ~600 k fans the 30-minute ramp
/// overloaded the off-peak floor before the 20-minute pre-scale fired. The
/// planner now exports a longer lead, and its verdict and its tfvars agree.
#[test]
fn finding_8_the_exported_lead_covers_the_ramp() {
    let json = r#"{"peak_concurrent_fans": 600000,
        "limit_overrides": {"cdn.requests_per_s_per_distribution": 2000000, "cdn.data_transfer_gbps_per_distribution": 1000}}"#;
    let s = scenario(json);
    let p = plan(&s, &PriceBook::embedded()).unwrap();
    assert!(p.feasible, "{:?}", p.broken_limits());
    assert!(
        p.fargate.prescale_lead_minutes > 20.0,
        "{}",
        p.fargate.prescale_lead_minutes
    );
    assert!(slo(&p, "kickoff_error_rate"), "{:?}", p.slo);
    let windows = tfvars::prescale_windows(&s, &p);
    let lead = p.fargate.prescale_lead_minutes as i64;
    // Saturday 15:00 minus the lead.
    let up = 15 * 60 - lead;
    assert_eq!(
        windows[0].scale_up_cron,
        format!("cron({} {} ? * SAT *)", up % 60, up / 60)
    );
}

/// Finding 8, the bill: priced on design fans (peak × headroom). Now
/// headroom sizes capacity and spend follows expected fans: more headroom
/// never lowers capacity, and the traffic bill does not grow with it.
#[test]
fn finding_8_spend_follows_expected_fans() {
    let base = plan_of(r#"{"peak_concurrent_fans": 50000, "audience": {"design_headroom_pct": 0}}"#);
    let head = plan_of(r#"{"peak_concurrent_fans": 50000, "audience": {"design_headroom_pct": 100}}"#);
    assert_eq!(base.cdn.requests_per_month, head.cdn.requests_per_month);
    assert!(head.fargate.peak_tasks > base.fargate.peak_tasks);
}

/// Finding 8, max_connections: nominal RAM gave ~10 % too many. db.r7g.large
/// (16 GiB): AWS says "around 1,300".
#[test]
fn finding_8_max_connections_from_class_memory() {
    let p = plan_of(r#"{"overrides": {"db_instance_class": "db.r7g.large"}}"#);
    assert_eq!(p.rds.max_connections, 1_299);
}

/// Finding 8, payload: CPU per request now grows with the payload.
#[test]
fn finding_8_larger_payloads_need_more_tasks() {
    let small = plan_of(r#"{"peak_concurrent_fans": 200000, "delivery": {"cdn_live_ttl_s": 0}}"#);
    let large = plan_of(r#"{"peak_concurrent_fans": 200000, "delivery": {"cdn_live_ttl_s": 0, "payload_kb": 100}}"#);
    assert!(large.fargate.peak_tasks > small.fargate.peak_tasks);
}
