//! Layers import only downward (README "Layout"): `fmt` ← `model` ← `export`
//! and `charts` ← `web`; the CLI may use every layer but the browser's. The
//! model's own modules form no import cycle outside their unit tests. Read from the source text: a
//! `crate::LAYER` path anywhere in a file (a `use` or an inline path) counts.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// What each layer may name besides itself.
const ALLOWED: &[(&str, &[&str])] = &[
    ("fmt", &[]),
    ("model", &["fmt"]),
    ("export", &["fmt", "model"]),
    ("charts", &["fmt", "model"]),
    ("web", &["fmt", "model", "export", "charts"]),
    ("cli", &["fmt", "model", "export", "charts"]),
];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src dir") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The files of a layer: `src/NAME.rs` and everything under `src/NAME/`.
fn layer_files(name: &str) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let single = src().join(format!("{name}.rs"));
    if single.is_file() {
        files.push(single);
    }
    let dir = src().join(name);
    if dir.is_dir() {
        rust_files(&dir, &mut files);
    }
    assert!(!files.is_empty(), "layer {name} has no source files");
    files
}

/// Every `crate::IDENT` named in `text`, outside line comments.
fn crate_paths(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(i) = rest.find("crate::") {
            let after = &rest[i + "crate::".len()..];
            let ident: String = after
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !ident.is_empty() {
                found.insert(ident);
            }
            rest = after;
        }
    }
    found
}

#[test]
fn layers_import_only_downward() {
    let layers: BTreeSet<&str> = ALLOWED.iter().map(|(l, _)| *l).collect();
    let mut broken = Vec::new();
    for (layer, allowed) in ALLOWED {
        for file in layer_files(layer) {
            let text = std::fs::read_to_string(&file).expect("read source");
            for target in crate_paths(&text) {
                let ok = target == *layer || allowed.contains(&target.as_str());
                if layers.contains(target.as_str()) && !ok {
                    broken.push(format!("{} names crate::{target}", file.display()));
                }
            }
        }
    }
    assert!(broken.is_empty(), "upward imports:\n{}", broken.join("\n"));
}

/// `crate::model::X` and `super::X` references between the model's modules.
fn model_graph() -> BTreeMap<String, BTreeSet<String>> {
    let dir = src().join("model");
    let mut modules = BTreeSet::new();
    for entry in std::fs::read_dir(&dir).expect("read src/model") {
        let path = entry.expect("dir entry").path();
        if path.extension().is_some_and(|e| e == "rs") {
            let stem = path.file_stem().unwrap().to_string_lossy().to_string();
            if stem != "mod" {
                modules.insert(stem);
            }
        }
    }
    let mut graph = BTreeMap::new();
    for module in &modules {
        let text = std::fs::read_to_string(dir.join(format!("{module}.rs"))).expect("read module");
        // A module's unit tests may use its dependants (a test of the tier
        // helper against the tiers a service declares): not an import cycle.
        let text = text.split("#[cfg(test)]").next().unwrap_or("");
        let mut deps = BTreeSet::new();
        for line in text.lines() {
            let code = line.split("//").next().unwrap_or("");
            for prefix in ["crate::model::", "super::"] {
                let mut rest = code;
                while let Some(i) = rest.find(prefix) {
                    let after = &rest[i + prefix.len()..];
                    let ident: String = after
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                        .collect();
                    if modules.contains(&ident) && ident != *module {
                        deps.insert(ident);
                    }
                    rest = after;
                }
            }
        }
        graph.insert(module.clone(), deps);
    }
    graph
}

#[test]
fn model_modules_form_no_cycle() {
    let graph = model_graph();
    // Depth-first search with colours; report the first cycle found.
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        state.insert(node.to_string(), 1);
        stack.push(node.to_string());
        for dep in &graph[node] {
            match state.get(dep.as_str()).copied().unwrap_or(0) {
                1 => {
                    let start = stack.iter().position(|n| n == dep).unwrap();
                    let mut cycle = stack[start..].to_vec();
                    cycle.push(dep.clone());
                    return Some(cycle);
                }
                0 => {
                    if let Some(c) = visit(dep, graph, state, stack) {
                        return Some(c);
                    }
                }
                _ => {}
            }
        }
        stack.pop();
        state.insert(node.to_string(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for node in graph.keys() {
        if state.get(node.as_str()).copied().unwrap_or(0) == 0 {
            let mut stack = Vec::new();
            if let Some(cycle) = visit(node, &graph, &mut state, &mut stack) {
                panic!("model modules import each other: {}", cycle.join(" → "));
            }
        }
    }
}

#[test]
fn the_scanner_sees_paths() {
    // The checks above are only as good as this reader of paths.
    let paths = crate_paths("use crate::model::plan; // crate::web\nlet x = crate::fmt::money(1.0);");
    assert_eq!(paths, BTreeSet::from(["fmt".to_string(), "model".to_string()]));
}
