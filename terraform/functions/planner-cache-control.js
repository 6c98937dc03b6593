// CloudFront Function (cloudfront-js-2.0), viewer-response on /planner/*.
// Build output with a content hash in the name (app-3f9a1c2b7d.wasm,
// index-5e1d0a9c.js) never changes, so browsers may keep it for a year;
// index.html must be revalidated on every load so a deploy takes effect.
// Content-Type is set per file at upload (aws s3 cp --content-type), not here.
function handler(event) {
  var response = event.response;
  var uri = event.request.uri;
  var hashed = /[.-][0-9a-f]{8,}\.(js|wasm|css|mjs|map|woff2|png|svg|jpg|webp)$/.test(uri);
  if (uri.endsWith("/index.html") || uri.endsWith(".html")) {
    response.headers["cache-control"] = { value: "no-cache" };
  } else if (hashed) {
    response.headers["cache-control"] = { value: "public, max-age=31536000, immutable" };
  }
  return response;
}
