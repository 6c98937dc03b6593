//! The planner's first view as static HTML, written into `dist/index.html`
//! at build time (`kickoff first-view`, run by `.ci/web.sh dist`), so a
//! phone shows the default plan before the wasm has been fetched, compiled
//! and has planned (docs/performance.md, "Pre-rendered first view").
//!
//! It is the answer first: the monthly total, the cost per 1,000 fans, the
//! SLO verdicts in words and the top cost drivers, with the element ids and
//! CSS classes of the app's results region (`src/web/results.rs`), so it
//! looks like the app's first screen. The figures come from the same
//! [`crate::model::plan`] and the same formatting ([`crate::fmt`]); a native
//! test checks `dist/index.html` against `plan()`, and `tests/e2e.rs` checks
//! the app shows the same total once it starts. The app's `start()` clears
//! `#app` and renders in the same task, so there is no blank frame.
//!
//! When the app will open another scenario (a share link in the URL, or a
//! saved scenario that is not the default), `static/first-view.js` marks
//! `<html>` before the first paint and the style sheet hides this view in
//! favour of "Opening your scenario…". It compares the saved scenario with
//! the default by [`fingerprint`], which this module writes onto `<html>`.

use crate::model::{levers, Plan, Scenario};
use std::fmt::Write;

/// `<html>`'s attribute carrying the default scenario's [`fingerprint`].
pub const DEFAULT_ATTR: &str = "data-kickoff-default";

/// FNV-1a (32 bits) of `text`'s UTF-16 code units, as lowercase hex: what
/// `static/first-view.js` computes over the saved scenario's JSON.
pub fn fingerprint(text: &str) -> String {
    let h = text
        .encode_utf16()
        .fold(0x811c_9dc5_u32, |h, u| (h ^ u32::from(u)).wrapping_mul(0x0100_0193));
    format!("{h:x}")
}

/// The text the app saves for `s` in localStorage (`src/web/mod.rs`).
pub fn saved_text(s: &Scenario) -> String {
    serde_json::to_string_pretty(s).expect("a scenario serialises")
}

/// HTML-escape text and attribute values.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

fn money(v: f64) -> String {
    crate::fmt::money_rounded(v, 100.0)
}

/// The static first view of plan `p` of scenario `s`: what goes inside `#app`.
pub fn html(s: &Scenario, p: &Plan) -> String {
    let pass = p.slo.iter().filter(|v| v.pass).count();
    let mut h = String::new();
    h.push_str(r#"<div class="app" id="first-view"><header class="top"><h1>Kickoff planner</h1><p class="tagline">Capacity and cost for live match-day commentary on AWS. Everything runs in your browser.</p></header>"#);
    h.push_str(r#"<section id="results" class="results" aria-labelledby="plan-heading"><h2 id="plan-heading">The plan</h2><div class="cards">"#);
    let _ = write!(
        h,
        r#"<div class="card"><h3>Monthly total</h3><p class="big" id="total-monthly" data-usd="{:.2}" elementtiming="total-monthly">{}</p><p class="sub">for {}</p></div>"#,
        p.total_monthly_usd,
        money(p.total_monthly_usd),
        crate::fmt::count(s.peak_concurrent_fans.into(), "peak fan", "peak fans")
    );
    let _ = write!(
        h,
        r#"<div class="card"><h3>Per 1,000 fans</h3><p class="big" id="cost-per-1000">{}</p><p class="sub">USD a month</p></div>"#,
        money(p.cost_per_1000_fans_usd)
    );
    let _ = write!(
        h,
        r#"<div class="card {}"><h3>SLOs</h3><p class="big" id="slo-summary">{pass}/{} pass</p><ul class="slo" id="slo-verdicts">"#,
        if p.slo_pass() { "ok" } else { "bad" },
        p.slo.len()
    );
    for v in &p.slo {
        let _ = write!(
            h,
            r#"<li class="{}" data-slo="{}"><span class="badge">{}</span><span class="slo-name">{}</span><span class="slo-numbers">{} (target {})</span><span class="slo-detail">{}</span></li>"#,
            if v.pass { "pass" } else { "fail" },
            esc(&v.name),
            if v.pass { "✔ pass" } else { "✘ FAIL" },
            esc(&v.name.replace('_', " ")),
            esc(&v.measured),
            esc(&v.target),
            esc(&v.detail)
        );
    }
    h.push_str("</ul></div></div><h2>Top cost drivers</h2><ol id=\"top-drivers\">");
    for d in levers::top_services(p) {
        let _ = write!(
            h,
            "<li>{} {} ({:.0} %)</li>",
            esc(d.service.name()),
            money(d.monthly_usd),
            d.share * 100.0
        );
    }
    h.push_str(r#"</ol><p class="loading">Loading the inputs, charts and exports…</p></section></div><p class="opening loading" id="opening">Opening your scenario…</p>"#);
    h
}

/// `index` (trunk's `dist/index.html`) with `#app`'s content replaced by
/// [`html`] and the default scenario's [`fingerprint`] on `<html>`.
pub fn inject(index: &str, s: &Scenario, p: &Plan) -> Result<String, String> {
    let open = ["<div id=app>", "<div id=\"app\">"]
        .iter()
        .find_map(|tag| index.find(tag).map(|i| i + tag.len()))
        .ok_or("no <div id=app> in the page")?;
    // `#app` holds no nested <div> before the build; after it, its first
    // view ends where the page's `<noscript>` begins.
    let close = index[open..]
        .find("</div><noscript>")
        .map(|i| open + i)
        .ok_or("no </div><noscript> after <div id=app>")?;
    let html_tag = index.find("<html").ok_or("no <html> tag")?;
    if index[html_tag..].starts_with(&format!("<html {DEFAULT_ATTR}=")) {
        return Err("the page already has its first view".into());
    }
    Ok(format!(
        "{}<html {DEFAULT_ATTR}={}{}{}{}",
        &index[..html_tag],
        fingerprint(&saved_text(&Scenario::default())),
        &index[html_tag + "<html".len()..open],
        html(s, p),
        &index[close..]
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{plan, PriceBook};

    #[test]
    fn fingerprint_is_fnv1a_of_utf16() {
        // FNV-1a 32 reference values (the empty string is the offset basis).
        assert_eq!(fingerprint(""), "811c9dc5");
        assert_eq!(fingerprint("a"), "e40c292c");
        assert_eq!(fingerprint("foobar"), "bf9cf968");
    }

    #[test]
    fn first_view_shows_the_plan() {
        let s = Scenario::default();
        let p = plan(&s, &PriceBook::embedded()).unwrap();
        let h = html(&s, &p);
        assert!(h.contains(&format!(r#"data-usd="{:.2}""#, p.total_monthly_usd)));
        assert!(h.contains(&money(p.total_monthly_usd)));
        for v in &p.slo {
            assert!(h.contains(&format!(r#"data-slo="{}""#, v.name)), "{}", v.name);
        }
        for d in levers::top_services(&p) {
            assert!(h.contains(d.service.name()));
        }
    }

    #[test]
    fn inject_replaces_the_loading_line_once() {
        let page = "<!doctype html><html lang=en><head></head><body><div id=app><p class=loading>Loading</p></div><noscript>x</noscript></body></html>";
        let s = Scenario::default();
        let p = plan(&s, &PriceBook::embedded()).unwrap();
        let out = inject(page, &s, &p).unwrap();
        assert!(!out.contains("<p class=loading>Loading</p>"));
        assert!(out.contains(r#"id="total-monthly""#));
        assert!(out.starts_with(&format!("<!doctype html><html {DEFAULT_ATTR}=")));
        assert!(out.ends_with("</div><noscript>x</noscript></body></html>"));
        assert!(inject(&out, &s, &p).is_err(), "a second run is refused");
        assert!(inject("<html><body></body></html>", &s, &p).is_err());
    }

    #[test]
    fn escapes_markup() {
        assert_eq!(
            esc(r#"<a href="x">&</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;"
        );
    }
}
