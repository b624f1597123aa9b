import {defaultBreakerOptions, type BreakerOptions} from './circuit_breaker';
import {deliveryRequest, endpoint, facts, loopbackSettings, policy} from './testing/factories';
import {activeDeliveries, startHarness, type Harness} from './testing/harness';
import {reply, TestReceiver, type ReceiverHandler} from './testing/receiver';

/** The production breaker, its times scaled down 20×: the same rates and request counts, a minute becomes 3 s. */
const SCALE = 20;
const scaledBreaker: BreakerOptions = {
    ...defaultBreakerOptions,
    windowMs: defaultBreakerOptions.windowMs / SCALE,
    openMs: defaultBreakerOptions.openMs / SCALE,
    maxOpenMs: defaultBreakerOptions.maxOpenMs / SCALE,
};

/** A warming or flapping service: 503 to the first attempt of every webhook-id, 200 to the next. */
function failEveryFirstAttempt(): ReceiverHandler {
    const seen = new Set<string>();
    return (req, res, i) => {
        const id = String(req.headers['webhook-id']);
        const first = !seen.has(id);
        seen.add(id);
        reply(first ? 503 : 200, {})(req, res, i);
    };
}

describe('Dispatcher and the circuit breaker', () => {
    let receiver: TestReceiver;
    let h: Harness | undefined;
    beforeEach(async () => (receiver = await TestReceiver.start()));
    afterEach(async () => {
        await h?.dispatcher.stop();
        h = undefined;
        await receiver.close();
    });

    it('delivers everything to a host that fails every first attempt: the half-open probes are due retries', async () => {
        // Issue #15: with the old breaker (5 failures in a row open it; each probe a never-tried delivery that fails
        // and doubles the pause) 12 of 1,000 were delivered after 5 minutes. Here: 200 deliveries in two bursts,
        // with the production breaker scaled 20× faster; all must be delivered within 6 s of the last submit
        // (2 minutes, scaled), each with exactly two attempts. The old breaker fails this (still pending after 6 s).
        receiver.handler = failEveryFirstAttempt();
        h = await startHarness({options: {breaker: scaledBreaker}, settings: loopbackSettings({RateLimitPerMinute: 1_000_000})});
        const quick = policy({backoff_base_ms: 50, backoff_max_ms: 50, max_attempts: 10, rate_per_rule_per_minute: 1_000_000});
        for (let wave = 0; wave < 2; wave++) {
            const submits = [];
            for (let i = 0; i < 100; i++) {
                submits.push(h.dispatcher.submit(deliveryRequest([endpoint({url: receiver.url})], {policy: quick, facts: facts({event_id: `e${wave}-${i}`})})));
            }
            await Promise.all(submits);
            await new Promise((r) => setTimeout(r, 100));
        }
        const last = Date.now();

        await h.drained(120_000 / SCALE);
        const took = Date.now() - last;



        const attempts = new Map<string, string[]>();
        for (const req of receiver.requests) {
            const id = String(req.headers['webhook-id']);
            attempts.set(id, [...(attempts.get(id) ?? []), String(req.headers['x-webhook-attempt'])]);
        }
        expect(attempts.size).toBe(200);
        for (const sent of attempts.values()) expect(sent).toEqual(['1', '2']);
        const finished = h.kv.keys('dx_p_').map((k) => (JSON.parse(Buffer.from(h!.kv.peek(k)!).toString()) as {state: string}).state);
        expect(finished).toEqual(Array(200).fill('succeeded'));
        expect(took).toBeLessThan(120_000 / SCALE);
    }, 15_000);

    it('stops attempting a failing host while its breaker is open, without spending attempts', async () => {
        // Retries wait 0.999 of their 500 ms backoff, so all four failures are recorded before any retry is due.
        h = await startHarness({random: () => 0.999, options: {breaker: {windowMs: 10_000, minRequests: 2, failureRate: 1, consecutiveFailures: 100, openMs: 10_000, maxOpenMs: 10_000, halfOpenProbes: 1}}});
        // The four first attempts are answered together (503) once all four are in flight.
        const held: Array<() => void> = [];
        receiver.handler = (req, res, i) => {
            held.push(() => reply(503)(req, res, i));
            if (held.length === 4) for (const answer of held) answer();
            else if (held.length > 4) held[held.length - 1]!();
        };
        for (let i = 0; i < 4; i++) await h.dispatcher.submit(deliveryRequest([endpoint({url: receiver.url})], {facts: facts({event_id: `e${i}`}), policy: policy({backoff_base_ms: 500, backoff_max_ms: 500})}));
        // Once the four failed, the breaker opened and the retries park until the 10 s pause is over instead of
        // being sent.
        while (h.dispatcher.load.parked < 4) await new Promise((r) => setTimeout(r, 5));
        expect(receiver.requests).toHaveLength(4);
        const records = activeDeliveries(h.kv).map((k) => JSON.parse(Buffer.from(h!.kv.peek(k)!).toString()) as {attempts: number});
        expect(records.map((r) => r.attempts)).toEqual([1, 1, 1, 1]);
    });

    it('wakes deliveries parked on an open breaker as soon as a probe gets through', async () => {
        h = await startHarness({options: {breaker: {windowMs: 60_000, minRequests: 2, failureRate: 1, consecutiveFailures: 100, openMs: 1000, maxOpenMs: 8000, halfOpenProbes: 1}}});
        let fail = 2;
        receiver.handler = (req, res, i) => reply(fail-- > 0 ? 503 : 200, {})(req, res, i);
        const fastRetry = policy({backoff_base_ms: 10, backoff_max_ms: 10});
        for (const id of ['a', 'b']) await h.dispatcher.submit(deliveryRequest([endpoint({url: receiver.url})], {facts: facts({event_id: id}), policy: fastRetry}));
        // Both failures recorded (the breaker is open) before the next three come: they park, never tried.
        while (activeDeliveries(h.kv).some((k) => !Buffer.from(h!.kv.peek(k)!).toString().includes('"attempts":1'))) await new Promise((r) => setTimeout(r, 5));
        const opened = Date.now();
        for (const id of ['c', 'd', 'e']) await h.dispatcher.submit(deliveryRequest([endpoint({url: receiver.url})], {facts: facts({event_id: id}), policy: fastRetry}));
        await h.drained(5000);
        // One probe (a retry of a or b) after the 1 s pause; without the wake-up the rest would wait another second.
        expect(Date.now() - opened).toBeLessThan(1800);
        expect(receiver.requests).toHaveLength(7);
        expect(receiver.requests[2]!.headers['x-webhook-attempt']).toBe('2');
    });
});
