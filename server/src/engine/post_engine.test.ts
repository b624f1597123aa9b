import {type RuleSpecInput} from '@tripwire/common';

import {parseSettings} from '../config/settings';
import {type DeliveryRequest} from '../dispatch/types';
import {type ChannelInfo, type Logger} from '../ports';
import {RuleStore} from '../rules/rule_store';
import {channel, id, ids, post, user} from '../rules/testing/factories';
import {MemoryKV} from '../rules/testing/memory_kv';

import {Guards} from './guards';
import {PostEngine} from './post_engine';

const quiet: Logger = {debug() {}, info() {}, warn() {}, error() {}};

interface SetupOptions {
    settings?: Record<string, unknown>;
    /** Who has consented to rules in direct and group conversations. */
    consenting?: string[];
}

function setup(failFor?: string, opts: SetupOptions = {}) {
    let now = 1_700_000_000_000;
    const clock = {now: () => now};
    const kv = new MemoryKV(clock.now);
    const settings = () => parseSettings(opts.settings ?? {});
    const memberLookups: string[] = [];
    const store = new RuleStore({kv, publish: async () => {}, clock, settings, log: quiet});
    const submitted: DeliveryRequest[] = [];
    const channels: Record<string, ChannelInfo> = {
        [ids.town]: channel(),
        [ids.priv]: channel({id: ids.priv, type: 'P', name: 'ops', display_name: 'Ops'}),
        [ids.gm]: channel({id: ids.gm, team_id: '', type: 'G', name: 'gm', display_name: 'alice, bob, carol'}),
    };
    const engine = new PostEngine({
        api: {
            getChannel: async (id) => channels[id] ?? Promise.reject(new Error(`no channel ${id}`)),
            getUser: async (id) => user({id, username: id === ids.alice ? 'alice' : 'bob'}),
            getTeam: async (id) => ({id, name: 'eng', display_name: 'Engineering'}),
        },
        rules: store,
        guards: new Guards({kv, clock, settings, ownBotIds: () => new Set([ids.bot])}),
        submit: async (request) => {
            if (request.rule.name === failFor) throw new Error('kv down');
            submitted.push(request);
            return [{delivery_id: `d${submitted.length}`, webhook_id: `msg_${submitted.length}`, endpoint_ids: ['e1'], status: 'queued', delay_ms: 0}];
        },
        settings,
        optIns: {allOptedIn: async (_channelId, memberIds) => memberIds.length > 0 && memberIds.every((m) => opts.consenting?.includes(m))},
        members: {
            of: async (c) => {
                memberLookups.push(c.id);
                return c.id === ids.gm ? [ids.alice, ids.bob, ids.carol] : [];
            },
        },
        bot: () => ({userId: ids.bot, username: 'tripwire'}),
        log: quiet,
    });
    const addRule = (spec: Partial<RuleSpecInput>) =>
        store.create(
            {
                name: 'r',
                enabled: true,
                scope: {kind: 'channels', teamId: ids.team, channelIds: [ids.town]},
                trigger: {mode: 'any'},
                endpoints: [{url: 'https://hooks.example.com/x'}],
                ...spec,
            } as never,
            ids.alice,
        );
    return {engine, submitted, addRule, memberLookups, channels, advance: (ms: number) => (now += ms)};
}

describe('PostEngine', () => {
    it('turns a trigger-word match into one durable delivery with the trigger facts', async () => {
        const {engine, submitted, addRule} = setup();
        const rule = await addRule({trigger: {mode: 'exact', words: ['deploy']}});

        const outcome = await engine.onPosted(post('deploy api to prod'));

        expect(outcome.matched).toEqual([rule.id]);
        expect(submitted).toHaveLength(1);
        const request = submitted[0]!;
        expect(request.rule).toEqual({id: rule.id, name: 'r', owner_id: ids.alice});
        expect(request.endpoints[0]!.url).toBe('https://hooks.example.com/x');
        expect(request.facts).toMatchObject({
            event_type: 'post_created',
            trigger_word: 'deploy',
            channel: {id: ids.town, name: 'town-square', type: 'O'},
            team: {id: ids.team, name: 'eng'},
            user: {id: ids.alice, username: 'alice'},
            hops: 0,
        });
    });

    it('carries named regex groups into the delivery', async () => {
        const {engine, submitted, addRule} = setup();
        await addRule({trigger: {mode: 'regex', pattern: 'deploy (?P<service>\\w+) to (?P<env>\\w+)'}});

        await engine.onPosted(post('please deploy api to staging'));

        expect(submitted[0]!.facts.groups).toMatchObject({service: 'api', env: 'staging'});
    });

    it('does nothing for channels without rules, non-matching posts and its own bot', async () => {
        const {engine, submitted, addRule} = setup();
        expect((await engine.onPosted(post('deploy', {channel_id: ids.priv}))).skipped).toBe('no rules');
        await addRule({trigger: {mode: 'exact', words: ['deploy']}});
        expect((await engine.onPosted(post('hello'))).skipped).toBe('no match');
        expect((await engine.onPosted(post('deploy', {user_id: ids.bot}))).skipped).toBe('own_post');
        expect(submitted).toHaveLength(0);
    });

    it('rests while the channel is archived (posts and edits), and fires again once it is unarchived', async () => {
        const {engine, submitted, addRule, channels} = setup();
        await addRule({events: ['posted', 'edited'], trigger: {mode: 'exact', words: ['deploy']}});
        expect((await engine.onPosted(post('deploy 1'))).submitted).toHaveLength(1);

        channels[ids.town] = channel({delete_at: 1_700_000_000_500});
        expect((await engine.onPosted(post('deploy 2', {id: id('p2')}))).skipped).toBe('channel archived');
        const before = post('hello', {id: id('p3')});
        expect((await engine.onEdited(post('deploy 3', {id: id('p3'), edit_at: 1_700_000_001_000}), before)).skipped).toBe('channel archived');
        expect(submitted).toHaveLength(1);

        channels[ids.town] = channel();
        expect((await engine.onPosted(post('deploy 4', {id: id('p4')}))).submitted).toHaveLength(1);
    });

    it('stops reply chains at the hop limit', async () => {
        const {engine, submitted, addRule} = setup();
        await addRule({});
        await engine.onPosted(post('x', {props: {tripwire_hops: 3}}));
        expect(submitted).toHaveLength(0);
        await engine.onPosted(post('x', {props: {tripwire_hops: 1}}));
        expect(submitted[0]!.facts.hops).toBe(1);
    });

    it('fires an edit only when it newly matches, and only once per post', async () => {
        const {engine, submitted, addRule} = setup();
        await addRule({events: ['posted', 'edited'], trigger: {mode: 'exact', words: ['deploy']}});
        const before = post('hello');
        const after = post('deploy now', {edit_at: 1_700_000_001_000});

        expect((await engine.onEdited(before, before)).skipped).toBe('text unchanged');
        const first = await engine.onEdited(after, before);
        expect(first.submitted).toHaveLength(1);
        expect(submitted[0]!.facts).toMatchObject({event_type: 'post_edited', event_id: `${after.id}:${after.edit_at}`});

        const again = await engine.onEdited(post('deploy again', {edit_at: 1_700_000_002_000}), after);
        expect(again.submitted).toHaveLength(0);
        expect(submitted).toHaveLength(1);
    });

    it('keeps other rules firing when one cannot be queued', async () => {
        const {engine, submitted, addRule} = setup('a');
        await addRule({name: 'a'});
        await addRule({name: 'b'});
        const outcome = await engine.onPosted(post('anything'));
        expect(outcome.matched).toHaveLength(2);
        expect(submitted.map((r) => r.rule.name)).toEqual(['b']);
        expect(outcome.submitted).toHaveLength(1);
    });

    it('fires personal rules in a group message once every member consented, and never while the admin switch is off', async () => {
        const gmPost = post('deploy now', {channel_id: ids.gm, id: id('gmpost')});
        const personal: Partial<RuleSpecInput> = {name: 'mine', scope: {kind: 'direct', channelTypes: ['G']}, trigger: {mode: 'exact', words: ['deploy']}};

        const off = setup(undefined, {consenting: [ids.alice, ids.bob, ids.carol]});
        await off.addRule(personal);
        expect(await off.engine.onPosted(gmPost)).toMatchObject({skipped: 'direct message rules off'});
        expect(off.memberLookups).toEqual([]); // the switch is checked before any member lookup

        const partial = setup(undefined, {settings: {EnableDirectMessageRules: true}, consenting: [ids.alice, ids.bob]});
        await partial.addRule(personal);
        expect((await partial.engine.onPosted(gmPost)).matched).toEqual([]);

        const all = setup(undefined, {settings: {EnableDirectMessageRules: true}, consenting: [ids.alice, ids.bob, ids.carol]});
        const rule = await all.addRule(personal);
        expect((await all.engine.onPosted(gmPost)).matched).toEqual([rule.id]);
        expect(all.memberLookups).toEqual([ids.gm]);
        expect(all.submitted).toHaveLength(1);
    });
});
