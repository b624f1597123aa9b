import {PluginApiError, type PluginAPI} from './plugin_api';

/** Where a channel is in its life, as far as rules care: open, archived (may come back), or deleted for good. */
export type ChannelState = 'open' | 'archived' | 'gone';

/**
 * Asked at the point of action, never cached: Mattermost has no archive hook for plugins, so this is how rules
 * follow their channel (an unarchived channel works again at once). Other API errors propagate.
 */
export async function channelStateOf(api: Pick<PluginAPI, 'getChannel'>, channelId: string): Promise<ChannelState> {
    try {
        return (await api.getChannel(channelId)).delete_at > 0 ? 'archived' : 'open';
    } catch (e) {
        if (e instanceof PluginApiError && e.isNotFound) return 'gone';
        throw e;
    }
}
