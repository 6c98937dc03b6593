//! The `kickoff` binary's contract: commands, JSON shapes and exit codes.

use std::path::PathBuf;
use std::process::{Command, Output};

fn kickoff(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kickoff"))
        .args(args)
        .output()
        .expect("runs")
}

fn scratch(name: &str, contents: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cli-tests");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

#[test]
fn plan_json_has_the_documented_fields() {
    let o = kickoff(&["plan", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert!(v["total_monthly_usd"].as_f64().unwrap() > 0.0);
    assert!(v["services"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["service"].is_string() && s["monthly_usd"].is_number()));
    assert!(v["slo"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["name"].is_string() && s["pass"].is_boolean()));
    assert!(v["warnings"].is_array());
}

#[test]
fn scenario_defaults_round_trip_through_plan() {
    let o = kickoff(&["scenario", "--defaults"]);
    let text = stdout(&o);
    assert!(text.contains("\"peak_concurrent_fans\": 5000"));
    let path = scratch("defaults.json", &text);
    let a = stdout(&kickoff(&["plan", "--scenario", path.to_str().unwrap()]));
    let b = stdout(&kickoff(&["plan"]));
    assert_eq!(a, b);
}

#[test]
fn bad_input_exits_2_naming_every_field() {
    let path = scratch(
        "bad.json",
        r#"{"peak_concurrent_fans": 0, "delivery": {"poll_interval_s": 0}}"#,
    );
    let o = kickoff(&["plan", "--scenario", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8(o.stderr).unwrap();
    // Each error names the field (label and path) and states the allowed range.
    assert!(
        err.contains("Peak concurrent fans (peak_concurrent_fans) = 0: must be a whole number from 1 to 100,000,000"),
        "{err}"
    );
    assert!(
        err.contains("Poll interval (delivery.poll_interval_s) = 0: must be a number from 1 to 60"),
        "{err}"
    );

    let path = scratch("typo.json", r#"{"delivery": {"poll_interval": 2}}"#);
    let o = kickoff(&["plan", "--scenario", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8(o.stderr).unwrap().contains("delivery.poll_interval"));

    let o = kickoff(&["plan", "--scenario", "/nonexistent/file.json"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn tfvars_round_trip_and_drift_check() {
    let text = stdout(&kickoff(&["tfvars"]));
    let path = scratch("prod.tfvars", &text);
    let o = kickoff(&["check-tfvars", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));

    // The embedded scenario re-imports.
    let replanned = stdout(&kickoff(&["tfvars", "--scenario", path.to_str().unwrap()]));
    assert_eq!(replanned, text);

    // A hand edit is drift: exit 1 with a diff naming the line.
    let edited: String = text
        .lines()
        .map(|l| {
            if l.starts_with("api_max_tasks ") {
                "api_max_tasks = 9"
            } else {
                l
            }
        })
        .map(|l| format!("{l}\n"))
        .collect();
    let drifted = scratch("drift.tfvars", &edited);
    let o = kickoff(&["check-tfvars", drifted.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(err.contains("-api_max_tasks = 9"), "{err}");

    // A tfvars without a scenario block is bad input, not drift.
    let bare = scratch("bare.tfvars", "az_count = 2\n");
    assert_eq!(
        kickoff(&["check-tfvars", bare.to_str().unwrap()]).status.code(),
        Some(2)
    );
}

#[test]
fn tfvars_refuses_mysql_8_0_and_writes_nothing() {
    let scenario = scratch("mysql80.json", r#"{"data": {"engine_version": "8.0"}}"#);
    // The plan prices it, with Extended Support…
    let o = kickoff(&["plan", "--scenario", scenario.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("mysql_extended_support"));
    // …but terraform/ runs 8.4 only: exit 1, the field named, no file.
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cli-tests/mysql80.tfvars");
    let _ = std::fs::remove_file(&out);
    let o = kickoff(&[
        "tfvars",
        "--scenario",
        scenario.to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(err.contains("data.engine_version = 8.0"), "{err}");
    assert!(!out.exists());
}

#[test]
fn price_prices_a_bill_and_rejects_bad_fields() {
    let bill = scratch(
        "bill.json",
        r#"{"fargate":[{"tasks":2,"vcpu":1,"memory_gb":2,"arch":"arm64"}],"route53":[{"hosted_zones":1}]}"#,
    );
    let o = kickoff(&["price", bill.to_str().unwrap(), "--format", "json"]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let expect = 2.0 * 730.0 * (0.03238 + 2.0 * 0.00356) + 0.5;
    assert!((v["total_monthly_usd"].as_f64().unwrap() - expect).abs() < 1e-6);
    assert!(v["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|i| i["service"].is_string() && i["monthly_usd"].is_number()));

    let bad = scratch("badbill.json", r#"{"fargate":[{"tasks":1,"vcpu":1,"memory_gb":1}]}"#);
    let o = kickoff(&["price", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8(o.stderr)
        .unwrap()
        .contains("fargate[0].vcpu/memory_gb"));
}

/// `kickoff calibrate` on the smoke run's summary (a fixture copied from a
/// real `make loadtest-smoke`): the overlay it writes and what the plan then
/// says about measured and assumed coefficients.
#[test]
fn calibrate_golden_on_the_smoke_fixture() {
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cli-tests/calibrated.json");
    std::fs::create_dir_all(out.parent().unwrap()).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_kickoff"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["calibrate", "--k6-summary", "tests/load/fixtures/smoke-summary.json"])
        .args(["--output", out.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(stdout(&o).contains("LOWER BOUND"), "{}", stdout(&o));
    let overlay = std::fs::read_to_string(&out).unwrap();
    insta::assert_snapshot!("calibrate_overlay", overlay);

    let path = out.to_str().unwrap();
    let text = stdout(&kickoff(&["plan", "--scenario", path]));
    let coefficients = &text[text.find("\nCoefficients").unwrap()..];
    insta::assert_snapshot!("calibrate_plan_coefficients", coefficients);
    let md = stdout(&kickoff(&["plan", "--scenario", path, "--format", "markdown"]));
    assert!(md.contains("## Measured coefficients"));
    assert!(
        !md.contains("**Requests per vCPU (app.rps_per_vcpu)**"),
        "still listed as assumed"
    );
    let json: serde_json::Value =
        serde_json::from_str(&stdout(&kickoff(&["plan", "--scenario", path, "--format", "json"]))).unwrap();
    let measured = json["measured"].as_array().unwrap();
    assert_eq!(measured.len(), 2);
    assert!(measured
        .iter()
        .all(|m| m["current"] == true && m["provenance"]["commit"] == "bc7f78ee291b"));

    // Change a measured value: it is assumed again, and the plan says so.
    let mut s: serde_json::Value = serde_json::from_str(&overlay).unwrap();
    s["app"]["rps_per_vcpu"] = 2000.into();
    let changed = scratch("calibrated-changed.json", &s.to_string());
    let text = stdout(&kickoff(&["plan", "--scenario", changed.to_str().unwrap()]));
    assert!(text.contains("changed   app.rps_per_vcpu = 2000 req/s"), "{text}");
    assert!(text.contains("assumed   app.rps_per_vcpu,"), "{text}");
}

#[test]
fn calibrate_rejects_a_bad_summary_naming_the_field() {
    let fixture = include_str!("../load/fixtures/smoke-summary.json");
    let mut v: serde_json::Value = serde_json::from_str(fixture).unwrap();
    v["match_day"]["freshness"]["publish_to_origin_s"]
        .as_object_mut()
        .unwrap()
        .remove("p95");
    let bad = scratch("bad-summary.json", &v.to_string());
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cli-tests/never-written.json");
    let _ = std::fs::remove_file(&out);
    let o = kickoff(&[
        "calibrate",
        "--k6-summary",
        bad.to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("match_day.freshness.publish_to_origin_s.p95: missing"),
        "{err}"
    );
    assert!(!out.exists(), "nothing written on bad input");
}

#[test]
fn provenance_for_an_unknown_input_is_a_named_error() {
    let bad = scratch(
        "bad-provenance.json",
        r#"{"provenance": {"app.nope": {"value": 1, "date_utc": "d", "machine": "m", "commit": "c", "summary": "s"}}}"#,
    );
    let o = kickoff(&["plan", "--scenario", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("provenance.app.nope"));
}

#[test]
fn plan_months_prints_the_cash_plan_and_rejects_bad_counts() {
    let o = kickoff(&["plan", "--months", "12", "--format", "csv"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout(&o).lines().count(), 13, "header and 12 months");
    let v: serde_json::Value =
        serde_json::from_str(&stdout(&kickoff(&["plan", "--months", "3", "--format", "json"]))).unwrap();
    assert_eq!(v["months"].as_array().unwrap().len(), 3);
    for bad in ["0", "37", "x"] {
        assert_eq!(kickoff(&["plan", "--months", bad]).status.code(), Some(2), "{bad}");
    }
}

#[test]
fn plan_months_with_drills_holds_every_month_to_them() {
    let slo_pass = |args: &[&str]| -> bool {
        let o = kickoff(args);
        assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
        let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
        v["months"][0]["slo_pass"].as_bool().unwrap()
    };
    assert!(slo_pass(&["plan", "--months", "1", "--format", "json"]));
    // The default fails the DB failover drill (docs/drills.md).
    assert!(!slo_pass(&[
        "plan",
        "--months",
        "1",
        "--drills",
        "db-failover",
        "--format",
        "json"
    ]));
}

#[test]
fn drill_json_has_the_documented_fields() {
    let o = kickoff(&[
        "drill",
        "cache-failover,origin-outage",
        "--at",
        "-60",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let drills = v["drills"].as_array().unwrap();
    assert_eq!(drills.len(), 2);
    for d in drills {
        assert_eq!(d["at_s"].as_f64(), Some(-60.0));
        assert!(d["name"].is_string() && d["pass"].is_boolean());
        for k in ["worst_error_pct", "freshness_p95_s", "recovery_s"] {
            assert!(d[k].is_number(), "{k}");
        }
        assert!(d["seconds_over_slo"]["error_s"].is_number() && d["seconds_over_slo"]["freshness_s"].is_number());
        assert!(d.get("mitigation").is_some());
    }
}

#[test]
fn diff_exits_0_whatever_the_delta_and_2_on_bad_input() {
    let base = scratch("diff-base.json", r#"{"peak_concurrent_fans": 5000}"#);
    let head = scratch("diff-head.json", r#"{"peak_concurrent_fans": 40000}"#);
    let (b, h) = (base.to_str().unwrap(), head.to_str().unwrap());
    let same = kickoff(&["diff", b, b]);
    assert_eq!(same.status.code(), Some(0));
    assert!(stdout(&same).contains("No change"));
    let o = kickoff(&["diff", b, h, "--format", "json"]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert!(v["delta_usd"].as_f64().unwrap() > 0.0);
    let bad = scratch("diff-bad.json", r#"{"peak_concurrent_fans": 0}"#);
    let o = kickoff(&["diff", b, bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(
        err.contains("diff-bad.json") && err.contains("peak_concurrent_fans"),
        "{err}"
    );
}

#[test]
fn plan_with_drills_adds_the_slo_and_unknown_drills_are_refused() {
    let o = kickoff(&["plan", "--format", "json", "--drills", "all"]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["drills"].as_array().unwrap().len(), 6);
    assert!(v["slo"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["name"] == "survives_drills"));
    let o = kickoff(&["plan", "--drills", "meteor"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("unknown drill `meteor`"));
    let o = kickoff(&["drill", "az-loss", "--at", "999999"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("drills.at_s"));
}

/// `kickoff optimize` finds a design no dearer than the one typed, writes it
/// as a scenario `kickoff tfvars` exports, and names bad input. `--only`
/// keeps the search small (the full default search is measured in
/// docs/performance.md).
#[test]
fn optimize_emits_a_scenario_tfvars_exports_and_names_bad_input() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cli-tests");
    std::fs::create_dir_all(&dir).unwrap();
    let emitted = dir.join("optimum.json");
    let _ = std::fs::remove_file(&emitted);
    let only = "delivery.poll_interval_s,delivery.cdn_live_ttl_s,platform.egress";
    let o = kickoff(&[
        "optimize",
        "--only",
        only,
        "--format",
        "json",
        "--emit-scenario",
        emitted.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let best = v["best"]["objective_usd"].as_f64().unwrap();
    assert!(best <= v["typed"]["objective_usd"].as_f64().unwrap());
    assert!(v["best"]["pass"].as_bool().unwrap());
    assert!(v["counts"]["evaluated"].as_u64().unwrap() > 0);
    assert!(!v["freshness_frontier"].as_array().unwrap().is_empty());
    // The emitted design plans at the optimum's cost and exports.
    let p = kickoff(&["plan", "--scenario", emitted.to_str().unwrap(), "--format", "json"]);
    let plan: serde_json::Value = serde_json::from_str(&stdout(&p)).unwrap();
    assert!((plan["total_monthly_usd"].as_f64().unwrap() - best).abs() < 1e-6);
    let t = kickoff(&["tfvars", "--scenario", emitted.to_str().unwrap()]);
    assert_eq!(t.status.code(), Some(0), "{}", String::from_utf8_lossy(&t.stderr));
    assert!(stdout(&t).contains("scenario"));
    // Text and Markdown carry the same optimum.
    let text = stdout(&kickoff(&["optimize", "--only", only]));
    assert!(text.contains("Optimum:"), "{text}");
    let md = stdout(&kickoff(&["optimize", "--only", only, "--format", "markdown"]));
    assert!(md.contains("| **optimum** |"), "{md}");

    // Bad input: the field is named, exit 2, nothing written.
    let bad = scratch("optimize-bad.json", r#"{"delivery": {"poll_interval_s": 0}}"#);
    let out = dir.join("never.json");
    let o = kickoff(&[
        "optimize",
        "--scenario",
        bad.to_str().unwrap(),
        "--emit-scenario",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("delivery.poll_interval_s"));
    assert!(!out.exists());
    let o = kickoff(&["optimize", "--only", "app.rps_per_vcpu"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("app.rps_per_vcpu"));
    let o = kickoff(&["optimize", "--objective", "yearly"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn first_view_writes_the_default_plan_into_the_page_once() {
    let page = scratch(
        "index.html",
        "<!doctype html><html lang=en><head></head><body><div id=app><p class=loading>Loading</p></div><noscript>x</noscript></body></html>",
    );
    let o = kickoff(&["first-view", page.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(&page).unwrap();
    let plan: serde_json::Value = serde_json::from_str(&stdout(&kickoff(&["plan", "--format", "json"]))).unwrap();
    let usd = plan["total_monthly_usd"].as_f64().unwrap();
    assert!(
        text.contains(&format!(r#"id="total-monthly" data-usd="{usd:.2}""#)),
        "{text}"
    );
    // A second run would nest a view in the view: refused, naming the file.
    let o = kickoff(&["first-view", page.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("index.html"));
}
