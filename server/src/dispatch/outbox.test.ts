import {keys} from './keys';
import {attemptNumber, OutboxStore, type OutboxRecord} from './outbox';
import {outboxRecord} from './testing/factories';
import {MemoryKV} from './testing/memory_kv';

const now = 1_000_000;

const record = (id: string, overrides: Partial<OutboxRecord> = {}) => outboxRecord(id, 'https://svc.example.com/', {created_at: now, next_attempt_at: now, ...overrides});

describe('OutboxStore', () => {
    let kv: MemoryKV;
    let store: OutboxStore;
    beforeEach(() => {
        let t = now;
        kv = new MemoryKV({now: () => t++});
        store = new OutboxStore(kv, {succeededSeconds: 60, failedSeconds: 600});
    });

    it('stores a delivery once: a second insert of the same id is refused', async () => {
        const first = await store.insert(record('a'));
        await first!.indexed;
        expect(await store.insert(record('a'))).toBeNull();
        expect(await store.pendingIds()).toEqual(['a']);
    });

    it('indexes pending deliveries as they are inserted and forgets finished ones', async () => {
        const inserted = await Promise.all(['a', 'b', 'c', 'd'].map((id) => store.insert(record(id))));
        await Promise.all(inserted.map((i) => i!.indexed));
        expect((await store.pendingIds()).sort()).toEqual(['a', 'b', 'c', 'd']);
        const claimed = (await store.claim('b', 'n', now, 1000))!;
        await store.finish(claimed.bytes, {...claimed.value, state: 'succeeded'});
        await store.flushIndex(); // removals gather; a sweep prunes what they have not removed yet
        expect((await store.pendingIds()).sort()).toEqual(['a', 'c', 'd']);
    });

    it('counts the attempt in the claim: a lease another owner never settled was an attempt that may have gone out', async () => {
        await store.insert(record('fresh'));
        expect((await store.claim('fresh', 'n1', now, 1000))!.value).toMatchObject({begun: 1, attempts: 0});
        // n1 died mid-attempt; its lease has run out (or n1 is known dead: takeOver), n2 resends it as attempt 2.
        expect(await store.claim('fresh', 'n2', now + 10, 1000)).toBeNull();
        const resent = (await store.claim('fresh', 'n2', now + 10, 1000, undefined, 'n1'))!.value;
        expect(resent).toMatchObject({begun: 2, attempts: 0, lease: {owner: 'n2'}});
        expect(attemptNumber(resent)).toBe(2);
        // A settled retry (lease released) is simply the next attempt; the owner's own lease is not a resend.
        await store.insert(record('retry', {attempts: 2, begun: 2, lease: null}));
        expect((await store.claim('retry', 'n1', now, 1000))!.value.begun).toBe(3);
        expect((await store.claim('retry', 'n1', now, 1000))!.value.begun).toBe(3);
    });

    it('indexes, once per store, the pending records an older version left unlisted; later starts never list', async () => {
        await kv.set(keys.pending('lost'), new TextEncoder().encode(JSON.stringify(record('lost'))));
        for (let i = 0; i < 1005; i++) await kv.set(`zz_other_${String(i).padStart(4, '0')}`, new Uint8Array([1]));
        expect(await store.pendingIds()).toEqual([]);
        await store.migrateIndex();
        expect(await store.pendingIds()).toEqual(['lost']);
        const list = jest.spyOn(kv, 'list');
        await new OutboxStore(kv, {succeededSeconds: 60, failedSeconds: 600}).migrateIndex();
        expect(list).not.toHaveBeenCalled();
    });

    it('keeps a finished delivery as long as its response_url lives', async () => {
        const claimed = (await store.claim('a', 'n', now, 1000, (await store.insert(record('a', {response_url: 'https://x/r/t'})))!.stored))!;
        await store.finish(claimed.bytes, {...claimed.value, state: 'succeeded'});
        kv.clockSkew(100_000); // past the 60 s retention, within the 1800 s response_url lifetime
        expect(await store.loadFinished('a')).not.toBeNull();
    });

    it('lets exactly one of two racing nodes claim a due delivery', async () => {
        await store.insert(record('a'));
        const [x, y] = await Promise.all([store.claim('a', 'node-x', now, 1000), store.claim('a', 'node-y', now, 1000)]);
        expect([x, y].filter(Boolean)).toHaveLength(1);
        expect((await store.load('a'))!.value.lease!.owner).toBe(x ? 'node-x' : 'node-y');
    });

    it('does not claim a delivery that is not due, or leased by another node until the lease expires', async () => {
        await store.insert(record('later', {next_attempt_at: now + 500}));
        expect(await store.claim('later', 'n', now, 1000)).toBeNull();
        await store.insert(record('leased', {lease: {owner: 'other', until: now + 100}}));
        expect(await store.claim('leased', 'n', now, 1000)).toBeNull();
        expect(await store.claim('leased', 'n', now + 101, 1000)).not.toBeNull();
    });

    it('re-reads when the bytes it was given are stale', async () => {
        const inserted = (await store.insert(record('a')))!.stored;
        await store.replace(inserted.bytes, {...inserted.value, attempts: 1});
        const claimed = await store.claim('a', 'n', now, 1000, inserted);
        expect(claimed?.value).toMatchObject({attempts: 1, lease: {owner: 'n'}});
    });

    it('finishes only with the current bytes, in place, in one write, with an expiry', async () => {
        const inserted = (await store.insert(record('a')))!.stored;
        const claimed = (await store.claim('a', 'n', now, 1000))!;
        expect(await store.finish(inserted.bytes, {...inserted.value, state: 'succeeded'})).toBe(false);
        const set = jest.spyOn(kv, 'setWithOptions');
        expect(await store.finish(claimed.bytes, {...claimed.value, state: 'succeeded'})).toBe(true);
        expect(set.mock.calls.map(([key]) => key)).toEqual([keys.pending('a')]);
        await store.flushIndex();
        expect(await store.pendingIds()).toEqual([]);
        expect((await store.loadFinished('a'))!.value).toMatchObject({state: 'succeeded', lease: null});
        expect(kv.keys('dx_').filter((k) => !k.startsWith('dx_pi_'))).toEqual(['dx_p_a']); // no copy under another key
        kv.clockSkew(61_000); // past the 60 s retention of a success
        expect(await store.loadFinished('a')).toBeNull();
        expect(await store.load('a')).toBeNull();
    });

    it('reads and requeues a delivery an older version finished under its own key', async () => {
        await kv.setWithOptions(keys.finished('old'), new TextEncoder().encode(JSON.stringify(record('old', {state: 'failed', attempts: 2}))), {expireInSeconds: 600});
        expect((await store.loadFinished('old'))!.value.state).toBe('failed');
        const again = await store.requeue('old', now + 10, 'n', 1000);
        expect(again?.value).toMatchObject({id: 'old', state: 'pending', attempts: 0});
        expect(kv.keys(keys.finished('old'))).toEqual([]);
        expect(await store.pendingIds()).toEqual(['old']);
    });

    it('requeues a finished delivery with its id and attempts from zero', async () => {
        const claimed = (await store.claim('a', 'n', now, 1000, (await store.insert(record('a')))!.stored))!;
        await store.finish(claimed.bytes, {...claimed.value, state: 'failed', attempts: 3});
        const again = await store.requeue('a', now + 10, 'n', 1000);
        expect(again?.value).toMatchObject({id: 'a', webhook_id: 'msg_a', state: 'pending', attempts: 0});
        expect(await store.loadFinished('a')).toBeNull();
        expect(await store.pendingIds()).toEqual(['a']);
        kv.clockSkew(700_000); // past the failed record's expiry: pending again, it no longer expires
        expect((await store.load('a'))?.value.state).toBe('pending');
    });
});
