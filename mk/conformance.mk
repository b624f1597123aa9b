# Conformance: Mattermost's real plugin host (github.com/mattermost/mattermost/server/public/plugin, in the Go
# module test/conformance) drives the TypeScript conformance plugin and the real plugin, against the public module
# of the latest v11 release (go.mod), of the 10.11 ESR (go.esr.mod) and of the 9.11 ESR (go.esr9.mod, the line
# plugin.json's min_server_version names). See test/conformance/README.md.
CONF_DIR := test/conformance
CONF_BIN := $(CONF_DIR)/bin
CONF_GO := go
CONF_TEST := $(CONF_GO) test -count=1 -timeout 10m
# Run both module versions even when the first fails, then fail if either did.
CONF_BOTH = rc=0; for mod in go.mod go.esr.mod; do echo "== conformance with $(CONF_DIR)/$$mod"; \
	(cd $(CONF_DIR) && $(CONF_TEST) -modfile=$$mod $(1)) || rc=1; done; exit $$rc
# The 9.11 ESR line runs the core packages only (the contract suite and the real plugin's smoke test, about 30 s):
# the protocol and hook surface a 9.11 server speaks; the scenario packages stay on the two newer lines.
CONF_ESR9_PKGS := . ./realplugin
CONF_ALL = rc=0; for mod in go.mod go.esr.mod; do echo "== conformance with $(CONF_DIR)/$$mod"; \
	(cd $(CONF_DIR) && $(CONF_TEST) -modfile=$$mod $(1)) || rc=1; done; \
	echo "== conformance with $(CONF_DIR)/go.esr9.mod ($(CONF_ESR9_PKGS))"; \
	(cd $(CONF_DIR) && $(CONF_TEST) -modfile=go.esr9.mod $(CONF_ESR9_PKGS)) || rc=1; exit $$rc

.PHONY: conformance conformance-idle conformance-ref bench-hooks
TEST_TARGETS += conformance
BENCH_TARGETS += bench-hooks

conformance: server-build hello-build ## Conformance suite: Mattermost's plugin host (v11, 10.11 ESR; core on 9.11 ESR) drives the TS plugins
	@$(call CONF_ALL,./...)

conformance-idle: server-build ## The plugin idles > 80 s under the host (keepalive, StreamOpenTimeout), then works
	cd $(CONF_DIR) && $(CONF_TEST) -tags idle -run TestIdle -v .

# The suite against the Go reference implementation of the contract: checks the suite itself, no Node needed.
conformance-ref: ## Conformance suite against the Go reference plugin (validates the suite, not the TS code)
	cd $(CONF_DIR) && $(CONF_GO) build -buildvcs=false -o bin/refplugin ./refplugin
	@export TRIPWIRE_PLUGIN_EXECUTABLE=$(abspath $(CONF_BIN))/refplugin; $(call CONF_BOTH,.)

# Also activates the shipped executable (test/demo/build_sea.mjs: cached by input hash, shared with make demo); on
# hosts that cannot run the linux-amd64 executable that part is left out.
bench-hooks: server-build ## Hook round trips and activation, Node conformance plugin vs Go baseline plugin, under the real host
	@cd $(CONF_DIR) && $(CONF_GO) build -buildvcs=false -o bin/baseline ./baseline && $(CONF_GO) build -buildvcs=false -o bin/hookbench ./cmd/hookbench
	@# The Node plugin runs on the runtime Tripwire ships with (node-runtimes.lock.json), not whatever node is on PATH.
	@exe=$$(node test/demo/build_sea.mjs) || exe=''; node=$$(node scripts/lib/node_runtime.mjs) || exit 1; \
	TRIPWIRE_NODE=$$node TRIPWIRE_SEA_EXECUTABLE=$$exe $(CONF_BIN)/hookbench
