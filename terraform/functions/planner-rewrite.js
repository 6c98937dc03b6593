// CloudFront Function (cloudfront-js-2.0), viewer-request on /planner/*.
// The planner is a single-page wasm app: any path without a file extension
// is served index.html so deep links work.
function handler(event) {
  var request = event.request;
  var uri = request.uri;
  if (uri === "/planner" || uri.endsWith("/")) {
    request.uri = "/planner/index.html";
  } else if (uri.split("/").pop().indexOf(".") === -1) {
    request.uri = "/planner/index.html";
  }
  return request;
}
