# Alarms -> SNS (KMS-encrypted), and one dashboard.
#
# Every alarm_description ends with its runbook:
#   https://github.com/<github_repository>/blob/main/docs/runbooks/<runbook>.md
# where <runbook> is the alarm's base name (the alarm itself is named
# <project>-<environment>-<runbook>), so one runbook serves all environments.

resource "aws_sns_topic" "alarms" {
  name              = "${local.name}-alarms"
  kms_master_key_id = aws_kms_key.main.arn
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
