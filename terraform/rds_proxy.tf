# RDS Proxy in front of the MySQL writer, when the planner says so
# (db_proxy_enabled: the tasks' pools overflow the writer's max_connections,
# or the scenario asks for it with data.rds_proxy, e.g. as the db-failover
# drill's mitigation). The planner prices it per writer vCPU-hour (2 vCPUs
# minimum) and models its pool as at most max_connections_percent of the
# writer's max_connections (src/model/rds.rs, checks.rs, tiers.rs).
#
# What goes through it: the API's connections to the writer (DB_HOST, ecs.tf).
# The read replicas are not behind it (RDS Proxy for RDS for MySQL targets the
# source instance only), and the backup/archive jobs and break-glass sessions
# keep connecting to the instances directly.
#
# Authentication: end-to-end IAM, no stored secret (ADR 11). With
# default_auth_scheme = "IAM_AUTH" the API signs a token for the proxy
# (rds-db:connect on dbuser:prx-<id>/kickoff_api, iam.tf) and the proxy signs
# its own for the writer with its role (rds-db:connect on
# dbuser:<writer DbiResourceId>/kickoff_api, below); no Secrets Manager secret
# and no `auth` block ("This is not required if you are using end-to-end IAM
# authentication": RDS user guide, Configuring IAM authentication for RDS
# Proxy; CreateDBProxy DefaultAuthScheme IAM_AUTH | NONE). The provider
# (6.25) has default_auth_scheme; the writer already requires IAM database
# authentication for kickoff_api (rds.tf, sql/users.sql).
#
# Connection settings (RDS user guide, RDS Proxy connection considerations;
# API reference, ConnectionPoolConfiguration):
# * max_connections_percent = 100 (the AWS default): the planner's model
#   (limits catalogue db_proxy.max_connections_percent.default).
# * connection_borrow_timeout: how long a client waits for a pooled
#   connection when every one is busy. Default 5 s, the API's request timeout
#   (scenario app.request_timeout_s): a request that waited longer has
#   already failed for the fan, so holding it only piles connections up.
#   AWS's default is 120 s.
# * idle_client_timeout: 1,800 s (the AWS default). The API's pool must
#   retire idle connections before that (or re-validate them), as it does for
#   MySQL's wait_timeout.
# * require_tls: the proxy presents an ACM certificate (Amazon Root CA), not
#   the RDS CA: the API's trust store needs both (an app requirement,
#   docs/drills.md).

locals {
  db_proxy_engine_family = "MYSQL"

  # aws_db_proxy exports no resource id; it is the last part of the ARN
  # (arn:aws:rds:<region>:<account>:db-proxy:prx-<id>), the id IAM policies
  # for client connections name (RDS user guide, Connecting to a proxy using
  # IAM authentication).
  db_proxy_resource_id = var.db_proxy_enabled ? element(split(":", aws_db_proxy.main[0].arn), 6) : null
}

resource "aws_db_proxy" "main" {
  count = var.db_proxy_enabled ? 1 : 0

  name                   = local.name
  engine_family          = local.db_proxy_engine_family
  role_arn               = aws_iam_role.db_proxy[0].arn
  vpc_subnet_ids         = aws_subnet.private[*].id
  vpc_security_group_ids = [aws_security_group.db_proxy[0].id]
  default_auth_scheme    = "IAM_AUTH"
  require_tls            = true
  idle_client_timeout    = var.db_proxy_idle_client_timeout_seconds
  # Debug logging writes SQL text to CloudWatch: only while troubleshooting.
  debug_logging = false

  lifecycle {
    # CreateDBProxy DBProxyName: "must begin with a letter and must contain
    # only ASCII letters, digits, and hyphens; it can't end with a hyphen or
    # contain two consecutive hyphens" (RDS API reference). var.project
    # already forces the first three; the last is the proxy's own.
    precondition {
      condition     = can(regex("^[A-Za-z]([A-Za-z0-9]|-[A-Za-z0-9])*$", local.name))
      error_message = "The proxy name \"${local.name}\" (<project>-<environment>) is not a valid RDS Proxy name: it must start with a letter, hold only letters, digits and hyphens, and neither end with a hyphen nor contain two consecutive hyphens (RDS API reference, CreateDBProxy)."
    }

    # "This VPC should have a minimum of two subnets that are in different
    # Availability Zones" (RDS user guide, Setting up network prerequisites
    # for RDS Proxy).
    precondition {
      condition     = length(distinct(aws_subnet.private[*].availability_zone)) >= 2
      error_message = "RDS Proxy needs subnets in at least two Availability Zones; the private subnets are in ${join(", ", distinct(aws_subnet.private[*].availability_zone))} (RDS user guide, Setting up network prerequisites for RDS Proxy)."
    }
  }
}

resource "aws_db_proxy_default_target_group" "main" {
  count = var.db_proxy_enabled ? 1 : 0

  db_proxy_name = aws_db_proxy.main[0].name

  connection_pool_config {
    max_connections_percent      = 100
    max_idle_connections_percent = 50
    connection_borrow_timeout    = var.db_proxy_connection_borrow_timeout_seconds
  }
}

resource "aws_db_proxy_target" "writer" {
  count = var.db_proxy_enabled ? 1 : 0

  db_proxy_name          = aws_db_proxy.main[0].name
  target_group_name      = aws_db_proxy_default_target_group.main[0].name
  db_instance_identifier = aws_db_instance.main.identifier
}

# --- The proxy's role: connect to the writer as kickoff_api, nothing else -----

data "aws_iam_policy_document" "db_proxy_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["rds.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_iam_role" "db_proxy" {
  count = var.db_proxy_enabled ? 1 : 0

  name               = "${local.name}-db-proxy"
  assume_role_policy = data.aws_iam_policy_document.db_proxy_assume.json
}

# End-to-end IAM: the proxy's role needs rds-db:connect for the database
# accounts clients use through it (RDS user guide, Configuring IAM
# authentication for RDS Proxy, Creating an IAM policy for end-to-end IAM
# authentication). Only kickoff_api connects through the proxy.
data "aws_iam_policy_document" "db_proxy" {
  count = var.db_proxy_enabled ? 1 : 0

  statement {
    sid       = "ConnectToWriterAsApi"
    actions   = ["rds-db:connect"]
    resources = ["${local.db_connect_arn}:${aws_db_instance.main.resource_id}/${local.db_users.api}"]
  }
}

resource "aws_iam_role_policy" "db_proxy" {
  count = var.db_proxy_enabled ? 1 : 0

  name   = "db-proxy"
  role   = aws_iam_role.db_proxy[0].id
  policy = data.aws_iam_policy_document.db_proxy[0].json
}

# --- Network: api -> proxy -> db, MySQL only -----------------------------------

resource "aws_security_group" "db_proxy" {
  #checkov:skip=CKV2_AWS_5:Attached to aws_db_proxy.main (vpc_security_group_ids, the same count); checkov 3.3.30 CKV2_AWS_5 (SGAttachedToResource.json) does not list aws_db_proxy among the resources that attach a group.
  count = var.db_proxy_enabled ? 1 : 0

  name        = "${local.name}-db-proxy"
  description = "RDS Proxy: MySQL from API tasks, to the writer"
  vpc_id      = aws_vpc.main.id

  tags = { Name = "${local.name}-db-proxy" }
}

resource "aws_vpc_security_group_ingress_rule" "db_proxy_from_api" {
  count = var.db_proxy_enabled ? 1 : 0

  security_group_id            = aws_security_group.db_proxy[0].id
  description                  = "MySQL from API tasks"
  referenced_security_group_id = aws_security_group.api.id
  ip_protocol                  = "tcp"
  from_port                    = 3306
  to_port                      = 3306
}

resource "aws_vpc_security_group_egress_rule" "db_proxy_to_db" {
  count = var.db_proxy_enabled ? 1 : 0

  security_group_id            = aws_security_group.db_proxy[0].id
  description                  = "MySQL to the writer"
  referenced_security_group_id = aws_security_group.db.id
  ip_protocol                  = "tcp"
  from_port                    = 3306
  to_port                      = 3306
}

resource "aws_vpc_security_group_ingress_rule" "db_from_proxy" {
  count = var.db_proxy_enabled ? 1 : 0

  security_group_id            = aws_security_group.db.id
  description                  = "MySQL from RDS Proxy"
  referenced_security_group_id = aws_security_group.db_proxy[0].id
  ip_protocol                  = "tcp"
  from_port                    = 3306
  to_port                      = 3306
}

resource "aws_vpc_security_group_egress_rule" "api_to_db_proxy" {
  count = var.db_proxy_enabled ? 1 : 0

  security_group_id            = aws_security_group.api.id
  description                  = "MySQL through RDS Proxy"
  referenced_security_group_id = aws_security_group.db_proxy[0].id
  ip_protocol                  = "tcp"
  from_port                    = 3306
  to_port                      = 3306
}
