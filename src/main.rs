//! The `kickoff` binary: the CLI natively, the planner app in the browser.

#[cfg(not(target_arch = "wasm32"))]
mod cli;

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    std::process::exit(cli::run());
}

// Talc instead of the default dlmalloc: smaller in the bundle and faster
// (talc's README_WASM.md, its WebAssembly allocator benchmarks).
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static TALC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

#[cfg(target_arch = "wasm32")]
fn main() {
    kickoff::web::start();
}
