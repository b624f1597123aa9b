import {type KVStore} from '../ports';

/** Every KV key the rules module writes, in one place (prefix `rl_`; the delivery machinery uses `dx_`). */
export const ruleKeys = {
    rule: (ruleId: string) => `rl_r_${ruleId}`,
    /** Ids of the 'channels'-scoped rules naming a channel. */
    channel: (channelId: string) => `rl_ch_${channelId}`,
    /** Ids of a team's 'team'-scoped rules. */
    team: (teamId: string) => `rl_tm_${teamId}`,
    /** Ids of a user's 'direct'-scoped rules. */
    direct: (ownerId: string) => `rl_dm_${ownerId}`,
    /** Ids of every rule, for listing and recovery. */
    all: 'rl_all',
    /** A user's consent to rules in direct and group conversations. */
    optIn: (userId: string) => `rl_optin_${userId}`,
    /** A (rule, post) pair that already fired; written with an expiry by the engine's edit guard. */
    fired: (ruleId: string, postId: string) => `rl_fired_${ruleId}_${postId}`,
};

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export const encodeJson = (value: unknown): Uint8Array => encoder.encode(JSON.stringify(value));

export interface Stored<T> {
    value: T;
    /** The exact bytes read: what a compare-and-set must compare against. */
    bytes: Uint8Array;
}

export async function readJson<T>(kv: KVStore, key: string, parse: (raw: unknown) => T): Promise<Stored<T> | null> {
    const bytes = await kv.get(key);
    if (!bytes || bytes.length === 0) return null;
    return {value: parse(JSON.parse(decoder.decode(bytes))), bytes};
}

/**
 * Read-modify-write under compare-and-set, retried when another node wrote first. `update` returns the new value,
 * undefined to leave the key alone, or null to delete it; it may throw to abort.
 */
export async function updateJson<T>(kv: KVStore, key: string, parse: (raw: unknown) => T, update: (current: T | null) => T | null | undefined): Promise<void> {
    for (let attempt = 0; attempt < 10; attempt++) {
        const current = await readJson(kv, key, parse);
        const next = update(current?.value ?? null);
        if (next === undefined) return;
        const ok = await kv.setWithOptions(key, next === null ? null : encodeJson(next), {atomic: true, oldValue: current?.bytes ?? null});
        if (ok) return;
    }
    throw new Error(`KV key ${key}: too much contention`);
}

/** A JSON list of ids; anything else reads as empty (a corrupt index must not take a channel down). */
export function parseIdList(raw: unknown): string[] {
    return Array.isArray(raw) ? raw.filter((x): x is string => typeof x === 'string') : [];
}
