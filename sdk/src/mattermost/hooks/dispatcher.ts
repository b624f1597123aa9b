import {type Duplex} from 'node:stream';
import {hookMethods} from '../../generated/hooks';
import type * as m from '../../generated/model';
import * as W from '../../generated/wire';
import {serveHookMethods, type HookHandlers} from '../../hooks';
import {toJson} from '../../json';
import {t} from '../../runtime/gob';
import {type MuxBroker} from '../../runtime/goplugin';
import {EmptyStruct, RpcServer} from '../../runtime/netrpc';
import {sdkGoType, type SdkWire} from '../../wire';
import type {Logger} from '../api/types';
import {type ApiConnection, type ApiRpc} from '../api/connection';
import {type ServeHttpBridge} from '../serve_http/serve_http';
import {appErrorJson, encodableError, messageOf} from './hook_errors';
import {implementedHooks, type PluginHooks} from './hooks';

export interface DispatcherDeps {
    /** May still be loading (see runPlugin): Implemented and OnActivate wait for it. */
    hooks: PluginHooks | Promise<PluginHooks>;
    /** Bound to the host's API at OnActivate. */
    api: ApiConnection;
    /** Makes the API's net/rpc client for the stream dialed to APIMuxId. */
    connectApi: (stream: Duplex) => ApiRpc;
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
/** The hooks client_rpc.go writes by hand (broker streams): served here, with their generated structs. */
type StreamHook = 'OnActivate' | 'ServeHTTP' | 'ServeMetrics';

const EMPTY = Object.freeze({});

/**
 * The "hooks" net/rpc service Mattermost dispenses: Plugin.Implemented, Plugin.OnActivate and one method per hook
 * the plugin provides (any other method gets net/rpc's "can't find method" error, as from a Go server). The direct
 * hooks are served by the generated table (serveHookMethods: JSON shapes in, Go's results out); OnActivate, ServeHTTP and
 * ServeMetrics dial broker streams, as client_rpc.go's hooksRPCServer does.
 */
export function createHooksServer(broker: MuxBroker, deps: DispatcherDeps): RpcServer {
    const rpc = new RpcServer();
    // The hook methods are registered once the hooks are known. Mattermost calls nothing before Implemented and
    // OnActivate (registered now, waiting for the hooks), and only the hooks Implemented listed after them.
    const ready = Promise.resolve(deps.hooks).then((hooks) => {
        serveHookMethods(rpc, directHandlers(hooks, deps));
        if (hooks.serveHTTP && deps.http) serveStreams(rpc, 'ServeHTTP', broker, deps.http(hooks.serveHTTP));
        if (hooks.serveMetrics && deps.http) serveStreams(rpc, 'ServeMetrics', broker, deps.http(hooks.serveMetrics));
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
        const err = await failure(hooks.onActivate && (() => hooks.onActivate?.()));
        return err === undefined ? EMPTY : {A: err};
    });
    return rpc;
}

function register(rpc: RpcServer, name: StreamHook, handler: (args: Args) => unknown): void {
    const def = hookMethods[name];
    rpc.register(`Plugin.${name}`, sdkGoType(def.args), sdkGoType(def.returns), handler);
}

function serveStreams(rpc: RpcServer, name: 'ServeHTTP' | 'ServeMetrics', broker: MuxBroker, bridge: ServeHttpBridge): void {
    register(rpc, name, (args) => bridge.serve(broker, args));
}

/** Runs a hook that returns Go's `error`: undefined (nil) when it succeeds, else the error as Go encodes it. */
async function failure(run: (() => unknown) | undefined): Promise<unknown> {
    try {
        await run?.();
        return undefined;
    } catch (err) {
        return encodableError(err);
    }
}

/** PluginHooks → the generated table's handlers: parameters arrive in JSON shapes, results go back as Go's. */
function directHandlers(hooks: PluginHooks, {log}: DispatcherDeps): HookHandlers {
    /** Runs a hook whose failures are only logged. */
    const guarded = async (name: string, run: () => unknown): Promise<void> => {
        try {
            await run();
        } catch (err) {
            log.error(`${name} hook failed`, {error: messageOf(err)});
        }
    };
    const h: HookHandlers = {};
    const {onDeactivate, onConfigurationChange, messageHasBeenPosted: posted, messageHasBeenUpdated: updated, executeCommand: command} = hooks;
    if (onDeactivate) h.OnDeactivate = async () => [await failure(() => onDeactivate.call(hooks))];
    if (onConfigurationChange) h.OnConfigurationChange = async () => [await failure(() => onConfigurationChange.call(hooks))];
    if (posted) h.MessageHasBeenPosted = (c, post) => guarded('MessageHasBeenPosted', () => posted.call(hooks, ctx(c), zero(W.Post, post)));
    if (updated) {
        h.MessageHasBeenUpdated = (c, a, b) => guarded('MessageHasBeenUpdated', () => updated.call(hooks, ctx(c), zero(W.Post, a), zero(W.Post, b)));
    }
    if (command) {
        h.ExecuteCommand = async (c, args) => {
            try {
                // A Draft: fromJson leaves out what is absent, Go's zero values.
                const response = (await command.call(hooks, ctx(c), zero(W.CommandArgs, args))) as m.CommandResponse | undefined;
                return [response ?? null, null];
            } catch (err) {
                return [null, appErrorJson(err, 'plugin.execute_command.app_error')];
            }
        };
    }
    const cluster = hooks.onPluginClusterEvent;
    if (cluster) h.OnPluginClusterEvent = (c, event) => guarded('OnPluginClusterEvent', () => cluster.call(hooks, ctx(c), event));
    const added = hooks.reactionHasBeenAdded;
    if (added) h.ReactionHasBeenAdded = (c, r) => guarded('ReactionHasBeenAdded', () => added.call(hooks, ctx(c), zero(W.Reaction, r)));
    const removed = hooks.reactionHasBeenRemoved;
    if (removed) h.ReactionHasBeenRemoved = (c, r) => guarded('ReactionHasBeenRemoved', () => removed.call(hooks, ctx(c), zero(W.Reaction, r)));
    // The actor is a nil *model.User (null) when the user acted alone.
    const joined = hooks.userHasJoinedChannel;
    if (joined) h.UserHasJoinedChannel = (c, mbr, actor) => guarded('UserHasJoinedChannel', () => joined.call(hooks, ctx(c), zero(W.ChannelMember, mbr), actor));
    const left = hooks.userHasLeftChannel;
    if (left) h.UserHasLeftChannel = (c, mbr, actor) => guarded('UserHasLeftChannel', () => left.call(hooks, ctx(c), zero(W.ChannelMember, mbr), actor));
    return h;
}

/** A nil pointer parameter the hook's signature does not allow for (Mattermost sends none) as the Go zero value. */
function zero<T>(type: SdkWire<T>, value: T | null): T {
    return value ?? (toJson(type, {}) as T);
}

const ctx = (c: m.PluginContext | null): m.PluginContext => zero(W.PluginContext, c);
