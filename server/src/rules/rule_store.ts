import {randomBytes} from 'node:crypto';
import {parseStoredRule, RULE_SCHEMA_VERSION, ruleSchema, type ErrorCode, type Rule, type RuleSpec} from '@tripwire/common';
import {type Settings} from '../config/settings';
import {type ChannelInfo, type Clock, type KVStore, type Logger} from '../ports';
import {getJson, updateJson} from '../ports/kv_json';
import {parseIdList, RULE_KV_WRITE, ruleKeys} from './rule_kv';
import {RuleSet} from './rule_set';

/** The cluster event other nodes receive when rules change (OnPluginClusterEvent → `handleClusterEvent`). */
export const RULES_CHANGED_EVENT = 'tripwire_rules_changed';

export class RuleStoreError extends Error {
    constructor(
        readonly code: Extract<ErrorCode, 'not_found' | 'conflict' | 'limit_exceeded'>,
        message: string,
    ) {
        super(message);
        this.name = 'RuleStoreError';
    }
}

/**
 * A spec as the store writes it: with the server-set user id of the rule's own bot (rules/rule_bots.ts). On update,
 * an absent botUserId keeps the stored one; undefined given explicitly clears it.
 */
export type StoredSpec = RuleSpec & {botUserId?: string | undefined};

export interface RuleStoreDeps {
    kv: KVStore;
    /** PluginAPI.publishPluginClusterEvent. */
    publish: (eventId: string, data: Uint8Array) => Promise<void>;
    clock: Clock;
    /** The current settings snapshot (MaxRulesPerChannel). */
    settings: () => Settings;
    log: Logger;
    /**
     * Tells open webapps what changed (their rule lists reload): the channels, teams and owners a change touched.
     * Errors are logged, never fail the change.
     */
    announce?: (change: RuleChange) => Promise<void>;
    /** @defaultValue random 26-character Mattermost-style ids */
    newId?: () => string;
    /** Channels whose rule sets stay cached before the cache starts over. @defaultValue 50_000 */
    maxCachedChannels?: number;
}

/** What a change touched, so each node drops exactly the cached sets it affects. */
export interface RuleChange {
    ruleId: string;
    channels: string[];
    teams: string[];
    owners: string[];
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
function randomId(): string {
    return [...randomBytes(26)].map((b) => ALPHABET[b % 36]).join('');
}

/** The index lists a rule belongs to. */
function indexKeysOf(rule: Pick<Rule, 'scope' | 'ownerId'>): string[] {
    switch (rule.scope.kind) {
        case 'channels':
            return rule.scope.channelIds.map(ruleKeys.channel);
        case 'team':
            return [ruleKeys.team(rule.scope.teamId)];
        case 'direct':
            return [ruleKeys.direct(rule.ownerId)];
    }
}

function noticeOf(ruleId: string, ...rules: Pick<Rule, 'scope' | 'ownerId'>[]): RuleChange {
    const n: RuleChange = {ruleId, channels: [], teams: [], owners: []};
    for (const r of rules) {
        if (r.scope.kind === 'channels') n.channels.push(...r.scope.channelIds);
        else if (r.scope.kind === 'team') n.teams.push(r.scope.teamId);
        else n.owners.push(r.ownerId);
    }
    return n;
}

interface CachedSet {
    set: RuleSet<Rule>;
    teamId: string;
    memberIds: readonly string[];
}

const EMPTY = new RuleSet<Rule>([]);

/**
 * Rules on the KV store: one document per rule plus id lists per channel, team and direct-rule owner, so a channel's
 * rules load with a few reads. Each node caches a compiled `RuleSet` per channel: a post costs one map lookup plus
 * the matching of that channel's rules. A change drops the affected sets here and, through a cluster event, on the
 * other nodes.
 */
export class RuleStore {
    private readonly docs = new Map<string, Rule>();
    private readonly lists = new Map<string, readonly string[]>();
    private readonly sets = new Map<string, CachedSet>();
    private readonly loading = new Map<string, Promise<RuleSet<Rule>>>();
    /** Bumped on every invalidation: a load that started before one must not fill the cache with what it read. */
    private generation = 0;
    private readonly newId: () => string;

    constructor(private readonly deps: RuleStoreDeps) {
        this.newId = deps.newId ?? randomId;
    }

    // ---- reads ----

    async get(ruleId: string): Promise<Rule | null> {
        const cached = this.docs.get(ruleId);
        if (cached) return cached;
        const gen = this.generation;
        const stored = await this.readRule(ruleId);
        if (stored && gen === this.generation) this.docs.set(ruleId, stored.value);
        return stored?.value ?? null;
    }

    /** The 'channels'-scoped rules that name this channel. */
    listByChannel(channelId: string): Promise<Rule[]> {
        return this.listAt(ruleKeys.channel(channelId));
    }

    /** A team's 'team'-scoped rules. */
    listByTeam(teamId: string): Promise<Rule[]> {
        return this.listAt(ruleKeys.team(teamId));
    }

    /** A user's 'direct'-scoped (personal) rules. */
    listDirect(ownerId: string): Promise<Rule[]> {
        return this.listAt(ruleKeys.direct(ownerId));
    }

    /** Every rule (system-admin overview). */
    listAll(): Promise<Rule[]> {
        return this.listAt(ruleKeys.all);
    }

    /**
     * The rules that may apply in a channel: those naming it, its team's, and for direct and group conversations
     * the members' personal rules. Cached per channel; the matcher still checks scope and consent per post.
     * @param memberIds the members of a direct or group conversation (ConversationMembers.of), [] elsewhere. Always
     *     given, because the set is cached per channel: a set built without them would hide personal rules.
     */
    ruleSetFor(channel: ChannelInfo, memberIds: readonly string[]): Promise<RuleSet<Rule>> {
        const cached = this.sets.get(channel.id);
        if (cached) return Promise.resolve(cached.set);
        const inFlight = this.loading.get(channel.id);
        if (inFlight) return inFlight;
        const pending: Promise<RuleSet<Rule>> = this.buildSet(channel, memberIds).finally(() => {
            if (this.loading.get(channel.id) === pending) this.loading.delete(channel.id);
        });
        this.loading.set(channel.id, pending);
        return pending;
    }

    private async buildSet(channel: ChannelInfo, memberIds: readonly string[]): Promise<RuleSet<Rule>> {
        const gen = this.generation;
        const keys = [ruleKeys.channel(channel.id)];
        if (channel.team_id) keys.push(ruleKeys.team(channel.team_id));
        if (channel.type === 'D' || channel.type === 'G') keys.push(...memberIds.map(ruleKeys.direct));
        const lists = await Promise.all(keys.map((k) => this.listAt(k)));
        const seen = new Set<string>();
        const rules = lists.flat().filter((r) => !seen.has(r.id) && seen.add(r.id));
        rules.sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
        const set = rules.length ? new RuleSet(rules) : EMPTY;
        for (const r of set.rejected) this.deps.log.warn('Tripwire rule cannot run', {rule_id: r.ruleId, reason: r.reason});
        if (gen === this.generation) {
            if (this.sets.size >= (this.deps.maxCachedChannels ?? 50_000)) this.sets.clear();
            this.sets.set(channel.id, {set, teamId: channel.team_id, memberIds});
        }
        return set;
    }

    private async listAt(key: string): Promise<Rule[]> {
        const gen = this.generation;
        let ids = this.lists.get(key);
        if (!ids) {
            ids = (await getJson(this.deps.kv, key, parseIdList))?.value ?? [];
            if (gen === this.generation) this.lists.set(key, ids);
        }
        const rules = await Promise.all(ids.map((id) => this.get(id)));
        return rules.filter((r): r is Rule => r !== null);
    }

    private async readRule(ruleId: string) {
        try {
            return await getJson(this.deps.kv, ruleKeys.rule(ruleId), parseStoredRule);
        } catch (e) {
            // A document this version cannot read must not take its channels down; it is skipped and reported.
            this.deps.log.warn('Tripwire rule unreadable', {rule_id: ruleId, error: e instanceof Error ? e.message : String(e)});
            return null;
        }
    }

    // ---- writes ----

    /**
     * Stores a new rule owned by `ownerId` (default: the actor). Permission checks are the caller's job.
     * @throws RuleStoreError limit_exceeded when a channel, team or owner already has MaxRulesPerChannel rules.
     */
    async create(spec: StoredSpec, actorId: string, options: {ownerId?: string} = {}): Promise<Rule> {
        const now = this.deps.clock.now();
        const rule = ruleSchema.parse({
            ...spec,
            id: this.newId(),
            schemaVersion: RULE_SCHEMA_VERSION,
            revision: 1,
            ownerId: options.ownerId ?? actorId,
            createdBy: actorId,
            createdAt: now,
            updatedBy: actorId,
            updatedAt: now,
        });
        const added = await this.addToIndexes(rule.id, indexKeysOf(rule));
        try {
            await this.deps.kv.set(ruleKeys.rule(rule.id), new TextEncoder().encode(JSON.stringify(rule)));
            await this.addToIndexes(rule.id, [ruleKeys.all], false);
        } catch (e) {
            await this.removeFromIndexes(rule.id, added);
            await this.deps.kv.delete(ruleKeys.rule(rule.id));
            throw e;
        }
        await this.changed(noticeOf(rule.id, rule));
        return rule;
    }

    /**
     * Replaces a rule's spec, keeping its identity and history fields.
     * @param expectedRevision the revision the client edited; a different stored one is a conflict.
     * @throws RuleStoreError not_found, conflict, limit_exceeded
     */
    async update(ruleId: string, spec: StoredSpec, actorId: string, expectedRevision?: number): Promise<Rule> {
        return this.replace(ruleId, expectedRevision, (current) => ({...current, ...spec}), actorId);
    }

    /** @throws RuleStoreError not_found, conflict */
    async setEnabled(ruleId: string, enabled: boolean, actorId: string, expectedRevision?: number): Promise<Rule> {
        return this.replace(ruleId, expectedRevision, (current) => ({...current, enabled}), actorId);
    }

    /** @throws RuleStoreError not_found, conflict */
    async delete(ruleId: string, expectedRevision?: number): Promise<void> {
        const current = await this.readRule(ruleId);
        if (!current) throw new RuleStoreError('not_found', 'no such rule');
        if (expectedRevision !== undefined && current.value.revision !== expectedRevision) {
            throw new RuleStoreError('conflict', 'the rule changed since you loaded it');
        }
        const ok = await this.deps.kv.setWithOptions(ruleKeys.rule(ruleId), null, {atomic: true, oldValue: current.bytes});
        if (!ok) throw new RuleStoreError('conflict', 'the rule changed since you loaded it');
        await this.removeFromIndexes(ruleId, [...indexKeysOf(current.value), ruleKeys.all]);
        await this.changed(noticeOf(ruleId, current.value));
    }

    private async replace(ruleId: string, expectedRevision: number | undefined, apply: (current: Rule) => Rule, actorId: string): Promise<Rule> {
        const current = await this.readRule(ruleId);
        if (!current) throw new RuleStoreError('not_found', 'no such rule');
        const old = current.value;
        if (expectedRevision !== undefined && old.revision !== expectedRevision) throw new RuleStoreError('conflict', 'the rule changed since you loaded it');
        const next = ruleSchema.parse({
            ...apply(old),
            id: old.id,
            schemaVersion: RULE_SCHEMA_VERSION,
            revision: old.revision + 1,
            ownerId: old.ownerId,
            createdBy: old.createdBy,
            createdAt: old.createdAt,
            updatedBy: actorId,
            updatedAt: this.deps.clock.now(),
        });
        const oldKeys = indexKeysOf(old);
        const newKeys = indexKeysOf(next);
        const added = await this.addToIndexes(ruleId, newKeys.filter((k) => !oldKeys.includes(k)));
        const ok = await this.deps.kv.setWithOptions(ruleKeys.rule(ruleId), new TextEncoder().encode(JSON.stringify(next)), {
            atomic: true,
            oldValue: current.bytes,
        });
        if (!ok) {
            await this.removeFromIndexes(ruleId, added);
            throw new RuleStoreError('conflict', 'the rule changed since you loaded it');
        }
        await this.removeFromIndexes(ruleId, oldKeys.filter((k) => !newKeys.includes(k)));
        await this.changed(noticeOf(ruleId, old, next));
        return next;
    }

    /** Adds the id to each list, refusing past the limit; returns the keys it changed (to undo on failure). */
    private async addToIndexes(ruleId: string, keys: readonly string[], limited = true): Promise<string[]> {
        const max = this.deps.settings().MaxRulesPerChannel;
        const done: string[] = [];
        try {
            for (const key of keys) {
                await updateJson(this.deps.kv, key, parseIdList, (ids) => {
                    const list = ids ?? [];
                    if (list.includes(ruleId)) return undefined;
                    if (limited && list.length >= max) {
                        throw new RuleStoreError('limit_exceeded', `at most ${max} rules per channel (the system admin's limit)`);
                    }
                    return [...list, ruleId];
                }, RULE_KV_WRITE);
                done.push(key);
            }
        } catch (e) {
            await this.removeFromIndexes(ruleId, done);
            throw e;
        }
        return done;
    }

    private async removeFromIndexes(ruleId: string, keys: readonly string[]): Promise<void> {
        for (const key of keys) {
            await updateJson(this.deps.kv, key, parseIdList, (ids) => {
                if (!ids?.includes(ruleId)) return undefined;
                const rest = ids.filter((id) => id !== ruleId);
                return rest.length ? rest : null;
            }, RULE_KV_WRITE);
        }
    }

    // ---- cache invalidation ----

    private async changed(notice: RuleChange): Promise<void> {
        this.invalidate(notice);
        try {
            await this.deps.publish(RULES_CHANGED_EVENT, new TextEncoder().encode(JSON.stringify(notice)));
        } catch (e) {
            // The change is stored; other nodes will see it when their caches reload. Say so rather than fail the save.
            this.deps.log.error('Tripwire could not tell other nodes about a rule change', {rule_id: notice.ruleId, error: String(e)});
        }
        try {
            await this.deps.announce?.(notice);
        } catch (e) {
            this.deps.log.warn('Tripwire could not tell open webapps about a rule change', {rule_id: notice.ruleId, error: String(e)});
        }
    }

    /** OnPluginClusterEvent with id RULES_CHANGED_EVENT: another node changed a rule. */
    handleClusterEvent(data: Uint8Array): void {
        let notice: RuleChange;
        try {
            const raw = JSON.parse(new TextDecoder().decode(data)) as Partial<RuleChange>;
            notice = {ruleId: String(raw.ruleId ?? ''), channels: parseIdList(raw.channels), teams: parseIdList(raw.teams), owners: parseIdList(raw.owners)};
        } catch {
            this.invalidateAll(); // unreadable: be safe
            return;
        }
        this.invalidate(notice);
    }

    /** Drops everything cached (e.g. after a restore, or when in doubt). */
    invalidateAll(): void {
        this.generation++;
        this.loading.clear();
        this.docs.clear();
        this.lists.clear();
        this.sets.clear();
    }

    private invalidate(n: RuleChange): void {
        this.generation++;
        this.loading.clear(); // loads in flight read the old state: later callers start afresh
        this.docs.delete(n.ruleId);
        this.lists.delete(ruleKeys.all);
        for (const c of n.channels) {
            this.lists.delete(ruleKeys.channel(c));
            this.sets.delete(c);
        }
        for (const t of n.teams) this.lists.delete(ruleKeys.team(t));
        for (const o of n.owners) this.lists.delete(ruleKeys.direct(o));
        if (n.teams.length || n.owners.length) {
            for (const [channelId, cached] of this.sets) {
                if (n.teams.includes(cached.teamId) || cached.memberIds.some((m) => n.owners.includes(m))) this.sets.delete(channelId);
            }
        }
    }
}
