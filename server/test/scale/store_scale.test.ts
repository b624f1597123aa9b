// Issue #15, scale of the store: with 10,000 rules over 5,000 channels and 500,000 finished deliveries in the KV
// store, activation, a post's rule lookup, recover and the delivery log never list keys and read only what they need;
// the pending deliveries are resumed; finished records expire on the stated bound. (How long activation takes is
// bench/store_scale.bench.ts's figure `store_scale_activation_ms`.)
import {parseSettings} from '../../src/config/settings';
import {keys} from '../../src/dispatch/keys';
import {CountingKV} from '../../src/dispatch/testing/counting_kv';
import {startHarness, type Harness} from '../../src/dispatch/testing/harness';
import {MemoryKV} from '../../src/dispatch/testing/memory_kv';
import {TestReceiver} from '../../src/dispatch/testing/receiver';
import {RuleStore} from '../../src/rules/rule_store';

import {channelOf, ISSUE_SIZES, ruleId, seedStore, type Seeded} from './seed_store';

const quiet = {debug() {}, info() {}, warn() {}, error() {}};

describe('a KV store at the scale of issue #15', () => {
    let receiver: TestReceiver;
    let kv: MemoryKV;
    let counting: CountingKV;
    let seeded: Seeded;
    let h: Harness | undefined;

    beforeAll(async () => {
        receiver = await TestReceiver.start();
        kv = new MemoryKV();
        seeded = seedStore(kv, ISSUE_SIZES, receiver.url);
        counting = new CountingKV(kv);
        counting.forbidList = 'no start-up or hot path may list the KV store';
    }, 60_000);
    afterAll(async () => {
        await h?.dispatcher.stop();
        await receiver.close();
    });

    it('holds what the issue describes', () => {
        expect(kv.keys(keys.pendingPrefix).length).toBe(ISSUE_SIZES.finished + ISSUE_SIZES.pending);
        expect(kv.keys('rl_r_').length).toBe(ISSUE_SIZES.rules);
    });

    it('activates reading only the pending index and the deliveries it lists, and resumes every pending one', async () => {
        const rules = new RuleStore({kv: counting, clock: {now: () => Date.now()}, settings: () => parseSettings({}), log: quiet, publish: async () => {}});
        h = await startHarness({kv, dispatcherKv: counting, nodeKey: 'scale-node', options: {sweepIntervalMs: 60_000}});
        const activation = counting.take();
        expect(activation.lists).toBe(0);
        // The node registry, the response_url key, the index marker and 32 shards, one read per pending delivery.
        expect(activation.reads).toBeLessThanOrEqual(40 + ISSUE_SIZES.pending);
        expect(rules).toBeDefined();

        await receiver.waitFor(ISSUE_SIZES.pending, 10_000);
        expect(new Set(receiver.requests.map((r) => r.headers['webhook-id']))).toEqual(new Set(seeded.pendingIds.map((d) => `msg_${d}`)));
        await h.drained();
    });

    it("finds a post's rules with one map lookup once its channel's set is loaded", async () => {
        const rules = new RuleStore({kv: counting, clock: {now: () => Date.now()}, settings: () => parseSettings({}), log: quiet, publish: async () => {}});
        counting.take();
        const first = await rules.ruleSetFor(channelOf(7), []);
        const loaded = counting.take();
        // The channel's and its team's id lists and the channel's two rules (10,000 over 5,000 channels); nothing of
        // the other channels.
        expect(loaded).toEqual({reads: 4, writes: 0, lists: 0});
        expect(first.compiled.map((c) => c.rule.id).sort()).toEqual([ruleId(7), ruleId(5007)].sort());
        const again = await rules.ruleSetFor(channelOf(7), []);
        expect(again).toBe(first);
        expect(counting.take()).toEqual({reads: 0, writes: 0, lists: 0});
    });

    it('pages recover and the delivery log without listing', async () => {
        counting.take();
        const page = await h!.dispatcher.recoverFailed(seeded.busyRule, 0, Infinity, {limit: 50});
        expect(page).toMatchObject({requeued: 50, hasMore: true});
        const recover = counting.take();
        expect(recover.lists).toBe(0);
        // The failed list, then one read per delivery on the page (requeued in place from the record in hand), and
        // the pending-index shards this node writes for the first time (it knows them afterwards).
        expect(recover.reads).toBeLessThanOrEqual(1 + 50 + 32);

        const log = await h!.dispatcher.log.list(seeded.busyRule, 20);
        expect(log).toHaveLength(20);
        expect(counting.take()).toMatchObject({reads: 1, lists: 0});
        await receiver.waitFor(ISSUE_SIZES.pending + 50, 10_000);
        await h!.drained();
    });

    it('lets finished deliveries expire on the stated bound: an hour for a success, a week for a failure', async () => {
        const succeeded = kv.keys(keys.pendingPrefix).filter((k) => k.includes('todo'));
        expect(succeeded).toHaveLength(ISSUE_SIZES.pending);
        kv.clockSkew(3_600_000 + 1000);
        expect(kv.keys(keys.pendingPrefix).filter((k) => k.includes('todo'))).toEqual([]);
        // The failed ones outlast the hour (recover can still find them), and go after their week.
        const failed = kv.keys(keys.pendingPrefix).filter((k) => k.includes('fail'));
        expect(failed.length).toBeGreaterThan(0);
        kv.clockSkew(7 * 86_400_000);
        expect(kv.keys(keys.pendingPrefix)).toEqual([]);
    });
});
