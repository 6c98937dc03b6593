// Freshness canary (CloudWatch Synthetics, Node.js runtime): publish a heartbeat line
// through the public API, the way a commentator does, and time how long until the public
// feed, read through CloudFront like a fan reads it, shows the line.
//
// Contract with the API (docs/runbooks/freshness.md):
//   POST BASE_URL + PUBLISH_PATH, Authorization: Bearer <token>,
//        body {"kind":"canary","text":"<nonce>"}                 -> any 2xx
//   GET  BASE_URL + FEED_PATH (no cache-busting: the micro-cache is part of what is timed)
//        -> 200 whose body contains <nonce> once the line is servable
//
// Every run writes one PublishToVisibleSeconds value (CloudWatch embedded metric format,
// namespace Kickoff/Freshness, dimension Canary): the measured seconds, or TIMEOUT_SECONDS
// when the publish fails or the line never shows; then the run fails.
//
// Build: `make canary-zip` packs this file as nodejs/node_modules/freshness.js.

const POLL_MS = 200;

async function measure({ baseUrl, publishPath, feedPath, token, timeoutSeconds }) {
  const nonce = `canary-${Date.now()}-${Math.random().toString(36).slice(2, 10)}`;
  const started = Date.now();
  const published = await fetch(baseUrl + publishPath, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ kind: 'canary', text: nonce }),
    signal: AbortSignal.timeout(timeoutSeconds * 1000),
  });
  if (!published.ok) throw new Error(`publish: HTTP ${published.status}`);
  let last = '';
  while (Date.now() - started < timeoutSeconds * 1000) {
    const feed = await fetch(baseUrl + feedPath, { signal: AbortSignal.timeout(timeoutSeconds * 1000) });
    const body = await feed.text();
    if (feed.ok && body.includes(nonce)) return (Date.now() - started) / 1000;
    last = `HTTP ${feed.status}`;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  throw new Error(`line not visible after ${timeoutSeconds} s (last feed response: ${last})`);
}

function emit(canary, seconds) {
  console.log(
    JSON.stringify({
      _aws: {
        Timestamp: Date.now(),
        CloudWatchMetrics: [
          { Namespace: 'Kickoff/Freshness', Dimensions: [['Canary']], Metrics: [{ Name: 'PublishToVisibleSeconds', Unit: 'Seconds' }] },
        ],
      },
      Canary: canary,
      PublishToVisibleSeconds: seconds,
    }),
  );
}

function setting(name) {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

async function readToken(secretId) {
  // The AWS SDK for JavaScript v3 ships with the Lambda Node.js runtimes the canary runs on.
  const { SecretsManagerClient, GetSecretValueCommand } = require('@aws-sdk/client-secrets-manager');
  const out = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: secretId }));
  return out.SecretString.trim();
}

exports.measure = measure;
exports.emit = emit;

exports.handler = async () => {
  const canary = setting('CANARY');
  const timeoutSeconds = Number(setting('TIMEOUT_SECONDS'));
  try {
    const seconds = await measure({
      baseUrl: setting('BASE_URL'),
      publishPath: setting('PUBLISH_PATH'),
      feedPath: setting('FEED_PATH'),
      token: await readToken(setting('TOKEN_SECRET_ID')),
      timeoutSeconds,
    });
    emit(canary, seconds);
    return `visible after ${seconds} s`;
  } catch (err) {
    emit(canary, timeoutSeconds);
    throw err;
  }
};
