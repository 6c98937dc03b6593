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
    fn tfvars_without_scenario_is_explained() {
        let e = from_tfvars("az_count = 2\n").unwrap_err();
        assert!(e.message.contains("no embedded scenario"));
        let e = from_tfvars("az_count = = 2\n").unwrap_err();
        assert!(e.message.contains("not a valid tfvars"));
    }
}
