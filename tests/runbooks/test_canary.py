"""The freshness canary (terraform/canary/freshness.js) measures what it claims.

A local stand-in for the API (127.0.0.1, ephemeral port, stopped at the end)
makes a published line visible on the feed after a set delay; the canary's
measure() must report that delay, and fail on a rejected publish. Also: the
committed zip Terraform uploads is the one built from the source.
"""

import json
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "terraform/canary/freshness.js"
TOKEN = "canary-test-token"
DELAY_S = 0.6


class FakeApi(BaseHTTPRequestHandler):
    lines = []  # (visible_at, text)

    def do_POST(self):
        if self.path != "/api/matches/canary/events" or self.headers.get("authorization") != f"Bearer {TOKEN}":
            self.send_response(403)
            self.end_headers()
            return
        body = json.loads(self.rfile.read(int(self.headers["content-length"])))
        FakeApi.lines.append((time.time() + DELAY_S, body["text"]))
        self.send_response(201)
        self.end_headers()

    def do_GET(self):
        visible = [text for at, text in FakeApi.lines if at <= time.time()]
        payload = json.dumps({"lines": visible}).encode()
        self.send_response(200 if self.path == "/api/matches/canary/feed" else 404)
        self.send_header("content-length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def api():
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeApi)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def measure(base_url, token):
    args = {"baseUrl": base_url, "publishPath": "/api/matches/canary/events",
            "feedPath": "/api/matches/canary/feed", "token": token, "timeoutSeconds": 5}
    js = f"require({json.dumps(str(SCRIPT))}).measure({json.dumps(args)}).then(s => console.log(s), e => {{ console.error(e.message); process.exit(3); }})"
    return subprocess.run(["node", "-e", js], capture_output=True, text=True, timeout=30)


def test_canary_reports_the_publish_to_visible_delay(api):
    out = measure(api, TOKEN)
    assert out.returncode == 0, out.stderr
    assert DELAY_S <= float(out.stdout) < DELAY_S + 1.0


def test_canary_fails_when_the_publish_is_rejected(api):
    out = measure(api, "wrong-token")
    assert out.returncode == 3 and "publish: HTTP 403" in out.stderr


def test_canary_metric_line_is_embedded_metric_format():
    js = f"require({json.dumps(str(SCRIPT))}).emit('kickoff-prod-fresh', 1.25)"
    line = json.loads(subprocess.run(["node", "-e", js], capture_output=True, text=True, check=True).stdout)
    metric = line["_aws"]["CloudWatchMetrics"][0]
    assert metric["Namespace"] == "Kickoff/Freshness" and metric["Dimensions"] == [["Canary"]]
    assert line["Canary"] == "kickoff-prod-fresh" and line["PublishToVisibleSeconds"] == 1.25


def test_committed_zip_is_built_from_the_source(tmp_path):
    subprocess.run([sys.executable, str(ROOT / ".ci/canary-zip.py"), str(tmp_path / "z.zip")], check=True)
    assert (tmp_path / "z.zip").read_bytes() == (ROOT / "terraform/canary/freshness.zip").read_bytes(), \
        "terraform/canary/freshness.zip is stale: run `make canary-zip`"
