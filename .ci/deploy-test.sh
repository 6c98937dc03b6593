#!/usr/bin/env bash
# Runs every .ci/deploy.sh command with --dry-run against local directories
# and recorded AWS responses (.ci/fixtures/deploy/), and checks what each one
# would have done. `make test-deploy` (part of `make test`) runs it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

deploy=".ci/deploy.sh"
fixtures=".ci/fixtures/deploy"
work="$(mktemp -d "${TMPDIR:-/tmp}/deploy-test.XXXXXX")"
trap 'rm -rf "$work"' EXIT

passed=0
failed=0
ok() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); printf 'FAIL %s\n' "$*" >&2; }
expect() { # NAME COMMAND... : the command must succeed
  local name="$1"; shift
  if "$@" >"$work/out" 2>"$work/err"; then ok; else fail "$name"; cat "$work/err" >&2; fi
}
refuse() { # NAME COMMAND... : the command must fail
  local name="$1"; shift
  if "$@" >"$work/out" 2>"$work/err"; then fail "$name (it succeeded)"; else ok; fi
}
has() { # NAME FILE TEXT : FILE contains the line TEXT
  if grep -qxF -- "$3" "$2"; then ok; else fail "$1: no line '$3' in $2"; cat "$2" >&2; fi
}

# --- sync-assets -----------------------------------------------------------------
aws="$work/aws-assets"
src="$work/game-assets"
mkdir -p "$src/crests"
echo "home" >"$src/crests/home.svg"
echo "away" >"$src/crests/away.svg"

expect "first sync" "$deploy" --dry-run "$aws" sync-assets "$src" kickoff-prod-assets
has "first sync uploads home" "$aws/calls.log" "PUT s3://kickoff-prod-assets/assets/crests/home.svg content-type=image/svg+xml cache-control=public, max-age=86400"
has "first sync invalidates the whole prefix (no manifest yet)" "$work/out" "/assets/*"
[ "$(grep -c '^PUT s3://kickoff-prod-assets/assets/' "$aws/calls.log")" = 2 ] && ok || fail "first sync uploads 2 assets"

: >"$aws/calls.log"
echo "home v2" >"$src/crests/home.svg"
rm "$src/crests/away.svg"
echo "cup" >"$src/cup.png"
expect "second sync" "$deploy" --dry-run "$aws" sync-assets "$src" kickoff-prod-assets
has "changed file uploaded" "$aws/calls.log" "PUT s3://kickoff-prod-assets/assets/crests/home.svg content-type=image/svg+xml cache-control=public, max-age=86400"
has "new file uploaded" "$aws/calls.log" "PUT s3://kickoff-prod-assets/assets/cup.png content-type=image/png cache-control=public, max-age=86400"
has "removed file deleted" "$aws/calls.log" "DELETE s3://kickoff-prod-assets/assets/crests/away.svg"
[ "$(sort "$work/out" | tr '\n' ' ')" = "/assets/crests/away.svg /assets/crests/home.svg /assets/cup.png " ] && ok \
  || fail "second sync invalidates exactly what changed: $(tr '\n' ' ' <"$work/out")"
[ -f "$aws/s3/kickoff-prod-assets/assets/cup.png" ] && [ ! -e "$aws/s3/kickoff-prod-assets/assets/crests/away.svg" ] && ok \
  || fail "the bucket directory holds the new set"

: >"$aws/calls.log"
expect "unchanged sync" "$deploy" --dry-run "$aws" sync-assets "$src" kickoff-prod-assets
[ ! -s "$work/out" ] && [ "$(grep -c '^PUT .*/assets/' "$aws/calls.log" || true)" = 0 ] && ok || fail "an unchanged sync uploads and invalidates nothing"

echo "x" >"$src/bad name.svg"
refuse "unsafe asset name" "$deploy" --dry-run "$aws" sync-assets "$src" kickoff-prod-assets

# --- publish-planner -----------------------------------------------------------
aws="$work/aws-site"
dist="$work/dist"
mkdir -p "$dist"
echo "<!doctype html>" >"$dist/index.html"
echo "js" >"$dist/kickoff-3d535a8648490e1.js"
echo "wasm" >"$dist/kickoff-3d535a8648490e1_bg.wasm"
echo "boot" >"$dist/boot-7d68615fb2c22e25.js"
expect "publish" "$deploy" --dry-run "$aws" publish-planner "$dist" kickoff-prod-site
has "wasm gets its content type" "$aws/calls.log" "PUT s3://kickoff-prod-site/planner/kickoff-3d535a8648490e1_bg.wasm content-type=application/wasm cache-control=public, max-age=31536000, immutable"
[ "$(tail -n 1 "$aws/calls.log")" = "PUT s3://kickoff-prod-site/planner/index.html content-type=text/html; charset=utf-8 cache-control=no-cache" ] && ok \
  || fail "index.html is uploaded last, no-cache: $(tail -n 1 "$aws/calls.log")"
[ "$(tr '\n' ' ' <"$work/out")" = "/planner/index.html /planner/ " ] && ok || fail "publish invalidates index.html and /planner/"
rm "$dist/index.html"
refuse "publish without index.html" "$deploy" --dry-run "$aws" publish-planner "$dist" kickoff-prod-site

# --- invalidate ----------------------------------------------------------------
aws="$work/aws-cf"
printf '%s\n' /planner/index.html /planner/ /assets/cup.png /planner/ >"$work/paths"
expect "invalidate" "$deploy" --dry-run "$aws" invalidate E2EXAMPLE "$work/paths"
has "one invalidation, paths deduplicated" "$aws/calls.log" "INVALIDATE E2EXAMPLE /assets/cup.png /planner/ /planner/index.html"
seq 1 600 | sed 's|^|/assets/a|' >"$work/many"
expect "invalidate many" "$deploy" --dry-run "$aws" invalidate E2EXAMPLE "$work/many"
has "past 500 paths, a wildcard" "$aws/calls.log" "INVALIDATE E2EXAMPLE /planner/index.html /planner/ /assets/*"

# --- roll-api (recorded describe-services / describe-task-definition) ----------
want="arn:aws:ecs:us-east-1:123456789012:task-definition/kickoff-prod-api:42"
roll() { # SERVICES_FIXTURE
  local dir="$work/aws-ecs-$1"
  mkdir -p "$dir/ecs"
  cp "$fixtures/$1.json" "$dir/ecs/services.json"
  cp "$fixtures/task-definition.json" "$dir/ecs/task-definition.json"
  "$deploy" --dry-run "$dir" roll-api kickoff-prod api "$want"
}
expect "rollout completed" roll services-completed
grep -q "api is stable on $want (123456789012.dkr.ecr.us-east-1.amazonaws.com/kickoff/api@sha256:4444" "$work/err" && ok || fail "roll-api names the revision and image"
refuse "circuit breaker rolled back" roll services-rolled-back
refuse "no circuit breaker" roll services-no-circuit-breaker

# --- resolve-images ------------------------------------------------------------
new_api="123456789012.dkr.ecr.us-east-1.amazonaws.com/kickoff/api@sha256:4444444444444444444444444444444444444444444444444444444444444444"
expect "a new API image, the others as they run" "$deploy" resolve-images "$fixtures/outputs.json" "api=$new_api"
has "new api" "$work/out" "api_image = \"$new_api\""
has "running backup kept" "$work/out" 'backup_image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/kickoff/backup@sha256:2222222222222222222222222222222222222222222222222222222222222222"'
echo '{}' >"$work/no-outputs.json"
refuse "first deploy without images" "$deploy" resolve-images "$work/no-outputs.json" "api=$new_api"
refuse "an image by tag" "$deploy" resolve-images "$fixtures/outputs.json" "api=123456789012.dkr.ecr.us-east-1.amazonaws.com/kickoff/api:latest"

# --- check-plan ------------------------------------------------------------------
refuse "a plan with a secret" "$deploy" check-plan "$fixtures/plan-with-secret.json"
grep -q 'aws_elasticache_replication_group.main (after).auth_token' "$work/err" && ok || fail "check-plan names the leaking attribute"
jq '.resource_changes[0].change.after.auth_token = null' "$fixtures/plan-with-secret.json" >"$work/plan-clean.json"
expect "a plan whose sensitive attributes are empty" "$deploy" check-plan "$work/plan-clean.json"

# --- plan-summary ----------------------------------------------------------------
jq '.resource_changes = [
      {"change": {"actions": ["create"]}}, {"change": {"actions": ["create"]}},
      {"change": {"actions": ["update"]}}, {"change": {"actions": ["delete", "create"]}},
      {"change": {"actions": ["delete"]}}, {"change": {"actions": ["no-op"]}}]' \
  "$work/plan-clean.json" >"$work/plan-counts.json"
printf 'Plan: 3 to add, 1 to change, 2 to destroy.\n' >"$work/plan.txt"
expect "plan summary" "$deploy" plan-summary "$work/plan-counts.json" "$work/plan.txt" prod abc123
has "summary names the environment and commit" "$work/out" '### Terraform plan to apply: `prod` at `abc123`'
has "summary counts each kind of change" "$work/out" "**create 2, update 1, replace 1, destroy 1**"
has "summary carries the plan text" "$work/out" "Plan: 3 to add, 1 to change, 2 to destroy."
head -c 1000000 /dev/zero | tr '\0' x >"$work/plan-huge.txt"
expect "summary of a huge plan" "$deploy" plan-summary "$work/plan-counts.json" "$work/plan-huge.txt" prod abc123
[ "$(wc -c <"$work/out")" -lt 1000000 ] && ok || fail "a huge plan is cut under GitHub's 1 MiB summary limit"
echo 'not json' >"$work/bad.json"
refuse "summary of a file that is not a plan" "$deploy" plan-summary "$work/bad.json" "$work/plan.txt" prod abc123

# --- outputs -----------------------------------------------------------------------
jq -n '{planner_bucket_name: {value: "kickoff-prod-planner"}, ecs_service_name: {value: "kickoff-prod-api"}, images: {value: {api: "x"}}}' >"$work/tf-outputs.json"
expect "outputs" "$deploy" outputs "$work/tf-outputs.json" planner_bucket_name ecs_service_name
has "outputs print name=value" "$work/out" "planner_bucket_name=kickoff-prod-planner"
has "outputs print every name" "$work/out" "ecs_service_name=kickoff-prod-api"
refuse "a missing output" "$deploy" outputs "$work/tf-outputs.json" planner_bucket_name cloudfront_distribution_id
grep -q 'cloudfront_distribution_id is missing' "$work/err" && ok || fail "outputs names the missing output"
refuse "an output that is not a string" "$deploy" outputs "$work/tf-outputs.json" images

# --- check-team-settings -------------------------------------------------------
repo="$(sed -n 's/^github_repository *= *"\(.*\)"$/\1/p' terraform/environments/prod.team.tfvars)"
expect "team settings name this repository" "$deploy" check-team-settings prod "$repo"
refuse "team settings of another repository" "$deploy" check-team-settings prod someone-else/fork

printf 'deploy-test: %d passed, %d failed\n' "$passed" "$failed"
[ "$failed" -eq 0 ]
