import {apiMethods, fromJs, model as m, plainToJs, toJs, w, type ApiMethodName, type MethodDef, type WireType} from '../wire';
import {type ApiConnection} from './connection';
import {appError, goError, throwIf} from './errors';
import {stringify} from './logger';
import {parsePluginConfiguration} from './plugin_configuration';

const LOG_METHODS = new Set<string>(['LogDebug', 'LogInfo', 'LogWarn', 'LogError']);

export function isApiMethod(name: string): name is ApiMethodName {
    return Object.hasOwn(apiMethods, name);
}

/**
 * Calls any API method of the table by name with JSON-shaped arguments, as a Go plugin would call it: arguments are
 * converted by the declared parameter types, a *model.AppError or `error` result is thrown as PluginApiError, and
 * the first other result comes back JSON-shaped (null when the method returns nothing else; a dynamically decoded
 * result such as GetConfig's whole *model.Config keeps Go's field names, as its JSON does). LoadPluginConfiguration
 * answers the settings object; LogX take (message, key, value, …) like Go's variadic signature.
 */
export async function callByName(conn: ApiConnection, method: ApiMethodName, args: readonly unknown[]): Promise<unknown> {
    const def: MethodDef = apiMethods[method];
    const wireArgs = LOG_METHODS.has(method)
        ? [String(args[0] ?? ''), args.length > 1 ? args.slice(1).map(stringify) : undefined]
        : def.args.fields.map((f, i) => fromJs(f.type, args[i]));
    const r = def.dynamicReply ? await conn.callDynamic(method, ...wireArgs) : await conn.call(method, ...wireArgs);
    if (method === 'LoadPluginConfiguration') return parsePluginConfiguration(r.A, []);
    let result: unknown = null;
    let found = false;
    for (const f of def.returns.fields) {
        const value = r[f.go];
        if (isAppError(f.type)) throwIf(appError(value));
        else if (f.type === w.error) throwIf(goError(value));
        else if (!found) {
            found = true;
            result = def.dynamicReply ? plainToJs(value) : toJs(f.type, value);
        }
    }
    return result;
}

function isAppError(type: WireType): boolean {
    return type.kind === 'ptr' && type.elem === m.AppError;
}
