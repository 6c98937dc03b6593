# ECS Fargate: the cluster and the commentary API service. The scheduled job
# task definitions and schedules live in jobs.tf (what each job runs:
# backup.tf, archive.tf). The image repositories are the bootstrap root's
# (terraform/bootstrap/ecr.tf), shared by every environment.
#
# Deploys (docs/adr/0012-terraform-owns-task-definitions.md): Terraform owns
# the task definition, image included (var.api_image, by digest). A change of
# configuration or image is one apply: a new revision, then an ECS rolling
# deployment (100 % healthy, 200 % max, circuit breaker with rollback) that
# the apply waits for and fails on if it rolls back.

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
  api_environment = merge(var.api_environment, {
    ENVIRONMENT                = var.environment
    PORT                       = tostring(var.api_container_port)
    DELIVERY_MODE              = var.delivery_mode
    POLL_INTERVAL_SECONDS      = tostring(var.poll_interval_seconds)
    SSE_HEARTBEAT_SECONDS      = tostring(var.sse_heartbeat_seconds)
    DB_HOST                    = var.db_proxy_enabled ? aws_db_proxy.main[0].endpoint : aws_db_instance.main.address
    DB_READER_HOSTS            = join(",", aws_db_instance.replica[*].address)
    DB_PORT                    = tostring(aws_db_instance.main.port)
    DB_NAME                    = var.db_name
    DB_USER                    = local.db_users.api
    DB_AUTH                    = "iam"
    REDIS_HOST                 = aws_elasticache_replication_group.main.primary_endpoint_address
    REDIS_READER_HOST          = aws_elasticache_replication_group.main.reader_endpoint_address
    REDIS_TLS                  = "true"
    REDIS_USER                 = local.cache_api_user_id
    REDIS_AUTH                 = "iam"
    REDIS_REPLICATION_GROUP_ID = aws_elasticache_replication_group.main.replication_group_id
    ASSETS_BUCKET              = aws_s3_bucket.this["assets"].id
    ARCHIVE_BUCKET             = aws_s3_bucket.this["archive"].id
  })
}

resource "aws_ecs_task_definition" "api" {
  family = "${local.name}-api"
  # A change registers a new revision; the previous ones stay ACTIVE, so the
  # circuit breaker (and a deliberate rollback) can return to them.
  skip_destroy             = true
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
    image                  = var.api_image
    essential              = true
    readonlyRootFilesystem = true
    privileged             = false
    stopTimeout            = 30

    portMappings = [{
      name          = "http"
      containerPort = var.api_container_port
      protocol      = "tcp"
    }]

    # No secrets: MySQL and Valkey authenticate the task role (IAM).
    environment = [for k in sort(keys(local.api_environment)) : { name = k, value = local.api_environment[k] }]

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

  # The apply waits for the rollout and fails if the circuit breaker rolls
  # it back (the provider polls the service deployment and reports
  # ROLLBACK_SUCCESSFUL as an error: internal/service/ecs/service.go,
  # findDeploymentStatus). .ci/deploy.sh roll-api checks it again.
  wait_for_steady_state = true

  # Provider 6.x refuses at plan time to change capacity_provider_strategy on
  # an existing service unless force_new_deployment is true ("force_new_deployment
  # should be true when capacity_provider_strategy is being updated";
  # internal/service/ecs/service.go, capacityProviderStrategyCustomizeDiff),
  # and the offline provider cannot reproduce that check: a Spot share change
  # from the planner would fail every plan. It only takes effect in an
  # update of the service, which rolls the tasks anyway.
  force_new_deployment = true

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
    # Application Auto Scaling owns the running count (autoscaling.tf), so an
    # apply never resets a scaled-out service.
    ignore_changes = [desired_count]
  }

  depends_on = [aws_lb_listener.https, aws_ecs_cluster_capacity_providers.main]
}
