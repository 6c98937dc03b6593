# One provider: us-east-1 already hosts CloudFront's ACM certificates, the
# CLOUDFRONT-scope resources and Budgets, so no aliased provider is needed.
provider "aws" {
  region = var.aws_region

  # The single tag source: resources only add a Name where useful. The budget
  # filters on the Environment tag (budget.tf).
  default_tags {
    tags = {
      Project     = var.project
      Environment = var.environment
      ManagedBy   = "terraform"
      Repository  = var.github_repository
    }
  }
}
