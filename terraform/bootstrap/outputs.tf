# Everything the workflows and terraform/ need, as GitHub variables
# (docs/deploying-from-scratch.md, step 2).

output "state_bucket" {
  description = "TF_STATE_BUCKET: the state bucket for terraform/ (key <project>/<environment>/terraform.tfstate)."
  value       = aws_s3_bucket.state.id
}

output "plan_role_arn" {
  description = "AWS_PLAN_ROLE_ARN: read-only plan role for the deploy workflow on main."
  value       = aws_iam_role.plan["plan"].arn
}

output "pr_plan_role_arn" {
  description = "AWS_PR_PLAN_ROLE_ARN: read-only, no-secrets plan role for pull requests."
  value       = aws_iam_role.plan["plan-pr"].arn
}

output "apply_role_arns" {
  description = "AWS_APPLY_ROLE_ARN of each <env>-terraform GitHub environment."
  value       = { for env, r in aws_iam_role.apply : env => r.arn }
}

output "deploy_role_arns" {
  description = "AWS_DEPLOY_ROLE_ARN of each <env> GitHub environment."
  value       = { for env, r in aws_iam_role.deploy : env => r.arn }
}

output "ecr_repository_urls" {
  description = "Where images are pushed (api, backup, archive)."
  value       = { for k, r in aws_ecr_repository.this : k => r.repository_url }
}
