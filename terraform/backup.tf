# Backups, in two layers:
#
# 1. AWS-native: RDS automated backups (db_backup_retention_days, point-in-
#    time restore) and a final snapshot on delete (rds.tf); ElastiCache daily
#    snapshot (cache.tf).
# 2. Logical: a scheduled Fargate task (EventBridge Scheduler,
#    backup_schedule_expression) that runs mysqldump --single-transaction
#    against a read replica when there is one (the writer otherwise), and
#    streams the gzip to s3://<backups>/mysql/ (SSE-KMS), connecting as the
#    MySQL user kickoff_backup with IAM authentication (sql/users.sql). When
#    the upload has completed it publishes one datapoint of
#    <BACKUP_METRIC_NAMESPACE>/<BACKUP_METRIC_NAME> (value 1, dimension
#    Environment): the backup-age alarm (jobs.tf) fires when none arrived for
#    longer than the backup interval plus an hour. It survives the
#    loss of the RDS instance and its automated backups, and can be restored
#    into any MySQL. Bucket lifecycle: GLACIER_IR after
#    backup_glacier_after_days, expiry after backup_s3_retention_days.
#    The task definition and schedule are aws_ecs_task_definition.job["backup"]
#    and aws_scheduler_schedule.job["backup"] (jobs.tf).
#
# An AWS Backup plan (cross-account vault copies) is deliberately not added
# yet: layer 2 already gives an off-RDS copy; revisit with a second account.

locals {
  # Dump from a replica to keep load off the writer during matches.
  backup_source_host = var.db_read_replica_count > 0 ? aws_db_instance.replica[0].address : aws_db_instance.main.address

  # The dump is streamed to S3; the Fargate default 20 GiB of ephemeral
  # storage is only scratch.
  backup_job = {
    schedule_name       = "mysql-backup"
    description         = "Logical MySQL backup to S3"
    schedule_expression = var.backup_schedule_expression
    window_minutes      = 15
    cpu                 = 1024
    memory              = 2048
    image               = var.backup_image
    task_role_arn       = aws_iam_role.backup_task.arn
    environment = [
      { name = "DB_HOST", value = local.backup_source_host },
      { name = "DB_PORT", value = tostring(aws_db_instance.main.port) },
      { name = "DB_NAME", value = var.db_name },
      { name = "DB_USER", value = local.db_users.backup },
      { name = "DB_AUTH", value = "iam" },
      { name = "BACKUP_BUCKET", value = aws_s3_bucket.this["backups"].id },
      { name = "BACKUP_PREFIX", value = "mysql/" },
      { name = "KMS_KEY_ID", value = aws_kms_key.main.arn },
      { name = "BACKUP_METRIC_NAMESPACE", value = local.job_metric_namespace },
      { name = "BACKUP_METRIC_NAME", value = local.backup_success_metric },
      { name = "ENVIRONMENT", value = var.environment },
    ]
  }
}
