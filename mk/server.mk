# The server bundles: server/dist/plugin.js (the real plugin, from server/src/main.ts),
# server/dist/conformance-plugin.js (the conformance plugin the Go host in test/conformance drives) and
# server/dist/http-plugin.js (the HTTP surface alone, for test/conformance/interactive).
#
# ESM with code splitting: each entry file holds little more than what prints go-plugin's handshake line, and what
# the plugins import with `await import(…)` (the rest after the handshake; express on the first ServeHTTP) sits in
# server/dist/chunks/, read and compiled by Node only when imported. That is start-up time the host counts: as one
# CommonJS file, Node compiled all 2.7 MB before printing the line. The banner gives the bundled CommonJS packages
# the require() that ESM lacks. Chunks are content-hashed; those of earlier builds stay a day, since a plugin process
# started before a rebuild may still import them. (The shipped executable is built by scripts/dist.mjs: CommonJS.)
SERVER_BUNDLE_SRC := $(shell find server/src server/test/conformance -name '*.ts' ! -name '*.test.ts' 2>/dev/null)
SERVER_BUNDLES := server/dist/plugin.js server/dist/conformance-plugin.js server/dist/http-plugin.js
ESBUILD_REQUIRE_BANNER := import {createRequire as __tripwireCreateRequire} from 'node:module'; const require = __tripwireCreateRequire(import.meta.url);

.PHONY: server-build
server-build: $(SERVER_BUNDLES) ## Bundle the server plugin and the conformance plugins (esbuild)

$(SERVER_BUNDLES) &: $(NPM_STAMP) $(MANIFEST) $(SERVER_BUNDLE_SRC)
	@mkdir -p server/dist/chunks && find server/dist/chunks -type f -mmin +1440 -delete
	@echo '{"type": "module"}' > server/dist/package.json
	npx esbuild plugin=server/src/main.ts conformance-plugin=server/test/conformance/plugin.ts http-plugin=server/test/conformance/http_plugin.ts \
		--bundle --platform=node --target=node20 --format=esm --splitting --outdir=server/dist --chunk-names=chunks/[name]-[hash] \
		--sourcemap --log-level=warning --banner:js="$(ESBUILD_REQUIRE_BANNER)"
