# Commentary archival: a daily Fargate task moves commentary older than
# commentary_hot_retention_days from MySQL to s3://<archive>/commentary/
# (JSON lines per match, SSE-KMS) and deletes the moved rows in batches. The
# archive bucket's lifecycle then walks it through STANDARD_IA, GLACIER_IR and
# DEEP_ARCHIVE per the planner (storage.tf). The API reads archived matches
# from the bucket (read-only, commentary/ prefix).

resource "aws_ecs_task_definition" "archive" {
  family                   = "${local.name}-archive"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 512
  memory                   = 1024
  execution_role_arn       = aws_iam_role.task_execution.arn
  task_role_arn            = aws_iam_role.archive_task.arn

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = var.api_cpu_architecture
  }

  volume {
    name = "tmp"
  }

  container_definitions = jsonencode([{
    name                   = "archive"
    image                  = local.archive_image
    essential              = true
    readonlyRootFilesystem = true
    privileged             = false

    environment = [
      { name = "DB_HOST", value = aws_db_instance.main.address },
      { name = "DB_NAME", value = var.db_name },
      { name = "ARCHIVE_BUCKET", value = aws_s3_bucket.this["archive"].id },
      { name = "ARCHIVE_PREFIX", value = "commentary/" },
      { name = "HOT_RETENTION_DAYS", value = tostring(var.commentary_hot_retention_days) },
    ]
    secrets = local.db_secrets

    mountPoints = [{ sourceVolume = "tmp", containerPath = "/tmp", readOnly = false }]

    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group         = aws_cloudwatch_log_group.jobs.name
        awslogs-region        = local.region
        awslogs-stream-prefix = "archive"
      }
    }
  }])
}

resource "aws_scheduler_schedule" "archive" {
  name                         = "${local.name}-commentary-archive"
  description                  = "Move commentary older than ${var.commentary_hot_retention_days} days to S3"
  schedule_expression          = var.archive_schedule_expression
  schedule_expression_timezone = "UTC"
  kms_key_arn                  = aws_kms_key.main.arn

  flexible_time_window {
    mode                      = "FLEXIBLE"
    maximum_window_in_minutes = 30
  }

  target {
    arn      = aws_ecs_cluster.main.arn
    role_arn = aws_iam_role.scheduler.arn

    ecs_parameters {
      task_definition_arn = aws_ecs_task_definition.archive.arn
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
