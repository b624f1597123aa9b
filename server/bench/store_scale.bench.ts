// Store-scale benchmark (issue #15): activation of the real dispatcher and rule store on a KV store holding 10,000
// rules over 5,000 channels, 500,000 finished deliveries and 50 pending ones (test/scale/seed_store.ts). Activation
// is Dispatcher.start() (node registry, response_url key, the pending index and the deliveries it lists) and the
// rule store's construction (it loads a channel's rules on its first post); it must stay at most 1 s. The store is
// in memory: a real Mattermost KV call adds an RPC round trip (~0.15 ms) per operation, so the KV operations are
// reported too.
import {performance} from 'node:perf_hooks';

import {parseSettings} from '../src/config/settings';
import {Dispatcher} from '../src/dispatch/dispatcher';
import {CountingKV} from '../src/dispatch/testing/counting_kv';
import {loopbackSettings, serverConfig} from '../src/dispatch/testing/factories';
import {MemoryKV} from '../src/dispatch/testing/memory_kv';
import {RuleStore} from '../src/rules/rule_store';
import {channelOf, ISSUE_SIZES, seedStore} from '../test/scale/seed_store';

import {report} from './report';

const quiet = {debug() {}, info() {}, warn() {}, error() {}};

async function activateOnce(): Promise<{ms: number; ops: number; lookupMs: number}> {
    const kv = new MemoryKV();
    // Nothing listens there: the resumed deliveries fail fast and retry later, after the figure is taken.
    seedStore(kv, ISSUE_SIZES, 'http://127.0.0.1:9');
    const counting = new CountingKV(kv);
    counting.forbidList = 'activation must not list the KV store';
    const settings = loopbackSettings();
    const server = serverConfig();
    const started = performance.now();
    const rules = new RuleStore({kv: counting, clock: {now: () => Date.now()}, settings: () => parseSettings({}), log: quiet, publish: async () => {}});
    const dispatcher = new Dispatcher(
        {
            kv: counting,
            logger: quiet,
            clock: {now: () => Date.now()},
            serverConfig: () => server,
            settings: () => settings,
            onReply: async () => ({kind: 'none', reason: 'bench'}),
            replyPoster: {prepare: () => ({kind: 'outcome', outcome: {kind: 'none', reason: 'bench'}}), create: async () => '', postsSince: async () => []},
            nodeKey: 'bench-node',
        },
        {indexBatchMs: 1000},
    );
    await dispatcher.start();
    const ms = performance.now() - started;
    const c = counting.take();
    // A post's rule lookup once its channel's set is loaded: a map lookup.
    await rules.ruleSetFor(channelOf(1), []);
    const t = performance.now();
    for (let i = 0; i < 1000; i++) await rules.ruleSetFor(channelOf(1), []);
    const lookupMs = (performance.now() - t) / 1000;
    await dispatcher.stop();
    return {ms, ops: c.reads + c.writes + c.lists, lookupMs};
}

async function main(): Promise<void> {
    const runs = [];
    for (let i = 0; i < 3; i++) runs.push(await activateOnce());
    runs.sort((a, b) => a.ms - b.ms);
    const median = runs[1]!;
    report('store_scale_activation_ms', median.ms, 'ms', 'goal <= 1000; 10k rules, 5k channels, 500k finished deliveries, median of 3');
    report('store_scale_activation_kv_ops', median.ops, 'KV calls', 'none of them a listing');
    report('store_scale_rule_lookup_us', median.lookupMs * 1000, 'µs', "a post's rule set, once its channel's is loaded");
}

main().then(
    () => process.exit(0),
    (err: unknown) => {
        console.error(err);
        process.exit(1);
    },
);
