# make fuzz-api (issue 13): schemathesis (PyPI, pinned, in a venv this file owns) against server/openapi.json, over
# every route (REST API, inbound URL, response_url, clicks, dialogs, autocomplete), as every fixture role and with no
# session, against the real plugin (server/dist/plugin.js) under Mattermost's plugin host with the in-memory server
# (test/conformance/cmd/apiserve). Checks: no 5xx, every error JSON with a code, responses as documented, and no
# token it sent (inbound URL, response_url, session) in the log.
# Bounded: seeded, max examples per operation, a time budget (test/fuzz/run.py; FUZZ_SEED, FUZZ_MAX_EXAMPLES and
# FUZZ_BUDGET_SECONDS override). Reports: test-output/fuzz/ (junit.xml, schemathesis.log, apiserve.log).
SCHEMATHESIS_VERSION := 4.32.5
FUZZ_VENV := $(HOME)/.cache/tripwire/venv-schemathesis-$(SCHEMATHESIS_VERSION)
FUZZ_VENV_STAMP := $(FUZZ_VENV)/.installed
FUZZ_APT_STAMP := .make/apt-fuzz
FUZZ_OUT := test-output/fuzz

.PHONY: fuzz-api fuzz-bin
TEST_TARGETS += fuzz-api

# Debian's python3 leaves venv and ensurepip to the python3-venv package.
$(FUZZ_APT_STAMP):
	@mkdir -p .make
	@python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null; }
	@touch $@

# A venv is not relocatable, so it is made in place and removed again if the install fails.
$(FUZZ_VENV_STAMP): | $(FUZZ_APT_STAMP)
	@rm -rf $(FUZZ_VENV)
	@echo "fuzz-api: installing schemathesis $(SCHEMATHESIS_VERSION) into $(FUZZ_VENV)"
	@{ python3 -m venv $(FUZZ_VENV) && $(FUZZ_VENV)/bin/pip install -q --disable-pip-version-check schemathesis==$(SCHEMATHESIS_VERSION); } || { rm -rf $(FUZZ_VENV); exit 1; }
	@touch $@

fuzz-bin:
	@cd $(CONF_DIR) && $(CONF_GO) build -buildvcs=false -o bin/apiserve ./cmd/apiserve

# run.py bounds schemathesis by its budget; `timeout` bounds the whole run should the plugin hang while starting.
fuzz-api: server-build fuzz-bin $(FUZZ_VENV_STAMP) ## API fuzzing: schemathesis over every route as every role (no 5xx, errors JSON with a code)
	@timeout --kill-after=10 280 $(FUZZ_VENV)/bin/python test/fuzz/run.py --schemathesis $(FUZZ_VENV)/bin/schemathesis \
		--apiserve $(CONF_DIR)/bin/apiserve --out $(FUZZ_OUT)
