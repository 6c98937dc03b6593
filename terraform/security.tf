# Encryption key and security groups.
#
# Security groups are chained, with no 0.0.0.0/0 ingress anywhere:
#   CloudFront VPC origin (its service security group) -> alb -> api -> db / cache
#   api -> db_proxy -> db (only with db_proxy_enabled; rds_proxy.tf)
#   jobs (backup, archive tasks) -> db
#   api, jobs -> endpoints (only when egress_mode = vpc_endpoints)
# Rules are separate aws_vpc_security_group_*_rule resources (one rule per
# resource, each with a description) so changes never replace a group.

data "aws_ec2_managed_prefix_list" "s3" {
  name = "com.amazonaws.${local.region}.s3"
}

# ---------------------------------------------------------------------------
# KMS: one customer-managed key for this environment's data at rest
# (RDS, ElastiCache, Secrets Manager, S3 content buckets, logs, SNS, ECR).
# ---------------------------------------------------------------------------

resource "aws_kms_key" "main" {
  description             = "${local.name} data at rest"
  enable_key_rotation     = true
  deletion_window_in_days = 30

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AccountAdministersKeyThroughIam"
        Effect    = "Allow"
        Principal = { AWS = "arn:${local.partition}:iam::${local.account_id}:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        Sid       = "CloudWatchLogsEncryptsThisAccountsLogGroups"
        Effect    = "Allow"
        Principal = { Service = "logs.${local.region}.amazonaws.com" }
        Action    = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
        Resource  = "*"
        Condition = {
          ArnLike = { "kms:EncryptionContext:aws:logs:arn" = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:*" }
        }
      },
      {
        Sid       = "AlarmAndBudgetPublishersUseEncryptedTopic"
        Effect    = "Allow"
        Principal = { Service = ["cloudwatch.amazonaws.com", "budgets.amazonaws.com"] }
        Action    = ["kms:Decrypt", "kms:GenerateDataKey*"]
        Resource  = "*"
        Condition = {
          StringEquals = { "aws:SourceAccount" = local.account_id }
        }
      },
      {
        # OAC reads of the SSE-KMS assets/site buckets. The bucket policies
        # pin the exact distribution; this only limits it to the account.
        Sid       = "CloudFrontOacDecryptsStaticBuckets"
        Effect    = "Allow"
        Principal = { Service = "cloudfront.amazonaws.com" }
        Action    = ["kms:Decrypt"]
        Resource  = "*"
        Condition = {
          StringEquals = { "aws:SourceAccount" = local.account_id }
          ArnLike      = { "aws:SourceArn" = "arn:${local.partition}:cloudfront::${local.account_id}:distribution/*" }
        }
      },
    ]
  })
}

resource "aws_kms_alias" "main" {
  name          = "alias/${local.name}"
  target_key_id = aws_kms_key.main.key_id
}

# ---------------------------------------------------------------------------
# Security groups
# ---------------------------------------------------------------------------

resource "aws_security_group" "alb" {
  name        = "${local.name}-alb"
  description = "Internal ALB: HTTPS from this account's CloudFront VPC origin only"
  vpc_id      = aws_vpc.main.id

  tags = { Name = "${local.name}-alb" }
}

# CloudFront creates one security group per VPC for its VPC origins,
# CloudFront-VPCOrigins-Service-SG, and sends origin traffic from it; the
# origin's group admits that group (CloudFront developer guide, Restrict
# access with VPC origins; terraform-provider-aws issue 40683). It exists
# once the VPC origin does, hence depends_on. Unlike the public
# origin-facing prefix list, it admits no other account's distribution.
data "aws_security_group" "cloudfront_vpc_origin" {
  name   = "CloudFront-VPCOrigins-Service-SG"
  vpc_id = aws_vpc.main.id

  depends_on = [aws_cloudfront_vpc_origin.alb]
}

resource "aws_vpc_security_group_ingress_rule" "alb_https_from_cloudfront" {
  security_group_id            = aws_security_group.alb.id
  description                  = "HTTPS from CloudFront (VPC origin)"
  referenced_security_group_id = data.aws_security_group.cloudfront_vpc_origin.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
}

resource "aws_vpc_security_group_egress_rule" "alb_to_api" {
  security_group_id            = aws_security_group.alb.id
  description                  = "Forward to API tasks"
  referenced_security_group_id = aws_security_group.api.id
  ip_protocol                  = "tcp"
  from_port                    = var.api_container_port
  to_port                      = var.api_container_port
}

resource "aws_security_group" "api" {
  name        = "${local.name}-api"
  description = "API tasks: traffic from the ALB only"
  vpc_id      = aws_vpc.main.id

  tags = { Name = "${local.name}-api" }
}

resource "aws_vpc_security_group_ingress_rule" "api_from_alb" {
  security_group_id            = aws_security_group.api.id
  description                  = "API port from the ALB"
  referenced_security_group_id = aws_security_group.alb.id
  ip_protocol                  = "tcp"
  from_port                    = var.api_container_port
  to_port                      = var.api_container_port
}

resource "aws_security_group" "jobs" {
  #checkov:skip=CKV2_AWS_5:Attached at run time: EventBridge Scheduler passes it in ecs_parameters.network_configuration of aws_scheduler_schedule.job (backup, archive), which checkov does not model as an attachment.
  name        = "${local.name}-jobs"
  description = "Scheduled backup and archive tasks: no ingress"
  vpc_id      = aws_vpc.main.id

  tags = { Name = "${local.name}-jobs" }
}

# Outbound HTTPS for the tasks (ECR, CloudWatch Logs, Secrets Manager, STS,
# S3). With VPC endpoints it stays inside the VPC; otherwise it leaves through
# the NAT gateway or the task's public IP.
locals {
  task_security_groups = {
    api  = aws_security_group.api.id
    jobs = aws_security_group.jobs.id
  }
}

resource "aws_vpc_security_group_egress_rule" "tasks_https_internet" {
  for_each = local.use_vpc_endpoints ? {} : local.task_security_groups

  security_group_id = each.value
  description       = "HTTPS to AWS APIs and ECR via NAT or public IP"
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
}

resource "aws_vpc_security_group_egress_rule" "tasks_https_endpoints" {
  for_each = local.use_vpc_endpoints ? local.task_security_groups : {}

  security_group_id            = each.value
  description                  = "HTTPS to VPC interface endpoints"
  referenced_security_group_id = aws_security_group.endpoints[0].id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
}

resource "aws_vpc_security_group_egress_rule" "tasks_https_s3" {
  for_each = local.task_security_groups

  security_group_id = each.value
  description       = "HTTPS to S3 through the gateway endpoint (ECR layers, buckets)"
  prefix_list_id    = data.aws_ec2_managed_prefix_list.s3.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
}

resource "aws_vpc_security_group_egress_rule" "tasks_to_db" {
  for_each = local.task_security_groups

  security_group_id            = each.value
  description                  = "MySQL"
  referenced_security_group_id = aws_security_group.db.id
  ip_protocol                  = "tcp"
  from_port                    = 3306
  to_port                      = 3306
}

resource "aws_vpc_security_group_egress_rule" "api_to_cache" {
  security_group_id            = aws_security_group.api.id
  description                  = "Valkey/Redis (TLS)"
  referenced_security_group_id = aws_security_group.cache.id
  ip_protocol                  = "tcp"
  from_port                    = 6379
  to_port                      = 6379
}

resource "aws_security_group" "db" {
  name        = "${local.name}-db"
  description = "RDS MySQL: from API and job tasks only"
  vpc_id      = aws_vpc.main.id

  tags = { Name = "${local.name}-db" }
}

resource "aws_vpc_security_group_ingress_rule" "db_from_tasks" {
  for_each = local.task_security_groups

  security_group_id            = aws_security_group.db.id
  description                  = "MySQL from ${each.key} tasks"
  referenced_security_group_id = each.value
  ip_protocol                  = "tcp"
  from_port                    = 3306
  to_port                      = 3306
}

resource "aws_security_group" "cache" {
  name        = "${local.name}-cache"
  description = "ElastiCache: from API tasks only"
  vpc_id      = aws_vpc.main.id

  tags = { Name = "${local.name}-cache" }
}

resource "aws_vpc_security_group_ingress_rule" "cache_from_api" {
  security_group_id            = aws_security_group.cache.id
  description                  = "Valkey/Redis from API tasks"
  referenced_security_group_id = aws_security_group.api.id
  ip_protocol                  = "tcp"
  from_port                    = 6379
  to_port                      = 6379
}

resource "aws_security_group" "endpoints" {
  count = local.use_vpc_endpoints ? 1 : 0

  name        = "${local.name}-endpoints"
  description = "VPC interface endpoints: HTTPS from tasks"
  vpc_id      = aws_vpc.main.id

  tags = { Name = "${local.name}-endpoints" }
}

resource "aws_vpc_security_group_ingress_rule" "endpoints_from_tasks" {
  for_each = local.use_vpc_endpoints ? local.task_security_groups : {}

  security_group_id            = aws_security_group.endpoints[0].id
  description                  = "HTTPS from ${each.key} tasks"
  referenced_security_group_id = each.value
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
}
