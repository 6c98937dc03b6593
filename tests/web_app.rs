//! Component tests in headless Chromium (`wasm-bindgen-test`): mount the app,
//! edit the fans input, await a tick, check the plan on screen.
//! Run with `.ci/web.sh test-browser` (wasm32 only).
#![cfg(target_arch = "wasm32")]

use std::time::Duration;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, EventInit, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

async fn tick() {
    yew::platform::time::sleep(Duration::from_millis(20)).await;
}

fn mount() -> Element {
    let doc = gloo::utils::document();
    if let Ok(Some(s)) = gloo::utils::window().local_storage() {
        let _ = s.clear();
    }
    let root = doc.create_element("div").unwrap();
    doc.body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<kickoff::web::App>::with_root(root.clone()).render();
    root
}

fn text(root: &Element, sel: &str) -> String {
    root.query_selector(sel)
        .unwrap()
        .unwrap_or_else(|| panic!("{sel} missing"))
        .text_content()
        .unwrap_or_default()
}

/// Attribute `name` of the element `sel` (None when the element lacks it).
fn attr(root: &Element, sel: &str, name: &str) -> Option<String> {
    root.query_selector(sel)
        .unwrap()
        .unwrap_or_else(|| panic!("{sel} missing"))
        .get_attribute(name)
}

fn type_value(root: &Element, sel: &str, v: &str) {
    let input: HtmlInputElement = root.query_selector(sel).unwrap().unwrap().dyn_into().unwrap();
    input.set_value(v);
    let init = EventInit::new();
    init.set_bubbles(true);
    input
        .dispatch_event(&web_sys::Event::new_with_event_init_dict("input", &init).unwrap())
        .unwrap();
}

#[wasm_bindgen_test]
async fn fans_input_updates_the_total() {
    let root = mount();
    tick().await;
    let before = text(&root, "#total-monthly");
    assert!(before.starts_with('$'), "{before}");
    type_value(&root, "#peak_concurrent_fans", "50000");
    tick().await;
    let after = text(&root, "#total-monthly");
    assert_ne!(before, after);
    assert!(text(&root, ".card .sub").contains("50,000 peak fans"));
    root.remove();
}

#[wasm_bindgen_test]
async fn invalid_input_shows_inline_error_and_keeps_the_plan() {
    let root = mount();
    tick().await;
    let before = text(&root, "#total-monthly");
    type_value(&root, "#peak_concurrent_fans", "abc");
    tick().await;
    assert!(text(&root, "#peak_concurrent_fans-error").contains("whole number"));
    assert_eq!(text(&root, "#total-monthly"), before);
    assert!(root.query_selector("#stale-banner").unwrap().is_some());
    type_value(&root, "#delivery-poll_interval_s", "0");
    tick().await;
    assert!(root
        .query_selector("#delivery-poll_interval_s-error")
        .unwrap()
        .is_some());
    assert_eq!(text(&root, "#total-monthly"), before);
    root.remove();
}

#[wasm_bindgen_test]
async fn every_field_has_a_label_and_help() {
    let root = mount();
    tick().await;
    for f in kickoff::web::fields::all() {
        let id = f.dom_id();
        assert!(
            root.query_selector(&format!("label[for='{id}']")).unwrap().is_some(),
            "label for {id}"
        );
        assert!(
            root.query_selector(&format!("#{id}-help")).unwrap().is_some(),
            "help for {id}"
        );
    }
    root.remove();
}

fn choose(root: &Element, sel: &str, v: &str) {
    let select: web_sys::HtmlSelectElement = root.query_selector(sel).unwrap().unwrap().dyn_into().unwrap();
    select.set_value(v);
    let init = EventInit::new();
    init.set_bubbles(true);
    select
        .dispatch_event(&web_sys::Event::new_with_event_init_dict("change", &init).unwrap())
        .unwrap();
}

#[wasm_bindgen_test]
async fn overrides_pin_the_database_and_drop_the_cache() {
    let root = mount();
    tick().await;
    choose(&root, "#overrides-db_instance_class", "db.r7g.large");
    choose(&root, "#overrides-cache_enabled", "false");
    tick().await;
    let table = text(&root, "#services");
    assert!(table.contains("db.r7g.large"), "{table}");
    assert!(!table.contains("ElastiCache"), "{table}");
    // Back to "planner decides".
    choose(&root, "#overrides-db_instance_class", "");
    tick().await;
    assert!(!text(&root, "#services").contains("db.r7g.large"));
    root.remove();
}

#[wasm_bindgen_test]
async fn every_price_in_the_book_has_an_input() {
    let root = mount();
    tick().await;
    for p in kickoff::model::PriceBook::embedded().prices {
        let id = format!("price_overrides-{}", p.id.replace('.', "-"));
        assert!(root.query_selector(&format!("#{id}")).unwrap().is_some(), "{id}");
        // The label carries the book's unit (not every entry is in USD).
        let label = text(&root, &format!("label[for={id}]"));
        assert!(label.contains(&p.unit), "{label} lacks {}", p.unit);
    }
    type_value(&root, "#price_overrides-alb-hour", "1");
    tick().await;
    assert!(text(&root, "#services").contains("Application Load Balancer"));
    root.remove();
}

#[wasm_bindgen_test]
async fn an_infeasible_plan_disables_the_tfvars_download_with_the_reason() {
    let root = mount();
    tick().await;
    let disabled = |root: &Element| attr(root, "#download-tfvars", "disabled").is_some();
    assert!(!disabled(&root));
    // 1 M fans polling every 2 s: 600,000 requests/s, above CloudFront's
    // 250,000 per distribution.
    type_value(&root, "#peak_concurrent_fans", "1000000");
    tick().await;
    assert!(disabled(&root));
    let why = text(&root, "#tfvars-refused");
    assert!(why.contains("cdn.requests_per_s_per_distribution"), "{why}");
    type_value(&root, "#peak_concurrent_fans", "5000");
    tick().await;
    assert!(!disabled(&root));
    assert!(root.query_selector("#tfvars-refused").unwrap().is_none());
    root.remove();
}

/// Today's setup is planned once typing pauses, not per keystroke: until
/// then the comparison is busy and shows the last one; then it shows the
/// edited scenario's, as the model plans it.
#[wasm_bindgen_test]
async fn todays_setup_is_planned_once_typing_pauses() {
    let root = mount();
    tick().await;
    let busy = |root: &Element| attr(root, ".compare", "aria-busy").unwrap_or_default();
    let today = |root: &Element| text(root, "#compare-today .big");
    assert_eq!(busy(&root), "false");
    let before = today(&root);
    type_value(&root, "#peak_concurrent_fans", "50000");
    tick().await;
    assert_eq!(busy(&root), "true");
    assert_eq!(today(&root), before);
    // The pause is 300 ms (PERSIST_DEBOUNCE_MS in src/web/mod.rs).
    yew::platform::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(busy(&root), "false");
    let mut s = kickoff::model::Scenario::default();
    s.peak_concurrent_fans = 50_000;
    let want = kickoff::model::plan(&s.seed_setup().without_drills(), &kickoff::model::PriceBook::embedded())
        .expect("today's setup plans at 50,000 fans")
        .total_monthly_usd;
    assert_eq!(today(&root), kickoff::fmt::money_rounded(want, 100.0));
    assert_ne!(today(&root), before);
    root.remove();
}

/// The browser's `parse_f64` (JavaScript's `parseFloat` behind Rust's
/// grammar) reads every text as Rust's `str::parse` does: the same value,
/// bit for bit, and the same refusals.
#[wasm_bindgen_test]
fn parse_f64_reads_numbers_as_rust_does() {
    let texts = [
        "0",
        "-0",
        "+1.5",
        ".5",
        "5.",
        "1e5",
        "1E-5",
        "2.5e+3",
        "0.1",
        "0.03238",
        "1500",
        "20261127",
        "9007199254740993",
        "2.2250738585072011e-308",
        "4.9e-324",
        "1e-400",
        "1e400",
        "1.7976931348623157e308",
        "123456789012345678901234567890e-10",
        "0.000000000000000000000000000001",
        "1.00000000000000011102230246251565404236316680908203125",
        "inf",
        "-Infinity",
        "NaN",
        "+nan",
        "",
        ".",
        "-",
        "+",
        "e5",
        "1e",
        "1e+",
        "1.2.3",
        "1_000",
        " 1",
        "1 ",
        "0x10",
        "1,5",
        "1e5.5",
        "--1",
        "infinit",
        "Infinityx",
        "١",
        "1ee5",
        ".e5",
    ];
    for t in texts {
        let ours = kickoff::fmt::parse_f64(t);
        let rust = t.parse::<f64>().ok();
        let same = match (ours, rust) {
            (Some(a), Some(b)) => a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan()),
            (None, None) => true,
            _ => false,
        };
        assert!(same, "{t:?}: parse_f64 gives {ours:?}, str::parse {rust:?}");
    }
}
