//! Input hardening: everything a stranger can hand the planner (a scenario
//! file, a tfvars file, a share link, a bill of materials) is thrown at its
//! parser as arbitrary bytes, token soup and structure-aware mutations of real
//! inputs. Properties, for every input:
//!
//! - the call returns (a panic fails the case; proptest shrinks it);
//! - it returns within [`CALL_BUDGET`] (inputs are capped in size);
//! - a rejection carries a non-empty message;
//! - oversize input is refused by the size check, before any parsing.
//!
//! `cargo test` runs a short pass ([`DEFAULT_CASES`] per property, a few
//! thousand calls in all). A long run, one seed per run:
//!
//! ```sh
//! KICKOFF_FUZZ_CASES=250000 KICKOFF_FUZZ_SEED=7 \
//!   cargo test --test native fuzz_inputs:: -- --nocapture --test-threads 1
//! ```
//!
//! Figures from the long runs are in `docs/model-validation.md`. Crashes
//! found are kept at the end of this file as regression tests; a new crash
//! fails its property (proptest shrinks it) until it is fixed.

use kickoff::export::scenario_file::{self, ImportError, MAX_IMPORT_BYTES};
use kickoff::export::share::{self, ShareError, MAX_FRAGMENT_CHARS};
use kickoff::export::{bom, tfvars};
use kickoff::model::{plan, PriceBook, Scenario};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};
use serde_json::Value;
use std::cell::Cell;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// Cases per property in `cargo test`.
const DEFAULT_CASES: u32 = 400;
/// Longest any single call may take (debug build, two shared cores).
const CALL_BUDGET: Duration = Duration::from_secs(2);
/// Largest generated input, bytes: well below the import limit, so the
/// parsers (not the size check) do the work.
const MAX_GENERATED: usize = 48 * 1024;

fn cases() -> u32 {
    std::env::var("KICKOFF_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_CASES)
}

fn seed() -> u64 {
    std::env::var("KICKOFF_FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x006b_6963_6b6f_6666)
}

thread_local! {
    static EXECUTIONS: Cell<u64> = const { Cell::new(0) };
}

/// Run `test` on `cases` values of `strategy` with a seeded RNG and print
/// the executions and time (visible with `--nocapture`).
fn fuzz<S: Strategy>(name: &str, cases: u32, strategy: S, test: impl Fn(S::Value) -> Result<(), TestCaseError>)
where
    S::Value: std::fmt::Debug,
{
    let mut key = [0u8; 32];
    key[..8].copy_from_slice(&seed().to_le_bytes());
    key[8..8 + name.len().min(24)].copy_from_slice(&name.as_bytes()[..name.len().min(24)]);
    let config = Config {
        cases,
        failure_persistence: None,
        max_shrink_iters: 4_096,
        ..Config::default()
    };
    let mut runner = TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &key));
    EXECUTIONS.with(|e| e.set(0));
    let start = Instant::now();
    let result = runner.run(&strategy, |v| {
        EXECUTIONS.with(|e| e.set(e.get() + 1));
        test(v)
    });
    println!(
        "fuzz {name}: {} executions in {:.1} s, {}",
        EXECUTIONS.with(Cell::get),
        start.elapsed().as_secs_f64(),
        if result.is_ok() { "no new failures" } else { "FAILED" }
    );
    if let Err(e) = result {
        panic!("{name}: {e}");
    }
}

/// `f()` with a wall-clock check.
fn timed<T>(what: &str, f: impl FnOnce() -> T) -> Result<T, TestCaseError> {
    let start = Instant::now();
    let out = f();
    let took = start.elapsed();
    prop_assert!(took <= CALL_BUDGET, "{what} took {took:?}");
    Ok(out)
}

fn import_error_ok(e: &ImportError) -> Result<(), TestCaseError> {
    prop_assert!(!e.message.trim().is_empty(), "empty message: {e:?}");
    prop_assert!(!e.to_string().trim().is_empty());
    Ok(())
}

fn share_error_ok(e: &ShareError) -> Result<(), TestCaseError> {
    prop_assert!(!e.to_string().trim().is_empty(), "empty message: {e:?}");
    if let ShareError::BadScenario(inner) = e {
        import_error_ok(inner)?;
    }
    Ok(())
}

// --- Seeds: real inputs to mutate -----------------------------------------

fn book() -> &'static PriceBook {
    static BOOK: OnceLock<PriceBook> = OnceLock::new();
    BOOK.get_or_init(PriceBook::embedded)
}

fn scenarios() -> Vec<Scenario> {
    let mut edited = Scenario::default();
    edited.peak_concurrent_fans = 42_000;
    edited.delivery.poll_interval_s = 3.0;
    edited.price_overrides.insert("alb.hour".into(), 0.03);
    vec![Scenario::default(), Scenario::default().seed_setup(), edited]
}

fn scenario_json_seeds() -> &'static [String] {
    static SEEDS: OnceLock<Vec<String>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let mut v: Vec<String> = scenarios()
            .iter()
            .map(|s| serde_json::to_string_pretty(s).unwrap())
            .collect();
        v.push(r#"{"peak_concurrent_fans": 20000, "delivery": {"poll_interval_s": 5}}"#.into());
        v
    })
}

fn tfvars_seeds() -> &'static [String] {
    static SEEDS: OnceLock<Vec<String>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        scenarios()
            .iter()
            .map(|s| tfvars::render(s, &plan(s, book()).unwrap()))
            .collect()
    })
}

fn share_seeds() -> &'static [String] {
    static SEEDS: OnceLock<Vec<String>> = OnceLock::new();
    SEEDS.get_or_init(|| scenarios().iter().map(share::encode).collect())
}

const FULL_BILL: &str = r#"{
  "hours_per_month": 730,
  "fargate": [
    {"tasks": 4, "vcpu": 1, "memory_gb": 2, "arch": "arm64", "spot": true, "ephemeral_gb": 30, "hours_per_task": 100},
    {"tasks": 2, "vcpu": 0.25, "memory_gb": 0.5}
  ],
  "alb": [{"new_connections_per_s": 10, "connection_duration_s": 60, "requests_per_s": 100, "processed_bytes_per_s": 100000, "rules": 12, "hours": 730}],
  "rds": [{"instance_class": "db.t4g.medium", "multi_az": true, "read_replicas": 1, "storage_gb": 40, "extra_iops": 1000, "extra_backup_gb": 5}],
  "elasticache": [{"engine": "valkey", "node_type": "cache.t4g.small", "nodes": 2}],
  "cloudfront": [{"data_out_gb": 20000, "https_requests": 300000000, "origin_shield_requests": 100000}],
  "s3": [{"storage_class": "glacier_ir", "gb": 100, "put_requests": 1000, "get_requests": 5000, "transitions": 300}],
  "nat_gateway": [{"count": 2, "gb_processed": 50}],
  "vpc_endpoint": [{"count": 5, "azs": 2, "gb_processed": 80}],
  "public_ipv4": [{"count": 2}],
  "route53": [{"hosted_zones": 1, "queries": 1000000}],
  "cloudwatch": [{"log_ingest_gb": 10, "log_storage_gb": 9, "alarms": 9, "dashboards": 4}]
}"#;

fn bom_seeds() -> [&'static str; 2] {
    [
        include_str!("../../docs/examples/seed-bill-of-materials.json"),
        FULL_BILL,
    ]
}

// --- A small deterministic RNG for the mutators (SplitMix64) ---------------

struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
}

/// Tokens that matter to JSON, HCL, base64 and the tfvars scenario block.
const TOKENS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    ":",
    ",",
    "\"",
    "\\",
    "\\u0000",
    "\\ud800",
    "\"\\ud83d\"",
    "null",
    "true",
    "false",
    "0",
    "-0",
    "-1",
    "1e999",
    "-1e999",
    "1e308",
    "1e-400",
    "4294967295",
    "4294967296",
    "18446744073709551616",
    "NaN",
    "Infinity",
    "0.1",
    "\u{feff}",
    "\u{0}",
    "é",
    "\r\n",
    "\n",
    "#",
    "# ",
    "=",
    "==",
    "${",
    "%{",
    "<<EOF\n",
    "\nEOF\n",
    "/*",
    "*/",
    "//",
    "s1=",
    "#s1=",
    "s2=",
    "A",
    "-",
    "_",
    "+",
    "/",
    "# kickoff-scenario-begin\n",
    "# kickoff-scenario-end\n",
    "\"peak_concurrent_fans\":",
    "\"price_overrides\":",
    "\"fargate\":",
    "\"vpc_endpoint\":",
    "\"count\":",
    "\"tasks\":",
];

/// Apply `n` byte-level mutations to `data`.
fn mutate_bytes(data: &mut Vec<u8>, rng: &mut SplitMix64, n: u32) {
    for _ in 0..n {
        let len = data.len();
        match rng.below(9) {
            0 if len > 0 => {
                let i = rng.below(len);
                data[i] ^= 1 << rng.below(8);
            }
            1 if len > 0 => {
                let i = rng.below(len);
                data[i] = *rng.pick(b"\0\xff\"{}[],:\\#=\n 0123456789-.eE+/_A");
            }
            2 | 3 => {
                let i = rng.below(len + 1);
                let tok = rng.pick(TOKENS).as_bytes();
                data.splice(i..i, tok.iter().copied());
            }
            4 if len > 0 => {
                let i = rng.below(len);
                let k = 1 + rng.below((len - i).min(64));
                data.drain(i..i + k);
            }
            5 if len > 0 => {
                // Duplicate a chunk somewhere else.
                let i = rng.below(len);
                let k = 1 + rng.below((len - i).min(256));
                let chunk: Vec<u8> = data[i..i + k].to_vec();
                let at = rng.below(len + 1);
                data.splice(at..at, chunk);
            }
            6 => {
                // Deep nesting: recursion limits.
                let i = rng.below(len + 1);
                let open = *rng.pick(b"[{(");
                let depth = 1 + rng.below(3_000);
                data.splice(i..i, std::iter::repeat_n(open, depth));
            }
            7 if len > 0 => {
                data.truncate(rng.below(len));
            }
            _ => {
                let i = rng.below(len + 1);
                let b = (rng.next() & 0xff) as u8;
                data.insert(i, b);
            }
        }
        data.truncate(MAX_GENERATED);
    }
}

/// Values that break arithmetic or types.
fn interesting_value(rng: &mut SplitMix64) -> Value {
    let n = |x: f64| serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number);
    match rng.below(24) {
        0 => Value::Null,
        1 => Value::Bool(rng.next() & 1 == 1),
        2 => 0.into(),
        3 => (-1).into(),
        4 => u32::MAX.into(),
        5 => (u64::from(u32::MAX) + 1).into(),
        6 => u64::MAX.into(),
        7 => i64::MIN.into(),
        8 => n(1e308),
        9 => n(-1e308),
        10 => n(f64::MIN_POSITIVE),
        11 => n(1e-300),
        12 => n(0.5),
        13 => n(65_536.0),
        14 => (1u64 << 53).into(),
        15 => Value::String(String::new()),
        16 => Value::String("x".repeat(rng.below(5_000))),
        17 => Value::String(
            (*rng.pick(&[
                "db.t4g.micro",
                "cache.t4g.small",
                "valkey",
                "redis",
                "arm64",
                "x86_64",
                "standard",
                "polling",
                "sse",
                "auto",
                "prod",
                "alb.hour",
                "é\u{0}",
            ]))
            .into(),
        ),
        18 => Value::Array(Vec::new()),
        19 => Value::Object(serde_json::Map::new()),
        20 => (rng.below(100) as u64).into(),
        21 => n((rng.next() % 1_000_000) as f64 / 7.0),
        22 => n(-((rng.next() % 1_000) as f64)),
        _ => (65_537u64 * (1 + rng.below(65_536) as u64)).into(),
    }
}

fn pointers(v: &Value, at: String, out: &mut Vec<String>) {
    out.push(at.clone());
    match v {
        Value::Object(m) => {
            for (k, c) in m {
                pointers(c, format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")), out);
            }
        }
        Value::Array(a) => {
            for (i, c) in a.iter().enumerate() {
                pointers(c, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

/// Apply `n` JSON-aware mutations: replace a node with an extreme or
/// mistyped value, drop or add keys, grow or empty arrays.
fn mutate_value(v: &mut Value, rng: &mut SplitMix64, n: u32) {
    for _ in 0..n {
        let mut ptrs = Vec::new();
        pointers(v, String::new(), &mut ptrs);
        let p = rng.pick(&ptrs).clone();
        let op = rng.below(10);
        let Some(node) = v.pointer_mut(&p) else { continue };
        match (op, node) {
            (0, Value::Object(m)) if !m.is_empty() => {
                let k = m.keys().nth(rng.below(m.len())).unwrap().clone();
                m.remove(&k);
            }
            (1, Value::Object(m)) => {
                let k = (*rng.pick(&["unknown", "tasks", "count", "hours", "", "peak_concurrent_fans"])).to_string();
                m.insert(k, interesting_value(rng));
            }
            (2, Value::Array(a)) if !a.is_empty() => {
                let e = a[rng.below(a.len())].clone();
                for _ in 0..1 + rng.below(40) {
                    a.push(e.clone());
                }
            }
            (3, Value::Array(a)) => a.clear(),
            (_, node) => *node = interesting_value(rng),
        }
    }
}

fn seeded(seed: u64) -> SplitMix64 {
    SplitMix64(seed)
}

/// Any bytes, read as (lossy) UTF-8.
fn any_text() -> impl Strategy<Value = String> {
    prop::collection::vec(any::<u8>(), 0..2_048).prop_map(|b| String::from_utf8_lossy(&b).into_owned())
}

/// Token soup: strings built from the syntax of every format.
fn token_soup() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(TOKENS), 0..300).prop_map(|t| t.concat())
}

/// `(rng seed, mutation count)`.
fn mutations() -> impl Strategy<Value = (u64, u32)> {
    (any::<u64>(), 1u32..12)
}

fn mutated_text(seeds: &[String], (s, n): (u64, u32)) -> String {
    let mut rng = seeded(s);
    let mut b = rng.pick(seeds).clone().into_bytes();
    mutate_bytes(&mut b, &mut rng, n);
    String::from_utf8_lossy(&b).into_owned()
}

fn mutated_json(seeds: &[&str], (s, n): (u64, u32)) -> String {
    let mut rng = seeded(s);
    let seed: &&str = rng.pick(seeds);
    let mut v: Value = serde_json::from_str(seed).unwrap();
    mutate_value(&mut v, &mut rng, n);
    if rng.below(2) == 0 {
        serde_json::to_string_pretty(&v).unwrap()
    } else {
        serde_json::to_string(&v).unwrap()
    }
}

// --- Scenario JSON ---------------------------------------------------------

fn check_scenario_json(text: &str) -> Result<Option<Scenario>, TestCaseError> {
    let r = timed("from_json", || scenario_file::from_json(text))?;
    let i = timed("import", || scenario_file::import(text))?;
    match (&r, &i) {
        (Err(e), _) => import_error_ok(e)?,
        (Ok(s), Ok(t)) if text.trim_start().starts_with('{') => prop_assert_eq!(s, t),
        _ => {}
    }
    if let Err(e) = &i {
        import_error_ok(e)?;
    }
    Ok(r.ok())
}

#[test]
fn scenario_json_any_bytes() {
    fuzz("scenario_json/any_bytes", cases(), any_text(), |t| {
        check_scenario_json(&t).map(drop)
    });
}

#[test]
fn scenario_json_token_soup() {
    fuzz("scenario_json/token_soup", cases(), token_soup(), |t| {
        check_scenario_json(&t).map(drop)
    });
}

#[test]
fn scenario_json_byte_mutations() {
    fuzz("scenario_json/byte_mutations", cases(), mutations(), |m| {
        check_scenario_json(&mutated_text(scenario_json_seeds(), m)).map(drop)
    });
}

#[test]
fn scenario_json_value_mutations_then_plan() {
    // Imported scenarios go on to `plan()` in the app and the CLI: a value
    // that parses must either fail validation by name or plan without panic.
    let seeds: Vec<&str> = scenario_json_seeds().iter().map(String::as_str).collect();
    fuzz("scenario_json/value_mutations+plan", cases(), mutations(), |m| {
        let text = mutated_json(&seeds, m);
        if let Some(s) = check_scenario_json(&text)? {
            match timed("plan", || plan(&s, book()))? {
                Ok(p) => prop_assert!(p.total_monthly_usd.is_finite() && p.total_monthly_usd >= 0.0),
                Err(errs) => {
                    prop_assert!(!errs.is_empty());
                    for e in errs {
                        prop_assert!(!e.field.is_empty() && !e.rule.is_empty(), "{e:?}");
                    }
                }
            }
        }
        Ok(())
    });
}

// --- tfvars ----------------------------------------------------------------

fn check_tfvars(text: &str) -> Result<(), TestCaseError> {
    let r = timed("from_tfvars", || scenario_file::from_tfvars(text))?;
    if let Err(e) = &r {
        import_error_ok(e)?;
    }
    let i = timed("import", || scenario_file::import(text))?;
    if let Err(e) = &i {
        import_error_ok(e)?;
    }
    Ok(())
}

/// A rendered tfvars whose embedded scenario JSON was mutated structurally.
fn tfvars_with_mutated_scenario((s, n): (u64, u32)) -> String {
    let mut rng = seeded(s);
    let file = rng.pick(tfvars_seeds()).clone();
    let begin = file.find(tfvars::SCENARIO_BEGIN).unwrap() + tfvars::SCENARIO_BEGIN.len();
    let end = file.find(tfvars::SCENARIO_END).unwrap();
    let json: String = file[begin..end]
        .lines()
        .filter_map(|l| l.strip_prefix("# ").or_else(|| l.strip_prefix('#')))
        .collect::<Vec<_>>()
        .join("\n");
    let mut v: Value = serde_json::from_str(&json).unwrap();
    mutate_value(&mut v, &mut rng, n);
    let block: String = serde_json::to_string_pretty(&v)
        .unwrap()
        .lines()
        .map(|l| format!("# {l}\n"))
        .collect();
    format!("{}\n{block}{}", &file[..begin], &file[end..])
}

#[test]
fn tfvars_any_bytes() {
    fuzz("tfvars/any_bytes", cases(), any_text(), |t| check_tfvars(&t));
}

#[test]
fn tfvars_token_soup() {
    fuzz("tfvars/token_soup", cases(), token_soup(), |t| check_tfvars(&t));
}

#[test]
fn tfvars_byte_mutations() {
    fuzz("tfvars/byte_mutations", cases(), mutations(), |m| {
        check_tfvars(&mutated_text(tfvars_seeds(), m))
    });
}

#[test]
fn tfvars_embedded_scenario_mutations() {
    fuzz("tfvars/embedded_scenario_mutations", cases(), mutations(), |m| {
        check_tfvars(&tfvars_with_mutated_scenario(m))
    });
}

// --- Share links -----------------------------------------------------------

fn check_share(fragment: &str) -> Result<(), TestCaseError> {
    let _ = timed("is_share_fragment", || share::is_share_fragment(fragment))?;
    match timed("decode", || share::decode(fragment))? {
        Ok(s) => {
            // Whatever decodes re-encodes to a link that decodes to the same scenario.
            let again = share::encode(&s);
            let back = share::decode(&again);
            prop_assert_eq!(back.as_ref(), Ok(&s));
        }
        Err(e) => share_error_ok(&e)?,
    }
    Ok(())
}

fn pack(json: &[u8]) -> String {
    use base64::Engine as _;
    format!("s1={}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json))
}

fn unpack(fragment: &str) -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(&fragment[3..])
        .unwrap()
}

#[test]
fn share_any_bytes() {
    fuzz("share/any_bytes", cases(), (any_text(), 0usize..4), |(t, p)| {
        let prefix = ["", "s1=", "#s1=", "s"][p];
        check_share(&format!("{prefix}{t}"))
    });
}

#[test]
fn share_text_mutations() {
    fuzz("share/text_mutations", cases(), mutations(), |m| {
        check_share(&mutated_text(share_seeds(), m))
    });
}

#[test]
fn share_payload_mutations() {
    // Valid base64 around damaged payload bytes (not UTF-8, broken JSON).
    fuzz("share/payload_mutations", cases(), mutations(), |(s, n)| {
        use base64::Engine as _;
        let mut rng = seeded(s);
        let seed: &String = rng.pick(share_seeds());
        let mut packed = unpack(seed);
        mutate_bytes(&mut packed, &mut rng, n);
        let f = format!("s1={}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(packed));
        check_share(&f)
    });
}

#[test]
fn share_json_mutations() {
    // Valid base64 around a damaged (bytes) or mistyped (values) scenario.
    let seeds: Vec<&str> = scenario_json_seeds().iter().map(String::as_str).collect();
    fuzz(
        "share/json_mutations",
        cases(),
        (mutations(), any::<bool>()),
        |(m, bytes)| {
            let json = if bytes {
                mutated_text(scenario_json_seeds(), m)
            } else {
                mutated_json(&seeds, m)
            };
            check_share(&pack(json.as_bytes()))
        },
    );
}

// --- Bill of materials -----------------------------------------------------

fn check_bom(text: &str) -> Result<(), TestCaseError> {
    match timed("bom::from_json", || bom::from_json(text))? {
        Err(e) => import_error_ok(&e)?,
        Ok(bill) => match timed("bom::price", || bom::price(&bill, book()))? {
            Err(e) => import_error_ok(&e)?,
            Ok(p) => {
                prop_assert!(p.total_monthly_usd.is_finite(), "total {}", p.total_monthly_usd);
                for i in &p.items {
                    prop_assert!(!i.description.is_empty() && i.monthly_usd.is_finite(), "{i:?}");
                }
            }
        },
    }
    Ok(())
}

#[test]
fn bom_any_bytes() {
    fuzz("bom/any_bytes", cases(), any_text(), |t| check_bom(&t));
}

#[test]
fn bom_token_soup() {
    fuzz("bom/token_soup", cases(), token_soup(), |t| check_bom(&t));
}

#[test]
fn bom_byte_mutations() {
    let seeds: Vec<String> = bom_seeds().iter().map(|s| s.to_string()).collect();
    fuzz("bom/byte_mutations", cases(), mutations(), |m| {
        check_bom(&mutated_text(&seeds, m))
    });
}

#[test]
fn bom_value_mutations() {
    fuzz("bom/value_mutations", cases(), mutations(), |m| {
        check_bom(&mutated_json(&bom_seeds(), m))
    });
}

// --- Oversize input is refused before parsing --------------------------------

/// Valid input padded with whitespace past the limit: if the parser ran
/// first it would succeed, so a size error proves the check comes first.
#[test]
fn oversize_valid_inputs_are_refused_by_size() {
    let pad = " ".repeat(MAX_IMPORT_BYTES);
    let json = format!("{}{pad}", scenario_json_seeds()[0]);
    for (what, r) in [
        ("from_json", scenario_file::from_json(&json)),
        ("import", scenario_file::import(&json)),
        (
            "from_tfvars",
            scenario_file::from_tfvars(&format!("{}{pad}", tfvars_seeds()[0])),
        ),
    ] {
        let e = r.expect_err(what);
        assert!(e.message.contains("limit") && e.field.is_none(), "{what}: {e:?}");
    }
    let e = bom::from_json(&format!("{}{pad}", FULL_BILL)).unwrap_err();
    assert!(e.message.contains("limit"), "{e:?}");
    // Exactly at the limit is parsed (and fine).
    let at_limit = format!(
        "{}{}",
        scenario_json_seeds()[0],
        " ".repeat(MAX_IMPORT_BYTES - scenario_json_seeds()[0].len())
    );
    assert_eq!(at_limit.len(), MAX_IMPORT_BYTES);
    assert!(scenario_file::from_json(&at_limit).is_ok());
    // A share link one character over the limit, otherwise valid.
    let link = share_seeds()[1].clone();
    let long = format!("{link}{}", "=".repeat(MAX_FRAGMENT_CHARS + 1 - link.len()));
    assert_eq!(share::decode(&long), Err(ShareError::TooLong(MAX_FRAGMENT_CHARS + 1)));
    assert!(
        share::decode(&long[..MAX_FRAGMENT_CHARS]).is_ok(),
        "padding '=' is trimmed"
    );
}

/// Oversize input of every shape is refused fast (no parsing work).
#[test]
fn oversize_inputs_are_refused_fast() {
    let deep = "[".repeat(MAX_IMPORT_BYTES + 1);
    let start = Instant::now();
    for _ in 0..100 {
        assert!(scenario_file::import(&deep).is_err());
        assert!(scenario_file::from_tfvars(&deep).is_err());
        assert!(bom::from_json(&deep).is_err());
        assert!(share::decode(&deep).is_err());
    }
    assert!(start.elapsed() < Duration::from_secs(2), "{:?}", start.elapsed());
}

// --- Regression cases found by the fuzzer ----------------------------------

// Each reproducer below is a defect the fuzzer found, reduced by hand, and
// fixed: validation bounds divisors away from zero and prices and bill
// quantities below 1e6 USD / 1e15, the DB sizing saturates its counts, and
// Fargate stops at the ECS quota of 5,000 tasks per service.

/// Crash reproducer (found by `bom/value_mutations`): `count × azs` is a u32
/// product in `bom::price` (`src/export/bom.rs`, vpc_endpoint line): it
/// panics in debug builds and wraps silently in release, pricing
/// 4,294,967,295 × 2 endpoints as 4,294,967,294.
#[test]
fn regression_bom_vpc_endpoint_count_times_azs_overflows() {
    let bill = bom::from_json(r#"{"vpc_endpoint":[{"count":4294967295,"azs":2}]}"#).unwrap();
    match bom::price(&bill, book()) {
        Ok(p) => assert!(p.items[0].quantity >= 4_294_967_295.0 * 2.0 * 730.0, "{:?}", p.items[0]),
        Err(e) => assert!(e.message.contains("vpc_endpoint[0]"), "{e:?}"),
    }
}

/// Crash reproducer (found by `scenario_json/value_mutations+plan`): a
/// scenario that passes validation with a tiny `app.rps_per_vcpu` needs
/// more than u32::MAX tasks; `rds::plan` multiplies `max_tasks ×
/// db_pool_per_task` as u32 (`src/model/rds.rs`, `let conns = …`): it
/// panics in debug builds and wraps in release (the browser app).
#[test]
fn regression_plan_tiny_rps_per_vcpu_overflows_connections() {
    let s = scenario_file::from_json(r#"{"app": {"rps_per_vcpu": 1e-300}}"#).unwrap();
    match plan(&s, book()) {
        Ok(p) => assert!(p.total_monthly_usd.is_finite()),
        Err(errs) => assert!(errs.iter().any(|e| e.field.starts_with("app.")), "{errs:?}"),
    }
}

/// Crash reproducer (found by `scenario_json/value_mutations+plan`): a tiny
/// `coefficients.db_queries_per_vcpu` passes validation; the automatic
/// replica count saturates at u32::MAX and `replicas + 1` overflows in
/// `rds::fit` (`src/model/rds.rs`, `let writer_load = …`).
#[test]
fn regression_plan_tiny_db_queries_per_vcpu_overflows_replicas() {
    let s = scenario_file::from_json(r#"{"coefficients": {"db_queries_per_vcpu": 1e-300}}"#).unwrap();
    match plan(&s, book()) {
        Ok(p) => assert!(p.total_monthly_usd.is_finite()),
        Err(errs) => assert!(errs.iter().any(|e| e.field.starts_with("coefficients.")), "{errs:?}"),
    }
}

/// Defect reproducer, not a crash (found by `bom/value_mutations`): every
/// field is finite and non-negative, so `bom::price` accepts it, and the
/// bill totals `inf` dollars. Expected: a rejection naming the field.
#[test]
fn regression_bom_astronomical_quantity_prices_to_infinity() {
    let bill = bom::from_json(
        r#"{"alb":[{"new_connections_per_s":0,"connection_duration_s":0,"requests_per_s":1e308,"processed_bytes_per_s":0,"rules":12}]}"#,
    )
    .unwrap();
    match bom::price(&bill, book()) {
        Ok(p) => assert!(p.total_monthly_usd.is_finite(), "total {}", p.total_monthly_usd),
        Err(e) => assert!(e.message.contains("alb[0].requests_per_s"), "{e:?}"),
    }
}

/// Defect reproducer, not a crash (found by `scenario_json/value_mutations+plan`
/// in the long run): a tiny `storage.asset_object_kb` passes validation and
/// the S3 PUT count, hence the plan's total, is infinite. Same root cause as
/// the two `rds.rs` overflows: positive divisors are not bounded away from 0.
#[test]
fn regression_plan_tiny_asset_object_kb_costs_infinity() {
    let s = scenario_file::from_json(r#"{"storage": {"asset_object_kb": 1e-308}}"#).unwrap();
    match plan(&s, book()) {
        Ok(p) => assert!(p.total_monthly_usd.is_finite(), "total {}", p.total_monthly_usd),
        Err(errs) => assert!(errs.iter().any(|e| e.field == "storage.asset_object_kb"), "{errs:?}"),
    }
}

/// Defect reproducer, not a crash (found by `scenario_json/value_mutations+plan`
/// in the long run): `price_overrides` accepts any finite price, and
/// 730 h × 1e308 USD is an infinite total.
#[test]
fn regression_plan_astronomical_price_override_costs_infinity() {
    let s = scenario_file::from_json(r#"{"price_overrides": {"alb.hour": 1e308}}"#).unwrap();
    match plan(&s, book()) {
        Ok(p) => assert!(p.total_monthly_usd.is_finite(), "total {}", p.total_monthly_usd),
        Err(errs) => assert!(errs.iter().any(|e| e.field.starts_with("price_overrides")), "{errs:?}"),
    }
}
