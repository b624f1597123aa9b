import type {KVStore} from './plugin_api';

// JSON values on the plugin KV store, shared by the rule store and the delivery machinery.

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export const encodeJson = (value: unknown): Uint8Array => encoder.encode(JSON.stringify(value));

export function decodeJson(bytes: Uint8Array): unknown {
    return JSON.parse(decoder.decode(bytes));
}

/** A value with the exact bytes it was stored as: what a compare-and-set must compare against. */
export interface Versioned<T> {
    value: T;
    bytes: Uint8Array;
}

export async function getJson<T>(kv: KVStore, key: string, parse: (raw: unknown) => T): Promise<Versioned<T> | null> {
    const bytes = await kv.get(key);
    if (!bytes || bytes.length === 0) return null;
    return {value: parse(decodeJson(bytes)), bytes};
}

/**
 * Read-modify-write under compare-and-set, retried when another writer (another node) got there first.
 * `update` returns the new value, undefined to leave the key as it is, or null to delete it; it may throw to abort.
 */
export async function updateJson<T>(
    kv: KVStore,
    key: string,
    parse: (raw: unknown) => T,
    update: (current: T | null) => T | null | undefined,
    options: KnownUpdateOptions = {},
): Promise<T | null> {
    return (await updateKnownJson(kv, key, parse, update, undefined, options))?.value ?? null;
}

export interface KnownUpdateOptions {
    expireInSeconds?: number;
    attempts?: number;
}

/**
 * updateJson for a key this process writes often: starts from `known` (the value and bytes it last read or wrote)
 * instead of reading, and reads only when the compare-and-set finds the key changed by someone else. Returns what is
 * stored now (to pass as `known` next time); null when the key is absent. Without `known` it reads first, which is
 * all updateJson is.
 */
export async function updateKnownJson<T>(
    kv: KVStore,
    key: string,
    parse: (raw: unknown) => T,
    update: (current: T | null) => T | null | undefined,
    known: Versioned<T> | undefined,
    options: KnownUpdateOptions = {},
): Promise<Versioned<T> | null> {
    let current: Versioned<T> | null | undefined = known;
    for (let i = 0; i < (options.attempts ?? 8); i++) {
        const fromKnown = current !== undefined;
        current ??= await getJson(kv, key, parse);
        const next = update(current?.value ?? null);
        // "Nothing to change" judged on a copy that may be stale is not trusted: judged again on what is stored.
        if (next === undefined && fromKnown) {
            current = undefined;
            continue;
        }
        if (next === undefined) return current;
        // Deleting a key that is not there: nothing to write. (A compare-and-delete against "absent" never succeeds in
        // Mattermost, so writing it would only spin until the contention error.)
        if (next === null && current === null) return null;
        const bytes = next === null ? null : encodeJson(next);
        const written = await kv.setWithOptions(key, bytes, {
            atomic: true,
            oldValue: current?.bytes ?? null,
            ...(options.expireInSeconds !== undefined && {expireInSeconds: options.expireInSeconds}),
        });
        if (written) return bytes === null ? null : {value: next as T, bytes};
        current = undefined; // someone else wrote it: read it
    }
    throw new Error(`KV key ${key}: too much contention`);
}
