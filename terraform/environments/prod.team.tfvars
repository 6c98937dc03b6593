# Team-owned, non-secret settings for prod, kept by the team (the planner
# never writes this file; it writes prod.tfvars). The deploy workflows pass
# it with -var-file after prod.tfvars; docs/deploying-from-scratch.md says
# what each value is for. Secrets never go here.

# The public hosted zone (it must exist); prod serves at its apex.
root_domain = "kickoff.example.com"

# owner/name of this repository: runbook links in alarm descriptions and the
# Repository tag. deploy.yml refuses to deploy when it is not the repository
# the workflow runs in (.ci/deploy.sh check-team-settings).
github_repository = "kickoff-live/kickoff"

# Who the alarm SNS topic e-mails (confirm the subscription once, by mail).
alarm_email = "oncall@kickoff.example.com"
