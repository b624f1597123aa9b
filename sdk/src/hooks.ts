import {type Duplex, type Readable, type Writable} from 'node:stream';
import {t, type GoType} from './runtime/gob';
import {hostLog, type MuxBroker} from './runtime/goplugin';
import {EmptyStruct, RpcClient} from './runtime/netrpc';
import {hookMethods, type HookSignatures} from './generated/hooks';
import {type NodeHandler} from './mattermost/serve_http/in_memory_http';
import {ServeHttpBridge} from './mattermost/serve_http/serve_http';
import {PluginApiClient} from './client';
import {RemoteReader} from './io_rpc';
import {asInterface, fromJson, toJson} from './json';
import {sdkGoType, type SdkMethodDef, type SdkWire} from './wire';

/** What hook serving needs of a net/rpc server: sdk/src/runtime/netrpc's RpcServer is one. */
export interface RpcRegistry {
    register(serviceMethod: string, argType: GoType, replyType: GoType, handler: (arg: Record<string, unknown>) => unknown): void;
}

type Hooks = typeof hookMethods;

/** The hooks whose RPC structs are their Go signature (all but OnActivate, ServeHTTP, ServeMetrics, FileWillBeUploaded). */
export type DirectHook = {[K in keyof Hooks]: Hooks[K] extends {direct: true} ? K : never}[keyof Hooks];

/** The hooks whose io.Reader / io.Writer parameters travel as MuxBroker streams (the generated `streams`). */
export type StreamHook = {[K in keyof Hooks]: Hooks[K] extends {streams: object} ? K : never}[keyof Hooks];

type Streams<H extends StreamHook> = Hooks[H]['streams'];
type Param<H extends StreamHook, I> = I extends `${infer N extends number}`
    ? N extends keyof Streams<H>
        ? Streams<H>[N] extends 'reader'
            ? Readable
            : Writable
        : HookSignatures[H]['params'][N]
    : never;

type Reply<R extends unknown[]> = (R extends [] ? void : R) | Promise<R extends [] ? void : R>;

/** A hook implementation: Go's parameters in JSON shapes; Go's results as a tuple (nothing for hooks without results). */
export type HookHandlers = {
    [H in DirectHook]?: (...params: HookSignatures[H]['params']) => Reply<HookSignatures[H]['results']>;
} & {
    /** io.Reader parameters are Readables the host feeds as they are read; io.Writer ones Writables, ended after. */
    [H in StreamHook]?: (...params: {[I in keyof HookSignatures[H]['params']]: Param<H, I>}) => Reply<HookSignatures[H]['results']>;
} & {
    /**
     * Runs once the API is connected (the Go SDK's SetAPI), after OnConfigurationChange as in Go. A thrown error or a
     * returned `[error]` fails the activation.
     */
    OnActivate?: (api: PluginApiClient) => void | [error: unknown] | Promise<void | [error: unknown]>;
    /** Any Node request handler (an express app…); `requestContext(req)` (sdk/mattermost) gives the plugin.Context. */
    ServeHTTP?: NodeHandler;
    /** As ServeHTTP, for Mattermost's metrics endpoint. */
    ServeMetrics?: NodeHandler;
};

export interface ServeHooksOptions {
    /** The go-plugin MuxBroker of the connection: OnActivate, ServeHTTP, ServeMetrics and file streams need it. */
    broker?: MuxBroker;
    /** Where ServeHTTP failures go (default: the host's stderr log). */
    log?: {error(message: string, fields?: Record<string, unknown>): void};
    /** Receives OnActivate's database driver stream (default: drained and otherwise ignored). */
    onDriverStream?: (stream: Duplex) => void;
}

type Handler = (...params: unknown[]) => unknown;

function fieldsOf(type: SdkWire) {
    if (type.kind !== 'struct') throw new Error('an RPC struct must be a struct');
    return type.def.fields;
}

/**
 * Serves the given hooks as "Plugin.<Hook>", as Mattermost's hooks RPC client calls them, and Plugin.Implemented
 * with their names (the host calls only what it lists). Direct hooks: the Z_<Hook>Args value becomes the handler's
 * parameters (JSON shapes), its results become Z_<Hook>Returns. The hooks client_rpc.go shapes by hand follow its
 * server side: OnActivate dials the API and driver streams, ServeHTTP and ServeMetrics run a Node handler through
 * the SDK's ServeHTTP bridge, FileWillBeUploaded dials its file streams (the generated `streams`).
 */
export function serveHooks(server: RpcRegistry, handlers: HookHandlers, options: ServeHooksOptions = {}): void {
    const names = providedHooks(handlers);
    server.register('Plugin.Implemented', EmptyStruct, t.slice(t.string), () => names);
    // Like hooksRPCServer, OnActivate is served with or without a handler: the host calls it regardless, and it
    // connects the API and runs OnConfigurationChange.
    if (!names.includes('OnActivate')) server.register('Plugin.OnActivate', sdkGoType(hookMethods.OnActivate.args), sdkGoType(hookMethods.OnActivate.returns), (a) => onActivate(a, handlers, options));
    serveHookMethods(server, handlers, options);
}

const providedHooks = (handlers: HookHandlers): string[] => Object.keys(handlers).filter((h) => (handlers as Record<string, unknown>)[h] !== undefined);

/**
 * Only the "Plugin.<Hook>" methods of the given handlers, for a server that answers Implemented and OnActivate
 * itself (the Mattermost layer's dispatcher, whose hooks may still be loading when the host asks).
 */
export function serveHookMethods(server: RpcRegistry, handlers: HookHandlers, options: ServeHooksOptions = {}): void {
    for (const hook of providedHooks(handlers) as Array<keyof Hooks>) {
        const def: SdkMethodDef = hookMethods[hook];
        const handler = (handlers as Record<string, Handler>)[hook] as Handler;
        const serve = (fn: (arg: Record<string, unknown>) => unknown) => server.register(`Plugin.${hook}`, sdkGoType(def.args), sdkGoType(def.returns), fn);
        if (hook === 'OnActivate') serve((a) => onActivate(a, handlers, options));
        else if (hook === 'ServeHTTP' || hook === 'ServeMetrics') {
            const bridge = new ServeHttpBridge(handler as NodeHandler, {...hostLog, ...options.log});
            serve((a) => bridge.serve(need(options.broker, hook), a));
        } else if (def.streams) serve((a) => withStreams(def, handler, a, need(options.broker, hook)));
        else serve((a) => direct(def, handler, a));
    }
}

function need(broker: MuxBroker | undefined, hook: string): MuxBroker {
    if (!broker) throw new Error(`${hook} uses MuxBroker streams: pass serveHooks the broker`);
    return broker;
}

async function direct(def: SdkMethodDef, handler: Handler, arg: Record<string, unknown>): Promise<Record<string, unknown>> {
    const results = ((await handler(...fieldsOf(def.args).map((f) => toJson(f.type, arg[f.go])))) ?? []) as unknown[];
    return Object.fromEntries(fieldsOf(def.returns).map((f, i) => [f.go, fromJson(f.type, results[i])]));
}

/** As hooksRPCServer.FileWillBeUploaded: dial each stream id, run the hook, close the streams before replying. */
async function withStreams(def: SdkMethodDef, handler: Handler, arg: Record<string, unknown>, broker: MuxBroker): Promise<Record<string, unknown>> {
    const fields = fieldsOf(def.args);
    const streams = await Promise.all(fields.map((f, i) => (def.streams?.[i] !== undefined ? broker.dial(Number(arg[f.go])) : null)));
    const params = fields.map((f, i) => {
        const stream = streams[i];
        if (!stream) return toJson(f.type, arg[f.go]);
        return def.streams?.[i] === 'reader' ? new RemoteReader(stream) : stream;
    });
    try {
        const results = ((await handler(...params)) ?? []) as unknown[];
        return Object.fromEntries(fieldsOf(def.returns).map((f, i) => [f.go, fromJson(f.type, results[i])]));
    } finally {
        await Promise.all(
            params.map((p, i) => {
                if (def.streams?.[i] === 'reader') (p as Readable).destroy();
                else if (def.streams?.[i] === 'writer') return endWriter(p as Writable);
                return undefined;
            }),
        );
    }
}

function endWriter(w: Writable): Promise<void> {
    if (w.writableFinished || w.destroyed) return Promise.resolve();
    return new Promise((resolve) => {
        w.once('error', () => resolve());
        w.end(() => resolve());
    });
}

/**
 * hooksRPCServer.OnActivate: dial the API (an RPC client over it becomes the plugin's PluginApiClient) and the
 * driver stream, run OnConfigurationChange (a failure is only printed, as Go's), then OnActivate decides.
 */
async function onActivate(arg: Record<string, unknown>, handlers: HookHandlers, options: ServeHooksOptions): Promise<Record<string, unknown>> {
    const broker = need(options.broker, 'OnActivate');
    const [api, driver] = await Promise.all([broker.dial(Number(arg['APIMuxId'])), broker.dial(Number(arg['DriverMuxId']))]);
    if (options.onDriverStream) options.onDriverStream(driver);
    else {
        driver.on('error', () => undefined);
        driver.resume();
    }
    const client = new PluginApiClient(new RpcClient(api), broker);
    if (handlers.OnConfigurationChange) {
        try {
            const [err] = ((await handlers.OnConfigurationChange()) ?? []) as unknown[];
            if (err != null) throw err;
        } catch (err) {
            hostLog.error(`call to OnConfigurationChange failed, error: ${messageOf(err)}`);
        }
    }
    try {
        const [err] = ((await handlers.OnActivate?.(client)) ?? []) as unknown[];
        return err == null ? {} : {A: errorValue(err)};
    } catch (err) {
        return {A: errorValue(err)};
    }
}

/** A Go error for an interface field: a thrown Error or a message becomes a *plugin.ErrorString (Go's encodableError); a value tagged with asInterface goes as it is. */
function errorValue(err: unknown): unknown {
    if (err instanceof Error || typeof err !== 'object' || err === null) return asInterface('*plugin.ErrorString', {Err: messageOf(err)});
    return err;
}

function messageOf(err: unknown): string {
    return err instanceof Error ? err.message : String(err);
}
