# CloudFront: one distribution in front of everything fans and the team load.
#
#   /api/*     -> internal ALB through a CloudFront VPC origin
#                 (origin.<app_domain>, HTTPS only), micro-cached for
#                 cdn_live_ttl_seconds so a kickoff spike collapses into
#                 ~1 origin request per TTL per edge (fewer with Origin Shield)
#   /assets/*  -> assets bucket (OAC), long TTL
#   /planner/* -> site bucket (OAC); CloudFront Functions: SPA rewrite
#                 (planner-rewrite.js) and Cache-Control by response
#                 (planner-cache-control.js: no-cache HTML, a year immutable
#                 for hashed build files, nothing cached long on errors)
#   default    -> site bucket (OAC); site-router.js redirects / and /planner
#                 to /planner/
#
# The functions are tested in node against these cases (.ci/cloudfront-
# functions.test.mjs, `make test`). Uploads set Cache-Control too
# (.ci/deploy.sh publish-planner).

data "aws_cloudfront_cache_policy" "caching_optimized" {
  name = "Managed-CachingOptimized"
}

resource "aws_cloudfront_origin_access_control" "s3" {
  name                              = "${local.name}-s3"
  description                       = "OAC for ${local.name} S3 origins"
  origin_access_control_origin_type = "s3"
  signing_behavior                  = "always"
  signing_protocol                  = "sigv4"
}

locals {
  live_cache_enabled = var.cdn_live_ttl_seconds > 0
}

resource "aws_cloudfront_cache_policy" "api_live" {
  name    = "${local.name}-api-live"
  comment = "Live commentary micro-cache (${var.cdn_live_ttl_seconds}s)"

  # The origin may shorten (Cache-Control: max-age=0 / no-store) but never
  # lengthen the micro-cache.
  min_ttl     = 0
  default_ttl = var.cdn_live_ttl_seconds
  max_ttl     = var.cdn_live_ttl_seconds

  parameters_in_cache_key_and_forwarded_to_origin {
    # CloudFront rejects compression flags and cache-key settings on a policy
    # whose max TTL is 0 (caching disabled).
    enable_accept_encoding_gzip   = local.live_cache_enabled
    enable_accept_encoding_brotli = local.live_cache_enabled

    cookies_config {
      cookie_behavior = "none"
    }

    headers_config {
      header_behavior = "none"
    }

    query_strings_config {
      query_string_behavior = local.live_cache_enabled ? "all" : "none"
    }
  }
}

resource "aws_cloudfront_origin_request_policy" "api" {
  name    = "${local.name}-api"
  comment = "Forward query strings and CloudFront viewer headers to the API; no cookies"

  cookies_config {
    cookie_behavior = "none"
  }

  headers_config {
    header_behavior = "whitelist"

    headers {
      items = ["CloudFront-Viewer-Country", "CloudFront-Is-Mobile-Viewer"]
    }
  }

  query_strings_config {
    query_string_behavior = "all"
  }
}

resource "aws_cloudfront_response_headers_policy" "security" {
  #checkov:skip=CKV_AWS_259:HSTS is sent for 2 years with includeSubDomains; only the preload directive is left out, because preload-list inclusion is a one-way commitment for the whole registrable domain that the domain owner must make (hstspreload.org), not this stack.
  name    = "${local.name}-security-headers"
  comment = "Security headers; CSP allows WebAssembly compilation for the planner"

  security_headers_config {
    content_security_policy {
      override = true
      content_security_policy = join("; ", [
        "default-src 'self'",
        "script-src 'self' 'wasm-unsafe-eval'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "upgrade-insecure-requests",
      ])
    }

    content_type_options {
      override = true
    }

    frame_options {
      frame_option = "DENY"
      override     = true
    }

    referrer_policy {
      referrer_policy = "strict-origin-when-cross-origin"
      override        = true
    }

    strict_transport_security {
      access_control_max_age_sec = 63072000
      include_subdomains         = true
      preload                    = false
      override                   = true
    }

    xss_protection {
      protection = true
      mode_block = true
      override   = true
    }
  }
}

resource "aws_cloudfront_function" "site_router" {
  name    = "${local.name}-site-router"
  runtime = "cloudfront-js-2.0"
  comment = "Redirect / and /planner to /planner/"
  publish = true
  code    = file("${path.module}/functions/site-router.js")
}

resource "aws_cloudfront_function" "planner_rewrite" {
  name    = "${local.name}-planner-rewrite"
  runtime = "cloudfront-js-2.0"
  comment = "SPA rewrite for /planner/*"
  publish = true
  code    = file("${path.module}/functions/planner-rewrite.js")
}

resource "aws_cloudfront_function" "planner_cache_control" {
  name    = "${local.name}-planner-cache-control"
  runtime = "cloudfront-js-2.0"
  comment = "no-cache HTML, immutable hashed build files, short-lived errors for /planner/*"
  publish = true
  code    = file("${path.module}/functions/planner-cache-control.js")
}

resource "aws_cloudfront_distribution" "main" {
  #checkov:skip=CKV_AWS_68:No WAF yet: the feed is public read-only content, Shield Standard covers L3/L4, and the micro-cache absorbs request floods; a WAF web ACL with a rate-based rule (~$10/month + $0.60/M requests) is a tracked follow-up once traffic warrants it.
  #checkov:skip=CKV2_AWS_47:Follows from CKV_AWS_68 (no WAF web ACL to attach the Log4j managed rule group to); the API is not Java.
  #checkov:skip=CKV_AWS_310:Origin failover needs a second origin for each path; the ALB spans AZs and S3 is regional-redundant, so a failover group adds no resilience within one region.
  #checkov:skip=CKV_AWS_374:Fans follow matches from anywhere; geo restriction would block legitimate viewers.
  enabled             = true
  is_ipv6_enabled     = true
  http_version        = "http2and3"
  comment             = "${local.name} live commentary"
  price_class         = var.cdn_price_class
  aliases             = [local.app_domain]
  default_root_object = "index.html"

  # The ALB through the VPC origin: the name CloudFront sends (Host, SNI)
  # and checks the certificate against is origin.<app_domain>.
  origin {
    origin_id   = "alb"
    domain_name = local.origin_domain

    vpc_origin_config {
      vpc_origin_id            = aws_cloudfront_vpc_origin.alb.id
      origin_read_timeout      = 30
      origin_keepalive_timeout = 60
    }

    dynamic "origin_shield" {
      for_each = var.cdn_origin_shield_enabled ? [1] : []

      content {
        enabled              = true
        origin_shield_region = "us-east-1"
      }
    }
  }

  origin {
    origin_id                = "assets"
    domain_name              = aws_s3_bucket.this["assets"].bucket_regional_domain_name
    origin_access_control_id = aws_cloudfront_origin_access_control.s3.id
  }

  origin {
    origin_id                = "site"
    domain_name              = aws_s3_bucket.this["site"].bucket_regional_domain_name
    origin_access_control_id = aws_cloudfront_origin_access_control.s3.id
  }

  default_cache_behavior {
    target_origin_id           = "site"
    viewer_protocol_policy     = "redirect-to-https"
    allowed_methods            = ["GET", "HEAD"]
    cached_methods             = ["GET", "HEAD"]
    compress                   = true
    cache_policy_id            = data.aws_cloudfront_cache_policy.caching_optimized.id
    response_headers_policy_id = aws_cloudfront_response_headers_policy.security.id

    # /planner (no slash) never matches /planner/*, and the site bucket has
    # no object at /: both would be S3 errors without this.
    function_association {
      event_type   = "viewer-request"
      function_arn = aws_cloudfront_function.site_router.arn
    }
  }

  ordered_cache_behavior {
    path_pattern               = "/api/*"
    target_origin_id           = "alb"
    viewer_protocol_policy     = "https-only"
    allowed_methods            = ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"]
    cached_methods             = ["GET", "HEAD"]
    compress                   = true
    cache_policy_id            = aws_cloudfront_cache_policy.api_live.id
    origin_request_policy_id   = aws_cloudfront_origin_request_policy.api.id
    response_headers_policy_id = aws_cloudfront_response_headers_policy.security.id
  }

  ordered_cache_behavior {
    path_pattern               = "/assets/*"
    target_origin_id           = "assets"
    viewer_protocol_policy     = "redirect-to-https"
    allowed_methods            = ["GET", "HEAD"]
    cached_methods             = ["GET", "HEAD"]
    compress                   = true
    cache_policy_id            = data.aws_cloudfront_cache_policy.caching_optimized.id
    response_headers_policy_id = aws_cloudfront_response_headers_policy.security.id
  }

  ordered_cache_behavior {
    path_pattern               = "/planner/*"
    target_origin_id           = "site"
    viewer_protocol_policy     = "redirect-to-https"
    allowed_methods            = ["GET", "HEAD"]
    cached_methods             = ["GET", "HEAD"]
    compress                   = true
    cache_policy_id            = data.aws_cloudfront_cache_policy.caching_optimized.id
    response_headers_policy_id = aws_cloudfront_response_headers_policy.security.id

    function_association {
      event_type   = "viewer-request"
      function_arn = aws_cloudfront_function.planner_rewrite.arn
    }

    function_association {
      event_type   = "viewer-response"
      function_arn = aws_cloudfront_function.planner_cache_control.arn
    }
  }

  # A missing planner file is a 404 (the OAC may list the site bucket,
  # storage.tf), cached for 10 s, not a year.
  custom_error_response {
    error_code            = 404
    error_caching_min_ttl = 10
  }

  logging_config {
    bucket          = aws_s3_bucket.logs.bucket_domain_name
    prefix          = "cloudfront/"
    include_cookies = false
  }

  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }

  viewer_certificate {
    acm_certificate_arn      = aws_acm_certificate_validation.main.certificate_arn
    ssl_support_method       = "sni-only"
    minimum_protocol_version = "TLSv1.2_2021"
  }

  depends_on = [aws_s3_bucket_ownership_controls.logs]
}

# The internal ALB as a CloudFront origin, reached from CloudFront's ENIs in
# the private subnets (VPC origins need the VPC's internet gateway, which
# network.tf has). Changing it while the distribution uses it fails
# (terraform-provider-aws issue 40905): replace both in two steps.
resource "aws_cloudfront_vpc_origin" "alb" {
  vpc_origin_endpoint_config {
    name                   = "${local.name}-alb"
    arn                    = aws_lb.api.arn
    http_port              = 80
    https_port             = 443
    origin_protocol_policy = "https-only"

    origin_ssl_protocols {
      items    = ["TLSv1.2"]
      quantity = 1
    }
  }
}
