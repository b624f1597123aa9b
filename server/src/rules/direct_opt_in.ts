import {type KVStore} from '../ports';
import {getJson, updateJson} from '../ports/kv_json';
import {RULE_KV_WRITE, ruleKeys} from './rule_kv';

/** The cluster event other nodes receive when someone's consent changes. */
export const OPT_IN_CHANGED_EVENT = 'tripwire_optin_changed';

/**
 * A user's consent to Tripwire rules reading their direct and group conversations: globally, and per conversation
 * (a per-conversation answer, yes or no, overrides the global one).
 */
export interface OptIn {
    all: boolean;
    channels: Record<string, boolean>;
}

const NONE: OptIn = Object.freeze({all: false, channels: Object.freeze({})}) as OptIn;

function parseOptIn(raw: unknown): OptIn {
    if (raw === null || typeof raw !== 'object') return NONE;
    const r = raw as Record<string, unknown>;
    const channels: Record<string, boolean> = {};
    if (r.channels && typeof r.channels === 'object') {
        for (const [k, v] of Object.entries(r.channels)) if (typeof v === 'boolean') channels[k] = v;
    }
    return {all: r.all === true, channels};
}

/** Whether this consent covers that conversation. */
export function optedIn(optIn: OptIn, channelId: string): boolean {
    return optIn.channels[channelId] ?? optIn.all;
}

/** Consent on the KV store, cached per node and invalidated across the cluster. */
export class DirectOptIns {
    private readonly cache = new Map<string, OptIn>();

    constructor(
        private readonly kv: KVStore,
        private readonly publish: (eventId: string, data: Uint8Array) => Promise<void>,
        private readonly maxCached = 100_000,
    ) {}

    async get(userId: string): Promise<OptIn> {
        const hit = this.cache.get(userId);
        if (hit) return hit;
        const value = (await getJson(this.kv, ruleKeys.optIn(userId), parseOptIn))?.value ?? NONE;
        if (this.cache.size >= this.maxCached) this.cache.clear();
        this.cache.set(userId, value);
        return value;
    }

    /**
     * Changes a user's consent. `channel` sets (true/false) or clears (null) the answer for one conversation.
     * Whether the user belongs to that conversation is the caller's check.
     */
    async set(userId: string, change: {all?: boolean; channel?: {id: string; optedIn: boolean | null}}): Promise<OptIn> {
        let result = NONE;
        await updateJson(this.kv, ruleKeys.optIn(userId), parseOptIn, (current) => {
            const next: OptIn = {all: change.all ?? current?.all ?? false, channels: {...current?.channels}};
            if (change.channel) {
                if (change.channel.optedIn === null) delete next.channels[change.channel.id];
                else next.channels[change.channel.id] = change.channel.optedIn;
            }
            result = next;
            return next.all || Object.keys(next.channels).length ? next : null;
        }, RULE_KV_WRITE);
        this.cache.delete(userId);
        await this.publish(OPT_IN_CHANGED_EVENT, new TextEncoder().encode(userId));
        return result;
    }

    /** Every member consents to rules in this conversation (what `MatchContext.direct.optedIn` wants). */
    async allOptedIn(channelId: string, memberIds: readonly string[]): Promise<boolean> {
        if (memberIds.length === 0) return false;
        const all = await Promise.all(memberIds.map((m) => this.get(m)));
        return all.every((o) => optedIn(o, channelId));
    }

    /** OnPluginClusterEvent with id OPT_IN_CHANGED_EVENT. */
    handleClusterEvent(data: Uint8Array): void {
        this.cache.delete(new TextDecoder().decode(data));
    }
}
