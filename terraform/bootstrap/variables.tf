# The bootstrap root: what must exist before terraform/ can be planned and
# applied by GitHub Actions, applied once (and on changes) by an
# administrator with their own credentials (docs/deploying-from-scratch.md):
#
#   state.tf   the state bucket (S3-native locking, KMS, versioned) for both
#              roots and every environment
#   github.tf  the GitHub OIDC provider and the roles the workflows assume:
#              plan (read-only, main), plan-pr (read-only, pull requests, no
#              secret reads), apply (per environment, the apply job only) and
#              deploy (per environment, rollouts only; its permissions are
#              granted by terraform/ on its own resources)
#   ecr.tf     the image repositories, shared by every environment so that
#              staging and prod run the same digest

variable "project" {
  description = "Project name, as in terraform/ (the prefix of every name)."
  type        = string
  default     = "kickoff"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]*[a-z0-9]$", var.project)) && length(var.project) <= 20
    error_message = "project must be 2-20 lowercase letters, digits or hyphens (terraform/ derives 32-character ALB names from it)."
  }
}

variable "aws_region" {
  description = "AWS region of the state bucket, the repositories and the stack (terraform/ assumes us-east-1)."
  type        = string
  default     = "us-east-1"
}

variable "github_repository" {
  description = "GitHub repository (owner/name) whose workflows may assume the roles."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$", var.github_repository))
    error_message = "github_repository must look like owner/name."
  }
}

variable "environments" {
  description = "Environments of terraform/ (one apply role and one deploy role each)."
  type        = list(string)
  default     = ["staging", "prod"]

  validation {
    condition     = length(var.environments) > 0 && alltrue([for e in var.environments : contains(["prod", "staging"], e)])
    error_message = "environments may only list prod and staging (terraform/'s environment variable)."
  }
}

variable "deploy_workflow" {
  description = "Path of the workflow whose jobs may assume the apply and deploy roles (the token's job_workflow_ref)."
  type        = string
  default     = ".github/workflows/deploy.yml"
}
