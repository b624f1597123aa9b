import type {KVStore} from '../ports';

import {keys} from './keys';
import {updateKnownJson, type Versioned} from '../ports/kv_json';

const SHARDS = 32;

const asIds = (raw: unknown): string[] => (Array.isArray(raw) ? raw.filter((x): x is string => typeof x === 'string') : []);

interface Waiter {
    resolve: () => void;
    reject: (err: unknown) => void;
}

interface Batch {
    ops: Map<string, boolean>; // id → add (true) or remove (false)
    /** Per id, who waits for its change to be written (or, for an add, cancelled by its remove). */
    waiters: Map<string, Waiter[]>;
    /** Holds an add: written as soon as the shard is free (removes alone wait for the batch window). */
    urgent: boolean;
}

/**
 * Which deliveries are pending, in 32 small KV keys, so a sweep, a start and a dead node's takeover read those (never
 * a listing of every key the plugin has: KVList pages through all of them, finished deliveries and logs included).
 *
 * An add is written at once, alongside the delivery's own insert (group commit: adds that arrive while a shard is
 * being written go together in its next write), so a delivery whose submit resolved is listed here, whatever happens
 * to the process afterwards: that is what lets a restart skip the full scan. A remove is not urgent (a sweep prunes
 * ids whose record finished): removes gather for the batch window and ride along with the shard's next add, and an add
 * still waiting for its write is cancelled by its remove without any write.
 */
export class OutboxIndex {
    private readonly batches = new Map<number, Batch>();
    private readonly drains = new Map<number, Promise<void>>();
    /** Ends the batch-window wait of a shard early (an add arrived, or a flush). */
    private readonly wakers = new Map<number, () => void>();
    /** Each shard as this node last wrote it: the next write compare-and-sets against it without a read. */
    private readonly written = new Map<number, Versioned<string[]>>();

    /**
     * `batchMs`: how long removes gather before a shard is written for them alone (each write rewrites the whole
     * shard). Production uses 1 s (main.ts): under load removes ride along with adds anyway.
     */
    constructor(
        private readonly kv: KVStore,
        private readonly batchMs = 50,
        private readonly retryMs = 1000,
    ) {}

    /** Resolves once the id is listed (or its remove cancelled the add first); rejects when the write failed (it is retried). */
    add(id: string): Promise<void> {
        return this.enqueue(id, true);
    }

    /** Resolves once the id is no longer listed; nobody needs to wait for it. */
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

    /**
     * Writes everything queued now (a stopping node leaves no finished ids behind for the sweeps to prune); waits at
     * most `timeoutMs`, since a KV store that keeps failing keeps the writes retrying.
     */
    async flush(timeoutMs = 5000): Promise<void> {
        for (const batch of this.batches.values()) batch.urgent = true;
        for (const wake of this.wakers.values()) wake();
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([Promise.allSettled([...this.drains.values()]), new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
        clearTimeout(timer);
    }

    private enqueue(id: string, add: boolean): Promise<void> {
        const shard = shardOf(id);
        let batch = this.batches.get(shard);
        if (!batch) {
            batch = {ops: new Map(), waiters: new Map(), urgent: false};
            this.batches.set(shard, batch);
        }
        const b = batch;
        const done = new Promise<void>((resolve, reject) => {
            if (!add && b.ops.get(id) === true) {
                // A remove of an id whose add is still unwritten: the index never needs to hear of it.
                b.ops.delete(id);
                for (const w of b.waiters.get(id) ?? []) w.resolve();
                b.waiters.delete(id);
                resolve();
                return;
            }
            b.ops.set(id, add);
            const list = b.waiters.get(id) ?? [];
            list.push({resolve, reject});
            b.waiters.set(id, list);
        });
        if (add) {
            batch.urgent = true;
            this.wakers.get(shard)?.();
        }
        if (!this.drains.has(shard)) this.drains.set(shard, this.drain(shard));
        return done;
    }

    private sleep(shard: number, ms: number): Promise<void> {
        return new Promise((resolve) => {
            const timer = setTimeout(() => {
                this.wakers.delete(shard);
                resolve();
            }, ms);
            timer.unref?.();
            this.wakers.set(shard, () => {
                clearTimeout(timer);
                this.wakers.delete(shard);
                resolve();
            });
        });
    }

    /** Writes a shard's queued changes, one batch at a time; changes queued meanwhile form the next batch. */
    private async drain(shard: number): Promise<void> {
        for (let batch = this.batches.get(shard); ; batch = this.batches.get(shard)) {
            if (!batch) {
                // In the same turn as this last look at the queue: a change queued after it starts a new drain.
                this.drains.delete(shard);
                return;
            }
            // Removes alone gather for a while; an add (arriving meanwhile too) is written at once.
            if (!batch.urgent) await this.sleep(shard, this.batchMs);
            batch = this.batches.get(shard)!;
            this.batches.delete(shard);
            const settle = (how: (w: Waiter) => void) => {
                for (const list of batch!.waiters.values()) for (const w of list) how(w);
            };
            if (batch.ops.size === 0) {
                settle((w) => w.resolve());
                continue;
            }
            try {
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
                    // An emptied shard stays (as []): this node's copy of it spares the next write a read.
                    return changed ? [...set] : undefined;
                }, this.written.get(shard));
                if (stored) this.written.set(shard, stored);
                else this.written.delete(shard);
                settle((w) => w.resolve());
            } catch (err) {
                this.written.delete(shard);
                settle((w) => w.reject(err));
                // Not given up: the changes go back in the queue (behind any newer change of the same id) and are
                // tried again after a pause. A delivery left out would be invisible to other nodes and to a restart.
                const next = this.batches.get(shard) ?? {ops: new Map(), waiters: new Map(), urgent: false};
                for (const [id, add] of batch.ops) if (!next.ops.has(id)) next.ops.set(id, add);
                next.urgent ||= batch.urgent;
                this.batches.set(shard, next);
                await new Promise((resolve) => setTimeout(resolve, this.retryMs).unref?.());
            }
        }
    }
}

export function shardOf(id: string): number {
    let h = 0;
    for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) | 0;
    return Math.abs(h) % SHARDS;
}
