# One provider: us-east-1 already hosts CloudFront's ACM certificates, the
# CLOUDFRONT-scope resources and Budgets, so no aliased provider is needed.
provider "aws" {
  region = var.aws_region

  # The single tag source (STYLE.md): resources only add a Name where useful.
  default_tags {
    tags = {
      Project     = var.project
      Environment = var.environment
      ManagedBy   = "terraform"
      Repository  = var.github_repository
    }
  }
}
