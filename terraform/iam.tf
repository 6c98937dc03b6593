# IAM roles, each scoped to what its principal actually touches.
#
#   task_execution     - ECS agent for the API and the jobs: pull images from
#                        the bootstrap ECR repositories, write task logs; no
#                        secrets (nothing of theirs is one)
#   api_task           - the API: connect to MySQL as kickoff_api (directly
#                        and through RDS Proxy) and to Valkey as its IAM
#                        user; read archived commentary
#   backup_task        - connect as kickoff_backup to the instance it dumps;
#                        write dumps to backups/mysql/*; publish its success
#                        metric
#   archive_task       - connect as kickoff_archive to the writer; read/write
#                        archive/commentary/*
#   db_admin_execution - ECS agent for the db-admin task only: read the
#                        master secret (jobs.tf)
#   scheduler          - EventBridge Scheduler: run the job task definitions
#                        (jobs.tf: backup, archive) on the cluster, passing
#                        their task roles; dead-letter failed runs
#   db_proxy           - RDS Proxy (rds_proxy.tf): connect to the writer as
#                        kickoff_api (end-to-end IAM), only with the proxy
#   rds_monitoring     - RDS Enhanced Monitoring
#   flow_logs          - VPC flow logs to CloudWatch Logs
#   deploy (policy)    - GitHub Actions rollouts for this environment: publish
#                        the planner and game assets, invalidate CloudFront,
#                        check the API rollout. The role itself, and the plan
#                        and apply roles, are the bootstrap root's
#                        (terraform/bootstrap/github.tf).

data "aws_iam_policy_document" "ecs_tasks_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

# --- Task execution role ----------------------------------------------------

resource "aws_iam_role" "task_execution" {
  name               = "${local.name}-task-execution"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
}

data "aws_iam_policy_document" "task_execution" {
  statement {
    sid = "EcrAuthToken"
    # GetAuthorizationToken does not support resource-level permissions.
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"]
  }

  statement {
    sid       = "EcrPull"
    actions   = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
    resources = local.ecr_repository_arns
  }

  statement {
    sid     = "TaskLogs"
    actions = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = [
      "${aws_cloudwatch_log_group.api.arn}:*",
      "${aws_cloudwatch_log_group.jobs.arn}:*",
    ]
  }
}

resource "aws_iam_role_policy" "task_execution" {
  name   = "task-execution"
  role   = aws_iam_role.task_execution.id
  policy = data.aws_iam_policy_document.task_execution.json
}

# --- API task role ------------------------------------------------------------

resource "aws_iam_role" "api_task" {
  name               = "${local.name}-api-task"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
}

# IAM database authentication: rds-db:connect for one MySQL user on the
# instances the task connects to, by their DbiResourceId (RDS user guide,
# Creating and using an IAM policy for IAM database access).
locals {
  db_instance_resource_ids = concat([aws_db_instance.main.resource_id], aws_db_instance.replica[*].resource_id)
  db_connect_arn           = "arn:${local.partition}:rds-db:${local.region}:${local.account_id}:dbuser"
  backup_source_resource_id = (var.db_read_replica_count > 0
    ? aws_db_instance.replica[0].resource_id
  : aws_db_instance.main.resource_id)
}

data "aws_iam_policy_document" "api_task" {
  statement {
    sid       = "ConnectToMysqlAsApi"
    actions   = ["rds-db:connect"]
    resources = [for id in local.db_instance_resource_ids : "${local.db_connect_arn}:${id}/${local.db_users.api}"]
  }

  # Through RDS Proxy (rds_proxy.tf): the proxy's resource id, prx-... (RDS
  # user guide, Connecting to a proxy using IAM authentication). The direct
  # grant on the writer above stays, so an apply that adds or removes the
  # proxy never cuts off the tasks still running the previous revision while
  # the service rolls.
  dynamic "statement" {
    for_each = var.db_proxy_enabled ? [local.db_proxy_resource_id] : []

    content {
      sid       = "ConnectThroughRdsProxyAsApi"
      actions   = ["rds-db:connect"]
      resources = ["${local.db_connect_arn}:${statement.value}/${local.db_users.api}"]
    }
  }

  # ElastiCache IAM authentication: the replication group and the user
  # (ElastiCache user guide, Authenticating with IAM, Setup).
  statement {
    sid     = "ConnectToValkeyAsApi"
    actions = ["elasticache:Connect"]
    resources = [
      aws_elasticache_replication_group.main.arn,
      aws_elasticache_user.api.arn,
    ]
  }

  statement {
    sid       = "ReadArchivedCommentary"
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.this["archive"].arn}/commentary/*"]
  }

  statement {
    sid       = "ListArchivedCommentary"
    actions   = ["s3:ListBucket"]
    resources = [aws_s3_bucket.this["archive"].arn]

    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = ["commentary/*"]
    }
  }

  statement {
    sid       = "DecryptArchiveObjects"
    actions   = ["kms:Decrypt"]
    resources = [aws_kms_key.main.arn]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["s3.${local.region}.amazonaws.com"]
    }
  }
}

resource "aws_iam_role_policy" "api_task" {
  name   = "api-task"
  role   = aws_iam_role.api_task.id
  policy = data.aws_iam_policy_document.api_task.json
}

# --- Backup and archive task roles ------------------------------------------

resource "aws_iam_role" "backup_task" {
  name               = "${local.name}-backup-task"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
}

data "aws_iam_policy_document" "backup_task" {
  statement {
    sid       = "ConnectToMysqlAsBackup"
    actions   = ["rds-db:connect"]
    resources = ["${local.db_connect_arn}:${local.backup_source_resource_id}/${local.db_users.backup}"]
  }

  # PutMetricData has no resource-level permissions; the namespace
  # condition keeps the job to its own metric (CloudWatch user guide, Using
  # condition keys to limit access to CloudWatch namespaces).
  statement {
    sid       = "PublishBackupSuccess"
    actions   = ["cloudwatch:PutMetricData"]
    resources = ["*"]

    condition {
      test     = "StringEquals"
      variable = "cloudwatch:namespace"
      values   = [local.job_metric_namespace]
    }
  }

  statement {
    sid       = "WriteDumps"
    actions   = ["s3:PutObject", "s3:AbortMultipartUpload"]
    resources = ["${aws_s3_bucket.this["backups"].arn}/mysql/*"]
  }

  statement {
    sid       = "EncryptDumps"
    actions   = ["kms:GenerateDataKey", "kms:Decrypt"]
    resources = [aws_kms_key.main.arn]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["s3.${local.region}.amazonaws.com"]
    }
  }
}

resource "aws_iam_role_policy" "backup_task" {
  name   = "backup-task"
  role   = aws_iam_role.backup_task.id
  policy = data.aws_iam_policy_document.backup_task.json
}

resource "aws_iam_role" "archive_task" {
  name               = "${local.name}-archive-task"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
}

data "aws_iam_policy_document" "archive_task" {
  statement {
    sid       = "ConnectToMysqlAsArchive"
    actions   = ["rds-db:connect"]
    resources = ["${local.db_connect_arn}:${aws_db_instance.main.resource_id}/${local.db_users.archive}"]
  }

  statement {
    sid       = "ReadWriteArchive"
    actions   = ["s3:PutObject", "s3:GetObject", "s3:AbortMultipartUpload"]
    resources = ["${aws_s3_bucket.this["archive"].arn}/commentary/*"]
  }

  statement {
    sid       = "ListArchive"
    actions   = ["s3:ListBucket"]
    resources = [aws_s3_bucket.this["archive"].arn]

    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = ["commentary/*"]
    }
  }

  statement {
    sid       = "EncryptArchive"
    actions   = ["kms:GenerateDataKey", "kms:Decrypt"]
    resources = [aws_kms_key.main.arn]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["s3.${local.region}.amazonaws.com"]
    }
  }
}

resource "aws_iam_role_policy" "archive_task" {
  name   = "archive-task"
  role   = aws_iam_role.archive_task.id
  policy = data.aws_iam_policy_document.archive_task.json
}

# --- db-admin execution role (jobs.tf) ----------------------------------------

# Separate from task_execution so that no task definition the deploy path
# could register can have the master password injected: only this role
# reads it, and only administrators may pass it.
resource "aws_iam_role" "db_admin_execution" {
  name               = "${local.name}-db-admin-execution"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
}

data "aws_iam_policy_document" "db_admin_execution" {
  statement {
    sid = "EcrAuthToken"
    # GetAuthorizationToken does not support resource-level permissions.
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"]
  }

  statement {
    sid       = "EcrPull"
    actions   = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
    resources = local.ecr_repository_arns
  }

  statement {
    sid       = "TaskLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.jobs.arn}:*"]
  }

  statement {
    sid       = "ReadMasterSecret"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [aws_secretsmanager_secret.db_master.arn]
  }

  statement {
    sid       = "DecryptMasterSecret"
    actions   = ["kms:Decrypt"]
    resources = [aws_kms_key.main.arn]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["secretsmanager.${local.region}.amazonaws.com"]
    }
  }
}

resource "aws_iam_role_policy" "db_admin_execution" {
  name   = "db-admin-execution"
  role   = aws_iam_role.db_admin_execution.id
  policy = data.aws_iam_policy_document.db_admin_execution.json
}

# --- EventBridge Scheduler ----------------------------------------------------

data "aws_iam_policy_document" "scheduler_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["scheduler.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_iam_role" "scheduler" {
  name               = "${local.name}-scheduler"
  assume_role_policy = data.aws_iam_policy_document.scheduler_assume.json
}

data "aws_iam_policy_document" "scheduler" {
  statement {
    sid     = "RunJobTasks"
    actions = ["ecs:RunTask"]
    resources = [
      "arn:${local.partition}:ecs:${local.region}:${local.account_id}:task-definition/${aws_ecs_task_definition.job["backup"].family}:*",
      "arn:${local.partition}:ecs:${local.region}:${local.account_id}:task-definition/${aws_ecs_task_definition.job["archive"].family}:*",
    ]

    condition {
      test     = "ArnEquals"
      variable = "ecs:cluster"
      values   = [aws_ecs_cluster.main.arn]
    }
  }

  statement {
    sid       = "PassJobRoles"
    actions   = ["iam:PassRole"]
    resources = [aws_iam_role.task_execution.arn, aws_iam_role.backup_task.arn, aws_iam_role.archive_task.arn]

    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["ecs-tasks.amazonaws.com"]
    }
  }

  statement {
    sid       = "UseScheduleKey"
    actions   = ["kms:Decrypt"]
    resources = [aws_kms_key.main.arn]
  }

  # The schedules' dead-letter queue (EventBridge Scheduler user guide,
  # Configuring a dead-letter queue: the execution role sends to it).
  statement {
    sid       = "DeadLetterFailedRuns"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.job_failures.arn]
  }
}

resource "aws_iam_role_policy" "scheduler" {
  name   = "run-jobs"
  role   = aws_iam_role.scheduler.id
  policy = data.aws_iam_policy_document.scheduler.json
}

# --- RDS Enhanced Monitoring ------------------------------------------------

data "aws_iam_policy_document" "rds_monitoring_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["monitoring.rds.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "rds_monitoring" {
  name               = "${local.name}-rds-monitoring"
  assume_role_policy = data.aws_iam_policy_document.rds_monitoring_assume.json
}

resource "aws_iam_role_policy_attachment" "rds_monitoring" {
  role       = aws_iam_role.rds_monitoring.name
  policy_arn = "arn:${local.partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"
}

# --- VPC flow logs ------------------------------------------------------------

data "aws_iam_policy_document" "flow_logs_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["vpc-flow-logs.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_iam_role" "flow_logs" {
  name               = "${local.name}-flow-logs"
  assume_role_policy = data.aws_iam_policy_document.flow_logs_assume.json
}

data "aws_iam_policy_document" "flow_logs" {
  statement {
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"]
    resources = ["${aws_cloudwatch_log_group.flow_logs.arn}:*"]
  }
}

resource "aws_iam_role_policy" "flow_logs" {
  name   = "flow-logs"
  role   = aws_iam_role.flow_logs.id
  policy = data.aws_iam_policy_document.flow_logs.json
}

# --- GitHub Actions deploy role: what rollouts may do ------------------------
#
# The role and its trust (OIDC, this repository's <environment> GitHub
# environment only) are created by terraform/bootstrap before this stack
# exists; this stack grants it exactly its own resources. It registers no
# task definitions and passes no roles: images roll out through an apply
# (ecs.tf).

locals {
  api_service_arn = "arn:${local.partition}:ecs:${local.region}:${local.account_id}:service/${aws_ecs_cluster.main.name}/${aws_ecs_service.api.name}"
}

data "aws_iam_role" "deploy" {
  name = "${local.name}-github-deploy"
}

data "aws_iam_policy_document" "deploy" {
  statement {
    sid     = "PublishStaticContent"
    actions = ["s3:PutObject", "s3:DeleteObject", "s3:GetObject"]
    # planner/ holds the planner bundle; assets/ the game assets; _deploy/
    # the manifest of their hashes (.ci/deploy.sh sync-assets), read and
    # rewritten on each publish.
    resources = [
      "${aws_s3_bucket.this["site"].arn}/planner/*",
      "${aws_s3_bucket.this["assets"].arn}/assets/*",
      "${aws_s3_bucket.this["assets"].arn}/_deploy/*",
    ]
  }

  statement {
    sid       = "ListStaticBuckets"
    actions   = ["s3:ListBucket"]
    resources = [aws_s3_bucket.this["site"].arn, aws_s3_bucket.this["assets"].arn]
  }

  statement {
    sid       = "EncryptStaticContent"
    actions   = ["kms:GenerateDataKey", "kms:Decrypt"]
    resources = [aws_kms_key.main.arn]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["s3.${local.region}.amazonaws.com"]
    }
  }

  statement {
    sid       = "InvalidateCdn"
    actions   = ["cloudfront:CreateInvalidation", "cloudfront:GetInvalidation"]
    resources = [aws_cloudfront_distribution.main.arn]
  }

  statement {
    sid       = "CheckApiRollout"
    actions   = ["ecs:DescribeServices"]
    resources = [local.api_service_arn]
  }

  statement {
    sid = "ReadTaskDefinitions"
    # DescribeTaskDefinition does not support resource-level permissions.
    actions   = ["ecs:DescribeTaskDefinition"]
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "deploy" {
  name   = "deploy"
  role   = data.aws_iam_role.deploy.name
  policy = data.aws_iam_policy_document.deploy.json
}
