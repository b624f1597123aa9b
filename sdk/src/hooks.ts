import {type GoType} from './runtime/gob';
import {hookMethods, type HookSignatures} from './generated/hooks';
import {fromJson, toJson} from './json';
import {sdkGoType, type SdkMethodDef, type SdkWire} from './wire';

/** What hook serving needs of a net/rpc server: sdk/src/runtime/netrpc's RpcServer is one. */
export interface RpcRegistry {
    register(serviceMethod: string, argType: GoType, replyType: GoType, handler: (arg: Record<string, unknown>) => unknown): void;
}

type Hooks = typeof hookMethods;

/** The hooks whose RPC structs are their Go signature (all but OnActivate, ServeHTTP, ServeMetrics, FileWillBeUploaded). */
export type DirectHook = {[K in keyof Hooks]: Hooks[K] extends {direct: true} ? K : never}[keyof Hooks];

type Results<H extends DirectHook> = HookSignatures[H]['results'];

/** A hook implementation: Go's parameters in JSON shapes; Go's results as a tuple (nothing for hooks without results). */
export type HookHandlers = {
    [H in DirectHook]?: (...params: HookSignatures[H]['params']) => (Results<H> extends [] ? void : Results<H>) | Promise<Results<H> extends [] ? void : Results<H>>;
};

function fieldsOf(type: SdkWire) {
    if (type.kind !== 'struct') throw new Error('an RPC struct must be a struct');
    return type.def.fields;
}

/**
 * Serves the given hooks as "Plugin.<Hook>", as Mattermost's hooks RPC client calls them: the Z_<Hook>Args value
 * becomes the handler's parameters (JSON shapes), its results become Z_<Hook>Returns. The host learns which hooks
 * exist from Implemented, which the plugin answers with the same names and their hookMethods IDs.
 */
export function serveHooks(server: RpcRegistry, handlers: HookHandlers): void {
    for (const [hook, handler] of Object.entries(handlers) as Array<[DirectHook, (...p: unknown[]) => unknown]>) {
        const def: SdkMethodDef = hookMethods[hook];
        const argFields = fieldsOf(def.args);
        const returnFields = fieldsOf(def.returns);
        server.register(`Plugin.${hook}`, sdkGoType(def.args), sdkGoType(def.returns), async (arg: Record<string, unknown>) => {
            const results = ((await handler(...argFields.map((f) => toJson(f.type, arg[f.go])))) ?? []) as unknown[];
            return Object.fromEntries(returnFields.map((f, i) => [f.go, fromJson(f.type, results[i])]));
        });
    }
}
