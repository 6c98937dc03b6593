# Remote state in S3 with S3-native locking (`use_lockfile`, no DynamoDB
# table). Bucket, key and region are not hard-coded so one configuration
# serves every environment; pass them at init time, e.g.
#
#   terraform -chdir=terraform init \
#     -backend-config="bucket=kickoff-terraform-state-123456789012" \
#     -backend-config="key=kickoff/prod/terraform.tfstate" \
#     -backend-config="region=us-east-1"
#
# Offline checks (.ci/terraform.sh) run `init -backend=false`, which skips
# this block entirely.
terraform {
  backend "s3" {
    use_lockfile = true
    encrypt      = true
  }
}
