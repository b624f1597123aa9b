import {type RpcCaller} from '../../client';
import {apiMethods} from '../../generated/api';
import type * as m from '../../generated/model';
import {toJson} from '../../json';
import {sdkGoType, type SdkWire} from '../../wire';
import {projection} from '../projection';
import {type ServerConfigInfo} from './types';

const SERVICE_SETTINGS = [
    'SiteURL',
    'AllowedUntrustedInternalConnections',
    'EnableInsecureOutgoingConnections',
    'EnablePostUsernameOverride',
    'EnablePostIconOverride',
] as const;

/** The part of *model.Config getConfig reads, in its JSON shape (Config has no json tags: Go names). */
export interface ServerConfig {
    ServiceSettings: Pick<m.ServiceSettings, (typeof SERVICE_SETTINGS)[number]>;
}

/**
 * Z_GetConfigReturns narrowed to ServiceSettings' outgoing-request fields. The whole *model.Config is hundreds of
 * fields; decoding only these is several times cheaper, and getConfig runs during activation.
 */
const RETURNS: SdkWire = projection(apiMethods.GetConfig.returns, {A: {ServiceSettings: Object.fromEntries(SERVICE_SETTINGS.map((k) => [k, true] as const))}});
/** The projected Config itself (A is a pointer to it): a nil reply reads as all settings unset. */
const CONFIG: SdkWire = (() => {
    const a = RETURNS.kind === 'struct' ? RETURNS.def.fields[0]?.type : undefined;
    if (a?.kind !== 'ptr') throw new Error('Z_GetConfigReturns.A is not a pointer');
    return a.elem;
})();

export async function readServerConfig(rpc: RpcCaller): Promise<ServerConfig> {
    const r = (await rpc.call('Plugin.GetConfig', sdkGoType(apiMethods.GetConfig.args), {}, sdkGoType(RETURNS))) as {A?: unknown};
    return toJson(CONFIG, r.A) as ServerConfig;
}

/** The slice outgoing-request policies need, defaults filled in. */
export function serverConfigInfo(config: ServerConfig): ServerConfigInfo {
    const s = config.ServiceSettings;
    return {
        siteURL: s.SiteURL ?? '',
        allowedUntrustedInternalConnections: (s.AllowedUntrustedInternalConnections ?? '').split(/[\s,]+/).filter(Boolean),
        enableInsecureOutgoingConnections: s.EnableInsecureOutgoingConnections ?? false,
        enablePostUsernameOverride: s.EnablePostUsernameOverride ?? false,
        enablePostIconOverride: s.EnablePostIconOverride ?? false,
    };
}
