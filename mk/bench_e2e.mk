# make bench-e2e (issue 15): Tripwire's delivery cost in the real server of make e2e (mk/e2e.mk), beside a native
# outgoing webhook on the same receiver: latency ratios, post rate under delivery load, plugin RSS, a flapping
# receiver, kill -9 with deliveries in flight. Merges its figures into bench-results/latest.json and prints them
# against the goals (test/e2e/README.md). Not part of make test or make bench: the full size takes about 20 minutes.
#   E2E_BENCH_QUICK=1 make bench-e2e     small counts (a few minutes); each count also has its own variable
.PHONY: bench-e2e

bench-e2e: e2e-server $(E2E_TRIPWIRE_BUNDLE) ## Tripwire vs native outgoing webhooks in a real Mattermost (E2E_BENCH_QUICK=1: small)
	node test/e2e/bench.mjs $(E2E_TRIPWIRE_BUNDLE)
