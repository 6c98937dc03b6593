//! Kickoff: capacity and cost planning for a live sports commentary platform
//! on AWS. The model is plain Rust (no browser types) so the same code runs
//! in the browser planner and in the `kickoff` CLI.

pub mod charts;
pub mod export;
pub mod fmt;
pub mod model;
#[cfg(target_arch = "wasm32")]
pub mod web;
