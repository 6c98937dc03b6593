#!/usr/bin/env bash
# The cost diff of a change: `kickoff diff` of every environment's planner tfvars
# (terraform/environments/<env>.tfvars, which embed their scenario) at BASE against the working
# tree, with BASE's price book for the base side, as one Markdown document.
#
#   bash .ci/cost-diff.sh BASE                  print the Markdown (e.g. BASE = origin/main)
#   bash .ci/cost-diff.sh --post BASE PR        also create or update the pull request's one
#                                               cost-diff comment (needs gh and GH_TOKEN)
#
# Only when BASE..working tree changes terraform/environments/ or src/model/prices_us_east_1.json;
# otherwise it says so and posts nothing. The Markdown is also appended to $GITHUB_STEP_SUMMARY
# when set. Exit 0 whatever the delta (the diff informs, it does not gate); 2 on bad input or a
# failed `kickoff diff`. No AWS access: kickoff plans offline.
set -euo pipefail

post=false
if [ "${1:-}" = "--post" ]; then
  post=true
  shift
fi
base="${1:?usage: cost-diff.sh [--post] BASE [PR]}"
pr="${2:-}"
if $post && [ -z "$pr" ]; then
  echo "cost-diff: --post needs the pull request number" >&2
  exit 2
fi

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
marker="<!-- kickoff-cost-diff -->"
prices="src/model/prices_us_east_1.json"
envs_dir="terraform/environments"

base_sha="$(git rev-parse --verify "${base}^{commit}")" || { echo "cost-diff: unknown BASE $base" >&2; exit 2; }
changed="$(git diff --name-only "$base_sha" -- "$envs_dir" "$prices")"
if [ -z "$changed" ]; then
  echo "cost-diff: no change to $envs_dir or $prices since ${base_sha:0:12}: nothing to diff"
  exit 0
fi

cargo build --quiet --locked --bin kickoff
kickoff="${CARGO_TARGET_DIR:-$root/target}/debug/kickoff"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
base_prices=()
if git cat-file -e "$base_sha:$prices" 2>/dev/null; then
  git show "$base_sha:$prices" >"$tmp/base-prices.json"
  base_prices=(--base-prices "$tmp/base-prices.json")
fi

out="$tmp/comment.md"
{
  echo "$marker"
  echo "## Kickoff cost diff"
  echo
  echo "Monthly cost of each environment's planner tfvars at \`${base_sha:0:12}\` (base) and at this change (head), planned by \`kickoff diff\` (docs/money-view.md). Changed: $(echo "$changed" | sed 's/.*/`&`/' | paste -sd, - | sed 's/,/, /g')."
  echo
} >"$out"
for head_file in "$envs_dir"/*.tfvars; do
  case "$head_file" in *.team.tfvars) continue ;; esac
  env="$(basename "$head_file" .tfvars)"
  if ! git cat-file -e "$base_sha:$head_file" 2>/dev/null; then
    { echo "### $env"; echo; echo "New environment: no base to compare with."; echo; } >>"$out"
    continue
  fi
  git show "$base_sha:$head_file" >"$tmp/$env.base.tfvars"
  if ! "$kickoff" diff "$tmp/$env.base.tfvars" "$head_file" --format markdown --title "$env" \
      "${base_prices[@]}" >>"$out" 2>"$tmp/err"; then
    echo "cost-diff: kickoff diff failed for $env:" >&2
    cat "$tmp/err" >&2
    exit 2
  fi
  echo >>"$out"
done

cat "$out"
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  cat "$out" >>"$GITHUB_STEP_SUMMARY"
fi

if $post; then
  repo="${GITHUB_REPOSITORY:?cost-diff: --post needs GITHUB_REPOSITORY (owner/name)}"
  body="$(jq -Rs '{body: .}' <"$out")"
  existing="$(gh api --paginate "repos/$repo/issues/$pr/comments" \
    --jq ".[] | select(.body | startswith(\"$marker\")) | .id" | head -n 1)"
  if [ -n "$existing" ]; then
    echo "$body" | gh api --method PATCH "repos/$repo/issues/comments/$existing" --input - >/dev/null
    echo "cost-diff: updated comment $existing on #$pr"
  else
    echo "$body" | gh api --method POST "repos/$repo/issues/$pr/comments" --input - >/dev/null
    echo "cost-diff: posted a comment on #$pr"
  fi
fi
