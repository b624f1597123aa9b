import type {DeliveryLogEntry, ReplyOutcome} from '@tripwire/common';

import {clampEndpoint, clampPolicy} from '../config/guardrails';
import type {Settings} from '../config/settings';
import type {Clock, Logger} from '../ports';
import type {Versioned} from '../ports/kv_json';

import {decideAttempt, lastOf} from './attempt_decision';
import {attemptContextOf, attemptEntries} from './attempt_log';
import {AttemptReplies} from './attempt_replies';
import type {CircuitBreakers} from './circuit_breaker';
import {entryBase, type DeliveryLog} from './delivery_log';
import {EarlySends} from './early_sends';
import {EndpointCaller, isSuccess, originOf, type Call} from './endpoint_call';
import type {KeyedSemaphore} from './limits';
import type {Notifier} from './notices';
import type {OutboxRecord, OutboxStore} from './outbox';
import type {OutboxScheduler} from './outbox_scheduler';
import {ParkingLot} from './parking';
import {redactUrl} from './redact';
import type {RetryDecision} from './retry_policy';
import type {SecretStore} from './secrets';
import type {SsrfGuard} from './ssrf/guard';
import type {AttemptListener, ReplyPoster} from './types';

export interface RunnerDeps {
    store: OutboxStore;
    scheduler: OutboxScheduler;
    clock: Clock;
    logger: Logger;
    nodeId: string;
    guard: SsrfGuard;
    breakers: CircuitBreakers;
    slots: KeyedSemaphore;
    secrets: SecretStore;
    deliveryLog: DeliveryLog;
    /** Prepares and posts the replies of attempts (durably, see reply_posting.ts). */
    replyPoster: ReplyPoster;
    /** How long a node owns a reply it is posting, and the first wait before a failed post is tried again. */
    replyLeaseMs: number;
    replyRetryBaseMs: number;
    notifier: Notifier | undefined;
    onEndpointDisabled: ((ruleId: string, endpointId: string) => void | Promise<void>) | undefined;
    onAttempt: AttemptListener | undefined;
    /** Whether a lease's owner is a process known dead (node_registry): its lease is taken over without waiting. */
    isDeadOwner: (owner: string) => Promise<boolean>;
    /** How soon to ask again about a live owner's lease: its node may die (its heartbeat lapse) before the lease ends. */
    ownerRecheckMs: number;
    /** A deleted rule's delivery that a cancel missed (not indexed yet, another node's) is dropped, never sent. */
    isRuleGone: (ruleId: string) => Promise<boolean>;
    /** The guardrails as they are now: a delivery queued before one was lowered is held to the new value. */
    settings: () => Settings;
    insecureTls: () => boolean;
    random: () => number;
    /** Added to the endpoints' timeouts to make a lease: long enough that an attempt never outlives its lease. */
    leaseMarginMs: number;
    maxResponseBytes: number;
}

/** The lease a delivery needs: every endpoint may be tried once, each up to its timeout. */
export const leaseMsFor = (record: OutboxRecord, marginMs: number): number =>
    record.endpoints.reduce((sum, e) => sum + e.timeout_ms, 0) + marginMs;

/**
 * Attempts deliveries: claims one in the outbox, sends it to its endpoint(s) through the breaker and the endpoint's
 * concurrency slots, asks the retry policy what next, writes that back with compare-and-set, then hands a reply to
 * the ReplySink and logs every call. Anything that fails here stays in the outbox for the next look.
 */
export class DeliveryRunner {
    private readonly active = new Map<string, Promise<void>>();
    /** The bytes this node last wrote (or read) per delivery, so the next look needs no read. */
    private readonly known = new Map<string, Versioned<OutboxRecord>>();
    /** Deliveries waiting on a host's open breaker. */
    private readonly parking: ParkingLot;
    private readonly replies: AttemptReplies;
    private readonly caller: EndpointCaller;
    /** Deliveries the parking lot let go as a host's half-open probe: delivery id → host. */
    private readonly probes = new Map<string, string>();
    private readonly early = new EarlySends();
    private shutdown = new AbortController();
    private stopping = false;

    constructor(private readonly deps: RunnerDeps) {
        // Run at once, in the lot's order (retries first), rather than through the scheduler's heap.
        this.parking = new ParkingLot(deps.clock, deps.breakers, (id, probe) => {
            if (this.active.has(id)) return;
            if (probe !== undefined) this.probes.set(id, probe);
            this.run(id);
        });
        this.caller = new EndpointCaller(deps, this.parking);
        this.replies = new AttemptReplies({...deps, poster: deps.replyPoster, leaseMs: deps.replyLeaseMs, retryBaseMs: deps.replyRetryBaseMs});
    }

    get inFlight(): number {
        return this.active.size;
    }

    get parked(): number {
        return this.parking.size;
    }

    /** Being attempted, or waiting on an open breaker: this node will come back to it by itself. */
    isTracked(id: string): boolean {
        return this.active.has(id) || this.parking.has(id);
    }

    /**
     * Looks at a delivery now; a no-op when it is already being looked at on this node. With `durable`, the record
     * `known` is still being written: the attempt may go out meanwhile, but nothing of it is written back before the
     * record is stored, and nothing at all if it never was (see early_sends.ts).
     */
    run(id: string, known?: Versioned<OutboxRecord>, durable?: Promise<boolean>): void {
        if (this.stopping || this.active.has(id)) return;
        if (durable) this.early.begin(id, durable);
        const task = this.attempt(id, known ?? this.known.get(id))
            .catch((err: unknown) => {
                this.deps.logger.error('delivery attempt crashed; it stays in the outbox', {delivery_id: id, error: String(err)});
                this.deps.scheduler.schedule(id, this.deps.clock.now() + 5000);
            })
            .finally(() => {
                this.active.delete(id);
                this.early.end(id);
            });
        this.active.set(id, task);
    }

    resume(): void {
        this.stopping = false;
        this.shutdown = new AbortController();
    }

    /** Lets attempts in flight finish for up to `graceMs`, then aborts them (they go back to the outbox, unspent). */
    async drain(graceMs: number): Promise<void> {
        this.stopping = true;
        const all = () => Promise.allSettled([...this.active.values()]);
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([all(), new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
        clearTimeout(timer);
        this.shutdown.abort(new Error('shutdown'));
        await all();
        this.known.clear();
        this.parking.clear();
    }

    private async attempt(id: string, known: Versioned<OutboxRecord> | undefined): Promise<void> {
        const {store, clock, nodeId, scheduler} = this.deps;
        const probeHost = this.probes.get(id);
        this.probes.delete(id);
        const current = known ?? (await store.load(id));
        // Attempted already, its stored reply not yet all posted (a restart, a sweep, a retry of the posting).
        if (current?.value.reply?.state === 'pending') return this.resumeReply(current);
        if (!current || current.value.state !== 'pending') return this.forget(id);
        const r = current.value;
        if (await this.deps.isRuleGone(r.rule.id)) {
            if (!(await this.early.stored(id))) return this.forget(id);
            await store.cancel(id, (stored) => (stored.rule.id === r.rule.id ? null : undefined));
            return this.forget(id);
        }
        const now = clock.now();
        if (r.next_attempt_at > now) return scheduler.schedule(id, r.next_attempt_at);
        let takeOver: string | undefined;
        if (r.lease && r.lease.owner !== nodeId && r.lease.until > now) {
            if (!(await this.deps.isDeadOwner(r.lease.owner))) return scheduler.schedule(id, Math.min(r.lease.until, now + this.deps.ownerRecheckMs));
            takeOver = r.lease.owner;
        }

        const leaseMs = leaseMsFor(r, this.deps.leaseMarginMs);
        const holdsLease = r.lease?.owner === nodeId && r.lease.until - now >= leaseMs - this.deps.leaseMarginMs;
        let claimed: Versioned<OutboxRecord> | null = holdsLease ? current : null;
        const claim = async () => (claimed ??= await store.claim(id, nodeId, clock.now(), leaseMs, current, takeOver));

        const settings = this.deps.settings();
        if (now - r.created_at > clampPolicy(r.policy, settings).max_age_seconds * 1000) {
            if (!(await claim())) return this.forget(id);
            return this.settle(claimed!, [], {action: 'fail', errorClass: 'expired', reason: 'older than the maximum age before it could be sent', disableEndpoint: false});
        }
        if (r.attempts > 0 && r.attempts >= Math.min(r.max_attempts, settings.MaxAttempts)) {
            // The system admin lowered MaxAttempts below what this delivery already spent: no further attempt.
            if (!(await claim())) return this.forget(id);
            const reason = `gave up after ${r.attempts} attempts (the system admin's limit is ${settings.MaxAttempts})`;
            return this.settle(claimed!, [], {action: 'fail', errorClass: r.last?.error_class ?? 'expired', reason, disableEndpoint: false});
        }

        const calls: Call[] = [];
        let parkOn: string | undefined;
        for (const endpoint of r.endpoints.filter((e) => !r.dead_endpoints.includes(e.id)).map((e) => clampEndpoint(e, settings))) {
            const host = originOf(endpoint);
            // Look at the breaker before queueing for a slot: a down host's deliveries must not pile up behind it.
            const probe = host === probeHost;
            if (this.deps.breakers.blocked(host, clock.now(), probe)) {
                parkOn ??= host;
                continue;
            }
            const release = await this.deps.slots.acquire(`${r.rule.id}:${endpoint.id}`, endpoint.max_concurrency);
            try {
                if (this.stopping) break;
                const call = await this.caller.call(r, endpoint, host, probe, claim, this.shutdown.signal);
                if (call === 'lost') return this.forget(id);
                if (call === 'deferred') {
                    parkOn ??= host;
                    continue;
                }
                calls.push(call);
                if (isSuccess(call.result)) break;
            } finally {
                release();
            }
        }

        if (calls.length === 0) {
            // Nothing was sent: the breakers are open, or this node is stopping. No attempt is spent. A first attempt
            // sent early is looked at again once its record is stored, since a breaker that closes meanwhile would never
            // release what it parks.
            const writing = this.early.takeOver(id);
            if (writing) return (await writing) ? this.attempt(id, claimed ?? current) : this.forget(id);
            if (claimed && this.stopping) await store.replace(claimed.bytes, {...r, lease: null});
            else if (parkOn !== undefined && !this.stopping) {
                this.known.set(id, claimed ?? current);
                this.parking.park(parkOn, id, r.attempts > 0);
            }
            return;
        }
        await this.settle(claimed!, calls, decideAttempt(claimed!.value, calls, clock.now(), this.deps.settings(), this.deps.random));
    }

    private async settle(claimed: Versioned<OutboxRecord>, calls: readonly Call[], decision: RetryDecision): Promise<void> {
        const {store, clock, scheduler} = this.deps;
        const r = claimed.value;
        if (!(await this.early.stored(r.id))) {
            // Sent while its record was being written, and the write did not take: the event was stored already (its
            // stored copy is someone else's to finish and log) or the KV store failed (submit reports that).
            this.deps.logger.warn('a first attempt went out for a delivery whose record was not stored', {delivery_id: r.id, calls: calls.length});
            return this.forget(r.id);
        }
        const now = clock.now();
        const shutdownOnly = calls.length > 0 && calls.every((c) => c.result.kind === 'error' && c.result.errorClass === 'shutdown');
        const last = lastOf(calls, decision, now);
        const dead = [...r.dead_endpoints, ...calls.filter((c) => c.decision?.action === 'fail').map((c) => c.endpoint.id)];

        let nextAttemptAt: number | undefined;
        let ok: boolean;
        let reply: ReplyOutcome | undefined;
        if (shutdownOnly) {
            // Aborted by our own shutdown: back to the queue at once, for any node, and the attempt does not count.
            ok = Boolean(await store.replace(claimed.bytes, {...r, lease: null, next_attempt_at: now}));
        } else if (decision.action === 'retry') {
            nextAttemptAt = now + decision.delayMs;
            const next = await store.replace(claimed.bytes, {...r, attempts: r.attempts + 1, next_attempt_at: nextAttemptAt, lease: null, dead_endpoints: dead, ...(last && {last})});
            ok = Boolean(next);
            if (next) {
                this.known.set(r.id, next);
                scheduler.schedule(r.id, nextAttemptAt);
            }
        } else {
            const state = decision.action === 'succeed' ? 'succeeded' : 'failed';
            const finished: OutboxRecord = {...r, state, attempts: r.attempts + (calls.length > 0 ? 1 : 0), lease: null, dead_endpoints: dead, ...(last && {last})};
            ({ok, reply} = await this.replies.finish(claimed, finished, calls, decision, now));
            this.known.delete(r.id);
        }
        if (!ok) {
            this.known.delete(r.id);
            // Cancelled while in flight (its rule or endpoint was deleted): nothing of it may be written any more —
            // no reply, no log entry (that would re-create a deleted rule's log), no endpoint change.
            if (await store.vanished(r.id)) return;
            // Our lease ran out and another node took the delivery over: it will send it (same webhook-id).
            this.deps.logger.warn('delivery changed hands during an attempt', {delivery_id: r.id});
        }

        // A 410 disables its endpoint even when a failover endpoint then succeeded.
        if (calls.some((c) => c.decision?.action === 'fail' && c.decision.disableEndpoint)) await this.disable(r, calls);
        this.report(r, attemptEntries(r, calls, decision, shutdownOnly, nextAttemptAt, reply, clock.now()));
    }

    /** Resumes posting a stored reply; when it ends here, its own log entry says what became of it. */
    private async resumeReply(current: Versioned<OutboxRecord>): Promise<void> {
        const r = current.value;
        if (await this.deps.isRuleGone(r.rule.id)) {
            await this.deps.store.cancel(r.id, (stored) => (stored.rule.id === r.rule.id ? null : undefined));
            return this.forget(r.id);
        }
        const outcome = await this.replies.resume(current);
        if (!outcome) return;
        this.report(r, [{...entryBase(r, this.deps.clock.now()), status: r.state === 'failed' ? 'failed' : 'succeeded', reply: outcome, reply_resumed: true}]);
    }

    private async disable(r: OutboxRecord, calls: readonly Call[]): Promise<void> {
        for (const c of calls.filter((c) => c.decision?.action === 'fail' && c.decision.disableEndpoint)) {
            try {
                await this.deps.onEndpointDisabled?.(r.rule.id, c.endpoint.id);
                await this.deps.notifier?.endpointDisabled({ownerId: r.rule.owner_id, ruleName: r.rule.name, endpointId: c.endpoint.id, url: redactUrl(c.request?.url ?? '')});
            } catch (err) {
                this.deps.logger.warn('could not disable endpoint or tell the owner', {rule_id: r.rule.id, endpoint_id: c.endpoint.id, error: String(err)});
            }
        }
    }

    /** Into the delivery log, and to the attempt listener (metrics, the webapp's status events). */
    private report(r: OutboxRecord, entries: readonly DeliveryLogEntry[]): void {
        const context = attemptContextOf(r, this.deps.settings());
        for (const entry of entries) {
            this.deps.deliveryLog.append(entry);
            this.deps.onAttempt?.(entry, context);
        }
    }

    /** This node's copy of the record is stale or done with: the next look reads it. */
    forget(id: string): void {
        this.known.delete(id);
    }

    /** A cancelled delivery: forgotten, and out of the parking lot (an attempt in flight fails its compare-and-set). */
    drop(id: string): void {
        this.forget(id);
        this.parking.remove(id);
    }
}
