// Writes the KV store of a released Tripwire as a JSON fixture for the upgrade test (server/test/release/upgrade.test.ts).
// It runs INSIDE the released version's source tree (make.sh extracts it and copies this file to server/), so it uses
// that version's own RuleStore and Dispatcher, exactly as the released plugin wrote its KV store:
//   - three rules through the RuleStore: a channel rule whose endpoint has an inline secret header (as 0.1.0 stored
//     them) and a signing secret, a team rule, a personal (direct) rule;
//   - two pending deliveries through the Dispatcher: one retrying after a 503 (one attempt made), one not yet
//     attempted (held back by the rule's rate limit).
// The receiver's address is written as RECEIVER so that the test can put its own receiver there.
import {writeFileSync} from 'node:fs';

import {ruleSpecSchema} from '@tripwire/common';

import {parseSettings} from './src/config/settings';
import {deliveryRequest, facts, policy} from './src/dispatch/testing/factories';
import {startHarness} from './src/dispatch/testing/harness';
import {MemoryKV} from './src/dispatch/testing/memory_kv';
import {reply, TestReceiver} from './src/dispatch/testing/receiver';
import {RuleStore} from './src/rules/rule_store';

const RECEIVER = 'http://upgrade-receiver.invalid:8065';
const out = process.env.SNAPSHOT_OUT!;
const version = process.env.SNAPSHOT_VERSION!;
const commit = process.env.SNAPSHOT_COMMIT!;
const mmId = (seed: string) => (seed + 'x'.repeat(26)).slice(0, 26);
const team = mmId('team1');
const town = mmId('townsquare');
const alice = mmId('alice');
const SIGNING_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

test(`KV snapshot of ${version}`, async () => {
    const kv = new MemoryKV();
    let now = Date.UTC(2026, 11, 1);
    let seq = 0;
    const rules = new RuleStore({
        kv,
        clock: {now: () => now++},
        settings: () => parseSettings({}),
        log: {debug() {}, info() {}, warn() {}, error() {}},
        publish: async () => {},
        newId: () => mmId(`upgraderule${++seq}`),
    });
    const endpointSpec = {id: 'main', url: `${RECEIVER}/hook`, headers: {'X-Api-Key': 'legacy-inline-key-0.1.0'}, secret_headers: ['X-Api-Key'], has_secret: true};
    const channelRule = await rules.create(
        ruleSpecSchema.parse({
            name: 'Deploys',
            scope: {kind: 'channels', teamId: team, channelIds: [town]},
            trigger: {mode: 'exact', words: ['deploy']},
            endpoints: [endpointSpec],
            delivery: {rate_per_rule_per_minute: 1},
        }),
        alice,
    );
    await rules.create(ruleSpecSchema.parse({name: 'Team alerts', scope: {kind: 'team', teamId: team}, trigger: {mode: 'contains', words: ['outage']}, endpoints: [{id: 'main', url: `${RECEIVER}/team`}]}), alice);
    await rules.create(ruleSpecSchema.parse({name: 'My mentions', scope: {kind: 'direct'}, trigger: {mode: 'any'}, endpoints: [{id: 'main', url: `${RECEIVER}/direct`}]}), alice);

    const receiver = await TestReceiver.start({handler: reply(503)});
    const url = receiver.url;
    const h = await startHarness({kv, settings: parseSettings({AllowedHosts: '127.0.0.1'})});
    await h.dispatcher.secrets.setSigningSecret(channelRule.id, 'main', SIGNING_SECRET);
    const endpoint = {...channelRule.endpoints[0]!, url: `${url}/hook`};
    const request = (postId: string, message: string) =>
        deliveryRequest([endpoint], {
            rule: {id: channelRule.id, name: channelRule.name, owner_id: channelRule.ownerId},
            policy: policy({...channelRule.delivery, backoff_base_ms: 60_000, backoff_max_ms: 60_000}),
            facts: facts({event_id: postId, post: {id: postId, message, create_at: 1_764_547_200_000, file_ids: []}, channel: {id: town, name: 'town-square', display_name: 'Town Square', type: 'O'}}),
        });
    const [retrying] = await h.dispatcher.submit(request(mmId('post1'), 'deploy api to prod'));
    const [held] = await h.dispatcher.submit(request(mmId('post2'), 'deploy web to prod'));
    expect([retrying!.status, held!.status, held!.delay_ms > 0]).toEqual(['queued', 'queued', true]);
    await receiver.waitFor(1);
    // The failed attempt is recorded (attempts 1, next attempt a minute later) before the node "stops for the upgrade".
    await new Promise((r) => setTimeout(r, 300));
    await h.dispatcher.stop();
    await receiver.close();
    expect(receiver.requests).toHaveLength(1);
    expect(kv.keys('dx_p_')).toHaveLength(2);

    const entries: Record<string, {text: string} | {base64: string}> = {};
    for (const key of kv.keys()) {
        const bytes = Buffer.from(kv.peek(key)!);
        const text = bytes.toString('utf8');
        entries[key] = Buffer.from(text, 'utf8').equals(bytes) ? {text: text.split(url).join(RECEIVER)} : {base64: bytes.toString('base64')};
    }
    const snapshot = {
        comment: `Plugin KV store written by Tripwire ${version} (commit ${commit}) through its own RuleStore and Dispatcher: scripts/upgrade_snapshot/. Do not edit by hand.`,
        version,
        /** When the dispatcher wrote it (ms): the test's clock starts a little after, as after a quick upgrade. */
        generated_at: Date.now(),
        receiver: RECEIVER,
        signing_secret: SIGNING_SECRET,
        rules: [channelRule.id, mmId('upgraderule2'), mmId('upgraderule3')],
        pending: [retrying!, held!].map((d) => ({delivery_id: d.delivery_id, webhook_id: d.webhook_id})),
        kv: entries,
    };
    writeFileSync(out, JSON.stringify(snapshot, null, 2) + '\n');
}, 30_000);
