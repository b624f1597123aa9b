# The server bundles: server/dist/plugin.js (the real plugin, from server/src/main.ts) and
# server/dist/conformance-plugin.js (the conformance plugin the Go host in test/conformance drives).
SERVER_BUNDLE_SRC := $(shell find server/src server/test/conformance -name '*.ts' ! -name '*.test.ts' 2>/dev/null)
ESBUILD_SERVER := npx esbuild --bundle --platform=node --target=node20 --format=cjs --sourcemap --log-level=warning

.PHONY: server-build
server-build: server/dist/plugin.js server/dist/conformance-plugin.js server/dist/http-plugin.js ## Bundle the server plugin and the conformance plugin (esbuild)

server/dist/plugin.js: $(NPM_STAMP) $(MANIFEST) $(SERVER_BUNDLE_SRC)
	$(ESBUILD_SERVER) server/src/main.ts --outfile=$@

server/dist/conformance-plugin.js: $(NPM_STAMP) $(MANIFEST) $(SERVER_BUNDLE_SRC)
	$(ESBUILD_SERVER) server/test/conformance/plugin.ts --outfile=$@

# The HTTP surface alone (REST API, buttons, dialogs, inbound URLs) for test/conformance/interactive.
server/dist/http-plugin.js: $(NPM_STAMP) $(MANIFEST) $(SERVER_BUNDLE_SRC)
	$(ESBUILD_SERVER) server/test/conformance/http_plugin.ts --outfile=$@
