# ECS Fargate: the cluster, image repositories and the commentary API
# service. The scheduled job task definitions and schedules live in jobs.tf
# (what each job runs: backup.tf, archive.tf).

resource "aws_ecr_repository" "this" {
  for_each = toset(["api", "backup", "archive"])

  name                 = "${local.name}/${each.key}"
  image_tag_mutability = "IMMUTABLE"

  image_scanning_configuration {
    scan_on_push = true
  }

  encryption_configuration {
    encryption_type = "KMS"
    kms_key         = aws_kms_key.main.arn
  }
}

resource "aws_ecr_lifecycle_policy" "this" {
  for_each = aws_ecr_repository.this

  repository = each.value.name
  policy = jsonencode({
    rules = [{
      rulePriority = 1
      description  = "Keep the 50 most recent images (rollback window)"
      selection    = { tagStatus = "any", countType = "imageCountMoreThan", countNumber = 50 }
      action       = { type = "expire" }
    }]
  })
}

resource "aws_ecs_cluster" "main" {
  name = local.name

  setting {
    name  = "containerInsights"
    value = "enabled"
  }

  configuration {
    execute_command_configuration {
      kms_key_id = aws_kms_key.main.arn
      logging    = "OVERRIDE"

      log_configuration {
        cloud_watch_encryption_enabled = true
        cloud_watch_log_group_name     = aws_cloudwatch_log_group.ecs_exec.name
      }
    }
  }
}

resource "aws_ecs_cluster_capacity_providers" "main" {
  cluster_name       = aws_ecs_cluster.main.name
  capacity_providers = ["FARGATE", "FARGATE_SPOT"]

  default_capacity_provider_strategy {
    capacity_provider = "FARGATE"
    weight            = 1
  }
}

resource "aws_cloudwatch_log_group" "api" {
  #checkov:skip=CKV_AWS_338:Retention is the planner-owned log_retention_days, a per-environment cost decision; 1 year of API logs is not needed for a commentary feed.
  name              = "/ecs/${local.name}/api"
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.main.arn
}

resource "aws_cloudwatch_log_group" "ecs_exec" {
  #checkov:skip=CKV_AWS_338:Retention is the planner-owned log_retention_days; ECS Exec is disabled on the service, this group only exists for break-glass sessions.
  name              = "/ecs/${local.name}/exec"
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.main.arn
}

locals {
  db_secret_arn = aws_db_instance.main.master_user_secret[0].secret_arn

  api_environment = merge(var.api_environment, {
    ENVIRONMENT           = var.environment
    PORT                  = tostring(var.api_container_port)
    DELIVERY_MODE         = var.delivery_mode
    POLL_INTERVAL_SECONDS = tostring(var.poll_interval_seconds)
    SSE_HEARTBEAT_SECONDS = tostring(var.sse_heartbeat_seconds)
    DB_HOST               = aws_db_instance.main.address
    DB_READER_HOSTS       = join(",", aws_db_instance.replica[*].address)
    DB_NAME               = var.db_name
    REDIS_HOST            = aws_elasticache_replication_group.main.primary_endpoint_address
    REDIS_READER_HOST     = aws_elasticache_replication_group.main.reader_endpoint_address
    REDIS_TLS             = "true"
    ASSETS_BUCKET         = aws_s3_bucket.this["assets"].id
    ARCHIVE_BUCKET        = aws_s3_bucket.this["archive"].id
  })

  # Credentials come from Secrets Manager at task start, never as literals.
  db_secrets = [
    { name = "DB_USERNAME", valueFrom = "${local.db_secret_arn}:username::" },
    { name = "DB_PASSWORD", valueFrom = "${local.db_secret_arn}:password::" },
  ]
}

resource "aws_ecs_task_definition" "api" {
  family                   = "${local.name}-api"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.api_cpu
  memory                   = var.api_memory
  execution_role_arn       = aws_iam_role.task_execution.arn
  task_role_arn            = aws_iam_role.api_task.arn

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = var.api_cpu_architecture
  }

  # Writable scratch space; the root filesystem is read-only.
  volume {
    name = "tmp"
  }

  container_definitions = jsonencode([{
    name                   = "api"
    image                  = local.api_image
    essential              = true
    readonlyRootFilesystem = true
    privileged             = false
    stopTimeout            = 30

    portMappings = [{
      name          = "http"
      containerPort = var.api_container_port
      protocol      = "tcp"
    }]

    environment = [for k in sort(keys(local.api_environment)) : { name = k, value = local.api_environment[k] }]
    secrets = concat(local.db_secrets, [
      { name = "REDIS_AUTH_TOKEN", valueFrom = aws_secretsmanager_secret.cache_auth.arn },
    ])

    mountPoints     = [{ sourceVolume = "tmp", containerPath = "/tmp", readOnly = false }]
    linuxParameters = { initProcessEnabled = true }

    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group         = aws_cloudwatch_log_group.api.name
        awslogs-region        = local.region
        awslogs-stream-prefix = "api"
      }
    }
  }])
}

resource "aws_ecs_service" "api" {
  #checkov:skip=CKV_AWS_333:assign_public_ip is true only when the planner picks egress_mode = public_subnets (no NAT); the task security group still admits only the ALB.
  name             = "api"
  cluster          = aws_ecs_cluster.main.arn
  task_definition  = aws_ecs_task_definition.api.arn
  desired_count    = var.api_min_tasks
  platform_version = "LATEST"
  propagate_tags   = "SERVICE"

  # Zero-downtime deploys: keep 100 % serving, surge to 200 %, roll back a
  # deployment whose tasks never become healthy.
  deployment_minimum_healthy_percent = 100
  deployment_maximum_percent         = 200
  health_check_grace_period_seconds  = 60
  availability_zone_rebalancing      = "ENABLED"
  enable_execute_command             = false

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  dynamic "capacity_provider_strategy" {
    for_each = local.api_capacity_providers

    content {
      capacity_provider = capacity_provider_strategy.value.provider
      base              = capacity_provider_strategy.value.base
      weight            = capacity_provider_strategy.value.weight
    }
  }

  # Fargate spreads tasks across the subnets (one per AZ).
  network_configuration {
    subnets          = local.task_subnet_ids
    security_groups  = [aws_security_group.api.id]
    assign_public_ip = local.tasks_in_public
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.api.arn
    container_name   = "api"
    container_port   = var.api_container_port
  }

  lifecycle {
    # Application Auto Scaling owns the running count (autoscaling.tf); the
    # deploy workflow owns which revision runs (it registers the family's
    # latest revision with the new image), so an apply never reverts a deploy.
    ignore_changes = [desired_count, task_definition]
  }

  depends_on = [aws_lb_listener.https, aws_ecs_cluster_capacity_providers.main]
}
