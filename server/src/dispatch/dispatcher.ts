import {deliveryFactsSchema, type DeliveryFacts, type DeliveryLogEntry, type Endpoint} from '@tripwire/common';

import {effectiveMaxAttempts, effectiveRate} from '../config/guardrails';
import type {Settings} from '../config/settings';
import type {BreakerStateName, ChannelState, Clock, KVStore, Logger, MetricsSink, ServerConfigInfo} from '../ports';

import {replyTargetOf} from './attempt_replies';
import {CircuitBreakers, defaultBreakerOptions, type BreakerOptions} from './circuit_breaker';
import {DeliveryLog, entryBase, triggerOf, type DeliveryLogOptions} from './delivery_log';
import {DeliveryRunner, leaseMsFor} from './delivery_runner';
import {cursorOf} from './failed_index';
import {MAX_RESPONSE_BYTES} from './http_client';
import {keys} from './keys';
import {defaultNodeRegistryOptions, NodeRegistry, type NodeRegistryOptions} from './node_registry';
import {deliveryIdFor, randomId, webhookIdOf} from './ids';
import {KeyedSemaphore, RateLimiter} from './limits';
import type {Notifier} from './notices';
import {isActive, OutboxStore, type OutboxRecord, type OutboxRetention} from './outbox';
import {OutboxScheduler} from './outbox_scheduler';
import {RecentSubmissions} from './recent_submissions';
import {ResponseUrls} from './response_urls';
import {RuleTombstones} from './rule_tombstones';
import {sealEndpoints} from './secret_requirements';
import {SecretStore} from './secrets';
import {SsrfGuard, type Resolver} from './ssrf/guard';
import type {AsyncReplyResult, AttemptListener, DeliveryRequest, RecoverPage, ReplyPoster, ReplySink, SubmittedDelivery} from './types';

export {localNodeKey} from './node_registry';

export interface DispatcherDeps {
    kv: KVStore;
    logger: Logger;
    clock: Clock;
    /** Mattermost's config as last read (AllowedUntrustedInternalConnections, EnableInsecureOutgoingConnections, SiteURL). */
    serverConfig: () => ServerConfigInfo;
    settings: () => Settings;
    /** Posts a late reply through a response_url: responses/createReplyHandler in production. */
    onReply: ReplySink;
    /** Prepares and posts the replies of attempts, stored with the delivery: responses/createReplyPoster in production. */
    replyPoster: ReplyPoster;
    /** Bot messages (410 disables, rate-limit drops); without one nobody is told. */
    notifier?: Notifier;
    /** A 410 disabled an endpoint: the engine marks it `enabled: false` in the rule. */
    onEndpointDisabled?: (ruleId: string, endpointId: string) => void | Promise<void>;
    onAttempt?: AttemptListener;
    /** Breaker changes and deleted rules (the rest of the metrics come from onAttempt and submit's answers). */
    metrics?: Pick<MetricsSink, 'breakerChanged' | 'ruleDeleted'>;
    /** Where a channel is in its life (ports/channel_state): a late reply into an archived or deleted one is refused. */
    channelState?: (channelId: string) => Promise<ChannelState>;
    /** Test seams. */
    resolve?: Resolver;
    ownAddresses?: () => readonly string[];
    random?: () => number;
    /** This Mattermost node across plugin restarts (node_registry's localNodeKey() in production). */
    nodeKey?: string;
    /** Test seam: the whole lease owner (no node key: its leases wait for expiry like an unknown node's). */
    nodeId?: string;
}

/** Only rich payloads and templates that mention it can hand a response_url to the service; native ones cannot. */
function carriesResponseUrl(e: Endpoint): boolean {
    if (e.payload === 'rich') return true;
    const templates = [e.url, e.body_template ?? '', ...Object.values(e.headers), ...Object.values(e.query), ...Object.values(e.form_fields ?? {})];
    return templates.some((t) => t.includes('response_url'));
}

/** Mattermost's AllowedUntrustedInternalConnections plus Tripwire's AllowedHosts, rebuilt only when either changes. */
function allowlistOf(deps: Pick<DispatcherDeps, 'serverConfig' | 'settings'>): () => readonly string[] {
    let last: {a: readonly string[]; b: readonly string[]; list: string[]} | undefined;
    return () => {
        const a = deps.serverConfig().allowedUntrustedInternalConnections;
        const b = deps.settings().AllowedHosts;
        if (last?.a !== a || last.b !== b) last = {a, b, list: [...a, ...b]};
        return last.list;
    };
}

export interface DispatcherOptions {
    /** How often each node reads the pending index for deliveries it does not know about (other nodes' orphans, restarts). */
    sweepIntervalMs: number;
    /** How long pending-index removals gather before a shard is written for them alone (outbox_index.ts); undefined: its default. */
    indexBatchMs?: number;
    leaseMarginMs: number;
    /** How long a node owns a reply it is posting (reply_posting.ts): far longer than a CreatePost takes. */
    replyLeaseMs: number;
    /** The first wait before a reply that Mattermost failed to post (5xx, network) is tried again; doubles per try. */
    replyRetryBaseMs: number;
    /** On stop, attempts in flight get this long to finish before they are aborted and handed back. */
    stopGraceMs: number;
    maxResponseBytes: number;
    retention: OutboxRetention;
    log: DeliveryLogOptions;
    breaker: BreakerOptions;
    secretsCacheMs: number;
    node: NodeRegistryOptions;
    /**
     * How long a deleted rule's mark stays: longer than any delivery of it may still come up (max_age_seconds is at
     * most 7 days) and than a response_url lives (at most a day).
     */
    ruleGoneSeconds: number;
}

export const defaultDispatcherOptions: DispatcherOptions = {
    sweepIntervalMs: 15_000,
    leaseMarginMs: 30_000,
    replyLeaseMs: 60_000,
    replyRetryBaseMs: 1000,
    stopGraceMs: 5000,
    maxResponseBytes: MAX_RESPONSE_BYTES,
    retention: {succeededSeconds: 3600, failedSeconds: 7 * 86_400},
    log: {capacity: 100, flushMs: 500},
    breaker: defaultBreakerOptions,
    secretsCacheMs: 10_000,
    ruleGoneSeconds: 8 * 86_400,
    node: defaultNodeRegistryOptions,
};

/** Deliveries a cancel or a purge looks at concurrently. */
const PARALLEL_KV = 16;

async function forEachLimited<T>(items: readonly T[], limit: number, each: (item: T) => Promise<void>): Promise<void> {
    let next = 0;
    const worker = async () => {
        while (next < items.length) await each(items[next++]!);
    };
    await Promise.all(Array.from({length: Math.min(limit, items.length)}, worker));
}

/**
 * Tripwire's delivery engine behind one façade: submit a matched rule's delivery and it is stored in the KV outbox,
 * then sent (signed, SSRF-guarded, retried, rate-limited, breaker-protected) by whichever node claims it, with the
 * services' replies handed to the ReplySink. Also: replay, recover, the delivery log and late replies via response_url.
 */
export class Dispatcher {
    readonly log: DeliveryLog;
    readonly secrets: SecretStore;
    private readonly store: OutboxStore;
    private readonly scheduler: OutboxScheduler;
    private readonly runner: DeliveryRunner;
    private readonly responseUrls: ResponseUrls;
    private readonly limiter = new RateLimiter();
    private readonly recent = new RecentSubmissions();
    private readonly breakers: CircuitBreakers;
    private readonly nodeId: string;
    private readonly options: DispatcherOptions;
    private readonly tombstones: RuleTombstones;
    private sweepTimer: NodeJS.Timeout | undefined;
    private heartbeatTimer: NodeJS.Timeout | undefined;
    private readonly registry: NodeRegistry;

    constructor(
        private readonly deps: DispatcherDeps,
        options: Partial<DispatcherOptions> = {},
    ) {
        this.options = {...defaultDispatcherOptions, ...options};
        this.registry = new NodeRegistry(deps.kv, deps.clock, deps.logger, deps.nodeKey ?? randomId(), randomId(), this.options.node);
        this.nodeId = deps.nodeId ?? this.registry.owner;
        this.store = new OutboxStore(deps.kv, this.options.retention, this.options.indexBatchMs);
        this.tombstones = new RuleTombstones(deps.kv, deps.clock, this.options.ruleGoneSeconds);
        this.log = new DeliveryLog(deps.kv, deps.logger, this.options.log, (ruleId) => this.tombstones.isGone(ruleId));
        this.secrets = new SecretStore(deps.kv, deps.clock, this.options.secretsCacheMs);
        this.responseUrls = new ResponseUrls(deps.kv, () => deps.serverConfig().siteURL);
        this.breakers = new CircuitBreakers(this.options.breaker, (state) => deps.metrics?.breakerChanged(state));
        this.scheduler = new OutboxScheduler(deps.clock, (id) => this.runner.run(id));
        const guard = new SsrfGuard({
            allowlist: allowlistOf(deps),
            ...(deps.resolve && {resolve: deps.resolve}),
            ...(deps.ownAddresses && {ownAddresses: deps.ownAddresses}),
        });
        this.runner = new DeliveryRunner({
            store: this.store,
            scheduler: this.scheduler,
            clock: deps.clock,
            logger: deps.logger,
            nodeId: this.nodeId,
            guard,
            breakers: this.breakers,
            slots: new KeyedSemaphore(),
            secrets: this.secrets,
            deliveryLog: this.log,
            replyPoster: deps.replyPoster,
            replyLeaseMs: this.options.replyLeaseMs,
            replyRetryBaseMs: this.options.replyRetryBaseMs,
            notifier: deps.notifier,
            onEndpointDisabled: deps.onEndpointDisabled,
            onAttempt: deps.onAttempt,
            isRuleGone: (ruleId) => this.tombstones.isGone(ruleId),
            isDeadOwner: (owner) => this.registry.isDead(owner),
            ownerRecheckMs: this.options.node.lapseMs,
            settings: deps.settings,
            insecureTls: () => deps.serverConfig().enableInsecureOutgoingConnections,
            random: deps.random ?? Math.random,
            leaseMarginMs: this.options.leaseMarginMs,
            maxResponseBytes: this.options.maxResponseBytes,
        });
    }

    /** Loads what it needs, picks up every delivery left in the outbox, and starts the scheduler and the sweeps. */
    async start(): Promise<void> {
        await this.responseUrls.init();
        // Before the first sweep: from here on this node's earlier incarnation counts as dead and its leases are ours.
        await this.registry.register();
        await this.registry.deaths(); // which nodes are alive now: a later death is noticed against this
        this.heartbeatTimer = setInterval(() => {
            this.heartbeat().catch((err: unknown) => this.deps.logger.warn('node heartbeat failed', {error: String(err)}));
        }, this.options.node.heartbeatMs);
        this.heartbeatTimer.unref?.();
        this.runner.resume();
        this.scheduler.start();
        await this.store.migrateIndex();
        await this.sweep();
        this.sweepTimer = setInterval(() => {
            this.sweep().catch((err: unknown) => this.deps.logger.warn('outbox sweep failed', {error: String(err)}));
        }, this.options.sweepIntervalMs);
        this.sweepTimer.unref?.();
    }

    /** Stops taking up deliveries; attempts in flight finish (or, after the grace period, go back to the outbox). */
    async stop(): Promise<void> {
        clearInterval(this.sweepTimer);
        clearInterval(this.heartbeatTimer);
        this.scheduler.stop();
        await this.runner.drain(this.options.stopGraceMs);
        await Promise.all([this.log.flush(), this.store.flushIndex(this.options.stopGraceMs)]);
    }

    /**
     * Stores a matched rule's deliveries (one per enabled endpoint, or one for all of them with failover) before any
     * attempt, and starts them. Resolves once they are durable. Over the rate limit they are delayed or dropped.
     */
    async submit(request: DeliveryRequest): Promise<SubmittedDelivery[]> {
        const facts = deliveryFactsSchema.parse(request.facts);
        const now = this.deps.clock.now();
        const live = request.endpoints.filter((e) => e.enabled);
        if (live.length === 0) return [];
        const groups: Endpoint[][] = request.policy.fan_out === 'failover' ? [live] : live.map((e) => [e]);
        const ids = groups.map((g) => deliveryIdFor(request.rule.id, g.map((e) => e.id).join('+'), facts.event_id));

        const rate = this.rateVerdict(request, facts, now);
        if (!rate.ok) return this.drop(request, facts, groups, ids, rate.retryInMs, now);

        const sealed = await sealEndpoints(this.secrets, request.rule.id, live);
        const byId = new Map(sealed.endpoints.map((e) => [e.id, e]));
        return Promise.all(
            groups.map(async (group, i): Promise<SubmittedDelivery> => {
                const endpoints = group.map((e) => byId.get(e.id)!);
                const required = Object.fromEntries(endpoints.map((e) => [e.id, sealed.required[e.id]!]));
                const record = {...this.newRecord(ids[i]!, request, facts, endpoints, now, rate.delayMs), secrets_required: required};
                const summary = {delivery_id: record.id, webhook_id: record.webhook_id, endpoint_ids: endpoints.map((e) => e.id), delay_ms: rate.delayMs};
                // The first attempt goes out while the record is written (one KV round trip through Mattermost to its
                // database off every delivery's latency); it writes nothing back before the record is stored. Not for
                // an event this node saw before: that one may be stored already, and waits for the earlier write.
                const previous = this.recent.previous(record.id);
                if (previous) await previous;
                const write = this.store.write(record);
                this.recent.add(record.id, write.durable);
                const early = rate.delayMs === 0 && !previous;
                if (early) this.runner.run(record.id, write.stored, write.durable);
                if (!(await write.durable)) return {...summary, status: 'duplicate'};
                if (rate.delayMs > 0) this.scheduler.schedule(record.id, record.next_attempt_at);
                else if (!early) this.runner.run(record.id, write.stored);
                // Resolved once the pending index lists it too (written alongside the record, grouped with other
                // submits): from then on a restart or another node finds it without listing keys. A failed index
                // write is retried by the index; the delivery itself goes ahead on this node.
                await write.indexed.catch((err: unknown) => this.deps.logger.warn('outbox index write failed; retrying', {delivery_id: record.id, error: String(err)}));
                return {...summary, status: 'queued'};
            }),
        );
    }

    /** Sends one delivery again: a finished one is requeued (same webhook-id); a pending one is made due now. */
    async replay(deliveryId: string): Promise<boolean> {
        const now = this.deps.clock.now();
        const pending = await this.store.load(deliveryId);
        if (pending && isActive(pending.value)) {
            const due = await this.store.replace(pending.bytes, {...pending.value, next_attempt_at: now});
            if (due) this.runner.run(deliveryId, due);
            return Boolean(due);
        }
        const finished = pending ?? (await this.store.loadFinished(deliveryId));
        if (!finished) return false;
        const requeued = await this.store.requeue(deliveryId, now, this.nodeId, leaseMsFor(finished.value, this.options.leaseMarginMs), finished);
        if (requeued) this.runner.run(deliveryId, requeued);
        if (requeued && finished.value.state === 'failed') await this.store.failed.remove(finished.value.rule.id, [deliveryId]).catch(() => undefined);
        return Boolean(requeued);
    }

    /**
     * Requeues a rule's failed deliveries created in [since, until], one bounded page at a time: it reads the rule's
     * own failed list (never the whole KV store) and looks at no more than `limit` deliveries per call.
     */
    async recoverFailed(ruleId: string, since: number, until = Infinity, page: {cursor?: string | undefined; limit?: number} = {}): Promise<RecoverPage> {
        const {refs, hasMore} = await this.store.failed.page(ruleId, since, until, page.cursor, page.limit ?? 50);
        const done: string[] = [];
        let requeued = 0;
        for (const ref of refs) {
            const finished = await this.store.loadFinished(ref.id);
            // Listed but expired, already replayed, or not this rule's: only dropped from the list.
            if (finished?.value.state === 'failed' && finished.value.rule.id === ruleId) {
                const leaseMs = leaseMsFor(finished.value, this.options.leaseMarginMs);
                const record = await this.store.requeue(ref.id, this.deps.clock.now(), this.nodeId, leaseMs, finished);
                if (record) {
                    this.runner.run(ref.id, record);
                    requeued++;
                }
            }
            done.push(ref.id);
        }
        await this.store.failed.remove(ruleId, done).catch((err: unknown) => this.deps.logger.warn('failed-delivery list not updated', {rule_id: ruleId, error: String(err)}));
        const last = refs[refs.length - 1];
        return {requeued, hasMore, ...(hasMore && last && {nextCursor: cursorOf(last)})};
    }

    /**
     * Endpoints were removed from a rule: their queued deliveries are cancelled, never sent, and the log says so. A
     * failover delivery keeps its other endpoints. Returns how many were cancelled.
     */
    async cancelEndpoints(ruleId: string, endpointIds: readonly string[]): Promise<number> {
        if (endpointIds.length === 0) return 0;
        const removed = new Set(endpointIds);
        const cancelled = await this.cancelPending(ruleId, (r) => {
            // Sent already, only its reply still being posted: that reply stays.
            if (r.state !== 'pending') return undefined;
            const left = r.endpoints.filter((e) => !removed.has(e.id));
            if (left.length === r.endpoints.length) return undefined;
            return left.length === 0 ? null : {...r, endpoints: left, dead_endpoints: r.dead_endpoints.filter((id) => !removed.has(id))};
        });
        const now = this.deps.clock.now();
        for (const r of cancelled) {
            const entry: DeliveryLogEntry = {
                ...entryBase(r, now),
                status: 'cancelled',
                error: 'the endpoint was removed from the rule before the delivery was sent',
            };
            this.log.append(entry);
            this.deps.onAttempt?.(entry, {channel_id: r.facts.channel.id, max_attempts: Math.min(r.max_attempts, this.deps.settings().MaxAttempts)});
        }
        return cancelled.length;
    }

    /**
     * A rule was deleted: its queued deliveries are cancelled (an attempt in flight writes nothing afterwards) and
     * every KV key it owns here goes — secrets, delivery log, failed list, finished deliveries and response_url
     * counters (those the log and the failed list know; the rest expire on their own). A mark, expiring, keeps
     * writers still under way on any node from re-creating them. (The ids come from the rule's own keys: nothing is listed.)
     */
    async purgeRule(ruleId: string): Promise<void> {
        await this.tombstones.mark(ruleId);
        this.deps.metrics?.ruleDeleted(ruleId);
        const cancelled = await this.cancelPending(ruleId, () => null);
        const ids = new Set([...cancelled.map((r) => r.id), ...(await this.store.failed.ids(ruleId)), ...(await this.log.list(ruleId)).map((e) => e.delivery_id)]);
        await forEachLimited([...ids], PARALLEL_KV, async (id) => {
            // The finished record (under the delivery's key; older versions' under their own) and its response_url uses.
            await Promise.all([this.deps.kv.delete(keys.pending(id)), this.deps.kv.delete(keys.finished(id)), this.deps.kv.delete(keys.responseUrlUses(id))]);
        });
        await Promise.all([this.secrets.deleteRule(ruleId), this.log.clear(ruleId), this.store.failed.clear(ruleId)]);
    }

    /**
     * Walks the pending index for the rule's deliveries and applies `change` to each (null cancels it); returns the
     * cancelled records. Costs a read per pending delivery of every rule: deleting is rare, delivering is not, so
     * no per-rule pending list is kept on the delivery path.
     */
    private async cancelPending(ruleId: string, change: (r: OutboxRecord) => OutboxRecord | null | undefined): Promise<OutboxRecord[]> {
        const cancelled: OutboxRecord[] = [];
        await forEachLimited(await this.store.pendingIdsNow(), PARALLEL_KV, async (id) => {
            const done = await this.store.cancel(id, (r) => (r.rule.id === ruleId ? change(r) : undefined)).catch((err: unknown) => {
                // Not fatal: an attempt of a deleted rule is dropped when it comes up (the mark), and the rule's change is stored.
                this.deps.logger.warn('could not cancel a queued delivery', {delivery_id: id, rule_id: ruleId, error: String(err)});
                return null;
            });
            if (!done) return;
            // This node's copy of the record is stale now; an attempt in flight fails its compare-and-set.
            if (done.outcome !== 'cancelled') return this.runner.forget(id);
            // Cancelled: it no longer waits on a breaker or a timer either.
            this.runner.drop(id);
            this.scheduler.cancel(id);
            cancelled.push(done.record);
        });
        return cancelled;
    }

    /**
     * A late reply through a delivery's response_url (the http layer's `POST /r/:token`): checks the token's signature,
     * lifetime and uses, then posts to the delivery's own channel and thread and logs it.
     */
    async handleAsyncReply(token: string, contentType: string, body: Uint8Array): Promise<AsyncReplyResult> {
        const now = this.deps.clock.now();
        const claims = this.responseUrls.verify(token, now);
        if (typeof claims === 'string') return {ok: false, error: claims};
        const record = (await this.store.load(claims.deliveryId)) ?? (await this.store.loadFinished(claims.deliveryId));
        if (!record) return {ok: false, error: 'not_found'};
        const r = record.value;
        if (await this.tombstones.isGone(r.rule.id)) return {ok: false, error: 'not_found'};
        // Checked before a use is counted: an archived channel's rules rest, and the URL works again once it is back.
        // When Mattermost cannot say, the post is tried and its failure logged as the reply's outcome.
        const channel = (await this.deps.channelState?.(r.facts.channel.id).catch(() => 'open' as const)) ?? 'open';
        if (channel === 'gone') return {ok: false, error: 'not_found'};
        if (channel === 'archived') return {ok: false, error: 'channel_archived'};
        if (!(await this.responseUrls.use(claims, r.response.response_url_uses, now))) return {ok: false, error: 'used_up'};
        const outcome = await this.deps.onReply(replyTargetOf(r), {status: 200, contentType, body, truncated: false, source: 'response_url'}).catch(
            (err: unknown) => ({kind: 'error', reason: (err as Error).message}) as const,
        );
        const entry: DeliveryLogEntry = {...entryBase(r, now), status: 'succeeded', reply: outcome, async_reply: true};
        this.log.append(entry);
        this.deps.onAttempt?.(entry, {channel_id: r.facts.channel.id, max_attempts: Math.min(r.max_attempts, this.deps.settings().MaxAttempts)});
        return {ok: true, outcome};
    }

    /**
     * Finds deliveries this node is not tracking (left by a restart, or by a node that died) and schedules them.
     * Reads the pending index (32 keys) and the records it lists, never a listing of the KV store; ids whose record
     * finished or went are pruned from the index.
     */
    async sweep(): Promise<number> {
        const now = this.deps.clock.now();
        let found = 0;
        for (const id of await this.store.pendingIds()) {
            if (this.runner.isTracked(id) || this.scheduler.has(id)) continue;
            const r = (await this.store.load(id))?.value;
            if (!r || !isActive(r)) {
                this.store.unindex(id);
                continue;
            }
            // Another node's lease: looked at again when it expires, or sooner, should that node's heartbeat lapse.
            const alive = r.lease && r.lease.owner !== this.nodeId && !(await this.registry.isDead(r.lease.owner));
            const leasedUntil = alive ? Math.min(r.lease!.until, now + this.options.node.lapseMs) : 0;
            this.scheduler.schedule(id, Math.max(r.next_attempt_at, leasedUntil));
            found++;
        }
        this.limiter.prune(now);
        return found;
    }

    /**
     * Says this node is alive, and looks for nodes that died: their deliveries are in the pending index (each was
     * listed before its submit resolved), so a sweep of the index takes their leases over at once.
     */
    private async heartbeat(): Promise<void> {
        await this.registry.beat();
        const died = await this.registry.deaths();
        if (died.length === 0) return;
        this.deps.logger.info('a node died; taking over the deliveries it left', {owners: died});
        await this.sweep();
    }

    /** Deliveries being attempted on this node right now, scheduled for later, and waiting on an open breaker. */
    get load(): {inFlight: number; scheduled: number; parked: number} {
        return {inFlight: this.runner.inFlight, scheduled: this.scheduler.size, parked: this.runner.parked};
    }

    /** Endpoint hosts by breaker state, on this node. */
    breakerCounts(): Record<BreakerStateName, number> {
        return this.breakers.counts();
    }

    /** Is this node attempting the delivery, or holding it for later (scheduled, or parked behind a breaker)? */
    isQueued(deliveryId: string): boolean {
        return this.runner.isTracked(deliveryId) || this.scheduler.has(deliveryId);
    }

    private newRecord(id: string, request: DeliveryRequest, facts: DeliveryFacts, endpoints: Endpoint[], now: number, delayMs: number): OutboxRecord {
        const {response} = request;
        const record: OutboxRecord = {
            v: 1,
            id,
            webhook_id: webhookIdOf(id),
            state: 'pending',
            created_at: now,
            next_attempt_at: now + delayMs,
            attempts: 0,
            max_attempts: effectiveMaxAttempts(request.policy.max_attempts, this.deps.settings()),
            lease: null,
            rule: {...request.rule},
            endpoints,
            dead_endpoints: [],
            policy: request.policy,
            response,
            facts,
            response_url: response.enabled && response.response_url_uses > 0 && endpoints.some(carriesResponseUrl) ? this.responseUrls.issue(id, now + response.response_url_ttl_seconds * 1000) : '',
        };
        // Sent at once: the writer holds the lease from the start, so the first attempt needs no claim round trip.
        if (delayMs === 0) {
            record.lease = {owner: this.nodeId, until: now + leaseMsFor(record, this.options.leaseMarginMs)};
            record.begun = 1;
        }
        return record;
    }

    private rateVerdict(request: DeliveryRequest, facts: DeliveryFacts, now: number): {ok: true; delayMs: number} | {ok: false; retryInMs: number} {
        const {policy, rule} = request;
        // A rule's own rates never exceed the system admin's limit, even one lowered after the rule was saved.
        const settings = this.deps.settings();
        const limits: Array<[string, number]> = [[`r:${rule.id}`, effectiveRate(policy.rate_per_rule_per_minute, settings)]];
        if (policy.rate_per_user_per_minute) limits.unshift([`u:${rule.id}:${facts.user.id}`, effectiveRate(policy.rate_per_user_per_minute, settings)]);
        // Queued no longer than the delivery may live.
        const maxDelayMs = Math.min(policy.max_age_seconds, settings.MaxDeliveryAgeSeconds) * 1000;
        let delayMs = 0;
        for (const [key, perMinute] of limits) {
            const v = policy.rate_overflow === 'drop' ? this.limiter.take(key, perMinute, now) : this.limiter.reserve(key, perMinute, now, maxDelayMs);
            if (!v.ok) return v;
            delayMs = Math.max(delayMs, v.delayMs);
        }
        return {ok: true, delayMs};
    }

    private async drop(request: DeliveryRequest, facts: DeliveryFacts, groups: Endpoint[][], ids: string[], retryInMs: number, now: number): Promise<SubmittedDelivery[]> {
        const out = groups.map((endpoints, i): SubmittedDelivery => {
            const entry: DeliveryLogEntry = {
                delivery_id: ids[i]!,
                webhook_id: webhookIdOf(ids[i]!),
                rule_id: request.rule.id,
                endpoint_id: endpoints.map((e) => e.id).join(','),
                event_type: facts.event_type,
                post_id: facts.post.id,
                at: now,
                attempt: 0,
                status: 'dropped',
                error_class: 'rate_limited',
                error: `over the rule's rate limit; next slot in ${Math.ceil(retryInMs / 1000)} s`,
                ...triggerOf(facts),
            };
            this.log.append(entry);
            this.deps.onAttempt?.(entry, {channel_id: facts.channel.id, max_attempts: effectiveMaxAttempts(request.policy.max_attempts, this.deps.settings())});
            return {delivery_id: ids[i]!, webhook_id: webhookIdOf(ids[i]!), endpoint_ids: endpoints.map((e) => e.id), status: 'dropped', delay_ms: 0};
        });
        await this.deps.notifier
            ?.deliveryDropped({userId: facts.user.id, channelId: facts.channel.id, rootId: facts.post.root_id, ruleName: request.rule.name, retryInMs})
            .catch((err: unknown) => this.deps.logger.warn('could not send the rate-limit notice', {error: String(err)}));
        return out;
    }
}
