import {z} from 'zod';

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

/**
 * The durable outbox on the KV store. A delivery is written (already leased to its writer) before its first attempt;
 * every later change is a compare-and-set against the bytes last seen, so two nodes can never both believe they own
 * an attempt. Pending and finished deliveries live under different key prefixes so a sweep reads only pending ones.
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
     * Stores a new delivery; null when one with this id is already pending (the same event submitted twice).
     * `indexed` settles when the pending index lists it: the record is durable before that, so the first attempt
     * need not wait for it.
     */
    async insert(record: OutboxRecord): Promise<{stored: Versioned<OutboxRecord>; indexed: Promise<void>} | null> {
        const bytes = encodeJson(record);
        const ok = await this.kv.setWithOptions(keys.pending(record.id), bytes, {atomic: true, oldValue: null});
        return ok ? {stored: {value: record, bytes}, indexed: this.index.add(record.id)} : null;
    }

    load(id: string): Promise<Versioned<OutboxRecord> | null> {
        return getJson(this.kv, keys.pending(id), parseRecord);
    }

    loadFinished(id: string): Promise<Versioned<OutboxRecord> | null> {
        return getJson(this.kv, keys.finished(id), parseRecord);
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

    /**
     * Ends a pending delivery: removes it (compare-and-set, so only the lease holder can) and keeps a finished copy
     * with an expiry. Returns false when the pending record had changed hands.
     */
    async finish(previous: Uint8Array, record: OutboxRecord): Promise<boolean> {
        const removed = await this.kv.setWithOptions(keys.pending(record.id), null, {atomic: true, oldValue: previous});
        if (!removed) return false;
        const kept = record.state === 'succeeded' ? this.retention.succeededSeconds : this.retention.failedSeconds;
        const replyWindow = record.response_url ? record.response.response_url_ttl_seconds : 0;
        await Promise.all([
            this.kv.setWithOptions(keys.finished(record.id), encodeJson({...record, lease: null}), {expireInSeconds: Math.max(kept, replyWindow)}),
            this.unindex(record.id),
            // Recover reads the rule's own list; a lost entry only means recover does not see that delivery.
            record.state === 'failed' ? this.failed.add(record.rule.id, {id: record.id, at: record.created_at}).catch(() => undefined) : undefined,
        ]);
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
                await this.unindex(id);
                return null;
            }
            const next = change(current.value);
            if (next === undefined) return null;
            if (next === null) {
                if (await this.kv.setWithOptions(keys.pending(id), null, {atomic: true, oldValue: current.bytes})) {
                    await this.unindex(id);
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

    /** Drops an id from the pending index (its record is gone); never fails, a later sweep would prune it. */
    async unindex(id: string): Promise<void> {
        await this.index.remove(id).catch(() => undefined);
    }

    /** Puts a finished delivery back in the queue (replay, recover): same id and webhook-id, attempts from zero. */
    async requeue(id: string, now: number, owner: string, leaseMs: number): Promise<Versioned<OutboxRecord> | null> {
        const finished = await this.loadFinished(id);
        if (!finished) return null;
        const {finished_at: _finished, last: _last, reply: _reply, ...rest} = finished.value;
        const record: OutboxRecord = {...rest, state: 'pending', attempts: 0, begun: 1, dead_endpoints: [], created_at: now, next_attempt_at: now, lease: {owner, until: now + leaseMs}};
        const inserted = await this.insert(record);
        if (!inserted) return null;
        await Promise.all([this.kv.delete(keys.finished(id)), inserted.indexed]);
        return inserted.stored;
    }

    /** Every id under a prefix, page by page (the KV store lists all of the plugin's keys). */
    async ids(prefix: string): Promise<string[]> {
        const out: string[] = [];
        const perPage = 1000;
        for (let page = 0; ; page++) {
            const list = await this.kv.list(page, perPage);
            for (const key of list) if (key.startsWith(prefix)) out.push(key.slice(prefix.length));
            if (list.length < perPage) return out;
        }
    }

    /** Pending ids from the index (cheap; may include ids that just finished). */
    pendingIds(): Promise<string[]> {
        return this.index.ids();
    }

    /** Pending ids from the index, and those this node inserted but has not indexed yet (what a cancel must not miss). */
    async pendingIdsNow(): Promise<string[]> {
        return [...new Set([...this.index.queued(), ...(await this.index.ids())])];
    }

    /** Pending ids found by listing every key: the backstop for records the index missed. */
    async scanPendingIds(): Promise<string[]> {
        const found = await this.ids(keys.pendingPrefix);
        const indexed = new Set(await this.index.ids());
        await Promise.all(found.filter((id) => !indexed.has(id)).map((id) => this.index.add(id)));
        return found;
    }
}

