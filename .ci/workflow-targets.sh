#!/usr/bin/env bash
# Every `make TARGET` a workflow runs must exist in the Makefile, so a renamed
# target fails here, not on GitHub.
#
# The workflows call make at the start of a `run:` line or of a line in a
# `run: |` block (`make lint`, `make --no-print-directory bundle-size`); those
# lines are found with grep, their targets asked of make itself: `make -q`
# exits 2 only for a target it has no rule for (it builds nothing).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

calls="$(grep -hE '^[[:space:]]*(-[[:space:]]+)?(run:[[:space:]]+)?make[[:space:]]' .github/workflows/*.yml)"
targets="$(sed -E 's/^[^m]*make//; s/[[:space:]]-[^[:space:]]+//g; s/[|;&].*//' <<<"$calls" | tr ' ' '\n' | grep -v '^$' | sort -u)"
[ -n "$targets" ] || { echo "workflow-targets: no make call found in .github/workflows" >&2; exit 1; }

status=0
for target in $targets; do
  rc=0
  make -q "$target" >/dev/null 2>&1 || rc=$?
  if [ "$rc" -eq 2 ]; then
    echo "MISSING make $target (called in .github/workflows, not in the Makefile)" >&2
    status=1
  else
    echo "ok  make $target"
  fi
done
exit "$status"
