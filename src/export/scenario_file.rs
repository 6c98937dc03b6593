//! Reading scenarios from strangers: JSON files, tfvars exported by
//! `kickoff tfvars` (the scenario rides in their header), and share links.
//! Every path checks the size first, names the field at fault, and never panics.

use super::tfvars::{SCENARIO_BEGIN, SCENARIO_END};
use crate::model::Scenario;
use std::fmt;

/// Largest file or link accepted, bytes. A full default scenario is ~5 KB of
/// JSON; 256 KiB leaves room for long kickoff-slot lists and price overrides.
pub const MAX_IMPORT_BYTES: usize = 256 * 1024;

/// Why an import was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError {
    /// The scenario field at fault, when one is known (`delivery.poll_interval_s`).
    pub field: Option<String>,
    pub message: String,
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.field {
            Some(field) => write!(f, "{field}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for ImportError {}

fn err(message: impl Into<String>) -> ImportError {
    ImportError {
        field: None,
        message: message.into(),
    }
}

/// Refuse input over [`MAX_IMPORT_BYTES`] before any parsing.
///
/// # Errors
/// The size and the limit.
pub fn check_size(len: usize) -> Result<(), ImportError> {
    if len > MAX_IMPORT_BYTES {
        return Err(err(format!("input is {len} bytes; the limit is {MAX_IMPORT_BYTES}")));
    }
    Ok(())
}

/// Parse scenario JSON. Missing fields take their defaults; unknown fields
/// and wrong types are errors naming the field.
///
/// # Errors
/// Oversized input, malformed JSON, an unknown field or a mistyped value.
pub fn from_json(text: &str) -> Result<Scenario, ImportError> {
    check_size(text.len())?;
    let de = &mut serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        ImportError {
            field: (path != ".").then_some(path),
            message: format!("invalid scenario JSON: {inner}"),
        }
    })
}

/// The scenario embedded in a tfvars file written by `kickoff tfvars`.
///
/// # Errors
/// Oversized input, a file that is not valid HCL, or one without the
/// scenario block.
pub fn from_tfvars(text: &str) -> Result<Scenario, ImportError> {
    check_size(text.len())?;
    hcl::parse(text).map_err(|e| err(format!("not a valid tfvars (HCL) file: {e}")))?;
    from_json(&embedded_scenario_json(text)?)
}

/// The JSON between the scenario markers of a `kickoff tfvars` file, with
/// the comment prefixes removed. Checks nothing else about the file (the
/// browser uses this without the HCL parser, to keep its bundle small).
///
/// # Errors
/// No scenario block, an unclosed one, or a line in it that is not a comment.
pub fn embedded_scenario_json(text: &str) -> Result<String, ImportError> {
    let start = text.find(SCENARIO_BEGIN).ok_or_else(|| {
        err(format!(
            "no embedded scenario: the file has no `{SCENARIO_BEGIN}` line (was it written by `kickoff tfvars`?)"
        ))
    })?;
    let rest = &text[start + SCENARIO_BEGIN.len()..];
    let end = rest
        .find(SCENARIO_END)
        .ok_or_else(|| err(format!("embedded scenario is not closed by `{SCENARIO_END}`")))?;
    let mut json = String::new();
    for line in rest[..end].lines() {
        let line = line.trim_start();
        if line.is_empty() {
            continue;
        }
        let body = line
            .strip_prefix('#')
            .ok_or_else(|| err("embedded scenario lines must start with `#`"))?;
        json.push_str(body.strip_prefix(' ').unwrap_or(body));
        json.push('\n');
    }
    Ok(json)
}

/// JSON or tfvars, told apart by the first non-blank character.
///
/// # Errors
/// As [`from_json`] or [`from_tfvars`].
pub fn import(text: &str) -> Result<Scenario, ImportError> {
    check_size(text.len())?;
    if text.trim_start().starts_with('{') {
        from_json(text)
    } else {
        from_tfvars(text)
    }
}

/// A serde_json error as a person reads it: the field it happened in (found
/// by [`json_path_at`], so the browser needs no `serde_path_to_error`) and
/// what was wrong in words, without serde's type names or positions.
pub fn json_error(text: &str, e: &serde_json::Error) -> ImportError {
    let field = json_path_at(text, e.line(), e.column());
    let raw = e.to_string();
    let raw = raw.rfind(" at line ").map_or(raw.as_str(), |i| &raw[..i]);
    let message = match e.classify() {
        serde_json::error::Category::Eof => "the file ends too early: is it cut short?".to_string(),
        serde_json::error::Category::Syntax => {
            format!("not valid JSON at line {} column {} ({raw})", e.line(), e.column())
        }
        _ => match raw
            .strip_prefix("invalid type: ")
            .and_then(|r| r.split_once(", expected "))
        {
            Some((found, expected)) => format!("expected {}, found {}", kind_in_words(expected), found_in_words(found)),
            None => raw.replace("invalid value: integer", "invalid value").to_string(),
        },
    };
    ImportError {
        field: field.filter(|f| !f.is_empty()),
        message,
    }
}

/// serde's name of an expected type, in words.
fn kind_in_words(expected: &str) -> String {
    match expected {
        "u8" | "u16" | "u32" | "u64" | "usize" => "a whole number".into(),
        "i32" | "i64" => "a whole number (may be negative)".into(),
        "f32" | "f64" => "a number".into(),
        "a boolean" => "true or false".into(),
        "a string" => "text in quotes".into(),
        other => other.replace('`', ""),
    }
}

/// serde's description of a found value (`string "lots"`), in words.
fn found_in_words(found: &str) -> String {
    match found.split_once(' ') {
        Some(("string", v)) => format!("the text {v}"),
        Some(("integer", v) | ("floating", v)) => format!("the number {}", v.trim_start_matches("point ")),
        _ => found.to_string(),
    }
}

/// The dotted path (`delivery.poll_interval_s`, `match_day.kickoff_slots[1].day`)
/// of the JSON value being read at `line`:`column` (1-based, as serde_json
/// reports them): the keys and indexes of the objects and arrays open there.
/// None when the position is outside every object.
pub fn json_path_at(text: &str, line: usize, column: usize) -> Option<String> {
    enum Frame {
        Obj { key: Option<String>, expect_key: bool },
        Arr(usize),
    }
    let offset = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum::<usize>()
        + column;
    let mut stack: Vec<Frame> = Vec::new();
    let mut chars = text.char_indices().take_while(|(i, _)| *i < offset).peekable();
    while let Some((_, c)) = chars.next() {
        match c {
            '"' => {
                let mut s = String::new();
                while let Some((_, c)) = chars.next() {
                    match c {
                        '\\' => {
                            chars.next();
                        }
                        '"' => break,
                        c => s.push(c),
                    }
                }
                if let Some(Frame::Obj { key, expect_key }) = stack.last_mut() {
                    if *expect_key {
                        *key = Some(s);
                        *expect_key = false;
                    }
                }
            }
            '{' => stack.push(Frame::Obj {
                key: None,
                expect_key: true,
            }),
            '[' => stack.push(Frame::Arr(0)),
            '}' | ']' => {
                stack.pop();
            }
            ',' => match stack.last_mut() {
                Some(Frame::Obj { expect_key, .. }) => *expect_key = true,
                Some(Frame::Arr(i)) => *i += 1,
                None => {}
            },
            _ => {}
        }
    }
    if stack.is_empty() {
        return None;
    }
    let mut path = String::new();
    for f in &stack {
        match f {
            Frame::Obj { key: Some(k), .. } => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(k);
            }
            Frame::Obj { key: None, .. } => {}
            Frame::Arr(i) => path.push_str(&format!("[{i}]")),
        }
    }
    Some(path)
}

/// The top-level `name = value` assignments of a tfvars file, in order, each
/// value with its whitespace removed; comment lines (the embedded scenario
/// among them) are skipped. Not an HCL parser: enough to compare a file with
/// the one the planner writes for the same scenario (the browser has no HCL
/// parser, to keep its bundle small).
pub fn tfvars_assignments(text: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        let t = line.trim_start();
        if t.starts_with('#') || t.starts_with("//") || t.is_empty() {
            continue;
        }
        let name_end = line
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
            .unwrap_or(line.len());
        let is_start = name_end > 0
            && line[name_end..].trim_start().starts_with('=')
            && !line[name_end..].trim_start().starts_with("==");
        let squeezed = |v: &str| v.chars().filter(|c| !c.is_whitespace()).collect::<String>();
        if is_start {
            let value = line[name_end..].trim_start()[1..].to_string();
            out.push((line[..name_end].to_string(), squeezed(&value)));
        } else if let Some(last) = out.last_mut() {
            last.1.push_str(&squeezed(line));
        }
    }
    out
}

/// The variables whose value in `file` differs from `written`, the file the
/// planner writes for the scenario embedded in `file`: what a person edited
/// by hand. The planner reads only the embedded scenario, so an import says
/// these were ignored. Variables added or removed count as edited.
pub fn tfvars_edits(file: &str, written: &str) -> Vec<String> {
    let ours = tfvars_assignments(written);
    let theirs = tfvars_assignments(file);
    let mut edited: Vec<String> = theirs
        .iter()
        .filter(|(k, v)| !ours.iter().any(|(k2, v2)| k2 == k && v2 == v))
        .map(|(k, _)| k.clone())
        .collect();
    for (k, _) in &ours {
        if !theirs.iter().any(|(k2, _)| k2 == k) && !edited.contains(k) {
            edited.push(k.clone());
        }
    }
    edited
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_json_takes_defaults() {
        let s = from_json(r#"{"peak_concurrent_fans": 20000, "delivery": {"poll_interval_s": 5}}"#).unwrap();
        assert_eq!(s.peak_concurrent_fans, 20_000);
        assert_eq!(s.delivery.poll_interval_s, 5.0);
        assert_eq!(s.delivery.cdn_live_ttl_s, 1.0);
    }

    #[test]
    fn errors_name_the_field() {
        let e = from_json(r#"{"delivery": {"poll_interval_s": "fast"}}"#).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("delivery.poll_interval_s"));
        let e = from_json(r#"{"delivery": {"poll_intervall_s": 2}}"#).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("delivery.poll_intervall_s"));
        assert!(e.message.contains("unknown field"));
        let e = from_json(r#"{"peak_concurrent_fans": -5}"#).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("peak_concurrent_fans"));
        assert!(from_json("{").is_err());
    }

    #[test]
    fn oversized_input_is_rejected_before_parsing() {
        let big = format!("{{\"x\": \"{}\"}}", "a".repeat(MAX_IMPORT_BYTES));
        let e = import(&big).unwrap_err();
        assert!(e.message.contains("limit"));
    }

    #[test]
    fn json_errors_name_the_field_in_words() {
        let text = "{\"delivery\": {\"poll_interval_s\": 2},\n \"app\": {\"db_pool_per_task\": \"lots\"}}";
        let e = serde_json::from_str::<Scenario>(text).unwrap_err();
        let got = json_error(text, &e);
        assert_eq!(got.field.as_deref(), Some("app.db_pool_per_task"), "{got:?}");
        assert!(got.message.contains("the text \"lots\""), "{got:?}");
        assert!(
            !got.message.contains("u32") && !got.message.contains("line 2"),
            "{got:?}"
        );

        let text = r#"{"peak_concurrent_fans": 20000, "delivery": {"poll_interval_s": 2"#;
        let e = serde_json::from_str::<Scenario>(text).unwrap_err();
        let got = json_error(text, &e);
        assert_eq!(got.field.as_deref(), Some("delivery.poll_interval_s"), "{got:?}");
        assert!(got.message.contains("ends too early"), "{got:?}");

        let text = r#"{"match_day": {"kickoff_slots": [{"name": 5}]}}"#;
        let e = serde_json::from_str::<Scenario>(text).unwrap_err();
        assert_eq!(
            json_error(text, &e).field.as_deref(),
            Some("match_day.kickoff_slots[0].name")
        );

        let text = r#"{"delivery": {"poll_intervall_s": 2}}"#;
        let e = serde_json::from_str::<Scenario>(text).unwrap_err();
        let got = json_error(text, &e);
        assert_eq!(got.field.as_deref(), Some("delivery.poll_intervall_s"));
        assert!(got.message.contains("unknown field"), "{got:?}");
    }

    #[test]
    fn hand_edits_of_a_written_tfvars_are_found() {
        let s = Scenario::default();
        let p = crate::model::plan(&s, &crate::model::PriceBook::embedded()).unwrap();
        let written = crate::export::tfvars::render(&s, &p);
        assert!(tfvars_edits(&written, &written).is_empty());
        let min = tfvars_assignments(&written)
            .into_iter()
            .find(|(k, _)| k == "api_min_tasks")
            .expect("api_min_tasks is written")
            .1;
        let line = written
            .lines()
            .find(|l| l.starts_with("api_min_tasks"))
            .unwrap()
            .to_string();
        let edited = written.replace(&line, &line.replace(&min, "9"));
        assert_eq!(tfvars_edits(&edited, &written), ["api_min_tasks"]);
        // Re-aligned by hand (whitespace only): not an edit.
        let spaced = written.replace(&line, &line.replace(" = ", "   =   "));
        assert!(tfvars_edits(&spaced, &written).is_empty());
        // A variable added at the end.
        assert_eq!(tfvars_edits(&format!("{written}extra = 1\n"), &written), ["extra"]);
    }

    #[test]
    fn tfvars_without_scenario_is_explained() {
        let e = from_tfvars("az_count = 2\n").unwrap_err();
        assert!(e.message.contains("no embedded scenario"));
        let e = from_tfvars("az_count = = 2\n").unwrap_err();
        assert!(e.message.contains("not a valid tfvars"));
    }
}
