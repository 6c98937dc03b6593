// CloudFront Function (cloudfront-js-2.0), viewer-response on /planner/*.
// Cache-Control by what the response is, not only by its URL (a viewer
// response sees the URL the viewer asked for, /planner/ or a deep link, not
// the index.html it was rewritten to):
//   an error (4xx/5xx)       no-store: a missing file must not stay missing
//                            in browsers for a year;
//   HTML (index.html, /planner/, deep links)
//                            no-cache: revalidated on every load, so a deploy
//                            takes effect;
//   a build file with trunk's content hash in its name (kickoff-<hash>.js,
//   kickoff-<hash>_bg.wasm, style-<hash>.css, boot-<hash>.js, ...; the hash
//   is a 64-bit value in hex without leading zeros, so up to 16 digits)
//                            a year, immutable: its content never changes.
// Anything else keeps the Cache-Control it was uploaded with. Content-Type
// is set per file at upload (.ci/deploy.sh publish-planner), not here.
// Tested by .ci/cloudfront-functions.test.mjs.
var HASHED = /-[0-9a-f]{8,16}(_bg)?\.(js|mjs|wasm|css|svg|png|woff2)$/;

function handler(event) {
  var response = event.response;
  var headers = response.headers;
  var uri = event.request.uri;
  var status = response.statusCode;
  var type = headers["content-type"] ? headers["content-type"].value : "";
  var last = uri.split("/").pop();
  var html = type.indexOf("text/html") === 0 || last === "" || last.indexOf(".") === -1 || /\.html$/.test(last);
  if (status >= 400) {
    headers["cache-control"] = { value: "no-store" };
  } else if (html) {
    headers["cache-control"] = { value: "no-cache" };
  } else if (HASHED.test(uri)) {
    headers["cache-control"] = { value: "public, max-age=31536000, immutable" };
  }
  return response;
}
