import type {KVStore} from '../ports';

import {keys} from './keys';
import {updateKnownJson, type Versioned} from '../ports/kv_json';

const SHARDS = 32;

const asIds = (raw: unknown): string[] => (Array.isArray(raw) ? raw.filter((x): x is string => typeof x === 'string') : []);

interface Batch {
    ops: Map<string, boolean>; // id → add (true) or remove (false)
    waiters: Array<{resolve: () => void; reject: (err: unknown) => void}>;
}

/**
 * Which deliveries are pending, in 32 small KV keys, so a sweep reads those instead of listing every key the plugin
 * has (KVList pages through all of them, finished deliveries and logs included). Adds and removes are batched per
 * shard into one compare-and-set write; an id whose record is gone is pruned by the next sweep, and a record that
 * never made it into the index is found by the occasional full scan (and at every start).
 *
 * A delivery that finishes within the batch window (most do) is added and removed in the same batch: the two cancel
 * and, when nothing else changed, the shard is neither read nor written. Without that each delivery cost two
 * read-and-compare-and-set round trips here, more than its own record.
 */
export class OutboxIndex {
    private readonly batches = new Map<number, Batch>();
    private readonly busy = new Set<number>();
    /** Each shard as this node last wrote it: the next write compare-and-sets against it without a read. */
    private readonly written = new Map<number, Versioned<string[]>>();

    /**
     * `batchMs`: how long changes gather before a shard is written (each write rewrites the whole shard). Longer
     * windows let more deliveries finish before their add is written; the cost is that another node's sweep sees a
     * delivery that much later (a node's own restart finds it by its full scan). Production uses 250 ms (main.ts).
     */
    constructor(
        private readonly kv: KVStore,
        private readonly batchMs = 50,
    ) {}

    add(id: string): Promise<void> {
        return this.enqueue(id, true);
    }

    remove(id: string): Promise<void> {
        return this.enqueue(id, false);
    }

    /** Ids this node is about to add (their batch is not written yet). */
    queued(): string[] {
        return [...this.batches.values()].flatMap((b) => [...b.ops].filter(([, add]) => add).map(([id]) => id));
    }

    async ids(): Promise<string[]> {
        const shards = await Promise.all(Array.from({length: SHARDS}, (_, s) => this.kv.get(keys.pendingIndex(s))));
        return shards.flatMap((bytes) => (bytes && bytes.length > 0 ? asIds(JSON.parse(Buffer.from(bytes).toString('utf8'))) : []));
    }

    private enqueue(id: string, add: boolean): Promise<void> {
        const shard = shardOf(id);
        let batch = this.batches.get(shard);
        if (!batch) {
            batch = {ops: new Map(), waiters: []};
            this.batches.set(shard, batch);
        }
        // A remove of an id whose add is still unwritten: the index never needs to hear of it.
        if (!add && batch.ops.get(id) === true) batch.ops.delete(id);
        else batch.ops.set(id, add);
        const b = batch;
        const done = new Promise<void>((resolve, reject) => b.waiters.push({resolve, reject}));
        if (!this.busy.has(shard)) void this.drain(shard);
        return done;
    }

    /** Writes a shard's queued changes, one batch at a time; changes queued meanwhile form the next batch. */
    private async drain(shard: number): Promise<void> {
        this.busy.add(shard);
        try {
            for (let batch = this.batches.get(shard); batch; batch = this.batches.get(shard)) {
                // Let changes gather: under load a shard is written a few times a second, not once per delivery.
                await new Promise((resolve) => setTimeout(resolve, this.batchMs).unref?.());
                batch = this.batches.get(shard)!;
                this.batches.delete(shard);
                try {
                    if (batch.ops.size > 0) {
                        const ops = batch.ops;
                        const stored = await updateKnownJson(this.kv, keys.pendingIndex(shard), asIds, (current) => {
                            const set = new Set(current ?? []);
                            let changed = false;
                            for (const [id, add] of ops) {
                                if (add === set.has(id)) continue;
                                changed = true;
                                if (add) set.add(id);
                                else set.delete(id);
                            }
                            return changed ? [...set] : undefined;
                        }, this.written.get(shard));
                        if (stored) this.written.set(shard, stored);
                        else this.written.delete(shard);
                    }
                    for (const w of batch.waiters) w.resolve();
                } catch (err) {
                    this.written.delete(shard);
                    for (const w of batch.waiters) w.reject(err);
                }
            }
        } finally {
            this.busy.delete(shard);
        }
    }
}

function shardOf(id: string): number {
    let h = 0;
    for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) | 0;
    return Math.abs(h) % SHARDS;
}
