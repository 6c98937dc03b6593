//! The `kickoff` binary: the CLI natively, the planner app in the browser.

#[cfg(not(target_arch = "wasm32"))]
mod cli;

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    std::process::exit(cli::run());
}

#[cfg(target_arch = "wasm32")]
fn main() {
    kickoff::web::start();
}
