import {type GoType} from './runtime/gob';
import {apiMethods, type ApiSignatures} from './generated/api';
import {fromJson, toJson} from './json';
import {sdkGoType, type SdkMethodDef, type SdkWire} from './wire';

/** What the client needs of a net/rpc connection: sdk/src/runtime/netrpc's RpcClient is one. */
export interface RpcCaller {
    call(serviceMethod: string, argType: GoType, arg: unknown, replyType: GoType | null): Promise<unknown>;
}

type Methods = typeof apiMethods;

/** The API methods whose RPC structs are their Go signature as it is (all but the five client_rpc.go shapes by hand). */
export type DirectApiMethod = {[K in keyof Methods]: Methods[K] extends {direct: true} ? K : never}[keyof Methods];

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

function fieldsOf(type: SdkWire) {
    if (type.kind !== 'struct') throw new Error('an RPC struct must be a struct');
    return type.def.fields;
}

/**
 * Every method of Mattermost's plugin API, typed from the generated table: `call('GetPost', postId)` resolves with
 * Go's results as a tuple of JSON shapes, e.g. `[post, appError]`: errors are results, as in Go, not exceptions.
 * int64 values beyond 2^53 come back as bigint and may be passed as bigint. `callWire` sends a Z_<M>Args value
 * as it is (Go field names, gob values) for the methods client_rpc.go shapes by hand (file streams, PluginHTTP).
 */
export class PluginApiClient {
    constructor(private readonly rpc: RpcCaller) {}

    async call<M extends DirectApiMethod>(method: M, ...params: ApiSignatures[M]['params']): Promise<ApiSignatures[M]['results']> {
        const def: SdkMethodDef = apiMethods[method];
        const fields = fieldsOf(def.args);
        const values: unknown[] = def.variadic ? [...params.slice(0, fields.length - 1), params.slice(fields.length - 1)] : params;
        const args: Record<string, unknown> = {};
        fields.forEach((f, i) => {
            if (values[i] !== undefined) args[LETTERS[i] as string] = fromJson(f.type, values[i]);
        });
        const reply = await this.callWire(method, args);
        return fieldsOf(def.returns).map((f) => toJson(f.type, reply[f.go])) as ApiSignatures[M]['results'];
    }

    /** One "Plugin.<method>" call with its args struct as gob values; resolves with the returns struct's. */
    async callWire(method: keyof Methods, args: Record<string, unknown>): Promise<Record<string, unknown>> {
        const def: SdkMethodDef = apiMethods[method];
        return (await this.rpc.call(`Plugin.${method}`, sdkGoType(def.args), args, sdkGoType(def.returns))) as Record<string, unknown>;
    }
}
