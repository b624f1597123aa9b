/**
 * Reads of the Mattermost webapp's own redux state (`state.entities`), typed loosely: the host owns that shape, so
 * every read tolerates a missing branch instead of crashing the plugin on an older or newer server.
 */

type RawChannel = {id: string; name?: string; display_name?: string; type?: string; team_id?: string; delete_at?: number};

interface HostEntities {
    general?: {config?: {SiteURL?: string}};
    users?: {currentUserId?: string; profiles?: Record<string, {username?: string}>};
    channels?: {currentChannelId?: string; channels?: Record<string, RawChannel>};
    teams?: {currentTeamId?: string};
    /** What environment variables set, as the System Console loads it: `true` at each overridden leaf. */
    admin?: {environmentConfig?: {PluginSettings?: {Plugins?: unknown}}};
}

function entities(state: unknown): HostEntities {
    return ((state as {entities?: HostEntities} | null)?.entities ?? {}) as HostEntities;
}

export const getSiteUrlSetting = (state: unknown): string => entities(state).general?.config?.SiteURL ?? '';
export const getCurrentUserId = (state: unknown): string => entities(state).users?.currentUserId ?? '';
export const getCurrentChannelId = (state: unknown): string => entities(state).channels?.currentChannelId ?? '';
/**
 * MM_PLUGINSETTINGS_PLUGINS sets every plugin's settings at once (Mattermost reads no per-key variable for them); the
 * System Console does not mark plugin settings as set by it, and does not keep what is saved over it.
 */
export const getPluginSettingsSetByEnv = (state: unknown): boolean => entities(state).admin?.environmentConfig?.PluginSettings?.Plugins === true;
export const getCurrentTeamId = (state: unknown): string => entities(state).teams?.currentTeamId ?? '';

export interface HostChannelInfo {
    id: string;
    name: string;
    displayName: string;
    type: string;
    teamId: string;
}

/** The host's own channel object (a stable reference, safe as a useSelector result). */
export function getRawHostChannel(state: unknown, channelId: string): RawChannel | undefined {
    return entities(state).channels?.channels?.[channelId];
}

export function toChannelInfo(c: RawChannel): HostChannelInfo {
    return {id: c.id, name: c.name ?? '', displayName: c.display_name || c.name || '', type: c.type ?? 'O', teamId: c.team_id ?? ''};
}

export function getHostChannel(state: unknown, channelId: string): HostChannelInfo | undefined {
    const c = getRawHostChannel(state, channelId);
    return c && toChannelInfo(c);
}

/** Every channel the webapp has loaded (a stable reference: derive lists with useMemo, not in the selector). */
export function getRawHostChannels(state: unknown): Record<string, RawChannel> | undefined {
    return entities(state).channels?.channels;
}

/** The team's open and private channels the webapp knows, by display name: what the channel picker offers. */
export function pickableChannels(channels: Record<string, RawChannel> | undefined, teamId: string): HostChannelInfo[] {
    return Object.values(channels ?? {})
        .filter((c) => c.team_id === teamId && (c.type === 'O' || c.type === 'P') && !c.delete_at)
        .map(toChannelInfo)
        .sort((a, b) => a.displayName.localeCompare(b.displayName));
}
