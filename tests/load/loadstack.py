#!/usr/bin/env python3
"""The reference commentary stack on 127.0.0.1 and the match-day load test against it (stdlib only).

The stack (docs/load-testing.md): the small Express API of tests/load/stack/ pinned to one core with
taskset, Redis as the cache, MariaDB as the database, nginx in front as the CloudFront stand-in. It is
there to measure the planner's coefficients; it is not the product's API.

    python3 tests/load/loadstack.py up [--ttl-s 1] [--lifetime-s 1800]   start it, print its URLs
    python3 tests/load/loadstack.py status                               which of its processes run
    python3 tests/load/loadstack.py down                                 stop them (by PID)
    python3 tests/load/loadstack.py run smoke|loadtest [--out DIR]       up, k6, down, summary.json

Every server binds 127.0.0.1 on a free ephemeral port (MariaDB: a Unix socket only); data and logs are
under target/loadstack/. Each server runs under `timeout --lifetime-s`, so it stops by itself even if
this script is killed; `down` and `run` stop them by the PIDs recorded in target/loadstack/state.json,
checking each PID's command line first. `run` always stops what it started, also on failure or Ctrl-C.

`run smoke` (in `make test`) asserts that the stack answers, that the micro-cache collapses requests,
that freshness is measured and that nothing fails at the smoke rate; `run loadtest` (`make loadtest`)
writes the measurement and exits 1 when a window breaches the error SLO or freshness p95 breaches its
target. Both write DIR/summary.json (schema: docs/load-testing.md#summaryjson).
"""

from __future__ import annotations

import argparse
import datetime as dt
import fcntl
import json
import math
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
STACK = HERE / "stack"
RUN = ROOT / "target" / "loadstack"
STATE = RUN / "state.json"
CLK_TCK = os.sysconf("SC_CLK_TCK")
SCHEMA = "kickoff-loadtest-summary/1"

# Run profiles. `scale` is what this 2-core machine can offer with k6 on one core; the planner's
# defaults otherwise (delivery.*, writes.*, app.request_timeout_s, slo.*).
PROFILES = {
    "smoke": {
        "k6": {"PROFILE": "kickoff", "TIME_SCALE": "0.025", "PEAK_FANS": "200", "WATCHERS": "20"},
        "capacity": None,
    },
    "loadtest": {
        "k6": {"PROFILE": "kickoff", "TIME_SCALE": "0.2", "PEAK_FANS": "1000", "WATCHERS": "30"},
        "capacity": {"RATE_START": "250", "RATE_END": "2250", "RATE_STEPS": "5", "STEP_S": "20"},
    },
}
SCENARIO_DEFAULTS = {
    "POLL_S": "2",
    "CACHEABLE_SHARE": "0.95",
    "GAMES": "3",
    "PAGE_VIEWS_PER_FAN": "1.5",
    "ASSETS_PER_PAGE": "12",
    "EVENTS_PER_MIN": "4",
    "BURST_EVENTS_PER_MIN": "20",
    "TIMEOUT_S": "5",
    "SLO_ERROR_SHARE": "0.05",
    "SLO_FRESHNESS_S": "3",
    "HEADROOM_PCT": "20",
    "OFF_PEAK_FANS": "100",
}


class StackError(Exception):
    """Something the user must fix: printed without a traceback, exit 1."""


class Interrupted(Exception):
    """SIGINT/SIGTERM/SIGHUP: unwind so `finally` stops the stack."""


def _on_signal(signum, _frame):
    raise Interrupted(signal.Signals(signum).name)


def log(msg: str) -> None:
    print(f"loadstack: {msg}", flush=True)


def show(path: Path) -> str:
    """A path relative to the repository when it is inside it."""
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


# --- processes --------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cores() -> tuple[str, str]:
    """(API core, cores for everything else): the API gets the last core to itself when there are two."""
    n = os.cpu_count() or 1
    if n == 1:
        return "0", "0"
    return str(n - 1), f"0-{n - 2}" if n > 2 else "0"


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def children(pid: int) -> list[int]:
    try:
        out = []
        for task in os.listdir(f"/proc/{pid}/task"):
            out += [int(x) for x in Path(f"/proc/{pid}/task/{task}/children").read_text().split()]
        return out
    except OSError:
        return []


def cpu_ticks(pid: int) -> int | None:
    """utime + stime of a process (all its threads), in clock ticks; None when it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])
    except (OSError, IndexError, ValueError):
        return None


def machine_ticks() -> tuple[int, int]:
    """(busy, total) clock ticks of all CPUs from /proc/stat."""
    with open("/proc/stat") as f:
        vals = [int(x) for x in f.readline().split()[1:]]
    idle = vals[3] + (vals[4] if len(vals) > 4 else 0)
    total = sum(vals[:8])
    return total - idle, total


class Proc:
    """A server started under `timeout` (the wrapper), its real PID, and how to stop it."""

    def __init__(self, name: str, wrapper: int, pid: int, marker: str, grace_s: float):
        self.name, self.wrapper, self.pid, self.marker, self.grace_s = name, wrapper, pid, marker, grace_s

    def to_json(self) -> dict:
        return {"name": self.name, "wrapper": self.wrapper, "pid": self.pid, "marker": self.marker, "grace_s": self.grace_s}

    @classmethod
    def from_json(cls, d: dict) -> "Proc":
        return cls(d["name"], d["wrapper"], d["pid"], d["marker"], d["grace_s"])

    def ours(self, pid: int) -> bool:
        # A PID is only signalled while its command line still names what we started.
        return alive(pid) and self.marker in cmdline(pid)

    def stop(self) -> None:
        for pid in (self.pid, self.wrapper):
            if self.ours(pid):
                os.kill(pid, signal.SIGTERM)
                deadline = time.monotonic() + self.grace_s
                while self.ours(pid) and time.monotonic() < deadline:
                    time.sleep(0.05)
                if self.ours(pid):
                    log(f"{self.name} (pid {pid}) ignored SIGTERM for {self.grace_s:.0f} s: SIGKILL")
                    os.kill(pid, signal.SIGKILL)
        # The wrapper is our child when we started it in this process: reap it.
        try:
            os.waitpid(self.wrapper, os.WNOHANG)
        except ChildProcessError:
            pass


def spawn(name: str, argv: list[str], *, cpus: str, lifetime_s: int, logfile: Path, env: dict | None = None,
          grace_s: float = 5.0, cwd: Path | None = None) -> Proc:
    wrapped = ["timeout", "--signal=TERM", "--kill-after=10", str(lifetime_s), "taskset", "-c", cpus, *argv]
    with open(logfile, "ab") as out:
        p = subprocess.Popen(wrapped, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                             env={**os.environ, **(env or {})}, cwd=cwd, start_new_session=True)
    deadline = time.monotonic() + 5
    pid = None
    while time.monotonic() < deadline:
        kids = children(p.pid)
        if kids and argv[0].rsplit("/", 1)[-1] in cmdline(kids[0]):
            pid = kids[0]
            break
        if p.poll() is not None:
            break
        time.sleep(0.01)
    if pid is None:
        p.terminate()  # `timeout` passes SIGTERM on to a child it may have started
        p.wait(timeout=15)
        raise StackError(f"{name} did not start: see {logfile}")
    return Proc(name, p.pid, pid, argv[0].rsplit("/", 1)[-1], grace_s)


def wait_for(what: str, probe, timeout_s: float, logfile: Path, proc: Proc) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if probe():
            return
        if not alive(proc.pid):
            break
        time.sleep(0.1)
    tail = logfile.read_text(errors="replace")[-2000:] if logfile.exists() else ""
    raise StackError(f"{what} not ready after {timeout_s:.0f} s; last lines of {logfile}:\n{tail}")


def http_status(url: str, timeout: float = 2.0) -> int:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            r.read()
            return r.status
    except urllib.error.HTTPError as e:
        return e.code
    except OSError:
        return 0


def redis_ping(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def need_tool(name: str) -> str:
    path = shutil.which(name) or (f"/usr/sbin/{name}" if os.path.exists(f"/usr/sbin/{name}") else None)
    if not path:
        raise StackError(f"{name} not found: run `make loadtest-tools` (installs nginx, mariadb-server, redis-server, k6)")
    return path


# --- the stack ---------------------------------------------------------------------------------------


def render_nginx(prefix: Path, logs: Path, api_port: int, edge_port: int, ttl_s: int, timeout_s: float) -> str:
    """nginx.conf from stack/nginx.conf.in with a micro-cache that refills each key once per `ttl_s`.

    Two nginx facts shape it (both measured on this stack, docs/load-testing.md#the-cdn-stand-in):
    - nginx keeps validity in whole clock seconds and an entry is fresh until the end of the second its
      validity ends in, so `proxy_cache_valid Ns` refills every N + 1 s under steady load. A TTL of
      n ≥ 2 s is therefore `proxy_cache_valid (n-1)s`; a TTL of 1 s alternates two entries per URL
      (the key carries the clock second's parity), each valid 1 s, so each URL is refilled every second
      and what a fan gets is 0–1 s old, as from CloudFront's 1-s TTL.
    - `proxy_cache_lock` collapses concurrent misses of a *new* entry only; the refill of an expired
      entry is collapsed by `proxy_cache_use_stale updating` (the others get the expired copy for the
      millisecond the refill takes). `error timeout http_5xx` is stale-if-error.
    """
    if ttl_s < 0 or ttl_s > 60:
        raise StackError(f"--ttl-s = {ttl_s}: must be a whole number of seconds from 0 to 60")
    time_map = ""
    if ttl_s == 0:
        cache = "            proxy_cache off;   # delivery.cdn_live_ttl_s = 0: every poll reaches the API"
    else:
        suffix = "$clock_parity" if ttl_s == 1 else ""
        valid = 1 if ttl_s == 1 else ttl_s - 1
        if ttl_s == 1:
            time_map = '    map $msec $clock_parity {\n        "~[02468]\\." 0;\n        default 1;\n    }\n'
        t = math.ceil(timeout_s)
        cache = "\n".join(
            [
                "            proxy_cache live;",
                f"            proxy_cache_key $request_uri{suffix};   # path and query string, like the live cache policy",
                f"            proxy_cache_valid 200 {valid}s;   # refills every {ttl_s} s: delivery.cdn_live_ttl_s (loadstack.py)",
                "            proxy_cache_lock on;              # collapse the misses of a new entry into one fill",
                f"            proxy_cache_lock_timeout {t}s;",
                f"            proxy_cache_lock_age {t}s;",
                "            # updating: collapse the refill of an expired entry; the rest: stale-if-error.",
                "            proxy_cache_use_stale updating error timeout http_500 http_502 http_503 http_504;",
                "            proxy_cache_bypass $arg_fan;      # per-fan requests: never from the cache,",
                "            proxy_no_cache $arg_fan;          # and never into it",
            ]
        )
    text = (STACK / "nginx.conf.in").read_text()
    for k, v in {
        "@PREFIX@": str(prefix),
        "@LOGS@": str(logs),
        "@API_PORT@": str(api_port),
        "@EDGE_PORT@": str(edge_port),
        "@TIMEOUT_S@": f"{timeout_s:g}",
        "@CACHE@": cache,
        "@TIME_MAP@": time_map,
    }.items():
        text = text.replace(k, v)
    return text


def volatile_dir() -> Path:
    """Sockets, logs and nginx's cache on tmpfs (/dev/shm) when there is one: a disk busy with other
    work (a build) must not stall nginx's cache writes, and Unix socket paths must stay short."""
    shm = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None
    vol = Path(tempfile.mkdtemp(prefix="kickoff-loadstack-", dir=shm))
    vol.chmod(0o755)  # nginx's workers run as an unprivileged user and need the cache and the pages
    (vol / "private").mkdir(mode=0o700)  # the database socket and Redis's directory: this user only
    return vol


def seed_sql(games: int, lines: int) -> str:
    teams = ["Arsenal", "Chelsea", "Everton", "Fulham", "Leeds", "Wolves", "Burnley", "Brighton"]
    now_ms = int(time.time() * 1000) - 3_600_000
    out = ["USE kickoff;"]
    for g in range(1, games + 1):
        home, away = teams[(2 * g - 2) % len(teams)], teams[(2 * g - 1) % len(teams)]
        out.append(f"INSERT INTO matches (id, home, away, minute) VALUES ({g}, '{home}', '{away}', 1);")
        for k in range(lines):
            out.append(
                f"INSERT INTO events (match_id, minute, text, published_at_ms) VALUES "
                f"({g}, 1, 'Warm-up line {k}: both sides out on the pitch.', {now_ms + k});"
            )
        out.append(f"UPDATE matches SET last_event_id = (SELECT MAX(id) FROM events WHERE match_id = {g}) WHERE id = {g};")
    return "\n".join(out) + "\n"


def write_static(html: Path, assets: int, asset_kb: float) -> None:
    (html / "assets").mkdir(parents=True, exist_ok=True)
    refs = "".join(f'<script src="/assets/a{i}.js"></script>' for i in range(assets))
    (html / "index.html").write_text(f"<!doctype html><title>Kickoff live</title>{refs}<div id=feed></div>\n")
    body = ("/* kickoff load-test asset */" + "x" * int(asset_kb * 1000))[: int(asset_kb * 1000)]
    for i in range(max(assets, 12)):
        (html / "assets" / f"a{i}.js").write_text(body)


def load_state() -> dict | None:
    try:
        return json.loads(STATE.read_text())
    except (OSError, ValueError):
        return None


def stop_state(state: dict | None) -> list[str]:
    """Stop every recorded process, newest first; return the names of any still alive."""
    if not state:
        return []
    procs = [Proc.from_json(p) for p in state.get("procs", [])]
    for p in reversed(procs):
        p.stop()
    left = [f"{p.name} (pid {p.pid})" for p in procs if p.ours(p.pid) or p.ours(p.wrapper)]
    if not left:
        # Keep the logs (complete now that the servers have flushed them) in target/loadstack/logs.
        vol = Path(state.get("volatile_dir", "/nonexistent"))
        if vol.is_dir():
            shutil.rmtree(RUN / "logs", ignore_errors=True)
            if (vol / "logs").is_dir():
                shutil.copytree(vol / "logs", RUN / "logs")
            if (vol / "nginx" / "nginx.conf").exists():
                shutil.copy(vol / "nginx" / "nginx.conf", RUN / "logs" / "nginx.conf")
            shutil.rmtree(vol, ignore_errors=True)
        STATE.unlink(missing_ok=True)
    return left


def up(ttl_s: int, lifetime_s: int, timeout_s: float, games: int, assets: int, asset_kb: float,
       feed_lines: int = 20, db_pool: int = 10) -> dict:
    """Start MariaDB, Redis, the API and nginx; return the state (also in target/loadstack/state.json)."""
    left = stop_state(load_state())
    if left:
        raise StackError(f"an earlier stack is still running and would not stop: {', '.join(left)}")
    tools = {t: need_tool(t) for t in ("mariadb-install-db", "mariadbd", "mariadb", "redis-server", "nginx", "node", "timeout", "taskset")}
    if not (STACK / "node_modules" / "express").is_dir():
        raise StackError("tests/load/stack/node_modules missing: run `make loadtest-tools`")
    for d in ("mysql", "logs"):
        shutil.rmtree(RUN / d, ignore_errors=True)
    (RUN / "mysql").mkdir(parents=True)
    vol = volatile_dir()
    logs = vol / "logs"
    for d in (vol / "private" / "redis", vol / "nginx" / "tmp", vol / "nginx" / "html", logs):
        d.mkdir(parents=True, exist_ok=True)
    api_core, aux = cores()
    state: dict = {
        "started_at": time.time(),
        "lifetime_s": lifetime_s,
        "ttl_s": ttl_s,
        "timeout_s": timeout_s,
        "games": games,
        "api_core": api_core,
        "aux_cpus": aux,
        "procs": [],
        "volatile_dir": str(vol),
        "logs": str(logs),
    }
    root_user = ["--user=root"] if os.geteuid() == 0 else []

    def remember(p: Proc) -> Proc:
        state["procs"].append(p.to_json())
        STATE.write_text(json.dumps(state, indent=1))
        return p

    try:
        # MariaDB: a fresh datadir every time, Unix socket only (no TCP at all).
        sock = vol / "private" / "mysql.sock"
        install = subprocess.run(
            [tools["mariadb-install-db"], "--no-defaults", f"--datadir={RUN / 'mysql'}", "--auth-root-authentication-method=normal",
             "--skip-test-db", "--skip-name-resolve", *root_user],
            capture_output=True, text=True, timeout=120,
        )
        if install.returncode != 0:
            raise StackError(f"mariadb-install-db failed:\n{install.stdout[-1500:]}{install.stderr[-1500:]}")
        db_log = logs / "mariadb.log"
        db = remember(spawn(
            "mariadb",
            [tools["mariadbd"], "--no-defaults", f"--datadir={RUN / 'mysql'}", f"--socket={sock}", "--skip-networking",
             f"--pid-file={RUN / 'mysql' / 'mariadbd.pid'}", f"--log-error={db_log}", "--innodb-buffer-pool-size=128M",
             "--max-connections=200", "--skip-name-resolve", *root_user],
            cpus=aux, lifetime_s=lifetime_s, logfile=logs / "mariadb.out", grace_s=30,
        ))

        def db_ready() -> bool:
            return subprocess.run([tools["mariadb"], "--no-defaults", "-S", str(sock), "-u", "root", "-e", "SELECT 1"],
                                  capture_output=True, timeout=10).returncode == 0

        wait_for("MariaDB", db_ready, 60, db_log, db)
        sql = (STACK / "schema.sql").read_text() + seed_sql(games, feed_lines)
        r = subprocess.run([tools["mariadb"], "--no-defaults", "-S", str(sock), "-u", "root"], input=sql,
                           capture_output=True, text=True, timeout=60)
        if r.returncode != 0:
            raise StackError(f"loading the schema failed: {r.stderr[-1500:]}")

        # Redis: the cache tier, no persistence.
        redis_port = free_port()
        redis_log = logs / "redis.log"
        rd = remember(spawn(
            "redis",
            [tools["redis-server"], "--bind", "127.0.0.1", "--port", str(redis_port), "--save", "", "--appendonly", "no",
             "--protected-mode", "yes", "--dir", str(vol / "private" / "redis"), "--logfile", str(redis_log), "--daemonize", "no",
             "--maxmemory", "256mb", "--maxmemory-policy", "allkeys-lru"],
            cpus=aux, lifetime_s=lifetime_s, logfile=logs / "redis.out",
        ))
        wait_for("Redis", lambda: redis_ping(redis_port), 30, redis_log, rd)

        # The API, alone on its core: "one task, one vCPU".
        api_port = free_port()
        api_log = logs / "api.out"
        api = remember(spawn(
            "api",
            [tools["node"], str(STACK / "server.js")],
            cpus=api_core, lifetime_s=lifetime_s, logfile=api_log, cwd=STACK,
            env={"PORT": str(api_port), "MYSQL_SOCKET": str(sock), "REDIS_PORT": str(redis_port),
                 "SERVICE_LOG": str(logs / "api-service.log"), "FEED_LINES": str(feed_lines), "DB_POOL": str(db_pool),
                 "MAX_LIFETIME_S": str(lifetime_s), "NODE_ENV": "production"},
        ))
        wait_for("API", lambda: http_status(f"http://127.0.0.1:{api_port}/healthz") == 200, 30, api_log, api)

        # nginx, the CloudFront stand-in.
        edge_port = free_port()
        prefix = vol / "nginx"
        write_static(prefix / "html", assets, asset_kb)
        conf = prefix / "nginx.conf"
        conf.write_text(render_nginx(prefix, logs, api_port, edge_port, ttl_s, timeout_s))
        err = logs / "nginx-error.log"
        t = subprocess.run([tools["nginx"], "-t", "-p", str(prefix), "-c", str(conf), "-e", str(err)], capture_output=True, text=True)
        if t.returncode != 0:
            raise StackError(f"nginx rejected {conf}:\n{t.stderr}")
        ng = remember(spawn("nginx", [tools["nginx"], "-p", str(prefix), "-c", str(conf), "-e", str(err)],
                            cpus=aux, lifetime_s=lifetime_s, logfile=logs / "nginx.out"))
        wait_for("nginx", lambda: http_status(f"http://127.0.0.1:{edge_port}/healthz") == 200, 30, err, ng)
        state.update({"edge_url": f"http://127.0.0.1:{edge_port}", "origin_url": f"http://127.0.0.1:{api_port}",
                      "redis_port": redis_port, "mysql_socket": str(sock)})
        STATE.write_text(json.dumps(state, indent=1))
        return state
    except BaseException:
        stop_state(state)
        raise


def stack_pids(state: dict) -> dict[str, list[int]]:
    """Current PIDs per server, with nginx's workers."""
    out = {}
    for p in state["procs"]:
        pids = [p["pid"]] + (children(p["pid"]) if p["name"] == "nginx" else [])
        out[p["name"]] = pids
    return out


# --- sampling ------------------------------------------------------------------------------------------


class Sampler(threading.Thread):
    """Once a second: CPU ticks of the API, of the whole stack + k6, and of the machine."""

    def __init__(self, state: dict, path: Path):
        super().__init__(daemon=True)
        self.state, self.path, self.stop_evt = state, path, threading.Event()
        self.extra: list[int] = []  # k6's PID while it runs
        self.rows: list[dict] = []

    def sample(self) -> dict:
        pids = stack_pids(self.state)
        api = cpu_ticks(pids["api"][0])
        ours = sum(cpu_ticks(p) or 0 for ps in pids.values() for p in ps) + sum(cpu_ticks(p) or 0 for p in self.extra)
        busy, total = machine_ticks()
        return {"t": time.time(), "api": api, "stack": ours, "busy": busy, "total": total}

    def run(self) -> None:
        with open(self.path, "w") as f:
            while not self.stop_evt.is_set():
                row = self.sample()
                self.rows.append(row)
                f.write(json.dumps(row) + "\n")
                f.flush()
                self.stop_evt.wait(1.0)

    def finish(self) -> None:
        self.rows.append(self.sample())
        self.stop_evt.set()
        self.join(timeout=5)


def ticks_between(rows: list[dict], t0: float, t1: float, key: str) -> tuple[float, float]:
    """(ticks of `key`, seconds) between the first sample at or after t0 and the last at or before t1."""
    inside = [r for r in rows if t0 <= r["t"] <= t1 and r.get(key) is not None]
    if len(inside) < 2:
        return 0.0, 0.0
    return inside[-1][key] - inside[0][key], inside[-1]["t"] - inside[0]["t"]


# --- k6 -------------------------------------------------------------------------------------------------


def run_k6(state: dict, sampler: Sampler, name: str, env: dict, out_dir: Path, max_s: float) -> dict:
    k6 = need_tool("k6")
    summary = out_dir / f"k6-{name}.json"
    summary.unlink(missing_ok=True)
    argv = ["timeout", "--signal=TERM", "--kill-after=10", str(int(max_s)), "taskset", "-c", state["aux_cpus"], k6, "run",
            "--quiet", "--no-color", "--no-usage-report", str(HERE / "match-day.js")]
    for k, v in env.items():
        argv[-1:-1] = ["-e", f"{k}={v}"]
    argv[-1:-1] = ["-e", f"SUMMARY_PATH={summary}"]
    k6_log = out_dir / f"k6-{name}.log"
    log(f"k6 {name}: up to {max_s:.0f} s, log {show(k6_log)}")
    with open(k6_log, "w") as out:
        p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                             env={**os.environ, "K6_NO_USAGE_REPORT": "true"}, start_new_session=True)
        k6_pid = None
        started = time.monotonic()
        last = started
        try:
            while p.poll() is None:
                if k6_pid is None:
                    kids = children(p.pid)
                    if kids and "k6" in cmdline(kids[0]):
                        k6_pid = kids[0]
                        sampler.extra = [k6_pid]
                if time.monotonic() - last >= 30:
                    last = time.monotonic()
                    log(f"k6 {name}: {last - started:.0f} s")
                time.sleep(0.2)
        finally:
            # Stop k6 (by its PIDs) if we are unwinding early.
            if p.poll() is None:
                for pid in (k6_pid, p.pid):
                    if pid and alive(pid) and "k6" in cmdline(pid):
                        os.kill(pid, signal.SIGTERM)
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
            sampler.extra = []
    text = k6_log.read_text(errors="replace")
    print("".join(line + "\n" for line in text.splitlines() if line.startswith(("k6 ", "  "))), end="", flush=True)
    if not summary.exists():
        raise StackError(f"k6 {name} wrote no summary (exit {p.returncode}); last lines of {k6_log}:\n{text[-2500:]}")
    data = json.loads(summary.read_text())
    data["exit_code"] = p.returncode
    return data


# --- request collapsing, measured directly ------------------------------------------------------------


def _burst(port: int, path: str, n: int, at: float) -> dict:
    """n requests for `path` sent at once on n open connections at wall time `at`; status and X-Cache counts."""
    socks = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(n)]
    req = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode()
    while time.time() < at:
        time.sleep(0.001)
    sent = time.time()
    for sk in socks:
        sk.sendall(req)
    statuses: dict[str, int] = {}
    caches: dict[str, int] = {}
    for sk in socks:
        data = b""
        while chunk := sk.recv(65536):
            data += chunk
        sk.close()
        head = data.split(b"\r\n\r\n", 1)[0].decode(errors="replace").split("\r\n")
        parts = head[0].split()
        code = parts[1] if len(parts) > 1 else "0"
        xc = next((h.split(":", 1)[1].strip() for h in head[1:] if h.lower().startswith("x-cache:")), "-")
        statuses[code] = statuses.get(code, 0) + 1
        caches[xc] = caches.get(xc, 0) + 1
    return {"sent_at": sent, "requests": n, "status": statuses, "x_cache": caches}


def collapse_probe(state: dict, n: int = 50) -> dict:
    """Request collapsing at the CDN stand-in, with nothing else running: n simultaneous requests for a
    URL never requested before (one new entry), then n more once that entry has expired. With
    collapsing, each burst costs the origin exactly one fill (counted in the API's service log)."""
    port = int(state["edge_url"].rsplit(":", 1)[1])
    ttl = state["ttl_s"]
    path = f"/api/matches/1/score?collapse={int(time.time() * 1000)}"

    def next_second_at(frac: float, after: float) -> float:
        return math.floor(after) + 1 + frac

    first_at = next_second_at(0.2, time.time())
    new = _burst(port, path, n, first_at)
    # T = 1: the same-parity entry expires two seconds on; T ≥ 2: T seconds on.
    expired = _burst(port, path, n, math.floor(new["sent_at"]) + max(2, ttl) + 0.2) if ttl > 0 else None
    time.sleep(0.5)  # the API writes its log line when the response closes
    rows = [r for r in read_service_log(Path(state["logs"]) / "api-service.log") if r[1] == "score" and r[5] == "1"]

    def fills(b: dict) -> int:
        return sum(1 for r in rows if b["sent_at"] - 0.01 <= r[0] < b["sent_at"] + 1.0)

    out = {"url": path, "new_entry": {**new, "origin_fills": fills(new)}}
    if expired:
        out["expired_entry"] = {**expired, "origin_fills": fills(expired)}
    for b in out.values():
        if isinstance(b, dict):
            b.pop("sent_at", None)
    return out


# --- analysis ---------------------------------------------------------------------------------------------


def pct(xs: list[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0–100)."""
    if not xs:
        return None
    s = sorted(xs)
    k = max(0, min(len(s) - 1, math.ceil(q / 100 * len(s)) - 1))
    return s[k]


def rnd(x, d=3):
    return None if x is None else round(x, d)


def read_service_log(path: Path) -> list[tuple[float, str, int, float, str, str]]:
    """(start epoch s, kind, status, service ms, redis hit|miss|-, match id) per API request."""
    rows = []
    if path.exists():
        for line in path.read_text().splitlines():
            p = line.split()
            if len(p) == 6:
                ms = int(p[3]) / 1000
                rows.append((int(p[0]) / 1000 - ms / 1000, p[1], int(p[2]), ms, p[4], p[5]))
    return rows


def read_access_log(path: Path) -> list[dict]:
    rows = []
    if path.exists():
        for line in path.read_text().splitlines():
            p = line.split()
            if len(p) < 7:
                continue
            up = p[4].split(",")[-1].strip()
            rows.append({"t": float(p[0]), "status": int(p[1]), "cache": p[2], "rt": float(p[3]),
                         "up": None if up in ("-", "") else float(up), "method": p[5], "uri": p[6],
                         "probe": len(p) > 7 and p[7] not in ("", "-")})
    return rows


def metric(k6: dict, name: str, stat: str):
    m = k6["k6"]["metrics"].get(name)
    return None if m is None else m["values"].get(stat)


def windows(k6: dict, origin_rows: list, t0: float, window_s: float, match_start_s: float | None,
            time_scale: float | None) -> list[dict]:
    out = []
    metrics = k6["k6"]["metrics"]
    for w in range(k6["planned"]["windows"]):
        m = metrics.get(f"feed_failed{{w:{w}}}")
        failed = m["values"]["passes"] if m else 0
        n = failed + (m["values"]["fails"] if m else 0)
        a, b = t0 + w * window_s, t0 + (w + 1) * window_s
        origin = sum(1 for r in origin_rows if a <= r[0] < b)
        if n == 0 and origin == 0:
            continue
        row = {"w": w, "start_s": w * window_s, "feed_requests": n, "failed": failed,
               "error_pct": rnd(100 * failed / n, 3) if n else 0.0, "origin_requests": origin,
               "origin_rps": rnd(origin / window_s, 2)}
        if match_start_s is not None:
            row["match_time_s"] = round(match_start_s + w * window_s / time_scale, 1)
        out.append(row)
    return out


def analyse_fans(k6: dict, state: dict, sampler: Sampler, logs: Path) -> dict:
    pl = k6["planned"]
    t0 = k6["setup"]["t0"] / 1000
    dur = pl["duration_s"]
    t1 = t0 + dur
    # Requests that started while the load ran (the tail of the last iterations is left out).
    service = [r for r in read_service_log(logs / "api-service.log") if t0 <= r[0] < t1]
    access = [r for r in read_access_log(logs / "nginx-access.log") if t0 <= r["t"] < t1]
    gets = [r for r in service if r[1] in ("feed", "score", "fan")]
    by_kind: dict[str, int] = {}
    for r in service:
        by_kind[r[1]] = by_kind.get(r[1], 0) + 1
    fills = by_kind.get("feed", 0) + by_kind.get("score", 0)
    keys = pl["games"] * pl["keys_per_game"]
    api_ticks, api_secs = ticks_between(sampler.rows, t0, t1 + 2, "api")
    busy, total = ticks_between(sampler.rows, t0, t1, "busy")[0], ticks_between(sampler.rows, t0, t1, "total")[0]
    stack_t, secs = ticks_between(sampler.rows, t0, t1, "stack")
    ncpu = os.cpu_count() or 1
    cache: dict[str, int] = {}
    for r in access:
        if r["uri"].startswith("/api/") and r["method"] == "GET" and not r["probe"]:
            cache[r["cache"]] = cache.get(r["cache"], 0) + 1
    ups = [1000 * r["up"] for r in access if r["uri"].startswith("/api/") and r["up"] is not None and r["method"] == "GET"]
    polls_c = metric(k6, "polls_cacheable", "count") or 0
    polls_u = metric(k6, "polls_uncacheable", "count") or 0
    watch = metric(k6, "watch_polls", "count") or 0
    probes = metric(k6, "probe_requests", "count") or 0
    http_reqs = metric(k6, "http_reqs", "count") or 0
    offered = sum(pl["offered"].values())
    win = windows(k6, gets, t0, pl["window_s"], pl["match_start_s"], pl["time_scale"])
    first_err = metric(k6, "error_at_s", "min")
    breach = next((w["start_s"] for w in win if w["feed_requests"] and w["error_pct"] >= 100 * float(SCENARIO_DEFAULTS["SLO_ERROR_SHARE"])), None)
    gets_ms = [r[3] for r in gets]
    pub_ms = [r[3] for r in service if r[1] == "publish"]
    redis_hits = sum(1 for r in gets if r[4] == "hit")
    return {
        "duration_s": round(dur, 1),
        "k6_exit_code": k6["exit_code"],
        "scale": {k: pl[k] for k in ("profile", "time_scale", "peak_fans", "design_fans", "poll_interval_s", "games",
                                     "keys_per_game", "watchers", "assets_per_page", "events_per_min_per_game",
                                     "burst_events_per_min_per_game", "timeout_s", "match_start_s", "bursts_run_s")},
        "client": {
            "offered_requests": round(offered),
            "offered_rps": rnd(offered / dur, 2),
            "achieved_requests": int(http_reqs - probes),
            "achieved_rps": rnd((http_reqs - probes) / dur, 2),
            "probe_requests": int(probes),
            "dropped_iterations": int(metric(k6, "dropped_iterations", "count") or 0),
            "feed_requests": int(polls_c + polls_u + watch),
            "feed_rps": rnd((polls_c + polls_u + watch) / dur, 2),
            "uncacheable_share_sent": rnd(polls_u / (polls_c + polls_u + watch), 4) if polls_c + polls_u + watch else None,
            "cacheable_share_planned": pl["cacheable_share"],
            "page_loads": int(metric(k6, "page_loads", "count") or 0),
            "events_published": int(metric(k6, "publish_failed", "fails") or 0),
        },
        "edge": {"api_get_cache_status": cache, "upstream_response_ms": {"p50": rnd(pct(ups, 50)), "p95": rnd(pct(ups, 95)),
                                                                          "p99": rnd(pct(ups, 99)), "samples": len(ups)}},
        "origin": {
            "requests": len(gets),
            "rps": rnd(len(gets) / dur, 2),
            "requests_by_kind": by_kind,
            "cache_fills_rps": rnd(fills / dur, 3),
            "cache_fills_per_key_per_s": rnd(fills / dur / keys, 3),
            "uncacheable_rps": rnd(by_kind.get("fan", 0) / dur, 2),
            "peak_window_rps": max((w["origin_rps"] for w in win), default=0),
            "share_of_client_feed_requests": rnd(len(gets) / (polls_c + polls_u + watch), 4) if polls_c + polls_u + watch else None,
            "service_ms": {"p50": rnd(pct(gets_ms, 50)), "p95": rnd(pct(gets_ms, 95)), "p99": rnd(pct(gets_ms, 99)),
                           "max": rnd(max(gets_ms, default=None)), "samples": len(gets_ms)},
            "publish_service_ms": {"p50": rnd(pct(pub_ms, 50)), "p95": rnd(pct(pub_ms, 95)), "samples": len(pub_ms)},
            "redis_hit_ratio": rnd(redis_hits / len(gets), 4) if gets else None,
        },
        "api_cpu": {
            "cpu_s": rnd(api_ticks / CLK_TCK, 2),
            "wall_s": rnd(api_secs, 1),
            "utilization": rnd(api_ticks / CLK_TCK / api_secs, 4) if api_secs else None,
            "requests": len(service),
            "requests_per_cpu_s": rnd(len(service) / (api_ticks / CLK_TCK), 1) if api_ticks else None,
        },
        "machine_load": {
            "busy_cpus": rnd(busy / total * ncpu, 2) if total else None,
            "stack_and_k6_cpus": rnd(stack_t / CLK_TCK / secs, 2) if secs else None,
            "other_cpus": rnd(busy / total * ncpu - stack_t / CLK_TCK / secs, 2) if total and secs else None,
        },
        "errors": {
            "window_s": pl["window_s"],
            "feed_requests_failed": int(metric(k6, "feed_failed", "passes") or 0),
            "error_pct": rnd(100 * (metric(k6, "feed_failed", "rate") or 0), 3),
            "peak_window_error_pct": max((w["error_pct"] for w in win), default=0.0),
            "first_error_s": rnd(first_err, 2),
            "first_error_match_time_s": rnd(pl["match_start_s"] + first_err / pl["time_scale"], 1) if first_err is not None else None,
            "first_slo_breach_window_s": breach,
            "page_requests_failed": int(metric(k6, "page_failed", "passes") or 0),
            "publish_failed": int(metric(k6, "publish_failed", "passes") or 0),
        },
        "freshness": {
            "source": "watchers: publish to first poll showing the event, per fan",
            "samples": int(metric(k6, "freshness_s", "count") or 0),
            "p50_s": rnd(metric(k6, "freshness_s", "med")),
            "p95_s": rnd(metric(k6, "freshness_s", "p(95)")),
            "max_s": rnd(metric(k6, "freshness_s", "max")),
            "publish_to_origin_s": {"p50": rnd(metric(k6, "publish_to_origin_s", "med")),
                                    "p95": rnd(metric(k6, "publish_to_origin_s", "p(95)")),
                                    "samples": int(metric(k6, "publish_to_origin_s", "count") or 0)},
            "publish_to_edge_s": {"p50": rnd(metric(k6, "publish_to_edge_s", "med")),
                                  "p95": rnd(metric(k6, "publish_to_edge_s", "p(95)")),
                                  "samples": int(metric(k6, "publish_to_edge_s", "count") or 0)},
        },
        "thresholds_breached": sorted(k for k, m in k6["k6"]["metrics"].items()
                                      if m.get("thresholds") and not all(t["ok"] for t in m["thresholds"].values())),
        "windows": win,
    }


def analyse_capacity(k6: dict, sampler: Sampler, logs: Path) -> dict:
    t0 = k6["setup"]["t0"] / 1000
    service = read_service_log(logs / "api-service.log")
    steps = []
    for h in k6["planned"]["holds"]:
        # The middle of each hold: skip 3 s after the ramp and the last second.
        a, b = t0 + h["from_s"] + 3, t0 + h["to_s"] - 1
        rows = [r for r in service if a <= r[0] < b and r[1] == "fan"]
        ticks, secs = ticks_between(sampler.rows, a, b, "api")
        busy, total = ticks_between(sampler.rows, a, b, "busy")[0], ticks_between(sampler.rows, a, b, "total")[0]
        stack_t = ticks_between(sampler.rows, a, b, "stack")[0]
        ncpu = os.cpu_count() or 1
        ms = [r[3] for r in rows]
        bad = sum(1 for r in rows if r[2] != 200)
        cpu_s = ticks / CLK_TCK
        steps.append({
            "offered_rps": h["rate_rps"],
            "served_rps": rnd(len(rows) / (b - a), 1),
            "api_cpu_utilization": rnd(cpu_s / secs, 3) if secs else None,
            "requests_per_cpu_s": rnd(len(rows) / (b - a) * secs / cpu_s, 1) if cpu_s else None,
            "service_ms": {"p50": rnd(pct(ms, 50)), "p95": rnd(pct(ms, 95))},
            "non_200": bad,
            "other_cpus": rnd(busy / total * ncpu - stack_t / CLK_TCK / secs, 2) if total and secs else None,
        })
    best = max((s for s in steps if s["requests_per_cpu_s"]), key=lambda s: s["api_cpu_utilization"] or 0, default=None)
    return {
        "target": "the API directly (no cache), GET /api/matches/:id/feed?fan=…, served from Redis",
        "k6_exit_code": k6["exit_code"],
        "client_error_pct": rnd(100 * (metric(k6, "feed_failed", "rate") or 0), 3),
        "dropped_iterations": int(metric(k6, "dropped_iterations", "count") or 0),
        "steps": steps,
        "requests_per_cpu_s_at_highest_utilization": best["requests_per_cpu_s"] if best else None,
        "highest_utilization": best["api_cpu_utilization"] if best else None,
    }


def versions() -> dict:
    def first_line(argv):
        try:
            r = subprocess.run(argv, capture_output=True, text=True, timeout=10)
            return (r.stdout or r.stderr).strip().splitlines()[0]
        except (OSError, IndexError, subprocess.SubprocessError):
            return None

    pkg = json.loads((STACK / "package-lock.json").read_text())["packages"]
    return {
        "k6": first_line([need_tool("k6"), "version"]),
        "node": first_line(["node", "--version"]),
        "nginx": first_line([need_tool("nginx"), "-v"]),
        "mariadb": first_line([need_tool("mariadbd"), "--version"]),
        "redis": first_line(["redis-server", "--version"]),
        "express": pkg["node_modules/express"]["version"],
        "ioredis": pkg["node_modules/ioredis"]["version"],
        "mysql2": pkg["node_modules/mysql2"]["version"],
    }


def machine(state: dict) -> dict:
    model = None
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"nproc": os.cpu_count(), "cpu_model": model, "kernel": platform.release(),
            "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
            "load_avg_at_start": [round(x, 2) for x in os.getloadavg()],
            "api_core": state["api_core"], "other_cpus": state["aux_cpus"]}


def git(*args) -> str | None:
    r = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
    return r.stdout.strip() if r.returncode == 0 else None


# --- run ----------------------------------------------------------------------------------------------------


def smoke_checks(s: dict) -> list[tuple[str, bool, str]]:
    """The smoke's assertions: (what, ok, measured)."""
    md = s["match_day"]
    c, o, e, f = md["client"], md["origin"], md["errors"], md["freshness"]
    ttl = s["stack"]["cdn_ttl_s"]
    fills = o["cache_fills_per_key_per_s"]
    cp = s["collapse_probe"]
    cached_hits = md["edge"]["api_get_cache_status"].get("HIT", 0)
    return [
        ("the stack answered: feed requests sent", c["feed_requests"] > 100, f"{c['feed_requests']} feed requests"),
        ("the origin served requests and logged its service time", o["service_ms"]["samples"] > 0, f"{o['service_ms']['samples']} samples"),
        ("the micro-cache answers most cacheable polls", cached_hits > 0.5 * (c["feed_requests"] - o["requests_by_kind"].get("fan", 0)),
         f"{cached_hits} edge hits"),
        ("the micro-cache refills each key once per TTL (0.9–1.1 fills per key per TTL)", 0.9 <= fills * ttl <= 1.1,
         f"{fills} fills per key per s at TTL {ttl} s"),
        ("collapsing: 50 simultaneous misses of a new entry cost one origin fill", cp["new_entry"]["origin_fills"] == 1
         and cp["new_entry"]["status"] == {"200": 50}, f"{cp['new_entry']['origin_fills']} fills, {cp['new_entry']['x_cache']}"),
        ("collapsing: 50 simultaneous requests for an expired entry cost one origin fill",
         cp.get("expired_entry", {}).get("origin_fills") == 1 and cp["expired_entry"]["status"] == {"200": 50},
         f"{cp.get('expired_entry', {}).get('origin_fills')} fills, {cp.get('expired_entry', {}).get('x_cache')}"),
        ("origin req/s far below client feed req/s (≤ 25 %)", o["rps"] <= 0.25 * c["feed_rps"], f"{o['rps']} vs {c['feed_rps']} req/s"),
        ("uncacheable share sent within 1 point of the plan's", abs(c["uncacheable_share_sent"] - (1 - c["cacheable_share_planned"])) <= 0.01,
         f"{c['uncacheable_share_sent']}"),
        ("freshness measured (publish to first seen)", f["samples"] >= 5 and f["p95_s"] is not None, f"{f['samples']} samples, p95 {f['p95_s']} s"),
        ("freshness p95 within poll interval + TTL + 1 s", f["samples"] > 0 and f["p95_s"] <= md["scale"]["poll_interval_s"] + ttl + 1,
         f"{f['p95_s']} s"),
        ("publish latency measured at the origin", f["publish_to_origin_s"]["samples"] >= 1, f"{f['publish_to_origin_s']['samples']} events"),
        ("zero feed errors", e["feed_requests_failed"] == 0, f"{e['feed_requests_failed']} failed"),
        ("zero page or publish errors", e["page_requests_failed"] == 0 and e["publish_failed"] == 0,
         f"{e['page_requests_failed']} page, {e['publish_failed']} publish"),
        ("the open model kept its rate (dropped iterations ≤ 1 %)", c["dropped_iterations"] <= 0.01 * c["offered_requests"],
         f"{c['dropped_iterations']} dropped"),
        ("API CPU time measured from /proc", (s["match_day"]["api_cpu"]["cpu_s"] or 0) > 0, f"{s['match_day']['api_cpu']['cpu_s']} s"),
    ]


def run(kind: str, out_dir: Path, ttl_s: int) -> int:
    prof = PROFILES[kind]
    out_dir.mkdir(parents=True, exist_ok=True)
    started = time.time()
    env = {**SCENARIO_DEFAULTS, **prof["k6"]}
    timeout_s = float(env["TIMEOUT_S"])
    state = None
    sampler = None
    try:
        log(f"{kind}: starting the stack (TTL {ttl_s} s)")
        state = up(ttl_s=ttl_s, lifetime_s=1200, timeout_s=timeout_s, games=int(env["GAMES"]),
                   assets=int(env["ASSETS_PER_PAGE"]), asset_kb=40.0)
        log(f"stack up in {time.time() - started:.1f} s: edge {state['edge_url']}, origin {state['origin_url']}, "
            f"API on core {state['api_core']}, the rest on {state['aux_cpus']}")
        mach = machine(state)
        sampler = Sampler(state, Path(state["logs"]) / "cpu.jsonl")
        sampler.start()
        fans_env = {**env, "MODE": "fans", "BASE_URL": state["edge_url"]}
        k6_fans = run_k6(state, sampler, "match-day", fans_env, out_dir, max_s=2400 * float(env["TIME_SCALE"]) + 120)
        collapse = collapse_probe(state)
        log(f"collapse probe: {json.dumps(collapse)}")
        cap = None
        if prof["capacity"]:
            cap_env = {"MODE": "capacity", "ORIGIN_URL": state["origin_url"], "GAMES": env["GAMES"], "TIMEOUT_S": env["TIMEOUT_S"],
                       "SLO_ERROR_SHARE": env["SLO_ERROR_SHARE"], **prof["capacity"]}
            cap = run_k6(state, sampler, "capacity", cap_env, out_dir, max_s=600)
        sampler.finish()
    finally:
        if sampler and sampler.is_alive():
            sampler.stop_evt.set()
        if state:
            log("stopping the stack")
            left = stop_state(state)
            if left:
                log(f"STILL RUNNING after stop: {', '.join(left)}")
    for name in ("api-service.log", "nginx-access.log", "cpu.jsonl", "nginx.conf"):
        if (RUN / "logs" / name).exists():
            shutil.copy(RUN / "logs" / name, out_dir / name)
    summary = {
            "schema": SCHEMA,
            "kind": kind,
            "date_utc": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "commit": git("rev-parse", "HEAD"),
            "worktree_dirty": bool(git("status", "--porcelain")),
            "machine": mach,
            "versions": versions(),
            "stack": {"cdn_ttl_s": ttl_s, "request_timeout_s": timeout_s, "games": int(env["GAMES"]), "keys_per_game": 2,
                      "api": "tests/load/stack/server.js, one process pinned to one core", "db_pool": 10, "feed_lines": 20},
            "match_day": analyse_fans(k6_fans, state, sampler, RUN / "logs"),
            "collapse_probe": collapse,
            "capacity": analyse_capacity(cap, sampler, RUN / "logs") if cap else None,
        }
    pids = [p for ps in [[x["pid"], x["wrapper"]] for x in state["procs"]] for p in ps]
    still = [p for p in pids if alive(p)]
    summary["duration_s"] = round(time.time() - started, 1)
    summary["stack_stopped"] = not still
    md = summary["match_day"]
    verdict = []
    if kind == "smoke":
        checks = smoke_checks(summary)
        checks.append(("every stack process stopped (by PID)", not still, f"{len(still)} left"))
        summary["smoke_checks"] = [{"check": c, "ok": ok, "measured": m} for c, ok, m in checks]
        failed = [c for c in checks if not c[1]]
        for c, ok, m in checks:
            print(f"  {'ok  ' if ok else 'FAIL'} {c}: {m}")
        verdict = [c for c, _, _ in failed]
    else:
        if md["errors"]["first_slo_breach_window_s"] is not None:
            verdict.append(f"a 10-s window reached {md['errors']['peak_window_error_pct']} % errors")
        if md["freshness"]["p95_s"] is None or md["freshness"]["p95_s"] > float(env["SLO_FRESHNESS_S"]):
            verdict.append(f"freshness p95 {md['freshness']['p95_s']} s (target {env['SLO_FRESHNESS_S']} s)")
        if still:
            verdict.append("stack processes left running")
    summary["verdict"] = "pass" if not verdict else "fail: " + "; ".join(verdict)
    (out_dir / "summary.json").write_text(json.dumps(summary, indent=1) + "\n")
    o, c, f = md["origin"], md["client"], md["freshness"]
    log(f"{kind} done in {summary['duration_s']} s: client {c['achieved_rps']} req/s (offered {c['offered_rps']}), "
        f"origin {o['rps']} req/s, service p50/p95 {o['service_ms']['p50']}/{o['service_ms']['p95']} ms, "
        f"{md['api_cpu']['requests_per_cpu_s']} req per API CPU-s, freshness p50/p95 {f['p50_s']}/{f['p95_s']} s, "
        f"errors {md['errors']['error_pct']} % → {show(out_dir / 'summary.json')}")
    if summary["capacity"]:
        for st in summary["capacity"]["steps"]:
            log(f"capacity {st['offered_rps']} req/s offered: served {st['served_rps']}, API CPU {st['api_cpu_utilization']}, "
                f"{st['requests_per_cpu_s']} req/CPU-s, p50/p95 {st['service_ms']['p50']}/{st['service_ms']['p95']} ms")
    log(f"verdict: {summary['verdict']}")
    return 0 if not verdict else 1


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    a_up = sub.add_parser("up", help="start the stack and print its URLs")
    a_up.add_argument("--ttl-s", type=int, default=1, help="micro-cache TTL, whole seconds (delivery.cdn_live_ttl_s, default 1)")
    a_up.add_argument("--lifetime-s", type=int, default=1800, help="every server stops by itself after this (default 1800)")
    sub.add_parser("status", help="which of the stack's processes are running")
    sub.add_parser("down", help="stop the stack by PID")
    a_run = sub.add_parser("run", help="up, the k6 match day (and capacity steps), down, summary.json")
    a_run.add_argument("kind", choices=sorted(PROFILES))
    a_run.add_argument("--out", type=Path, help="output directory (default target/loadtest, smoke: target/loadtest/smoke)")
    a_run.add_argument("--ttl-s", type=int, default=1, help="micro-cache TTL, whole seconds (default 1)")
    args = ap.parse_args(argv)
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _on_signal)
    RUN.mkdir(parents=True, exist_ok=True)
    lock = open(RUN / "lock", "w")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        print("loadstack: another loadstack command is running (target/loadstack/lock)", file=sys.stderr)
        return 1
    try:
        if args.cmd == "up":
            st = up(ttl_s=args.ttl_s, lifetime_s=args.lifetime_s, timeout_s=float(SCENARIO_DEFAULTS["TIMEOUT_S"]),
                    games=int(SCENARIO_DEFAULTS["GAMES"]), assets=int(SCENARIO_DEFAULTS["ASSETS_PER_PAGE"]), asset_kb=40.0)
            print(json.dumps({k: st[k] for k in ("edge_url", "origin_url", "redis_port", "mysql_socket", "api_core", "ttl_s")}, indent=1))
            print(f"stops by itself after {args.lifetime_s} s; `python3 tests/load/loadstack.py down` stops it now")
            return 0
        if args.cmd == "status":
            st = load_state()
            if not st:
                print("no stack recorded")
                return 1
            procs = [Proc.from_json(p) for p in st["procs"]]
            for p in procs:
                print(f"{p.name:8} pid {p.pid:7} {'running' if p.ours(p.pid) else 'stopped'}")
            ok = all(p.ours(p.pid) for p in procs) and http_status(f"{st.get('edge_url', '')}/healthz") == 200
            print(f"edge {st.get('edge_url')} healthz: {'200' if ok else 'not answering'}")
            return 0 if ok else 1
        if args.cmd == "down":
            left = stop_state(load_state())
            if left:
                print(f"loadstack: still running: {', '.join(left)}", file=sys.stderr)
                return 1
            print("stack stopped")
            return 0
        out = args.out or (ROOT / "target" / "loadtest" / ("smoke" if args.kind == "smoke" else ""))
        return run(args.kind, out.resolve(), args.ttl_s)
    except StackError as e:
        print(f"loadstack: {e}", file=sys.stderr)
        return 1
    except Interrupted as e:
        print(f"loadstack: interrupted ({e}); the stack was stopped", file=sys.stderr)
        return 130
    finally:
        lock.close()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
