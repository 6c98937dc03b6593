terraform {
  # 1.9+ is needed for variable validations that reference other variables
  # (api_memory vs api_cpu, api_max_tasks vs api_min_tasks, prod-only floors).
  # The tests use mock_provider (1.7+).
  required_version = ">= 1.9"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.0"
    }
  }
}
