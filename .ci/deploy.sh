#!/usr/bin/env bash
# Deploy steps of .github/workflows/deploy.yml, runnable (and tested) locally.
# The workflow only wires these together; `make test-deploy` runs every one
# with --dry-run (.ci/deploy-test.sh).
#
#   .ci/deploy.sh [--dry-run DIR] COMMAND ARGS...
#
#   resolve-images OUTPUTS_JSON [api=IMG] [backup=IMG] [archive=IMG]
#       Print the images tfvars for a plan: each image given, else the one
#       running now (`terraform output -json` of the environment); all three
#       are required on the first deploy. Images must be pinned by digest.
#   check-team-settings ENV REPOSITORY
#       terraform/environments/ENV.team.tfvars must name REPOSITORY (the
#       repository the workflow runs in) as github_repository.
#   check-plan PLAN_JSON
#       Fail if the plan (`terraform show -json`) holds any sensitive value:
#       a saved plan travels as an artifact, so it must hold no secret.
#   plan-summary PLAN_JSON PLAN_TXT ENV SHA
#       Print the Markdown job summary of a plan: what it creates, updates,
#       replaces and destroys, and the plan text (cut at 900,000 bytes, under
#       GitHub's 1 MiB step-summary limit).
#   outputs OUTPUTS_JSON NAME...
#       Print NAME=VALUE for each named `terraform output -json` value (the
#       apply job's outputs); fail naming the first one missing or not a string.
#   sync-assets SRC_DIR BUCKET
#       Upload changed game assets to s3://BUCKET/assets/ by content hash
#       (manifest s3://BUCKET/_deploy/game-assets.sha256), delete removed
#       ones; print the CloudFront paths to invalidate.
#   publish-planner DIST_DIR BUCKET
#       Upload the planner to s3://BUCKET/planner/: hashed files first
#       (immutable, real content types), index.html last (no-cache); print
#       the paths to invalidate.
#   invalidate DISTRIBUTION_ID PATHS_FILE
#       One CloudFront invalidation for the paths in PATHS_FILE (a prefix
#       wildcard past 500 paths).
#   roll-api CLUSTER SERVICE TASK_DEFINITION_ARN
#       The API rollout the apply started: check the service keeps its
#       zero-downtime settings, wait until it is stable, and fail unless the
#       primary deployment runs TASK_DEFINITION_ARN, completed (a circuit
#       breaker rollback fails).
#
# --dry-run DIR changes nothing in AWS: S3 is the directory DIR/s3/<bucket>/,
# ECS answers from recorded JSON in DIR/ecs/ (services.json:
# describe-services, task-definition.json: describe-task-definition), and
# every write is appended to DIR/calls.log instead of being made.
set -euo pipefail

die() { printf 'deploy: %s\n' "$*" >&2; exit 1; }
say() { printf 'deploy: %s\n' "$*" >&2; }

DRY_RUN=""
if [ "${1:-}" = "--dry-run" ]; then
  DRY_RUN="${2:?--dry-run needs a directory}"
  shift 2
  mkdir -p "$DRY_RUN"
fi

IMAGE_PATTERN='^[a-z0-9][a-z0-9.-]*(:[0-9]+)?/[a-z0-9][a-z0-9._/-]*@sha256:[0-9a-f]{64}$'
ASSETS_PREFIX="assets/"
MANIFEST_KEY="_deploy/game-assets.sha256"
IMMUTABLE="public, max-age=31536000, immutable"

# --- AWS primitives: the only places that call AWS (or the dry-run stand-ins)

log_call() { printf '%s\n' "$*" >>"$DRY_RUN/calls.log"; }

s3_put() { # FILE BUCKET KEY CONTENT_TYPE CACHE_CONTROL
  if [ -n "$DRY_RUN" ]; then
    mkdir -p "$(dirname "$DRY_RUN/s3/$2/$3")"
    cp "$1" "$DRY_RUN/s3/$2/$3"
    log_call "PUT s3://$2/$3 content-type=$4 cache-control=$5"
  else
    aws s3 cp --no-progress --only-show-errors "$1" "s3://$2/$3" --content-type "$4" --cache-control "$5"
  fi
}

s3_get() { # BUCKET KEY (to stdout; fails when missing)
  if [ -n "$DRY_RUN" ]; then
    cat "$DRY_RUN/s3/$1/$2" 2>/dev/null
  else
    aws s3 cp --no-progress --only-show-errors "s3://$1/$2" -
  fi
}

s3_exists() { # BUCKET KEY
  if [ -n "$DRY_RUN" ]; then
    [ -f "$DRY_RUN/s3/$1/$2" ]
  else
    aws s3api head-object --bucket "$1" --key "$2" >/dev/null 2>&1
  fi
}

s3_delete() { # BUCKET KEY
  if [ -n "$DRY_RUN" ]; then
    rm -f "$DRY_RUN/s3/$1/$2"
    log_call "DELETE s3://$1/$2"
  else
    aws s3 rm --only-show-errors "s3://$1/$2"
  fi
}

cf_invalidate() { # DISTRIBUTION_ID PATH...
  local dist="$1"
  shift
  if [ -n "$DRY_RUN" ]; then
    log_call "INVALIDATE $dist $*"
    echo "dry-run"
  else
    aws cloudfront create-invalidation --distribution-id "$dist" --paths "$@" \
      --query Invalidation.Id --output text
  fi
}

ecs_describe_service() { # CLUSTER SERVICE
  if [ -n "$DRY_RUN" ]; then
    cat "$DRY_RUN/ecs/services.json"
  else
    aws ecs describe-services --cluster "$1" --services "$2" --output json
  fi
}

ecs_describe_task_definition() { # ARN
  if [ -n "$DRY_RUN" ]; then
    cat "$DRY_RUN/ecs/task-definition.json"
  else
    aws ecs describe-task-definition --task-definition "$1" --output json
  fi
}

ecs_wait_stable() { # CLUSTER SERVICE; each wait polls up to 10 minutes
  if [ -n "$DRY_RUN" ]; then
    log_call "WAIT services-stable $1/$2"
  else
    aws ecs wait services-stable --cluster "$1" --services "$2"
  fi
}

content_type() {
  case "$1" in
    *.html) echo "text/html; charset=utf-8" ;;
    *.js | *.mjs) echo "text/javascript" ;;
    *.wasm) echo "application/wasm" ;; # streaming compilation needs it
    *.css) echo "text/css" ;;
    *.svg) echo "image/svg+xml" ;;
    *.json) echo "application/json" ;;
    *.png) echo "image/png" ;;
    *.jpg | *.jpeg) echo "image/jpeg" ;;
    *.webp) echo "image/webp" ;;
    *.woff2) echo "font/woff2" ;;
    *) echo "application/octet-stream" ;;
  esac
}

# --- commands -----------------------------------------------------------------

cmd_resolve_images() {
  local outputs="${1:?usage: resolve-images OUTPUTS_JSON [api=IMG] [backup=IMG] [archive=IMG]}"
  shift
  local -A given=()
  for arg in "$@"; do
    case "$arg" in
      api=* | backup=* | archive=*) [ -n "${arg#*=}" ] && given[${arg%%=*}]="${arg#*=}" ;;
      *) die "resolve-images: unknown argument $arg" ;;
    esac
  done
  for name in api backup archive; do
    local image="${given[$name]:-}"
    if [ -z "$image" ]; then
      image="$(jq -r --arg n "$name" '.images.value[$n] // empty' "$outputs" 2>/dev/null || true)"
      [ -n "$image" ] || die "no $name image: none given and none running (first deploy: give all three images)"
    fi
    [[ "$image" =~ $IMAGE_PATTERN ]] || die "$name image must be pinned by digest (<registry>/<repository>@sha256:<64 hex>), got: $image"
    printf '%s_image = "%s"\n' "$name" "$image"
  done
}

cmd_check_team_settings() {
  local env="${1:?usage: check-team-settings ENV REPOSITORY}" repo="${2:?usage: check-team-settings ENV REPOSITORY}"
  local file="terraform/environments/$env.team.tfvars"
  [ -f "$file" ] || die "$file is missing"
  local named
  named="$(sed -n 's/^github_repository *= *"\(.*\)"$/\1/p' "$file")"
  [ "$named" = "$repo" ] || die "$file names github_repository \"$named\", but this is $repo: fix the file (runbook links and tags use it)"
  say "$file: github_repository = $repo"
}

cmd_check_plan() {
  local plan="${1:?usage: check-plan PLAN_JSON}"
  # Every value the plan marks sensitive (before/after of each change, the
  # prior state, outputs) must be null or empty.
  local leaks
  leaks="$(jq -r '
    def leaks($where; $v; $s):
      [$s | paths(. == true)] as $ps
      | $ps[] as $p
      | ($v | try getpath($p) catch null) as $x
      | select($x != null and $x != "")
      | "\($where).\($p | map(tostring) | join("."))";
    ( .resource_changes[]? as $rc
      | (leaks("\($rc.address) (before)"; $rc.change.before; $rc.change.before_sensitive // {}),
         leaks("\($rc.address) (after)"; $rc.change.after; $rc.change.after_sensitive // {})) ),
    ( .prior_state.values.root_module.resources[]? as $r
      | leaks("\($r.address) (prior state)"; $r.values; $r.sensitive_values // {}) ),
    ( .output_changes // {} | to_entries[] as $o
      | select($o.value.after_sensitive == true and $o.value.after != null) | "output \($o.key)" )
  ' "$plan")" || die "check-plan: $plan is not a terraform show -json plan"
  if [ -n "$leaks" ]; then
    printf '%s\n' "$leaks" >&2
    die "the plan holds sensitive values (above): it must not be saved or uploaded"
  fi
  say "check-plan: no sensitive value in $plan"
}

cmd_sync_assets() {
  local src="${1:?usage: sync-assets SRC_DIR BUCKET}" bucket="${2:?usage: sync-assets SRC_DIR BUCKET}"
  [ -d "$src" ] || { say "$src does not exist: no game assets to sync"; return 0; }
  local work
  work="$(mktemp -d)"
  # Content hashes, sorted by path: "<sha256>  <path>".
  (cd "$src" && find . -type f ! -name '.*' -printf '%P\n' | LC_ALL=C sort) >"$work/list"
  # Safe names only: they become S3 keys and CloudFront paths unescaped.
  if grep -vE '^[A-Za-z0-9._/-]+$' "$work/list" >&2; then
    die "game asset names must match [A-Za-z0-9._/-]+ (see the names above)"
  fi
  (cd "$src" && tr '\n' '\0' <"$work/list" | xargs -0 -r sha256sum) | LC_ALL=C sort -k2 >"$work/new"
  local first=false
  if s3_exists "$bucket" "$MANIFEST_KEY"; then
    s3_get "$bucket" "$MANIFEST_KEY" | LC_ALL=C sort -k2 >"$work/old"
  else
    first=true
    : >"$work/old"
  fi
  # Changed or new: lines of the new manifest not in the old one.
  LC_ALL=C comm -13 <(LC_ALL=C sort "$work/old") <(LC_ALL=C sort "$work/new") | cut -c67- | LC_ALL=C sort >"$work/changed"
  # Removed: paths in the old manifest, not in the new one.
  LC_ALL=C comm -23 <(cut -c67- "$work/old" | LC_ALL=C sort) <(cut -c67- "$work/new" | LC_ALL=C sort) >"$work/removed"
  while IFS= read -r path; do
    s3_put "$src/$path" "$bucket" "$ASSETS_PREFIX$path" "$(content_type "$path")" "public, max-age=86400"
  done <"$work/changed"
  while IFS= read -r path; do
    s3_delete "$bucket" "$ASSETS_PREFIX$path"
  done <"$work/removed"
  s3_put "$work/new" "$bucket" "$MANIFEST_KEY" "text/plain" "no-store"
  say "game assets: $(wc -l <"$work/changed") uploaded, $(wc -l <"$work/removed") removed"
  if [ "$first" = true ]; then
    # No manifest yet: whatever CloudFront holds under /assets/ predates this.
    echo "/${ASSETS_PREFIX}*"
  else
    cat "$work/changed" "$work/removed" | sed "s|^|/$ASSETS_PREFIX|"
  fi
  rm -rf "$work"
}

cmd_publish_planner() {
  local dist="${1:?usage: publish-planner DIST_DIR BUCKET}" bucket="${2:?usage: publish-planner DIST_DIR BUCKET}"
  [ -f "$dist/index.html" ] || die "$dist/index.html is missing: build the planner first (make dist)"
  # 1. Every other file: trunk puts a content hash in each name, so they are
  #    immutable. No deletes: open sessions keep loading the previous build's
  #    files until they reload index.html.
  local count=0
  while IFS= read -r path; do
    s3_put "$dist/$path" "$bucket" "planner/$path" "$(content_type "$path")" "$IMMUTABLE"
    count=$((count + 1))
  done < <(cd "$dist" && find . -type f ! -name index.html -printf '%P\n' | LC_ALL=C sort)
  # 2. index.html last, so it never names a file that is not there yet.
  s3_put "$dist/index.html" "$bucket" "planner/index.html" "text/html; charset=utf-8" "no-cache"
  say "planner: $count hashed file(s), then index.html"
  printf '%s\n' /planner/index.html /planner/
}

cmd_invalidate() {
  local dist="${1:?usage: invalidate DISTRIBUTION_ID PATHS_FILE}" file="${2:?usage: invalidate DISTRIBUTION_ID PATHS_FILE}"
  local paths
  mapfile -t paths < <(LC_ALL=C sort -u "$file" | sed '/^$/d')
  [ "${#paths[@]}" -gt 0 ] || { say "nothing to invalidate"; return 0; }
  # CloudFront takes up to 3000 paths per invalidation; past a few hundred a
  # wildcard is cheaper (the first 1,000 paths a month are free).
  if [ "${#paths[@]}" -gt 500 ]; then
    paths=(/planner/index.html /planner/ "/${ASSETS_PREFIX}*")
  fi
  local id
  id="$(cf_invalidate "$dist" "${paths[@]}")"
  say "CloudFront invalidation $id for ${#paths[@]} path(s)"
  printf '%s\n' "${paths[@]}"
}

cmd_roll_api() {
  local cluster="${1:?usage: roll-api CLUSTER SERVICE TASK_DEFINITION_ARN}" service="${2:?usage: roll-api CLUSTER SERVICE TASK_DEFINITION_ARN}" want="${3:?usage: roll-api CLUSTER SERVICE TASK_DEFINITION_ARN}"
  local described
  described="$(ecs_describe_service "$cluster" "$service")"
  jq -e '.services | length == 1' <<<"$described" >/dev/null || die "service $service not found in $cluster"
  # Zero downtime relies on these: never below full capacity, and rollback.
  jq -e '.services[0].deploymentConfiguration
         | .deploymentCircuitBreaker.enable and .deploymentCircuitBreaker.rollback
           and .minimumHealthyPercent >= 100' <<<"$described" >/dev/null \
    || die "$service needs the circuit breaker with rollback and minimumHealthyPercent >= 100"
  local attempt
  for attempt in 1 2 3 4; do
    jq -e '.services[0].deployments | length == 1' <<<"$described" >/dev/null && break
    say "rollout in progress (wait $attempt/4)"
    ecs_wait_stable "$cluster" "$service" || true
    described="$(ecs_describe_service "$cluster" "$service")"
  done
  jq -r '.services[0].deployments[] | "\(.status)\t\(.rolloutState)\t\(.taskDefinition)\trunning=\(.runningCount)"' <<<"$described" >&2
  # services-stable is also true after a circuit-breaker rollback: check what runs.
  jq -e --arg td "$want" '.services[0].deployments[] | select(.status == "PRIMARY")
        | .taskDefinition == $td and .rolloutState == "COMPLETED"' <<<"$described" >/dev/null \
    || die "the rollout of $want did not complete; the circuit breaker keeps (or restored) the previous revision"
  local image
  image="$(ecs_describe_task_definition "$want" | jq -r '.taskDefinition.containerDefinitions[] | select(.name == "api") | .image')"
  say "$service is stable on $want ($image)"
}

cmd_plan_summary() {
  local plan="${1:?usage: plan-summary PLAN_JSON PLAN_TXT ENV SHA}" text="${2:?usage: plan-summary PLAN_JSON PLAN_TXT ENV SHA}"
  local env="${3:?usage: plan-summary PLAN_JSON PLAN_TXT ENV SHA}" sha="${4:?usage: plan-summary PLAN_JSON PLAN_TXT ENV SHA}"
  local counts
  counts="$(jq -r '
    [.resource_changes[]?.change.actions] as $a
    | "create \([$a[] | select(. == ["create"])] | length), "
    + "update \([$a[] | select(. == ["update"])] | length), "
    + "replace \([$a[] | select(length == 2)] | length), "
    + "destroy \([$a[] | select(. == ["delete"])] | length)"' "$plan")" || die "$plan is not a terraform show -json plan"
  printf '### Terraform plan to apply: `%s` at `%s`\n\n**%s**\n\n' "$env" "$sha" "$counts"
  printf '<details><summary>Full plan</summary>\n\n```\n'
  head -c 900000 "$text"
  printf '\n```\n</details>\n'
}

cmd_outputs() {
  local outputs="${1:?usage: outputs OUTPUTS_JSON NAME...}"
  shift
  [ "$#" -gt 0 ] || die "usage: outputs OUTPUTS_JSON NAME..."
  local name value
  for name in "$@"; do
    value="$(jq -er --arg n "$name" '.[$n].value | strings' "$outputs")" \
      || die "terraform output $name is missing or not a string"
    printf '%s=%s\n' "$name" "$value"
  done
}

case "${1:-}" in
  resolve-images) shift; cmd_resolve_images "$@" ;;
  check-team-settings) shift; cmd_check_team_settings "$@" ;;
  check-plan) shift; cmd_check_plan "$@" ;;
  plan-summary) shift; cmd_plan_summary "$@" ;;
  outputs) shift; cmd_outputs "$@" ;;
  sync-assets) shift; cmd_sync_assets "$@" ;;
  publish-planner) shift; cmd_publish_planner "$@" ;;
  invalidate) shift; cmd_invalidate "$@" ;;
  roll-api) shift; cmd_roll_api "$@" ;;
  *) sed -n '2,/^set -euo/p' "$0" | sed '$d' >&2; exit 2 ;;
esac
