import {type Clock, type PluginAPI} from '../ports';

/**
 * Where the author's user groups come from. the Mattermost client of @tripwire/sdk (wired in main.ts) implements it (the plugin API's GetGroupsForUser);
 * the engine calls it only when a rule set `needs.groups`, then hands the ids to the matcher.
 */
export interface UserGroupSource {
    groupIdsForUser(userId: string): Promise<readonly string[]>;
}

/** A user's groups from Mattermost (GetGroupsForUser); archived groups, which it still lists, no longer count. */
export class ApiGroupSource implements UserGroupSource {
    constructor(private readonly api: Pick<PluginAPI, 'getGroupsForUser'>) {}

    async groupIdsForUser(userId: string): Promise<readonly string[]> {
        return (await this.api.getGroupsForUser(userId)).filter((g) => g.delete_at === 0).map((g) => g.id);
    }
}

/** Remembers each user's groups for `ttlMs`: group membership changes rarely, posts come often. */
export class CachedGroupSource implements UserGroupSource {
    private readonly cache = new Map<string, {ids: readonly string[]; until: number}>();

    constructor(
        private readonly inner: UserGroupSource,
        private readonly clock: Clock,
        private readonly ttlMs = 60_000,
        private readonly maxEntries = 10_000,
    ) {}

    async groupIdsForUser(userId: string): Promise<readonly string[]> {
        const now = this.clock.now();
        const hit = this.cache.get(userId);
        if (hit && hit.until > now) return hit.ids;
        const ids = await this.inner.groupIdsForUser(userId);
        if (this.cache.size >= this.maxEntries) this.cache.clear();
        this.cache.set(userId, {ids, until: now + this.ttlMs});
        return ids;
    }
}
