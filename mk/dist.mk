# Packaging: dist/<id>-<version>.tar.gz (see scripts/dist.mjs and node-runtimes.lock.json).
APT_STAMP_DIST := .make/apt-dist

$(APT_STAMP_DIST):
	@mkdir -p .make
	@command -v aarch64-linux-gnu-strip >/dev/null || { apt-get update -qq && apt-get install -y -qq binutils-aarch64-linux-gnu >/dev/null; }
	@touch $@
