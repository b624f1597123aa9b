import type {Clock, KVSetOptions, KVStore} from '../../ports';

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a.buffer, a.byteOffset, a.length).equals(b);

/**
 * The plugin KV store in memory, with Mattermost's semantics: atomic compare-and-set against the stored bytes (null
 * meaning "only if absent"), expiry, an empty or null value deleting, keys listed in order. Shared by several
 * dispatcher instances it stands in for a cluster's common database.
 */
export class MemoryKV implements KVStore {
    private readonly data = new Map<string, {value: Uint8Array; expiresAt: number}>();
    private skew = 0;
    ops = 0;

    constructor(private readonly clock: Clock = {now: () => Date.now()}) {}

    /** Test helper: moves this store's idea of time forward (for expiry). */
    clockSkew(ms: number): void {
        this.skew += ms;
    }

    async get(key: string): Promise<Uint8Array | null> {
        this.ops++;
        return this.live(key)?.value ?? null;
    }

    async set(key: string, value: Uint8Array): Promise<void> {
        await this.setWithOptions(key, value, {});
    }

    async setWithOptions(key: string, value: Uint8Array | null, options: KVSetOptions): Promise<boolean> {
        this.ops++;
        if (options.atomic) {
            const current = this.live(key)?.value ?? null;
            const expected = options.oldValue ?? null;
            if (expected === null ? current !== null : current === null || !sameBytes(current, expected)) return false;
            // As Mattermost's CompareAndDelete: deleting against "absent" reports that nothing was done.
            if (expected === null && (value === null || value.length === 0)) return false;
        }
        if (value === null || value.length === 0) {
            this.data.delete(key);
        } else {
            const ttl = options.expireInSeconds ?? 0;
            this.data.set(key, {value: value.slice(), expiresAt: ttl > 0 ? this.clock.now() + this.skew + ttl * 1000 : 0});
        }
        return true;
    }

    async delete(key: string): Promise<void> {
        this.ops++;
        this.data.delete(key);
    }

    async list(page: number, perPage: number): Promise<string[]> {
        this.ops++;
        const keys = [...this.data.keys()].filter((k) => this.live(k)).sort();
        return keys.slice(page * perPage, (page + 1) * perPage);
    }

    /** Test helper: stores values without counting operations (seeding a large store); `expiresAt` in ms, 0 never. */
    seed(entries: Iterable<[string, Uint8Array]>, expiresAt = 0): void {
        for (const [key, value] of entries) this.data.set(key, {value, expiresAt});
    }

    /** Test helper: a value without counting an operation. */
    peek(key: string): Uint8Array | null {
        return this.live(key)?.value ?? null;
    }

    /** Test helper: every live key with a prefix. */
    keys(prefix = ''): string[] {
        return [...this.data.keys()].filter((k) => k.startsWith(prefix) && this.live(k)).sort();
    }

    private live(key: string): {value: Uint8Array; expiresAt: number} | undefined {
        const entry = this.data.get(key);
        if (entry && entry.expiresAt !== 0 && entry.expiresAt <= this.clock.now() + this.skew) {
            this.data.delete(key);
            return undefined;
        }
        return entry;
    }
}
