import {type ChannelInfo, type Clock, type PluginAPI, type PostInfo, type TeamInfo, type UserInfo} from '../ports';

export interface LookupCacheOptions {
    channelTtlMs: number;
    userTtlMs: number;
    teamTtlMs: number;
    /** Per kind; the oldest entry goes first once full. */
    maxEntries: number;
}

export const defaultLookupCacheOptions: LookupCacheOptions = {channelTtlMs: 10_000, userTtlMs: 10_000, teamTtlMs: 60_000, maxEntries: 5000};

/** One kind's entries: insertion-ordered, so the first key is the oldest. */
class TtlMap<V> {
    private readonly entries = new Map<string, {value: V; until: number}>();
    private readonly loading = new Map<string, Promise<V>>();
    /** Keys not to be cached again until then (a change is under way). */
    private readonly quiet = new Map<string, number>();

    constructor(
        private readonly clock: Clock,
        private readonly ttlMs: number,
        private readonly maxEntries: number,
    ) {}

    /** A fresh cached value, or one load shared by every caller asking meanwhile; `keep` says whether to cache it. */
    get(key: string, load: () => Promise<V>, keep: (value: V) => boolean): Promise<V> {
        const hit = this.entries.get(key);
        if (hit && hit.until > this.clock.now()) return Promise.resolve(hit.value);
        const inFlight = this.loading.get(key);
        if (inFlight) return inFlight;
        const pending = load()
            .then((value) => {
                // A forget() while loading removed this promise: the value may predate the change, so it is not kept.
                if (this.loading.get(key) === pending && keep(value)) this.set(key, value);
                return value;
            })
            .finally(() => {
                if (this.loading.get(key) === pending) this.loading.delete(key);
            });
        this.loading.set(key, pending);
        return pending;
    }

    /** Drops a key; for `quietMs` it is asked afresh on every get instead of being cached again. */
    forget(key: string, quietMs = 0): void {
        this.entries.delete(key);
        this.loading.delete(key);
        if (quietMs <= 0) return;
        if (this.quiet.size >= this.maxEntries) this.quiet.clear();
        this.quiet.set(key, this.clock.now() + quietMs);
    }

    get size(): number {
        return this.entries.size;
    }

    private set(key: string, value: V): void {
        const quietUntil = this.quiet.get(key);
        if (quietUntil !== undefined) {
            if (quietUntil > this.clock.now()) return;
            this.quiet.delete(key);
        }
        this.entries.delete(key);
        while (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
        this.entries.set(key, {value, until: this.clock.now() + this.ttlMs});
    }
}

/**
 * The channel, author and team of a post, cached per node for a few seconds: without it every post costs the server
 * three RPCs (getChannel, getUser, getTeam) before a rule is even matched. Mattermost gives plugins no hook when a
 * channel is renamed, converted, archived or restored, but each of those posts a system message (`system_*`) into
 * the channel, and that post reaches MessageHasBeenPosted: seeing one forgets the channel (notePost).
 *
 * The archived check stays right: an archived channel is never cached (it is asked again on every post, so a
 * restore is seen at once), and Mattermost refuses new posts and edits in an archived channel, so a live entry can
 * only let through a post that was accepted before the archiving. Users and teams (names in payloads) may be up to
 * their TTL stale. Failures are not cached.
 */
export class LookupCache {
    private readonly channels: TtlMap<ChannelInfo>;
    private readonly users: TtlMap<UserInfo>;
    private readonly teams: TtlMap<TeamInfo>;
    private readonly channelTtlMs: number;

    constructor(
        private readonly api: Pick<PluginAPI, 'getChannel' | 'getUser' | 'getTeam'>,
        clock: Clock,
        options: Partial<LookupCacheOptions> = {},
    ) {
        const o = {...defaultLookupCacheOptions, ...options};
        this.channelTtlMs = o.channelTtlMs;
        this.channels = new TtlMap(clock, o.channelTtlMs, o.maxEntries);
        this.users = new TtlMap(clock, o.userTtlMs, o.maxEntries);
        this.teams = new TtlMap(clock, o.teamTtlMs, o.maxEntries);
    }

    getChannel(channelId: string): Promise<ChannelInfo> {
        return this.channels.get(channelId, () => this.api.getChannel(channelId), (c) => c.delete_at === 0);
    }

    getUser(userId: string): Promise<UserInfo> {
        return this.users.get(userId, () => this.api.getUser(userId), () => true);
    }

    getTeam(teamId: string): Promise<TeamInfo> {
        return this.teams.get(teamId, () => this.api.getTeam(teamId), () => true);
    }

    /**
     * Called for every post before anything else: a system message says its channel is changing. Mattermost posts it
     * before it stores the change (archiving: the message, then delete_at), so for a TTL the channel is asked afresh
     * on every post instead of caching what may be the old state.
     */
    notePost(post: Pick<PostInfo, 'type' | 'channel_id'>): void {
        if (post.type.startsWith('system_')) this.channels.forget(post.channel_id, this.channelTtlMs);
    }

    forgetChannel(channelId: string): void {
        this.channels.forget(channelId);
    }

    forgetUser(userId: string): void {
        this.users.forget(userId);
    }

    get sizes(): {channels: number; users: number; teams: number} {
        return {channels: this.channels.size, users: this.users.size, teams: this.teams.size};
    }
}
