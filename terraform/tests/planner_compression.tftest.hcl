# The planner's files reach phones brotli-compressed (issue 14, item 9;
# docs/performance.md, "Throttled first render"): the /planner/* behaviour
# compresses (`compress = true`) under the managed CachingOptimized cache
# policy, which has Gzip and Brotli enabled in its cache key settings
# (Amazon CloudFront Developer Guide, "Use managed cache policies",
# CachingOptimized, ID 658327ea-f89d-4fab-a63d-7e88639e58f6; read
# 2026-12-04). A custom policy there would have to enable
# enable_accept_encoding_brotli/gzip itself; this test then fails and names
# what to check. Against the offline stand-in, like plan.tftest.hcl.
# Inputs: prod-like.auto.tfvars in this directory.

run "planner_is_served_compressed" {
  command = plan

  assert {
    condition = one([
      for b in aws_cloudfront_distribution.main.ordered_cache_behavior : b.compress
      if b.path_pattern == "/planner/*"
    ]) == true
    error_message = "The /planner/* behaviour must set compress = true, or phones download the wasm uncompressed."
  }

  assert {
    condition = one([
      for b in aws_cloudfront_distribution.main.ordered_cache_behavior : b.cache_policy_id
      if b.path_pattern == "/planner/*"
    ]) == data.aws_cloudfront_cache_policy.caching_optimized.id
    error_message = "The /planner/* behaviour must use the managed CachingOptimized policy (Gzip and Brotli enabled); a custom policy needs enable_accept_encoding_brotli and _gzip set, and this test updated."
  }

  assert {
    condition     = data.aws_cloudfront_cache_policy.caching_optimized.name == "Managed-CachingOptimized"
    error_message = "caching_optimized must be the managed CachingOptimized policy, which enables Gzip and Brotli."
  }
}
