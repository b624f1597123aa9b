# go-plugin round trips through Tripwire's runtime under the real go-plugin host (test/yamuxpeer/cmd/pluginhost).
# The yamux and go-plugin interop tests themselves are jest tests (sdk/src/runtime/{yamux,goplugin}) and build
# what they need; this adds only the benchmark.
YAMUX_PEER := test/yamuxpeer

.PHONY: bench-goplugin
BENCH_TARGETS += bench-goplugin

bench-goplugin: $(NPM_STAMP)
	cd $(YAMUX_PEER) && go build -o bin/pluginhost ./cmd/pluginhost
	npx esbuild $(YAMUX_PEER)/plugin/test_plugin.ts --bundle --platform=node --target=node20 --outfile=$(YAMUX_PEER)/bin/test_plugin.js --log-level=warning
	$(YAMUX_PEER)/bin/pluginhost -node node -plugin $(YAMUX_PEER)/bin/test_plugin.js -idle 0s -calls 5000 -bench
