// Kickoff load test (k6): fans polling the live commentary feed through CloudFront, with the number of
// fans following the planner's match-day profile (src/model/profile.rs), or a step-up capacity test of
// one API task through the ALB to measure `app.rps_per_vcpu`.
//
// How to run, what to measure and the pass criteria: docs/load-testing.md.
//
//   k6 run -e BASE_URL=https://staging.example.com tests/load/match-day.js                 # kickoff window
//   k6 run -e BASE_URL=… -e PROFILE=full tests/load/match-day.js                            # whole match day
//   k6 run -e ORIGIN_URL=https://origin.staging.example.com -e MODE=capacity tests/load/match-day.js
//
// Environment (all optional except the URL):
//   MODE            fans (default) | capacity
//   PROFILE         kickoff (default: 10 min before kickoff to 20 min after) | full (170 min)
//   PEAK_FANS       peak concurrent fans (default 5000, the scenario's peak_concurrent_fans)
//   HEADROOM_PCT    design headroom on top of the peak (default 20, audience.design_headroom_pct)
//   OFF_PEAK_FANS   fans outside match windows (default 100, audience.off_peak_fans)
//   TIME_SCALE      multiply every duration (default 1; 0.1 for a 3-minute smoke run of PROFILE=kickoff)
//   POLL_S          seconds between polls (default 2, delivery.poll_interval_s)
//   FEED_PATHS      comma-separated feed paths, one per cache key (default: 3 games × 2 keys)
//   PAGE_PATH       page each fan loads once on arrival (default /; empty to skip)
//   UPDATED_FIELD   JSON field of the feed holding the newest line's publish time (epoch ms or ISO 8601);
//                   when present, freshness = receive time − that time
//   RATE_START, RATE_END, RATE_MINUTES   capacity mode: requests/s stepped linearly (default 50 → 2000 over 20)

import http from 'k6/http';
import { check, sleep } from 'k6';
import { Counter, Rate, Trend } from 'k6/metrics';

const env = (k, d) => (__ENV[k] !== undefined && __ENV[k] !== '' ? __ENV[k] : d);
const num = (k, d) => Number(env(k, d));

const MODE = env('MODE', 'fans');
const PROFILE = env('PROFILE', 'kickoff');
const BASE_URL = env('BASE_URL', '');
const ORIGIN_URL = env('ORIGIN_URL', '');
const POLL_S = num('POLL_S', 2);
const TIME_SCALE = num('TIME_SCALE', 1);
const DESIGN_FANS = num('PEAK_FANS', 5000) * (1 + num('HEADROOM_PCT', 20) / 100);
const OFF_PEAK_SHARE = num('OFF_PEAK_FANS', 100) / num('PEAK_FANS', 5000);
const FEED_PATHS = env(
  'FEED_PATHS',
  '/api/matches/1/feed,/api/matches/1/score,/api/matches/2/feed,/api/matches/2/score,/api/matches/3/feed,/api/matches/3/score',
).split(',');
const PAGE_PATH = env('PAGE_PATH', '/');
const UPDATED_FIELD = env('UPDATED_FIELD', '');

// Match-day shape, the defaults of `match_day` in the scenario.
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

// Breakpoints (seconds from kickoff, share of peak) of the profile in src/model/profile.rs: linear
// between points, goal bursts as steps to 1.0 spread over the 90 playing minutes, skipping half time.
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
  // Insert the bursts: step up to 1.0 (1 s ramp), hold, step back to the underlying share.
  const bursts = [];
  for (let k = 0; k < MD.goalBursts; k++) {
    const play = (90 * (k + 0.5)) / MD.goalBursts;
    const start = (play < 45 ? play : play + 15) * 60;
    bursts.push([start, start + MD.burstS]);
  }
  let out = pts.slice();
  for (const [b0, b1] of bursts) {
    out = out.filter(([t]) => t < b0 || t > b1);
    out.push([b0 - 1, interp(b0 - 1)], [b0, 1.0], [b1, 1.0], [b1 + 1, interp(b1 + 1)]);
  }
  return out.sort((a, b) => a[0] - b[0]);
}

function fanStages() {
  let pts = profilePoints();
  if (PROFILE === 'kickoff') {
    pts = pts.filter(([t]) => t >= -10 * 60 && t <= 20 * 60);
    const first = -10 * 60;
    const share0 = MD.preKickoffShare * (1 - 10 / MD.rampMin) + OFF_PEAK_SHARE * (10 / MD.rampMin);
    pts.unshift([first, share0]);
    pts.push([20 * 60, MD.inPlayShare]);
  }
  const stages = [];
  for (let i = 1; i < pts.length; i++) {
    const dt = Math.max(1, Math.round((pts[i][0] - pts[i - 1][0]) * TIME_SCALE));
    stages.push({ duration: `${dt}s`, target: Math.round(pts[i][1] * DESIGN_FANS) });
  }
  return { startVUs: Math.round(pts[0][1] * DESIGN_FANS), stages };
}

function capacityScenario() {
  const start = num('RATE_START', 50);
  const end = num('RATE_END', 2000);
  const minutes = num('RATE_MINUTES', 20);
  // Ten equal steps, each ramped in 10 s and then held, so CPU and latency settle at every rate.
  const steps = 10;
  const hold = Math.max(10, Math.round((minutes * 60) / steps) - 10);
  const stages = [];
  for (let i = 0; i < steps; i++) {
    const rate = Math.round(start + ((end - start) * (i + 1)) / steps);
    stages.push({ duration: '10s', target: rate }, { duration: `${hold}s`, target: rate });
  }
  return {
    executor: 'ramping-arrival-rate',
    startRate: start,
    timeUnit: '1s',
    preAllocatedVUs: Math.max(50, Math.ceil(end * 0.2)),
    maxVUs: Math.ceil(end * 2),
    stages,
    exec: 'origin',
  };
}

const fans = fanStages();

export const options = {
  discardResponseBodies: UPDATED_FIELD === '',
  scenarios:
    MODE === 'capacity'
      ? { capacity: capacityScenario() }
      : {
          fans: {
            executor: 'ramping-vus',
            startVUs: fans.startVUs,
            stages: fans.stages,
            gracefulRampDown: `${Math.ceil(POLL_S * 2)}s`,
            exec: 'fan',
          },
        },
  // Pass criteria tied to the SLOs (docs/load-testing.md).
  thresholds:
    MODE === 'capacity'
      ? {}
      : {
          http_req_failed: ['rate<0.05'], // kickoff_error_rate: < 5 % errors
          'http_req_failed{kind:feed}': ['rate<0.05'],
          'http_req_duration{kind:feed}': ['p(95)<1000'], // the api-p95-latency alarm threshold (1 s)
          freshness_s: ['p(95)<3'], // freshness: p95 ≤ 3 s (only recorded when UPDATED_FIELD is set)
        },
  summaryTrendStats: ['avg', 'p(50)', 'p(95)', 'p(99)', 'max'],
};

const freshness = new Trend('freshness_s');
const edgeHits = new Rate('edge_hit');
const polls = new Counter('polls');

export function setup() {
  if (MODE === 'capacity' && !ORIGIN_URL) throw new Error('MODE=capacity needs ORIGIN_URL (the ALB origin, not CloudFront)');
  if (MODE !== 'capacity' && !BASE_URL) throw new Error('set BASE_URL to the CloudFront URL of the environment under test');
  return { design_fans: DESIGN_FANS, stages: fans.stages.length };
}

function publishedAtMs(res) {
  if (!UPDATED_FIELD || res.status !== 200) return null;
  try {
    const v = res.json(UPDATED_FIELD);
    if (v === null || v === undefined) return null;
    const ms = typeof v === 'number' ? (v < 1e12 ? v * 1000 : v) : Date.parse(v);
    return Number.isFinite(ms) ? ms : null;
  } catch (_) {
    return null;
  }
}

// One fan: load the page once, then poll one feed key every POLL_S seconds.
export function fan() {
  if (__ITER === 0 && PAGE_PATH) {
    http.get(`${BASE_URL}${PAGE_PATH}`, { tags: { kind: 'page' } });
  }
  const path = FEED_PATHS[(__VU - 1) % FEED_PATHS.length];
  const res = http.get(`${BASE_URL}${path}`, { tags: { kind: 'feed' } });
  polls.add(1);
  check(res, { 'feed 200': (r) => r.status === 200 });
  const xcache = res.headers['X-Cache'] || res.headers['x-cache'] || '';
  edgeHits.add(/^Hit/i.test(xcache));
  const published = publishedAtMs(res);
  if (published !== null) freshness.add((Date.now() - published) / 1000);
  // Keep the poll period at POLL_S whatever the response time was.
  sleep(Math.max(0, POLL_S - res.timings.duration / 1000));
}

// Capacity mode: requests straight at the origin (ALB), bypassing the CDN, cache-busting nothing:
// the feed is served from Valkey as in production.
export function origin() {
  const path = FEED_PATHS[__ITER % FEED_PATHS.length];
  const res = http.get(`${ORIGIN_URL}${path}`, { tags: { kind: 'origin' } });
  check(res, { 'origin 200': (r) => r.status === 200 });
}
