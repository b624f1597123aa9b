import type {ReplyOutcome} from '@tripwire/common';

import {PluginApiError, type Clock, type Logger} from '../ports';
import type {Versioned} from '../ports/kv_json';

import type {OutboxRecord, OutboxStore} from './outbox';
import type {OutboxScheduler} from './outbox_scheduler';
import type {PreparedReply, ReplyPart, ReplyPoster} from './types';

/** A reply's parts larger than this (as JSON) are not stored: the outbox record is rewritten once per part. */
export const MAX_STORED_REPLY_BYTES = 2 * 1024 * 1024;
/** Transient posting failures (5xx, network) retried before the reply is given up on. */
export const REPLY_MAX_TRIES = 8;
const REPLY_BACKOFF_MAX_MS = 60_000;
/** The look-up for a crashed poster's posts starts this long before the reply was stored (clocks of nodes differ). */
const LOOKUP_SKEW_MS = 60_000;
/** The prop that numbers a reply's parts; with `tripwire_delivery_id` it names one post of one reply. */
export const REPLY_PART_PROP = 'tripwire_reply_part';

type StoredReply = NonNullable<OutboxRecord['reply']>;

export interface ReplyPostingDeps {
    store: OutboxStore;
    scheduler: OutboxScheduler;
    clock: Clock;
    logger: Logger;
    nodeId: string;
    poster: ReplyPoster;
    random: () => number;
    /** How long a node owns a reply it posts: longer than any CreatePost call takes. */
    leaseMs: number;
    /** The first wait before a failed post is tried again; it doubles with each try, up to a minute. */
    retryBaseMs: number;
}

/**
 * Posts the replies stored with deliveries, so that a crash at any point gives exactly one reply, never zero.
 *
 * - The attempt's compare-and-set that records its outcome also stores the reply's parts (`reply.state: pending`)
 *   and keeps the record under the pending prefix, leased to the node; nothing is posted before that write.
 * - Parts are created in order, each carrying `tripwire_delivery_id` and `tripwire_reply_part`; after each create
 *   the record is rewritten (compare-and-set, lease renewed) with the part counted and its post id, and the last
 *   create is followed by the write that finishes the delivery (`posted`). A lost compare-and-set (the delivery was
 *   cancelled, or another node took it over after the lease ran out) stops this node at once.
 * - Whoever resumes a reply it did not just store (restart, sweep, retry after a transient error, another node) first
 *   looks up the channel's posts since the reply was stored (GetPostsSince, thread replies included) for parts a
 *   crashed poster created but never recorded, and creates only the missing ones. Mattermost cannot create a post
 *   with an id of our choosing, so this look-up is what makes the create idempotent.
 * - Ephemeral parts are not stored by Mattermost and cannot be looked up: one cut off between its send and its
 *   record is sent again (at least once, to one user only).
 * - 4xx from Mattermost (channel archived or deleted, bad post) ends the reply as failed; 5xx and network errors are
 *   retried with backoff up to REPLY_MAX_TRIES, then it is failed too. Either way the delivery log says so.
 *
 * The bound on duplicates is the lease, as for attempts: a CreatePost that hangs past it could race a successor's
 * look-up; the lease is far longer than any create takes.
 */
export class ReplyPosting {
    constructor(private readonly deps: ReplyPostingDeps) {}

    /**
     * A finished attempt's record with its reply to post (leased to this node, due now), or the outcome instead when
     * there is nothing to post or the reply is too large to keep.
     */
    open(finished: OutboxRecord, prepared: Extract<PreparedReply, {kind: 'parts'}>, now: number): OutboxRecord | ReplyOutcome {
        if (prepared.parts.length === 0) return {kind: 'none', reason: 'the reply has no text, attachments or mm_blocks'};
        const parts = prepared.parts.map((part, i): ReplyPart => ({
            ...part,
            post: {...part.post, props: {...part.post.props, tripwire_delivery_id: finished.id, [REPLY_PART_PROP]: i}},
        }));
        const size = Buffer.byteLength(JSON.stringify(parts));
        if (size > MAX_STORED_REPLY_BYTES) return {kind: 'invalid', reason: `the reply is too large to post (${size} bytes as posts; at most ${MAX_STORED_REPLY_BYTES})`};
        const reply: StoredReply = {state: 'pending', parts, delayed: prepared.delayed, done: 0, post_ids: [], tries: 0, since: now - LOOKUP_SKEW_MS};
        return {...finished, reply, next_attempt_at: now, lease: this.lease(now)};
    }

    /**
     * Posts the open reply of a record this node holds. `fresh`: this node just stored it and has created nothing
     * since, so no look-up is needed. Returns the outcome once the reply has ended; undefined when it is left for
     * later (a transient error, scheduled again) or to another node.
     */
    async post(held: Versioned<OutboxRecord>, fresh: boolean): Promise<ReplyOutcome | undefined> {
        const {store, poster} = this.deps;
        const r = held.value;
        let current = held;
        let reply = r.reply!;
        try {
            const found = fresh ? new Map<number, string>() : await this.created(r);
            for (let i = reply.done; i < reply.parts.length; i++) {
                const part = reply.parts[i]!;
                const id = (part.kind === 'post' ? found.get(i) : undefined) ?? (await poster.create(part));
                reply = {...reply, done: i + 1, post_ids: [...reply.post_ids, id]};
                if (i + 1 === reply.parts.length) break;
                const next = await store.replace(current.bytes, {...r, reply, lease: this.lease(this.deps.clock.now())});
                if (!next) return this.lost(r);
                current = next;
            }
        } catch (err) {
            return this.failedTry(current, reply, err);
        }
        const posts = reply.parts.filter((p) => p.kind === 'post').length;
        return this.end(current, {...reply, state: 'posted'}, {kind: 'posted', posts, ephemeral: reply.parts.length - posts, delayed: reply.delayed});
    }

    /**
     * A record with an open reply came up (sweep, restart, its retry timer): takes the lease unless another node holds
     * it and posts what is missing. Returns the outcome when the reply ended here.
     */
    async resume(current: Versioned<OutboxRecord>): Promise<ReplyOutcome | undefined> {
        const {store, clock, scheduler, nodeId} = this.deps;
        let seen: Versioned<OutboxRecord> | null = current;
        for (let tries = 0; seen && seen.value.reply?.state === 'pending' && tries < 2; tries++) {
            const r = seen.value;
            const now = clock.now();
            if (r.next_attempt_at > now) return void scheduler.schedule(r.id, r.next_attempt_at);
            if (r.lease && r.lease.owner !== nodeId && r.lease.until > now) return void scheduler.schedule(r.id, r.lease.until);
            const held = await store.replace(seen.bytes, {...r, lease: this.lease(now)});
            if (held) return this.post(held, false);
            seen = await store.load(r.id);
        }
        return undefined;
    }

    /** Parts of this reply already in the channel, by part number (those a crashed poster created, unrecorded). */
    private async created(r: OutboxRecord): Promise<Map<number, string>> {
        const reply = r.reply!;
        const found = new Map<number, string>();
        if (!reply.parts.slice(reply.done).some((p) => p.kind === 'post')) return found;
        for (const post of await this.deps.poster.postsSince(r.facts.channel.id, reply.since)) {
            const part = Number(post.props[REPLY_PART_PROP]);
            if (post.props.tripwire_delivery_id === r.id && Number.isInteger(part)) found.set(part, post.id);
        }
        return found;
    }

    private async failedTry(current: Versioned<OutboxRecord>, reply: StoredReply, err: unknown): Promise<ReplyOutcome | undefined> {
        const message = err instanceof Error ? err.message : String(err);
        if (isPermanent(err)) return this.end(current, {...reply, state: 'failed', error: message}, {kind: 'error', reason: `posting the reply failed: ${message}`});
        const tries = reply.tries + 1;
        if (tries >= REPLY_MAX_TRIES) {
            const reason = `posting the reply failed ${tries} times: ${message}`;
            return this.end(current, {...reply, tries, state: 'failed', error: reason}, {kind: 'error', reason});
        }
        const delay = Math.min(REPLY_BACKOFF_MAX_MS, this.deps.retryBaseMs * 2 ** (tries - 1)) * (0.5 + this.deps.random() / 2);
        const at = this.deps.clock.now() + Math.round(delay);
        const r = current.value;
        // Still `pending`: the failed create may have landed all the same, so the next try starts with a look-up.
        const next = await this.deps.store.replace(current.bytes, {...r, reply: {...reply, tries, error: message}, lease: null, next_attempt_at: at});
        if (!next) return this.lost(r);
        this.deps.logger.warn('posting a reply failed; it is retried', {delivery_id: r.id, tries, error: message});
        this.deps.scheduler.schedule(r.id, at);
        return undefined;
    }

    private async end(current: Versioned<OutboxRecord>, reply: StoredReply, outcome: ReplyOutcome): Promise<ReplyOutcome | undefined> {
        const now = this.deps.clock.now();
        const done = await this.deps.store.finish(current.bytes, {...current.value, reply: {...reply, parts: []}, lease: null, finished_at: now});
        return done ? outcome : this.lost(current.value);
    }

    private lost(r: OutboxRecord): undefined {
        this.deps.logger.warn('a reply being posted changed hands or was cancelled', {delivery_id: r.id});
        return undefined;
    }

    private lease(now: number): {owner: string; until: number} {
        return {owner: this.deps.nodeId, until: now + this.deps.leaseMs};
    }
}

/** Mattermost refused the post for good (archived or deleted channel, invalid post); 408 and 429 are worth a retry. */
function isPermanent(err: unknown): boolean {
    return err instanceof PluginApiError && err.statusCode >= 400 && err.statusCode < 500 && err.statusCode !== 408 && err.statusCode !== 429;
}
