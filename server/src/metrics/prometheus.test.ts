import {type DeliveryLogEntry} from '@tripwire/common';

import {metricsHandler} from './serve';
import {PrometheusMetrics, type MetricsSample} from './prometheus';

const R1 = 'r1aaaaaaaaaaaaaaaaaaaaaaaa';
const R2 = 'r2aaaaaaaaaaaaaaaaaaaaaaaa';

function entry(over: Partial<DeliveryLogEntry>): DeliveryLogEntry {
    return {
        delivery_id: 'd1',
        webhook_id: 'msg_d1',
        rule_id: R1,
        endpoint_id: 'e1',
        event_type: 'posted',
        post_id: 'p1',
        at: 1000,
        attempt: 1,
        status: 'succeeded',
        ...over,
    };
}

/** The exposition as {series → value}, series written `name{a="x",b="y"}` with labels in the order prom-client prints. */
function parse(text: string): Map<string, number> {
    const out = new Map<string, number>();
    for (const line of text.split('\n')) {
        if (line === '' || line.startsWith('#')) continue;
        const m = /^(\S+(?:\{[^}]*\})?) (\S+)$/.exec(line);
        if (!m) throw new Error(`not an exposition line: ${line}`);
        out.set(m[1]!, Number(m[2]));
    }
    return out;
}

function world(sample?: MetricsSample) {
    let now = 10_000;
    const queued = new Set<string>();
    const metrics = new PrometheusMetrics({
        clock: {now: () => now},
        ...(sample && {sample: () => sample}),
        isQueued: (id) => queued.has(id),
        maxRules: 2,
        maxEndpoints: 3,
    });
    return {metrics, queued, advance: (ms: number) => (now += ms), scrape: async () => parse(await metrics.scrape())};
}

describe('PrometheusMetrics', () => {
    it('counts deliveries by rule, endpoint and outcome, attempts, retries and attempt latency', async () => {
        const {metrics, scrape} = world();
        metrics.deliveryLogged(entry({status: 'retrying', latency_ms: 40, error_class: 'http_status', http_status: 503}));
        metrics.deliveryLogged(entry({status: 'succeeded', attempt: 2, latency_ms: 300}));
        metrics.deliveryLogged(entry({delivery_id: 'd2', endpoint_id: 'e2', status: 'failed', latency_ms: 20000}));
        // Not deliveries of their own: a late reply through response_url, a resumed reply, a panel test.
        metrics.deliveryLogged(entry({async_reply: true}));
        metrics.deliveryLogged(entry({reply_resumed: true}));
        metrics.deliveryLogged(entry({test: true}));
        const s = await scrape();
        expect(s.get(`tripwire_deliveries_total{rule_id="${R1}",endpoint_id="e1",outcome="succeeded"}`)).toBe(1);
        expect(s.get(`tripwire_deliveries_total{rule_id="${R1}",endpoint_id="e2",outcome="failed"}`)).toBe(1);
        expect(s.has(`tripwire_deliveries_total{rule_id="${R1}",endpoint_id="e1",outcome="retrying"}`)).toBe(false);
        expect(s.get(`tripwire_delivery_attempts_total{rule_id="${R1}",endpoint_id="e1",outcome="retrying"}`)).toBe(1);
        expect(s.get(`tripwire_delivery_attempts_total{rule_id="${R1}",endpoint_id="e1",outcome="succeeded"}`)).toBe(1);
        expect(s.get(`tripwire_delivery_retries_total{rule_id="${R1}",endpoint_id="e1"}`)).toBe(1);
        expect(s.get(`tripwire_delivery_attempt_duration_seconds_count{rule_id="${R1}",endpoint_id="e1"}`)).toBe(2);
        expect(s.get(`tripwire_delivery_attempt_duration_seconds_sum{rule_id="${R1}",endpoint_id="e1"}`)).toBeCloseTo(0.34);
        expect(s.get(`tripwire_delivery_attempt_duration_seconds_bucket{le="0.05",rule_id="${R1}",endpoint_id="e1"}`)).toBe(1);
        expect(s.get(`tripwire_delivery_attempt_duration_seconds_bucket{le="0.5",rule_id="${R1}",endpoint_id="e1"}`)).toBe(2);
        expect(s.get(`tripwire_delivery_attempt_duration_seconds_bucket{le="10",rule_id="${R1}",endpoint_id="e2"}`)).toBe(0);
        expect(s.get(`tripwire_delivery_attempt_duration_seconds_bucket{le="+Inf",rule_id="${R1}",endpoint_id="e2"}`)).toBe(1);
    });

    it('counts drops by reason and rate limiting by action (dropped, or delayed to a later slot)', async () => {
        const {metrics, scrape} = world();
        metrics.deliveryLogged(entry({status: 'dropped', attempt: 0, error_class: 'rate_limited'}));
        metrics.deliveryQueued(R1, 'd3', 1500);
        metrics.deliveryQueued(R1, 'd4', 0);
        const s = await scrape();
        expect(s.get(`tripwire_deliveries_dropped_total{rule_id="${R1}",reason="rate_limited"}`)).toBe(1);
        expect(s.get(`tripwire_deliveries_total{rule_id="${R1}",endpoint_id="e1",outcome="dropped"}`)).toBe(1);
        expect(s.get(`tripwire_rate_limited_total{rule_id="${R1}",action="dropped"}`)).toBe(1);
        expect(s.get(`tripwire_rate_limited_total{rule_id="${R1}",action="delayed"}`)).toBe(1);
    });

    it('reads queue depth and breaker states at scrape time, and counts breaker transitions and durations', async () => {
        const sample: MetricsSample = {queue: {inFlight: 2, scheduled: 5, parked: 1}, breakers: {closed: 3, open: 1, half_open: 0}};
        const {metrics, scrape} = world(sample);
        metrics.breakerChanged('open');
        metrics.breakerChanged('half_open');
        metrics.breakerChanged('open');
        metrics.hookTook('MessageHasBeenPosted', 0.002);
        metrics.matchTook('posted', 0.00003);
        let s = await scrape();
        expect(s.get('tripwire_queue_depth{state="in_flight"}')).toBe(2);
        expect(s.get('tripwire_queue_depth{state="scheduled"}')).toBe(5);
        expect(s.get('tripwire_queue_depth{state="parked"}')).toBe(1);
        expect(s.get('tripwire_breakers{state="open"}')).toBe(1);
        expect(s.get('tripwire_breakers{state="closed"}')).toBe(3);
        expect(s.get('tripwire_breaker_transitions_total{state="open"}')).toBe(2);
        expect(s.get('tripwire_hook_duration_seconds_bucket{le="0.0025",hook="MessageHasBeenPosted"}')).toBe(1);
        expect(s.get('tripwire_hook_duration_seconds_bucket{le="0.001",hook="MessageHasBeenPosted"}')).toBe(0);
        expect(s.get('tripwire_match_duration_seconds_bucket{le="0.00005",event="posted"}')).toBe(1);
        sample.queue.scheduled = 0;
        s = await scrape();
        expect(s.get('tripwire_queue_depth{state="scheduled"}')).toBe(0);
    });

    it('gives the oldest unfinished delivery this node holds as the queue age', async () => {
        const {metrics, queued, advance, scrape} = world();
        expect((await scrape()).get('tripwire_queue_oldest_age_seconds')).toBe(0);
        metrics.deliveryQueued(R1, 'old', 0);
        queued.add('old');
        advance(4000);
        metrics.deliveryQueued(R1, 'new', 0);
        queued.add('new');
        advance(1000);
        expect((await scrape()).get('tripwire_queue_oldest_age_seconds')).toBe(5);
        // Taken over by another node: no longer counted here.
        queued.delete('old');
        expect((await scrape()).get('tripwire_queue_oldest_age_seconds')).toBe(1);
        queued.add('old');
        metrics.deliveryLogged(entry({delivery_id: 'old', status: 'failed'}));
        expect((await scrape()).get('tripwire_queue_oldest_age_seconds')).toBe(1);
        metrics.deliveryLogged(entry({delivery_id: 'new', status: 'succeeded'}));
        expect((await scrape()).get('tripwire_queue_oldest_age_seconds')).toBe(0);
    });

    it('bounds label values: rules and endpoints past the budget count as _other, a deleted rule frees its series', async () => {
        const {metrics, scrape} = world();
        metrics.deliveryLogged(entry({rule_id: R1, endpoint_id: 'a'}));
        metrics.deliveryLogged(entry({rule_id: R1, endpoint_id: 'b'}));
        metrics.deliveryLogged(entry({rule_id: R2, endpoint_id: 'c'}));
        metrics.deliveryLogged(entry({rule_id: R2, endpoint_id: 'd', status: 'dropped', error_class: 'rate_limited'})); // 4th pair: over
        metrics.deliveryLogged(entry({rule_id: 'r3', endpoint_id: 'x', status: 'failed'})); // 3rd rule: over
        let s = await scrape();
        expect(s.get(`tripwire_deliveries_total{rule_id="${R2}",endpoint_id="_other",outcome="dropped"}`)).toBe(1);
        expect(s.get('tripwire_deliveries_total{rule_id="_other",endpoint_id="_other",outcome="failed"}')).toBe(1);
        expect([...s.keys()].some((k) => k.includes('r3'))).toBe(false);

        metrics.ruleDeleted(R2);
        s = await scrape();
        expect([...s.keys()].filter((k) => k.includes(R2))).toEqual([]);
        expect(s.get(`tripwire_deliveries_total{rule_id="${R1}",endpoint_id="a",outcome="succeeded"}`)).toBe(1);
        // Its place is free again.
        metrics.deliveryLogged(entry({rule_id: 'r3', endpoint_id: 'x'}));
        expect((await scrape()).get('tripwire_deliveries_total{rule_id="r3",endpoint_id="x",outcome="succeeded"}')).toBe(1);
    });

    it('keeps each instance in a registry of its own', async () => {
        const a = world();
        const b = world();
        a.metrics.deliveryLogged(entry({}));
        expect((await b.scrape()).has(`tripwire_deliveries_total{rule_id="${R1}",endpoint_id="e1",outcome="succeeded"}`)).toBe(false);
    });

    it('summarises health from the same figures: most failing rules and endpoints first, queue and breakers', async () => {
        const {metrics, queued} = world({queue: {inFlight: 1, scheduled: 2, parked: 3}, breakers: {closed: 1, open: 2, half_open: 0}});
        metrics.deliveryLogged(entry({rule_id: R1, status: 'succeeded'}));
        metrics.deliveryLogged(entry({rule_id: R2, endpoint_id: 'x', status: 'retrying'}));
        metrics.deliveryLogged(entry({rule_id: R2, endpoint_id: 'x', status: 'failed'}));
        metrics.deliveryQueued(R1, 'q', 0);
        queued.add('q');
        const h = await metrics.health();
        expect(h.rules).toEqual([
            {rule_id: R2, failed: 1, succeeded: 0, dropped: 0},
            {rule_id: R1, failed: 0, succeeded: 1, dropped: 0},
        ]);
        expect(h.endpoints[0]).toEqual({rule_id: R2, endpoint_id: 'x', failed: 1, retrying: 1, succeeded: 0});
        expect(h.queue).toEqual({in_flight: 1, scheduled: 2, parked: 3, oldest_age_seconds: 0});
        expect(h.breakers).toEqual({closed: 1, open: 2, half_open: 0});
    });
});

describe('metricsHandler', () => {
    function call(method: string, scrape: () => Promise<string>) {
        const head: {status?: number; headers?: Record<string, string>; body?: string | undefined} = {};
        const res = {
            writeHead(status: number, headers: Record<string, string>) {
                head.status = status;
                head.headers = headers;
                return this;
            },
            end(body?: string) {
                head.body = body;
                return this;
            },
        };
        const errors: unknown[] = [];
        const done = metricsHandler({contentType: 'text/plain; version=0.0.4; charset=utf-8', scrape}, {error: (...a) => errors.push(a)})(
            {method} as never,
            res as never,
        );
        return done.then(() => ({...head, errors}));
    }

    it('answers GET with the exposition, HEAD without a body, other methods with 405, a failed scrape with 500', async () => {
        const ok = await call('GET', () => Promise.resolve('tripwire_x 1\n'));
        expect(ok).toMatchObject({status: 200, body: 'tripwire_x 1\n', headers: {'Content-Type': 'text/plain; version=0.0.4; charset=utf-8'}});
        expect(await call('HEAD', () => Promise.resolve('x'))).toMatchObject({status: 200, body: undefined});
        expect(await call('POST', () => Promise.resolve('x'))).toMatchObject({status: 405});
        const failed = await call('GET', () => Promise.reject(new Error('boom')));
        expect(failed).toMatchObject({status: 500, body: 'metrics unavailable\n'});
        expect(failed.errors).toHaveLength(1);
    });
});
