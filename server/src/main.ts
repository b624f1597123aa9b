// Composition root: the only place that builds concrete classes and wires them together. Bundled to
// server/dist/plugin.js (make server-build); Mattermost starts it as the plugin's server executable.
//
// Start-up: Mattermost gives the process 3 s to print go-plugin's handshake line. runPlugin prints it first and only
// then calls createPlugin, so everything heavy (express, zod-based settings, later the engine) is imported lazily in
// there with `await import(…)`, which esbuild keeps lazy in the bundle.
import {manifest, pluginVersion} from './manifest';
import {runPlugin, type MattermostApi, type PluginHooks} from './mattermost';
import {hostLog} from './runtime/goplugin';

/** The bot Tripwire posts replies as. */
const BOT = {username: 'tripwire', display_name: 'Tripwire', description: 'Posts the replies of services called by Tripwire rules.'};

// A rejected promise nobody awaited must not take the plugin (and every hook) down: log it instead.
process.on('unhandledRejection', (err) => hostLog.error('unhandled promise rejection', {error: err instanceof Error ? err.message : String(err)}));

async function createPlugin(api: MattermostApi): Promise<PluginHooks> {
    const [{default: express}, {parseSettings}] = await Promise.all([import('express'), import('./config/settings')]);
    let settings = parseSettings({});
    let botUserId = '';

    // EXTENSION POINT (http): the real REST API (server/src/http) mounts under /api/v1 here.
    const app = express();
    app.disable('x-powered-by');
    app.get('/api/v1/health', (_req, res) => {
        res.json({ok: true, version: pluginVersion});
    });

    return {
        // Mattermost calls this before OnActivate too (as the Go SDK does), so settings are loaded on activation.
        async onConfigurationChange() {
            settings = parseSettings(await api.loadPluginConfiguration());
            api.log.debug('settings loaded', {settings});
            // EXTENSION POINT (engine): hand the new settings snapshot to the engine.
        },

        async onActivate() {
            botUserId = await api.ensureBotUser(BOT);
            // EXTENSION POINT (engine): build rules store, dispatcher and engine with api, settings and botUserId.
            api.log.info('Tripwire activated', {version: pluginVersion, bot_user_id: botUserId, max_hops: settings.MaxHops});
        },

        async onDeactivate() {
            // EXTENSION POINT (engine): stop the outbox workers and flush state.
            api.log.info('Tripwire deactivated');
        },

        // EXTENSION POINT (engine): messageHasBeenPosted / messageHasBeenUpdated / onPluginClusterEvent /
        // executeCommand hooks delegate to the engine once it exists; unset hooks are not listed in Implemented.
        serveHTTP: app,
    };
}

void runPlugin(({api}) => createPlugin(api), {settingKeys: manifest.settings_schema.settings.map((s) => s.key)});
