# RDS for MySQL 8.0: writer (optionally Multi-AZ) plus read replicas. The
# master password is generated and rotated by RDS in Secrets Manager
# (manage_master_user_password); tasks read it through the task execution
# role, it never appears in variables or task definitions.

resource "aws_db_subnet_group" "main" {
  name       = local.name
  subnet_ids = aws_subnet.private[*].id
}

resource "aws_db_parameter_group" "mysql" {
  name        = "${local.name}-mysql80"
  family      = "mysql8.0"
  description = "${local.name} MySQL 8.0: TLS required, slow query log"

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
  db_log_exports = ["error", "slowquery"]

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

resource "aws_db_instance" "main" {
  identifier     = local.name
  engine         = "mysql"
  engine_version = "8.0"
  instance_class = var.db_instance_class
  multi_az       = var.db_multi_az
  db_name        = var.db_name
  username       = "kickoff_admin"
  port           = 3306

  manage_master_user_password   = true
  master_user_secret_kms_key_id = aws_kms_key.main.arn

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
