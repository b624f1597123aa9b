# make demo (issue 8): Tripwire end to end with no Mattermost server. test/conformance/cmd/demo runs the real plugin
# under Mattermost's own plugin host code (test/conformance) with an in-memory server, a demo service on 127.0.0.1
# (test/demo/receiver.mjs) and two example rules, and narrates what happens; exit 0 only if every step happened.
#   make demo-run               the linux-amd64 single-executable app, built by scripts/dist.mjs and cached by input
#                               hash in test-output/demo/sea-<hash>/ (test/demo/build_sea.mjs; ~40 s when inputs change)
#   DEMO_FAST=1 make demo-run   node + server/dist/plugin.js instead (no SEA build)
#   DEMO_UI=1 make demo-run     afterwards serve the webapp playground on 127.0.0.1 until Ctrl-C
#   make conformance-sea        the SEA itself under the conformance host: run by hand, activation, hooks, shutdown
DEMO_BIN := $(CONF_DIR)/bin/demo

.PHONY: demo-run demo-sea demo-bin demo-webapp conformance-sea
TEST_TARGETS += conformance-sea

demo-bin:
	@cd $(CONF_DIR) && $(CONF_GO) build -buildvcs=false -o bin/demo ./cmd/demo

# Cached: prints the executable's path; rebuilds only when server/common sources, locks or dist.mjs changed.
demo-sea: $(NPM_STAMP) $(MANIFEST)
	@node test/demo/build_sea.mjs >/dev/null

# The playground serves the real webapp bundle; build it only when it is missing (webapp-build always runs).
demo-webapp: browser-host
	@test -f webapp/dist/main.js || $(MAKE) --no-print-directory webapp-build

# The driver builds (or reuses) the SEA itself through test/demo/build_sea.mjs, showing the build's progress.
demo-run: $(NPM_STAMP) $(MANIFEST) server-build demo-bin $(if $(DEMO_UI),demo-webapp) ## Tripwire end to end on the embedded host (DEMO_FAST=1: no SEA; DEMO_UI=1: playground)
	@$(DEMO_BIN)

conformance-sea: $(NPM_STAMP) $(MANIFEST) ## The single-executable plugin itself under Mattermost's plugin host (v11 and 10.11 ESR)
	@exe=$$(node test/demo/build_sea.mjs) && export TRIPWIRE_SEA_EXECUTABLE=$$exe && $(call CONF_BOTH,-tags sea -run TestSEA ./cmd/demo)
