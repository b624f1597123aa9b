// The conformance plugin: a small, fixed behaviour the Go conformance host (test/conformance) drives through
// Mattermost's real plugin package, exercising every hook and API call of server/src/mattermost. Bundled to
// server/dist/conformance-plugin.js by `make server-build`. The behaviour (hooks.ts, with express) loads after the
// handshake, as in main.ts.
import {runPlugin} from '../../src/mattermost';
import {hostLog} from '../../src/runtime/goplugin';

process.on('unhandledRejection', (err) => hostLog.error('unhandled rejection', {error: err instanceof Error ? err.message : String(err)}));

void runPlugin(async ({api}) => (await import('./hooks')).conformanceHooks(api));
