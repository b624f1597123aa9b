import {deliveryFactsSchema, type Endpoint} from '@tripwire/common';

import type {Settings} from '../config/settings';
import type {BreakerStateName, ChannelState, Clock, KVStore, Logger, MetricsSink, ServerConfigInfo} from '../ports';

import {CircuitBreakers} from './circuit_breaker';
import {DeliveryLog} from './delivery_log';
import {DeliveryRecords} from './delivery_records';
import {DeliveryRunner} from './delivery_runner';
import {defaultDispatcherOptions, type DispatcherOptions} from './dispatcher_options';
import {deliveryIdFor, randomId} from './ids';
import {LateReplies} from './late_replies';
import {KeyedSemaphore} from './limits';
import {NodeRegistry} from './node_registry';
import type {Notifier} from './notices';
import {isActive, OutboxStore} from './outbox';
import {OutboxScheduler} from './outbox_scheduler';
import {RateGate} from './rate_gate';
import {RecentSubmissions} from './recent_submissions';
import {Requeue} from './requeue';
import {ResponseUrls} from './response_urls';
import {RulePurge} from './rule_purge';
import {RuleTombstones} from './rule_tombstones';
import {sealEndpoints} from './secret_requirements';
import {SecretStore} from './secrets';
import {SsrfGuard, type Resolver} from './ssrf/guard';
import type {AsyncReplyResult, AttemptListener, DeliveryRequest, RecoverPage, ReplyPoster, ReplySink, SubmittedDelivery} from './types';

export type {DispatcherOptions} from './dispatcher_options';
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
    private readonly rates: RateGate;
    private readonly records: DeliveryRecords;
    private readonly recent = new RecentSubmissions();
    private readonly requeue: Requeue;
    private readonly purge: RulePurge;
    private readonly lateReplies: LateReplies;
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
        const {leaseMarginMs} = this.options;
        const {store, log, secrets, tombstones, responseUrls, runner, scheduler, nodeId} = this;
        this.rates = new RateGate({...deps, log});
        this.records = new DeliveryRecords({nodeId, leaseMarginMs, settings: deps.settings, responseUrls});
        this.requeue = new Requeue({...deps, nodeId, leaseMarginMs, store, runner});
        this.purge = new RulePurge({...deps, store, log, secrets, tombstones, runner, scheduler});
        this.lateReplies = new LateReplies({...deps, store, log, responseUrls, tombstones});
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

        const rate = this.rates.verdict(request, facts, now);
        if (!rate.ok) return this.rates.drop(request, facts, groups, ids, rate.retryInMs, now);

        const sealed = await sealEndpoints(this.secrets, request.rule.id, live);
        const byId = new Map(sealed.endpoints.map((e) => [e.id, e]));
        return Promise.all(
            groups.map(async (group, i): Promise<SubmittedDelivery> => {
                const endpoints = group.map((e) => byId.get(e.id)!);
                const required = Object.fromEntries(endpoints.map((e) => [e.id, sealed.required[e.id]!]));
                const record = {...this.records.create(ids[i]!, request, facts, endpoints, now, rate.delayMs), secrets_required: required};
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
    replay(deliveryId: string): Promise<boolean> {
        return this.requeue.replay(deliveryId);
    }

    /** Requeues a rule's failed deliveries created in [since, until], one bounded page at a time (requeue.ts). */
    recoverFailed(ruleId: string, since: number, until = Infinity, page: {cursor?: string | undefined; limit?: number} = {}): Promise<RecoverPage> {
        return this.requeue.recoverFailed(ruleId, since, until, page);
    }

    /**
     * Endpoints were removed from a rule: their queued deliveries are cancelled, never sent, and the log says so. A
     * failover delivery keeps its other endpoints. Returns how many were cancelled.
     */
    cancelEndpoints(ruleId: string, endpointIds: readonly string[]): Promise<number> {
        return this.purge.cancelEndpoints(ruleId, endpointIds);
    }

    /** A rule was deleted: nothing of it is sent any more, and its KV keys go (rule_purge.ts). */
    purgeRule(ruleId: string): Promise<void> {
        return this.purge.purgeRule(ruleId);
    }

    /** A late reply through a delivery's response_url (the http layer's `POST /r/:token`, see late_replies.ts). */
    handleAsyncReply(token: string, contentType: string, body: Uint8Array): Promise<AsyncReplyResult> {
        return this.lateReplies.handle(token, contentType, body);
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
        this.rates.prune(now);
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
}
