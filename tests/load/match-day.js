// Kickoff match day (k6), run against the reference stack on 127.0.0.1 by tests/load/loadstack.py
// (`make loadtest`, `make loadtest-smoke`). What it measures and why: docs/load-testing.md.
//
// Two modes:
//   MODE=fans (default)  the audience of the planner's match-day profile (src/model/profile.rs), as an
//                        OPEN model: offered load does not fall when the stack slows down.
//     polls     ramping-arrival-rate at fans × CACHEABLE_SHARE ÷ POLL_S polls/s (less the watchers'),
//               each asking for one of the GAMES × 2 cacheable keys (feed, score);
//     fan_polls ramping-arrival-rate at fans × (1 − CACHEABLE_SHARE) ÷ POLL_S: polls carrying a fan
//               id (`?fan=…`), which the micro-cache never caches, so they reach the origin.
//     pages     ramping-arrival-rate of page loads: new fans (the profile's rises) plus re-views
//               (PAGE_VIEWS_PER_FAN − 1 per fan per 105 match minutes); each loads PAGE_PATH and
//               ASSETS_PER_PAGE assets (static, from the CDN stand-in, like S3 behind CloudFront).
//     watchers  WATCHERS fans polling a feed key on the page's timer (every POLL_S, whatever the
//               response time), each remembering the last event id it saw: freshness_s is the time
//               from an event's publish to the first poll of that fan that shows it.
//     publish   commentary events at EVENTS_PER_MIN per game (BURST_EVENTS_PER_MIN inside goal
//               bursts), each POSTed with its publish time; after each POST the publisher probes the
//               origin (bypassing the cache) and the edge every PROBE_MS until the event shows, giving
//               publish_to_origin_s (the planner's delivery.publish_latency_s) and publish_to_edge_s.
//   MODE=capacity        steps of a constant request rate straight at the API (ORIGIN_URL, no cache):
//                        what one pinned API process serves (app.rps_per_vcpu).
//
// Errors: a feed request fails when it is not a 200 within TIMEOUT_S (the planner counts a response
// slower than app.request_timeout_s as an error). feed_failed is tagged with its 10-s window `w`
// (seconds since start ÷ 10); every window has its own threshold at SLO_ERROR_SHARE, so one bad 10 s
// fails the run even when the whole-run rate is fine. error_at_s records when each failure happened
// (its min is the second errors start).
//
// The script only talks to loopback: it refuses any other host.
//
// Environment (defaults are the planner's default scenario):
//   BASE_URL, ORIGIN_URL        the stack's edge (nginx) and origin (API) URLs; loadstack.py sets them
//   PROFILE                     kickoff (10 min before kickoff to 20 min after) | full (170 min)
//   PEAK_FANS, HEADROOM_PCT, OFF_PEAK_FANS   audience.* (5000, 20, 100)
//   TIME_SCALE                  multiplies the profile's durations (1); per-fan and per-game rates
//                               (polls, events, re-views) stay real-time
//   POLL_S (2), CACHEABLE_SHARE (0.95), GAMES (3), PAGE_VIEWS_PER_FAN (1.5), ASSETS_PER_PAGE (12)
//   EVENTS_PER_MIN (4), BURST_EVENTS_PER_MIN (20)            writes.*
//   WATCHERS (30), PROBE_MS (50), TIMEOUT_S (5), SLO_ERROR_SHARE (0.05), SLO_FRESHNESS_S (3)
//   RATE_START, RATE_END, RATE_STEPS, STEP_S   capacity mode (500, 2500, 5, 20)
//   SUMMARY_PATH                where handleSummary writes its JSON (k6's summary + the schedule)

import http from 'k6/http';
import { sleep } from 'k6';
import exec from 'k6/execution';
import { Counter, Rate, Trend } from 'k6/metrics';

const env = (k, d) => (__ENV[k] !== undefined && __ENV[k] !== '' ? __ENV[k] : d);
function num(k, d, min, max) {
  const v = Number(env(k, d));
  if (!Number.isFinite(v) || v < min || v > max) throw new Error(`${k} = ${env(k, d)}: must be a number from ${min} to ${max}`);
  return v;
}

const MODE = env('MODE', 'fans');
const PROFILE = env('PROFILE', 'kickoff');
const BASE_URL = env('BASE_URL', '');
const ORIGIN_URL = env('ORIGIN_URL', '');
const PEAK_FANS = num('PEAK_FANS', 5000, 1, 1e6);
const DESIGN_FANS = PEAK_FANS * (1 + num('HEADROOM_PCT', 20, 0, 1000) / 100);
const OFF_PEAK_SHARE = Math.min(1, num('OFF_PEAK_FANS', 100, 0, 1e6) / PEAK_FANS);
const TIME_SCALE = num('TIME_SCALE', 1, 0.001, 10);
const POLL_S = num('POLL_S', 2, 0.1, 60);
const CACHEABLE_SHARE = num('CACHEABLE_SHARE', 0.95, 0, 1);
const GAMES = num('GAMES', 3, 1, 50);
const PAGE_VIEWS_PER_FAN = num('PAGE_VIEWS_PER_FAN', 1.5, 0, 20);
const ASSETS_PER_PAGE = num('ASSETS_PER_PAGE', 12, 0, 100);
const EVENTS_PER_MIN = num('EVENTS_PER_MIN', 4, 0, 600);
const BURST_EVENTS_PER_MIN = num('BURST_EVENTS_PER_MIN', 20, 0, 600);
const WATCHERS = num('WATCHERS', 30, 0, 1000);
const PROBE_MS = num('PROBE_MS', 50, 5, 1000);
const TIMEOUT_S = num('TIMEOUT_S', 5, 0.1, 60);
const SLO_ERROR_SHARE = num('SLO_ERROR_SHARE', 0.05, 0, 1);
const SLO_FRESHNESS_S = num('SLO_FRESHNESS_S', 3, 0.1, 600);
const SUMMARY_PATH = env('SUMMARY_PATH', '');
const WINDOW_S = 10;
const MATCH_S = 105 * 60; // kickoff to full time (profile.rs MATCH_MIN)
const KEYS = ['feed', 'score']; // delivery.feed_keys_per_game = 2

// Loopback only: this script generates load, and the only stack it may load is the one on this machine.
function loopback(url, name) {
  const m = /^http:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?(\/|$)/.exec(url);
  if (!m) throw new Error(`${name} = ${JSON.stringify(url)}: must be an http:// URL on loopback (127.0.0.1)`);
  return url.replace(/\/$/, '');
}

// Match-day shape, the defaults of `match_day` in the scenario (src/model/scenario.rs).
const MD = {
  rampMin: 30, // pre_game_ramp_minutes
  preKickoffShare: 0.3, // pre_kickoff_share
  spikeS: 60, // kickoff_spike_seconds
  inPlayShare: 0.85, // in_play_share
  halfTimeShare: 0.5, // half_time_share
  goalBursts: 3, // goal_bursts
  burstS: 120, // goal_burst_seconds
  decayMin: 15, // post_game_decay_minutes
};

function burstStarts() {
  const out = [];
  for (let k = 0; k < MD.goalBursts; k++) {
    const play = (90 * (k + 0.5)) / MD.goalBursts;
    out.push((play < 45 ? play : play + 15) * 60);
  }
  return out;
}

// Breakpoints (seconds from kickoff, share of peak) of src/model/profile.rs: linear between points,
// goal bursts as 1-s steps to 1.0 spread over the 90 playing minutes, skipping half time.
function profilePoints() {
  const off = OFF_PEAK_SHARE;
  const pts = [
    [-(MD.rampMin + 10) * 60, off],
    [-MD.rampMin * 60, off],
    [0, Math.max(MD.preKickoffShare, off)],
    [MD.spikeS, MD.inPlayShare],
    [45 * 60, MD.inPlayShare],
    [45 * 60, MD.halfTimeShare],
    [60 * 60, MD.halfTimeShare],
    [60 * 60 + MD.spikeS, MD.inPlayShare],
    [105 * 60, MD.inPlayShare],
    [(105 + MD.decayMin) * 60, off],
    [(105 + MD.decayMin + 10) * 60, off],
  ];
  const interp = (t) => {
    for (let i = 1; i < pts.length; i++) {
      const [t0, s0] = pts[i - 1];
      const [t1, s1] = pts[i];
      if (t <= t1) return t1 === t0 ? s1 : s0 + ((s1 - s0) * (t - t0)) / (t1 - t0);
    }
    return pts[pts.length - 1][1];
  };
  let out = pts.slice();
  for (const b0 of burstStarts()) {
    const b1 = b0 + MD.burstS;
    out = out.filter(([t]) => t < b0 || t > b1);
    out.push([b0 - 1, interp(b0 - 1)], [b0, 1.0], [b1, 1.0], [b1 + 1, interp(b1 + 1)]);
  }
  out.sort((a, b) => a[0] - b[0]);
  if (PROFILE === 'kickoff') {
    const from = -10 * 60;
    const to = 20 * 60;
    const inside = out.filter(([t]) => t > from && t < to);
    return [[from, interp(from)], ...inside, [to, interp(to)]];
  }
  if (PROFILE !== 'full') throw new Error(`PROFILE = ${PROFILE}: must be kickoff or full`);
  return out;
}

// The schedule in run seconds: profile points with scaled times, and the goal bursts.
function schedule() {
  const pts = profilePoints();
  const t0 = pts[0][0];
  const run = pts.map(([t, share]) => ({ run_s: (t - t0) * TIME_SCALE, match_s: t, fans: share * DESIGN_FANS }));
  const bursts = burstStarts()
    .map((b) => [(b - t0) * TIME_SCALE, (b + MD.burstS - t0) * TIME_SCALE])
    .filter(([s, e]) => e > 0 && s < run[run.length - 1].run_s);
  return { points: run, bursts, duration_s: run[run.length - 1].run_s };
}

const SCHED = MODE === 'fans' ? schedule() : null;

// Stages of a ramping-arrival-rate executor from [run_s, rate] breakpoints (linear between them).
// A stage duration is whole seconds; rounding is carried so the total stays exact.
function stagesFrom(pointsRate) {
  const stages = [];
  let done = 0;
  for (let i = 1; i < pointsRate.length; i++) {
    const end = Math.round(pointsRate[i][0]);
    const d = Math.max(0, end - done);
    stages.push({ duration: `${d}s`, target: Math.max(0, Math.round(pointsRate[i][1])) });
    done += d;
  }
  return stages;
}

// Polls per minute as an open model. Of the F ÷ POLL_S polls a second the fans make, a share
// CACHEABLE_SHARE asks for a cacheable key (the watchers' polls are among those) and the rest carry a
// fan id: two executors, so each rate is exactly the planner's term.
function pollScenario(exec_, perSecond) {
  const pts = SCHED.points.map((p) => [p.run_s, 60 * perSecond(p.fans)]);
  const peak = Math.max(...pts.map((p) => p[1])) / 60;
  return {
    executor: 'ramping-arrival-rate',
    startRate: Math.round(pts[0][1]),
    timeUnit: '1m',
    stages: stagesFrom(pts),
    preAllocatedVUs: Math.ceil(peak * 0.05) + 10,
    maxVUs: Math.min(3000, Math.ceil(peak * TIMEOUT_S) + 50),
    gracefulStop: `${Math.ceil(TIMEOUT_S) + 1}s`,
    exec: exec_,
    offered: pts.reduce((acc, p, i) => (i === 0 ? 0 : acc + ((p[1] + pts[i - 1][1]) / 2 / 60) * (p[0] - pts[i - 1][0])), 0),
  };
}
const cacheableRate = (fans) => Math.max(0, (fans * CACHEABLE_SHARE) / POLL_S - WATCHERS / POLL_S);
const perFanRate = (fans) => (fans * (1 - CACHEABLE_SHARE)) / POLL_S;

// Page loads per minute, piecewise constant per profile segment: arrivals (the rise of the audience,
// spread over at least one 10-s step, the planner's sim step) plus re-views of the fans online.
function pageRates() {
  const segs = [];
  const P = SCHED.points;
  const firstViews = Math.min(PAGE_VIEWS_PER_FAN, 1);
  for (let i = 1; i < P.length; i++) {
    const arrivals = Math.max(0, P[i].fans - P[i - 1].fans) * firstViews;
    // A rise faster than one 10-s step (a goal burst's 1-s step) is spread over 10 s.
    const from = P[i - 1].run_s;
    segs.push({ from, to: Math.max(P[i].run_s, from + WINDOW_S), arrivals });
  }
  // Sum the overlapping pieces on a 1-s grid.
  const n = Math.ceil(SCHED.duration_s);
  const perS = new Array(n).fill(0);
  for (const s of segs) {
    const a = Math.floor(s.from);
    const b = Math.min(n, Math.max(a + 1, Math.ceil(s.to)));
    for (let t = a; t < b; t++) perS[t] += s.arrivals / (b - a);
  }
  const fansAt = (t) => {
    for (let i = 1; i < P.length; i++) {
      if (t <= P[i].run_s) {
        const d = P[i].run_s - P[i - 1].run_s;
        return d <= 0 ? P[i].fans : P[i - 1].fans + ((P[i].fans - P[i - 1].fans) * (t - P[i - 1].run_s)) / d;
      }
    }
    return P[P.length - 1].fans;
  };
  const reviewPerFanPerS = Math.max(0, PAGE_VIEWS_PER_FAN - 1) / MATCH_S;
  for (let t = 0; t < n; t++) perS[t] += fansAt(t + 0.5) * reviewPerFanPerS;
  return perS.map((x) => x * 60); // per minute
}

function pageScenario() {
  const perMin = pageRates();
  // Step changes: a 0-s stage to each new rate, held until the next change.
  const stages = [];
  let cur = Math.round(perMin[0]);
  let held = 0;
  for (let t = 1; t <= perMin.length; t++) {
    const next = t < perMin.length ? Math.round(perMin[t]) : null;
    held += 1;
    if (next !== cur) {
      stages.push({ duration: `${held}s`, target: cur });
      if (next !== null) stages.push({ duration: '0s', target: next });
      cur = next;
      held = 0;
    }
  }
  const peak = Math.max(...perMin) / 60;
  return {
    executor: 'ramping-arrival-rate',
    startRate: Math.round(perMin[0]),
    timeUnit: '1m',
    stages,
    preAllocatedVUs: Math.ceil(peak * 0.2) + 5,
    maxVUs: Math.min(1000, Math.ceil(peak * TIMEOUT_S) + 20),
    gracefulStop: `${Math.ceil(TIMEOUT_S) + 1}s`,
    exec: 'page',
    offered: perMin.reduce((a, b) => a + b, 0) / 60,
  };
}

function publishScenario() {
  const normal = GAMES * EVENTS_PER_MIN;
  const burst = GAMES * BURST_EVENTS_PER_MIN;
  const stages = [];
  let at = 0;
  let offered = 0;
  for (const [s, e] of SCHED.bursts) {
    const a = Math.max(0, Math.round(s));
    const b = Math.min(Math.round(SCHED.duration_s), Math.round(e));
    if (a > at) stages.push({ duration: `${a - at}s`, target: normal });
    stages.push({ duration: '0s', target: burst }, { duration: `${b - a}s`, target: burst }, { duration: '0s', target: normal });
    offered += ((a - at) * normal + (b - a) * burst) / 60;
    at = b;
  }
  const end = Math.round(SCHED.duration_s);
  if (end > at) stages.push({ duration: `${end - at}s`, target: normal });
  offered += ((end - at) * normal) / 60;
  return {
    executor: 'ramping-arrival-rate',
    startRate: normal,
    timeUnit: '1m',
    stages,
    preAllocatedVUs: 5,
    maxVUs: 30,
    gracefulStop: `${Math.ceil(TIMEOUT_S) + 1}s`,
    exec: 'publish',
    offered,
  };
}

function capacityScenario() {
  const start = num('RATE_START', 500, 1, 1e6);
  const end = num('RATE_END', 2500, start, 1e6);
  const steps = num('RATE_STEPS', 5, 1, 50);
  const hold = num('STEP_S', 20, 5, 600);
  const ramp = 2;
  const stages = [];
  const holds = [];
  let t = 0;
  for (let i = 0; i < steps; i++) {
    const rate = Math.round(steps === 1 ? end : start + ((end - start) * i) / (steps - 1));
    stages.push({ duration: `${ramp}s`, target: rate }, { duration: `${hold}s`, target: rate });
    holds.push({ rate_rps: rate, from_s: t + ramp, to_s: t + ramp + hold });
    t += ramp + hold;
  }
  return {
    scenario: {
      executor: 'ramping-arrival-rate',
      startRate: Math.round(start / 2),
      timeUnit: '1s',
      stages,
      preAllocatedVUs: Math.ceil(end * 0.02) + 20,
      maxVUs: Math.min(3000, Math.ceil(end * 0.5) + 50),
      gracefulStop: `${Math.ceil(TIMEOUT_S) + 1}s`,
      exec: 'origin',
    },
    holds,
    duration_s: t,
  };
}

let scenarios;
let planned;
if (MODE === 'fans') {
  const polls = pollScenario('poll', cacheableRate);
  const fanPolls = pollScenario('fanPoll', perFanRate);
  const pages = pageScenario();
  const pub = publishScenario();
  const watchersOn = WATCHERS > 0;
  planned = {
    mode: MODE,
    profile: PROFILE,
    time_scale: TIME_SCALE,
    duration_s: SCHED.duration_s,
    peak_fans: PEAK_FANS,
    design_fans: DESIGN_FANS,
    poll_interval_s: POLL_S,
    cacheable_share: CACHEABLE_SHARE,
    games: GAMES,
    keys_per_game: KEYS.length,
    watchers: WATCHERS,
    assets_per_page: ASSETS_PER_PAGE,
    events_per_min_per_game: EVENTS_PER_MIN,
    burst_events_per_min_per_game: BURST_EVENTS_PER_MIN,
    timeout_s: TIMEOUT_S,
    window_s: WINDOW_S,
    match_start_s: SCHED.points[0].match_s,
    points: SCHED.points,
    bursts_run_s: SCHED.bursts,
    offered: {
      polls: polls.offered,
      fan_polls: fanPolls.offered,
      watcher_polls: watchersOn ? (WATCHERS * SCHED.duration_s) / POLL_S : 0,
      page_loads: pages.offered,
      page_requests: pages.offered * (1 + ASSETS_PER_PAGE),
      events: pub.offered,
    },
  };
  for (const sc of [polls, fanPolls, pages, pub]) delete sc.offered;
  scenarios = { polls, fan_polls: fanPolls, pages, publish: pub };
  if (watchersOn) {
    scenarios.watchers = {
      executor: 'constant-vus',
      vus: WATCHERS,
      duration: `${Math.round(SCHED.duration_s)}s`,
      gracefulStop: `${Math.ceil(TIMEOUT_S) + 1}s`,
      exec: 'watch',
    };
  }
  if (pages.stages.every((s) => s.target === 0) && pages.startRate === 0) delete scenarios.pages;
} else if (MODE === 'capacity') {
  const cap = capacityScenario();
  scenarios = { capacity: cap.scenario };
  planned = { mode: MODE, duration_s: cap.duration_s, holds: cap.holds, timeout_s: TIMEOUT_S, window_s: WINDOW_S, games: GAMES };
} else {
  throw new Error(`MODE = ${MODE}: must be fans or capacity`);
}

// One threshold per 10-s window: the SLO holds in every window, not just on average.
const thresholds = { feed_failed: [`rate<${SLO_ERROR_SHARE}`] };
const windows = Math.ceil(planned.duration_s / WINDOW_S) + 2;
for (let w = 0; w < windows; w++) thresholds[`feed_failed{w:${w}}`] = [`rate<${SLO_ERROR_SHARE}`];
if (MODE === 'fans' && WATCHERS > 0) thresholds.freshness_s = [`p(95)<${SLO_FRESHNESS_S}`];
planned.windows = windows;

export const options = {
  scenarios,
  thresholds,
  discardResponseBodies: true,
  summaryTrendStats: ['min', 'avg', 'med', 'p(90)', 'p(95)', 'p(99)', 'max', 'count'],
  summaryTimeUnit: 'ms',
  noCookiesReset: true,
  userAgent: 'kickoff-loadtest/1 (k6)',
};

const feedFailed = new Rate('feed_failed');
const errorAt = new Trend('error_at_s');
const freshness = new Trend('freshness_s');
const toOrigin = new Trend('publish_to_origin_s');
const toEdge = new Trend('publish_to_edge_s');
const publishFailed = new Rate('publish_failed');
const pageFailed = new Rate('page_failed');
const pollsCacheable = new Counter('polls_cacheable');
const pollsUncacheable = new Counter('polls_uncacheable');
const watchPolls = new Counter('watch_polls');
const pageLoads = new Counter('page_loads');
const probeRequests = new Counter('probe_requests');

export function setup() {
  const base = MODE === 'fans' ? loopback(BASE_URL, 'BASE_URL') : loopback(ORIGIN_URL, 'ORIGIN_URL');
  const res = http.get(`${base}/healthz`, { timeout: '5s' });
  if (res.status !== 200) throw new Error(`${base}/healthz answered ${res.status}: is the stack up (tests/load/loadstack.py up)?`);
  return { t0: Date.now(), base };
}

// `name` groups the URLs (fan ids, probe nonces) into one time series per kind.
const params = (kind, text) => ({ timeout: `${TIMEOUT_S}s`, tags: { kind, name: kind }, responseType: text ? 'text' : 'none' });

function record(res, data) {
  const ok = res.status === 200;
  const at = (Date.now() - data.t0) / 1000;
  feedFailed.add(!ok, { w: String(Math.floor(at / WINDOW_S)) });
  if (!ok) errorAt.add(at);
  return ok;
}

// A cacheable poll: the GAMES × 2 keys in turn.
export function poll(data) {
  const i = exec.scenario.iterationInTest;
  const path = `/api/matches/${(i % GAMES) + 1}/${KEYS[Math.floor(i / GAMES) % KEYS.length]}`;
  pollsCacheable.add(1);
  record(http.get(`${data.base}${path}`, params('poll')), data);
}

// A poll with per-fan state: the micro-cache passes it to the origin.
export function fanPoll(data) {
  const i = exec.scenario.iterationInTest;
  pollsUncacheable.add(1);
  record(http.get(`${data.base}/api/matches/${(i % GAMES) + 1}/feed?fan=${i}`, params('fan')), data);
}

export function page(data) {
  const reqs = [['GET', `${data.base}/`, null, params('page')]];
  for (let a = 0; a < ASSETS_PER_PAGE; a++) reqs.push(['GET', `${data.base}/assets/a${a % 12}.js`, null, params('asset')]);
  pageLoads.add(1);
  for (const r of http.batch(reqs)) pageFailed.add(r.status !== 200);
}

function eventIds(res) {
  if (res.status !== 200 || !res.body) return [];
  try {
    const body = JSON.parse(res.body);
    const feed = body.feed || body;
    return feed.events || [];
  } catch (_) {
    return [];
  }
}

// One fan on the page's timer. Per VU: which game, the last event id seen, the next poll time.
const me = { game: 0, lastSeen: -1, next: 0 };
export function watch(data) {
  if (me.game === 0) {
    me.game = ((exec.vu.idInTest - 1) % GAMES) + 1;
    sleep(Math.random() * POLL_S); // fans' timers are not in phase
    me.next = Date.now();
  }
  const res = http.get(`${data.base}/api/matches/${me.game}/feed`, params('watch', true));
  watchPolls.add(1);
  const seenAt = Date.now();
  if (record(res, data)) {
    const events = eventIds(res);
    const newest = events.length ? events[0].id : 0;
    if (me.lastSeen >= 0) {
      for (const e of events) {
        if (e.id > me.lastSeen && e.published_at_ms >= data.t0) freshness.add((seenAt - e.published_at_ms) / 1000);
      }
    }
    me.lastSeen = Math.max(me.lastSeen, newest);
  }
  me.next += POLL_S * 1000;
  const wait = (me.next - Date.now()) / 1000;
  if (wait > 0) sleep(wait);
  else me.next = Date.now(); // a slow response delays the timer, as in the page
}

export function publish(data) {
  const i = exec.scenario.iterationInTest;
  const game = (i % GAMES) + 1;
  // The arrival-rate timer would publish in lockstep with the clock second (and so with the cache's
  // refills) and with the watchers' timers; commentators do not: a random delay breaks the phase.
  sleep(Math.random() * POLL_S);
  const published = Date.now();
  const res = http.post(
    `${data.base}/api/matches/${game}/events`,
    JSON.stringify({ text: `Load-test line ${i}: a long ball forward, cleared for a corner.`, published_at_ms: published }),
    { headers: { 'Content-Type': 'application/json' }, timeout: `${TIMEOUT_S}s`, tags: { kind: 'publish', name: 'publish' }, responseType: 'text' },
  );
  publishFailed.add(res.status !== 201);
  if (res.status !== 201) return;
  const id = JSON.parse(res.body).id;
  // Probe until both the origin and the edge show the event, for at most TIMEOUT_S.
  let origin = null;
  let edge = null;
  while ((origin === null || edge === null) && Date.now() - published < TIMEOUT_S * 1000) {
    const reqs = [];
    if (origin === null) reqs.push(['GET', `${data.base}/api/matches/${game}/feed?fan=probe&probe=1`, null, params('probe', true)]);
    if (edge === null) reqs.push(['GET', `${data.base}/api/matches/${game}/feed`, null, params('probe', true)]);
    const out = http.batch(reqs);
    probeRequests.add(reqs.length);
    const now = Date.now();
    let k = 0;
    if (origin === null) {
      if (eventIds(out[k]).some((e) => e.id === id)) origin = now;
      k += 1;
    }
    if (edge === null && eventIds(out[k]).some((e) => e.id === id)) edge = now;
    if (origin === null || edge === null) sleep(PROBE_MS / 1000);
  }
  if (origin !== null) toOrigin.add((origin - published) / 1000);
  if (edge !== null) toEdge.add((edge - published) / 1000);
}

export function origin(data) {
  const i = exec.scenario.iterationInTest;
  const res = http.get(`${data.base}/api/matches/${(i % GAMES) + 1}/feed?fan=cap-${i}`, params('origin'));
  record(res, data);
}

export function handleSummary(data) {
  const out = { schema: 'kickoff-k6-run/1', planned, setup: data.setup_data, k6: data };
  const m = data.metrics;
  const v = (name, stat) => (m[name] && m[name].values[stat] !== undefined ? m[name].values[stat] : null);
  const failedWindows = Object.keys(m)
    .filter((k) => k.startsWith('feed_failed{w:') && m[k].values.passes > 0)
    .map((k) => `${k.slice(14, -1)}:${(100 * m[k].values.rate).toFixed(1)}%`);
  const breached = Object.keys(m).filter((k) => m[k].thresholds && Object.values(m[k].thresholds).some((t) => !t.ok));
  const fmt = (x, d = 3) => (x === null ? '-' : Number(x).toFixed(d));
  const lines = [
    `k6 ${MODE}: ${fmt(v('http_reqs', 'count'), 0)} requests, ${fmt(v('http_reqs', 'rate'), 1)} req/s, ` +
      `dropped iterations ${fmt(v('dropped_iterations', 'count') || 0, 0)}`,
    `  feed requests failed: ${fmt(100 * (v('feed_failed', 'rate') || 0), 2)} %; windows with failures: ${failedWindows.join(' ') || 'none'}`,
  ];
  if (MODE === 'fans') {
    lines.push(
      `  freshness_s p50 ${fmt(v('freshness_s', 'med'))} p95 ${fmt(v('freshness_s', 'p(95)'))} (${fmt(v('freshness_s', 'count'), 0)} samples); ` +
        `publish→origin p95 ${fmt(v('publish_to_origin_s', 'p(95)'))} s, publish→edge p95 ${fmt(v('publish_to_edge_s', 'p(95)'))} s`,
    );
  }
  lines.push(`  thresholds breached: ${breached.join(', ') || 'none'}`);
  const files = { stdout: `${lines.join('\n')}\n` };
  if (SUMMARY_PATH) files[SUMMARY_PATH] = JSON.stringify(out, null, 1);
  return files;
}
