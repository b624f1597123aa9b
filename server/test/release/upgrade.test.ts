// Upgrade safety (issue #17): the KV store that each released version wrote (testdata/kv-<version>.json, made by its
// own RuleStore and Dispatcher: scripts/upgrade_snapshot/make.sh; 0.1.0 so far) is read by this version: the rules are listed and
// editable, and the deliveries it left pending (one retrying after a 503, one held back by the rate limit) are
// delivered to their service with the same webhook-id, signed with the secret 0.1.0 stored and carrying the header
// value the rule held inline (as 0.1.0 kept header values). Only public behaviour is checked, never the shape of the stored records.
import {readdirSync, readFileSync} from 'node:fs';
import {join} from 'node:path';

import {Webhook} from 'standardwebhooks';

import {parseSettings} from '../../src/config/settings';
import {startHarness, type Harness} from '../../src/dispatch/testing/harness';
import {MemoryKV} from '../../src/dispatch/testing/memory_kv';
import {reply, TestReceiver} from '../../src/dispatch/testing/receiver';
import {RuleStore} from '../../src/rules/rule_store';

interface Snapshot {
    version: string;
    generated_at: number;
    receiver: string;
    signing_secret: string;
    rules: string[];
    pending: Array<{delivery_id: string; webhook_id: string}>;
    kv: Record<string, {text: string} | {base64: string}>;
}

const testdata = join(__dirname, 'testdata');
const snapshots = readdirSync(testdata)
    .filter((f) => /^kv-.*\.json$/.test(f))
    .map((f) => JSON.parse(readFileSync(join(testdata, f), 'utf8')) as Snapshot);
const mmId = (seed: string) => (seed + 'x'.repeat(26)).slice(0, 26);
const [team, town, alice] = [mmId('team1'), mmId('townsquare'), mmId('alice')];

/** A KV store holding exactly what the released version wrote, its services' address pointing at `receiverUrl`. */
async function kvOf(snapshot: Snapshot, receiverUrl: string): Promise<MemoryKV> {
    const kv = new MemoryKV();
    for (const [key, entry] of Object.entries(snapshot.kv)) {
        const bytes = 'text' in entry ? Buffer.from(entry.text.split(snapshot.receiver).join(receiverUrl), 'utf8') : Buffer.from(entry.base64, 'base64');
        await kv.set(key, new Uint8Array(bytes));
    }
    return kv;
}

function ruleStore(kv: MemoryKV): RuleStore {
    return new RuleStore({kv, clock: {now: () => Date.now()}, settings: () => parseSettings({}), log: {debug() {}, info() {}, warn() {}, error() {}}, publish: async () => {}});
}

test('a snapshot of 0.1.0 is there', () => {
    expect(snapshots.map((s) => s.version)).toContain('0.1.0');
});

describe.each(snapshots.map((s) => [s.version, s] as const))('upgrade from %s', (_version, snapshot) => {
    let receiver: TestReceiver;
    let h: Harness | undefined;
    beforeEach(async () => {
        receiver = await TestReceiver.start({handler: reply(200, {})});
    });
    afterEach(async () => {
        await h?.dispatcher.stop();
        h = undefined;
        await receiver.close();
    });

    test('the rule store is read: every rule listed where it applies, and still editable', async () => {
        const rules = ruleStore(await kvOf(snapshot, receiver.url));
        expect((await rules.listAll()).map((r) => r.name).sort()).toEqual(['Deploys', 'My mentions', 'Team alerts']);
        expect((await rules.listByChannel(town)).map((r) => r.name)).toEqual(['Deploys']);
        expect((await rules.listByTeam(team)).map((r) => r.name)).toEqual(['Team alerts']);
        expect((await rules.listDirect(alice)).map((r) => r.name)).toEqual(['My mentions']);

        const deploys = (await rules.get(snapshot.rules[0]!))!;
        expect(deploys).toMatchObject({name: 'Deploys', ownerId: alice, enabled: true, trigger: {mode: 'exact', words: ['deploy']}});
        expect(deploys.endpoints.map((e) => e.url)).toEqual([`${receiver.url}/hook`]);

        const disabled = await rules.setEnabled(deploys.id, false, alice, deploys.revision);
        expect(disabled).toMatchObject({enabled: false, revision: deploys.revision + 1});
        expect((await ruleStore(await kvOf(snapshot, receiver.url)).get(deploys.id))?.enabled).toBe(true); // a fresh copy is untouched
    });

    test('the deliveries it left pending are delivered: same webhook-id, signed with the stored secret', async () => {
        // The upgraded node starts 90 s after 0.1.0 stopped (the held delivery is due by then, none is past its
        // maximum age), whatever day this test runs.
        const offset = Date.now() - (snapshot.generated_at + 90_000);
        const clock = {now: () => Date.now() - offset};
        h = await startHarness({kv: await kvOf(snapshot, receiver.url), clock, settings: parseSettings({AllowedHosts: '127.0.0.1'})});
        await receiver.waitFor(snapshot.pending.length);
        await h.drained();

        expect(receiver.requests.map((r) => r.headers['webhook-id']).sort()).toEqual(snapshot.pending.map((p) => p.webhook_id).sort());
        const messages = receiver.requests.map((r) => {
            expect(r.url).toBe('/hook');
            expect(r.headers['x-api-key']).toBe('legacy-inline-key-0.1.0');
            // Checked by recomputing the signature: Webhook.verify would also judge the timestamp against the real clock.
            const [id, timestamp] = [String(r.headers['webhook-id']), Number(r.headers['webhook-timestamp'])];
            expect(Math.abs(timestamp * 1000 - clock.now())).toBeLessThan(10_000);
            expect(String(r.headers['webhook-signature']).split(' ')).toContain(new Webhook(snapshot.signing_secret).sign(id, new Date(timestamp * 1000), r.body.toString()));
            return (JSON.parse(r.body.toString()) as {text: string}).text;
        });
        expect(messages.sort()).toEqual(['deploy api to prod', 'deploy web to prod']);

        for (const {delivery_id} of snapshot.pending) {
            const [latest] = (await h.dispatcher.log.list(snapshot.rules[0]!)).filter((e) => e.delivery_id === delivery_id);
            expect(latest).toMatchObject({status: 'succeeded', http_status: 200});
        }
    }, 20_000);
});
