//! Property tests: random valid scenarios never panic and never produce
//! NaN or negative money; a plan is feasible exactly when every limit it
//! checks holds; no SLO that depends on a tier passes in a step where that
//! tier is above 100 %; more fans never cost less or run less capacity;
//! invalid scenarios come back with errors naming the field; a plan's sized
//! resources priced as a bill of materials cost the plan's total.
//! 5 properties × 2,500 cases = 12,500 cases; and the money view's cash
//! plan and diff, 3 × 150 cases.

use kickoff::export::bom::{self, Bill};
use kickoff::model::scenario::{Arch, CacheEngine, CdnPricing, DeliveryMode, Egress, Environment, ReplicaPolicy};
use kickoff::model::{plan, PriceBook, Scenario};
use proptest::prelude::*;

fn scenario() -> impl Strategy<Value = Scenario> {
    let a = (
        1u32..1_000_000,
        0.0f64..100.0,
        1u32..12,
        0u32..20,
        prop::sample::select(vec![1.0, 2.0, 3.0, 5.0, 10.0, 15.0]),
        0u32..6,
        0.0f64..=1.0,
        any::<bool>(),
    );
    let b = (
        prop::sample::select(vec![0.25, 0.5, 1.0, 2.0, 4.0]),
        100.0f64..5_000.0,
        0.2f64..0.9,
        0.0f64..=1.0,
        0.0f64..=1.0,
        0.1f64..50.0,
        any::<bool>(),
        prop::sample::select(vec![DeliveryMode::Polling, DeliveryMode::Sse]),
    );
    let c = (
        prop::sample::select(vec![
            Egress::NatPerAz,
            Egress::SingleNat,
            Egress::VpcEndpoints,
            Egress::PublicSubnets,
        ]),
        prop::sample::select(vec![CacheEngine::Valkey, CacheEngine::Redis]),
        prop::sample::select(vec![Environment::Prod, Environment::Staging]),
        any::<bool>(),
        prop::option::of(0u32..4),
        1u32..50,
        prop::sample::select(vec![Arch::Arm64, Arch::X86_64]),
        prop::sample::select(vec![
            CdnPricing::PayAsYouGo,
            CdnPricing::PayAsYouGo,
            CdnPricing::PayAsYouGo,
            CdnPricing::FlatBusiness,
        ]),
        // One plan in four without a cache tier; one in four with the CDN
        // and ALB quotas raised.
        0u8..4,
        0u8..4,
    );
    (a, b, c).prop_map(|(a, b, c)| {
        let mut s = Scenario::default();
        s.peak_concurrent_fans = a.0;
        s.audience.off_peak_fans = s.audience.off_peak_fans.min(a.0);
        s.audience.design_headroom_pct = a.1;
        s.audience.simultaneous_games = a.2;
        s.audience.match_days_per_month = a.3;
        s.delivery.poll_interval_s = a.4;
        s.delivery.cdn_live_ttl_s = f64::from(a.5);
        s.delivery.cacheable_share = a.6;
        s.delivery.origin_shield = a.7;
        s.app.task_vcpu = b.0;
        s.app.rps_per_vcpu = b.1;
        s.app.target_utilization = b.2;
        s.app.spot_share = b.3;
        s.data.redis_hit_ratio = b.4;
        s.data.working_set_gb = b.5;
        s.data.multi_az = b.6;
        s.delivery.mode = b.7;
        s.platform.egress = c.0;
        s.platform.cache_engine = c.1;
        s.platform.environment = c.2;
        s.scaling.prescale_enabled = c.3;
        s.data.read_replicas = if c.4 == Some(0) {
            ReplicaPolicy::None
        } else {
            ReplicaPolicy::Auto
        };
        s.overrides.db_read_replicas = c.4.filter(|&n| n > 0);
        s.app.db_pool_per_task = c.5;
        s.app.arch = c.6;
        s.platform.cdn_pricing = c.7;
        if c.8 == 0 {
            s.overrides.cache_enabled = Some(false);
        }
        if c.9 == 0 {
            for (id, v) in [
                ("cdn.requests_per_s_per_distribution", 5e6),
                ("alb.targets_per_target_group", 5_000.0),
                ("alb.targets_per_alb", 5_000.0),
            ] {
                s.limit_overrides.insert(id.into(), v);
            }
        }
        s
    })
}

/// Whether any f64 in the plan is NaN or infinite. serde_json writes those
/// as `null` without an error, so look in the Debug form, which prints every
/// f64 as it is (`NaN`, `inf`, `-inf`); the ~3,000 simulation steps are
/// checked field by field (formatting them would dominate the suite's time).
fn has_non_finite(p: &kickoff::model::Plan) -> bool {
    let runs = [&p.match_day.with_prescale, &p.match_day.without_prescale];
    let steps_bad = runs.iter().flat_map(|r| &r.steps).any(|st| {
        [
            st.t_s,
            st.fans,
            st.demand_rps,
            st.capacity_rps,
            st.utilization,
            st.p95_s,
            st.error_share,
            st.backlog_s,
        ]
        .into_iter()
        .chain(st.tiers.entries().map(|(_, u)| u))
        .any(|x| !x.is_finite())
    });
    let mut rest = p.clone();
    rest.match_day.with_prescale.steps.clear();
    rest.match_day.without_prescale.steps.clear();
    let d = format!("{rest:?}");
    steps_bad || d.contains("NaN") || ["inf,", "inf }", "inf]", "inf)"].iter().any(|t| d.contains(t))
}

#[test]
fn the_non_finite_check_sees_nan_and_infinity() {
    let book = PriceBook::embedded();
    let p = plan(&kickoff::model::Scenario::default(), &book).unwrap();
    assert!(!has_non_finite(&p));
    let mut q = p.clone();
    q.total_monthly_usd = f64::INFINITY;
    assert!(has_non_finite(&q));
    let mut q = p.clone();
    q.match_day.with_prescale.steps.last_mut().unwrap().p95_s = f64::NAN;
    assert!(has_non_finite(&q));
    let mut q = p;
    q.services[0].items.last_mut().unwrap().monthly_usd = f64::NEG_INFINITY;
    assert!(has_non_finite(&q));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_500))]

    #[test]
    fn valid_scenarios_plan_with_finite_non_negative_money(s in scenario()) {
        let p = plan(&s, &PriceBook::embedded()).expect("valid scenario plans");
        prop_assert!(p.total_monthly_usd.is_finite() && p.total_monthly_usd > 0.0);
        let sum: f64 = p.services.iter().map(|c| c.monthly_usd).sum();
        prop_assert!((sum - p.total_monthly_usd).abs() < 1e-6 * p.total_monthly_usd.max(1.0));
        for c in &p.services {
            for i in &c.items {
                prop_assert!(i.monthly_usd.is_finite() && i.monthly_usd >= 0.0, "{} {:?}", c.service.name(), i);
                prop_assert!((i.quantity * i.unit_price_usd - i.monthly_usd).abs() <= 1e-9 * i.monthly_usd.max(1.0));
            }
        }
        for st in &p.match_day.with_prescale.steps {
            prop_assert!(st.error_share.is_finite() && (0.0..=1.0).contains(&st.error_share));
            prop_assert!(st.p95_s.is_finite() && st.p95_s >= 0.0);
        }
        prop_assert!(p.fargate.min_tasks >= 1 && p.fargate.max_tasks >= p.fargate.min_tasks);
        prop_assert!(!has_non_finite(&p), "a non-finite number in the plan");

        // Feasible exactly when every limit holds; each verdict is its numbers.
        prop_assert_eq!(p.feasible, p.limits.iter().all(|l| l.ok));
        for l in &p.limits {
            prop_assert_eq!(l.ok, l.value <= l.limit, "{:?}", l);
            prop_assert!(l.ok || !l.lift.is_empty(), "{} breaks without saying what lifts it", l.id);
        }
        // No SLO that depends on a tier passes in a step where it is above
        // 100 %: the error and freshness SLOs depend on every tier of the
        // request path; the deploy check on the connections and targets.
        let run = p.match_day.chosen(&p.fargate);
        let verdict = |name: &str| p.slo.iter().find(|v| v.name == name).unwrap().pass;
        if let Some(st) = run.steps.iter().find(|st| !st.tiers.saturated().is_empty()) {
            prop_assert!(!verdict("kickoff_error_rate"), "error SLO passes with {:?} at {} s", st.tiers.saturated(), st.t_s);
            prop_assert!(!verdict("freshness"), "freshness passes with {:?} at {} s", st.tiers.saturated(), st.t_s);
        }
        if verdict("zero_downtime_deploy") {
            for id in ["alb.targets_per_target_group", "alb.targets_per_alb"] {
                prop_assert!(p.limits.iter().filter(|l| l.id == id).all(|l| l.ok), "deploy passes with {} broken", id);
            }
        }
    }

    #[test]
    fn more_fans_never_cost_less_or_run_less_capacity(s in scenario(), extra in 1u32..200_000) {
        let book = PriceBook::embedded();
        let small = plan(&s, &book).unwrap();
        let mut bigger = s.clone();
        bigger.peak_concurrent_fans = s.peak_concurrent_fans.saturating_add(extra).min(kickoff::model::scenario::MAX_FANS);
        let big = plan(&bigger, &book).unwrap();
        prop_assert!(big.total_monthly_usd >= small.total_monthly_usd - 1e-6,
            "{} fans ${} > {} fans ${}", s.peak_concurrent_fans, small.total_monthly_usd, bigger.peak_concurrent_fans, big.total_monthly_usd);
        // Capacity never shrinks: as many tasks or more, or larger tasks
        // (the ALB's target quota trades task count for task size).
        let (b, a) = (&big.fargate, &small.fargate);
        prop_assert!(
            b.task_vcpu > a.task_vcpu || (b.task_vcpu == a.task_vcpu && b.peak_tasks >= a.peak_tasks),
            "{} × {} vCPU then {} × {} vCPU", a.peak_tasks, a.task_vcpu, b.peak_tasks, b.task_vcpu
        );
    }

    #[test]
    fn invalid_values_are_reported_by_field(s in scenario(), which in 0usize..8, bad in prop::sample::select(vec![f64::NAN, -1.0, f64::INFINITY, 0.0])) {
        let mut s = s;
        let field = match which {
            0 => { s.delivery.poll_interval_s = bad; "delivery.poll_interval_s" }
            1 => { s.app.rps_per_vcpu = bad; "app.rps_per_vcpu" }
            2 => { s.delivery.payload_kb = bad; "delivery.payload_kb" }
            3 => { s.app.target_utilization = bad; "app.target_utilization" }
            4 => { s.app.task_vcpu = bad; "app.task_vcpu" }
            5 => { s.match_day.kickoff_spike_seconds = bad; "match_day.kickoff_spike_seconds" }
            6 => { s.app.request_timeout_s = bad; "app.request_timeout_s" }
            _ => { s.peak_concurrent_fans = 0; "peak_concurrent_fans" }
        };
        let errs = plan(&s, &PriceBook::embedded()).unwrap_err();
        prop_assert!(errs.iter().any(|e| e.field == field), "{field} not in {errs:?}");
    }

    #[test]
    fn a_plan_priced_as_a_bill_of_materials_costs_the_plan_total(s in scenario()) {
        let book = PriceBook::embedded();
        let p = plan(&s, &book).unwrap();
        let priced = bom::price(&Bill::of_plan(&s, &p), &book).expect("a plan's bill prices");
        prop_assert!(
            (priced.total_monthly_usd - p.total_monthly_usd).abs() <= 1e-9 * p.total_monthly_usd.max(1.0),
            "bill ${} vs plan ${}", priced.total_monthly_usd, p.total_monthly_usd
        );
    }

    #[test]
    fn json_round_trips_every_valid_scenario(s in scenario()) {
        let text = serde_json::to_string(&s).unwrap();
        let back = kickoff::export::scenario_file::from_json(&text).unwrap();
        prop_assert_eq!(back, s);
    }
}

// The money view (docs/money-view.md): a cash plan is 12 plans, a diff two,
// so these run fewer cases (3 properties × 150 cases).
proptest! {
    #![proptest_config(ProptestConfig::with_cases(150))]

    #[test]
    fn a_cash_plan_without_growth_averages_the_monthly_plan(s in scenario()) {
        use kickoff::model::cash::cash_plan;
        use kickoff::model::cost::Service;
        let mut s = s;
        s.audience.growth_pct_per_month = 0.0;
        let book = PriceBook::embedded();
        if let Ok(p) = plan(&s, &book) {
            let c = cash_plan(&s, &book, 12).unwrap();
            let mean = c.total_usd / 12.0;
            prop_assert!((mean - p.total_monthly_usd).abs() <= 1e-9 * p.total_monthly_usd.max(1.0), "{} vs {}", mean, p.total_monthly_usd);
            // Month 1 is the monthly plan, service by service, but for S3's
            // storage ramp (the plan charges its 12-month average).
            for (m, cost) in c.months[0].services.iter().zip(&p.services) {
                prop_assert_eq!(m.service, cost.service);
                if m.service != Service::S3 {
                    prop_assert_eq!(m.usd, cost.monthly_usd);
                }
            }
        }
    }

    #[test]
    fn a_cash_plan_with_growth_never_shrinks_the_audience(s in scenario(), g in 0.0f64..50.0) {
        use kickoff::model::cash::cash_plan;
        let mut s = s;
        s.audience.growth_pct_per_month = g;
        let book = PriceBook::embedded();
        if plan(&s, &book).is_ok() {
            let c = cash_plan(&s, &book, 12).unwrap();
            prop_assert!(c.months.windows(2).all(|w| w[1].peak_concurrent_fans >= w[0].peak_concurrent_fans));
            prop_assert!(c.months.windows(2).all(|w| w[1].cumulative_usd > w[0].cumulative_usd));
            prop_assert_eq!(c.months[11].cumulative_usd, c.total_usd);
        }
    }

    #[test]
    fn a_diff_of_a_scenario_with_itself_is_empty(s in scenario()) {
        use kickoff::export::diff::diff;
        if let Ok(p) = plan(&s, &PriceBook::embedded()) {
            let d = diff((&s, &p), (&s, &p));
            prop_assert!(d.is_empty(), "{:?}", d);
        }
    }
}

/// A drill scenario: fans, delivery, cache replicas, Spot share, where the
/// drill starts.
fn drill_case() -> impl Strategy<Value = (Scenario, kickoff::model::scenario::DrillKind)> {
    use kickoff::model::scenario::DrillKind;
    use strum::VariantArray;
    (
        1_000u32..400_000,
        prop_oneof![Just(0.0), Just(1.0), Just(5.0)],
        0u32..2,
        prop_oneof![Just(0.0), Just(0.5), Just(1.0)],
        prop_oneof![Just(-600.0), Just(0.0), Just(600.0), Just(2_700.0)],
        0usize..DrillKind::VARIANTS.len(),
        any::<bool>(),
    )
        .prop_map(|(fans, ttl, replicas, spot, at, k, multi_az)| {
            let mut s = Scenario::default();
            s.peak_concurrent_fans = fans;
            s.delivery.cdn_live_ttl_s = ttl;
            s.overrides.cache_replicas = Some(replicas);
            s.app.spot_share = spot;
            s.app.on_demand_base_tasks = 0;
            s.drills.at_s = at;
            s.data.multi_az = multi_az;
            (s, DrillKind::VARIANTS[k])
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// A drill never makes a step better than the undisturbed day: no
    /// fewer errors and no fresher feed. On a day that already overloads,
    /// a drill can trigger scale-out earlier (autoscaling reacting to the
    /// lost tasks) and so fail fewer requests later: such days are left out.
    #[test]
    fn a_drill_never_makes_things_better((s, kind) in drill_case()) {
        use kickoff::model::{drills, slo};
        let p = plan(&s, &PriceBook::embedded()).unwrap();
        let base = p.match_day.chosen(&p.fargate);
        prop_assume!(base.peak_error_share <= s.slo.max_error_share && base.first_saturation.is_none());
        let (o, drilled) = drills::run(&s, &p.sized(), kind);
        let (fb, fd) = (slo::freshness_by_step(&s, base), slo::freshness_by_step(&s, &drilled));
        for (i, (d, b)) in drilled.steps.iter().zip(&base.steps).enumerate() {
            prop_assert!(d.error_share >= b.error_share - 1e-6, "{} at {}: {} < {}", o.name, d.t_s, d.error_share, b.error_share);
            prop_assert!(fd[i] >= fb[i] - 1e-3, "{} at {}: fresher {} < {}", o.name, d.t_s, fd[i], fb[i]);
        }
        prop_assert!(o.worst_error_pct >= 0.0 && o.freshness_p95_s.is_finite() && o.recovery_s >= 0.0);
        prop_assert!(drilled.failed_share >= base.failed_share - 1e-12);
    }

    /// A mitigation the plan reports as sufficient makes its drill pass:
    /// apply its change to the scenario, re-plan, re-run the drill.
    #[test]
    fn a_reported_mitigation_makes_its_drill_pass((s, kind) in drill_case()) {
        use kickoff::model::{drills, inputs};
        let p = plan(&s, &PriceBook::embedded()).unwrap();
        let o = kickoff::model::plan::evaluate_drill(&s, &PriceBook::embedded(), &p, kind);
        prop_assert!(o.pass || o.mitigation.is_some() || o.mitigation_note.starts_with("nothing"));
        if let Some(m) = &o.mitigation {
            let mut s2 = s.clone();
            for change in m.change.split("; ") {
                let (path, value) = change.split_once(" = ").unwrap();
                let input = inputs::by_path(path).unwrap();
                s2 = inputs::apply(&s2, input, value).unwrap();
            }
            let p2 = plan(&s2, &PriceBook::embedded()).unwrap();
            prop_assert!(drills::run(&s2, &p2.sized(), kind).0.pass, "{:?}", m);
            prop_assert!((p2.total_monthly_usd - m.monthly_usd).abs() < 1e-6);
        }
    }
}
