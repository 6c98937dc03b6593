//! Share links: the scenario in the URL fragment, compact and versioned.
//!
//! Format (version 1): `s1=<base64url(json)>`, where the JSON holds only the
//! fields that differ from [`Scenario::default`] (per group, so a link stays
//! short and keeps working when a later release adds a field with a
//! default). The fragment never reaches a server.
//!
//! Why no compression: a typical edit (fans, a few choices) is 30–100 bytes
//! of JSON, where deflate saves nothing, and even the seed setup's diff is
//! under 600 characters; deflate would cost 7 KB of the browser bundle's
//! 300 KB budget (docs/performance.md).
//!
//! Decoding checks the encoded length before any work, then parses with
//! [`scenario_file::from_json`](super::scenario_file::from_json), so errors
//! name the field at fault (the browser passes a lighter parser that names
//! unknown fields only).
//!
//! # Example
//! ```
//! use kickoff::export::share::{decode, encode};
//! use kickoff::model::Scenario;
//! let mut s = Scenario::default();
//! s.peak_concurrent_fans = 42_000;
//! let fragment = encode(&s);
//! assert!(fragment.starts_with("s1="));
//! assert_eq!(decode(&fragment).unwrap(), s);
//! ```

use super::scenario_file::{self, ImportError};
use crate::model::Scenario;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::{Map, Value};
use std::fmt;

/// Prefix of a version-1 fragment.
pub const PREFIX_V1: &str = "s1=";
/// Longest fragment accepted, characters. A default scenario encodes to a
/// handful of characters; a fully edited one to ~2 KB. 16 KiB stays well
/// within every browser's URL limit.
pub const MAX_FRAGMENT_CHARS: usize = 16 * 1024;

/// Why a share link was refused. The scenario on screen stays as it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShareError {
    /// Not a `s<N>=` fragment at all.
    NotAShareLink,
    /// A `s<N>=` fragment from a newer (or unknown) release.
    UnsupportedVersion(String),
    /// Longer than [`MAX_FRAGMENT_CHARS`].
    TooLong(usize),
    /// Not base64url.
    BadEncoding,
    /// Decodes, but not to UTF-8 text.
    NotText,
    /// Decoded, but not a valid scenario.
    BadScenario(ImportError),
}

impl fmt::Display for ShareError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ShareError::NotAShareLink => f.write_str("this link holds no scenario (expected #s1=…)"),
            ShareError::UnsupportedVersion(v) => write!(
                f,
                "share link version {v} is not supported by this planner (expected s1)"
            ),
            ShareError::TooLong(n) => write!(f, "share link is {n} characters; the limit is {MAX_FRAGMENT_CHARS}"),
            ShareError::BadEncoding => {
                f.write_str("share link is damaged (not base64url; it may have been cut off when copied)")
            }
            ShareError::NotText => f.write_str("share link is damaged (it does not decode to text)"),
            ShareError::BadScenario(e) => write!(f, "share link holds an invalid scenario: {e}"),
        }
    }
}

impl std::error::Error for ShareError {}

/// `s` as a JSON value, via text: in the wasm bundle this reuses the
/// `Serialize`-to-writer code instead of adding a `to_value` instantiation.
pub fn to_json_value(s: &Scenario) -> Value {
    // Pretty, as `tfvars::render` uses: one serializer instantiation in the bundle.
    let text = serde_json::to_string_pretty(s).unwrap_or_else(|_| unreachable!("a scenario serialises"));
    serde_json::from_str(&text).unwrap_or_else(|_| unreachable!("serde_json reads its own output"))
}

/// The fields of `s` that differ from the defaults, grouped as in the scenario JSON.
pub fn diff_from_default(s: &Scenario) -> Value {
    let cur = to_json_value(s);
    let def = to_json_value(&Scenario::default());
    let (Value::Object(cur), Value::Object(def)) = (cur, def) else {
        return Value::Object(Map::new());
    };
    let mut out = Map::new();
    for (k, v) in cur {
        let d = def.get(&k);
        if d == Some(&v) {
            continue;
        }
        // Groups are structs with `#[serde(default)]`: keep only changed members.
        // Anything below that (maps, lists, tagged enums) is kept whole.
        match (&v, d) {
            (Value::Object(vo), Some(Value::Object(dobj))) if k != "price_overrides" => {
                // Inserts, not `collect`: collecting into the map adds a
                // stable sort's code to the browser bundle.
                let mut changed = Map::new();
                for (fk, fv) in vo.iter().filter(|(fk, fv)| dobj.get(*fk) != Some(*fv)) {
                    changed.insert(fk.clone(), fv.clone());
                }
                out.insert(k, Value::Object(changed));
            }
            _ => {
                out.insert(k, v);
            }
        }
    }
    Value::Object(out)
}

/// Encode `s` as a fragment (without the leading `#`).
pub fn encode(s: &Scenario) -> String {
    let json = serde_json::to_vec(&diff_from_default(s)).unwrap_or_else(|_| unreachable!("json serialises"));
    format!("{PREFIX_V1}{}", URL_SAFE_NO_PAD.encode(json))
}

/// Decode a fragment (with or without the leading `#`).
///
/// # Errors
/// See [`ShareError`]; never panics on any input.
pub fn decode(fragment: &str) -> Result<Scenario, ShareError> {
    decode_with(fragment, scenario_file::from_json)
}

/// [`decode`] with another JSON parser for the decoded scenario (the
/// browser passes a lighter one than `from_json` to keep the bundle small).
///
/// # Errors
/// As [`decode`].
pub fn decode_with(
    fragment: &str,
    parse: impl FnOnce(&str) -> Result<Scenario, ImportError>,
) -> Result<Scenario, ShareError> {
    let f = fragment.strip_prefix('#').unwrap_or(fragment);
    if f.len() > MAX_FRAGMENT_CHARS {
        return Err(ShareError::TooLong(f.len()));
    }
    let Some(payload) = f.strip_prefix(PREFIX_V1) else {
        return Err(match f.split_once('=') {
            Some((version, _)) if is_share_fragment(f) => ShareError::UnsupportedVersion(version.into()),
            _ => ShareError::NotAShareLink,
        });
    };
    let json = URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .map_err(|_| ShareError::BadEncoding)?;
    let text = std::str::from_utf8(&json).map_err(|_| ShareError::NotText)?;
    parse(text).map_err(ShareError::BadScenario)
}

/// True when `fragment` looks like a share link (so the app should try to load it).
pub fn is_share_fragment(fragment: &str) -> bool {
    let f = fragment.strip_prefix('#').unwrap_or(fragment);
    f.starts_with('s')
        && f[1..]
            .split_once('=')
            .is_some_and(|(v, _)| !v.is_empty() && v.chars().all(|c| c.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::scenario::{Arch, ReplicaPolicy};

    #[test]
    fn default_scenario_is_tiny() {
        let f = encode(&Scenario::default());
        assert!(f.len() < 20, "{f}");
        assert_eq!(decode(&f).unwrap(), Scenario::default());
    }

    #[test]
    fn round_trips_edited_scenarios() {
        let mut s = Scenario::default();
        s.peak_concurrent_fans = 123_456;
        s.app.arch = Arch::X86_64;
        s.delivery.poll_interval_s = 2.5;
        s.data.read_replicas = ReplicaPolicy::None;
        s.overrides.db_read_replicas = Some(2);
        s.price_overrides.insert("alb.hour".into(), 0.03);
        s.audience.design_headroom_pct = 0.1 + 0.2; // not exactly representable
        let f = encode(&s);
        assert_eq!(decode(&format!("#{f}")).unwrap(), s);
        let seed = Scenario::default().seed_setup();
        assert_eq!(decode(&encode(&seed)).unwrap(), seed);
    }

    #[test]
    fn link_is_url_safe() {
        let f = encode(&Scenario::default().seed_setup());
        assert!(
            f[3..]
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'),
            "{f}"
        );
    }

    #[test]
    fn malformed_links_are_clear_errors() {
        assert_eq!(decode(""), Err(ShareError::NotAShareLink));
        assert_eq!(decode("#hello"), Err(ShareError::NotAShareLink));
        assert_eq!(decode("s2=abc"), Err(ShareError::UnsupportedVersion("s2".into())));
        assert_eq!(decode("s1=***"), Err(ShareError::BadEncoding));
        assert_eq!(decode("s1=__8"), Err(ShareError::NotText));
        assert!(matches!(decode("s1=AAAA"), Err(ShareError::BadScenario(_))));
        // Truncated link: chop the tail off a real one.
        let f = encode(&Scenario::default().seed_setup());
        assert!(decode(&f[..f.len() / 2]).is_err());
        // Valid encoding, wrong field: the error names it.
        let bad = br#"{"delivery":{"poll_interval_s":"fast"}}"#;
        match decode(&format!("s1={}", URL_SAFE_NO_PAD.encode(bad))) {
            Err(ShareError::BadScenario(e)) => assert_eq!(e.field.as_deref(), Some("delivery.poll_interval_s")),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn oversize_links_are_refused_before_work() {
        let long = format!("s1={}", "A".repeat(MAX_FRAGMENT_CHARS));
        assert!(matches!(decode(&long), Err(ShareError::TooLong(_))));
        // Far below the limit: a seed scenario's link.
        let f = encode(&Scenario::default().seed_setup());
        assert!(f.len() < 1_000, "{} chars", f.len());
    }

    #[test]
    fn recognises_share_fragments() {
        assert!(is_share_fragment("#s1=abc"));
        assert!(is_share_fragment("s9=x"));
        assert!(!is_share_fragment("#top"));
        assert!(!is_share_fragment("#s"));
    }
}
