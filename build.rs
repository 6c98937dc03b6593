//! The browser bundle carries the limits catalogue without its `note` fields
//! (what each figure means and how it was read: for people reading the JSON
//! and for the native tests, never shown by the planner) and minified. The
//! 300,000-byte brotli budget (`make bundle-size`) is why. Native builds embed
//! the file as it is.

use std::{env, fs, path::PathBuf};

fn main() {
    let src = "src/model/limits_us_east_1.json";
    println!("cargo:rerun-if-changed={src}");
    println!("cargo:rerun-if-changed=build.rs");
    let text = fs::read_to_string(src).expect("read the limits catalogue");
    let out = if env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("wasm32") {
        let mut json: serde_json::Value = serde_json::from_str(&text).expect("the limits catalogue is JSON");
        if let Some(limits) = json.get_mut("limits").and_then(|l| l.as_array_mut()) {
            for limit in limits {
                if let Some(entry) = limit.as_object_mut() {
                    // Neither is shown by the planner: a check names its
                    // limit's source, not the month or confidence of it.
                    entry.remove("note");
                    entry.remove("date");
                    entry.remove("confidence");
                }
            }
        }
        serde_json::to_string(&json).expect("serialise the limits catalogue")
    } else {
        text
    };
    let dest = PathBuf::from(env::var("OUT_DIR").expect("OUT_DIR")).join("limits_us_east_1.json");
    fs::write(dest, out).expect("write the embedded limits catalogue");
}
