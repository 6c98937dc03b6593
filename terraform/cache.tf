# ElastiCache (Valkey or Redis OSS), cluster mode disabled: one primary and
# cache_replicas replicas across the AZs. TLS in transit, KMS at rest, and
# IAM authentication (no AUTH token).

resource "aws_elasticache_subnet_group" "main" {
  name       = local.name
  subnet_ids = aws_subnet.private[*].id
}

resource "aws_elasticache_parameter_group" "main" {
  name   = "${local.name}-${local.cache_engine_settings[var.cache_engine].family}"
  family = local.cache_engine_settings[var.cache_engine].family

  # Live commentary is re-derivable from MySQL; evict old keys rather than
  # failing writes when memory is full (the evictions alarm tells us).
  parameter {
    name  = "maxmemory-policy"
    value = "allkeys-lru"
  }

  lifecycle {
    create_before_destroy = true
  }
}

# Authentication: IAM, not an AUTH token, so no secret exists to sit in
# state, in a plan or in a task definition (docs/adr/0011). The API signs a
# 15-minute token with its task role (elasticache:Connect, iam.tf) and sends
# it as the password of the user below. ElastiCache's IAM authentication
# needs Valkey >= 7.2 or Redis OSS >= 7.0 and encryption in transit, and the
# user's name must equal its ID (ElastiCache user guide, Authenticating with
# IAM, Limitations); tests/plan.tftest.hcl asserts all three. Connections
# authenticated this way are closed after 12 hours: the client re-connects
# with a fresh token.
locals {
  cache_api_user_id = "${local.name}-api"
}

# Every user group must contain a user named "default"; this one is off and
# may run nothing, so a connection that does not authenticate as the API
# user can do nothing.
resource "aws_elasticache_user" "default" {
  user_id       = "${local.name}-default"
  user_name     = "default"
  engine        = var.cache_engine
  access_string = "off ~* -@all"

  authentication_mode {
    type = "no-password-required"
  }
}

resource "aws_elasticache_user" "api" {
  user_id   = local.cache_api_user_id
  user_name = local.cache_api_user_id
  engine    = var.cache_engine
  # Every key, every command except the dangerous ones (FLUSHALL, CONFIG,
  # DEBUG, KEYS, ...).
  access_string = "on ~* +@all -@dangerous"

  authentication_mode {
    type = "iam"
  }
}

resource "aws_elasticache_user_group" "main" {
  user_group_id = local.name
  engine        = var.cache_engine
  # diag: the read-only break-glass user (break_glass.tf).
  user_ids = [aws_elasticache_user.default.user_id, aws_elasticache_user.api.user_id, aws_elasticache_user.diag.user_id]
}

resource "aws_cloudwatch_log_group" "cache" {
  #checkov:skip=CKV_AWS_338:Retention is the planner-owned log_retention_days; the slow log is for live debugging only.
  name              = "/aws/elasticache/${local.name}/slow-log"
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.main.arn
}

resource "aws_elasticache_replication_group" "main" {
  replication_group_id = local.name
  description          = "${local.name} live commentary cache"
  engine               = var.cache_engine
  engine_version       = local.cache_engine_settings[var.cache_engine].version
  node_type            = var.cache_node_type
  port                 = 6379
  parameter_group_name = aws_elasticache_parameter_group.main.name

  num_cache_clusters         = local.cache_num_nodes
  automatic_failover_enabled = local.cache_ha
  multi_az_enabled           = local.cache_ha
  preferred_cache_cluster_azs = [
    for i in range(local.cache_num_nodes) : local.azs[i % var.az_count]
  ]

  subnet_group_name  = aws_elasticache_subnet_group.main.name
  security_group_ids = [aws_security_group.cache.id]

  at_rest_encryption_enabled = true
  kms_key_id                 = aws_kms_key.main.arn
  transit_encryption_enabled = true
  user_group_ids             = [aws_elasticache_user_group.main.user_group_id]

  snapshot_retention_limit   = 1
  snapshot_window            = "02:00-03:00"
  maintenance_window         = "tue:05:00-tue:06:00"
  auto_minor_version_upgrade = true
  apply_immediately          = false

  log_delivery_configuration {
    destination      = aws_cloudwatch_log_group.cache.name
    destination_type = "cloudwatch-logs"
    log_format       = "json"
    log_type         = "slow-log"
  }
}
