import {ruleSpecSchema, type RuleSpecInput} from '@tripwire/common';
import {parseSettings} from '../config/settings';
import {type Logger} from '../ports';
import {RULES_CHANGED_EVENT, RuleStore, RuleStoreError, type RuleChange} from './rule_store';
import {ruleKeys} from './rule_kv';
import {channel, id, ids} from './testing/factories';
import {MemoryKV} from './testing/memory_kv';

function spec(overrides: Partial<RuleSpecInput> = {}) {
    return ruleSpecSchema.parse({
        name: 'r',
        scope: {kind: 'channels', teamId: ids.team, channelIds: [ids.town]},
        trigger: {mode: 'any'},
        endpoints: [{url: 'https://x.example.com'}],
        ...overrides,
    });
}

/** Two nodes sharing one KV store, wired through cluster events like Mattermost's. */
function cluster(settings: Record<string, unknown> = {}) {
    const kv = new MemoryKV();
    let now = 1000;
    let seq = 0;
    const warnings: string[] = [];
    const log: Logger = {debug() {}, info() {}, warn: (m) => void warnings.push(m), error: (m) => void warnings.push(m)};
    const nodes: RuleStore[] = [];
    const announced: RuleChange[] = [];
    let websocketDown = false;
    const make = (self: number) =>
        new RuleStore({
            kv,
            clock: {now: () => now++},
            settings: () => parseSettings(settings),
            log,
            newId: () => id(`rule${++seq}`),
            publish: async (eventId, data) => {
                expect(eventId).toBe(RULES_CHANGED_EVENT);
                nodes.forEach((n, i) => i !== self && n.handleClusterEvent(data));
            },
            announce: async (change) => {
                if (websocketDown) throw new Error('websocket down');
                announced.push(change);
            },
        });
    nodes.push(make(0), make(1));
    const failAnnouncements = () => void (websocketDown = true);
    return {kv, a: nodes[0]!, b: nodes[1]!, warnings, announced, failAnnouncements};
}

async function expectCode(p: Promise<unknown>, code: string) {
    await expect(p).rejects.toBeInstanceOf(RuleStoreError);
    await expect(p).rejects.toMatchObject({code});
}

describe('RuleStore', () => {
    it('announces each change with what it touched, before and after a move', async () => {
        const {a, announced} = cluster();
        const r = await a.create(spec(), ids.alice);
        const moved = await a.update(r.id, spec({scope: {kind: 'team', teamId: ids.team}}), ids.alice, r.revision);
        await a.delete(moved.id);
        expect(announced).toEqual([
            {ruleId: r.id, channels: [ids.town], teams: [], owners: []},
            {ruleId: r.id, channels: [ids.town], teams: [ids.team], owners: []},
            {ruleId: r.id, channels: [], teams: [ids.team], owners: []},
        ]);
    });

    it('keeps a change whose announcement failed, and says so', async () => {
        const {a, warnings, failAnnouncements} = cluster();
        failAnnouncements();
        const r = await a.create(spec(), ids.alice);
        expect(await a.get(r.id)).toEqual(r);
        expect(warnings).toEqual(['Tripwire could not tell open webapps about a rule change']);
    });

    it('creates a rule with its history fields and finds it by id and by channel', async () => {
        const {a, kv} = cluster();
        const r = await a.create(spec(), ids.alice);
        expect(r).toMatchObject({id: id('rule1'), schemaVersion: 1, revision: 1, ownerId: ids.alice, createdBy: ids.alice, updatedBy: ids.alice});
        expect(await a.get(r.id)).toEqual(r);
        expect(await a.listByChannel(ids.town)).toEqual([r]);
        expect(await a.listAll()).toEqual([r]);
        expect(kv.data.has(ruleKeys.channel(ids.town))).toBe(true);
        const owned = await a.create(spec(), ids.bob, {ownerId: ids.carol});
        expect(owned).toMatchObject({ownerId: ids.carol, createdBy: ids.bob});
    });

    it('enforces MaxRulesPerChannel and leaves no trace of a refused rule', async () => {
        const {a, kv} = cluster({MaxRulesPerChannel: 1});
        await a.create(spec({scope: {kind: 'channels', teamId: ids.team, channelIds: [ids.priv]}}), ids.alice);
        const before = new Map(kv.data);
        await expectCode(a.create(spec({scope: {kind: 'channels', teamId: ids.team, channelIds: [ids.town, ids.priv]}}), ids.alice), 'limit_exceeded');
        expect([...kv.data.keys()].sort()).toEqual([...before.keys()].sort()); // town's index entry was rolled back
        expect(await a.listByChannel(ids.town)).toEqual([]);
    });

    it('applies the same limit to team rules and to a user\'s personal rules', async () => {
        const {a} = cluster({MaxRulesPerChannel: 1});
        const team = spec({scope: {kind: 'team', teamId: ids.team}});
        await a.create(team, ids.alice);
        await expectCode(a.create(team, ids.alice), 'limit_exceeded');
        const direct = spec({scope: {kind: 'direct'}});
        await a.create(direct, ids.alice);
        await a.create(direct, ids.bob); // another owner, another list
        await expectCode(a.create(direct, ids.alice), 'limit_exceeded');
    });

    it('updates with optimistic concurrency and moves the rule between indexes', async () => {
        const {a} = cluster();
        const r = await a.create(spec(), ids.alice);
        const moved = await a.update(r.id, spec({name: 'moved', scope: {kind: 'team', teamId: ids.team}}), ids.bob, 1);
        expect(moved).toMatchObject({revision: 2, name: 'moved', updatedBy: ids.bob, createdBy: ids.alice, createdAt: r.createdAt});
        expect(moved.updatedAt).toBeGreaterThan(r.updatedAt);
        expect(await a.listByChannel(ids.town)).toEqual([]);
        expect(await a.listByTeam(ids.team)).toEqual([moved]);
        await expectCode(a.update(r.id, spec(), ids.bob, 1), 'conflict');
        await expectCode(a.update(id('nope'), spec(), ids.bob), 'not_found');
        expect(await a.setEnabled(r.id, false, ids.bob)).toMatchObject({enabled: false, revision: 3});
    });

    it('deletes the rule and its index entries', async () => {
        const {a, kv} = cluster();
        const r = await a.create(spec(), ids.alice);
        await expectCode(a.delete(r.id, 7), 'conflict');
        await a.delete(r.id, 1);
        expect(await a.get(r.id)).toBeNull();
        expect(await a.listByChannel(ids.town)).toEqual([]);
        expect([...kv.data.keys()]).toEqual([]);
        await expectCode(a.delete(r.id), 'not_found');
    });

    it('builds a channel\'s rule set from its own, its team\'s and (in direct messages) the members\' rules, oldest first', async () => {
        const {a} = cluster();
        const own = await a.create(spec(), ids.alice);
        const team = await a.create(spec({scope: {kind: 'team', teamId: ids.team}}), ids.alice);
        await a.create(spec({scope: {kind: 'team', teamId: ids.otherTeam}}), ids.alice);
        const personal = await a.create(spec({scope: {kind: 'direct'}}), ids.bob);
        expect((await a.ruleSetFor(channel(), [])).compiled.map((c) => c.rule.id)).toEqual([own.id, team.id]);
        const dm = channel({id: ids.dm, team_id: '', type: 'D', name: `${ids.alice}__${ids.bob}`});
        expect((await a.ruleSetFor(dm, [ids.alice, ids.bob])).compiled.map((c) => c.rule.id)).toEqual([personal.id]);
        const gm = channel({id: ids.gm, team_id: '', type: 'G', name: 'x'});
        expect((await a.ruleSetFor(gm, [ids.bob, ids.carol])).size).toBe(1);
    });

    it('serves a cached set without touching the KV store', async () => {
        const {a, kv} = cluster();
        await a.create(spec(), ids.alice);
        const first = await a.ruleSetFor(channel(), []);
        const get = jest.spyOn(kv, 'get');
        expect(await a.ruleSetFor(channel(), [])).toBe(first);
        expect(get).not.toHaveBeenCalled();
        const [x, y] = await Promise.all([a.ruleSetFor(channel({id: id('quiet')}), []), a.ruleSetFor(channel({id: id('quiet')}), [])]);
        expect(x).toBe(y); // concurrent first posts share one load
    });

    it('invalidates other nodes through the cluster event', async () => {
        const {a, b} = cluster();
        const r = await a.create(spec(), ids.alice);
        expect((await b.ruleSetFor(channel(), [])).size).toBe(1);
        await a.update(r.id, spec({name: 'renamed'}), ids.alice);
        expect((await b.ruleSetFor(channel(), [])).compiled[0]!.rule.name).toBe('renamed');
        await a.delete(r.id);
        expect((await b.ruleSetFor(channel(), [])).size).toBe(0);
    });

    it('drops only the sets a change affects', async () => {
        const {a, b} = cluster();
        const elsewhere = channel({id: id('elsewhere'), team_id: ids.otherTeam});
        await a.create(spec({scope: {kind: 'team', teamId: ids.otherTeam}}), ids.alice);
        const townSet = await b.ruleSetFor(channel(), []);
        const elsewhereSet = await b.ruleSetFor(elsewhere, []);
        await a.create(spec({scope: {kind: 'team', teamId: ids.team}}), ids.alice);
        expect(elsewhereSet.size).toBe(1);
        expect(await b.ruleSetFor(elsewhere, [])).toBe(elsewhereSet);
        const fresh = await b.ruleSetFor(channel(), []);
        expect(fresh).not.toBe(townSet);
        expect(fresh.size).toBe(1);
    });

    it('treats an unreadable cluster event as "drop everything"', async () => {
        const {a} = cluster();
        await a.create(spec(), ids.alice);
        const before = await a.ruleSetFor(channel(), []);
        a.handleClusterEvent(new TextEncoder().encode('{not json'));
        expect(await a.ruleSetFor(channel(), [])).not.toBe(before);
    });

    it('skips a stored document it cannot read, and says so', async () => {
        const {a, kv, warnings} = cluster();
        const r = await a.create(spec(), ids.alice);
        await kv.set(ruleKeys.rule(r.id), new TextEncoder().encode('{"id":"broken"}'));
        a.invalidateAll();
        expect((await a.ruleSetFor(channel(), [])).size).toBe(0);
        expect(warnings).toContain('Tripwire rule unreadable');
    });
});

