// Reference commentary API for the load-test stack (tests/load/loadstack.py).
//
// NOT the product's API. It exists so `make loadtest` measures the planner's coefficients
// (requests per vCPU, origin service time, publish latency, what the micro-cache lets through) on a
// stack built from the same kinds of parts production uses: Express on one pinned core, Redis as the
// cache, MariaDB as the database, nginx in front as the CloudFront stand-in. Keep it small.
//
// Endpoints (docs/architecture.md, docs/load-testing.md):
//   GET  /healthz                      200 once Redis and MariaDB answered at start; never queries MariaDB
//   GET  /api/matches/:id/feed         newest FEED_LINES commentary lines, from Redis (MariaDB on a miss)
//   GET  /api/matches/:id/score        scoreboard, from Redis (MariaDB on a miss)
//   GET  /api/matches/:id/feed?fan=F   the same feed with per-fan state: `Cache-Control: private, no-store`
//                                      (the uncacheable share, `delivery.cacheable_share`)
//   POST /api/matches/:id/events       {"text", "published_at_ms"}: 3 MariaDB writes
//                                      (`data.db_writes_per_event`), then SET feed and score in Redis
//
// Service log (SERVICE_LOG): one line per request, written when the response finishes (499: abandoned):
//   <epoch ms> <kind> <status> <service µs> <redis hit|miss|-> <match id|->
// kind = feed | score | fan | probe | publish | health | other. Service time runs from the handler's first
// line to the response's `close`; time queued in the kernel or the event loop before that is not in it
// (nginx's $upstream_response_time, logged by the stack, includes it).

'use strict';

const fs = require('node:fs');
const express = require('express');
const Redis = require('ioredis');
const mysql = require('mysql2/promise');

function need(name) {
  const v = process.env[name];
  if (v === undefined || v === '') {
    console.error(`loadstack api: environment variable ${name} is required`);
    process.exit(2);
  }
  return v;
}
function intEnv(name, dflt, min, max) {
  const raw = process.env[name] ?? String(dflt);
  const v = Number(raw);
  if (!Number.isInteger(v) || v < min || v > max) {
    console.error(`loadstack api: ${name} = ${raw}: must be an integer from ${min} to ${max}`);
    process.exit(2);
  }
  return v;
}

const HOST = '127.0.0.1'; // loopback only, by design
const PORT = intEnv('PORT', 0, 1, 65535);
const MYSQL_SOCKET = need('MYSQL_SOCKET');
const REDIS_PORT = intEnv('REDIS_PORT', 0, 1, 65535);
const SERVICE_LOG = need('SERVICE_LOG');
const FEED_LINES = intEnv('FEED_LINES', 20, 1, 200);
const DB_POOL = intEnv('DB_POOL', 10, 1, 100); // app.db_pool_per_task
const REDIS_KEY_TTL_S = intEnv('REDIS_KEY_TTL_S', 300, 1, 86400);
const MAX_LIFETIME_S = intEnv('MAX_LIFETIME_S', 1800, 10, 86400);

const log = fs.createWriteStream(SERVICE_LOG, { flags: 'a' });
const redis = new Redis({ host: HOST, port: REDIS_PORT, lazyConnect: true, maxRetriesPerRequest: 1 });
const db = mysql.createPool({
  socketPath: MYSQL_SOCKET,
  user: 'root',
  database: 'kickoff',
  connectionLimit: DB_POOL,
  waitForConnections: true,
});
let ready = false;

const feedKey = (id) => `feed:${id}`;
const scoreKey = (id) => `score:${id}`;

// Two queries per uncached feed request (`data.db_queries_per_uncached_request` = 2).
async function buildFeed(id) {
  const [matches] = await db.query('SELECT id, home, away, home_goals, away_goals, minute FROM matches WHERE id = ?', [id]);
  if (matches.length === 0) return null;
  const [events] = await db.query(
    'SELECT id, minute, text, published_at_ms FROM events WHERE match_id = ? ORDER BY id DESC LIMIT ?',
    [id, FEED_LINES],
  );
  const m = matches[0];
  return JSON.stringify({
    match: { id: m.id, home: m.home, away: m.away, score: [m.home_goals, m.away_goals], minute: m.minute },
    last_event_id: events.length ? events[0].id : 0,
    events: events.map((e) => ({ id: e.id, minute: e.minute, text: e.text, published_at_ms: Number(e.published_at_ms) })),
  });
}

async function buildScore(id) {
  const [rows] = await db.query(
    'SELECT id, home_goals, away_goals, minute, last_event_id FROM matches WHERE id = ?',
    [id],
  );
  if (rows.length === 0) return null;
  const m = rows[0];
  return JSON.stringify({ id: m.id, score: [m.home_goals, m.away_goals], minute: m.minute, last_event_id: m.last_event_id });
}

// Read a key from Redis, falling back to MariaDB and refilling the key on a miss.
async function cached(key, build, res) {
  const hit = await redis.get(key);
  if (hit !== null) {
    res.locals.redis = 'hit';
    return hit;
  }
  res.locals.redis = 'miss';
  const body = await build();
  if (body !== null) await redis.set(key, body, 'EX', REDIS_KEY_TTL_S);
  return body;
}

function matchId(req, res) {
  const id = Number(req.params.id);
  if (!Number.isInteger(id) || id < 1) {
    res.status(400).json({ error: `match id ${JSON.stringify(req.params.id)}: must be a positive integer` });
    return null;
  }
  res.locals.match = id;
  return id;
}

const app = express();
app.disable('x-powered-by');
app.disable('etag'); // a feed is polled, not revalidated; CloudFront's micro-cache does the saving

app.use((req, res, next) => {
  const t0 = process.hrtime.bigint();
  res.locals.kind = 'other';
  res.locals.redis = '-';
  res.locals.match = '-';
  // 'close' fires for finished and for abandoned responses (nginx gave up: logged as 499).
  res.on('close', () => {
    const us = Number((process.hrtime.bigint() - t0) / 1000n);
    const status = res.writableFinished ? res.statusCode : 499;
    log.write(`${Date.now()} ${res.locals.kind} ${status} ${us} ${res.locals.redis} ${res.locals.match}\n`);
  });
  next();
});

app.get('/healthz', (req, res) => {
  res.locals.kind = 'health';
  res.status(ready ? 200 : 503).json({ status: ready ? 'ok' : 'starting' });
});

app.get('/api/matches/:id/feed', async (req, res, next) => {
  const fan = req.query.fan;
  // `probe`: the load test's publisher checking when an event shows (not fan traffic).
  res.locals.kind = fan === undefined ? 'feed' : req.query.probe === undefined ? 'fan' : 'probe';
  const id = matchId(req, res);
  if (id === null) return;
  try {
    const body = await cached(feedKey(id), () => buildFeed(id), res);
    if (body === null) return res.status(404).json({ error: `no match ${id}` });
    res.type('application/json');
    if (fan === undefined) return res.send(body);
    // Per-fan state (here only the fan's id) makes the response uncacheable, as in production.
    res.set('Cache-Control', 'private, no-store');
    return res.send(`{"fan":${JSON.stringify(String(fan))},"feed":${body}}`);
  } catch (err) {
    return next(err);
  }
});

app.get('/api/matches/:id/score', async (req, res, next) => {
  res.locals.kind = 'score';
  const id = matchId(req, res);
  if (id === null) return;
  try {
    const body = await cached(scoreKey(id), () => buildScore(id), res);
    if (body === null) return res.status(404).json({ error: `no match ${id}` });
    return res.type('application/json').send(body);
  } catch (err) {
    return next(err);
  }
});

// A commentator posts an event: three writes in one transaction, then both cache keys refreshed.
app.post('/api/matches/:id/events', express.json({ limit: '8kb' }), async (req, res, next) => {
  res.locals.kind = 'publish';
  const id = matchId(req, res);
  if (id === null) return;
  const text = req.body?.text;
  const publishedAt = Number(req.body?.published_at_ms ?? Date.now());
  if (typeof text !== 'string' || text.length === 0 || text.length > 500) {
    return res.status(400).json({ error: 'text: must be a string of 1 to 500 characters' });
  }
  if (!Number.isFinite(publishedAt) || publishedAt <= 0) {
    return res.status(400).json({ error: 'published_at_ms: must be a positive number (epoch milliseconds)' });
  }
  const goal = req.body?.goal === 'home' || req.body?.goal === 'away' ? req.body.goal : null;
  let conn;
  try {
    conn = await db.getConnection();
    await conn.beginTransaction();
    const [m] = await conn.query('SELECT minute FROM matches WHERE id = ? FOR UPDATE', [id]);
    if (m.length === 0) {
      await conn.rollback();
      return res.status(404).json({ error: `no match ${id}` });
    }
    const [ins] = await conn.query('INSERT INTO events (match_id, minute, text, published_at_ms) VALUES (?, ?, ?, ?)', [
      id,
      m[0].minute,
      text,
      publishedAt,
    ]);
    await conn.query(
      'UPDATE matches SET last_event_id = ?, home_goals = home_goals + ?, away_goals = away_goals + ? WHERE id = ?',
      [ins.insertId, goal === 'home' ? 1 : 0, goal === 'away' ? 1 : 0, id],
    );
    await conn.query('INSERT INTO audit (match_id, event_id, action) VALUES (?, ?, ?)', [id, ins.insertId, 'publish']);
    await conn.commit();
    conn.release();
    conn = null;
    const [feed, score] = await Promise.all([buildFeed(id), buildScore(id)]);
    await redis.multi().set(feedKey(id), feed, 'EX', REDIS_KEY_TTL_S).set(scoreKey(id), score, 'EX', REDIS_KEY_TTL_S).exec();
    return res.status(201).json({ id: ins.insertId, published_at_ms: publishedAt });
  } catch (err) {
    if (conn) {
      await conn.rollback().catch(() => {});
      conn.release();
    }
    return next(err);
  }
});

app.use((req, res) => res.status(404).json({ error: `no route ${req.method} ${req.path}` }));
// eslint-disable-next-line no-unused-vars
app.use((err, req, res, next) => {
  console.error(`loadstack api: ${req.method} ${req.originalUrl}: ${err.message}`);
  res.status(500).json({ error: 'internal error' });
});

const server = app.listen(PORT, HOST, async () => {
  try {
    await redis.connect();
    await db.query('SELECT 1');
    ready = true;
    console.log(`loadstack api: pid ${process.pid} listening on http://${HOST}:${PORT}`);
  } catch (err) {
    console.error(`loadstack api: dependencies unreachable: ${err.message}`);
    process.exit(1);
  }
});
server.keepAliveTimeout = 65_000; // above nginx's upstream keepalive_timeout (the ALB's idle timeout is 60 s)

let stopping = false;
function stop(signal) {
  if (stopping) return;
  stopping = true;
  console.log(`loadstack api: ${signal}, stopping`);
  setTimeout(() => process.exit(0), 3000).unref();
  server.close(() => {
    log.end(() => {
      redis.disconnect();
      db.end().finally(() => process.exit(0));
    });
  });
  server.closeIdleConnections?.();
}
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
// Bounded in time even if whoever started it dies.
setTimeout(() => stop(`lifetime of ${MAX_LIFETIME_S} s reached`), MAX_LIFETIME_S * 1000).unref();
