terraform {
  # 1.11: write-only arguments in the root this one prepares; 1.9+ for
  # cross-variable validations.
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.0"
    }
  }
}
