import {type ChannelInfo, type Clock, type PluginAPI} from '../ports';

/** Mattermost's largest group message has 8 members (and at least 3); one page always holds them. */
const GROUP_PAGE = 100;

/**
 * The members of direct and group conversations, whose consent and personal rules decide what may fire there. A
 * direct channel names its two members (`<id>__<id>`); a group's come from GetChannelMembers, cached for `ttlMs`
 * because every post in the group asks (its membership rarely changes: adding someone starts a new group message).
 */
export class ConversationMembers {
    private readonly cache = new Map<string, {ids: string[]; until: number}>();

    constructor(
        private readonly api: Pick<PluginAPI, 'getChannelMembers'>,
        private readonly clock: Clock,
        private readonly ttlMs = 60_000,
        private readonly maxCached = 10_000,
    ) {}

    /** The member ids of a direct or group conversation; [] for other channels. */
    async of(channel: Pick<ChannelInfo, 'id' | 'type' | 'name'>): Promise<string[]> {
        if (channel.type === 'D') return channel.name.split('__').filter(Boolean);
        if (channel.type !== 'G') return [];
        const now = this.clock.now();
        const hit = this.cache.get(channel.id);
        if (hit && hit.until > now) return hit.ids;
        const ids = (await this.api.getChannelMembers(channel.id, 0, GROUP_PAGE)).map((m) => m.user_id);
        if (this.cache.size >= this.maxCached) this.cache.clear();
        this.cache.set(channel.id, {ids, until: now + this.ttlMs});
        return ids;
    }
}
