import {FailedIndex} from './failed_index';
import {keys} from './keys';
import {OutboxIndex} from './outbox_index';
import {deliveryRequest, endpoint, facts, loopbackSettings, outboxRecord, policy, responseOptions} from './testing/factories';
import {startHarness, type Harness} from './testing/harness';
import {MemoryKV} from './testing/memory_kv';
import {reply, TestReceiver} from './testing/receiver';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const OTHER = {id: 'other', name: 'Other', owner_id: 'owner1'};
/** Every key of the store that names the rule (the ones written per delivery are checked separately). */
const keysOfRule = (kv: MemoryKV, ruleId: string) => kv.keys().filter((k) => k.endsWith(`_${ruleId}`));

describe('Dispatcher: a rule or an endpoint going away', () => {
    let receiver: TestReceiver;
    let h: Harness;
    beforeEach(async () => (receiver = await TestReceiver.start()));
    afterEach(async () => {
        await h?.dispatcher.stop();
        await receiver.close();
    });

    it('never sends the queued retries of a deleted rule, and removes every key the rule owns', async () => {
        h = await startHarness();
        receiver.handler = reply(503);
        const slow = policy({backoff_base_ms: 300, backoff_max_ms: 300});
        const mine = await h.dispatcher.submit(deliveryRequest([endpoint({url: receiver.url, payload: 'rich'})], {policy: slow, response: responseOptions({response_url_uses: 2})}));
        await h.dispatcher.submit(deliveryRequest([endpoint({url: receiver.url})], {rule: OTHER, policy: slow}));
        await receiver.waitFor(2);
        await h.dispatcher.secrets.setToken('rule1', 'tok-1');
        await h.dispatcher.log.flush();
        expect(h.kv.keys(keys.log('rule1'))).toHaveLength(1);

        await h.dispatcher.purgeRule('rule1');
        await sleep(900);
        await h.dispatcher.log.flush();

        const sentToRule1 = receiver.requests.filter((r) => r.headers['webhook-id'] === mine[0]!.webhook_id);
        expect(sentToRule1).toHaveLength(1);
        expect(h.kv.keys(keys.pending(mine[0]!.delivery_id))).toEqual([]);
        expect(h.kv.keys(keys.finished(mine[0]!.delivery_id))).toEqual([]);
        expect(keysOfRule(h.kv, 'rule1')).toEqual([keys.ruleGone('rule1')]);
        // The other rule is untouched: still retrying, its log still written.
        expect(receiver.requests.length - sentToRule1.length).toBeGreaterThan(1);
        expect(h.kv.keys(keys.log('other'))).toHaveLength(1);
    });

    it('writes nothing for an attempt that was in flight when its rule was deleted', async () => {
        h = await startHarness();
        let answer: (() => void) | undefined;
        receiver.handler = (req, res, i) => (answer = () => reply(200, {text: 'late'})(req, res, i));
        const [submitted] = await h.dispatcher.submit(deliveryRequest([endpoint({url: receiver.url})]));
        await receiver.waitFor(1);

        await h.dispatcher.purgeRule('rule1');
        answer!();
        await sleep(100);
        await h.dispatcher.log.flush();

        expect(h.replies).toEqual([]);
        expect(keysOfRule(h.kv, 'rule1')).toEqual([keys.ruleGone('rule1')]);
        expect(h.kv.keys(keys.finished(submitted!.delivery_id))).toEqual([]);
        expect(h.kv.keys('dx_p_')).toEqual([]);
    });

    it('drops, unsent, a delivery of a deleted rule that the cancel could not see (another node, not indexed yet)', async () => {
        const kv = new MemoryKV();
        h = await startHarness({kv});
        await h.dispatcher.purgeRule('rule1');
        // Written by another node after the purge looked at the index, and listed there only afterwards.
        await kv.set(keys.pending('lateone0000000000000000000'), Buffer.from(JSON.stringify(outboxRecord('lateone0000000000000000000', receiver.url))));
        await new OutboxIndex(kv).add('lateone0000000000000000000');
        await h.dispatcher.sweep();
        await h.drained();
        expect(receiver.requests).toEqual([]);
        expect(kv.keys('dx_p_')).toEqual([]);
    });

    it('drops log entries buffered for a rule deleted meanwhile, on any node', async () => {
        const kv = new MemoryKV();
        h = await startHarness({kv});
        const other = await startHarness({kv, nodeId: 'node-b'});
        try {
            await other.dispatcher.purgeRule('rule1');
            h.dispatcher.log.append({delivery_id: 'd', webhook_id: 'msg_d', rule_id: 'rule1', endpoint_id: 'main', event_type: 'post_created', post_id: 'p', at: 1, attempt: 1, status: 'failed'});
            await h.dispatcher.log.flush();
            expect(kv.keys(keys.log('rule1'))).toEqual([]);
        } finally {
            await other.dispatcher.stop();
        }
    });

    it('cancels the deliveries of a removed endpoint, logs them as cancelled, and keeps the rest going', async () => {
        h = await startHarness({settings: loopbackSettings({MaxAttempts: 50})}) // retries outlast the test;
        receiver.handler = reply(503);
        const slow = policy({backoff_base_ms: 300, backoff_max_ms: 300, max_attempts: 50});
        const parallel = await h.dispatcher.submit(
            deliveryRequest([endpoint({id: 'keep', url: `${receiver.url}/keep`}), endpoint({id: 'gone', url: `${receiver.url}/gone`})], {policy: slow}),
        );
        const failover = await h.dispatcher.submit(
            deliveryRequest([endpoint({id: 'keep', url: `${receiver.url}/keep`}), endpoint({id: 'gone', url: `${receiver.url}/gone`})], {
                policy: policy({...slow, fan_out: 'failover'}),
                facts: facts({event_id: 'e2'}),
            }),
        );
        await receiver.waitFor(4);

        expect(await h.dispatcher.cancelEndpoints('rule1', ['gone'])).toBe(1);
        const sentBefore = receiver.requests.filter((r) => r.url === '/gone').length;
        await sleep(900);
        await h.dispatcher.log.flush();

        // Attempts of one delivery go one after another, so at most one to /gone can be on its way when the cancel
        // lands (sent, not yet received); a delivery left running would have sent about three more in 900 ms.
        expect(receiver.requests.filter((r) => r.url === '/gone').length).toBeLessThanOrEqual(sentBefore + 1);
        expect(receiver.requests.filter((r) => r.url === '/keep').length).toBeGreaterThan(2);
        const gone = parallel.find((s) => s.endpoint_ids[0] === 'gone')!;
        expect(h.kv.keys(keys.pending(gone.delivery_id))).toEqual([]);
        const log = await h.dispatcher.log.list('rule1');
        expect(log.filter((e) => e.status === 'cancelled')).toEqual([expect.objectContaining({delivery_id: gone.delivery_id, endpoint_id: 'gone'})]);
        // The failover delivery goes on with the endpoint it has left.
        const trimmed = JSON.parse(Buffer.from(h.kv.peek(keys.pending(failover[0]!.delivery_id))!).toString()) as {endpoints: Array<{id: string}>};
        expect(trimmed.endpoints.map((e) => e.id)).toEqual(['keep']);
    });

    it('refuses a late reply into an archived or deleted channel without spending a use', async () => {
        let state: 'open' | 'archived' | 'gone' = 'archived';
        h = await startHarness({channelState: async () => state});
        receiver.handler = reply(202);
        await h.dispatcher.submit(deliveryRequest([endpoint({url: receiver.url, payload: 'rich'})], {response: responseOptions({response_url_uses: 1})}));
        await h.drained();
        const token = (JSON.parse(receiver.requests[0]!.body.toString()).response_url as string).split('/r/')[1]!;
        const body = Buffer.from(JSON.stringify({text: 'done'}));

        const posted = h.replies.length;
        expect(await h.dispatcher.handleAsyncReply(token, 'application/json', body)).toEqual({ok: false, error: 'channel_archived'});
        state = 'gone';
        expect(await h.dispatcher.handleAsyncReply(token, 'application/json', body)).toEqual({ok: false, error: 'not_found'});
        expect(h.replies).toHaveLength(posted);
        state = 'open';
        expect(await h.dispatcher.handleAsyncReply(token, 'application/json', body)).toMatchObject({ok: true});
    });

    it('refuses a late reply for a deleted rule', async () => {
        h = await startHarness();
        receiver.handler = reply(202);
        await h.dispatcher.submit(deliveryRequest([endpoint({url: receiver.url, payload: 'rich'})], {response: responseOptions({response_url_uses: 3})}));
        await h.drained();
        const token = (JSON.parse(receiver.requests[0]!.body.toString()).response_url as string).split('/r/')[1]!;
        await h.dispatcher.purgeRule('rule1');
        expect(await h.dispatcher.handleAsyncReply(token, 'application/json', Buffer.from('{"text":"x"}'))).toEqual({ok: false, error: 'not_found'});
    });
});

describe('Dispatcher: recover, a bounded page at a time', () => {
    let receiver: TestReceiver;
    let h: Harness;
    beforeEach(async () => (receiver = await TestReceiver.start()));
    afterEach(async () => {
        await h?.dispatcher.stop();
        await receiver.close();
    });

    it("pages through the rule's failed deliveries with a cursor, never listing the KV store", async () => {
        h = await startHarness();
        receiver.handler = reply(404);
        const since = Date.now();
        for (let i = 0; i < 5; i++) await h.dispatcher.submit(deliveryRequest([endpoint({url: receiver.url})], {facts: facts({event_id: `e${i}`})}));
        await h.dispatcher.submit(deliveryRequest([endpoint({url: receiver.url})], {rule: OTHER}));
        await h.drained();
        receiver.handler = reply(200, {});
        const list = jest.spyOn(h.kv, 'list');

        const first = await h.dispatcher.recoverFailed('rule1', since, Infinity, {limit: 2});
        expect(first).toEqual({requeued: 2, hasMore: true, nextCursor: expect.stringMatching(/^\d+\.[0-9a-z]+$/)});
        const second = await h.dispatcher.recoverFailed('rule1', since, Infinity, {limit: 2, cursor: first.nextCursor});
        expect(second).toMatchObject({requeued: 2, hasMore: true});
        const third = await h.dispatcher.recoverFailed('rule1', since, Infinity, {limit: 2, cursor: second.nextCursor});
        expect(third).toEqual({requeued: 1, hasMore: false});
        expect(list).not.toHaveBeenCalled();

        await h.drained();
        expect(receiver.requests).toHaveLength(6 + 5);
        // Sent again and succeeded: nothing left to recover; the other rule's failure was never touched.
        expect(await h.dispatcher.recoverFailed('rule1', since)).toEqual({requeued: 0, hasMore: false});
        expect(await h.dispatcher.recoverFailed('other', since)).toEqual({requeued: 1, hasMore: false});
    });

    it('keeps a bounded, expiring failed list per rule', async () => {
        const kv = new MemoryKV();
        const index = new FailedIndex(kv, 60, 3);
        for (let i = 0; i < 5; i++) await index.add('r', {id: `d${i}`, at: 100 + i});
        expect(await index.ids('r')).toEqual(['d2', 'd3', 'd4']);
        expect((await index.page('r', 0, Infinity, undefined, 2)).refs.map((r) => r.id)).toEqual(['d2', 'd3']);
        expect((await index.page('r', 104, Infinity, undefined, 2)).refs.map((r) => r.id)).toEqual(['d4']);
        kv.clockSkew(61_000);
        expect(await index.ids('r')).toEqual([]);
    });
});
