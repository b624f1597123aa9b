import {PluginApiClient, type DirectApiMethod} from '../../client';
import {apiMethods} from '../../generated/api';
import {AppError as AppErrorWire} from '../../generated/wire';
import type * as m from '../../generated/model';
import {type SdkWire} from '../../wire';
import {AppError} from '../app_error';
import {type ApiConnection} from './connection';
import {appError, goError, throwIf} from './errors';
import {stringify} from './logger';
import {loadPluginConfiguration} from './plugin_configuration';

export type ApiMethodName = keyof typeof apiMethods;

const LOG_METHODS = new Set<string>(['LogDebug', 'LogInfo', 'LogWarn', 'LogError']);

export function isApiMethod(name: string): name is ApiMethodName {
    return Object.hasOwn(apiMethods, name);
}

/**
 * Calls any API method by name with JSON-shaped arguments (the generated model's shapes), as a Go plugin would call
 * it: a *model.AppError or `error` result is thrown as AppError, and the first other result comes back JSON-shaped
 * (null when the method returns nothing else). LoadPluginConfiguration answers the settings object; LogX take
 * (message, key, value, …) like Go's variadic signature, values stringified as the Go SDK does. The methods whose
 * RPC client_rpc.go shapes by hand around streams (file uploads, PluginHTTP, InstallPlugin…) are not callable so.
 */
export async function callByName(conn: ApiConnection, method: ApiMethodName, args: readonly unknown[]): Promise<unknown> {
    if (method === 'LoadPluginConfiguration') return loadPluginConfiguration(new PluginApiClient(conn), []);
    const def = apiMethods[method];
    if (!('direct' in def)) throw new AppError(`${method} takes streams: it cannot be called by name`, 501);
    const params = LOG_METHODS.has(method) ? [String(args[0] ?? ''), ...args.slice(1).map(stringify)] : args;
    const call = PluginApiClient.prototype.call as (this: PluginApiClient, method: DirectApiMethod, ...params: unknown[]) => Promise<unknown[]>;
    const results = await call.call(new PluginApiClient(conn), method as DirectApiMethod, ...params);
    const fields = def.returns.kind === 'struct' ? def.returns.def.fields : [];
    let result: unknown = null;
    let found = false;
    fields.forEach((f, i) => {
        const value = results[i];
        if (isAppError(f.type)) throwIf(appError(value as m.AppError | null));
        // The plugin API has no interface{} results: an interface result is Go's `error`.
        else if (f.type.kind === 'iface') throwIf(goError(value));
        else if (!found) {
            found = true;
            result = value;
        }
    });
    return result;
}

function isAppError(type: SdkWire): boolean {
    return type.kind === 'ptr' && type.elem === AppErrorWire;
}
