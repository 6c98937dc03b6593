# Break-glass access for SQL and Valkey diagnosis (docs/break-glass.md).
#
# A human assumes the break-glass role (MFA required), starts one diagnostic
# task and opens a shell in it with ECS Exec:
#
#   task  kickoff-<env>-break-glass: two containers, `mysql` (mysql 8.4 client)
#         and `valkey` (valkey-cli), each running `sleep 3600`, so a forgotten
#         session ends by itself after an hour. Images are the official ones
#         from ECR Public, pulled through this account's ECR pull-through cache,
#         so no internet egress is needed.
#   net   its own security group: no ingress; egress only to MySQL, Valkey and
#         HTTPS (ECR, SSM messages, logs); the DB and cache groups admit it.
#   SQL   as the read-only MySQL user kickoff_diag (SELECT, PROCESS, SHOW VIEW;
#         sql/users.sql) with IAM database authentication: the token is
#         generated from the human's own break-glass session, no password
#         exists.
#   Valkey as the read-only ElastiCache user <name>-diag with IAM
#         authentication (cache.tf has no AUTH token): the token is signed
#         with the same break-glass session.
#   audit ECS Exec session output goes to the KMS-encrypted log group
#         /ecs/<env>/exec (cluster setting in ecs.tf); CloudTrail records
#         AssumeRole, RunTask and ExecuteCommand with the human's identity.
#
# The serving API keeps enable_execute_command = false: ECS Exec's agent needs a
# writable root filesystem (aws/containers-roadmap#1359), which the API task
# deliberately does not have, and a shell in a task that serves fans is a larger
# blast radius than a separate one that serves nobody.

locals {
  break_glass_family   = "${local.name}-break-glass"
  break_glass_ecr      = "${local.name}-ecr-public"
  break_glass_registry = "${local.account_id}.dkr.ecr.${local.region}.amazonaws.com/${local.break_glass_ecr}"
  # Official images on ECR Public (Docker Official Images mirror).
  break_glass_images = {
    mysql  = "${local.break_glass_registry}/docker/library/mysql:8.4"
    valkey = "${local.break_glass_registry}/docker/library/valkey:8.0"
  }
  break_glass_db_user = local.db_users.diag
}

# The Valkey user the break-glass session authenticates as (IAM, like the
# API's user in cache.tf: name = ID). Read-only: the read commands (GET,
# SCAN, TYPE, STRLEN, MEMORY USAGE, ... : what `valkey-cli --bigkeys` and
# `--memkeys` use) and INFO, which is in @dangerous and so is named on its
# own; not KEYS (in @read, but it blocks a live node while it walks every
# key). No write, admin or flush command.
resource "aws_elasticache_user" "diag" {
  user_id       = "${local.name}-diag"
  user_name     = "${local.name}-diag"
  engine        = var.cache_engine
  access_string = "on ~* -@all +@read +info -keys"

  authentication_mode {
    type = "iam"
  }
}

resource "aws_ecr_pull_through_cache_rule" "ecr_public" {
  ecr_repository_prefix = local.break_glass_ecr
  upstream_registry_url = "public.ecr.aws"
}

resource "aws_cloudwatch_log_group" "break_glass" {
  #checkov:skip=CKV_AWS_338:Retention is the planner-owned log_retention_days; the diagnostic containers only log their start and stop.
  name              = "/ecs/${local.name}/break-glass"
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.main.arn
}

# --- Network: the diagnostic task's own group ---------------------------------

resource "aws_security_group" "break_glass" {
  #checkov:skip=CKV2_AWS_5:Attached at run time: the break-glass run-task command (docs/break-glass.md) passes it in its network configuration, which checkov does not model as an attachment.
  name        = "${local.name}-break-glass"
  description = "Break-glass diagnostic task: no ingress; MySQL, Valkey and HTTPS out"
  vpc_id      = aws_vpc.main.id

  tags = { Name = "${local.name}-break-glass" }
}

resource "aws_vpc_security_group_egress_rule" "break_glass" {
  for_each = {
    mysql  = { port = 3306, group = aws_security_group.db.id }
    valkey = { port = 6379, group = aws_security_group.cache.id }
  }

  security_group_id            = aws_security_group.break_glass.id
  description                  = "${each.key} for diagnosis"
  referenced_security_group_id = each.value.group
  ip_protocol                  = "tcp"
  from_port                    = each.value.port
  to_port                      = each.value.port
}

resource "aws_vpc_security_group_egress_rule" "break_glass_https" {
  security_group_id            = aws_security_group.break_glass.id
  description                  = local.use_vpc_endpoints ? "HTTPS to VPC interface endpoints (ECR, SSM messages, KMS, logs)" : "HTTPS to ECR, SSM messages, KMS and logs via NAT or public IP"
  referenced_security_group_id = local.use_vpc_endpoints ? aws_security_group.endpoints[0].id : null
  cidr_ipv4                    = local.use_vpc_endpoints ? null : "0.0.0.0/0"
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
}

resource "aws_vpc_security_group_egress_rule" "break_glass_s3" {
  security_group_id = aws_security_group.break_glass.id
  description       = "HTTPS to S3 through the gateway endpoint (ECR image layers)"
  prefix_list_id    = data.aws_ec2_managed_prefix_list.s3.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
}

resource "aws_vpc_security_group_ingress_rule" "break_glass" {
  for_each = merge(
    {
      db    = { port = 3306, group = aws_security_group.db.id }
      cache = { port = 6379, group = aws_security_group.cache.id }
    },
    local.use_vpc_endpoints ? { endpoints = { port = 443, group = aws_security_group.endpoints[0].id } } : {},
  )

  security_group_id            = each.value.group
  description                  = "From the break-glass diagnostic task"
  referenced_security_group_id = aws_security_group.break_glass.id
  ip_protocol                  = "tcp"
  from_port                    = each.value.port
  to_port                      = each.value.port
}

# ECS Exec's agent opens its channels through SSM messages and decrypts the
# session with the cluster's KMS key; without internet egress both need an
# interface endpoint (ECS developer guide, "Monitor Amazon ECS containers with
# ECS Exec": VPC endpoint for ssmmessages, and KMS when the session is encrypted).
resource "aws_vpc_endpoint" "break_glass" {
  for_each = local.use_vpc_endpoints ? toset(["ssmmessages", "kms"]) : toset([])

  vpc_id              = aws_vpc.main.id
  service_name        = "com.amazonaws.${local.region}.${each.key}"
  vpc_endpoint_type   = "Interface"
  private_dns_enabled = true
  subnet_ids          = aws_subnet.private[*].id
  security_group_ids  = [aws_security_group.endpoints[0].id]

  tags = { Name = "${local.name}-${each.key}" }
}

# --- Roles of the diagnostic task -----------------------------------------------

resource "aws_iam_role" "break_glass_execution" {
  name               = "${local.name}-break-glass-execution"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
}

data "aws_iam_policy_document" "break_glass_execution" {
  statement {
    sid       = "EcrAuthToken"
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"]
  }

  # First pull of an image creates its cache repository and imports it.
  statement {
    sid       = "PullThroughCache"
    actions   = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:CreateRepository", "ecr:BatchImportUpstreamImage"]
    resources = ["arn:${local.partition}:ecr:${local.region}:${local.account_id}:repository/${local.break_glass_ecr}/*"]
  }

  statement {
    sid       = "ContainerLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.break_glass.arn}:*"]
  }
}

resource "aws_iam_role_policy" "break_glass_execution" {
  name   = "break-glass-execution"
  role   = aws_iam_role.break_glass_execution.id
  policy = data.aws_iam_policy_document.break_glass_execution.json
}

resource "aws_iam_role" "break_glass_task" {
  name               = "${local.name}-break-glass-task"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
}

# What the ECS Exec agent in the task needs, and nothing else: the task itself
# reads no data (the human brings the MySQL and Valkey IAM tokens).
data "aws_iam_policy_document" "break_glass_task" {
  statement {
    sid       = "EcsExecChannels"
    actions   = ["ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"]
    resources = ["*"]
  }

  statement {
    sid       = "EcsExecSessionLog"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"]
    resources = ["${aws_cloudwatch_log_group.ecs_exec.arn}:*"]
  }

  statement {
    sid       = "EcsExecFindLogGroup"
    actions   = ["logs:DescribeLogGroups"]
    resources = ["*"]
  }

  statement {
    sid       = "EcsExecSessionKey"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [aws_kms_key.main.arn]
  }
}

resource "aws_iam_role_policy" "break_glass_task" {
  name   = "break-glass-task"
  role   = aws_iam_role.break_glass_task.id
  policy = data.aws_iam_policy_document.break_glass_task.json
}

resource "aws_ecs_task_definition" "break_glass" {
  #checkov:skip=CKV_AWS_336:ECS Exec's agent cannot run on a read-only root filesystem (aws/containers-roadmap#1359); this task serves no traffic, has no ingress, holds no credentials and stops itself after an hour.
  family                   = local.break_glass_family
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 1024
  execution_role_arn       = aws_iam_role.break_glass_execution.arn
  task_role_arn            = aws_iam_role.break_glass_task.arn

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = var.api_cpu_architecture
  }

  container_definitions = jsonencode([for name, image in local.break_glass_images : {
    name                   = name
    image                  = image
    essential              = true
    readonlyRootFilesystem = false
    privileged             = false
    entryPoint             = ["sleep"]
    command                = ["3600"]
    linuxParameters        = { initProcessEnabled = true }

    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group         = aws_cloudwatch_log_group.break_glass.name
        awslogs-region        = local.region
        awslogs-stream-prefix = name
      }
    }
  }])
}

# --- The role a human assumes ------------------------------------------------------

resource "aws_iam_role" "break_glass" {
  name                 = "${local.name}-break-glass"
  description          = "Break-glass SQL and Valkey diagnosis for ${local.name} (docs/break-glass.md); MFA required"
  assume_role_policy   = data.aws_iam_policy_document.break_glass_assume.json
  max_session_duration = 3600
}

data "aws_iam_policy_document" "break_glass_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }

    condition {
      test     = "Bool"
      variable = "aws:MultiFactorAuthPresent"
      values   = ["true"]
    }
  }
}

data "aws_iam_policy_document" "break_glass" {
  statement {
    sid       = "RunDiagnosticTask"
    actions   = ["ecs:RunTask"]
    resources = ["arn:${local.partition}:ecs:${local.region}:${local.account_id}:task-definition/${local.break_glass_family}:*"]

    condition {
      test     = "ArnEquals"
      variable = "ecs:cluster"
      values   = [aws_ecs_cluster.main.arn]
    }
  }

  statement {
    sid       = "PassDiagnosticRoles"
    actions   = ["iam:PassRole"]
    resources = [aws_iam_role.break_glass_execution.arn, aws_iam_role.break_glass_task.arn]

    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["ecs-tasks.amazonaws.com"]
    }
  }

  # Only the diagnostic containers: the API's container is named "api".
  statement {
    sid       = "ExecIntoDiagnosticContainers"
    actions   = ["ecs:ExecuteCommand"]
    resources = ["arn:${local.partition}:ecs:${local.region}:${local.account_id}:task/${aws_ecs_cluster.main.name}/*"]

    condition {
      test     = "StringEquals"
      variable = "ecs:container-name"
      values   = keys(local.break_glass_images)
    }
  }

  statement {
    sid       = "WatchAndStopTasks"
    actions   = ["ecs:DescribeTasks", "ecs:StopTask"]
    resources = ["arn:${local.partition}:ecs:${local.region}:${local.account_id}:task/${aws_ecs_cluster.main.name}/*"]
  }

  statement {
    sid       = "ListTasks"
    actions   = ["ecs:ListTasks"]
    resources = ["arn:${local.partition}:ecs:${local.region}:${local.account_id}:container-instance/${aws_ecs_cluster.main.name}/*"]

    condition {
      test     = "ArnEquals"
      variable = "ecs:cluster"
      values   = [aws_ecs_cluster.main.arn]
    }
  }

  statement {
    sid       = "FindEndpoints"
    actions   = ["rds:DescribeDBInstances", "elasticache:DescribeReplicationGroups"]
    resources = ["arn:${local.partition}:rds:${local.region}:${local.account_id}:db:${local.name}*", aws_elasticache_replication_group.main.arn]
  }

  statement {
    sid = "FindNetwork"
    # These calls have no resource-level permissions.
    actions   = ["ec2:DescribeSubnets", "ec2:DescribeSecurityGroups", "ecs:DescribeTaskDefinition"]
    resources = ["*"]
  }

  # kickoff_diag on any instance of this account and region, not only the
  # ones Terraform knows: a point-in-time restore creates an instance with a
  # new resource ID that must be checked before it replaces the writer
  # (docs/data-management.md, step 3), and Terraform learns that ID only after
  # the swap. Bounded all the same: the user is read-only and exists only
  # where users.sql ran, the session needs MFA, and the diagnostic task can
  # reach only this environment's database (its security group, this VPC).
  # The task roles (iam.tf) name exact resource IDs.
  statement {
    sid       = "ReadOnlyDatabaseUser"
    actions   = ["rds-db:connect"]
    resources = ["arn:${local.partition}:rds-db:${local.region}:${local.account_id}:dbuser:*/${local.break_glass_db_user}"]
  }

  # ElastiCache IAM authentication: the replication group and the read-only
  # user (ElastiCache user guide, Authenticating with IAM, Setup).
  statement {
    sid       = "ReadOnlyCacheUser"
    actions   = ["elasticache:Connect"]
    resources = [aws_elasticache_replication_group.main.arn, aws_elasticache_user.diag.arn]
  }

  statement {
    sid       = "ReadSessionLogs"
    actions   = ["logs:FilterLogEvents", "logs:GetLogEvents", "logs:DescribeLogStreams"]
    resources = ["${aws_cloudwatch_log_group.ecs_exec.arn}:*", "${aws_cloudwatch_log_group.break_glass.arn}:*"]
  }
}

resource "aws_iam_role_policy" "break_glass" {
  name   = "break-glass"
  role   = aws_iam_role.break_glass.id
  policy = data.aws_iam_policy_document.break_glass.json
}
