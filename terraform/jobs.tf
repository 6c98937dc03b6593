# Scheduled Fargate jobs: one task definition and one EventBridge Scheduler
# schedule per entry of local.jobs. What each job does, and what differs
# between them, is in its own file (backup.tf, archive.tf). The map key is the
# task family suffix, the container name and the log stream prefix.
#
# Failures are not silent (Scheduler counts an accepted RunTask as success):
# * a run Scheduler could not start lands in the job-failures queue (its
#   dead-letter queue), and so does every job task that stops with a
#   non-zero exit code or fails to start (an EventBridge rule);
#   the job-failed alarm fires on any message in it;
# * the backup-age alarm fires when no backup has succeeded for longer than
#   the backup interval plus an hour (the backup job's success metric).
# Runbooks: docs/runbooks/job-failed.md, docs/runbooks/backup-age.md.
#
# db-admin is a task definition without a schedule: administrators run it
# once per environment to create the MySQL users (sql/users.sql), and again
# after users.sql changes (docs/deploying-from-scratch.md).

locals {
  jobs = {
    backup  = local.backup_job
    archive = local.archive_job
  }

  job_network_configuration = {
    subnets          = local.task_subnet_ids
    security_groups  = [aws_security_group.jobs.id]
    assign_public_ip = local.tasks_in_public
  }
}

resource "aws_cloudwatch_log_group" "jobs" {
  #checkov:skip=CKV_AWS_338:Retention is the planner-owned log_retention_days; job runs are also visible as objects in the backups/archive buckets.
  name              = "/ecs/${local.name}/jobs"
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.main.arn
}

resource "aws_ecs_task_definition" "job" {
  for_each = local.jobs

  family                   = "${local.name}-${each.key}"
  skip_destroy             = true # previous revisions stay usable
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = each.value.cpu
  memory                   = each.value.memory
  execution_role_arn       = aws_iam_role.task_execution.arn
  task_role_arn            = each.value.task_role_arn

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = var.api_cpu_architecture
  }

  volume {
    name = "tmp"
  }

  container_definitions = jsonencode([{
    name                   = each.key
    image                  = each.value.image
    essential              = true
    readonlyRootFilesystem = true
    privileged             = false

    # No secrets: the jobs authenticate to MySQL with their task role (IAM).
    environment = each.value.environment

    mountPoints = [{ sourceVolume = "tmp", containerPath = "/tmp", readOnly = false }]

    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group         = aws_cloudwatch_log_group.jobs.name
        awslogs-region        = local.region
        awslogs-stream-prefix = each.key
      }
    }
  }])
}

resource "aws_scheduler_schedule" "job" {
  for_each = local.jobs

  name                         = "${local.name}-${each.value.schedule_name}"
  description                  = each.value.description
  schedule_expression          = each.value.schedule_expression
  schedule_expression_timezone = "UTC"
  kms_key_arn                  = aws_kms_key.main.arn

  flexible_time_window {
    mode                      = "FLEXIBLE"
    maximum_window_in_minutes = each.value.window_minutes
  }

  target {
    arn      = aws_ecs_cluster.main.arn
    role_arn = aws_iam_role.scheduler.arn

    ecs_parameters {
      task_definition_arn = aws_ecs_task_definition.job[each.key].arn
      launch_type         = "FARGATE"
      task_count          = 1

      network_configuration {
        subnets          = local.job_network_configuration.subnets
        security_groups  = local.job_network_configuration.security_groups
        assign_public_ip = local.job_network_configuration.assign_public_ip
      }
    }

    retry_policy {
      maximum_event_age_in_seconds = 3600
      maximum_retry_attempts       = 3
    }

    # After the retries: the run goes to the queue the job-failed alarm
    # watches (Scheduler sends it with its execution role: iam.tf).
    dead_letter_config {
      arn = aws_sqs_queue.job_failures.arn
    }
  }
}

# The jobs used to be one resource each (backup.tf, archive.tf): keep their
# state.
moved {
  from = aws_ecs_task_definition.backup
  to   = aws_ecs_task_definition.job["backup"]
}

moved {
  from = aws_ecs_task_definition.archive
  to   = aws_ecs_task_definition.job["archive"]
}

moved {
  from = aws_scheduler_schedule.backup
  to   = aws_scheduler_schedule.job["backup"]
}

moved {
  from = aws_scheduler_schedule.archive
  to   = aws_scheduler_schedule.job["archive"]
}

# --- Failures and freshness ---------------------------------------------------

locals {
  job_metric_namespace  = "Kickoff/Jobs"
  backup_success_metric = "BackupSucceeded"
}

# Scheduler's dead-letter queue and the target of the stopped-task rule. The
# messages say what failed (Scheduler: error code and message attributes;
# ECS: stoppedReason and exit codes); the runbook reads and then deletes them.
resource "aws_sqs_queue" "job_failures" {
  name                      = "${local.name}-job-failures"
  message_retention_seconds = 1209600 # 14 days, the SQS maximum
  # SSE-SQS: EventBridge and Scheduler can write without a grant in the KMS
  # key policy; the messages hold task metadata, no data.
  sqs_managed_sse_enabled = true
}

data "aws_iam_policy_document" "job_failures" {
  statement {
    sid       = "StoppedJobTaskEvents"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.job_failures.arn]

    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }

    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [aws_cloudwatch_event_rule.job_failed.arn]
    }
  }
}

resource "aws_sqs_queue_policy" "job_failures" {
  queue_url = aws_sqs_queue.job_failures.id
  policy    = data.aws_iam_policy_document.job_failures.json
}

# A job task that stopped with a non-zero exit code, or never started (image
# pull, ENI, secrets), in this cluster (ECS developer guide, Amazon ECS task
# state change events).
resource "aws_cloudwatch_event_rule" "job_failed" {
  name        = "${local.name}-job-failed"
  description = "Backup or archive task stopped with a non-zero exit code or failed to start"
  event_pattern = jsonencode({
    source        = ["aws.ecs"]
    "detail-type" = ["ECS Task State Change"]
    detail = {
      clusterArn        = [aws_ecs_cluster.main.arn]
      lastStatus        = ["STOPPED"]
      taskDefinitionArn = [for k, td in aws_ecs_task_definition.job : { prefix = "arn:${local.partition}:ecs:${local.region}:${local.account_id}:task-definition/${td.family}:" }]
      "$or" = [
        { containers = { exitCode = [{ "anything-but" = 0 }] } },
        { stopCode = ["TaskFailedToStart"] },
      ]
    }
  })
}

resource "aws_cloudwatch_event_target" "job_failed" {
  rule      = aws_cloudwatch_event_rule.job_failed.name
  target_id = "job-failures-queue"
  arn       = aws_sqs_queue.job_failures.arn
}

resource "aws_cloudwatch_metric_alarm" "job_failed" {
  alarm_name          = "${local.name}-job-failed"
  alarm_description   = "A backup or archive run failed: Scheduler could not start it after its retries, or its task stopped with a non-zero exit code or never started. Details are the messages in ${aws_sqs_queue.job_failures.name}. Runbook: ${local.runbook_url["job-failed"]}"
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = aws_sqs_queue.job_failures.name }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  threshold           = 1
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
}

# Newest backup older than the RPO: the backup job publishes one datapoint
# per successful dump; hours without one are missing data, treated as
# breaching, so the alarm fires when every hour of the last
# backup_interval + 1 hours had none. Period x evaluation periods stays
# within PutMetricAlarm's 7 days (validation on backup_schedule_expression).
resource "aws_cloudwatch_metric_alarm" "backup_age" {
  alarm_name          = "${local.name}-backup-age"
  alarm_description   = "No logical backup has succeeded for ${local.backup_alarm_hours} hours (backup interval ${local.backup_interval_hours} h + 1 h): the newest dump in the backups bucket is older than the RPO. Runbook: ${local.runbook_url["backup-age"]}"
  namespace           = local.job_metric_namespace
  metric_name         = local.backup_success_metric
  dimensions          = { Environment = var.environment }
  statistic           = "Sum"
  period              = 3600
  evaluation_periods  = local.backup_alarm_hours
  datapoints_to_alarm = local.backup_alarm_hours
  comparison_operator = "LessThanThreshold"
  threshold           = 1
  treat_missing_data  = "breaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
}

# --- db-admin: create the MySQL users (administrators only) -------------------

resource "aws_ecs_task_definition" "db_admin" {
  family                   = "${local.name}-db-admin"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512
  # Its own execution role, the only one that may read the master secret;
  # no task role: the container calls no AWS API.
  execution_role_arn = aws_iam_role.db_admin_execution.arn

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = var.api_cpu_architecture
  }

  volume {
    name = "tmp"
  }

  container_definitions = jsonencode([{
    name                   = "db-admin"
    image                  = var.backup_image # has the mysql client
    essential              = true
    readonlyRootFilesystem = true
    privileged             = false

    # The SQL comes from the task definition itself (sql/users.sql), the
    # credentials from the master secret; the password goes through an
    # option file, never the command line.
    entryPoint = ["sh", "-c"]
    command = [join(" && ", [
      "umask 077",
      "printf '[client]\\nuser=%s\\npassword=%s\\n' \"$DB_MASTER_USERNAME\" \"$DB_MASTER_PASSWORD\" > /tmp/admin.cnf",
      "printf '%s\\n' \"$USERS_SQL\" | mysql --defaults-extra-file=/tmp/admin.cnf --ssl-mode=REQUIRED -h \"$DB_HOST\" -P \"$DB_PORT\" \"$DB_NAME\"",
      "echo 'users.sql applied'",
    ])]

    environment = [
      { name = "DB_HOST", value = aws_db_instance.main.address },
      { name = "DB_PORT", value = tostring(aws_db_instance.main.port) },
      { name = "DB_NAME", value = var.db_name },
      { name = "USERS_SQL", value = local.users_sql },
    ]
    secrets = [
      { name = "DB_MASTER_USERNAME", valueFrom = "${aws_secretsmanager_secret.db_master.arn}:username::" },
      { name = "DB_MASTER_PASSWORD", valueFrom = "${aws_secretsmanager_secret.db_master.arn}:password::" },
    ]

    mountPoints = [{ sourceVolume = "tmp", containerPath = "/tmp", readOnly = false }]

    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group         = aws_cloudwatch_log_group.jobs.name
        awslogs-region        = local.region
        awslogs-stream-prefix = "db-admin"
      }
    }
  }])
}

locals {
  users_sql = templatefile("${path.module}/sql/users.sql", {
    db_name = var.db_name
    users   = local.db_users
  })
}
