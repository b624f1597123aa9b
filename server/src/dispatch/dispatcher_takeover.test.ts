import type {KVStore} from '../ports';

import {keys} from './keys';
import type {OutboxRecord} from './outbox';
import {CountingKV} from './testing/counting_kv';
import {deliveryRequest, endpoint} from './testing/factories';
import {startHarness, type Harness, type HarnessOptions} from './testing/harness';
import {MemoryKV} from './testing/memory_kv';
import {reply, TestReceiver} from './testing/receiver';

/** The KV store as a process sees it; after kill() every call hangs, as for a kill -9'd plugin (no write ever lands). */
function killable(kv: MemoryKV): {kv: KVStore; kill: () => void} {
    let dead = false;
    const gate = <T>(call: () => Promise<T>): Promise<T> => (dead ? new Promise<T>(() => undefined) : call());
    return {
        kill: () => (dead = true),
        kv: {
            get: (k) => gate(() => kv.get(k)),
            set: (k, v) => gate(() => kv.set(k, v)),
            setWithOptions: (k, v, o) => gate(() => kv.setWithOptions(k, v, o)),
            delete: (k) => gate(() => kv.delete(k)),
            list: (p, n) => gate(() => kv.list(p, n)),
        },
    };
}

const recordOf = (kv: MemoryKV, id: string) => JSON.parse(Buffer.from(kv.peek(keys.pending(id))!).toString()) as OutboxRecord;

describe('Dispatcher after a crash', () => {
    let receiver: TestReceiver;
    const live: Harness[] = [];
    const start = async (o: HarnessOptions) => {
        const h = await startHarness(o);
        live.push(h);
        return h;
    };
    beforeEach(async () => {
        receiver = await TestReceiver.start();
        // The first request hangs: it is in flight when its node dies. Later ones succeed.
        receiver.handler = (req, res, i) => (i === 0 ? undefined : reply(200, {})(req, res, i));
    });
    afterEach(async () => {
        for (const h of live.splice(0)) await h.dispatcher.stop();
        await receiver.close();
    });

    /** Node `node-1` sends one delivery (lease: 5 s timeout + 1 s margin) and dies mid-attempt. */
    async function crashMidAttempt(kv: MemoryKV, options: HarnessOptions['options'] = {}) {
        const dying = killable(kv);
        const a = await startHarness({kv, dispatcherKv: dying.kv, nodeKey: 'node-1', options});
        const [submitted] = await a.dispatcher.submit(deliveryRequest([endpoint({url: receiver.url, timeout_ms: 5000})]));
        await receiver.waitFor(1);
        dying.kill();
        const record = recordOf(kv, submitted!.delivery_id);
        expect(record).toMatchObject({attempts: 0, begun: 1, lease: {owner: expect.stringMatching(/^node-1\./)}});
        return {submitted: submitted!, leaseUntil: record.lease!.until};
    }

    it('takes its dead incarnation’s leases over at once when the same node restarts; other nodes wait', async () => {
        const kv = new MemoryKV();
        const {submitted, leaseUntil} = await crashMidAttempt(kv);

        // Another node sees a live lease and a fresh heartbeat: it waits.
        await start({kv, nodeKey: 'node-2'});
        await new Promise((r) => setTimeout(r, 300));
        expect(receiver.requests).toHaveLength(1);

        const restarted = Date.now();
        const counting = new CountingKV(kv);
        counting.forbidList = 'a restart reads the pending index';
        const b = await start({kv, dispatcherKv: counting, nodeKey: 'node-1'});
        await receiver.waitFor(2, 2000);
        expect(Date.now() - restarted).toBeLessThan(1000);
        expect(Date.now()).toBeLessThan(leaseUntil - 3000);
        // Resent: same webhook-id, and the receiver can tell it is not the first attempt.
        expect(receiver.requests.map((r) => [r.headers['webhook-id'], r.headers['x-webhook-attempt']])).toEqual([
            [submitted.webhook_id, '1'],
            [submitted.webhook_id, '2'],
        ]);
        await b.drained();
        expect(receiver.requests).toHaveLength(2);
        expect((await b.dispatcher.log.list('rule1'))[0]).toMatchObject({status: 'succeeded', attempt: 2});
        expect(counting.counts.lists).toBe(0);
    });

    it('lets another node take the leases over once the dead node’s heartbeat lapses, before they expire', async () => {
        const kv = new MemoryKV();
        const node = {heartbeatMs: 50, lapseMs: 300};
        const {submitted, leaseUntil} = await crashMidAttempt(kv, {node});
        // The takeover reads the pending index: a listing of the KV store would fail here (and the sweep with it).
        const counting = new CountingKV(kv);
        counting.forbidList = 'a dead node is taken over from the pending index';
        const other = await start({kv, dispatcherKv: counting, nodeKey: 'node-2', options: {node}});
        await receiver.waitFor(2, 3000);
        expect(Date.now()).toBeLessThan(leaseUntil - 3000);
        expect(receiver.requests[1]!.headers).toMatchObject({'webhook-id': submitted.webhook_id, 'x-webhook-attempt': '2'});
        await other.drained();
        expect(counting.counts.lists).toBe(0);
    });
});
