# Image repositories <project>/api, <project>/backup, <project>/archive,
# shared by every environment: an image is built once, deployed to staging
# by digest and promoted to prod by the same digest. They exist before
# terraform/'s first apply, so its first images can be pushed first
# (docs/deploying-from-scratch.md, step 3). terraform/ grants its task
# execution roles pull on them by name (iam.tf).

resource "aws_ecr_repository" "this" {
  for_each = toset(["api", "backup", "archive"])

  name = "${var.project}/${each.key}"
  # A tag can never be moved to other content; deploys use digests anyway.
  image_tag_mutability = "IMMUTABLE"

  image_scanning_configuration {
    scan_on_push = true
  }

  # The AWS managed key (aws/ecr): pulls by any environment's task execution
  # role need no grant in a key policy.
  encryption_configuration {
    encryption_type = "KMS"
  }
}

resource "aws_ecr_lifecycle_policy" "this" {
  for_each = aws_ecr_repository.this

  repository = each.value.name
  policy = jsonencode({
    rules = [{
      rulePriority = 1
      description  = "Keep the 100 most recent images (rollback window for every environment)"
      selection    = { tagStatus = "any", countType = "imageCountMoreThan", countNumber = 100 }
      action       = { type = "expire" }
    }]
  })
}
