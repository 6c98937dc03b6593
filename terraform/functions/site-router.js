// CloudFront Function (cloudfront-js-2.0), viewer-request on the default
// behaviour (the site bucket). The planner lives under /planner/:
//   /planner  never matches the /planner/* behaviour, and S3 has no object
//             for it: a permanent redirect to the canonical /planner/;
//   /         the site has no page of its own (yet): a temporary redirect,
//             so a future home page can take its place.
// Everything else goes to S3 as asked. Share links keep their #fragment:
// browsers carry it across a redirect. Tested by
// .ci/cloudfront-functions.test.mjs.
function handler(event) {
  var uri = event.request.uri;
  if (uri === "/planner") {
    return redirect(301, "Moved Permanently");
  }
  if (uri === "/") {
    return redirect(302, "Found");
  }
  return event.request;
}

function redirect(status, description) {
  return {
    statusCode: status,
    statusDescription: description,
    headers: { location: { value: "/planner/" } },
  };
}
