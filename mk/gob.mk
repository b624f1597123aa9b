# gob/net-rpc differential checks: test/gobcheck is the Go side (stdlib only). The jest suites in
# sdk/src/runtime/gob and sdk/src/runtime/netrpc build it on demand, so `make test` needs nothing more;
# these targets are for working on it by hand.
GOBCHECK_DIR := test/gobcheck
GOBCHECK_ENV := GOTOOLCHAIN=local GOPROXY=off GOWORK=off GOFLAGS=-mod=mod

.PHONY: gobcheck gob-test

gobcheck: ## Build test/gobcheck (Go's encoding/gob and net/rpc, for the differential tests)
	cd $(GOBCHECK_DIR) && $(GOBCHECK_ENV) go vet ./... && $(GOBCHECK_ENV) go build -o bin/gobcheck .

gob-test: $(NPM_STAMP) gobcheck ## gob and net/rpc tests only, including the differential and fuzz tests against Go and the generated API structs
	npx jest sdk/src/runtime/gob sdk/src/runtime/netrpc sdk/test/generated_gob.test.ts
