import {type Duplex} from 'node:stream';
import {announce, hostLog, serveAnnounced, type Announced} from '../runtime/goplugin';
import {RpcClient} from '../runtime/netrpc';
import {ApiConnection} from './api/connection';
import {MattermostApi} from './api/client';
import {type Redact} from './api/logger';
import {createHooksServer} from './hooks/dispatcher';
import {type PluginHooks} from './hooks/hooks';
import {ServeHttpBridge} from './serve_http/serve_http';
import {registerPluginTypes} from './register_types';

export interface PluginRuntime {
    /** Mattermost's API; usable from OnActivate on (logs before that go to the host's stderr log). */
    api: MattermostApi;
}

export interface RunPluginOptions {
    /** The manifest's settings_schema keys (LoadPluginConfiguration lower-cases them; see parsePluginConfiguration). */
    settingKeys?: readonly string[];
    /** What the executable says when a person runs it by hand (no Mattermost host). */
    aboutText?: string;
    /**
     * The handshake line, when the entry point has printed it already (runtime/goplugin/announce) and only then
     * loaded this module and the plugin's code. Without it runPlugin announces first.
     */
    announced?: Announced;
    /** Applied to every line the plugin logs through the API (its own and the SDK's), e.g. to hide credentials. */
    redact?: Redact;
}

/**
 * Serves a Mattermost server plugin from this process: go-plugin handshake, the "hooks" service, the API connection
 * bound at OnActivate, ServeHTTP through the Node handler. `build` gets the API and returns the hooks; it runs only
 * once the handshake line is out. The host waits at most 3 s for the line, and then at once dispenses the hooks and
 * calls OnActivate, so what loads before the line should be small (see options.announced), and what `build` loads
 * counts for activation. Resolves when the plugin stops (Control.Quit or the host going away), just before the
 * process exits.
 */
export async function runPlugin(build: (runtime: PluginRuntime) => PluginHooks | Promise<PluginHooks>, options: RunPluginOptions = {}): Promise<void> {
    const announced = options.announced ?? (await announce(options.aboutText !== undefined ? {aboutText: options.aboutText} : {}));
    registerPluginTypes();
    const connection = new ApiConnection();
    const api = new MattermostApi(connection, {settingKeys: options.settingKeys ?? [], fallbackLog: hostLog, ...(options.redact ? {redact: options.redact} : {})});
    let provide!: (hooks: PluginHooks | Promise<PluginHooks>) => void;
    const hooks = new Promise<PluginHooks>((resolve) => (provide = resolve));
    hooks.catch(() => undefined); // a failed build is logged below and answered through Plugin.Implemented
    let driver: Duplex | null = null;
    const served = serveAnnounced(announced, {
        plugins: {
            hooks: (broker) =>
                createHooksServer(broker, {
                    hooks,
                    api: connection,
                    connectApi: (stream) => new RpcClient(stream),
                    log: api.log,
                    hostLog,
                    http: (handler) => new ServeHttpBridge(handler, api.log),
                    onDriverStream: (stream) => {
                        driver = stream;
                        stream.on('error', () => undefined);
                        stream.resume();
                    },
                }),
        },
        onQuit: () => {
            connection.close();
            driver?.destroy();
        },
    });
    provide(
        (async () => build({api}))().catch((err: unknown) => {
            hostLog.error('plugin failed to start', {error: err instanceof Error ? err.message : String(err)});
            throw err;
        }),
    );
    await served.done;
}
