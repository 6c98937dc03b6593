# The bootstrap root keeps its state in the bucket it creates, under
# kickoff/bootstrap/terraform.tfstate. Its very first apply cannot (the
# bucket does not exist yet): it runs with a local backend_override.tf and
# then migrates (docs/deploying-from-scratch.md, step 1).
terraform {
  backend "s3" {
    use_lockfile = true
    encrypt      = true
  }
}
