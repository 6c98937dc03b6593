//! Formats in and out: tfvars for `terraform/`, scenario files, share links,
//! reports, and bills of materials (`kickoff price`).

pub mod bom;
pub mod calibrate;
pub mod cash;
pub mod diff;
// Build time only (`kickoff first-view`): never compiled into the browser's wasm.
#[cfg(not(target_arch = "wasm32"))]
pub mod first_view;
pub mod inputs_table;
pub mod limits_table;
pub mod optimize;
pub mod report;
pub mod scenario_file;
pub mod share;
pub mod tfvars;

/// Tests that a generated section of a doc (between `begin` and `end`) is
/// what the code generates now; `KICKOFF_UPDATE_DOCS=1` rewrites it instead.
#[cfg(all(test, not(target_arch = "wasm32")))]
pub(crate) fn check_generated_doc_section(doc: &str, begin: &str, end: &str, generated: &str, rerun: &str) {
    let path = format!("{}/{doc}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap();
    let start = text
        .find(begin)
        .unwrap_or_else(|| panic!("{doc} lacks the marker {begin}"))
        + begin.len();
    let stop = text.find(end).unwrap_or_else(|| panic!("{doc} lacks the marker {end}"));
    let want = format!("\n{generated}");
    if text[start..stop] != want {
        if std::env::var_os("KICKOFF_UPDATE_DOCS").is_some() {
            std::fs::write(&path, format!("{}{want}{}", &text[..start], &text[stop..])).unwrap();
        } else {
            panic!("{doc}'s generated section differs from the code: run `KICKOFF_UPDATE_DOCS=1 {rerun}`");
        }
    }
}
