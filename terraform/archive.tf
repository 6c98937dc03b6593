# Commentary archival: a daily Fargate task moves commentary older than
# commentary_hot_retention_days from MySQL to s3://<archive>/commentary/
# (JSON lines per match, SSE-KMS) and deletes the moved rows in batches. The
# archive bucket's lifecycle then walks it through STANDARD_IA, GLACIER_IR and
# DEEP_ARCHIVE per the planner (storage.tf). The API reads archived matches
# from the bucket (read-only, commentary/ prefix). The job connects to the
# writer as the MySQL user kickoff_archive with IAM authentication
# (sql/users.sql: SELECT and DELETE only).
#
# The task definition and schedule are aws_ecs_task_definition.job["archive"]
# and aws_scheduler_schedule.job["archive"] (jobs.tf).

locals {
  archive_job = {
    schedule_name       = "commentary-archive"
    description         = "Move commentary older than ${var.commentary_hot_retention_days} days to S3"
    schedule_expression = var.archive_schedule_expression
    window_minutes      = 30
    cpu                 = 512
    memory              = 1024
    image               = var.archive_image
    task_role_arn       = aws_iam_role.archive_task.arn
    environment = [
      { name = "DB_HOST", value = aws_db_instance.main.address },
      { name = "DB_PORT", value = tostring(aws_db_instance.main.port) },
      { name = "DB_NAME", value = var.db_name },
      { name = "DB_USER", value = local.db_users.archive },
      { name = "DB_AUTH", value = "iam" },
      { name = "ARCHIVE_BUCKET", value = aws_s3_bucket.this["archive"].id },
      { name = "ARCHIVE_PREFIX", value = "commentary/" },
      { name = "HOT_RETENTION_DAYS", value = tostring(var.commentary_hot_retention_days) },
    ]
  }
}
