//! One Chrome DevTools Protocol command, sent through chromedriver's
//! `goog/cdp/execute` endpoint: shared by `tests/e2e.rs` and
//! `examples/perf_load.rs` (each includes this file with `#[path]`).

use fantoccini::wd::WebDriverCompatibleCommand;
use serde_json::{json, Value};

#[derive(Debug)]
pub struct Cdp {
    pub cmd: &'static str,
    pub params: Value,
}

impl WebDriverCompatibleCommand for Cdp {
    fn endpoint(&self, base_url: &url::Url, session_id: Option<&str>) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!("session/{}/goog/cdp/execute", session_id.unwrap_or_default()))
    }
    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        let body = json!({ "cmd": self.cmd, "params": self.params });
        (http::Method::POST, Some(body.to_string()))
    }
}
