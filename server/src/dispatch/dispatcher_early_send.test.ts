import type {KVSetOptions, KVStore} from '../ports';
import {deliveryIdFor} from './ids';
import {keys} from './keys';
import {deliveryRequest, endpoint, facts, loopbackSettings, outboxRecord, policy} from './testing/factories';
import {startHarness, type Harness} from './testing/harness';
import {MemoryKV} from './testing/memory_kv';
import {TestReceiver} from './testing/receiver';

/**
 * Holds every new delivery record's insert (compare-and-set against "absent" of a dx_p_ key) until `release`, as a
 * slow round trip through Mattermost to its database would; `fail` makes those inserts reject instead.
 */
class SlowInsertKV implements KVStore {
    private held: Array<() => void> = [];
    fail = false;
    constructor(readonly inner: MemoryKV) {}
    get pendingInserts(): number {
        return this.held.length;
    }
    release(): void {
        for (const go of this.held.splice(0)) go();
    }
    get(key: string) {
        return this.inner.get(key);
    }
    set(key: string, value: Uint8Array) {
        return this.inner.set(key, value);
    }
    async setWithOptions(key: string, value: Uint8Array | null, options: KVSetOptions): Promise<boolean> {
        if (key.startsWith(keys.pendingPrefix) && options.atomic && options.oldValue === null) {
            if (this.fail) throw new Error('database unavailable');
            await new Promise<void>((resolve) => this.held.push(resolve));
        }
        return this.inner.setWithOptions(key, value, options);
    }
    delete(key: string) {
        return this.inner.delete(key);
    }
    list(page: number, perPage: number) {
        return this.inner.list(page, perPage);
    }
}

const until = async (what: string, ok: () => boolean, timeoutMs = 5000): Promise<void> => {
    const end = Date.now() + timeoutMs;
    while (!ok()) {
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 2));
    }
};

describe('Dispatcher: the first attempt goes out while its record is written', () => {
    let receiver: TestReceiver;
    let kv: SlowInsertKV;
    let h: Harness;
    const unlimited = policy({rate_per_rule_per_minute: 1_000_000});
    const request = (eventId: string) => deliveryRequest([endpoint({url: receiver.url})], {policy: unlimited, facts: facts({event_id: eventId})});
    const stored = (id: string) => {
        const bytes = kv.inner.peek(keys.pending(id));
        return bytes && (JSON.parse(Buffer.from(bytes).toString()) as {state: string; attempts: number; lease: unknown});
    };

    beforeEach(async () => {
        receiver = await TestReceiver.start();
        const memory = new MemoryKV();
        kv = new SlowInsertKV(memory);
        h = await startHarness({kv: memory, dispatcherKv: kv, settings: loopbackSettings({RateLimitPerMinute: 1_000_000})});
    });
    afterEach(async () => {
        kv.release();
        await h.dispatcher.stop();
        await receiver.close();
    });

    it('sends before the insert is durable, and records the outcome only once it is', async () => {
        const submitted = h.dispatcher.submit(request('e1'));
        // The receiver has the request while the record's insert is still held.
        await receiver.waitFor(1);
        expect(kv.pendingInserts).toBe(1);
        const id = deliveryIdFor('rule1', 'main', 'e1');
        expect(stored(id)).toBeNull();
        // The attempt is over, but nothing of it is written before the record exists.
        await new Promise((r) => setTimeout(r, 50));
        expect(stored(id)).toBeNull();
        kv.release();
        expect((await submitted)[0]).toMatchObject({status: 'queued'});
        await h.drained();
        expect(stored(id)).toMatchObject({state: 'succeeded', attempts: 1, lease: null});
        expect(receiver.requests).toHaveLength(1);
        expect(receiver.requests[0]!.headers['x-webhook-attempt']).toBe('1');
    });

    it('writes nothing back when the event turns out to be stored already (by another node)', async () => {
        const id = deliveryIdFor('rule1', 'main', 'e2');
        const theirs = Buffer.from(JSON.stringify(outboxRecord(id, receiver.url, {lease: {owner: 'other-node', until: Date.now() + 60_000}})));
        kv.inner.seed([[keys.pending(id), theirs]]);
        const submitted = h.dispatcher.submit(request('e2'));
        await receiver.waitFor(1);
        kv.release();
        expect((await submitted)[0]).toMatchObject({status: 'duplicate'});
        await until('the early attempt to end', () => h.dispatcher.load.inFlight === 0);
        // Their record is untouched: no finish, no lease taken, no log entry of ours.
        expect(Buffer.from(kv.inner.peek(keys.pending(id))!).equals(theirs)).toBe(true);
        expect(await h.dispatcher.log.list('rule1')).toEqual([]);
        expect(h.logger.lines.some((l) => l.level === 'warn' && l.fields?.delivery_id === id)).toBe(true);
    });

    it('never sends early an event this node submitted before: the second submit is a duplicate and sends nothing', async () => {
        kv.release();
        const first = h.dispatcher.submit(request('e3'));
        await until('the insert', () => kv.pendingInserts === 1);
        kv.release();
        await first;
        await h.drained();
        const again = h.dispatcher.submit(request('e3'));
        await until('the second insert', () => kv.pendingInserts === 1);
        // Held: had it gone out early, the receiver would have it now.
        await new Promise((r) => setTimeout(r, 50));
        expect(receiver.requests).toHaveLength(1);
        kv.release();
        expect((await again)[0]).toMatchObject({status: 'duplicate'});
        expect(receiver.requests).toHaveLength(1);
    });

    it('fails the submit when the insert fails, and writes nothing of the attempt', async () => {
        kv.fail = true;
        await expect(h.dispatcher.submit(request('e4'))).rejects.toThrow('database unavailable');
        await until('the early attempt to end', () => h.dispatcher.load.inFlight === 0);
        expect(stored(deliveryIdFor('rule1', 'main', 'e4'))).toBeNull();
        expect(await h.dispatcher.log.list('rule1')).toEqual([]);
    });
});
