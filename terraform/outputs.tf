output "app_url" {
  description = "Public URL fans and the team use (CloudFront)."
  value       = "https://${local.app_domain}/"
}

output "planner_url" {
  description = "URL of the capacity planner (wasm app under /planner/)."
  value       = local.planner_url
}

output "cloudfront_domain_name" {
  description = "CloudFront distribution domain name (the alias records point here)."
  value       = aws_cloudfront_distribution.main.domain_name
}

output "cloudfront_distribution_id" {
  description = "CloudFront distribution ID, for invalidations after a site deploy."
  value       = aws_cloudfront_distribution.main.id
}

output "alb_dns_name" {
  description = "Internal ALB DNS name (private subnets; CloudFront reaches it through its VPC origin at origin.<domain>)."
  value       = aws_lb.api.dns_name
}

output "bucket_names" {
  description = "S3 bucket names by role: assets, site, backups, archive, logs."
  value       = merge({ for k, b in aws_s3_bucket.this : k => b.id }, { logs = aws_s3_bucket.logs.id })
}

output "planner_bucket_name" {
  description = "Bucket the deploy workflow uploads the planner bundle to (under planner/)."
  value       = aws_s3_bucket.this["site"].id
}

output "assets_bucket_name" {
  description = "Bucket the deploy workflow syncs game assets to (under assets/)."
  value       = aws_s3_bucket.this["assets"].id
}

output "ecs_cluster_name" {
  description = "ECS cluster name."
  value       = aws_ecs_cluster.main.name
}

output "ecs_service_name" {
  description = "ECS service name of the commentary API."
  value       = aws_ecs_service.api.name
}

output "images" {
  description = "Images running now (api, backup, archive), by digest: the deploy workflow passes them again when a deploy does not change them."
  value       = local.images
}

output "api_task_definition_arn" {
  description = "The API task definition revision this apply rolled out (.ci/deploy.sh roll-api checks the service runs it)."
  value       = aws_ecs_task_definition.api.arn
}

output "db_admin_task_definition" {
  description = "Family of the one-off task that applies sql/users.sql (docs/deploying-from-scratch.md)."
  value       = aws_ecs_task_definition.db_admin.family
}

output "job_network_configuration" {
  description = "Subnets and security group for one-off job tasks (db-admin, a manual backup), as aws ecs run-task --network-configuration takes it."
  value = jsonencode({ awsvpcConfiguration = {
    subnets        = local.job_network_configuration.subnets
    securityGroups = local.job_network_configuration.security_groups
    assignPublicIp = local.job_network_configuration.assign_public_ip ? "ENABLED" : "DISABLED"
  } })
}

output "alarm_topic_arn" {
  description = "SNS topic receiving CloudWatch alarms and budget notifications."
  value       = aws_sns_topic.alarms.arn
}

output "db_endpoint" {
  description = "RDS MySQL writer endpoint (private)."
  value       = aws_db_instance.main.address
}

output "db_proxy_endpoint" {
  description = "RDS Proxy endpoint the API connects to for the writer (TLS, IAM authentication); null without db_proxy_enabled."
  value       = var.db_proxy_enabled ? aws_db_proxy.main[0].endpoint : null
}

output "db_master_secret_arn" {
  description = "Secrets Manager ARN of the master credentials (<project>-<environment>/db/master): administrators and break glass only."
  value       = aws_secretsmanager_secret.db_master.arn
}

output "cache_primary_endpoint" {
  description = "ElastiCache primary endpoint (TLS, IAM authentication as the user in REDIS_USER)."
  value       = aws_elasticache_replication_group.main.primary_endpoint_address
}
