import {type Settings} from '../config/settings';

import {deliveryRequest, endpoint, facts, loopbackSettings, policy} from './testing/factories';
import {startHarness, type Harness} from './testing/harness';
import {reply, TestReceiver} from './testing/receiver';

/** Resolves once the first attempt failed and its retry is scheduled. */
async function retrying(h: Harness): Promise<void> {
    const until = Date.now() + 3000;
    while (!(await h.dispatcher.log.list('rule1')).some((e) => e.status === 'retrying')) {
        if (Date.now() > until) throw new Error('no retry scheduled');
        await h.dispatcher.log.flush();
        await new Promise((r) => setTimeout(r, 5));
    }
}

/** Delivery-time guardrails: a rule's own settings never beat the system admin's, even ones lowered after queueing. */
describe('Dispatcher guardrails', () => {
    let receiver: TestReceiver;
    let h: Harness;
    let settings: Settings;
    beforeEach(async () => {
        receiver = await TestReceiver.start();
        settings = loopbackSettings();
        // Full jitter at its longest: retries wait exactly backoff_max_ms, so a test can change settings in between.
        h = await startHarness({settings: () => settings, random: () => 1});
    });
    afterEach(async () => {
        await h.dispatcher.stop();
        await receiver.close();
    });

    it("holds a rule's own rate to RateLimitPerMinute", async () => {
        settings = loopbackSettings({RateLimitPerMinute: 2});
        const generous = policy({rate_per_rule_per_minute: 1_000_000, rate_overflow: 'drop'});
        const results = [];
        for (const id of ['e1', 'e2', 'e3']) results.push(...(await h.dispatcher.submit(deliveryRequest([endpoint({url: receiver.url})], {policy: generous, facts: facts({event_id: id})}))));
        expect(results.map((r) => r.status)).toEqual(['queued', 'queued', 'dropped']);
        await h.drained();
    });

    it("holds a rule's per-user rate to RateLimitPerMinute", async () => {
        settings = loopbackSettings({RateLimitPerMinute: 1});
        const perUser = policy({rate_per_user_per_minute: 500, rate_overflow: 'drop'});
        const results = [];
        for (const id of ['e1', 'e2']) results.push(...(await h.dispatcher.submit(deliveryRequest([endpoint({url: receiver.url})], {policy: perUser, facts: facts({event_id: id})}))));
        expect(results.map((r) => r.status)).toEqual(['queued', 'dropped']);
        await h.drained();
    });

    it("caps a rule's max_attempts at MaxAttempts when the delivery is accepted", async () => {
        settings = loopbackSettings({MaxAttempts: 2});
        receiver.handler = reply(503);
        await h.dispatcher.submit(deliveryRequest([endpoint({url: receiver.url})], {policy: policy({max_attempts: 40, backoff_base_ms: 10, backoff_max_ms: 20})}));
        await h.drained();
        expect(receiver.requests).toHaveLength(2);
        expect((await h.dispatcher.log.list('rule1'))[0]).toMatchObject({status: 'failed', error: expect.stringMatching(/gave up after 2 attempts/)});
    });

    it('stops a queued delivery once MaxAttempts is lowered below what it spent', async () => {
        receiver.handler = reply(503);
        // The retry waits a second: long enough to lower the guardrail in between.
        await h.dispatcher.submit(deliveryRequest([endpoint({url: receiver.url})], {policy: policy({max_attempts: 10, backoff_base_ms: 1000, backoff_max_ms: 1000})}));
        await retrying(h);
        settings = loopbackSettings({MaxAttempts: 1});
        await h.drained(5000);
        expect(receiver.requests).toHaveLength(1);
        const [last] = await h.dispatcher.log.list('rule1');
        expect(last).toMatchObject({status: 'failed', error: expect.stringMatching(/system admin's limit is 1/)});
    });

    it("holds an endpoint's timeout to MaxEndpointTimeoutMs", async () => {
        settings = loopbackSettings({MaxEndpointTimeoutMs: 500});
        receiver.handler = (_req, res) => void setTimeout(() => res.end('late'), 1500);
        await h.dispatcher.submit(deliveryRequest([endpoint({url: receiver.url, timeout_ms: 10_000})], {policy: policy({max_attempts: 1})}));
        await h.drained(5000);
        expect((await h.dispatcher.log.list('rule1'))[0]).toMatchObject({status: 'failed', error_class: 'timeout'});
    });

    it("holds an endpoint's concurrency to MaxEndpointConcurrency", async () => {
        settings = loopbackSettings({MaxEndpointConcurrency: 1});
        let open = 0;
        let most = 0;
        receiver.handler = (_req, res) => {
            most = Math.max(most, ++open);
            setTimeout(() => {
                open--;
                res.end();
            }, 50);
        };
        const ep = endpoint({url: receiver.url, max_concurrency: 8});
        await Promise.all(['e1', 'e2', 'e3'].map((id) => h.dispatcher.submit(deliveryRequest([ep], {facts: facts({event_id: id})}))));
        await h.drained();
        expect(receiver.requests).toHaveLength(3);
        expect(most).toBe(1);
    });

    it('gives up a queued delivery older than a lowered MaxDeliveryAgeSeconds', async () => {
        let now = Date.now();
        await h.dispatcher.stop();
        h = await startHarness({settings: () => settings, clock: {now: () => now}, random: () => 1});
        receiver.handler = reply(503);
        await h.dispatcher.submit(deliveryRequest([endpoint({url: receiver.url})], {policy: policy({max_age_seconds: 86_400, backoff_base_ms: 1000, backoff_max_ms: 1000})}));
        await retrying(h);
        settings = loopbackSettings({MaxDeliveryAgeSeconds: 10});
        now += 60_000;
        await h.drained(5000);
        expect(receiver.requests).toHaveLength(1);
        expect((await h.dispatcher.log.list('rule1'))[0]).toMatchObject({status: 'failed', error_class: 'expired'});
    });
});
