# Packaging: dist/<id>-<version>.tar.gz (see scripts/dist.mjs and node-runtimes.lock.json).
APT_STAMP_DIST := .make/apt-dist

$(APT_STAMP_DIST):
	@mkdir -p .make
	@command -v aarch64-linux-gnu-strip >/dev/null || { apt-get update -qq && apt-get install -y -qq binutils-aarch64-linux-gnu >/dev/null; }
	@touch $@

# make bench: bundle sizes and the shipped executable's spawn-to-handshake time.
.PHONY: bench-bundle
BENCH_TARGETS += bench-bundle
bench-bundle: $(NPM_STAMP) $(MANIFEST) $(APT_STAMP_DIST) webapp-build
	@node scripts/bench_bundle.mjs
