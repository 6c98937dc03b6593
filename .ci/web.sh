#!/usr/bin/env bash
# The browser planner: build, serve, browser tests, bundle size, performance.
#   .ci/web.sh dist          release bundle in dist/ for https://…/planner/
#   .ci/web.sh serve         trunk serve on http://127.0.0.1:8080/ (debug build)
#   .ci/web.sh test-browser  wasm-bindgen-test in headless Chromium, then tests/e2e.rs against dist/
#   .ci/web.sh bundle-size   raw/gzip/brotli of dist/; fails above 300,000 bytes brotli
#   .ci/web.sh perf          re-plan + re-render timing and first render in headless Chromium
#   .ci/web.sh perf-load     first render on a throttled mobile profile (examples/perf_load.rs)
set -euo pipefail
cd "$(dirname "$0")/.."

export TRUNK_SKIP_VERSION_CHECK=true
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
PUBLIC_URL="${PUBLIC_URL:-/planner/}"
# The shipped bundle's budget, brotli quality 11, in bytes (not KiB).
BROTLI_BUDGET_BYTES=300000

need_node_tools() {
  [ -x node_modules/.bin/wasm-opt ] || npm ci --no-audit --no-fund
}

scratch_env() {
  # Chromium writes to ~/.config, ~/.cache and $TMPDIR even with --user-data-dir.
  local dir="$PWD/target/browser-scratch"
  mkdir -p "$dir/config" "$dir/cache" "$dir/tmp"
  export XDG_CONFIG_HOME="$dir/config" XDG_CACHE_HOME="$dir/cache" TMPDIR="$dir/tmp"
}

cmd_dist() {
  need_node_tools
  trunk build --release --public-url "$PUBLIC_URL" --dist dist
  # The default plan, pre-rendered natively into the page (src/export/first_view.rs).
  cargo run --quiet -- first-view dist/index.html
  ls -l dist
}

cmd_serve() {
  need_node_tools
  # Its own dist dir: trunk serve writes a debug build, which must not replace the release dist/.
  exec trunk serve --public-url / --address 127.0.0.1 --port 8080 --dist target/trunk-serve
}

cmd_test_browser() {
  scratch_env
  echo "== wasm-bindgen-test (headless Chromium)"
  WASM_BINDGEN_TEST_WEBDRIVER_JSON="$PWD/webdriver.json" \
    cargo test --target wasm32-unknown-unknown --test web_app
  echo "== end-to-end against dist/"
  [ -f dist/index.html ] || cmd_dist
  KICKOFF_E2E_REQUIRED=1 cargo test --test e2e -- --nocapture --test-threads 1
}

cmd_bundle_size() {
  [ -f dist/index.html ] || { echo "dist/ is missing: run .ci/web.sh dist" >&2; exit 1; }
  local total_raw=0 total_gz=0 total_br=0
  printf '%-44s %10s %10s %10s\n' file raw gzip brotli
  while IFS= read -r f; do
    local raw gz br
    raw=$(stat -c %s "$f")
    gz=$(gzip -9 -c "$f" | wc -c)
    br=$(brotli -q 11 -c "$f" | wc -c)
    printf '%-44s %10d %10d %10d\n' "${f#dist/}" "$raw" "$gz" "$br"
    total_raw=$((total_raw + raw)); total_gz=$((total_gz + gz)); total_br=$((total_br + br))
  done < <(find dist -type f \( -name '*.html' -o -name '*.js' -o -name '*.wasm' -o -name '*.css' -o -name '*.svg' \) | sort)
  printf '%-44s %10d %10d %10d\n' TOTAL "$total_raw" "$total_gz" "$total_br"
  echo "brotli total $total_br bytes (budget $BROTLI_BUDGET_BYTES bytes; $((BROTLI_BUDGET_BYTES - total_br)) to spare)"
  if [ "$total_br" -gt "$BROTLI_BUDGET_BYTES" ]; then
    echo "FAIL: brotli total $total_br bytes exceeds $BROTLI_BUDGET_BYTES" >&2
    exit 1
  fi
}

cmd_perf() {
  scratch_env
  [ -f dist/index.html ] || cmd_dist
  KICKOFF_PERF=1 KICKOFF_E2E_REQUIRED=1 cargo test --test e2e perf -- --nocapture --test-threads 1
}

cmd_perf_load() {
  scratch_env
  [ -f dist/index.html ] || cmd_dist
  cargo run --quiet --features perf-load --example perf_load
}

case "${1:-}" in
  dist) cmd_dist ;;
  serve) cmd_serve ;;
  test-browser) cmd_test_browser ;;
  bundle-size) cmd_bundle_size ;;
  perf) cmd_perf ;;
  perf-load) cmd_perf_load ;;
  *) sed -n '2,9p' "$0" >&2; exit 2 ;;
esac
