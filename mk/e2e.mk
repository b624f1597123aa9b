# End to end in a real Mattermost server (issue 9; test/e2e/README.md).
#   make e2e-server   build the Mattermost server pinned by test/e2e/server/go.mod (Go module proxy), or find it in
#                     ~/.cache/tripwire/mattermost-<commit>-<modhash>/ (cold: about 10 minutes on 2 cores)
#   make e2e-bundles  the linux-amd64 bundles under test-output/e2e/: the conformance plugin, Tripwire itself and the
#                     SDK's example plugin (examples/hello)
#   make e2e-run      PostgreSQL + Mattermost on 127.0.0.1 in /tmp, fixtures, upload/enable, scenarios, teardown
# E2E_BUNDLES overrides the bundles e2e-run installs (in order), e.g. E2E_BUNDLES=dist/tripwire-0.1.0.tar.gz.
E2E_DIR := test-output/e2e
E2E_VERSION := $(shell node -p "require('./plugin.json').version")
E2E_CONFORMANCE_BUNDLE := $(E2E_DIR)/tripwire-conformance-$(E2E_VERSION).tar.gz
E2E_TRIPWIRE_BUNDLE := $(E2E_DIR)/tripwire-$(E2E_VERSION).tar.gz
E2E_HELLO_BUNDLE := $(E2E_DIR)/hello-$(shell node -p "require('./examples/hello/plugin.json').version").tar.gz
E2E_BUNDLES ?= $(E2E_CONFORMANCE_BUNDLE) $(E2E_TRIPWIRE_BUNDLE) $(E2E_HELLO_BUNDLE)
E2E_APT_STAMP := .make/apt-e2e
# The sources the server bundles are made of (mk/server.mk's list is defined after this file is read).
E2E_SERVER_SRC := $(shell find common/src sdk/src server/src server/test/conformance -name '*.ts' ! -name '*.test.ts' 2>/dev/null)
# Each bundle is built by scripts/dist.mjs into its own build directory, so neither build/ nor dist/ is touched.
E2E_DIST = PLATFORMS=linux-amd64 TRIPWIRE_DIST_DIR=$(CURDIR)/$(E2E_DIR) TRIPWIRE_BUILD_DIR=$(CURDIR)/$(E2E_DIR)/build-$(1) node scripts/dist.mjs

.PHONY: e2e-server e2e-bundles e2e-run e2e-webapp

$(E2E_APT_STAMP):
	@mkdir -p .make
	@ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; }
	@command -v go >/dev/null || { echo "make e2e: Go is needed to build the Mattermost server (go.dev/dl or apt-get install golang)"; exit 1; }
	@touch $@

# The bundles carry the webapp too; build it only when it is missing (webapp-build is phony and always runs).
e2e-webapp:
	@test -f webapp/dist/main.js || $(MAKE) webapp-build

e2e-server: $(NPM_STAMP) $(E2E_APT_STAMP) ## Build (or find cached) the pinned Mattermost server for make e2e
	node test/e2e/build_server.mjs

$(E2E_CONFORMANCE_BUNDLE): $(NPM_STAMP) $(MANIFEST) scripts/dist.mjs plugin.json $(E2E_SERVER_SRC) | e2e-webapp
	SERVER_ENTRY=server/test/conformance/plugin.ts TRIPWIRE_MANIFEST_PATCH='{"id":"tripwire-conformance","name":"Tripwire conformance plugin"}' $(call E2E_DIST,conformance)
	rm -rf $(E2E_DIR)/build-conformance

$(E2E_TRIPWIRE_BUNDLE): $(NPM_STAMP) $(MANIFEST) scripts/dist.mjs plugin.json $(E2E_SERVER_SRC) | e2e-webapp
	$(call E2E_DIST,tripwire)
	rm -rf $(E2E_DIR)/build-tripwire

$(E2E_HELLO_BUNDLE): $(NPM_STAMP) scripts/dist.mjs examples/hello/plugin.json $(wildcard examples/hello/src/*.ts) $(shell find sdk/src -name '*.ts' ! -name '*.test.ts')
	SERVER_ENTRY=examples/hello/src/plugin.ts TRIPWIRE_MANIFEST=examples/hello/plugin.json $(call E2E_DIST,hello)
	rm -rf $(E2E_DIR)/build-hello

e2e-bundles: $(E2E_CONFORMANCE_BUNDLE) $(E2E_TRIPWIRE_BUNDLE) $(E2E_HELLO_BUNDLE) ## linux-amd64 bundles for make e2e (conformance plugin, Tripwire, examples/hello)

e2e-run: e2e-server e2e-bundles ## End to end: boot Mattermost + PostgreSQL on 127.0.0.1, install the bundles, run the scenarios
	node test/e2e/run.mjs $(E2E_BUNDLES)
