import type {KVSetOptions, KVStore} from '../../ports';

export interface KVCounts {
    reads: number;
    writes: number;
    lists: number;
}

/**
 * A KV store that counts what goes through it (reads, writes and deletes, listings), and can refuse listings: what
 * tests pin round trips and "nothing lists every key" with.
 */
export class CountingKV implements KVStore {
    counts: KVCounts = {reads: 0, writes: 0, lists: 0};
    /** Set: a list() call throws with this reason (and is counted). */
    forbidList: string | undefined;

    constructor(private readonly inner: KVStore) {}

    /** The counts so far, and starts counting from zero. */
    take(): KVCounts {
        const c = this.counts;
        this.counts = {reads: 0, writes: 0, lists: 0};
        return c;
    }

    get(key: string): Promise<Uint8Array | null> {
        this.counts.reads++;
        return this.inner.get(key);
    }

    set(key: string, value: Uint8Array): Promise<void> {
        this.counts.writes++;
        return this.inner.set(key, value);
    }

    setWithOptions(key: string, value: Uint8Array | null, options: KVSetOptions): Promise<boolean> {
        this.counts.writes++;
        return this.inner.setWithOptions(key, value, options);
    }

    delete(key: string): Promise<void> {
        this.counts.writes++;
        return this.inner.delete(key);
    }

    list(page: number, perPage: number): Promise<string[]> {
        this.counts.lists++;
        if (this.forbidList !== undefined) return Promise.reject(new Error(`KV list called: ${this.forbidList}`));
        return this.inner.list(page, perPage);
    }
}
