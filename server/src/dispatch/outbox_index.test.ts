import {OutboxIndex} from './outbox_index';
import {MemoryKV} from './testing/memory_kv';

/** A MemoryKV that counts the round trips the index makes. */
function countingKv() {
    const kv = new MemoryKV({now: () => 1_000_000});
    const calls = {get: 0, set: 0};
    const get = kv.get.bind(kv);
    const setWithOptions = kv.setWithOptions.bind(kv);
    kv.get = (key) => (calls.get++, get(key));
    kv.setWithOptions = (key, value, options) => (calls.set++, setWithOptions(key, value, options));
    return {kv, calls};
}

describe('OutboxIndex', () => {
    it('writes nothing for a delivery added and removed within one batch', async () => {
        const {kv, calls} = countingKv();
        const index = new OutboxIndex(kv, 5);
        const added = index.add('a');
        const removed = index.remove('a');
        expect(index.queued()).toEqual([]);
        await Promise.all([added, removed]);
        expect(calls).toEqual({get: 0, set: 0});
        expect(await index.ids()).toEqual([]);
    });

    it('lists an id once its batch is written, and drops it again with one more write', async () => {
        const {kv, calls} = countingKv();
        const index = new OutboxIndex(kv, 5);
        const added = index.add('a');
        expect(index.queued()).toEqual(['a']);
        await added;
        expect(await index.ids()).toEqual(['a']);
        const writes = calls.set;
        await index.remove('a');
        expect(calls.set).toBe(writes + 1);
        expect(await index.ids()).toEqual([]);
    });

    it('does not rewrite a shard a batch leaves unchanged', async () => {
        const {kv, calls} = countingKv();
        const index = new OutboxIndex(kv, 5);
        await index.add('a');
        const writes = calls.set;
        await index.add('a'); // already listed (e.g. a sweep re-indexing)
        await index.remove('never-added');
        expect(calls.set).toBe(writes);
        expect(await index.ids()).toEqual(['a']);
    });

    it("never trusts its own copy of a shard another node changed", async () => {
        const {kv} = countingKv();
        const [a, b] = [new OutboxIndex(kv, 5), new OutboxIndex(kv, 5)];
        await a.add('x');
        await b.remove('x');
        await a.add('x'); // a's copy still lists x: it must look again, not skip the write
        expect(await b.ids()).toEqual(['x']);
        await b.add('y'); // same shard or not, a's next write must keep b's y
        await a.remove('x');
        expect(await a.ids()).toEqual(['y']);
    });
});
