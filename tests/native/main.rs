//! Every native integration test, in one crate: each crate links the planner
//! and the test dependencies on its own, so one crate builds faster than six
//! on two cores (docs/performance.md). Run one part with a filter, e.g.
//! `cargo test --test native fuzz_inputs::`.
//!
//! The browser tests stay apart: `tests/web_app.rs` (wasm-bindgen-test) and
//! `tests/e2e.rs` (WebDriver against a built bundle).

mod cli;
mod findings;
mod fuzz_inputs;
mod golden;
mod layering;
mod model_validation;
mod properties;
mod runbooks;
mod tf_limits;
mod tfvars_contract;
