#!/usr/bin/env bash
# Offline link check over README.md and docs/**/*.md (see .ci/docs_check.py):
# relative links, images and #anchors must resolve; every docs page must be
# reachable from docs/README.md; external links are counted, never fetched.
# Usage: bash .ci/docs-check.sh [REPO_ROOT]     exit 0 ok, 1 broken links
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec python3 "$here/docs_check.py" "${1:-$here/..}"
