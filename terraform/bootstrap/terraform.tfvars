# Team-owned: the repository whose workflows may assume the roles, and the
# project prefix (as in terraform/). Kept in step with
# terraform/environments/<env>.team.tfvars (github_repository).
project           = "kickoff"
github_repository = "kickoff-live/kickoff"
