import {type Duplex} from 'node:stream';
import {hostLog, servePlugin} from '../runtime/goplugin';
import {ApiConnection} from './api/connection';
import {MattermostApi} from './api/client';
import {RpcApiTransport} from './api/rpc_transport';
import {createHooksServer} from './hooks/dispatcher';
import {type PluginHooks} from './hooks/hooks';
import {ServeHttpBridge} from './serve_http/serve_http';
import {registerMattermostTypes} from './wire';

export interface PluginRuntime {
    /** Mattermost's API; usable from OnActivate on (logs before that go to the host's stderr log). */
    api: MattermostApi;
}

export interface RunPluginOptions {
    /** The manifest's settings_schema keys (LoadPluginConfiguration lower-cases them; see parsePluginConfiguration). */
    settingKeys?: readonly string[];
    /** What the executable says when a person runs it by hand (no Mattermost host). */
    aboutText?: string;
}

/**
 * Serves a Mattermost server plugin from this process: go-plugin handshake, the "hooks" service, the API connection
 * bound at OnActivate, ServeHTTP through the Node handler. `build` gets the API and returns the hooks; it runs only
 * once the handshake line is out, so the host's 3 s start timeout covers Node's start and this module alone (load
 * heavy code inside `build` with `await import(…)`). Resolves when the plugin stops (Control.Quit or the host going
 * away), just before the process exits.
 */
export async function runPlugin(build: (runtime: PluginRuntime) => PluginHooks | Promise<PluginHooks>, options: RunPluginOptions = {}): Promise<void> {
    registerMattermostTypes();
    const connection = new ApiConnection();
    const api = new MattermostApi(connection, {settingKeys: options.settingKeys ?? [], fallbackLog: hostLog});
    let provide!: (hooks: PluginHooks | Promise<PluginHooks>) => void;
    const hooks = new Promise<PluginHooks>((resolve) => (provide = resolve));
    hooks.catch(() => undefined); // a failed build is logged below and answered through Plugin.Implemented
    let driver: Duplex | null = null;
    const served = await servePlugin({
        ...(options.aboutText !== undefined && {aboutText: options.aboutText}),
        plugins: {
            hooks: (broker) =>
                createHooksServer(broker, {
                    hooks,
                    api: connection,
                    connectApi: (stream) => new RpcApiTransport(stream),
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
