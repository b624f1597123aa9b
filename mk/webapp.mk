# The webapp bundle Mattermost loads (webapp/dist/main.js), its message catalog, and the browser test (issue 7).
#   make webapp-build   webpack → webapp/dist/main.js (React, Redux, react-intl, ... are the host's globals)
#   make i18n-extract   webapp/i18n/en.json from every messages.ts (a jest test fails when it is out of date)
#   make browser-host   test/browser/dist/host.js, the host page's globals and registry (also used by make demo)
#   make test-browser   the real bundle on the host page, against the real plugin under Mattermost's plugin host
#                       (make demo's playground), driven by playwright-core in Debian's Chromium; screenshots in
#                       test-output/browser/
BROWSER_APT_STAMP := .make/apt-chromium

.PHONY: webapp-build i18n-extract browser-host test-browser
TEST_TARGETS += test-browser

webapp-build: $(NPM_STAMP) $(MANIFEST) ## Build webapp/dist/main.js with webpack
	cd webapp && npx webpack --mode production

i18n-extract: $(NPM_STAMP) ## Regenerate webapp/i18n/en.json from the messages.ts files
	node webapp/scripts/i18n-extract.mjs

browser-host: $(NPM_STAMP) ## Build the browser host page's script (test/browser/dist/host.js)
	node test/browser/build_host.mjs

# Debian's Chromium, never a browser downloaded by playwright.
$(BROWSER_APT_STAMP):
	@mkdir -p .make
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
	@touch $@

test-browser: $(NPM_STAMP) $(MANIFEST) $(BROWSER_APT_STAMP) webapp-build server-build demo-bin ## Browser test: keyboard-only rule, prompts, field errors, dark theme, axe-core, playground chat (headless Chromium)
	DEMO_FAST=1 node test/browser/panel.browser.mjs
