# Alarms of monitoring.tf and jobs.tf (edge, storage, freshness, jobs) and the
# break-glass access of break_glass.tf, plan-only, against the offline
# hashicorp/aws stand-in like plan.tftest.hcl (not mock_provider: rds.tf opens
# an ephemeral resource, which mock providers do not serve in Terraform 1.11;
# docs/adr/0014-terraform-tests-against-the-offline-provider.md).
# Run: .ci/terraform.sh test   (terraform -chdir=terraform test)

# Inputs: prod-like.auto.tfvars in this directory (production-like planner
# output shared by every run; a run's `variables` block overrides a value).

run "cdn_alarm_reads_cloudfront_and_never_clears_on_silence" {
  command = plan

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.cdn_5xx_rate.namespace == "AWS/CloudFront" &&
      aws_cloudwatch_metric_alarm.cdn_5xx_rate.metric_name == "5xxErrorRate" &&
      aws_cloudwatch_metric_alarm.cdn_5xx_rate.dimensions["Region"] == "Global"
    )
    error_message = "cdn-5xx-rate must read CloudFront's own 5xxErrorRate (Region Global), not the ALB's counts."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.cdn_5xx_rate.threshold == 5 && aws_cloudwatch_metric_alarm.cdn_5xx_rate.datapoints_to_alarm == 2 && aws_cloudwatch_metric_alarm.cdn_5xx_rate.evaluation_periods == 3
    error_message = "cdn-5xx-rate fires above the 5 % error SLO in 2 of 3 minutes."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.cdn_5xx_rate.treat_missing_data == "missing"
    error_message = "A minute without viewer requests must not read as OK (notBreaching) for cdn-5xx-rate."
  }
}

run "free_storage_alarm_is_ten_percent_of_allocated" {
  command = plan

  assert {
    # db_allocated_storage_gb = 100 above: 10 % = 10 GiB in bytes.
    condition     = aws_cloudwatch_metric_alarm.rds_free_storage.threshold == 10737418240 && aws_cloudwatch_metric_alarm.rds_free_storage.comparison_operator == "LessThanThreshold"
    error_message = "rds-free-storage must fire below 10 % of db_allocated_storage_gb (in bytes)."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.rds_free_storage.metric_name == "FreeStorageSpace" && aws_cloudwatch_metric_alarm.rds_free_storage.statistic == "Minimum" && aws_cloudwatch_metric_alarm.rds_free_storage.treat_missing_data == "missing"
    error_message = "rds-free-storage reads the minimum FreeStorageSpace and holds its state while RDS sends nothing."
  }
}

run "freshness_alarm_follows_the_canary" {
  command = plan

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.freshness.namespace == "Kickoff/Freshness" &&
      aws_cloudwatch_metric_alarm.freshness.metric_name == "PublishToVisibleSeconds" &&
      aws_cloudwatch_metric_alarm.freshness.dimensions["Canary"] == aws_synthetics_canary.freshness.name
    )
    error_message = "The freshness alarm must read the metric the canary writes, for this canary."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.freshness.threshold == 3 && aws_cloudwatch_metric_alarm.freshness.treat_missing_data == "breaching"
    error_message = "freshness fires above the 3 s SLO, and when the canary stops reporting."
  }

  assert {
    condition     = aws_synthetics_canary.freshness.schedule[0].expression == "rate(1 minute)" && aws_synthetics_canary.freshness.start_canary
    error_message = "The canary must run every minute, so the alarm's one-minute periods have data."
  }

  assert {
    condition     = aws_synthetics_canary.freshness.run_config[0].environment_variables["BASE_URL"] == "https://kickoff.example.com" && tonumber(aws_synthetics_canary.freshness.run_config[0].environment_variables["TIMEOUT_SECONDS"]) < aws_synthetics_canary.freshness.run_config[0].timeout_in_seconds
    error_message = "The canary reads the public URL, through CloudFront, and times out on its own before Synthetics stops it."
  }
}

run "every_alarm_has_its_runbook" {
  command = plan

  assert {
    condition     = alltrue([for r in local.runbooks : fileexists("${path.module}/../docs/runbooks/${r}.md")])
    error_message = "Every alarm base name in local.runbooks needs docs/runbooks/<name>.md."
  }
}

run "break_glass_is_least_privilege" {
  command = plan

  variables {
    egress_mode = "vpc_endpoints"
  }

  assert {
    condition     = toset(keys(aws_vpc_endpoint.break_glass)) == toset(["ssmmessages", "kms"])
    error_message = "Without NAT, ECS Exec needs the ssmmessages and kms interface endpoints."
  }

  assert {
    condition     = alltrue([for c in jsondecode(aws_ecs_task_definition.break_glass.container_definitions) : c.command == ["3600"] && c.entryPoint == ["sleep"] && !contains(keys(c), "secrets")])
    error_message = "The diagnostic containers hold no secrets and stop themselves after an hour."
  }

  assert {
    condition     = anytrue(flatten([for s in data.aws_iam_policy_document.break_glass_assume.statement : [for c in s.condition : c.variable == "aws:MultiFactorAuthPresent" && contains(c.values, "true")]]))
    error_message = "Assuming the break-glass role needs MFA."
  }

  assert {
    condition     = toset(flatten([for s in data.aws_iam_policy_document.break_glass.statement : [for c in s.condition : c.values] if s.sid == "ExecIntoDiagnosticContainers"])) == toset(["mysql", "valkey"])
    error_message = "ECS Exec is allowed into the diagnostic containers only, never the API's."
  }

  assert {
    condition     = length(aws_vpc_security_group_ingress_rule.break_glass) == 3 && length([for r in aws_vpc_security_group_egress_rule.break_glass : r if contains([3306, 6379], r.from_port)]) == 2
    error_message = "The diagnostic task reaches MySQL and Valkey, and the DB, cache and endpoint groups admit it."
  }

  # Valkey has no AUTH token (cache.tf): the session authenticates with IAM
  # as a read-only user of the group, and the role reads no secret.
  assert {
    condition = (
      aws_elasticache_user.diag.authentication_mode[0].type == "iam" &&
      aws_elasticache_user.diag.user_name == aws_elasticache_user.diag.user_id &&
      startswith(aws_elasticache_user.diag.access_string, "on ~* -@all +@read ") &&
      !strcontains(aws_elasticache_user.diag.access_string, "@write") &&
      endswith(aws_elasticache_user.diag.access_string, " -keys") &&
      contains(aws_elasticache_user_group.main.user_ids, aws_elasticache_user.diag.user_id)
    )
    error_message = "The break-glass Valkey user is IAM-authenticated, read-only and in the cache's user group."
  }

  assert {
    condition = (
      !anytrue([for s in data.aws_iam_policy_document.break_glass.statement : anytrue([for a in s.actions : startswith(a, "secretsmanager:")])]) &&
      toset(flatten([for s in data.aws_iam_policy_document.break_glass.statement : s.actions if anytrue([for a in s.actions : startswith(a, "elasticache:Connect")])])) == toset(["elasticache:Connect"])
    )
    error_message = "The break-glass role reads no secret; it connects to Valkey with IAM."
  }

  # rds-db:connect for kickoff_diag only (any instance: a restored one too,
  # docs/data-management.md), and users.sql creates that user.
  assert {
    condition = (
      alltrue(flatten([for s in data.aws_iam_policy_document.break_glass.statement : [for r in s.resources : endswith(r, ":dbuser:*/kickoff_diag")] if contains(s.actions, "rds-db:connect")])) &&
      strcontains(local.users_sql, "CREATE USER IF NOT EXISTS 'kickoff_diag'@'%' IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS' REQUIRE SSL;") &&
      strcontains(local.users_sql, "GRANT PROCESS ON *.* TO 'kickoff_diag'@'%';")
    )
    error_message = "Break-glass SQL is the read-only kickoff_diag user, created by sql/users.sql."
  }
}

run "break_glass_without_endpoints_uses_the_nat" {
  command = plan

  assert {
    condition     = length(aws_vpc_endpoint.break_glass) == 0 && length(aws_vpc_security_group_ingress_rule.break_glass) == 2
    error_message = "With NAT egress no extra endpoints are created."
  }
}

run "prod_alarms_email_the_team" {
  command = plan

  assert {
    condition     = length(aws_sns_topic_subscription.alarm_email) == 1 && aws_sns_topic_subscription.alarm_email[0].endpoint == "oncall@kickoff.example.com" && aws_sns_topic_subscription.alarm_email[0].protocol == "email"
    error_message = "Prod's alarm topic must e-mail the team's alarm_email."
  }
}

run "rejects_prod_alarms_that_reach_nobody" {
  command = plan

  variables {
    alarm_email = ""
  }

  expect_failures = [aws_sns_topic.alarms]
}

run "staging_may_run_without_alarm_email" {
  command = plan

  variables {
    environment = "staging"
    alarm_email = ""
  }

  assert {
    condition     = length(aws_sns_topic_subscription.alarm_email) == 0
    error_message = "No subscription without an address."
  }
}

run "rejects_malformed_alarm_email" {
  command = plan

  variables {
    alarm_email = "oncall at kickoff"
  }

  expect_failures = [var.alarm_email]
}

# alb.tf's check "sse_heartbeat_fits_timeouts" (a warning, not an error; the
# planner contract in .ci/terraform.sh fails on it): a 45 s heartbeat outlives
# CloudFront's 30 s origin read timeout, so SSE connections would be cut.
run "warns_when_sse_heartbeat_outlives_cloudfront_read_timeout" {
  command = plan

  variables {
    delivery_mode         = "sse"
    sse_heartbeat_seconds = 45
  }

  expect_failures = [check.sse_heartbeat_fits_timeouts]
}
