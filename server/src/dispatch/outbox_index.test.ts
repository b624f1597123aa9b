import {OutboxIndex, shardOf} from './outbox_index';
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

/** `n` ids that share a shard with `id`. */
function sameShard(id: string, n: number): string[] {
    const out: string[] = [];
    for (let i = 0; out.length < n; i++) if (shardOf(`x${i}`) === shardOf(id)) out.push(`x${i}`);
    return out;
}

describe('OutboxIndex', () => {
    it('writes an add at once, and lets adds that come during a write share the next one', async () => {
        const {kv, calls} = countingKv();
        const index = new OutboxIndex(kv, 60_000);
        const first = index.add('a');
        expect(calls.set + calls.get).toBe(1); // the write (a read first: nothing known of the shard yet) has begun
        const same = sameShard('a', 3);
        const rest = same.map((id) => index.add(id));
        expect(index.queued().sort()).toEqual([...same].sort());
        await Promise.all([first, ...rest]);
        expect(calls.set).toBe(2);
        expect((await index.ids()).sort()).toEqual(['a', ...same].sort());
    });

    it('cancels an add still waiting for its write when its remove comes: no write for it', async () => {
        const {kv, calls} = countingKv();
        const index = new OutboxIndex(kv, 60_000);
        const [b] = sameShard('a', 1);
        const first = index.add('a');
        const added = index.add(b!);
        const removed = index.remove(b!);
        expect(index.queued()).toEqual([]);
        await Promise.all([first, added, removed]);
        expect(calls.set).toBe(1);
        expect(await index.ids()).toEqual(['a']);
    });

    it('gathers removes for the batch window (or until the next add), then drops the ids with one write', async () => {
        const {kv, calls} = countingKv();
        const index = new OutboxIndex(kv, 30);
        const ids = ['a', ...sameShard('a', 2)];
        await Promise.all(ids.map((id) => index.add(id)));
        const writes = calls.set;
        const removed = ids.map((id) => index.remove(id));
        expect(calls.set).toBe(writes);
        await Promise.all(removed);
        expect(calls.set).toBe(writes + 1);
        expect(await index.ids()).toEqual([]);
    });

    it('writes what is queued on flush, without waiting for the window', async () => {
        const {kv} = countingKv();
        const index = new OutboxIndex(kv, 60_000);
        await index.add('a');
        void index.remove('a');
        await index.flush();
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
