// Runs the CloudFront Functions in terraform/functions/ in node against the
// cases they exist for (issue 13, item 13), including trunk's real file names
// from dist/ when it has been built. `make test` runs it (make cf-functions).
//
//   node .ci/cloudfront-functions.test.mjs
//
// CloudFront Functions (cloudfront-js-2.0) are plain JavaScript with a global
// `handler(event)`; each file is evaluated in its own context, as CloudFront
// does. Exits 1 naming every failed case.
import { readFileSync, readdirSync, existsSync } from "node:fs";
import { runInNewContext } from "node:vm";
import assert from "node:assert/strict";

const load = (name) => {
  const code = readFileSync(new URL(`../terraform/functions/${name}`, import.meta.url), "utf8");
  return runInNewContext(`${code}\n;handler`, {});
};
const siteRouter = load("site-router.js");
const rewrite = load("planner-rewrite.js");
const cacheControl = load("planner-cache-control.js");

const request = (uri) => ({ request: { uri, method: "GET", querystring: {}, headers: {} } });
const response = (uri, statusCode, contentType) => ({
  request: { uri, method: "GET", querystring: {}, headers: {} },
  response: {
    statusCode,
    headers: contentType ? { "content-type": { value: contentType } } : {},
  },
});
const cacheOf = (uri, status, type) => {
  const r = cacheControl(response(uri, status, type));
  return r.headers["cache-control"] ? r.headers["cache-control"].value : undefined;
};

const IMMUTABLE = "public, max-age=31536000, immutable";
let failures = 0;
let passed = 0;
const check = (name, fn) => {
  try {
    fn();
    passed++;
  } catch (e) {
    failures++;
    console.error(`FAIL ${name}: ${e.message}`);
  }
};

// site-router.js (viewer request, default behaviour)
check("/planner redirects permanently to /planner/", () => {
  const r = siteRouter(request("/planner"));
  assert.equal(r.statusCode, 301);
  assert.equal(r.headers.location.value, "/planner/");
});
check("/ redirects (temporarily) to /planner/", () => {
  const r = siteRouter(request("/"));
  assert.equal(r.statusCode, 302);
  assert.equal(r.headers.location.value, "/planner/");
});
check("other paths go to S3 unchanged", () => {
  assert.equal(siteRouter(request("/robots.txt")).uri, "/robots.txt");
  assert.equal(siteRouter(request("/plannerx")).uri, "/plannerx");
});

// planner-rewrite.js (viewer request, /planner/*)
check("/planner/ and deep links are served index.html", () => {
  for (const uri of ["/planner/", "/planner/compare", "/planner/a/b"]) {
    assert.equal(rewrite(request(uri)).uri, "/planner/index.html", uri);
  }
});
check("files keep their URI", () => {
  for (const uri of ["/planner/kickoff-3d535a8648490e1_bg.wasm", "/planner/style-9137f0d05d3ed316.css", "/planner/index.html"]) {
    assert.equal(rewrite(request(uri)).uri, uri, uri);
  }
});

// planner-cache-control.js (viewer response, /planner/*)
check("HTML is revalidated, whatever URL asked for it", () => {
  assert.equal(cacheOf("/planner/", 200, "text/html; charset=utf-8"), "no-cache");
  assert.equal(cacheOf("/planner/compare", 200, "text/html; charset=utf-8"), "no-cache");
  assert.equal(cacheOf("/planner/index.html", 200, "text/html"), "no-cache");
  assert.equal(cacheOf("/planner/", 304, undefined), "no-cache", "a 304 carries no content type");
});
check("hashed build files are immutable for a year", () => {
  for (const f of ["kickoff-3d535a8648490e1.js", "kickoff-3d535a8648490e1_bg.wasm", "style-9137f0d05d3ed316.css", "boot-7d68615fb2c22e25.js", "icon-77716489bf60bc79.svg"]) {
    assert.equal(cacheOf(`/planner/${f}`, 200, "application/octet-stream"), IMMUTABLE, f);
  }
});
check("errors are never cached (a 404 or 403 on a hashed name included)", () => {
  assert.equal(cacheOf("/planner/kickoff-3d535a8648490e1_bg.wasm", 404, "application/xml"), "no-store");
  assert.equal(cacheOf("/planner/kickoff-3d535a8648490e1.js", 403, "application/xml"), "no-store");
  assert.equal(cacheOf("/planner/", 503, "text/html"), "no-store");
});
check("an unhashed file keeps its uploaded Cache-Control", () => {
  assert.equal(cacheOf("/planner/favicon.ico", 200, "image/x-icon"), undefined);
});

// The real bundle: every file trunk wrote to dist/ except index.html is
// hashed, so none of them would be served without the year-long cache.
if (existsSync(new URL("../dist/index.html", import.meta.url))) {
  check("every dist/ file but index.html is recognised as hashed", () => {
    for (const f of readdirSync(new URL("../dist/", import.meta.url))) {
      if (f === "index.html") continue;
      assert.equal(cacheOf(`/planner/${f}`, 200, "application/octet-stream"), IMMUTABLE, f);
    }
  });
}

console.log(`cloudfront functions: ${passed} passed, ${failures} failed`);
process.exit(failures ? 1 : 0);
