# The webapp bundle Mattermost loads: webapp/dist/main.js.
.PHONY: webapp-build
webapp-build: $(NPM_STAMP) $(MANIFEST) ## Build webapp/dist/main.js with webpack
	cd webapp && npx webpack --mode production
