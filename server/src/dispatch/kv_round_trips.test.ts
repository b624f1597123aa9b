import {deliveryIdFor} from './ids';
import {shardOf} from './outbox_index';
import {deliveryRequest, endpoint, facts, loopbackSettings, policy, responseOptions} from './testing/factories';
import {CountingKV, type KVCounts} from './testing/counting_kv';
import {startHarness, type Harness} from './testing/harness';
import {MemoryKV} from './testing/memory_kv';
import {TestReceiver} from './testing/receiver';

// What a successful delivery costs in KV round trips, from its submit to its finished record: the figure the real
// server multiplies by two or three SQL statements per write (test/e2e/README.md). Before issue #15's store work a
// delivery cost 3 writes (insert; compare-and-delete of the pending record; the finished copy) with its index entry
// written only when the delivery outlived a 250 ms batch, so a start had to list every key to find the rest.
/** Event ids whose deliveries land in every index shard (this node then knows each shard's bytes, as a busy node does). */
const WARM_EVENTS: string[] = [];
for (let i = 0, shards = new Set<number>(); shards.size < 32; i++) {
    const shard = shardOf(deliveryIdFor('rule1', 'main', `warm${i}`));
    if (!shards.has(shard)) WARM_EVENTS.push(`warm${i}`);
    shards.add(shard);
}
const WARM = WARM_EVENTS.length;

describe('KV round trips per delivery', () => {
    let receiver: TestReceiver;
    let h: Harness;
    let counting: CountingKV;
    beforeEach(async () => {
        receiver = await TestReceiver.start();
        counting = new CountingKV(new MemoryKV());
        // Removals gather for the whole measurement (production: a second, main.ts), so they ride along with later
        // adds whatever the machine's speed: with a one-second window a loaded machine slows the loop enough for
        // shards to be written for their removals alone (3.6 instead of 3 writes), which would measure the machine.
        // The delivery log is written per rule and flush, not per delivery, so it flushes once, at the end; no sweep
        // runs during the measurement.
        h = await startHarness({
            dispatcherKv: counting,
            settings: loopbackSettings({RateLimitPerMinute: 1_000_000}),
            options: {indexBatchMs: 60_000, log: {capacity: 100, flushMs: 60_000}, sweepIntervalMs: 60_000},
        });
    });
    afterEach(async () => {
        await h.dispatcher.stop();
        await receiver.close();
    });

    const unlimited = policy({rate_per_rule_per_minute: 1_000_000});
    const request = (eventId: string) =>
        deliveryRequest([endpoint({url: receiver.url})], {policy: unlimited, facts: facts({event_id: eventId}), response: responseOptions({enabled: false})});
    const settled = async (sent: number) => {
        await receiver.waitFor(sent);
        while (h.dispatcher.load.inFlight > 0) await new Promise((r) => setTimeout(r, 1));
    };
    const perDelivery = (c: KVCounts, n: number) => ({writes: c.writes / n, reads: c.reads / n, lists: c.lists});
    const log = (label: string, c: ReturnType<typeof perDelivery>) => process.stdout.write(`${label}: ${c.writes} writes, ${c.reads} reads per delivery\n`);

    /** Warms what a running plugin has cached (secrets, the rule's tombstone, its copy of each index shard). */
    async function warm(): Promise<void> {
        await Promise.all(WARM_EVENTS.map((e) => h.dispatcher.submit(request(e))));
        await settled(WARM);
        counting.take();
    }

    it('one by one: an insert and its index entry to accept, one compare-and-set to finish, no reads', async () => {
        await warm();
        const n = 40;
        for (let i = 0; i < n; i++) {
            await h.dispatcher.submit(request(`e${i}`));
            await settled(WARM + i + 1);
        }
        const c = perDelivery(counting.take(), n);
        // Each index add is its own write when nothing else is being submitted; removals ride along with later adds.
        log('one by one', c);
        expect(c).toMatchObject({reads: 0, lists: 0});
        expect(c.writes).toBeGreaterThanOrEqual(3);
        expect(c.writes).toBeLessThanOrEqual(3.25);
    }, 20_000);

    it('under concurrent submits: index entries are written together, so a delivery costs about two writes', async () => {
        await warm();
        const n = 200;
        await Promise.all(Array.from({length: n}, (_, i) => h.dispatcher.submit(request(`c${i}`))));
        await settled(WARM + n);
        const c = perDelivery(counting.take(), n);
        log('200 submitted together', c);
        expect(c.lists).toBe(0);
        expect(c.reads).toBe(0);
        // An insert and a finish each, and the 32 index shards written a few times for all of them.
        expect(c.writes).toBeLessThanOrEqual(2.25);
    }, 20_000);
});
