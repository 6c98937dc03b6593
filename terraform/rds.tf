# RDS for MySQL 8.4 (db_engine_version): writer (optionally Multi-AZ) plus
# read replicas.
#
# Credentials (docs/adr/0011-iam-database-authentication.md):
# * The API, the backup job and the archive job connect with IAM database
#   authentication as their own MySQL users (kickoff_api, kickoff_backup,
#   kickoff_archive; terraform/sql/users.sql): a 15-minute token per
#   connection from the task role, so no task holds a password that can go
#   stale. Task roles: iam.tf (rds-db:connect, one user each).
# * The master password exists for administrators only (users.sql, break
#   glass). It is generated at apply time by an ephemeral resource, handed to
#   RDS with the write-only password_wo and stored in the secret
#   <project>-<environment>/db/master with the write-only secret_string_wo,
#   so it is never in state or in a plan. It changes only when
#   db_master_password_version changes.
# * Not manage_master_user_password: RDS refuses read replicas of a MySQL
#   instance whose master password it manages ("Creating read replicas for
#   source instance with engine mysql where ManageMasterUserPassword is
#   enabled is not supported"; RDS user guide, Password management with
#   Secrets Manager, Limitations). tests/plan.tftest.hcl asserts it is unset.

resource "aws_db_subnet_group" "main" {
  name       = local.name
  subnet_ids = aws_subnet.private[*].id
}

resource "aws_db_parameter_group" "mysql" {
  name        = "${local.name}-mysql${replace(var.db_engine_version, ".", "")}"
  family      = "mysql${var.db_engine_version}"
  description = "${local.name} MySQL ${var.db_engine_version}: TLS required, slow query log"

  parameter {
    name  = "require_secure_transport"
    value = "1"
  }

  parameter {
    name  = "slow_query_log"
    value = "1"
  }

  parameter {
    name  = "long_query_time"
    value = "1"
  }

  parameter {
    name  = "log_output"
    value = "FILE"
  }

  lifecycle {
    create_before_destroy = true
  }
}

locals {
  db_log_exports      = ["error", "slowquery"]
  db_master_username  = "kickoff_admin"
  db_master_secret_id = "${local.name}/db/master"

  # MySQL users the tasks, and break-glass sessions, connect as (IAM
  # authentication; sql/users.sql).
  db_users = {
    api     = "kickoff_api"
    backup  = "kickoff_backup"
    archive = "kickoff_archive"
    diag    = "kickoff_diag" # break glass, read-only (break_glass.tf)
  }

  # Shared by the writer and every replica. 7 days is the free Performance
  # Insights retention tier.
  db_performance_insights_retention_days  = 7
  db_enhanced_monitoring_interval_seconds = 60

  # Writer first, then replica-1 … replica-N (aws_db_instance.replica[i] is
  # element i + 1).
  db_instance_identifiers = concat(
    [local.name],
    [for i in range(var.db_read_replica_count) : "${local.name}-replica-${i + 1}"],
  )
}

# Created ahead of RDS so the exported logs get a retention and the CMK
# (RDS would otherwise create them with no expiry).
resource "aws_cloudwatch_log_group" "rds" {
  #checkov:skip=CKV_AWS_338:Retention is the planner-owned log_retention_days; slow/error logs older than that are not used.
  for_each = toset(flatten([
    for id in local.db_instance_identifiers : [for log in local.db_log_exports : "${id}/${log}"]
  ]))

  name              = "/aws/rds/instance/${each.key}"
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.main.arn
}

# The master password: letters and digits only (RDS forbids / ' " @ and
# spaces in it; RDS API reference, CreateDBInstance MasterUserPassword).
ephemeral "aws_secretsmanager_random_password" "db_master" {
  password_length     = 40
  exclude_punctuation = true
}

resource "aws_secretsmanager_secret" "db_master" {
  #checkov:skip=CKV2_AWS_57:Rotation is an apply with db_master_password_version bumped (the password is write-only, Terraform generates and sets it); a rotation Lambda would fight Terraform. No task uses this secret: they authenticate with IAM.
  name                    = local.db_master_secret_id
  description             = "${local.name} RDS master credentials: administrators and break glass only (tasks use IAM database authentication)"
  kms_key_id              = aws_kms_key.main.arn
  recovery_window_in_days = 7
}

resource "aws_secretsmanager_secret_version" "db_master" {
  secret_id = aws_secretsmanager_secret.db_master.id
  secret_string_wo = jsonencode({
    engine   = "mysql"
    host     = aws_db_instance.main.address
    port     = aws_db_instance.main.port
    dbname   = var.db_name
    username = local.db_master_username
    password = ephemeral.aws_secretsmanager_random_password.db_master.random_password
  })
  secret_string_wo_version = var.db_master_password_version
}

resource "aws_db_instance" "main" {
  identifier     = local.name
  engine         = "mysql"
  engine_version = var.db_engine_version
  instance_class = var.db_instance_class
  multi_az       = var.db_multi_az
  db_name        = var.db_name
  username       = local.db_master_username
  port           = 3306

  password_wo         = ephemeral.aws_secretsmanager_random_password.db_master.random_password
  password_wo_version = var.db_master_password_version

  # Never enter paid RDS Extended Support silently: with this, RDS refuses to
  # create (or keep running past its end of standard support) a version out
  # of standard support instead of billing per vCPU-hour (RDS user guide,
  # Amazon RDS Extended Support). Replicas inherit it from the writer.
  engine_lifecycle_support = "open-source-rds-extended-support-disabled"

  storage_type      = "gp3"
  allocated_storage = var.db_allocated_storage_gb
  iops              = var.db_iops > 0 ? var.db_iops : null
  storage_encrypted = true
  kms_key_id        = aws_kms_key.main.arn

  db_subnet_group_name                = aws_db_subnet_group.main.name
  vpc_security_group_ids              = [aws_security_group.db.id]
  publicly_accessible                 = false
  parameter_group_name                = aws_db_parameter_group.mysql.name
  iam_database_authentication_enabled = true

  backup_retention_period   = var.db_backup_retention_days
  backup_window             = "03:00-03:30"
  maintenance_window        = "tue:04:00-tue:04:30"
  copy_tags_to_snapshot     = true
  delete_automated_backups  = false
  deletion_protection       = true
  skip_final_snapshot       = false
  final_snapshot_identifier = "${local.name}-final"

  # Minor versions within db_engine_version; a major upgrade is a deliberate
  # change of db_engine_version (and a new parameter group family).
  auto_minor_version_upgrade  = true
  allow_major_version_upgrade = false
  apply_immediately           = false

  enabled_cloudwatch_logs_exports       = local.db_log_exports
  performance_insights_enabled          = local.db_performance_insights
  performance_insights_kms_key_id       = local.db_performance_insights ? aws_kms_key.main.arn : null
  performance_insights_retention_period = local.db_performance_insights ? local.db_performance_insights_retention_days : null
  monitoring_interval                   = local.db_enhanced_monitoring_interval_seconds
  monitoring_role_arn                   = aws_iam_role.rds_monitoring.arn

  depends_on = [aws_cloudwatch_log_group.rds]
}

resource "aws_db_instance" "replica" {
  #checkov:skip=CKV_AWS_157:Read replicas are single-AZ by design; the planner sizes db_read_replica_count across AZs and the writer carries Multi-AZ.
  #checkov:skip=CKV_AWS_133:Replicas are rebuilt from the writer, whose automated backups and logical dumps are the recovery path; replica backups would only add storage cost.
  count = var.db_read_replica_count

  identifier          = local.db_instance_identifiers[count.index + 1]
  replicate_source_db = aws_db_instance.main.identifier
  instance_class      = var.db_instance_class
  multi_az            = false
  availability_zone   = local.azs[(count.index + 1) % var.az_count]

  storage_type      = "gp3"
  iops              = var.db_iops > 0 ? var.db_iops : null
  storage_encrypted = true
  kms_key_id        = aws_kms_key.main.arn

  vpc_security_group_ids              = [aws_security_group.db.id]
  publicly_accessible                 = false
  parameter_group_name                = aws_db_parameter_group.mysql.name
  iam_database_authentication_enabled = true

  backup_retention_period = 0
  maintenance_window      = "tue:04:30-tue:05:00"
  copy_tags_to_snapshot   = true
  deletion_protection     = local.is_prod
  skip_final_snapshot     = true

  auto_minor_version_upgrade = true
  apply_immediately          = false

  enabled_cloudwatch_logs_exports       = local.db_log_exports
  performance_insights_enabled          = local.db_performance_insights
  performance_insights_kms_key_id       = local.db_performance_insights ? aws_kms_key.main.arn : null
  performance_insights_retention_period = local.db_performance_insights ? local.db_performance_insights_retention_days : null
  monitoring_interval                   = local.db_enhanced_monitoring_interval_seconds
  monitoring_role_arn                   = aws_iam_role.rds_monitoring.arn

  depends_on = [aws_cloudwatch_log_group.rds]
}
