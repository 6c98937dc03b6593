# Alarms -> SNS (KMS-encrypted), and one dashboard.
#
# Every alarm_description ends with its runbook:
#   https://github.com/<github_repository>/blob/main/docs/runbooks/<runbook>.md
# where <runbook> is the alarm's base name (the alarm itself is named
# <project>-<environment>-<runbook>), so one runbook serves all environments.

resource "aws_sns_topic" "alarms" {
  name              = "${local.name}-alarms"
  kms_master_key_id = aws_kms_key.main.arn

  lifecycle {
    # Issue 15: an alarm that e-mails nobody pages nobody. Production must
    # name a destination (environments/prod.team.tfvars); staging may stay
    # quiet. Guarded by run "rejects_prod_alarms_that_reach_nobody".
    precondition {
      condition     = var.environment != "prod" || var.alarm_email != ""
      error_message = "alarm_email is empty for prod: set it in terraform/environments/prod.team.tfvars, or the alarms reach nobody."
    }
  }
}

data "aws_iam_policy_document" "alarms_topic" {
  statement {
    sid       = "AlarmAndBudgetPublish"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.alarms.arn]

    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com", "budgets.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_sns_topic_policy" "alarms" {
  arn    = aws_sns_topic.alarms.arn
  policy = data.aws_iam_policy_document.alarms_topic.json
}

resource "aws_sns_topic_subscription" "alarm_email" {
  count = var.alarm_email != "" ? 1 : 0

  topic_arn = aws_sns_topic.alarms.arn
  protocol  = "email"
  endpoint  = var.alarm_email
}

locals {
  runbooks = toset([
    "api-5xx-rate",
    "api-p95-latency",
    "api-cpu-high",
    "api-memory-high",
    "api-unhealthy-hosts",
    "rds-cpu-high",
    "rds-connections-high",
    "rds-replica-lag",
    "cache-memory-high",
    "cache-evictions",
    "cdn-5xx-rate",
    "rds-free-storage",
    "freshness",
    # jobs.tf
    "job-failed",
    "backup-age",
  ])
  runbook_url = { for r in local.runbooks : r => "${local.runbook_base_url}/${r}.md" }

  alarm_actions = [aws_sns_topic.alarms.arn]

  alb_dimensions = { LoadBalancer = aws_lb.api.arn_suffix }
  tg_dimensions  = { LoadBalancer = aws_lb.api.arn_suffix, TargetGroup = aws_lb_target_group.api.arn_suffix }
  ecs_dimensions = { ClusterName = aws_ecs_cluster.main.name, ServiceName = aws_ecs_service.api.name }

  # Member clusters of a cluster-mode-disabled replication group are named
  # <replication_group_id>-001, -002, ...
  cache_cluster_ids = [for i in range(local.cache_num_nodes) : format("%s-%03d", aws_elasticache_replication_group.main.replication_group_id, i + 1)]

  db_connections_alarm_threshold = floor(local.db_max_connections * 0.8)
}

# --- API / ALB ---------------------------------------------------------------

resource "aws_cloudwatch_metric_alarm" "api_5xx_rate" {
  alarm_name          = "${local.name}-api-5xx-rate"
  alarm_description   = "More than 5 % of API requests failed with 5xx (target or ALB) in 2 of 3 minutes; the SLO is < 5 % errors. Runbook: ${local.runbook_url["api-5xx-rate"]}"
  comparison_operator = "GreaterThanThreshold"
  threshold           = 5
  evaluation_periods  = 3
  datapoints_to_alarm = 2
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions

  metric_query {
    id          = "rate"
    label       = "5xx %"
    expression  = "IF(FILL(requests, 0) > 0, 100 * (FILL(target5xx, 0) + FILL(elb5xx, 0)) / requests, 0)"
    return_data = true
  }

  metric_query {
    id = "target5xx"

    metric {
      namespace   = "AWS/ApplicationELB"
      metric_name = "HTTPCode_Target_5XX_Count"
      dimensions  = local.alb_dimensions
      period      = 60
      stat        = "Sum"
    }
  }

  metric_query {
    id = "elb5xx"

    metric {
      namespace   = "AWS/ApplicationELB"
      metric_name = "HTTPCode_ELB_5XX_Count"
      dimensions  = local.alb_dimensions
      period      = 60
      stat        = "Sum"
    }
  }

  metric_query {
    id = "requests"

    metric {
      namespace   = "AWS/ApplicationELB"
      metric_name = "RequestCount"
      dimensions  = local.alb_dimensions
      period      = 60
      stat        = "Sum"
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "api_p95_latency" {
  alarm_name          = "${local.name}-api-p95-latency"
  alarm_description   = "API target p95 response time above ${var.alarm_api_p95_latency_seconds}s for 3 minutes; fans expect updates within 2-3 s. Runbook: ${local.runbook_url["api-p95-latency"]}"
  namespace           = "AWS/ApplicationELB"
  metric_name         = "TargetResponseTime"
  dimensions          = local.tg_dimensions
  extended_statistic  = "p95"
  period              = 60
  evaluation_periods  = 3
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.alarm_api_p95_latency_seconds
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
}

resource "aws_cloudwatch_metric_alarm" "api_unhealthy_hosts" {
  alarm_name          = "${local.name}-api-unhealthy-hosts"
  alarm_description   = "At least one API task failed ALB health checks for 3 minutes. Runbook: ${local.runbook_url["api-unhealthy-hosts"]}"
  namespace           = "AWS/ApplicationELB"
  metric_name         = "UnHealthyHostCount"
  dimensions          = local.tg_dimensions
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 3
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
}

resource "aws_cloudwatch_metric_alarm" "api_cpu_high" {
  alarm_name          = "${local.name}-api-cpu-high"
  alarm_description   = "API service average CPU above 85 % for 5 minutes (autoscaling target is ${var.api_target_cpu_percent} %): scaling is capped or lagging. Runbook: ${local.runbook_url["api-cpu-high"]}"
  namespace           = "AWS/ECS"
  metric_name         = "CPUUtilization"
  dimensions          = local.ecs_dimensions
  statistic           = "Average"
  period              = 60
  evaluation_periods  = 5
  comparison_operator = "GreaterThanThreshold"
  threshold           = 85
  treat_missing_data  = "missing"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
}

resource "aws_cloudwatch_metric_alarm" "api_memory_high" {
  alarm_name          = "${local.name}-api-memory-high"
  alarm_description   = "API service average memory above 85 % for 5 minutes; tasks risk OOM kills. Runbook: ${local.runbook_url["api-memory-high"]}"
  namespace           = "AWS/ECS"
  metric_name         = "MemoryUtilization"
  dimensions          = local.ecs_dimensions
  statistic           = "Average"
  period              = 60
  evaluation_periods  = 5
  comparison_operator = "GreaterThanThreshold"
  threshold           = 85
  treat_missing_data  = "missing"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
}

# --- RDS -----------------------------------------------------------------------

resource "aws_cloudwatch_metric_alarm" "rds_cpu_high" {
  alarm_name          = "${local.name}-rds-cpu-high"
  alarm_description   = "RDS writer CPU above 80 % for 10 minutes. Runbook: ${local.runbook_url["rds-cpu-high"]}"
  namespace           = "AWS/RDS"
  metric_name         = "CPUUtilization"
  dimensions          = { DBInstanceIdentifier = aws_db_instance.main.identifier }
  statistic           = "Average"
  period              = 60
  evaluation_periods  = 10
  datapoints_to_alarm = 8
  comparison_operator = "GreaterThanThreshold"
  threshold           = 80
  treat_missing_data  = "missing"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
}

resource "aws_cloudwatch_metric_alarm" "rds_connections_high" {
  alarm_name          = "${local.name}-rds-connections-high"
  alarm_description   = "RDS writer connections above 80 % of the ~${local.db_max_connections} max_connections of ${var.db_instance_class} (tasks x pool size). Runbook: ${local.runbook_url["rds-connections-high"]}"
  namespace           = "AWS/RDS"
  metric_name         = "DatabaseConnections"
  dimensions          = { DBInstanceIdentifier = aws_db_instance.main.identifier }
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 3
  comparison_operator = "GreaterThanThreshold"
  threshold           = local.db_connections_alarm_threshold
  treat_missing_data  = "missing"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
}

resource "aws_cloudwatch_metric_alarm" "rds_replica_lag" {
  count = var.db_read_replica_count

  alarm_name          = "${local.name}-rds-replica-lag-${count.index + 1}"
  alarm_description   = "Read replica ${aws_db_instance.replica[count.index].identifier} is more than 30 s behind the writer for 5 minutes; readers serve stale commentary. Runbook: ${local.runbook_url["rds-replica-lag"]}"
  namespace           = "AWS/RDS"
  metric_name         = "ReplicaLag"
  dimensions          = { DBInstanceIdentifier = aws_db_instance.replica[count.index].identifier }
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 5
  comparison_operator = "GreaterThanThreshold"
  threshold           = 30
  treat_missing_data  = "breaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
}

# --- ElastiCache ---------------------------------------------------------------

resource "aws_cloudwatch_metric_alarm" "cache_memory_high" {
  alarm_name          = "${local.name}-cache-memory-high"
  alarm_description   = "A ${var.cache_engine} node uses more than 80 % of its maxmemory for 5 minutes; evictions follow. Runbook: ${local.runbook_url["cache-memory-high"]}"
  comparison_operator = "GreaterThanThreshold"
  threshold           = 80
  evaluation_periods  = 5
  treat_missing_data  = "missing"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions

  metric_query {
    id          = "maxmem"
    label       = "Max memory % across nodes"
    expression  = "MAX([${join(", ", [for i in range(local.cache_num_nodes) : "m${i}"])}])"
    return_data = true
  }

  dynamic "metric_query" {
    for_each = local.cache_cluster_ids

    content {
      id = "m${metric_query.key}"

      metric {
        namespace   = "AWS/ElastiCache"
        metric_name = "DatabaseMemoryUsagePercentage"
        dimensions  = { CacheClusterId = metric_query.value }
        period      = 60
        stat        = "Maximum"
      }
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "cache_evictions" {
  alarm_name          = "${local.name}-cache-evictions"
  alarm_description   = "The cache evicted more than 1000 keys in 5 minutes: the node type is too small for the working set. Runbook: ${local.runbook_url["cache-evictions"]}"
  comparison_operator = "GreaterThanThreshold"
  threshold           = 1000
  evaluation_periods  = 1
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions

  metric_query {
    id          = "evictions"
    label       = "Evictions (all nodes)"
    expression  = "SUM([${join(", ", [for i in range(local.cache_num_nodes) : "e${i}"])}])"
    return_data = true
  }

  dynamic "metric_query" {
    for_each = local.cache_cluster_ids

    content {
      id = "e${metric_query.key}"

      metric {
        namespace   = "AWS/ElastiCache"
        metric_name = "Evictions"
        dimensions  = { CacheClusterId = metric_query.value }
        period      = 300
        stat        = "Sum"
      }
    }
  }
}

# --- Dashboard -----------------------------------------------------------------

locals {
  alb_suffix = aws_lb.api.arn_suffix
  tg_suffix  = aws_lb_target_group.api.arn_suffix

  dashboard_widgets = [
    {
      title = "Requests and 5xx (ALB)"
      metrics = [
        ["AWS/ApplicationELB", "RequestCount", "LoadBalancer", local.alb_suffix, { stat = "Sum" }],
        ["AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", "LoadBalancer", local.alb_suffix, { stat = "Sum" }],
        ["AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", "LoadBalancer", local.alb_suffix, { stat = "Sum" }],
      ]
    },
    {
      title = "Target response time"
      metrics = [
        ["AWS/ApplicationELB", "TargetResponseTime", "LoadBalancer", local.alb_suffix, "TargetGroup", local.tg_suffix, { stat = "p50" }],
        ["AWS/ApplicationELB", "TargetResponseTime", "LoadBalancer", local.alb_suffix, "TargetGroup", local.tg_suffix, { stat = "p95" }],
      ]
    },
    {
      title = "API tasks: CPU, memory, healthy targets"
      metrics = [
        ["AWS/ECS", "CPUUtilization", "ClusterName", aws_ecs_cluster.main.name, "ServiceName", aws_ecs_service.api.name],
        ["AWS/ECS", "MemoryUtilization", "ClusterName", aws_ecs_cluster.main.name, "ServiceName", aws_ecs_service.api.name],
        ["AWS/ApplicationELB", "HealthyHostCount", "LoadBalancer", local.alb_suffix, "TargetGroup", local.tg_suffix, { stat = "Minimum", yAxis = "right" }],
      ]
    },
    {
      title = "RDS writer"
      metrics = [
        ["AWS/RDS", "CPUUtilization", "DBInstanceIdentifier", aws_db_instance.main.identifier],
        ["AWS/RDS", "DatabaseConnections", "DBInstanceIdentifier", aws_db_instance.main.identifier, { yAxis = "right" }],
      ]
    },
    {
      title   = "Cache memory %"
      metrics = [for id in local.cache_cluster_ids : ["AWS/ElastiCache", "DatabaseMemoryUsagePercentage", "CacheClusterId", id]]
    },
    {
      title = "CloudFront requests and error rate"
      metrics = [
        ["AWS/CloudFront", "Requests", "DistributionId", aws_cloudfront_distribution.main.id, "Region", "Global", { stat = "Sum" }],
        ["AWS/CloudFront", "5xxErrorRate", "DistributionId", aws_cloudfront_distribution.main.id, "Region", "Global", { yAxis = "right" }],
      ]
    },
  ]
}

resource "aws_cloudwatch_dashboard" "main" {
  dashboard_name = local.name
  dashboard_body = jsonencode({
    widgets = [for i, w in local.dashboard_widgets : {
      type   = "metric"
      x      = (i % 2) * 12
      y      = floor(i / 2) * 6
      width  = 12
      height = 6
      properties = {
        title   = w.title
        region  = local.region
        metrics = w.metrics
        period  = 60
        view    = "timeSeries"
        stacked = false
      }
    }]
  })
}

# --- Edge, storage and freshness -------------------------------------------------

# The three alarms below catch what the ALB-side alarms cannot see.
#
# cdn-5xx-rate: when CloudFront cannot reach the origin (ALB down, TLS or DNS
# broken, security group closed), viewers get 502/504 from the edge while the
# ALB sees no requests at all, so api-5xx-rate reads 0 % (notBreaching). This
# alarm reads CloudFront's own 5xxErrorRate (per cent of all viewer requests;
# CloudFront publishes its metrics in us-east-1 with Region = Global). Missing
# data is "missing", never notBreaching: a minute without viewer requests is no
# evidence either way, and the freshness canary below sends requests through
# CloudFront every minute, so a silent edge shows there.
#
# rds-free-storage: RDS stops accepting writes when storage is full; warn at
# 10 % of the allocated storage.
#
# freshness: a CloudWatch Synthetics canary publishes a heartbeat line to the
# canary match through the public API (the same path a commentator uses) and
# polls the public feed through CloudFront until the line is there. It records
# the seconds from publish to visible as Kickoff/Freshness PublishToVisibleSeconds
# (CloudWatch embedded metric format; the timeout value when the line never
# shows or the publish fails). Source: terraform/canary/freshness.js.

locals {
  # The freshness SLO: p95 <= 3 s from publish to a fan seeing the line
  # (slo.freshness_p95_s in the planner). The canary polls continuously, so
  # it sees no poll-interval wait: above 3 s the budget is gone before any fan
  # polls.
  freshness_slo_seconds = 3
  # Canary: every minute. Each run is billed: $0.0012 per run in us-east-1 as
  # quoted from the CloudWatch pricing page by two public write-ups (2020,
  # 2023; not re-read on aws.amazon.com, confidence M) = about $52 a month.
  freshness_canary_schedule = "rate(1 minute)"
  freshness_canary_timeout  = 30
  freshness_canary_name     = "${local.name}-fresh"
  # The API contract the canary relies on (docs/runbooks/freshness.md).
  freshness_publish_path = "/api/matches/canary/events"
  freshness_feed_path    = "/api/matches/canary/feed"

  db_free_storage_alarm_bytes = floor(var.db_allocated_storage_gb * 0.1 * 1073741824)
}

resource "aws_cloudwatch_metric_alarm" "cdn_5xx_rate" {
  alarm_name          = "${local.name}-cdn-5xx-rate"
  alarm_description   = "More than 5 % of viewer requests at CloudFront got a 5xx in 2 of 3 minutes: the edge cannot reach or get an answer from the origin. Runbook: ${local.runbook_url["cdn-5xx-rate"]}"
  namespace           = "AWS/CloudFront"
  metric_name         = "5xxErrorRate"
  dimensions          = { DistributionId = aws_cloudfront_distribution.main.id, Region = "Global" }
  statistic           = "Average"
  period              = 60
  evaluation_periods  = 3
  datapoints_to_alarm = 2
  comparison_operator = "GreaterThanThreshold"
  threshold           = 5
  treat_missing_data  = "missing"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
}

resource "aws_cloudwatch_metric_alarm" "rds_free_storage" {
  alarm_name          = "${local.name}-rds-free-storage"
  alarm_description   = "RDS writer free storage below 10 % of its ${var.db_allocated_storage_gb} GB for 10 minutes; at 0 MySQL stops accepting writes. Runbook: ${local.runbook_url["rds-free-storage"]}"
  namespace           = "AWS/RDS"
  metric_name         = "FreeStorageSpace"
  dimensions          = { DBInstanceIdentifier = aws_db_instance.main.identifier }
  statistic           = "Minimum"
  period              = 300
  evaluation_periods  = 2
  comparison_operator = "LessThanThreshold"
  threshold           = local.db_free_storage_alarm_bytes
  treat_missing_data  = "missing"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
}

resource "aws_cloudwatch_metric_alarm" "freshness" {
  alarm_name          = "${local.name}-freshness"
  alarm_description   = "The canary's heartbeat line took more than ${local.freshness_slo_seconds} s from publish to visible through CloudFront (or never showed) in 3 of 5 minutes; no canary data counts as failing. Runbook: ${local.runbook_url["freshness"]}"
  namespace           = "Kickoff/Freshness"
  metric_name         = "PublishToVisibleSeconds"
  dimensions          = { Canary = local.freshness_canary_name }
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 5
  datapoints_to_alarm = 3
  comparison_operator = "GreaterThanThreshold"
  threshold           = local.freshness_slo_seconds
  treat_missing_data  = "breaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
}

# The canary's publish token: a commentator token for the canary match only,
# issued by the API and put here by hand (aws secretsmanager put-secret-value),
# never in Terraform state.
resource "aws_secretsmanager_secret" "canary_token" {
  #checkov:skip=CKV2_AWS_57:The token is issued by the API for the canary match only; it is rotated by re-issuing it there (docs/runbooks/freshness.md), there is no rotation Lambda to attach.
  name                    = "${local.name}/canary/publish-token"
  description             = "Bearer token the freshness canary publishes its heartbeat line with (canary match only)"
  kms_key_id              = aws_kms_key.main.arn
  recovery_window_in_days = 7
}

data "aws_iam_policy_document" "canary_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "canary" {
  name               = "${local.name}-canary"
  assume_role_policy = data.aws_iam_policy_document.canary_assume.json
}

# What a Synthetics canary role needs (CloudWatch user guide, "Required roles
# and permissions for canaries"), scoped to this canary, plus its token.
data "aws_iam_policy_document" "canary" {
  statement {
    sid       = "WriteArtifacts"
    actions   = ["s3:PutObject"]
    resources = ["${aws_s3_bucket.logs.arn}/synthetics/*"]
  }

  statement {
    sid       = "LocateArtifactBucket"
    actions   = ["s3:GetBucketLocation"]
    resources = [aws_s3_bucket.logs.arn]
  }

  statement {
    sid = "ListBucketsForSynthetics"
    # Required by the Synthetics runtime; ListAllMyBuckets has no resource-level permissions.
    actions   = ["s3:ListAllMyBuckets"]
    resources = ["*"]
  }

  statement {
    sid       = "CanaryLogs"
    actions   = ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:/aws/lambda/cwsyn-${local.freshness_canary_name}-*"]
  }

  statement {
    sid = "SyntheticsMetrics"
    # PutMetricData has no resource-level permissions; the namespace condition scopes it.
    actions   = ["cloudwatch:PutMetricData"]
    resources = ["*"]

    condition {
      test     = "StringEquals"
      variable = "cloudwatch:namespace"
      values   = ["CloudWatchSynthetics"]
    }
  }

  statement {
    sid       = "ReadPublishToken"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [aws_secretsmanager_secret.canary_token.arn]
  }

  statement {
    sid       = "DecryptPublishToken"
    actions   = ["kms:Decrypt"]
    resources = [aws_kms_key.main.arn]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["secretsmanager.${local.region}.amazonaws.com"]
    }
  }
}

resource "aws_iam_role_policy" "canary" {
  name   = "freshness-canary"
  role   = aws_iam_role.canary.id
  policy = data.aws_iam_policy_document.canary.json
}

resource "aws_synthetics_canary" "freshness" {
  name                 = local.freshness_canary_name
  artifact_s3_location = "s3://${aws_s3_bucket.logs.id}/synthetics/"
  execution_role_arn   = aws_iam_role.canary.arn
  runtime_version      = "syn-nodejs-puppeteer-15.0"
  handler              = "freshness.handler"
  zip_file             = "${path.module}/canary/freshness.zip"
  start_canary         = true

  success_retention_period = 2
  failure_retention_period = 14

  schedule {
    expression = local.freshness_canary_schedule
  }

  run_config {
    timeout_in_seconds = local.freshness_canary_timeout + 15
    environment_variables = {
      BASE_URL        = "https://${local.app_domain}"
      PUBLISH_PATH    = local.freshness_publish_path
      FEED_PATH       = local.freshness_feed_path
      TOKEN_SECRET_ID = aws_secretsmanager_secret.canary_token.arn
      TIMEOUT_SECONDS = tostring(local.freshness_canary_timeout)
      CANARY          = local.freshness_canary_name
    }
  }
}
