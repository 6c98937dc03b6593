//! `make perf-load`: the planner's first view and first render on a
//! throttled mobile profile, measured in headless Chromium through
//! chromedriver's CDP endpoint (`goog/cdp/execute`). A measurement, not a
//! test: it prints the figures that `docs/performance.md` reports.
//!
//! Each of [`RUNS`] runs starts a fresh browser profile (cold cache), sets
//! network emulation (1.6 Mbps down, 750 kbps up, 150 ms round trip) and CPU
//! throttling ×4, opens `/planner/` from a server on an ephemeral 127.0.0.1
//! port that serves `dist/` (or `$KICKOFF_DIST`) brotli-compressed
//! (`Content-Encoding: br`, quality 11, as CloudFront serves it), and records:
//!
//! - first plan visible: when the monthly total (`#total-monthly`) was first
//!   painted. The pre-rendered total carries `elementtiming`, so the Element
//!   Timing API gives its paint time (`renderTime`). A total without it (a
//!   page without the pre-rendered view) is timed by a `MutationObserver`
//!   that sees it inserted and takes the next `requestAnimationFrame`, the
//!   frame that paints it;
//! - first contentful paint (`paint` entries);
//! - interactive: `performance.mark("kickoff-first-render")`, which the app
//!   sets in the effect after its first render, from navigation start;
//! - bytes on the wire: the transfer sizes of the document and every resource;
//! - long tasks (> 50 ms) until interactive, from a `PerformanceObserver`
//!   installed before the page's own scripts.
//!
//! Run: `make perf-load` (builds `dist/` first if it is missing).

use fantoccini::{Client, ClientBuilder};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Runs; the figures are their medians.
const RUNS: usize = 5;
/// 1.6 Mbps down, 750 kbps up, in bytes per second; 150 ms round trip.
const DOWN_BYTES_PER_S: f64 = 1_600_000.0 / 8.0;
const UP_BYTES_PER_S: f64 = 750_000.0 / 8.0;
const RTT_MS: f64 = 150.0;
const CPU_SLOWDOWN: f64 = 4.0;
/// Give up on one run after this long.
const RUN_TIMEOUT: Duration = Duration::from_secs(180);

#[path = "../tests/support/cdp.rs"]
mod cdp_command;
use cdp_command::Cdp;

async fn cdp(c: &Client, cmd: &'static str, params: Value) {
    c.issue_cmd(Cdp { cmd, params })
        .await
        .unwrap_or_else(|e| panic!("CDP {cmd}: {e}"));
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

// --- dist/ over HTTP with brotli ----------------------------------------------

/// Every file of `dir`, brotli-compressed, by URL path under `/planner/`.
fn compressed(dir: &Path) -> BTreeMap<String, (Vec<u8>, &'static str)> {
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(dir).expect("dist/ exists: run `make dist`") {
        let path = entry.unwrap().path();
        if !path.is_file() {
            continue;
        }
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let body = Command::new("brotli")
            .args(["-q", "11", "-c"])
            .arg(&path)
            .output()
            .expect("brotli (make tools-browser installs it)")
            .stdout;
        let mime = match path.extension().and_then(|e| e.to_str()) {
            Some("html") => "text/html; charset=utf-8",
            Some("js") => "text/javascript",
            Some("wasm") => "application/wasm",
            Some("css") => "text/css",
            Some("svg") => "image/svg+xml",
            _ => "application/octet-stream",
        };
        out.insert(format!("/planner/{name}"), (body, mime));
    }
    let index = out.get("/planner/index.html").expect("dist/index.html").clone();
    out.insert("/planner/".into(), index);
    out
}

fn serve(files: Arc<BTreeMap<String, (Vec<u8>, &'static str)>>, stream: TcpStream) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut out = stream;
    loop {
        let mut request = String::new();
        if reader.read_line(&mut request).unwrap_or(0) == 0 {
            return;
        }
        let mut line = String::new();
        while reader.read_line(&mut line).unwrap_or(0) > 2 {
            line.clear();
        }
        let path = request
            .split_whitespace()
            .nth(1)
            .unwrap_or("/")
            .split('?')
            .next()
            .unwrap_or("/");
        let head = match files.get(path) {
            Some((body, mime)) => {
                let h = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: {mime}\r\nContent-Encoding: br\r\nContent-Length: {}\r\nCache-Control: no-cache\r\n\r\n",
                    body.len()
                );
                [h.into_bytes(), body.clone()].concat()
            }
            None => b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n".to_vec(),
        };
        if out.write_all(&head).is_err() {
            return;
        }
    }
}

/// Serve `dist/` on an ephemeral 127.0.0.1 port until the process ends.
fn start_server() -> String {
    let dist = std::env::var_os("KICKOFF_DIST").map_or_else(|| root().join("dist"), PathBuf::from);
    let files = Arc::new(compressed(&dist));
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let files = Arc::clone(&files);
            std::thread::spawn(move || serve(files, stream));
        }
    });
    format!("http://127.0.0.1:{port}/planner/")
}

// --- chromedriver -----------------------------------------------------------------

/// chromedriver in its own process group, killed (with its browsers) on drop.
struct Driver {
    child: Child,
    url: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let pgid = self.child.id();
        let _ = Command::new("kill")
            .args(["-s", "KILL", "--", &format!("-{pgid}")])
            .status();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn start_driver(scratch: &Path) -> Driver {
    let port = free_port();
    let bin = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
    let child = Command::new(bin)
        .arg(format!("--port={port}"))
        .arg("--allowed-ips=127.0.0.1")
        .env("XDG_CONFIG_HOME", scratch.join("config"))
        .env("XDG_CACHE_HOME", scratch.join("cache"))
        .env("TMPDIR", scratch.join("tmp"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .expect("start chromedriver");
    let d = Driver {
        child,
        url: format!("http://127.0.0.1:{port}"),
    };
    let t = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(t.elapsed() < Duration::from_secs(20), "chromedriver did not listen");
        std::thread::sleep(Duration::from_millis(50));
    }
    d
}

// --- one run --------------------------------------------------------------------------

#[derive(Debug, Clone)]
struct Run {
    visible_ms: f64,
    fcp_ms: f64,
    first_render_ms: f64,
    bytes: f64,
    long_tasks: usize,
    long_task_ms: f64,
    longest_task_ms: f64,
}

const OBSERVE: &str = "window.__kickoffLongTasks = []; \
    new PerformanceObserver(l => { for (const e of l.getEntries()) window.__kickoffLongTasks.push([e.startTime, e.duration]); }) \
    .observe({ type: 'longtask', buffered: true }); \
    window.__kickoffElement = null; \
    new PerformanceObserver(l => { for (const e of l.getEntries()) if (e.identifier === 'total-monthly' && window.__kickoffElement === null) window.__kickoffElement = e.renderTime || e.loadTime; }) \
    .observe({ type: 'element', buffered: true }); \
    window.__kickoffInserted = null; \
    const mo = new MutationObserver(() => { if (document.getElementById('total-monthly')) { mo.disconnect(); \
      requestAnimationFrame(t => { window.__kickoffInserted = t; }); } }); \
    mo.observe(document, { childList: true, subtree: true });";

const READ_FIGURES: &str = "const m = performance.getEntriesByName('kickoff-first-render')[0]; \
    const total = document.getElementById('total-monthly'); \
    if (!m || !total || !total.textContent.trim()) return null; \
    const visible = window.__kickoffElement !== null ? ['element timing', window.__kickoffElement] : ['inserted + next frame', window.__kickoffInserted]; \
    if (visible[1] === null) return null; \
    const fcp = performance.getEntriesByName('first-contentful-paint')[0]; \
    const nav = performance.getEntriesByType('navigation')[0]; \
    const bytes = (nav ? nav.transferSize : 0) + performance.getEntriesByType('resource').reduce((s, r) => s + r.transferSize, 0); \
    const lts = (window.__kickoffLongTasks || []).filter(t => t[0] < m.startTime); \
    const res = performance.getEntriesByType('resource').map(r => [r.name.split('/').pop(), r.startTime, r.responseEnd]); \
    return { visible: visible[1], how: visible[0], fcp: fcp ? fcp.startTime : -1, first: m.startTime, total: total.textContent, bytes, \
      long: lts.map(t => t[1]), long_at: lts.map(t => t[0]), doc: nav ? nav.responseEnd : -1, res };";

async fn run(driver: &Driver, url: &str, scratch: &Path, i: usize) -> Run {
    let profile = scratch.join(format!("profile-{i}"));
    let _ = std::fs::remove_dir_all(&profile);
    let caps = json!({
        "goog:chromeOptions": {
            "binary": "/usr/bin/chromium",
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-quic", "--no-first-run", "--window-size=412,915",
                format!("--user-data-dir={}", profile.display()),
            ]
        }
    });
    let Value::Object(caps) = caps else { unreachable!() };
    let c = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&driver.url)
        .await
        .expect("webdriver session");
    cdp(&c, "Network.enable", json!({})).await;
    cdp(&c, "Network.clearBrowserCache", json!({})).await;
    cdp(
        &c,
        "Network.emulateNetworkConditions",
        json!({ "offline": false, "latency": RTT_MS, "downloadThroughput": DOWN_BYTES_PER_S, "uploadThroughput": UP_BYTES_PER_S }),
    )
    .await;
    cdp(&c, "Emulation.setCPUThrottlingRate", json!({ "rate": CPU_SLOWDOWN })).await;
    cdp(&c, "Page.enable", json!({})).await;
    cdp(
        &c,
        "Page.addScriptToEvaluateOnNewDocument",
        json!({ "source": OBSERVE }),
    )
    .await;
    c.goto(url).await.expect("navigate");
    let started = Instant::now();
    let figures = loop {
        let v = c.execute(READ_FIGURES, vec![]).await.expect("read figures");
        if !v.is_null() {
            break v;
        }
        assert!(
            started.elapsed() < RUN_TIMEOUT,
            "no first render within {RUN_TIMEOUT:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    c.close().await.expect("close session");
    let long: Vec<f64> = figures["long"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_f64)
        .collect();
    let r = Run {
        visible_ms: figures["visible"].as_f64().unwrap(),
        fcp_ms: figures["fcp"].as_f64().unwrap(),
        first_render_ms: figures["first"].as_f64().unwrap(),
        bytes: figures["bytes"].as_f64().unwrap(),
        long_tasks: long.len(),
        long_task_ms: long.iter().sum(),
        longest_task_ms: long.iter().copied().fold(0.0, f64::max),
    };
    println!(
        "run {}: first plan visible {:.0} ms ({}), first contentful paint {:.0} ms, interactive {:.0} ms (total {}), {:.0} bytes on the wire, {} long tasks ({:.0} ms, longest {:.0} ms)",
        i + 1,
        r.visible_ms,
        figures["how"].as_str().unwrap_or(""),
        r.fcp_ms,
        r.first_render_ms,
        figures["total"].as_str().unwrap_or(""),
        r.bytes,
        r.long_tasks,
        r.long_task_ms,
        r.longest_task_ms
    );
    // Where the time goes, once: when each request started and ended, and
    // when each long task started.
    if i == 0 {
        let ms = |v: &Value| v.as_f64().unwrap_or(-1.0);
        println!("  document received by {:.0} ms", ms(&figures["doc"]));
        for r in figures["res"].as_array().into_iter().flatten() {
            println!(
                "  {:<40} {:>5.0}–{:>5.0} ms",
                r[0].as_str().unwrap_or(""),
                ms(&r[1]),
                ms(&r[2])
            );
        }
        let at: Vec<String> = figures["long_at"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|v| format!("{:.0}", ms(v)))
            .collect();
        println!("  long tasks started at {} ms", at.join(", "));
    }
    r
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

#[tokio::main]
async fn main() {
    let scratch = root().join("target").join("browser-scratch").join("perf-load");
    for sub in ["config", "cache", "tmp"] {
        std::fs::create_dir_all(scratch.join(sub)).unwrap();
    }
    let url = start_server();
    let driver = start_driver(&scratch);
    println!(
        "load: {}",
        std::fs::read_to_string("/proc/loadavg").unwrap_or_default().trim()
    );
    println!(
        "perf-load: {url}, {} Mbps down / {} kbps up / {RTT_MS} ms RTT, CPU ×{CPU_SLOWDOWN}, cold cache, {RUNS} runs",
        DOWN_BYTES_PER_S * 8.0 / 1e6,
        UP_BYTES_PER_S * 8.0 / 1e3
    );
    let mut runs = Vec::new();
    for i in 0..RUNS {
        runs.push(run(&driver, &url, &scratch, i).await);
    }
    let med = |f: fn(&Run) -> f64| median(runs.iter().map(f).collect());
    println!(
        "median of {RUNS}: first plan visible {:.0} ms, first contentful paint {:.0} ms, interactive {:.0} ms, {:.0} bytes on the wire, {:.0} long tasks totalling {:.0} ms (longest {:.0} ms)",
        med(|r| r.visible_ms),
        med(|r| r.fcp_ms),
        med(|r| r.first_render_ms),
        med(|r| r.bytes),
        med(|r| r.long_tasks as f64),
        med(|r| r.long_task_ms),
        med(|r| r.longest_task_ms)
    );
    drop(driver);
}
