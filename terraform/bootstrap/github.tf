# GitHub Actions reaches AWS with OIDC only (no static keys), through four
# kinds of role, each assumable by exactly the workflow jobs that need it
# (the token's sub claim; GitHub OIDC docs, Example subject claims):
#
#   <project>-github-plan       read-only; the deploy workflow's plan job on
#                               main (sub repo:<repo>:ref:refs/heads/main)
#   <project>-github-plan-pr    read-only without any secret read; pull
#                               request plans (sub repo:<repo>:pull_request),
#                               which run -refresh=false
#   <project>-<env>-github-apply  apply; only jobs in the GitHub environment
#                               <env>-terraform (required reviewers, main only)
#   <project>-<env>-github-deploy rollouts only (publish the planner and
#                               assets, invalidate CloudFront, check the API
#                               rollout); jobs in the GitHub environment <env>.
#                               Its permissions are granted by terraform/ on
#                               that environment's own resources.
#
# Plans take no lock (-lock=false) and the plan roles cannot write state; an
# apply of a saved plan made stale by another apply is refused by Terraform.

resource "aws_iam_openid_connect_provider" "github" {
  url            = "https://token.actions.githubusercontent.com"
  client_id_list = ["sts.amazonaws.com"]
}

locals {
  repo = var.github_repository

  # Plans read state; applies read and write their environment's state and
  # its lock file (S3-native locking: <key>.tflock).
  state_key_prefix = "${var.project}/"
}

data "aws_iam_policy_document" "github_trust" {
  for_each = merge(
    {
      plan    = "repo:${local.repo}:ref:refs/heads/main"
      plan-pr = "repo:${local.repo}:pull_request"
    },
    { for env in var.environments : "${env}-apply" => "repo:${local.repo}:environment:${env}-terraform" },
    { for env in var.environments : "${env}-deploy" => "repo:${local.repo}:environment:${env}" },
  )

  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]

    principals {
      type        = "Federated"
      identifiers = [aws_iam_openid_connect_provider.github.arn]
    }

    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:aud"
      values   = ["sts.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:sub"
      values   = [each.value]
    }
  }
}

# --- Plan roles -----------------------------------------------------------------

resource "aws_iam_role" "plan" {
  for_each = toset(["plan", "plan-pr"])

  name                 = "${var.project}-github-${each.key}"
  description          = each.key == "plan" ? "terraform plan on main (deploy workflow) for ${local.repo}" : "terraform plan -refresh=false for pull requests of ${local.repo}"
  assume_role_policy   = data.aws_iam_policy_document.github_trust[each.key].json
  max_session_duration = 3600
}

# Describe/List/Get on everything, so a plan can refresh every resource.
resource "aws_iam_role_policy_attachment" "plan_read_only" {
  for_each = aws_iam_role.plan

  role       = each.value.name
  policy_arn = "arn:${local.partition}:iam::aws:policy/ReadOnlyAccess"
}

data "aws_iam_policy_document" "plan" {
  for_each = aws_iam_role.plan

  statement {
    sid       = "ReadState"
    actions   = ["s3:GetObject", "s3:ListBucket"]
    resources = [aws_s3_bucket.state.arn, "${aws_s3_bucket.state.arn}/${local.state_key_prefix}*"]
  }

  statement {
    sid       = "DecryptState"
    actions   = ["kms:Decrypt"]
    resources = [aws_kms_key.state.arn]
  }

  # ReadOnlyAccess also reads data; a plan needs configuration only.
  statement {
    sid           = "NoDataReads"
    effect        = "Deny"
    actions       = ["s3:GetObject", "s3:GetObjectVersion"]
    not_resources = ["${aws_s3_bucket.state.arn}/${local.state_key_prefix}*"]
  }

  statement {
    sid    = "NoLogOrQueueOrImageReads"
    effect = "Deny"
    actions = [
      "logs:GetLogEvents", "logs:FilterLogEvents", "logs:StartQuery", "logs:GetQueryResults", "logs:GetLogRecord",
      "sqs:ReceiveMessage", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage", "ssm:GetParameter*",
    ]
    resources = ["*"]
  }

  # The provider refreshes aws_secretsmanager_secret_version with
  # GetSecretValue, also for a write-only version: the main plan role may
  # read the master secrets it must refresh (<project>-<env>/db/master);
  # pull request plans run -refresh=false and read no secret at all.
  statement {
    sid           = "NoSecretReads"
    effect        = "Deny"
    actions       = ["secretsmanager:GetSecretValue"]
    resources     = each.key == "plan" ? [] : ["*"]
    not_resources = each.key == "plan" ? local.master_secret_arns : []
  }

  dynamic "statement" {
    for_each = each.key == "plan" ? [1] : []

    content {
      sid       = "RefreshMasterSecretVersions"
      actions   = ["secretsmanager:GetSecretValue", "kms:Decrypt"]
      resources = concat(local.master_secret_arns, ["arn:${local.partition}:kms:${var.aws_region}:${local.account_id}:key/*"])

      condition {
        test     = "StringEqualsIfExists"
        variable = "kms:ViaService"
        values   = ["secretsmanager.${var.aws_region}.amazonaws.com"]
      }
    }
  }
}

locals {
  master_secret_arns = [
    for env in var.environments : "arn:${local.partition}:secretsmanager:${var.aws_region}:${local.account_id}:secret:${var.project}-${env}/db/master-*"
  ]
}

resource "aws_iam_role_policy" "plan" {
  for_each = aws_iam_role.plan

  name   = "plan"
  role   = each.value.id
  policy = data.aws_iam_policy_document.plan[each.key].json
}

# --- Apply roles (per environment) -------------------------------------------

resource "aws_iam_role" "apply" {
  for_each = toset(var.environments)

  name                 = "${var.project}-${each.key}-github-apply"
  description          = "terraform apply of ${each.key} (GitHub environment ${each.key}-terraform of ${local.repo})"
  assume_role_policy   = data.aws_iam_policy_document.github_trust["${each.key}-apply"].json
  max_session_duration = 7200
}

data "aws_iam_policy_document" "apply" {
  #checkov:skip=CKV_AWS_109:The apply role manages every resource of terraform/ (KMS key policies, bucket policies, its environment's IAM roles): permissions management is its purpose. It is assumable only from the approved <env>-terraform GitHub environment, and may not change its own role.
  for_each = aws_iam_role.apply

  statement {
    sid       = "StateAndLock"
    actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
    resources = ["${aws_s3_bucket.state.arn}/${local.state_key_prefix}${each.key}/*"]
  }

  statement {
    sid       = "ListState"
    actions   = ["s3:ListBucket"]
    resources = [aws_s3_bucket.state.arn]
  }

  statement {
    sid       = "EncryptState"
    actions   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"]
    resources = [aws_kms_key.state.arn]
  }

  # Every service terraform/ manages, on any resource: the stack creates its
  # resources, so their ARNs are not known beforehand.
  statement {
    sid = "ManageTheStack"
    actions = [for svc in [
      "acm", "application-autoscaling", "budgets", "cloudfront", "cloudwatch", "ec2", "ecs",
      "elasticache", "elasticloadbalancing", "events", "kms", "logs", "rds", "route53",
      "s3", "scheduler", "secretsmanager", "sns", "sqs",
    ] : "${svc}:*"]
    resources = ["*"]
  }

  # IAM: the environment's own roles (<project>-<env>-*), the deploy role's
  # inline policy included, and the service-linked roles AWS creates on
  # first use; reads everywhere.
  statement {
    sid       = "ManageEnvironmentRoles"
    actions   = ["iam:*"]
    resources = ["arn:${local.partition}:iam::${local.account_id}:role/${var.project}-${each.key}-*"]
  }

  statement {
    sid       = "ServiceLinkedRolesAndReads"
    actions   = ["iam:CreateServiceLinkedRole", "iam:Get*", "iam:List*"]
    resources = ["*"]
  }

  # Not its own role: an apply cannot widen what applies may do.
  statement {
    sid       = "NotItself"
    effect    = "Deny"
    actions   = ["iam:*"]
    resources = [aws_iam_role.apply[each.key].arn]
  }
}

resource "aws_iam_role_policy" "apply" {
  for_each = aws_iam_role.apply

  name   = "apply"
  role   = each.value.id
  policy = data.aws_iam_policy_document.apply[each.key].json
}

# --- Deploy roles (per environment) ------------------------------------------

# Trust only; terraform/iam.tf attaches the permissions, naming that
# environment's buckets, distribution and service exactly.
resource "aws_iam_role" "deploy" {
  for_each = toset(var.environments)

  name                 = "${var.project}-${each.key}-github-deploy"
  description          = "Rollouts of ${each.key} (GitHub environment ${each.key} of ${local.repo}): planner, assets, invalidations, rollout checks"
  assume_role_policy   = data.aws_iam_policy_document.github_trust["${each.key}-deploy"].json
  max_session_duration = 3600
}
