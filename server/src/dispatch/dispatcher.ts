import {deliveryFactsSchema, type DeliveryFacts, type DeliveryLogEntry, type Endpoint} from '@tripwire/common';

import type {Settings} from '../config/settings';
import type {Clock, KVStore, Logger, ServerConfigInfo} from '../ports';

import {CircuitBreakers, defaultBreakerOptions, type BreakerOptions} from './circuit_breaker';
import {DeliveryLog, triggerOf, type DeliveryLogOptions} from './delivery_log';
import {DeliveryRunner, leaseMsFor, replyTargetOf} from './delivery_runner';
import {MAX_RESPONSE_BYTES} from './http_client';
import {deliveryIdFor, randomId, webhookIdOf} from './ids';
import {KeyedSemaphore, RateLimiter} from './limits';
import type {Notifier} from './notices';
import {OutboxStore, type OutboxRecord, type OutboxRetention} from './outbox';
import {OutboxScheduler} from './outbox_scheduler';
import {ResponseUrls} from './response_urls';
import {sealEndpoints} from './secret_requirements';
import {SecretStore} from './secrets';
import {SsrfGuard, type Resolver} from './ssrf/guard';
import type {AsyncReplyResult, AttemptListener, DeliveryRequest, ReplySink, SubmittedDelivery} from './types';

export interface DispatcherDeps {
    kv: KVStore;
    logger: Logger;
    clock: Clock;
    /** Mattermost's config as last read (AllowedUntrustedInternalConnections, EnableInsecureOutgoingConnections, SiteURL). */
    serverConfig: () => ServerConfigInfo;
    settings: () => Settings;
    /** Posts a service's reply: responses/createReplyHandler in production. */
    onReply: ReplySink;
    /** Bot messages (410 disables, rate-limit drops); without one nobody is told. */
    notifier?: Notifier;
    /** A 410 disabled an endpoint: the engine marks it `enabled: false` in the rule. */
    onEndpointDisabled?: (ruleId: string, endpointId: string) => void | Promise<void>;
    onAttempt?: AttemptListener;
    /** Test seams. */
    resolve?: Resolver;
    ownAddresses?: () => readonly string[];
    random?: () => number;
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
    /** How often each node looks for deliveries it does not know about (other nodes' orphans, restarts). */
    sweepIntervalMs: number;
    /** How often a sweep lists every KV key instead of reading the pending index. */
    fullSweepIntervalMs: number;
    leaseMarginMs: number;
    /** On stop, attempts in flight get this long to finish before they are aborted and handed back. */
    stopGraceMs: number;
    maxResponseBytes: number;
    retention: OutboxRetention;
    log: DeliveryLogOptions;
    breaker: BreakerOptions;
    secretsCacheMs: number;
}

export const defaultDispatcherOptions: DispatcherOptions = {
    sweepIntervalMs: 15_000,
    fullSweepIntervalMs: 600_000,
    leaseMarginMs: 30_000,
    stopGraceMs: 5000,
    maxResponseBytes: MAX_RESPONSE_BYTES,
    retention: {succeededSeconds: 3600, failedSeconds: 7 * 86_400},
    log: {capacity: 100, flushMs: 500},
    breaker: defaultBreakerOptions,
    secretsCacheMs: 10_000,
};

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
    private readonly breakers: CircuitBreakers;
    private readonly nodeId: string;
    private readonly options: DispatcherOptions;
    private sweepTimer: NodeJS.Timeout | undefined;

    constructor(
        private readonly deps: DispatcherDeps,
        options: Partial<DispatcherOptions> = {},
    ) {
        this.options = {...defaultDispatcherOptions, ...options};
        this.nodeId = deps.nodeId ?? randomId();
        this.store = new OutboxStore(deps.kv, this.options.retention);
        this.log = new DeliveryLog(deps.kv, deps.logger, this.options.log);
        this.secrets = new SecretStore(deps.kv, deps.clock, this.options.secretsCacheMs);
        this.responseUrls = new ResponseUrls(deps.kv, () => deps.serverConfig().siteURL);
        this.breakers = new CircuitBreakers(this.options.breaker);
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
            onReply: deps.onReply,
            notifier: deps.notifier,
            onEndpointDisabled: deps.onEndpointDisabled,
            onAttempt: deps.onAttempt,
            insecureTls: () => deps.serverConfig().enableInsecureOutgoingConnections,
            random: deps.random ?? Math.random,
            leaseMarginMs: this.options.leaseMarginMs,
            maxResponseBytes: this.options.maxResponseBytes,
        });
    }

    /** Loads what it needs, picks up every delivery left in the outbox, and starts the scheduler and the sweeps. */
    async start(): Promise<void> {
        await this.responseUrls.init();
        this.runner.resume();
        this.scheduler.start();
        await this.sweep(true);
        let lastFull = this.deps.clock.now();
        this.sweepTimer = setInterval(() => {
            const full = this.deps.clock.now() - lastFull >= this.options.fullSweepIntervalMs;
            if (full) lastFull = this.deps.clock.now();
            this.sweep(full).catch((err: unknown) => this.deps.logger.warn('outbox sweep failed', {error: String(err)}));
        }, this.options.sweepIntervalMs);
        this.sweepTimer.unref?.();
    }

    /** Stops taking up deliveries; attempts in flight finish (or, after the grace period, go back to the outbox). */
    async stop(): Promise<void> {
        clearInterval(this.sweepTimer);
        this.scheduler.stop();
        await this.runner.drain(this.options.stopGraceMs);
        await this.log.flush();
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
                const inserted = await this.store.insert(record);
                if (!inserted) return {...summary, status: 'duplicate'};
                if (rate.delayMs === 0) this.runner.run(record.id, inserted.stored);
                else this.scheduler.schedule(record.id, record.next_attempt_at);
                // The record is durable already; the index only spares sweeps a full key listing (and the
                // occasional full scan finds what it misses), so nobody waits for it and a failure is not fatal.
                inserted.indexed.catch((err: unknown) => this.deps.logger.warn('outbox index write failed', {delivery_id: record.id, error: String(err)}));
                return {...summary, status: 'queued'};
            }),
        );
    }

    /** Sends one delivery again: a finished one is requeued (same webhook-id); a pending one is made due now. */
    async replay(deliveryId: string): Promise<boolean> {
        const now = this.deps.clock.now();
        const pending = await this.store.load(deliveryId);
        if (pending) {
            const due = await this.store.replace(pending.bytes, {...pending.value, next_attempt_at: now});
            if (due) this.runner.run(deliveryId, due);
            return Boolean(due);
        }
        const finished = await this.store.loadFinished(deliveryId);
        if (!finished) return false;
        const requeued = await this.store.requeue(deliveryId, now, this.nodeId, leaseMsFor(finished.value, this.options.leaseMarginMs));
        if (requeued) this.runner.run(deliveryId, requeued);
        return Boolean(requeued);
    }

    /** Requeues every failed delivery of a rule created in [since, until]; returns how many. */
    async recoverFailed(ruleId: string, since: number, until = Infinity): Promise<number> {
        let count = 0;
        for (const id of await this.store.finishedIds()) {
            const r = (await this.store.loadFinished(id))?.value;
            if (!r || r.state !== 'failed' || r.rule.id !== ruleId || r.created_at < since || r.created_at > until) continue;
            if (await this.replay(id)) count++;
        }
        return count;
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
        if (!(await this.responseUrls.use(claims, r.response.response_url_uses, now))) return {ok: false, error: 'used_up'};
        const outcome = await this.deps.onReply(replyTargetOf(r), {status: 200, contentType, body, truncated: false, source: 'response_url'}).catch(
            (err: unknown) => ({kind: 'error', reason: (err as Error).message}) as const,
        );
        const entry: DeliveryLogEntry = {
            delivery_id: r.id,
            webhook_id: r.webhook_id,
            rule_id: r.rule.id,
            endpoint_id: r.endpoints.map((e) => e.id).join(','),
            event_type: r.facts.event_type,
            post_id: r.facts.post.id,
            at: now,
            attempt: r.attempts,
            status: 'succeeded',
            reply: outcome,
            async_reply: true,
            ...triggerOf(r.facts),
        };
        this.log.append(entry);
        this.deps.onAttempt?.(entry);
        return {ok: true, outcome};
    }

    /**
     * Finds deliveries this node is not tracking (left by a restart, or by a node that died) and schedules them.
     * Reads the pending index; `full` lists every key instead (at start, and now and then as a backstop).
     */
    async sweep(full = false): Promise<number> {
        const now = this.deps.clock.now();
        let found = 0;
        for (const id of full ? await this.store.scanPendingIds() : await this.store.pendingIds()) {
            if (this.runner.isTracked(id) || this.scheduler.has(id)) continue;
            const r = (await this.store.load(id))?.value;
            if (!r) {
                await this.store.unindex(id);
                continue;
            }
            const leasedUntil = r.lease && r.lease.owner !== this.nodeId ? r.lease.until : 0;
            this.scheduler.schedule(id, Math.max(r.next_attempt_at, leasedUntil));
            found++;
        }
        this.limiter.prune(now);
        return found;
    }

    /** Deliveries being attempted on this node right now, and scheduled for later. */
    get load(): {inFlight: number; scheduled: number} {
        return {inFlight: this.runner.inFlight, scheduled: this.scheduler.size};
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
            max_attempts: request.policy.max_attempts ?? this.deps.settings().MaxAttempts,
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
        if (delayMs === 0) record.lease = {owner: this.nodeId, until: now + leaseMsFor(record, this.options.leaseMarginMs)};
        return record;
    }

    private rateVerdict(request: DeliveryRequest, facts: DeliveryFacts, now: number): {ok: true; delayMs: number} | {ok: false; retryInMs: number} {
        const {policy, rule} = request;
        const limits: Array<[string, number]> = [[`r:${rule.id}`, policy.rate_per_rule_per_minute ?? this.deps.settings().RateLimitPerMinute]];
        if (policy.rate_per_user_per_minute) limits.unshift([`u:${rule.id}:${facts.user.id}`, policy.rate_per_user_per_minute]);
        let delayMs = 0;
        for (const [key, perMinute] of limits) {
            const v = policy.rate_overflow === 'drop' ? this.limiter.take(key, perMinute, now) : this.limiter.reserve(key, perMinute, now, policy.max_age_seconds * 1000);
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
            this.deps.onAttempt?.(entry);
            return {delivery_id: ids[i]!, webhook_id: webhookIdOf(ids[i]!), endpoint_ids: endpoints.map((e) => e.id), status: 'dropped', delay_ms: 0};
        });
        await this.deps.notifier
            ?.deliveryDropped({userId: facts.user.id, channelId: facts.channel.id, rootId: facts.post.root_id, ruleName: request.rule.name, retryInMs})
            .catch((err: unknown) => this.deps.logger.warn('could not send the rate-limit notice', {error: String(err)}));
        return out;
    }
}
