# Tripwire's façade: every task a developer or CI runs is a target here. `make help` lists them.
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

NPM_STAMP := node_modules/.install-stamp
MANIFEST := server/src/manifest.ts webapp/src/manifest.ts

.PHONY: help all install manifest check-style test test-unit bench dist deploy demo e2e clean

# Each suite beyond the unit tests lives in its own mk/<suite>.mk, which adds its targets to these lists.
TEST_TARGETS :=
BENCH_TARGETS :=
-include mk/*.mk

help: ## List the targets
	@awk 'BEGIN {FS = ":.*?## "} /^[a-zA-Z0-9_-]+:.*?## / {printf "  \033[36m%-12s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

all: check-style test dist ## Style checks, every test, and the bundle

$(NPM_STAMP): package.json package-lock.json common/package.json server/package.json webapp/package.json
	@# npm ci is not used: npm 11.19 writes lock files without other platforms' optional packages and then
	@# refuses them in npm ci ("Missing: @swc/core-darwin-arm64"). npm install honours the committed lock all the same.
	npm install --no-audit --no-fund
	@touch $@

install: $(NPM_STAMP) ## Install npm packages from the committed lock

$(MANIFEST): plugin.json scripts/gen-manifest.mjs
	node scripts/gen-manifest.mjs

manifest: $(MANIFEST) ## Generate server/src/manifest.ts and webapp/src/manifest.ts from plugin.json

check-style: $(NPM_STAMP) $(MANIFEST) ## eslint, tsc (strict) for each workspace, import boundaries and cycles
	npx eslint --max-warnings 0 .
	npx tsc -p common
	npx tsc -p server
	npx tsc -p webapp
	npx tsc -p sdk
	npx tsc -p examples/hello
	npx depcruise --config .dependency-cruiser.cjs common/src server/src webapp/src sdk/src examples/hello/src

test-unit: $(NPM_STAMP) $(MANIFEST) ## Unit tests (jest) for common, server and webapp
	npx jest --ci

test: test-unit $(TEST_TARGETS) ## The whole test suite (what CI runs)

bench: $(NPM_STAMP) $(MANIFEST) ## Benchmarks: print figures, write bench-results/latest.json
	TRIPWIRE_BENCH_EXTRA="$(BENCH_TARGETS)" node scripts/bench.mjs

dist: $(NPM_STAMP) $(MANIFEST) $(APT_STAMP_DIST) webapp-build ## Build dist/tripwire-<version>.tar.gz (PLATFORMS="linux-amd64 linux-arm64")
	node scripts/dist.mjs

deploy: $(NPM_STAMP) ## Upload and enable dist/ on MM_SERVICESETTINGS_SITEURL (MM_ADMIN_TOKEN or MM_ADMIN_USERNAME/PASSWORD)
	node scripts/deploy.mjs

demo: demo-run ## Run Tripwire end to end on an embedded Mattermost plugin host, no Mattermost server needed

e2e: e2e-run ## End to end in a real Mattermost server (builds or reuses a cached server; see test/e2e/README.md)

clean: ## Remove build outputs
	rm -rf dist build .make server/dist webapp/dist bench-results test-output coverage $(MANIFEST)
