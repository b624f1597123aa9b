import {type Duplex} from 'node:stream';
import {t} from '../../runtime/gob';
import {type MuxBroker} from '../../runtime/goplugin';
import {EmptyStruct, RpcServer} from '../../runtime/netrpc';
import type {Logger} from '../api/types';
import {type ApiConnection, type ApiTransport} from '../api/connection';
import {type ServeHttpBridge} from '../serve_http/serve_http';
import {fromJs, goStruct, hookMethods, model as m, toJs, toJsConv, w, type ChannelMemberJs, type HookName, type PluginContextJs, type PostJs, type ReactionJs, type UserJs} from '../wire';
import {appErrorValue, encodableError, messageOf} from './hook_errors';
import {implementedHooks, type PluginHooks} from './hooks';

export interface DispatcherDeps {
    /** May still be loading (see runPlugin): Implemented and OnActivate wait for it. */
    hooks: PluginHooks | Promise<PluginHooks>;
    /** Bound to the host's API at OnActivate. */
    api: ApiConnection;
    /** Makes the API transport for the stream dialed to APIMuxId. */
    connectApi: (stream: Duplex) => ApiTransport;
    /** Where hook failures are reported. */
    log: Logger;
    /** The stderr log, for what Go plugins print there (OnConfigurationChange failing during activation). */
    hostLog: Pick<Logger, 'error'>;
    /** Makes the ServeHTTP bridge for hooks.serveHTTP (and hooks.serveMetrics: the same wire, another hook). */
    http?: (handler: NonNullable<PluginHooks['serveHTTP']>) => ServeHttpBridge;
    /** Receives the DB driver stream (dialed because the host waits for it; Tripwire has no use for it). */
    onDriverStream?: (stream: Duplex) => void;
}

type Args = Readonly<Record<string, unknown>>;

const EMPTY = Object.freeze({});
// Looked up once: MessageHasBeenPosted is the hot path.
const ctxConv = toJsConv(m.PluginContext) as (v: unknown) => PluginContextJs;
const postConv = toJsConv(m.Post) as (v: unknown) => PostJs;
const reactionConv = toJsConv(m.Reaction) as (v: unknown) => ReactionJs;
const memberConv = toJsConv(m.ChannelMember) as (v: unknown) => ChannelMemberJs;
const userConv = toJsConv(m.User) as (v: unknown) => UserJs;

/**
 * The "hooks" net/rpc service Mattermost dispenses: Plugin.Implemented, Plugin.OnActivate and one method per hook
 * the plugin provides (any other method gets net/rpc's "can't find method" error, as from a Go server). Arguments
 * arrive as gob values and reach the plugin in Mattermost's JSON shapes; replies and errors go back the way the Go
 * SDK sends them (client_rpc.go, hooksRPCServer).
 */
export function createHooksServer(broker: MuxBroker, deps: DispatcherDeps): RpcServer {
    const rpc = new RpcServer();
    // The hook methods are registered once the hooks are known. Mattermost calls nothing before Implemented and
    // OnActivate (registered now, waiting for the hooks), and only the hooks Implemented listed after them.
    const ready = Promise.resolve(deps.hooks).then((hooks) => {
        registerHooks(rpc, broker, deps, hooks);
        return hooks;
    });
    ready.catch(() => undefined); // reported through Implemented's reply
    rpc.register('Plugin.Implemented', EmptyStruct, t.slice(t.string), async () => implementedHooks(await ready));
    register(rpc, 'OnActivate', async (args) => {
        const hooks = await ready;
        const [apiStream, driverStream] = await Promise.all([broker.dial(Number(args.APIMuxId)), broker.dial(Number(args.DriverMuxId))]);
        deps.api.bind(deps.connectApi(apiStream));
        deps.onDriverStream?.(driverStream);
        // As the Go SDK: configuration first (a failure is only printed), then OnActivate decides.
        if (hooks.onConfigurationChange) {
            try {
                await hooks.onConfigurationChange();
            } catch (err) {
                deps.hostLog.error(`call to OnConfigurationChange failed, error: ${messageOf(err)}`);
            }
        }
        return withError(hooks.onActivate && (() => hooks.onActivate?.()));
    });
    return rpc;
}

function register(rpc: RpcServer, name: HookName, handler: (args: Args) => unknown): void {
    const def = hookMethods[name];
    rpc.register(`Plugin.${name}`, goStruct(def.args), goStruct(def.returns), handler);
}

/** Runs a hook that returns Go's `error`: a throw becomes the encodable error in field A. */
async function withError(run: (() => unknown) | undefined): Promise<object> {
    try {
        await run?.();
        return EMPTY;
    } catch (err) {
        return {A: encodableError(err)};
    }
}

function registerHooks(rpc: RpcServer, broker: MuxBroker, deps: DispatcherDeps, hooks: PluginHooks): void {
    const {log} = deps;
    const on = (name: HookName, handler: (args: Args) => unknown) => register(rpc, name, handler);
    /** Runs a hook whose failures are only logged; resolves to the empty reply either way. */
    const guarded = async (name: string, run: () => unknown): Promise<object> => {
        try {
            await run();
        } catch (err) {
            log.error(`${name} hook failed`, {error: messageOf(err)});
        }
        return EMPTY;
    };

    if (hooks.onDeactivate) on('OnDeactivate', () => withError(() => hooks.onDeactivate?.()));
    if (hooks.onConfigurationChange) on('OnConfigurationChange', () => withError(() => hooks.onConfigurationChange?.()));

    const posted = hooks.messageHasBeenPosted;
    if (posted) on('MessageHasBeenPosted', (a) => guarded('MessageHasBeenPosted', () => posted.call(hooks, ctxConv(a.A), postConv(a.B))));

    const updated = hooks.messageHasBeenUpdated;
    if (updated) {
        on('MessageHasBeenUpdated', (a) => guarded('MessageHasBeenUpdated', () => updated.call(hooks, ctxConv(a.A), postConv(a.B), postConv(a.C))));
    }

    const command = hooks.executeCommand;
    if (command) {
        on('ExecuteCommand', async (a) => {
            try {
                const response = await command.call(hooks, ctxConv(a.A), toJs(m.CommandArgs, a.B) as Parameters<typeof command>[1]);
                return {A: fromJs(w.ptr(m.CommandResponse), response ?? {})};
            } catch (err) {
                return {B: appErrorValue(err, 'plugin.execute_command.app_error')};
            }
        });
    }

    const cluster = hooks.onPluginClusterEvent;
    if (cluster) {
        on('OnPluginClusterEvent', (a) =>
            guarded('OnPluginClusterEvent', () => cluster.call(hooks, ctxConv(a.A), toJs(m.PluginClusterEvent, a.B) as Parameters<typeof cluster>[1])),
        );
    }

    for (const [name, key] of [['ReactionHasBeenAdded', 'reactionHasBeenAdded'], ['ReactionHasBeenRemoved', 'reactionHasBeenRemoved']] as const) {
        const hook = hooks[key];
        if (hook) on(name, (a) => guarded(name, () => hook.call(hooks, ctxConv(a.A), reactionConv(a.B))));
    }
    for (const [name, key] of [['UserHasJoinedChannel', 'userHasJoinedChannel'], ['UserHasLeftChannel', 'userHasLeftChannel']] as const) {
        const hook = hooks[key];
        // A nil *model.User (the user acted alone) arrives as an absent field.
        if (hook) on(name, (a) => guarded(name, () => hook.call(hooks, ctxConv(a.A), memberConv(a.B), a.C == null ? null : userConv(a.C))));
    }

    if (hooks.serveHTTP && deps.http) {
        const bridge = deps.http(hooks.serveHTTP);
        on('ServeHTTP', (a) => bridge.serve(broker, a));
    }
    if (hooks.serveMetrics && deps.http) {
        const bridge = deps.http(hooks.serveMetrics);
        on('ServeMetrics', (a) => bridge.serve(broker, a));
    }
}
