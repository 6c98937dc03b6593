# S3 buckets.
#
# Decision (docs/adr/0008-one-bucket-per-access-pattern.md): five separate
# buckets rather than one bucket with prefixes, because each has a different
# access pattern, encryption, lifecycle and blast radius, and S3
# policies/lifecycle rules are simplest and least error-prone per bucket:
#
#   assets  - game assets (crests, player photos) under assets/, served at
#             /assets/* via CloudFront OAC; STANDARD_IA after
#             assets_ia_after_days.
#   site    - static web content: the planner (wasm) under planner/ served
#             at /planner/*, and the default behaviour. Content types
#             are set at upload (e.g. `aws s3 sync --content-type
#             application/wasm` for *.wasm), CloudFront does not rewrite them.
#   backups - logical MySQL dumps from the scheduled backup task (mysql/);
#             GLACIER_IR after backup_glacier_after_days, expiry after
#             backup_s3_retention_days.
#   archive - commentary moved out of MySQL after commentary_hot_retention_days
#             (commentary/); IA / Glacier IR / Deep Archive per planner variables.
#   logs    - ALB, CloudFront and S3 server access logs. SSE-S3 because ALB
#             access logs do not support SSE-KMS; ACLs enabled
#             (BucketOwnerPreferred) because CloudFront standard logging
#             writes with an ACL grant to the awslogsdelivery account.
#
# assets, site, backups and archive use SSE-KMS with the environment key and
# S3 Bucket Keys (CloudFront decrypts assets/site through OAC, allowed in the
# key policy). Every bucket: Block Public Access, versioning, TLS-only policy,
# noncurrent-version expiry, abort of incomplete multipart uploads, and
# EventBridge notifications (for future automation/audit).

locals {
  # Content buckets, all SSE-KMS with the environment key (S3 Bucket Keys keep
  # KMS request costs negligible; CloudFront decrypts through OAC). The logs
  # bucket is a separate resource below because its settings differ.
  buckets = toset(["assets", "site", "backups", "archive"])

  # Lifecycle per bucket. A 0 from the planner means "never": the transition
  # (or expiry) is left out instead of being set to 0 days.
  bucket_transitions = {
    assets  = [{ days = var.assets_ia_after_days, storage_class = "STANDARD_IA" }]
    site    = []
    backups = [{ days = var.backup_glacier_after_days, storage_class = "GLACIER_IR" }]
    archive = [
      { days = var.archive_ia_after_days, storage_class = "STANDARD_IA" },
      { days = var.archive_glacier_ir_after_days, storage_class = "GLACIER_IR" },
      { days = var.archive_deep_archive_after_days, storage_class = "DEEP_ARCHIVE" },
    ]
  }
  bucket_expiration_days = {
    assets  = 0
    site    = 0
    backups = var.backup_s3_retention_days
    archive = 0
  }

  # Buckets that CloudFront reads through Origin Access Control.
  oac_buckets = toset(["assets", "site"])

  # Content buckets nobody reads through CloudFront: their bucket policy is
  # the TLS-only statement alone (backups, archive). The logs bucket is not in
  # local.buckets; its policy (aws_s3_bucket_policy.logs) adds log delivery.
  private_buckets = setsubtract(local.buckets, local.oac_buckets)
}

resource "aws_s3_bucket" "this" {
  #checkov:skip=CKV_AWS_144:Cross-region replication is not required: assets/site are rebuilt from git/CI, backups duplicate RDS automated backups, and the archive is re-creatable from backups; replication would double storage cost.
  for_each = local.buckets

  bucket = "${local.name}-${each.key}-${local.account_id}"

  # Backups and the archive must never be emptied by a destroy.
  force_destroy = false
}

resource "aws_s3_bucket_public_access_block" "this" {
  for_each = local.buckets

  bucket                  = aws_s3_bucket.this[each.key].id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "this" {
  for_each = local.buckets

  bucket = aws_s3_bucket.this[each.key].id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_versioning" "this" {
  for_each = local.buckets

  bucket = aws_s3_bucket.this[each.key].id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  for_each = local.buckets

  bucket = aws_s3_bucket.this[each.key].id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.main.arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_logging" "this" {
  for_each = local.buckets

  bucket        = aws_s3_bucket.this[each.key].id
  target_bucket = aws_s3_bucket.logs.id
  target_prefix = "s3/${each.key}/"
}

resource "aws_s3_bucket_notification" "this" {
  for_each = local.buckets

  bucket      = aws_s3_bucket.this[each.key].id
  eventbridge = true
}

resource "aws_s3_bucket_lifecycle_configuration" "this" {
  for_each = local.buckets

  bucket = aws_s3_bucket.this[each.key].id

  rule {
    id     = "${each.key}-lifecycle"
    status = "Enabled"

    filter {}

    dynamic "transition" {
      for_each = [for t in local.bucket_transitions[each.key] : t if t.days > 0]

      content {
        days          = transition.value.days
        storage_class = transition.value.storage_class
      }
    }

    dynamic "expiration" {
      for_each = local.bucket_expiration_days[each.key] > 0 ? [local.bucket_expiration_days[each.key]] : []

      content {
        days = expiration.value
      }
    }

    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_expiry_days
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  # S3's transition rules (minimum days per class, gaps between classes,
  # expiry after transition) are validations on the day variables
  # (variables.tf), so a bad combination fails at plan, naming the variable.

  depends_on = [aws_s3_bucket_versioning.this]
}

# ---------------------------------------------------------------------------
# Logs bucket: ALB, CloudFront and S3 server access logs.
# ---------------------------------------------------------------------------

resource "aws_s3_bucket" "logs" {
  #checkov:skip=CKV_AWS_144:Access logs are operational data with a short retention; replicating them to a second region adds cost without a recovery need.
  #checkov:skip=CKV_AWS_145:ALB access logs can only be delivered to buckets encrypted with SSE-S3 (AES256), not SSE-KMS.
  #checkov:skip=CKV_AWS_18:This is the access-log destination; logging it into itself would loop. All other buckets log here.
  bucket        = "${local.name}-logs-${local.account_id}"
  force_destroy = false
}

resource "aws_s3_bucket_public_access_block" "logs" {
  bucket                  = aws_s3_bucket.logs.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "logs" {
  #checkov:skip=CKV2_AWS_65:CloudFront standard logging delivers with an ACL grant to the awslogsdelivery account, which needs ACLs enabled (BucketOwnerPreferred); objects still end up owned by this account.
  bucket = aws_s3_bucket.logs.id

  rule {
    object_ownership = "BucketOwnerPreferred"
  }
}

resource "aws_s3_bucket_versioning" "logs" {
  bucket = aws_s3_bucket.logs.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "logs" {
  bucket = aws_s3_bucket.logs.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_notification" "logs" {
  bucket      = aws_s3_bucket.logs.id
  eventbridge = true
}

resource "aws_s3_bucket_lifecycle_configuration" "logs" {
  bucket = aws_s3_bucket.logs.id

  rule {
    id     = "logs-expiry"
    status = "Enabled"

    filter {}

    expiration {
      days = var.access_log_retention_days
    }

    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_expiry_days
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  depends_on = [aws_s3_bucket_versioning.logs]
}

# ---------------------------------------------------------------------------
# Bucket policies: TLS only everywhere; CloudFront OAC (this distribution
# only) for assets/site; log delivery for the logs bucket.
# ---------------------------------------------------------------------------

data "aws_iam_policy_document" "bucket_tls_only" {
  for_each = merge(aws_s3_bucket.this, { logs = aws_s3_bucket.logs })

  statement {
    sid     = "DenyInsecureTransport"
    effect  = "Deny"
    actions = ["s3:*"]
    resources = [
      each.value.arn,
      "${each.value.arn}/*",
    ]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

data "aws_iam_policy_document" "bucket_oac" {
  for_each = local.oac_buckets

  source_policy_documents = [data.aws_iam_policy_document.bucket_tls_only[each.key].json]

  statement {
    sid       = "CloudFrontOacRead"
    effect    = "Allow"
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.this[each.key].arn}/*"]

    principals {
      type        = "Service"
      identifiers = ["cloudfront.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "AWS:SourceArn"
      values   = [aws_cloudfront_distribution.main.arn]
    }
  }

  # With ListBucket, S3 answers a missing key with 404 instead of 403, so a
  # wrong planner URL is a cacheable-for-10-s 404 (cdn.tf), not an
  # AccessDenied (S3 user guide, GetObject permissions).
  statement {
    sid       = "CloudFrontOacList"
    effect    = "Allow"
    actions   = ["s3:ListBucket"]
    resources = [aws_s3_bucket.this[each.key].arn]

    principals {
      type        = "Service"
      identifiers = ["cloudfront.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "AWS:SourceArn"
      values   = [aws_cloudfront_distribution.main.arn]
    }
  }
}

resource "aws_s3_bucket_policy" "oac" {
  for_each = local.oac_buckets

  bucket = aws_s3_bucket.this[each.key].id
  policy = data.aws_iam_policy_document.bucket_oac[each.key].json

  depends_on = [aws_s3_bucket_public_access_block.this]
}

resource "aws_s3_bucket_policy" "private" {
  for_each = local.private_buckets

  bucket = aws_s3_bucket.this[each.key].id
  policy = data.aws_iam_policy_document.bucket_tls_only[each.key].json

  depends_on = [aws_s3_bucket_public_access_block.this]
}

data "aws_elb_service_account" "main" {}

data "aws_iam_policy_document" "logs" {
  source_policy_documents = [data.aws_iam_policy_document.bucket_tls_only["logs"].json]

  statement {
    sid       = "AlbAccessLogs"
    effect    = "Allow"
    actions   = ["s3:PutObject"]
    resources = ["${aws_s3_bucket.logs.arn}/alb/AWSLogs/${local.account_id}/*"]

    principals {
      type        = "AWS"
      identifiers = [data.aws_elb_service_account.main.arn]
    }
  }

  statement {
    sid       = "S3ServerAccessLogs"
    effect    = "Allow"
    actions   = ["s3:PutObject"]
    resources = ["${aws_s3_bucket.logs.arn}/s3/*"]

    principals {
      type        = "Service"
      identifiers = ["logging.s3.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_s3_bucket_policy" "logs" {
  bucket = aws_s3_bucket.logs.id
  policy = data.aws_iam_policy_document.logs.json

  depends_on = [aws_s3_bucket_public_access_block.logs]
}
