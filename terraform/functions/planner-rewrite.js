// CloudFront Function (cloudfront-js-2.0), viewer-request on /planner/*.
// The planner is a single-page wasm app: /planner/ and any path whose last
// segment has no file extension (a deep link such as /planner/compare) get
// index.html, so reloading a deep link works. /planner without the slash
// never reaches this behaviour (site-router.js redirects it). Tested by
// .ci/cloudfront-functions.test.mjs.
function handler(event) {
  var request = event.request;
  var uri = request.uri;
  if (uri.endsWith("/") || uri.split("/").pop().indexOf(".") === -1) {
    request.uri = "/planner/index.html";
  }
  return request;
}
