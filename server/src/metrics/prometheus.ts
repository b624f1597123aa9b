import {deliveryErrorClasses, deliveryStatuses, type DeliveryLogEntry} from '@tripwire/common';
// From their own files: prom-client's index also loads its Pushgateway (https and so tls, zlib), its default process
// metrics (perf_hooks, v8, @opentelemetry/api) and its cluster aggregator, none of which Tripwire uses, at start-up:
// 20 of Node's built-in modules, and 3.6 MB of the shipped executable's RSS after activation (71.3 -> 67.7 MB).
import Counter from 'prom-client/lib/counter';
import Gauge from 'prom-client/lib/gauge';
import Histogram from 'prom-client/lib/histogram';
import Registry from 'prom-client/lib/registry';

import {type BreakerStateName, type Clock, type HealthFigures, type HealthSource, type MetricsSink} from '../ports';

import {LabelBudget, OTHER} from './label_budget';
import {QueueAges} from './queue_ages';

/** What the registry reads at each scrape: this node's queue and its breakers (dispatch/dispatcher.ts `load`). */
export interface MetricsSample {
    queue: {inFlight: number; scheduled: number; parked: number};
    breakers: Record<BreakerStateName, number>;
}

export interface PrometheusMetricsOptions {
    clock: Clock;
    /** Read at scrape time; without it the queue and breaker gauges stay 0. */
    sample?: () => MetricsSample;
    /** Is a delivery still waiting or being attempted on this node? Filters the oldest-age figure (see QueueAges). */
    isQueued?: (deliveryId: string) => boolean;
    /** Distinct rule ids, and (rule, endpoint) pairs, given a label of their own; the rest count under `_other`. */
    maxRules?: number;
    maxEndpoints?: number;
}

/**
 * Default label budget: a (rule, endpoint) pair costs about 22 series (a 14-line histogram and the counters), so the
 * worst case stays under 10,000 series per node, what one Prometheus target comfortably carries.
 */
const MAX_RULES = 200;
const MAX_ENDPOINTS = 400;

const FINAL = new Set(['succeeded', 'failed', 'dropped', 'cancelled']);
const ATTEMPT = new Set(['succeeded', 'retrying', 'failed']);
const BREAKER_STATES: readonly BreakerStateName[] = ['closed', 'open', 'half_open'];
const RATE_ACTIONS = ['dropped', 'delayed'] as const;

/**
 * Tripwire's Prometheus metrics: one prom-client registry of its own (never the global default, so each plugin
 * instance and each test starts from zero), fed through the MetricsSink port and scraped through the ServeMetrics
 * hook. The System Console's health summary reads the same counters and gauges (health()).
 */
export class PrometheusMetrics implements MetricsSink, HealthSource {
    readonly registry = new Registry();
    private readonly budget: LabelBudget;
    private readonly ages = new QueueAges();
    private readonly deliveries: Counter<'rule_id' | 'endpoint_id' | 'outcome'>;
    private readonly attempts: Counter<'rule_id' | 'endpoint_id' | 'outcome'>;
    private readonly retries: Counter<'rule_id' | 'endpoint_id'>;
    private readonly attemptSeconds: Histogram<'rule_id' | 'endpoint_id'>;
    private readonly dropped: Counter<'rule_id' | 'reason'>;
    private readonly rateLimited: Counter<'rule_id' | 'action'>;
    private readonly queueDepth: Gauge<'state'>;
    private readonly oldestAge: Gauge;
    private readonly breakers: Gauge<'state'>;
    private readonly breakerTransitions: Counter<'state'>;
    private readonly hookSeconds: Histogram<'hook'>;
    private readonly matchSeconds: Histogram<'event'>;

    constructor(private readonly options: PrometheusMetricsOptions) {
        this.budget = new LabelBudget(options.maxRules ?? MAX_RULES, options.maxEndpoints ?? MAX_ENDPOINTS);
        const registers = [this.registry];
        this.deliveries = new Counter({
            name: 'tripwire_deliveries_total',
            help: 'Deliveries that reached a final outcome (succeeded, failed, dropped, cancelled), by rule and endpoint.',
            labelNames: ['rule_id', 'endpoint_id', 'outcome'],
            registers,
        });
        this.attempts = new Counter({
            name: 'tripwire_delivery_attempts_total',
            help: 'Delivery attempts by rule, endpoint and outcome (retrying: failed, another attempt is scheduled).',
            labelNames: ['rule_id', 'endpoint_id', 'outcome'],
            registers,
        });
        this.retries = new Counter({
            name: 'tripwire_delivery_retries_total',
            help: 'Retries scheduled after a failed attempt, by rule and endpoint.',
            labelNames: ['rule_id', 'endpoint_id'],
            registers,
        });
        this.attemptSeconds = new Histogram({
            name: 'tripwire_delivery_attempt_duration_seconds',
            help: 'How long an attempt took, from request to response (or error), by rule and endpoint.',
            labelNames: ['rule_id', 'endpoint_id'],
            buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
            registers,
        });
        this.dropped = new Counter({
            name: 'tripwire_deliveries_dropped_total',
            help: 'Deliveries dropped without an attempt, by rule and reason.',
            labelNames: ['rule_id', 'reason'],
            registers,
        });
        this.rateLimited = new Counter({
            name: 'tripwire_rate_limited_total',
            help: "Deliveries over their rule's rate limit, by rule and what happened to them (dropped, or delayed to a later slot).",
            labelNames: ['rule_id', 'action'],
            registers,
        });
        const sample = () => options.sample?.();
        this.queueDepth = new Gauge({
            name: 'tripwire_queue_depth',
            help: "Deliveries on this node by state: being attempted, scheduled for later, waiting on an open breaker.",
            labelNames: ['state'],
            registers,
            collect() {
                const q = sample()?.queue ?? {inFlight: 0, scheduled: 0, parked: 0};
                this.set({state: 'in_flight'}, q.inFlight);
                this.set({state: 'scheduled'}, q.scheduled);
                this.set({state: 'parked'}, q.parked);
            },
        });
        const ages = this.ages;
        this.oldestAge = new Gauge({
            name: 'tripwire_queue_oldest_age_seconds',
            help: 'Age of the oldest delivery this node holds that is not finished yet (0 when none).',
            registers,
            collect() {
                this.set(ages.oldestAgeSeconds(options.clock.now(), options.isQueued));
            },
        });
        this.breakers = new Gauge({
            name: 'tripwire_breakers',
            help: 'Endpoint hosts by circuit breaker state, on this node.',
            labelNames: ['state'],
            registers,
            collect() {
                const b = sample()?.breakers;
                for (const state of BREAKER_STATES) this.set({state}, b?.[state] ?? 0);
            },
        });
        this.breakerTransitions = new Counter({
            name: 'tripwire_breaker_transitions_total',
            help: 'Circuit breaker state changes, by the state entered.',
            labelNames: ['state'],
            registers,
        });
        // Present from the start (at 0), so rate() and alerts see the first transition.
        for (const state of BREAKER_STATES) this.breakerTransitions.inc({state}, 0);
        this.hookSeconds = new Histogram({
            name: 'tripwire_hook_duration_seconds',
            help: 'How long the plugin took to handle a Mattermost hook, by hook.',
            labelNames: ['hook'],
            buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
            registers,
        });
        this.matchSeconds = new Histogram({
            name: 'tripwire_match_duration_seconds',
            help: "How long matching a post against its channel's rules took, by rule event.",
            labelNames: ['event'],
            buckets: [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05],
            registers,
        });
    }

    get contentType(): string {
        return this.registry.contentType;
    }

    /** The Prometheus text exposition of every Tripwire metric. */
    scrape(): Promise<string> {
        return this.registry.metrics();
    }

    deliveryLogged(entry: DeliveryLogEntry): void {
        // Previews and replies that came later are no deliveries of their own.
        if (entry.test || entry.async_reply || entry.reply_resumed) return;
        const rule = this.budget.rule(entry.rule_id);
        const endpoint = this.budget.endpoint(entry.rule_id, entry.endpoint_id);
        const labels = {rule_id: rule, endpoint_id: endpoint};
        if (ATTEMPT.has(entry.status)) this.attempts.inc({...labels, outcome: entry.status});
        if (FINAL.has(entry.status)) {
            this.deliveries.inc({...labels, outcome: entry.status});
            this.ages.finished(entry.delivery_id);
        }
        if (entry.status === 'retrying') {
            this.retries.inc(labels);
            this.ages.seen(entry.delivery_id, entry.at);
        }
        if (entry.latency_ms !== undefined) this.attemptSeconds.observe(labels, entry.latency_ms / 1000);
        if (entry.status === 'dropped') {
            const reason = entry.error_class ?? 'unknown';
            this.dropped.inc({rule_id: rule, reason});
            if (reason === 'rate_limited') this.rateLimited.inc({rule_id: rule, action: 'dropped'});
        }
    }

    deliveryQueued(ruleId: string, deliveryId: string, delayedMs: number): void {
        this.ages.seen(deliveryId, this.options.clock.now());
        if (delayedMs > 0) this.rateLimited.inc({rule_id: this.budget.rule(ruleId), action: 'delayed'});
    }

    breakerChanged(state: BreakerStateName): void {
        this.breakerTransitions.inc({state});
    }

    hookTook(hook: string, seconds: number): void {
        this.hookSeconds.observe({hook}, seconds);
    }

    matchTook(event: string, seconds: number): void {
        this.matchSeconds.observe({event}, seconds);
    }

    ruleDeleted(ruleId: string): void {
        const endpoints = this.budget.forget(ruleId);
        if (endpoints === undefined) return;
        const rule_id = ruleId;
        for (const endpoint_id of endpoints) {
            for (const outcome of deliveryStatuses) {
                this.deliveries.remove({rule_id, endpoint_id, outcome});
                this.attempts.remove({rule_id, endpoint_id, outcome});
            }
            this.retries.remove({rule_id, endpoint_id});
            this.attemptSeconds.remove({rule_id, endpoint_id});
        }
        for (const reason of [...deliveryErrorClasses, 'unknown']) this.dropped.remove({rule_id, reason});
        for (const action of RATE_ACTIONS) this.rateLimited.remove({rule_id, action});
    }

    /** The System Console's summary, read back from the counters and gauges a scrape shows. */
    async health(): Promise<HealthFigures> {
        const [deliveries, attempts, depth, oldest, breakers] = await Promise.all([
            this.deliveries.get(),
            this.attempts.get(),
            this.queueDepth.get(),
            this.oldestAge.get(),
            this.breakers.get(),
        ]);
        const rules = new Map<string, HealthFigures['rules'][number]>();
        for (const {labels, value} of deliveries.values) {
            const id = String(labels.rule_id);
            const row = rules.get(id) ?? {rule_id: id, failed: 0, succeeded: 0, dropped: 0};
            if (labels.outcome === 'failed' || labels.outcome === 'succeeded' || labels.outcome === 'dropped') row[labels.outcome] += value;
            rules.set(id, row);
        }
        const endpoints = new Map<string, HealthFigures['endpoints'][number]>();
        for (const {labels, value} of attempts.values) {
            const key = `${labels.rule_id}\u0000${labels.endpoint_id}`;
            const row = endpoints.get(key) ?? {rule_id: String(labels.rule_id), endpoint_id: String(labels.endpoint_id), failed: 0, retrying: 0, succeeded: 0};
            if (labels.outcome === 'failed' || labels.outcome === 'retrying' || labels.outcome === 'succeeded') row[labels.outcome] += value;
            endpoints.set(key, row);
        }
        const byState = (values: typeof depth.values, state: string) => values.find((v) => v.labels.state === state)?.value ?? 0;
        return {
            rules: [...rules.values()].sort((a, b) => b.failed - a.failed || b.dropped - a.dropped || a.rule_id.localeCompare(b.rule_id)),
            endpoints: [...endpoints.values()].sort((a, b) => b.failed + b.retrying - (a.failed + a.retrying) || a.rule_id.localeCompare(b.rule_id)),
            queue: {
                in_flight: byState(depth.values, 'in_flight'),
                scheduled: byState(depth.values, 'scheduled'),
                parked: byState(depth.values, 'parked'),
                oldest_age_seconds: oldest.values[0]?.value ?? 0,
            },
            breakers: {closed: byState(breakers.values, 'closed'), open: byState(breakers.values, 'open'), half_open: byState(breakers.values, 'half_open')},
        };
    }
}

export {OTHER};
