import * as z from 'zod';

import {deliveryErrorClasses, deliveryFactsSchema, deliveryPolicySchema, endpointSchema, responseOptionsSchema} from '@tripwire/common';

import type {KVStore} from '../ports';

import {keys} from './keys';
import {encodeJson, getJson, type Versioned} from '../ports/kv_json';
import {FailedIndex} from './failed_index';
import {OutboxIndex} from './outbox_index';

const outboxRecordSchema = z.object({
    v: z.literal(1),
    id: z.string(),
    webhook_id: z.string(),
    state: z.enum(['pending', 'succeeded', 'failed']),
    created_at: z.number(),
    next_attempt_at: z.number(),
    /** Attempts made (a failover pass over several endpoints counts as one). */
    attempts: z.int(),
    max_attempts: z.int(),
    /** Who is attempting it and until when; another node may take it over once the lease has expired. */
    lease: z.object({owner: z.string(), until: z.number()}).nullable(),
    /**
     * The number of the attempt the lease holder is making (`x-webhook-attempt`), written with the claim, before the
     * request goes out: a resend after its sender died says it is a later attempt. Meaningful while leased.
     */
    begun: z.int().optional(),
    rule: z.object({id: z.string(), name: z.string(), owner_id: z.string(), bot_user_id: z.string().optional()}),
    /** One endpoint for a parallel fan-out, all of them in order for failover; never with secret header values. */
    endpoints: z.array(endpointSchema),
    /** What each endpoint required when the delivery was accepted (signed? secret headers?): missing at send time fails it. */
    secrets_required: z.record(z.string(), z.object({signed: z.boolean(), headers: z.array(z.string())})).optional(),
    /** Endpoints that failed for good (4xx, 410) and are skipped on later failover passes. */
    dead_endpoints: z.array(z.string()),
    policy: deliveryPolicySchema,
    response: responseOptionsSchema,
    facts: deliveryFactsSchema,
    response_url: z.string(),
    last: z
        .object({at: z.number(), status: z.int().optional(), error_class: z.enum(deliveryErrorClasses).optional(), error: z.string().optional()})
        .optional(),
    finished_at: z.number().optional(),
    /**
     * The reply of a finished attempt, stored by the same compare-and-set that recorded the outcome (see
     * reply_posting.ts). While `pending` the record stays under the pending prefix (state already succeeded or failed),
     * so sweeps and restarts resume the posting; the finished copy says `posted` or `failed` and keeps no parts.
     */
    reply: z
        .object({
            state: z.enum(['pending', 'posted', 'failed']),
            parts: z.array(
                z.object({
                    kind: z.enum(['post', 'ephemeral']),
                    user_id: z.string().optional(),
                    post: z.looseObject({channel_id: z.string(), message: z.string(), props: z.record(z.string(), z.unknown()).optional()}),
                }),
            ),
            delayed: z.boolean(),
            /** Parts created and recorded so far (in order), with their post ids. */
            done: z.int(),
            post_ids: z.array(z.string()),
            /** Posting tries that failed transiently. */
            tries: z.int(),
            /** A little before the first part could have been created: where a look-up for its posts starts. */
            since: z.number(),
            error: z.string().optional(),
        })
        .optional(),
});

/** A delivery as stored: everything needed to attempt it again on any node after any restart. */
export type OutboxRecord = z.output<typeof outboxRecordSchema>;

/** The number of the attempt a leased record is making: what `x-webhook-attempt` and the log say. */
export const attemptNumber = (r: OutboxRecord): number => (r.lease && r.begun !== undefined ? r.begun : r.attempts + 1);

/**
 * The number a new claim by `owner` makes. A lease still on the record from another owner was never settled: that
 * process died (or its lease ran out) mid-attempt, which may have reached the receiver, so this is a later attempt.
 */
function nextAttempt(r: OutboxRecord, owner: string): number {
    return r.lease !== null && r.lease.owner !== owner ? attemptNumber(r) + 1 : r.attempts + 1;
}

export const parseRecord = (raw: unknown): OutboxRecord => outboxRecordSchema.parse(raw);

export interface OutboxRetention {
    /**
     * How long finished deliveries stay for replay and recover; a delivery whose response_url lives longer is kept
     * until that expires, so late replies still find their channel and thread.
     */
    succeededSeconds: number;
    failedSeconds: number;
}

/** Whether a record still needs a node: its attempts, or the posting of its stored reply. */
export const isActive = (r: OutboxRecord): boolean => r.state === 'pending' || r.reply?.state === 'pending';

/**
 * The durable outbox on the KV store. A delivery is written (already leased to its writer) before its first attempt;
 * every later change is a compare-and-set against the bytes last seen, so two nodes can never both believe they own
 * an attempt. A delivery keeps one key for its whole life: finishing it is one compare-and-set of that key into its
 * finished state, with an expiry. Which deliveries are pending is kept in the pending index (outbox_index.ts), so
 * nothing here ever lists keys.
 */
export class OutboxStore {
    private readonly index: OutboxIndex;
    /** Each rule's failed deliveries, for recover. */
    readonly failed: FailedIndex;

    constructor(
        private readonly kv: KVStore,
        private readonly retention: OutboxRetention,
        indexBatchMs?: number,
    ) {
        this.index = new OutboxIndex(kv, indexBatchMs);
        this.failed = new FailedIndex(kv, retention.failedSeconds);
    }

    /**
     * Stores a new delivery; null when one with this id is already stored (the same event submitted twice, or again
     * while its finished record lasts). Its pending-index entry is written alongside, not after: `indexed` settles
     * once the index lists it (or it finished first), and the first attempt need not wait for it.
     */
    async insert(record: OutboxRecord): Promise<{stored: Versioned<OutboxRecord>; indexed: Promise<void>} | null> {
        const write = this.write(record);
        return (await write.durable) ? {stored: write.stored, indexed: write.indexed} : null;
    }

    /**
     * insert without waiting: `stored` is what the write puts (the bytes later compare-and-sets start from) and
     * `durable` settles true once it is in the KV store, false when a record with this id was there already, and
     * rejects when the write failed. Lets the first attempt go out while the record is being written.
     */
    write(record: OutboxRecord): {stored: Versioned<OutboxRecord>; durable: Promise<boolean>; indexed: Promise<void>} {
        const bytes = encodeJson(record);
        const indexed = this.index.add(record.id);
        const durable = this.kv.setWithOptions(keys.pending(record.id), bytes, {atomic: true, oldValue: null}).then((ok) => {
            // Already stored: if still pending it is listed already; if finished the sweep prunes the id.
            if (!ok) indexed.catch(() => undefined);
            return ok;
        });
        return {stored: {value: record, bytes}, durable, indexed};
    }

    /** A delivery's record in whatever state it is (pending, finished). */
    load(id: string): Promise<Versioned<OutboxRecord> | null> {
        return getJson(this.kv, keys.pending(id), parseRecord);
    }

    /**
     * A finished delivery; null while it is still active, or gone. Records 0.1.0 finished live under their own key
     * (`legacy`), expiring like the others.
     */
    async loadFinished(id: string): Promise<(Versioned<OutboxRecord> & {legacy?: boolean}) | null> {
        const current = await this.load(id);
        if (current) return isActive(current.value) ? null : current;
        const legacy = await getJson(this.kv, keys.finished(id), parseRecord);
        return legacy && {...legacy, legacy: true};
    }

    /** Compare-and-set of a pending delivery; null when someone else changed it since `previous` was read. */
    async replace(previous: Uint8Array, next: OutboxRecord): Promise<Versioned<OutboxRecord> | null> {
        const bytes = encodeJson(next);
        const ok = await this.kv.setWithOptions(keys.pending(next.id), bytes, {atomic: true, oldValue: previous});
        return ok ? {value: next, bytes} : null;
    }

    /**
     * Takes the lease of a pending delivery that is due, unless another owner holds an unexpired lease on it (but
     * `takeOver`, an owner known dead, may be replaced at once). Counts the attempt in the same write (`begun`).
     * `known` saves the read when the caller has the current bytes; if they turn out stale, the key is read again.
     */
    async claim(id: string, owner: string, now: number, leaseMs: number, known?: Versioned<OutboxRecord>, takeOver?: string): Promise<Versioned<OutboxRecord> | null> {
        let current = known ?? (await this.load(id));
        for (let tries = 0; current && tries < 2; tries++) {
            const r = current.value;
            const leasedByOther = r.lease !== null && r.lease.owner !== owner && r.lease.owner !== takeOver && r.lease.until > now;
            if (r.state !== 'pending' || r.next_attempt_at > now || leasedByOther) return null;
            const claimed = await this.replace(current.bytes, {...r, lease: {owner, until: now + leaseMs}, begun: nextAttempt(r, owner)});
            if (claimed) return claimed;
            current = await this.load(id);
        }
        return null;
    }

    /** How long a finished delivery is kept: its retention, or longer while its response_url lives. */
    keptSeconds(record: OutboxRecord): number {
        const kept = record.state === 'succeeded' ? this.retention.succeededSeconds : this.retention.failedSeconds;
        return Math.max(kept, record.response_url ? record.response.response_url_ttl_seconds : 0);
    }

    /**
     * Ends a pending delivery in one write: a compare-and-set (so only the lease holder can) of its record into the
     * finished state, with the expiry that ends it. Returns false when the record had changed hands.
     */
    async finish(previous: Uint8Array, record: OutboxRecord): Promise<boolean> {
        const done = await this.kv.setWithOptions(keys.pending(record.id), encodeJson({...record, lease: null}), {
            atomic: true,
            oldValue: previous,
            expireInSeconds: this.keptSeconds(record),
        });
        if (!done) return false;
        this.unindex(record.id);
        // Recover reads the rule's own list; a lost entry only means recover does not see that delivery.
        if (record.state === 'failed') await this.failed.add(record.rule.id, {id: record.id, at: record.created_at}).catch(() => undefined);
        return true;
    }

    /**
     * Takes a pending delivery out of the queue whatever its lease (its rule or endpoint was deleted): `change` says
     * what becomes of it — null removes it, a record replaces it (fewer endpoints), undefined leaves it. Compare-and-set
     * against what was read, retried, so a concurrent attempt's write and this one cannot both land: an attempt in
     * flight then finds its record gone and writes nothing.
     */
    async cancel(id: string, change: (r: OutboxRecord) => OutboxRecord | null | undefined): Promise<{outcome: 'cancelled' | 'changed'; record: OutboxRecord} | null> {
        for (let tries = 0; tries < 8; tries++) {
            const current = await this.load(id);
            if (!current) {
                this.unindex(id);
                return null;
            }
            const next = change(current.value);
            if (next === undefined) return null;
            if (next === null) {
                if (await this.kv.setWithOptions(keys.pending(id), null, {atomic: true, oldValue: current.bytes})) {
                    this.unindex(id);
                    return {outcome: 'cancelled', record: current.value};
                }
            } else if (await this.replace(current.bytes, next)) {
                return {outcome: 'changed', record: next};
            }
        }
        throw new Error(`delivery ${id}: too much contention to cancel it`);
    }

    /** Whether a delivery is neither pending nor finished any more (cancelled, or expired). */
    async vanished(id: string): Promise<boolean> {
        const present = (bytes: Uint8Array | null) => bytes !== null && bytes.length > 0;
        return !present(await this.kv.get(keys.pending(id))) && !present(await this.kv.get(keys.finished(id)));
    }

    /** Drops an id from the pending index (its record finished or is gone), in a later batch; never fails, a sweep would prune it. */
    unindex(id: string): void {
        this.index.remove(id).catch(() => undefined);
    }

    /** Writes the pending index's queued changes (on stop), waiting at most `timeoutMs`. */
    flushIndex(timeoutMs?: number): Promise<void> {
        return this.index.flush(timeoutMs);
    }

    /**
     * Puts a finished delivery back in the queue (replay, recover): same id and webhook-id, attempts from zero. The
     * finished record becomes pending again in place (one compare-and-set, its expiry lifted) and is indexed.
     * `finished`: the record as the caller just loaded it (loadFinished), sparing a read.
     */
    async requeue(id: string, now: number, owner: string, leaseMs: number, finished?: Versioned<OutboxRecord> & {legacy?: boolean}): Promise<Versioned<OutboxRecord> | null> {
        finished ??= (await this.loadFinished(id)) ?? undefined;
        if (!finished || isActive(finished.value)) return null;
        const current = finished.legacy ? null : finished;
        const {finished_at: _finished, last: _last, reply: _reply, ...rest} = finished.value;
        const record: OutboxRecord = {...rest, state: 'pending', attempts: 0, begun: 1, dead_endpoints: [], created_at: now, next_attempt_at: now, lease: {owner, until: now + leaseMs}};
        if (!current) {
            // Finished by an older version under its own key: moved back under the delivery's key.
            const inserted = await this.insert(record);
            if (!inserted) return null;
            await Promise.all([this.kv.delete(keys.finished(id)), inserted.indexed]);
            return inserted.stored;
        }
        const indexed = this.index.add(id);
        const stored = await this.replace(current.bytes, record);
        if (!stored) {
            this.unindex(id);
            return null;
        }
        await indexed;
        return stored;
    }

    /** Pending ids from the index (cheap; may include ids that just finished). */
    pendingIds(): Promise<string[]> {
        return this.index.ids();
    }

    /** Pending ids from the index, and those this node inserted but has not indexed yet (what a cancel must not miss). */
    async pendingIdsNow(): Promise<string[]> {
        return [...new Set([...this.index.queued(), ...(await this.index.ids())])];
    }

    /**
     * Once per KV store (the first start of this version on it): indexes every pending delivery found by listing the
     * keys, for records an older version wrote without listing them (its index writes lagged behind its inserts).
     * Every later start reads the index alone.
     */
    async migrateIndex(): Promise<void> {
        const marker = await this.kv.get(keys.indexComplete);
        if (marker && marker.length > 0) return;
        const indexed = new Set(await this.index.ids());
        const perPage = 1000;
        for (let page = 0; ; page++) {
            const list = await this.kv.list(page, perPage);
            const missing = list.filter((key) => key.startsWith(keys.pendingPrefix) && !indexed.has(key.slice(keys.pendingPrefix.length)));
            await Promise.all(missing.map((key) => this.index.add(key.slice(keys.pendingPrefix.length))));
            if (list.length < perPage) break;
        }
        await this.kv.set(keys.indexComplete, encodeJson(1));
    }
}

