# Backups, in two layers:
#
# 1. AWS-native: RDS automated backups (db_backup_retention_days, point-in-
#    time restore) and a final snapshot on delete (rds.tf); ElastiCache daily
#    snapshot (cache.tf).
# 2. Logical: a scheduled Fargate task (EventBridge Scheduler,
#    backup_schedule_expression) that runs mysqldump --single-transaction
#    against a read replica when there is one (the writer otherwise), and
#    streams the gzip to s3://<backups>/mysql/ (SSE-KMS). It survives the
#    loss of the RDS instance and its automated backups, and can be restored
#    into any MySQL. Bucket lifecycle: GLACIER_IR after
#    backup_glacier_after_days, expiry after backup_s3_retention_days.
#
# An AWS Backup plan (cross-account vault copies) is deliberately not added
# yet: layer 2 already gives an off-RDS copy; revisit with a second account.

resource "aws_cloudwatch_log_group" "jobs" {
  #checkov:skip=CKV_AWS_338:Retention is the planner-owned log_retention_days; job runs are also visible as objects in the backups/archive buckets.
  name              = "/ecs/${local.name}/jobs"
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.main.arn
}

locals {
  # Dump from a replica to keep load off the writer during matches.
  backup_source_host = var.db_read_replica_count > 0 ? aws_db_instance.replica[0].address : aws_db_instance.main.address

  job_network_configuration = {
    subnets          = local.task_subnet_ids
    security_groups  = [aws_security_group.jobs.id]
    assign_public_ip = local.tasks_in_public
  }
}

resource "aws_ecs_task_definition" "backup" {
  family                   = "${local.name}-backup"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 1024
  memory                   = 2048
  execution_role_arn       = aws_iam_role.task_execution.arn
  task_role_arn            = aws_iam_role.backup_task.arn

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = var.api_cpu_architecture
  }

  # The dump is streamed to S3; 21 GiB of ephemeral storage is only scratch.
  volume {
    name = "tmp"
  }

  container_definitions = jsonencode([{
    name                   = "backup"
    image                  = local.backup_image
    essential              = true
    readonlyRootFilesystem = true
    privileged             = false

    environment = [
      { name = "DB_HOST", value = local.backup_source_host },
      { name = "DB_NAME", value = var.db_name },
      { name = "BACKUP_BUCKET", value = aws_s3_bucket.this["backups"].id },
      { name = "BACKUP_PREFIX", value = "mysql/" },
      { name = "KMS_KEY_ID", value = aws_kms_key.main.arn },
    ]
    secrets = local.db_secrets

    mountPoints = [{ sourceVolume = "tmp", containerPath = "/tmp", readOnly = false }]

    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group         = aws_cloudwatch_log_group.jobs.name
        awslogs-region        = local.region
        awslogs-stream-prefix = "backup"
      }
    }
  }])
}

resource "aws_scheduler_schedule" "backup" {
  name                         = "${local.name}-mysql-backup"
  description                  = "Logical MySQL backup to S3"
  schedule_expression          = var.backup_schedule_expression
  schedule_expression_timezone = "UTC"
  kms_key_arn                  = aws_kms_key.main.arn

  flexible_time_window {
    mode                      = "FLEXIBLE"
    maximum_window_in_minutes = 15
  }

  target {
    arn      = aws_ecs_cluster.main.arn
    role_arn = aws_iam_role.scheduler.arn

    ecs_parameters {
      task_definition_arn = aws_ecs_task_definition.backup.arn
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
  }
}
