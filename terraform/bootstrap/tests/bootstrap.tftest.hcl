# Plan-level tests of the bootstrap root against the offline hashicorp/aws
# stand-in (.ci/terraform.sh test): who may assume which role, and what the
# roles may not do.

variables {
  github_repository = "kickoff-live/kickoff"
}

# Applied first so the policies' ARNs (the OIDC provider, the state bucket)
# are known to the plan runs below.
run "apply" {
  command = apply
}

run "each_role_trusts_exactly_its_jobs" {
  command = plan

  assert {
    condition = {
      for k, d in data.aws_iam_policy_document.github_trust :
      k => one(jsondecode(d.json).Statement).Condition.StringEquals["token.actions.githubusercontent.com:sub"]
      } == {
      plan           = "repo:kickoff-live/kickoff:ref:refs/heads/main"
      plan-pr        = "repo:kickoff-live/kickoff:pull_request"
      staging-apply  = "repo:kickoff-live/kickoff:environment:staging-terraform"
      prod-apply     = "repo:kickoff-live/kickoff:environment:prod-terraform"
      staging-deploy = "repo:kickoff-live/kickoff:environment:staging"
      prod-deploy    = "repo:kickoff-live/kickoff:environment:prod"
    }
    error_message = "plan: main; plan-pr: pull requests; apply: the <env>-terraform environment; deploy: the <env> environment."
  }

  assert {
    condition = alltrue([
      for d in data.aws_iam_policy_document.github_trust :
      one(jsondecode(d.json).Statement).Condition.StringEquals["token.actions.githubusercontent.com:aud"] == "sts.amazonaws.com"
    ])
    error_message = "Every role requires the STS audience."
  }

  assert {
    condition = (
      aws_iam_role.apply["prod"].name == "kickoff-prod-github-apply" &&
      aws_iam_role.deploy["prod"].name == "kickoff-prod-github-deploy" &&
      aws_iam_role.plan["plan"].name == "kickoff-github-plan"
    )
    error_message = "terraform/iam.tf finds the deploy role by the name <project>-<env>-github-deploy."
  }
}

run "plans_read_configuration_not_data" {
  command = plan

  assert {
    condition = (
      one([for st in jsondecode(data.aws_iam_policy_document.plan["plan-pr"].json).Statement : st.Resource if st.Sid == "NoSecretReads"]) == "*" &&
      !contains([for st in jsondecode(data.aws_iam_policy_document.plan["plan-pr"].json).Statement : st.Sid], "RefreshMasterSecretVersions")
    )
    error_message = "Pull request plans may read no secret."
  }

  assert {
    condition = toset(one([for st in jsondecode(data.aws_iam_policy_document.plan["plan"].json).Statement : st.NotResource if st.Sid == "NoSecretReads"])) == toset([
      "arn:aws:secretsmanager:us-east-1:123456789012:secret:kickoff-staging/db/master-*",
      "arn:aws:secretsmanager:us-east-1:123456789012:secret:kickoff-prod/db/master-*",
    ])
    error_message = "The main plan role may read only the master secrets (to refresh their write-only versions)."
  }

  assert {
    condition = alltrue([
      for k, d in data.aws_iam_policy_document.plan :
      one([for st in jsondecode(d.json).Statement : st.Effect if st.Sid == "NoDataReads"]) == "Deny" &&
      !strcontains(d.json, "s3:PutObject")
    ])
    error_message = "Plan roles read no bucket objects but state, and write nothing."
  }
}

run "an_apply_role_cannot_widen_itself" {
  command = plan

  assert {
    condition = (
      one([for st in jsondecode(data.aws_iam_policy_document.apply["prod"].json).Statement : st.Effect if st.Sid == "NotItself"]) == "Deny" &&
      one([for st in jsondecode(data.aws_iam_policy_document.apply["prod"].json).Statement : st.Resource if st.Sid == "ManageEnvironmentRoles"]) == "arn:aws:iam::123456789012:role/kickoff-prod-*" &&
      one([for st in jsondecode(data.aws_iam_policy_document.apply["prod"].json).Statement : st.Resource if st.Sid == "StateAndLock"]) == "${aws_s3_bucket.state.arn}/kickoff/prod/*"
    )
    error_message = "An environment's apply role manages that environment's roles and state only, never its own role."
  }
}

run "images_are_shared_and_immutable" {
  command = plan

  assert {
    condition = (
      toset([for r in aws_ecr_repository.this : r.name]) == toset(["kickoff/api", "kickoff/backup", "kickoff/archive"]) &&
      alltrue([for r in aws_ecr_repository.this : r.image_tag_mutability == "IMMUTABLE"])
    )
    error_message = "One repository per image, shared by the environments, tags immutable (terraform/locals.tf ecr_repository_arns)."
  }

  assert {
    condition     = aws_s3_bucket.state.bucket == "kickoff-terraform-state-123456789012" && aws_s3_bucket_versioning.state.versioning_configuration[0].status == "Enabled"
    error_message = "The state bucket is <project>-terraform-state-<account> (deploy.yml's TF_STATE_BUCKET), versioned."
  }
}

run "rejects_a_project_too_long_for_alb_names" {
  command = plan

  variables {
    project = "kickoff-live-comments"
  }

  expect_failures = [var.project]
}

run "rejects_an_unknown_environment" {
  command = plan

  variables {
    environments = ["prod", "qa"]
  }

  expect_failures = [var.environments]
}
