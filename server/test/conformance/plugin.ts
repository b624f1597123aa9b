// The conformance plugin: a small, fixed behaviour the Go conformance host (test/conformance) drives through
// Mattermost's real plugin package, exercising every hook and API call of @tripwire/sdk's Mattermost layer. Bundled to
// server/dist/conformance-plugin.js by `make server-build`. Started as server/src/main.ts starts Tripwire: the
// handshake line first (announce imports only what it needs), then the rest with `await import(…)`.
import {announce} from '@tripwire/sdk/runtime/goplugin/announce';
import {hostLog} from '@tripwire/sdk/runtime/goplugin/host_log';

process.on('unhandledRejection', (err) => hostLog.error('unhandled rejection', {error: err instanceof Error ? err.message : String(err)}));

async function main(): Promise<void> {
    const announced = await announce();
    const [{runPlugin}, {conformanceHooks}] = await Promise.all([import('@tripwire/sdk/mattermost'), import('./hooks')]);
    await runPlugin(({api}) => conformanceHooks(api), {announced});
}

main().catch((err: unknown) => {
    hostLog.error('plugin failed to start', {error: err instanceof Error ? err.message : String(err)});
    process.exit(1);
});
