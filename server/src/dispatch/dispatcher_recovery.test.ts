import {keys} from './keys';
import {OutboxStore, type OutboxRecord} from './outbox';
import {deliveryRequest, endpoint, facts, outboxRecord, policy, responseOptions} from './testing/factories';
import {activeDeliveries, startHarness, type Harness} from './testing/harness';
import {MemoryKV} from './testing/memory_kv';
import {reply, TestReceiver, type ReceiverHandler} from './testing/receiver';

/** Fails the first `failures` requests of each webhook-id with 503, then answers 200. */
function failFirst(failures: number): ReceiverHandler {
    const seen = new Map<string, number>();
    return (req, res, i) => {
        const id = String(req.headers['webhook-id']);
        const n = (seen.get(id) ?? 0) + 1;
        seen.set(id, n);
        reply(n > failures ? 200 : 503, {})(req, res, i);
    };
}

const byWebhookId = (r: TestReceiver) => {
    const groups = new Map<string, number>();
    for (const req of r.requests) groups.set(String(req.headers['webhook-id']), (groups.get(String(req.headers['webhook-id'])) ?? 0) + 1);
    return groups;
};

describe('Dispatcher across restarts and nodes', () => {
    let receiver: TestReceiver;
    const harnesses: Harness[] = [];
    const start = async (...args: Parameters<typeof startHarness>) => {
        const h = await startHarness(...args);
        harnesses.push(h);
        return h;
    };
    beforeEach(async () => (receiver = await TestReceiver.start()));
    afterEach(async () => {
        for (const h of harnesses.splice(0)) await h.dispatcher.stop();
        await receiver.close();
    });

    it('finishes every delivery after the plugin is stopped mid-retry and another instance starts', async () => {
        const kv = new MemoryKV();
        receiver.handler = failFirst(2);
        const a = await start({kv, nodeId: 'node-a'});
        const slow = policy({backoff_base_ms: 400, backoff_max_ms: 400});
        const submitted = [];
        for (let i = 0; i < 5; i++) submitted.push(...(await a.dispatcher.submit(deliveryRequest([endpoint({url: receiver.url})], {policy: slow, facts: facts({event_id: `e${i}`})}))));
        await receiver.waitFor(5);
        await a.dispatcher.stop();
        expect(activeDeliveries(kv)).toHaveLength(5);

        const b = await start({kv, nodeId: 'node-b'});
        await b.drained(5000);
        const groups = byWebhookId(receiver);
        expect([...groups.keys()].sort()).toEqual(submitted.map((s) => s.webhook_id).sort());
        for (const count of groups.values()) expect(count).toBe(3);
        for (const s of submitted) expect((await new OutboxStore(kv, {succeededSeconds: 60, failedSeconds: 60}).loadFinished(s.delivery_id))?.value.state).toBe('succeeded');
    });

    it('hands an attempt cut short by a stop to the next node, which resends it with the same webhook-id', async () => {
        const kv = new MemoryKV();
        receiver.handler = () => undefined; // hang: the first attempt is in flight when node A stops
        const a = await start({kv, nodeId: 'node-a', options: {stopGraceMs: 50}});
        const [submitted] = await a.dispatcher.submit(deliveryRequest([endpoint({url: receiver.url})]));
        await receiver.waitFor(1);
        await a.dispatcher.stop();
        const record = JSON.parse(Buffer.from((await kv.get(keys.pending(submitted!.delivery_id)))!).toString()) as OutboxRecord;
        expect(record).toMatchObject({lease: null, attempts: 0});

        receiver.handler = reply(200, {});
        const b = await start({kv, nodeId: 'node-b'});
        await b.drained();
        expect(receiver.requests.map((r) => r.headers['webhook-id'])).toEqual([submitted!.webhook_id, submitted!.webhook_id]);
    });

    it('lets only one of two nodes claim each attempt when both track the same deliveries', async () => {
        const kv = new MemoryKV();
        receiver.handler = failFirst(1);
        // Retries fall due (~1.4 s) just as node B's look at node A's first-attempt leases (1.5 s) comes round.
        const a = await start({kv, nodeId: 'node-a', random: () => 0.999});
        const b = await start({kv, nodeId: 'node-b', random: () => 0.999});
        const contested = policy({backoff_base_ms: 1400, backoff_max_ms: 1400});
        for (let i = 0; i < 10; i++) {
            await a.dispatcher.submit(deliveryRequest([endpoint({url: receiver.url, timeout_ms: 500})], {policy: contested, facts: facts({event_id: `e${i}`})}));
        }
        await b.dispatcher.sweep(); // B's own periodic sweep may have been first; either way it tracks all ten
        expect(b.dispatcher.load.scheduled).toBe(10);
        await Promise.all([a.drained(), b.drained()]);
        const groups = byWebhookId(receiver);
        expect(groups.size).toBe(10);
        for (const count of groups.values()) expect(count).toBe(2);
    });

    it('takes over a delivery whose owner died, once its lease expires', async () => {
        const kv = new MemoryKV();
        const store = new OutboxStore(kv, {succeededSeconds: 60, failedSeconds: 60});
        const now = Date.now();
        const orphan = outboxRecord('orphan1', receiver.url, {lease: {owner: 'dead-node', until: now + 300}, created_at: now});
        await (await store.insert(orphan))!.indexed;
        receiver.handler = reply(200, {});
        // The scheduler's timers and the clock are fake (I/O stays real): the lease runs out when the test says so.
        jest.useFakeTimers({now, doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask', 'hrtime', 'performance']});
        try {
            const b = await start({kv, nodeId: 'node-b'});
            expect(b.dispatcher.load).toEqual({inFlight: 0, scheduled: 1, parked: 0});
            await jest.advanceTimersByTimeAsync(299);
            expect([receiver.requests.length, b.dispatcher.load.inFlight]).toEqual([0, 0]);
            await jest.advanceTimersByTimeAsync(1);
            expect(b.dispatcher.load).toEqual({inFlight: 1, scheduled: 0, parked: 0});
            jest.useRealTimers();
            await b.drained();
            expect(receiver.requests).toHaveLength(1);
        } finally {
            jest.useRealTimers();
        }
    });

    it('fails a delivery found older than its maximum age without sending it', async () => {
        const kv = new MemoryKV();
        await new OutboxStore(kv, {succeededSeconds: 60, failedSeconds: 60}).insert(outboxRecord('old1', receiver.url, {created_at: Date.now() - 20_000, policy: policy({max_age_seconds: 10})}));
        const h = await start({kv});
        await h.drained();
        expect(receiver.requests).toHaveLength(0);
        expect((await h.dispatcher.log.list('rule1'))[0]).toMatchObject({status: 'failed', error_class: 'expired', attempt: 1});
    });

    it('replays one delivery with its webhook-id, and recovers every failed one since a time', async () => {
        const h = await start();
        receiver.handler = reply(404);
        const since = Date.now();
        const first = await h.dispatcher.submit(deliveryRequest([endpoint({url: receiver.url})], {facts: facts({event_id: 'a'})}));
        const second = await h.dispatcher.submit(deliveryRequest([endpoint({url: receiver.url})], {facts: facts({event_id: 'b'})}));
        await h.dispatcher.submit(deliveryRequest([endpoint({url: receiver.url})], {rule: {id: 'other', name: 'x', owner_id: 'o'}}));
        await h.drained();
        expect(receiver.requests).toHaveLength(3);

        receiver.handler = reply(200, {});
        expect(await h.dispatcher.recoverFailed('rule1', since)).toEqual({requeued: 2, hasMore: false});
        await h.drained();
        expect(receiver.requests.slice(3).map((r) => r.headers['webhook-id']).sort()).toEqual([first[0]!.webhook_id, second[0]!.webhook_id].sort());
        expect(await h.dispatcher.recoverFailed('rule1', since)).toEqual({requeued: 0, hasMore: false});

        expect(await h.dispatcher.replay(first[0]!.delivery_id)).toBe(true);
        await h.drained();
        expect(receiver.requests[receiver.requests.length - 1]!.headers['webhook-id']).toBe(first[0]!.webhook_id);
        expect(await h.dispatcher.replay('nosuchdelivery0000000000000')).toBe(false);
    });

    it('accepts late replies through the response_url, bound to the delivery and limited in uses', async () => {
        const h = await start();
        receiver.handler = reply(202);
        await h.dispatcher.submit(deliveryRequest([endpoint({url: receiver.url, payload: 'rich'})], {response: responseOptions({response_url_uses: 1})}));
        await h.drained();
        const url = JSON.parse(receiver.requests[0]!.body.toString()).response_url as string;
        expect(url).toMatch(/^https:\/\/chat\.example\.com\/plugins\/tripwire\/r\/[0-9a-z]{26}\.[0-9a-z]+\.[A-Za-z0-9_-]{43}$/);
        const token = url.split('/r/')[1]!;

        const body = Buffer.from(JSON.stringify({text: 'build finished'}));
        expect(await h.dispatcher.handleAsyncReply(token, 'application/json', body)).toEqual({ok: true, outcome: {kind: 'posted', posts: 1, ephemeral: 0, delayed: false}});
        expect(h.replies.at(-1)).toMatchObject({target: {channel_id: 'chan1', thread_root_id: 'post1'}, reply: {source: 'response_url', status: 200}});
        expect(await h.dispatcher.handleAsyncReply(token, 'application/json', body)).toEqual({ok: false, error: 'used_up'});
        const forged = token.slice(0, -2) + (token.endsWith('A') ? 'BB' : 'AA');
        expect(await h.dispatcher.handleAsyncReply(forged, 'application/json', body)).toEqual({ok: false, error: 'invalid'});
        expect((await h.dispatcher.log.list('rule1'))[0]).toMatchObject({async_reply: true, reply: {kind: 'posted'}});
    });

    it('keeps a healthy endpoint flowing while another one hangs', async () => {
        const hung = await TestReceiver.start({handler: () => undefined});
        try {
            receiver.handler = reply(200, {});
            const h = await start();
            // The hung endpoint's attempts cannot time out during the test: whatever the machine's speed, the healthy
            // endpoint's deliveries must all finish while the hung ones are still waiting.
            for (let i = 0; i < 20; i++) {
                await h.dispatcher.submit(deliveryRequest([endpoint({id: 'hung', url: hung.url, timeout_ms: 30_000, max_concurrency: 2})], {facts: facts({event_id: `h${i}`})}));
            }
            for (let i = 0; i < 20; i++) await h.dispatcher.submit(deliveryRequest([endpoint({id: 'ok', url: receiver.url})], {facts: facts({event_id: `o${i}`})}));
            while (activeDeliveries(h.kv).length > 20 || h.dispatcher.load.inFlight > 20) await new Promise((r) => setTimeout(r, 5));
            expect(receiver.requests).toHaveLength(20);
            expect(hung.requests).toHaveLength(2);
            expect(h.dispatcher.load.inFlight).toBe(20);
        } finally {
            await hung.close();
        }
    });

});
