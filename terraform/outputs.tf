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
  description = "ALB DNS name (reachable only from CloudFront; use origin.<domain> for TLS)."
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

output "ecr_repository_urls" {
  description = "ECR repository URLs for the api, backup and archive images."
  value       = { for k, r in aws_ecr_repository.this : k => r.repository_url }
}

output "deploy_role_arn" {
  description = "IAM role GitHub Actions assumes via OIDC (this environment only)."
  value       = aws_iam_role.deploy.arn
}

output "alarm_topic_arn" {
  description = "SNS topic receiving CloudWatch alarms and budget notifications."
  value       = aws_sns_topic.alarms.arn
}

output "db_endpoint" {
  description = "RDS MySQL writer endpoint (private)."
  value       = aws_db_instance.main.address
}

output "db_master_secret_arn" {
  description = "Secrets Manager ARN of the RDS-managed master credentials."
  value       = local.db_secret_arn
}

output "cache_primary_endpoint" {
  description = "ElastiCache primary endpoint (TLS, AUTH token in Secrets Manager)."
  value       = aws_elasticache_replication_group.main.primary_endpoint_address
}
