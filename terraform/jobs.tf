# Scheduled Fargate jobs: one task definition and one EventBridge Scheduler
# schedule per entry of local.jobs. What each job does, and what differs
# between them, is in its own file (backup.tf, archive.tf). The map key is the
# task family suffix, the container name and the log stream prefix.

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

    environment = each.value.environment
    secrets     = local.db_secrets

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
