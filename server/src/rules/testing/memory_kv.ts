import {type KVSetOptions, type KVStore} from '../../ports';

function same(a: Uint8Array | null | undefined, b: Uint8Array | null | undefined): boolean {
    if (!a || a.length === 0) return !b || b.length === 0;
    if (!b || a.length !== b.length) return false;
    return a.every((x, i) => x === b[i]);
}

/** Mattermost's plugin KV store in memory: empty values delete, atomic sets compare bytes, expiries follow `now`. */
export class MemoryKV implements KVStore {
    readonly data = new Map<string, {value: Uint8Array; expiresAt: number}>();
    writes = 0;

    constructor(private readonly now: () => number = () => Date.now()) {}

    private live(key: string): Uint8Array | null {
        const e = this.data.get(key);
        if (!e) return null;
        if (e.expiresAt && e.expiresAt <= this.now()) {
            this.data.delete(key);
            return null;
        }
        return e.value;
    }

    async get(key: string): Promise<Uint8Array | null> {
        return this.live(key);
    }

    async set(key: string, value: Uint8Array): Promise<void> {
        await this.setWithOptions(key, value, {});
    }

    async setWithOptions(key: string, value: Uint8Array | null, options: KVSetOptions): Promise<boolean> {
        if (options.atomic && !same(this.live(key), options.oldValue)) return false;
        // As Mattermost's CompareAndDelete: deleting against "absent" reports that nothing was done.
        if (options.atomic && (!value || value.length === 0) && !options.oldValue?.length) return false;
        this.writes++;
        if (!value || value.length === 0) this.data.delete(key);
        else this.data.set(key, {value, expiresAt: options.expireInSeconds ? this.now() + options.expireInSeconds * 1000 : 0});
        return true;
    }

    async delete(key: string): Promise<void> {
        this.data.delete(key);
    }

    async list(page: number, perPage: number): Promise<string[]> {
        return [...this.data.keys()].sort().slice(page * perPage, (page + 1) * perPage);
    }
}
