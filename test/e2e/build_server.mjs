// make e2e-server: builds the pinned Mattermost server from the Go module proxy, or finds the cached build.
import {BuildError, ensureServer} from './lib/mattermost_build.mjs';

try {
    const server = ensureServer({log: (msg) => console.log(`e2e-server: ${msg}`)});
    const how = server.cached ? 'cached' : `built in ${(server.buildMs / 1000).toFixed(1)} s`;
    console.log(`e2e-server: Mattermost ${server.version} (${server.pseudoVersion}) ${how}: ${server.binary}`);
} catch (err) {
    console.error(`e2e-server: ${err instanceof BuildError ? err.message : err.stack}`);
    process.exit(1);
}
