import {Webhook} from 'standardwebhooks';

import {parseSettings} from '../config/settings';

import {keys} from './keys';
import {generateSecret} from './signing';
import {deliveryRequest, endpoint, facts, policy, responseOptions} from './testing/factories';
import {activeDeliveries, startHarness, type Harness} from './testing/harness';
import {reply, TestReceiver, type ReceiverHandler} from './testing/receiver';

/** Answers with each handler in turn, then keeps using the last. */
const sequence =
    (...handlers: ReceiverHandler[]): ReceiverHandler =>
    (req, res, i) =>
        handlers[Math.min(i, handlers.length - 1)]!(req, res, i);

describe('Dispatcher', () => {
    let receiver: TestReceiver;
    let h: Harness;
    beforeEach(async () => {
        receiver = await TestReceiver.start();
        h = await startHarness();
    });
    afterEach(async () => {
        await h.dispatcher.stop();
        await receiver.close();
    });

    it('delivers a signed native payload, hands the reply on and logs it redacted', async () => {
        const secret = generateSecret();
        await h.dispatcher.secrets.setSigningSecret('rule1', 'main', secret);
        await h.dispatcher.secrets.setToken('rule1', 'native-token-123');
        receiver.handler = reply(200, {text: 'done', response_type: 'comment'});

        const [submitted] = await h.dispatcher.submit(deliveryRequest([endpoint({url: `${receiver.url}/hook`, headers: {'X-Api-Key': 'key-abc-987'}})]));
        expect(submitted).toMatchObject({status: 'queued', webhook_id: `msg_${submitted!.delivery_id}`});
        await h.drained();

        const [got] = receiver.requests;
        expect(new Webhook(secret).verify(got!.body.toString(), got!.headers as Record<string, string>)).toMatchObject({token: 'native-token-123', text: 'deploy api to prod'});
        expect(got!.headers).toMatchObject({'webhook-id': submitted!.webhook_id, 'user-agent': 'Mattermost-Bot/1.1', 'x-api-key': 'key-abc-987', 'x-webhook-attempt': '1'});

        expect(h.replies).toHaveLength(1);
        expect(h.replies[0]!.target).toMatchObject({rule_id: 'rule1', channel_id: 'chan1', trigger_post_id: 'post1', thread_root_id: 'post1', user_id: 'user1'});
        expect(h.replies[0]!.reply).toMatchObject({status: 200, source: 'response'});
        expect(JSON.parse(Buffer.from(h.replies[0]!.reply.body).toString())).toEqual({text: 'done', response_type: 'comment'});

        const [entry] = await h.dispatcher.log.list('rule1');
        expect(entry).toMatchObject({status: 'succeeded', http_status: 200, attempt: 1, reply: {kind: 'posted'}});
        const logged = JSON.stringify(entry);
        for (const secretValue of ['native-token-123', 'key-abc-987', got!.headers['webhook-signature'] as string]) expect(logged).not.toContain(secretValue);
        expect(entry!.request!.headers['x-api-key']).toBe('[redacted]');
        expect(h.logger.lines.map((l) => JSON.stringify(l)).join('\n')).not.toContain('native-token-123');
    });

    it('retries 503s with the same webhook-id, each attempt freshly signed', async () => {
        const secret = generateSecret();
        await h.dispatcher.secrets.setSigningSecret('rule1', 'main', secret);
        receiver.handler = sequence(reply(503), reply(500, 'oops'), reply(200, {}));
        await h.dispatcher.submit(deliveryRequest([endpoint({url: receiver.url})]));
        await h.drained();

        expect(receiver.requests).toHaveLength(3);
        expect(new Set(receiver.requests.map((r) => r.headers['webhook-id'])).size).toBe(1);
        expect(receiver.requests.map((r) => r.headers['x-webhook-attempt'])).toEqual(['1', '2', '3']);
        for (const r of receiver.requests) expect(() => new Webhook(secret).verify(r.body.toString(), r.headers as Record<string, string>)).not.toThrow();
        const log = await h.dispatcher.log.list('rule1');
        expect(log.map((e) => [e.attempt, e.status, e.http_status])).toEqual([
            [3, 'succeeded', 200],
            [2, 'retrying', 500],
            [1, 'retrying', 503],
        ]);
        expect(await h.dispatcher.log.stats('rule1')).toMatchObject({deliveries: 1, succeeded: 1, success_rate: 1});
    });

    it('gives up after max attempts', async () => {
        receiver.handler = reply(502);
        await h.dispatcher.submit(deliveryRequest([endpoint({url: receiver.url})], {policy: policy({max_attempts: 3, backoff_base_ms: 10})}));
        await h.drained();
        expect(receiver.requests).toHaveLength(3);
        expect((await h.dispatcher.log.list('rule1'))[0]).toMatchObject({status: 'failed', error: expect.stringMatching(/gave up after 3 attempts/)});
        expect(await h.dispatcher.log.stats('rule1')).toMatchObject({failed: 1, success_rate: 0});
    });

    it('fails a 4xx at once and passes no reply unless the rule accepts any status', async () => {
        receiver.handler = reply(404, {text: 'not here'});
        await h.dispatcher.submit(deliveryRequest([endpoint({url: receiver.url})]));
        await h.drained();
        expect(receiver.requests).toHaveLength(1);
        expect(h.replies).toHaveLength(0);

        await h.dispatcher.submit(deliveryRequest([endpoint({url: receiver.url})], {facts: facts({event_id: 'e2'}), response: responseOptions({accept_any_status: true})}));
        await h.drained();
        expect(h.replies.map((r) => r.reply.status)).toEqual([404]);
    });

    it('disables the endpoint on 410 and tells the owner', async () => {
        receiver.handler = reply(410);
        await h.dispatcher.submit(deliveryRequest([endpoint({url: `${receiver.url}/gone?token=abc123456`})]));
        await h.drained();
        expect(receiver.requests).toHaveLength(1);
        expect(h.disabled).toEqual([['rule1', 'main']]);
        expect(h.notices.disabled).toEqual([{ownerId: 'owner1', ruleName: 'Deploys', endpointId: 'main', url: `${receiver.url}/gone?token=%5Bredacted%5D`}]);
        expect((await h.dispatcher.log.list('rule1'))[0]).toMatchObject({status: 'failed', error_class: 'endpoint_gone'});
    });

    it('stops retrying when the receiver says webhook-delivery: abort-message', async () => {
        receiver.handler = reply(503, undefined, {'webhook-delivery': 'abort-message'});
        await h.dispatcher.submit(deliveryRequest([endpoint({url: receiver.url})]));
        await h.drained();
        expect(receiver.requests).toHaveLength(1);
        expect((await h.dispatcher.log.list('rule1'))[0]).toMatchObject({status: 'failed', error_class: 'receiver_abort'});
    });

    it('waits as long as Retry-After says', async () => {
        receiver.handler = sequence(reply(429, undefined, {'retry-after': '1'}), reply(200, {}));
        await h.dispatcher.submit(deliveryRequest([endpoint({url: receiver.url})]));
        await h.drained(4000);
        const gapMs = receiver.requests[1]!.arrivedAt - receiver.requests[0]!.arrivedAt;
        expect(gapMs).toBeGreaterThanOrEqual(950);
    });

    it('fans out in parallel: one delivery per endpoint, each with its own reply', async () => {
        const other = await TestReceiver.start({handler: reply(200, {text: 'b'})});
        try {
            receiver.handler = reply(200, {text: 'a'});
            const submitted = await h.dispatcher.submit(deliveryRequest([endpoint({id: 'a', url: receiver.url}), endpoint({id: 'b', url: other.url}), endpoint({id: 'off', url: other.url, enabled: false})]));
            await h.drained();
            expect(submitted.map((s) => s.endpoint_ids)).toEqual([['a'], ['b']]);
            expect(new Set(submitted.map((s) => s.webhook_id)).size).toBe(2);
            expect([receiver.requests.length, other.requests.length]).toEqual([1, 1]);
            expect(h.replies).toHaveLength(2);
        } finally {
            await other.close();
        }
    });

    it('fails over to the next endpoint in the same attempt', async () => {
        receiver.handler = reply(200, {text: 'from backup'});
        const down = 'http://127.0.0.1:9/';
        const submitted = await h.dispatcher.submit(
            deliveryRequest([endpoint({id: 'primary', url: down}), endpoint({id: 'backup', url: receiver.url})], {policy: policy({fan_out: 'failover'})}),
        );
        await h.drained();
        expect(submitted).toHaveLength(1);
        expect(receiver.requests).toHaveLength(1);
        expect(receiver.requests[0]!.headers['webhook-id']).toBe(submitted[0]!.webhook_id);
        const log = await h.dispatcher.log.list('rule1');
        expect(log.map((e) => [e.endpoint_id, e.status, e.error_class])).toEqual([
            ['backup', 'succeeded', undefined],
            ['primary', 'retrying', 'connection_refused'],
        ]);
        expect(h.replies).toHaveLength(1);
    });

    it('disables a 410 endpoint even when failover then succeeds', async () => {
        const gone = await TestReceiver.start({handler: reply(410)});
        try {
            receiver.handler = reply(200, {});
            await h.dispatcher.submit(deliveryRequest([endpoint({id: 'old', url: gone.url}), endpoint({id: 'new', url: receiver.url})], {policy: policy({fan_out: 'failover'})}));
            await h.drained();
            expect(h.disabled).toEqual([['rule1', 'old']]);
            expect(receiver.requests).toHaveLength(1);
        } finally {
            await gone.close();
        }
    });

    it('treats a repeated event as the same delivery', async () => {
        receiver.handler = reply(200, {});
        const req = deliveryRequest([endpoint({url: receiver.url})]);
        const [first, second] = await Promise.all([h.dispatcher.submit(req), h.dispatcher.submit(req)]);
        await h.drained();
        expect([first![0]!.status, second![0]!.status].sort()).toEqual(['duplicate', 'queued']);
        expect(receiver.requests).toHaveLength(1);
    });

    it('refuses a private address that no admin allowed, without connecting', async () => {
        await h.dispatcher.stop();
        h = await startHarness({settings: parseSettings({})});
        await h.dispatcher.submit(deliveryRequest([endpoint({url: receiver.url})]));
        await h.drained();
        expect(receiver.requests).toHaveLength(0);
        expect((await h.dispatcher.log.list('rule1'))[0]).toMatchObject({status: 'failed', error_class: 'ssrf_blocked'});
    });

    it("honours Mattermost's AllowedUntrustedInternalConnections", async () => {
        await h.dispatcher.stop();
        h = await startHarness({settings: parseSettings({}), server: {allowedUntrustedInternalConnections: ['127.0.0.0/8']}});
        receiver.handler = reply(200, {});
        await h.dispatcher.submit(deliveryRequest([endpoint({url: receiver.url})]));
        await h.drained();
        expect(receiver.requests).toHaveLength(1);
    });

    it('hands on a garbage or oversized reply as it is, and logs what the ReplySink made of it', async () => {
        await h.dispatcher.stop();
        h = await startHarness({onReply: async (_t, r) => ({kind: 'invalid', reason: r.truncated ? 'the reply is larger than 1 MiB' : 'the reply is not JSON'})});
        let n = 0;
        receiver.handler = (_req, res) => {
            res.writeHead(200, {'content-type': 'text/html'});
            res.end(n++ === 0 ? '<html>garbage</html>' : Buffer.alloc(2 << 20, '{'));
        };
        await h.dispatcher.submit(deliveryRequest([endpoint({url: receiver.url})], {facts: facts({event_id: 'g'})}));
        await h.dispatcher.submit(deliveryRequest([endpoint({url: receiver.url})], {facts: facts({event_id: 'big'})}));
        await h.drained();
        const log = await h.dispatcher.log.list('rule1');
        expect(log.map((e) => [e.status, e.reply?.kind, e.response?.truncated]).sort()).toEqual([
            ['succeeded', 'invalid', false],
            ['succeeded', 'invalid', true],
        ]);
        const big = log.find((e) => e.response!.truncated)!;
        expect(big.reply).toEqual({kind: 'invalid', reason: 'the reply is larger than 1 MiB'});
        expect(big.response!.body.length).toBe(2048);
    });

    it('gives a response_url only to payloads that can carry it', async () => {
        receiver.handler = reply(200, {});
        const endpoints = [
            endpoint({id: 'native', url: receiver.url}),
            endpoint({id: 'rich', url: receiver.url, payload: 'rich'}),
            endpoint({id: 'hdr', url: receiver.url, headers: {'X-Reply-To': '{{delivery.response_url}}'}}),
        ];
        const submitted = await h.dispatcher.submit(deliveryRequest(endpoints));
        await h.drained();
        expect(receiver.requests).toHaveLength(3);
        const issued = submitted.map((d) => {
            const finished = JSON.parse(Buffer.from(h.kv.peek(keys.pending(d.delivery_id))!).toString()) as {response_url: string};
            return [d.endpoint_ids[0], finished.response_url.includes('/plugins/tripwire/r/')];
        });
        expect(issued).toEqual([
            ['native', false],
            ['rich', true],
            ['hdr', true],
        ]);
        const hdr = receiver.requests.find((r) => r.headers['x-reply-to']);
        expect(hdr!.headers['x-reply-to']).toMatch(/^https:\/\/chat\.example\.com\/plugins\/tripwire\/r\//);
    });

    it('fails a template that cannot render without retrying', async () => {
        await h.dispatcher.submit(deliveryRequest([endpoint({url: receiver.url, payload: 'template', body_template: '{"x": {{post.message}}}'})]));
        await h.drained();
        expect(receiver.requests).toHaveLength(0);
        expect((await h.dispatcher.log.list('rule1'))[0]).toMatchObject({status: 'failed', error_class: 'invalid_request'});
    });

    it('drops over the rate limit with a notice to the user, or queues when the rule says so', async () => {
        receiver.handler = reply(200, {});
        const drop = policy({rate_per_rule_per_minute: 2, rate_overflow: 'drop'});
        const results = [];
        for (const id of ['e1', 'e2', 'e3']) results.push(...(await h.dispatcher.submit(deliveryRequest([endpoint({url: receiver.url})], {policy: drop, facts: facts({event_id: id})}))));
        expect(results.map((r) => r.status)).toEqual(['queued', 'queued', 'dropped']);
        expect(h.notices.dropped).toEqual([{userId: 'user1', channelId: 'chan1', rootId: '', ruleName: 'Deploys', retryInMs: expect.any(Number)}]);

        const queue = policy({rate_per_user_per_minute: 1, rate_overflow: 'queue'});
        const [a] = await h.dispatcher.submit(deliveryRequest([endpoint({url: receiver.url})], {rule: {id: 'rule2', name: 'Q', owner_id: 'o'}, policy: queue, facts: facts({event_id: 'q1'})}));
        const [b] = await h.dispatcher.submit(deliveryRequest([endpoint({url: receiver.url})], {rule: {id: 'rule2', name: 'Q', owner_id: 'o'}, policy: queue, facts: facts({event_id: 'q2'})}));
        expect([a!.status, a!.delay_ms]).toEqual(['queued', 0]);
        expect(b!.status).toBe('queued');
        expect(b!.delay_ms).toBeGreaterThan(59_000);
        await receiver.waitFor(3);
        await new Promise((r) => setTimeout(r, 100));
        expect(receiver.requests).toHaveLength(3);
        expect(activeDeliveries(h.kv)).toEqual([`dx_p_${b!.delivery_id}`]);
        const log = await h.dispatcher.log.list('rule1');
        expect(log.map((e) => e.status).sort()).toEqual(['dropped', 'succeeded', 'succeeded']);
        expect(log.find((e) => e.status === 'dropped')).toMatchObject({error_class: 'rate_limited', attempt: 0});
    });
});
