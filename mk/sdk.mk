# The TypeScript SDK's generated plugin API (issue #19): sdk/gen reads the pinned server/public module (sdk/gen/go.mod)
# with go/packages and writes sdk/src/generated plus the Go table of RPC structs its differential test uses
# (sdk/gen/wirecheck: the RPC structs and a net/rpc service of every API method). The jest suite in sdk/test proves
# the generated gob descriptions, JSON shapes and typed client against Go.
SDK_GEN_DIR := sdk/gen
SDK_GEN_ENV := GOTOOLCHAIN=local GOWORK=off
SDK_GEN_RUN = cd $(SDK_GEN_DIR) && $(SDK_GEN_ENV) go run . -out $(1) -go-out $(2)

.PHONY: sdk-gen sdk-gen-check sdk-test hello-build
TEST_TARGETS += sdk-gen-check

sdk-gen: ## Regenerate sdk/src/generated from the server/public module pinned in sdk/gen/go.mod
	$(call SDK_GEN_RUN,../src/generated,wirecheck/structs_generated.go)

sdk-gen-check: ## Fail when sdk/src/generated (or the wirecheck table) differs from what sdk/gen writes now
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	($(call SDK_GEN_RUN,$$tmp/ts,$$tmp/structs_generated.go)) && \
	if diff -r "$$tmp/ts" sdk/src/generated >/dev/null && \
		diff -q "$$tmp/structs_generated.go" $(SDK_GEN_DIR)/wirecheck/structs_generated.go >/dev/null && \
		diff -q "$$tmp/recorder_generated.go" $(SDK_GEN_DIR)/wirecheck/recorder_generated.go >/dev/null && \
		diff -q "$$tmp/host_generated.go" $(SDK_GEN_DIR)/wirecheck/host_generated.go >/dev/null; \
	then echo "sdk/src/generated is up to date"; \
	else diff -ru sdk/src/generated "$$tmp/ts" | head -40; echo "sdk/src/generated is stale: run make sdk-gen and commit the result" >&2; exit 1; fi

sdk-test: $(NPM_STAMP) ## The SDK's tests only, including the gob round trips of every API and hook struct against Go
	npx jest --selectProjects sdk

# examples/hello: the SDK's example plugin; test/conformance/hello runs this bundle under the real plugin host.
hello-build: $(NPM_STAMP) ## Bundle examples/hello (examples/hello/dist/plugin.js)
	$(MAKE) -C examples/hello build
