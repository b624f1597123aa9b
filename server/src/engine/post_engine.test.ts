import {type RuleSpecInput} from '@tripwire/common';

import {parseSettings} from '../config/settings';
import {type DeliveryRequest} from '../dispatch/types';
import {PluginApiError, type ChannelInfo, type FileMetadata, type Logger, type PostInfo, type PostThread} from '../ports';
import {RuleStore} from '../rules/rule_store';
import {channel, id, ids, post, user} from '../rules/testing/factories';
import {MemoryKV} from '../rules/testing/memory_kv';

import {AUTOMATED_COOLDOWN_SECONDS, Guards} from './guards';
import {LookupCache} from './lookup_cache';
import {PostEngine} from './post_engine';

const quiet: Logger = {debug() {}, info() {}, warn() {}, error() {}};

interface SetupOptions {
    settings?: Record<string, unknown>;
    /** Who has consented to rules in direct and group conversations. */
    consenting?: string[];
    /** Mattermost's file infos by id, threads by root id, and the authors' groups (else no group source). */
    files?: Record<string, FileMetadata>;
    threads?: Record<string, PostThread>;
    /** Posts by id (the reacted posts). */
    posts?: Record<string, PostInfo>;
    groups?: Record<string, string[]> | 'failing';
    /** Channel, user and team lookups through a LookupCache (as in production). */
    cached?: boolean;
    /** Receives match durations. */
    matchTook?: (event: string, seconds: number) => void;
}

function setup(failFor?: string, opts: SetupOptions = {}) {
    let now = 1_700_000_000_000;
    const clock = {now: () => now};
    const kv = new MemoryKV(clock.now);
    const settings = () => parseSettings(opts.settings ?? {});
    const memberLookups: string[] = [];
    const lookups: string[] = [];
    const channelCalls: string[] = [];
    const warnings: string[] = [];
    const store = new RuleStore({kv, publish: async () => {}, clock, settings, log: quiet});
    const submitted: DeliveryRequest[] = [];
    const channels: Record<string, ChannelInfo> = {
        [ids.town]: channel(),
        [ids.priv]: channel({id: ids.priv, type: 'P', name: 'ops', display_name: 'Ops'}),
        [ids.gm]: channel({id: ids.gm, team_id: '', type: 'G', name: 'gm', display_name: 'alice, bob, carol'}),
    };
    const api = {
            getChannel: async (id: string) => {
                channelCalls.push(id);
                return channels[id] ?? Promise.reject(new Error(`no channel ${id}`));
            },
            getUser: async (id: string) => user({id, username: id === ids.alice ? 'alice' : 'bob', is_bot: id === ids.bot || id === ids.otherBot}),
            getTeam: async (id: string) => ({id, name: 'eng', display_name: 'Engineering'}),
            getFileInfo: async (id: string) => {
                lookups.push(`file ${id}`);
                return opts.files?.[id] ?? Promise.reject(new PluginApiError('no file', 404));
            },
            getPost: async (id: string) => {
                lookups.push(`post ${id}`);
                return opts.posts?.[id] ?? Promise.reject(new PluginApiError('no post', 404));
            },
            getPostThread: async (id: string) => {
                lookups.push(`thread ${id}`);
                return opts.threads?.[id] ?? Promise.reject(new PluginApiError('store down', 500));
            },
    };
    const engine = new PostEngine({
        api,
        ...(opts.cached && {lookups: new LookupCache(api, clock)}),
        ...(opts.groups && {
            groups: {
                groupIdsForUser: async (userId: string) => {
                    lookups.push(`groups ${userId}`);
                    if (opts.groups === 'failing') throw new PluginApiError('ldap down', 500);
                    return opts.groups?.[userId] ?? [];
                },
            },
        }),
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
        log: {...quiet, warn: (message) => warnings.push(message)},
        ...(opts.matchTook && {metrics: {matchTook: opts.matchTook}}),
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
    return {engine, submitted, addRule, memberLookups, lookups, channelCalls, warnings, channels, advance: (ms: number) => (now += ms)};
}

describe('PostEngine', () => {
    it("names the rule's own bot in the delivery only while the system admin allows rule bots", async () => {
        for (const allowed of [true, false]) {
            const {engine, submitted, addRule} = setup(undefined, {settings: {AllowRuleBots: allowed}});
            const rule = await addRule({trigger: {mode: 'any'}, bot: {username: 'deploy-bot'}, botUserId: ids.bob} as never);
            await engine.onPosted(post('deploy'));
            expect(submitted[0]!.rule).toEqual({id: rule.id, name: 'r', owner_id: ids.alice, ...(allowed && {bot_user_id: ids.bob})});
        }
    });

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

    it('times matching for metrics, by event, only where the channel has rules', async () => {
        const timed: Array<[string, number]> = [];
        const {engine, addRule} = setup(undefined, {matchTook: (event, seconds) => timed.push([event, seconds])});
        await engine.onPosted(post('deploy', {channel_id: ids.priv}));
        expect(timed).toEqual([]);
        await addRule({trigger: {mode: 'exact', words: ['deploy']}});
        await engine.onPosted(post('hello'));
        await engine.onEdited(post('deploy now', {id: 'p-edit', edit_at: 2}), post('hello', {id: 'p-edit'}));
        expect(timed.map(([event]) => event)).toEqual(['posted', 'edited']);
        expect(timed.every(([, seconds]) => seconds >= 0 && seconds < 1)).toBe(true);
    });

    describe('reply chains through services', () => {
        /** What Tripwire's bot posts for a service: a reply, a response_url or inbound-URL post, an action's update. */
        const forService = (message: string, hops: number, extra: Partial<PostInfo> = {}) =>
            post(message, {user_id: ids.bot, props: {from_webhook: 'true', tripwire_rule_id: 'r0', tripwire_hops: hops}, ...extra});

        it("lets Tripwire's posts for services trigger rules that allow integrations, counting hops up to MaxHops", async () => {
            const {engine, submitted, addRule} = setup();
            const rule = await addRule({trigger: {mode: 'exact', words: ['deploy']}, sources: {bots: false, integrations: true}});
            const outcome = await engine.onPosted(forService('deploy', 1));
            expect(outcome.matched).toEqual([rule.id]);
            expect(submitted[0]!.facts.hops).toBe(1);
            // MaxHops (3 by default) is what stops the chain: the third hop never fires.
            expect((await engine.onPosted(forService('deploy', 3))).skipped).toBe('hop_limit');
            // Its own words (notices, announcements) never trigger anything.
            expect((await engine.onPosted(post('deploy', {user_id: ids.bot, props: {tripwire_rule_id: 'r0'}}))).skipped).toBe('own_post');
            expect((await engine.onPosted(post('deploy', {user_id: ids.bot}))).skipped).toBe('own_post');
            expect(submitted).toHaveLength(1);
        });

        it('counts them as integration posts, not bot posts', async () => {
            const {engine, submitted, addRule} = setup();
            await addRule({trigger: {mode: 'exact', words: ['deploy']}, sources: {bots: true, integrations: false}});
            expect((await engine.onPosted(forService('deploy', 1))).skipped).toBe('no match');
            expect(submitted).toHaveLength(0);
        });

        it(`holds bot- and integration-triggered rules to a ${AUTOMATED_COOLDOWN_SECONDS} s channel cooldown unless the rule sets a longer one`, async () => {
            const {engine, submitted, addRule, advance} = setup();
            await addRule({name: 'quick', trigger: {mode: 'exact', words: ['deploy']}, sources: {bots: true, integrations: true}});
            const fromBot = () => post('deploy', {user_id: ids.otherBot});
            expect((await engine.onPosted(fromBot())).submitted).toHaveLength(1);
            expect((await engine.onPosted(fromBot())).held).toEqual([expect.objectContaining({reason: 'cooldown_channel'})]);
            expect((await engine.onPosted(forService('deploy', 1))).held).toEqual([expect.objectContaining({reason: 'cooldown_channel'})]);
            // People are not held by it: the rule's own cooldown is 0.
            expect((await engine.onPosted(post('deploy'))).submitted).toHaveLength(1);
            advance(AUTOMATED_COOLDOWN_SECONDS * 1000);
            expect((await engine.onPosted(fromBot())).submitted).toHaveLength(1);
            expect(submitted).toHaveLength(3);

            const slow = setup();
            await slow.addRule({trigger: {mode: 'exact', words: ['deploy']}, sources: {bots: true, integrations: false}, cooldown: {channelSeconds: 60, userSeconds: 0}});
            expect((await slow.engine.onPosted(fromBot())).submitted).toHaveLength(1);
            slow.advance(AUTOMATED_COOLDOWN_SECONDS * 1000);
            expect((await slow.engine.onPosted(fromBot())).held).toEqual([expect.objectContaining({reason: 'cooldown_channel'})]);
        });
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

    it('with the lookup cache, asks for a channel once, sees an archive after its system message and a restore at once', async () => {
        const {engine, submitted, addRule, channels, channelCalls} = setup(undefined, {cached: true});
        await addRule({trigger: {mode: 'exact', words: ['deploy']}});
        const channelLookups = () => channelCalls.length;
        await engine.onPosted(post('deploy 1'));
        await engine.onPosted(post('deploy 2', {id: id('p2')}));
        expect(submitted).toHaveLength(2);
        expect(channelLookups()).toBe(1);

        // Archiving: Mattermost posts its system message, then stores delete_at; the channel is not cached meanwhile.
        await engine.onPosted(post('alice archived the channel', {id: id('p3'), type: 'system_channel_deleted'}));
        channels[ids.town] = channel({delete_at: 1_700_000_000_500});
        expect((await engine.onPosted(post('deploy 4', {id: id('p4')}))).skipped).toBe('channel archived');
        expect((await engine.onPosted(post('deploy 5', {id: id('p5')}))).skipped).toBe('channel archived');

        channels[ids.town] = channel();
        expect((await engine.onPosted(post('deploy 6', {id: id('p6')}))).submitted).toHaveLength(1);
        expect(submitted).toHaveLength(3);
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

    describe('post context from Mattermost', () => {
        const file = (id: string, name: string, mime_type: string): FileMetadata => ({id, name, extension: name.split('.').pop() ?? '', size: 2048, mime_type, delete_at: 0});
        const files = {f1: file('f1', 'shot.png', 'image/png'), f2: file('f2', 'notes.pdf', 'application/pdf')};
        const root = post('release 1.2 is out', {id: id('root'), create_at: 1_000, user_id: ids.bob});
        const reply = (n: number, user_id: string, at: number): PostInfo => post(`reply ${n}`, {id: id(`reply${n}`), root_id: root.id, user_id, create_at: at});
        const threads = {[root.id]: {order: [], posts: Object.fromEntries([root, reply(1, ids.carol, 2_000), reply(2, ids.bob, 3_000)].map((p) => [p.id, p]))}};

        it('matches the group condition through the group source, and treats an unreadable source as not in the group', async () => {
            const {engine, submitted, addRule, warnings} = setup(undefined, {groups: {[ids.alice]: [id('ops')]}});
            await addRule({conditions: [{type: 'group', groupIds: [id('ops')]}]});
            expect((await engine.onPosted(post('hi'))).submitted).toHaveLength(1);
            expect((await engine.onPosted(post('hi', {id: id('post2'), user_id: ids.bob}))).skipped).toBe('no match');
            expect(submitted).toHaveLength(1);

            const failing = setup(undefined, {groups: 'failing'});
            await failing.addRule({conditions: [{type: 'group', groupIds: [id('ops')]}]});
            expect((await failing.engine.onPosted(post('hi'))).skipped).toBe('no match');
            expect(failing.warnings).toEqual(['Tripwire could not read the groups of a post author']);
            expect(warnings).toEqual([]);
        });

        it('asks for groups only when a rule has a group condition', async () => {
            const {engine, addRule, lookups} = setup(undefined, {groups: {}});
            await addRule({});
            await engine.onPosted(post('hi'));
            expect(lookups.filter((l) => l.startsWith('groups'))).toEqual([]);
        });

        it('matches has_files MIME types against the files Mattermost describes', async () => {
            const {engine, submitted, addRule, lookups} = setup(undefined, {files});
            await addRule({conditions: [{type: 'has_files', mimeTypes: ['image/*']}]});
            expect((await engine.onPosted(post('see', {file_ids: ['f2']}))).skipped).toBe('no match');
            expect((await engine.onPosted(post('see', {id: id('post2'), file_ids: ['f2', 'f1']}))).submitted).toHaveLength(1);
            expect((await engine.onPosted(post('see', {id: id('post3'), file_ids: ['gone']}))).skipped).toBe('no match');
            // Each post's files are read once, for the match and the delivery together.
            expect(lookups).toEqual(['file f2', 'file f2', 'file f1', 'file gone']);
            expect(submitted[0]!.facts.files).toEqual([
                {id: 'f2', name: 'notes.pdf', size: 2048, mime_type: 'application/pdf', extension: 'pdf'},
                {id: 'f1', name: 'shot.png', size: 2048, mime_type: 'image/png', extension: 'png'},
            ]);
        });

        it("gives a reply's deliveries its thread and files, and reads nothing for a root post without files", async () => {
            const {engine, submitted, addRule, lookups} = setup(undefined, {files, threads});
            await addRule({});
            await engine.onPosted(post('plain root'));
            expect(lookups).toEqual([]);
            expect(submitted[0]!.facts).not.toHaveProperty('thread');
            expect(submitted[0]!.facts).not.toHaveProperty('files');

            // The hook's own post may not be in the thread read yet: it counts all the same.
            await engine.onPosted({...reply(3, ids.alice, 4_000), file_ids: ['f1']});
            expect(lookups).toEqual([`thread ${root.id}`, 'file f1']);
            expect(submitted[1]!.facts.thread).toEqual({
                root_id: root.id,
                root_message: 'release 1.2 is out',
                root_user_id: ids.bob,
                root_create_at: 1_000,
                reply_count: 3,
                participants: [ids.bob, ids.carol, ids.alice],
            });
            expect(submitted[1]!.facts.files).toEqual([{id: 'f1', name: 'shot.png', size: 2048, mime_type: 'image/png', extension: 'png'}]);
        });

        it('reads nothing when no rule fires, and still delivers a reply whose thread cannot be read', async () => {
            const {engine, submitted, addRule, lookups, warnings} = setup(undefined, {threads: {}});
            await addRule({trigger: {mode: 'exact', words: ['deploy']}});
            await engine.onPosted(reply(1, ids.alice, 2_000));
            expect(lookups).toEqual([]);
            await engine.onPosted({...reply(2, ids.alice, 3_000), message: 'deploy now'});
            expect(submitted).toHaveLength(1);
            expect(submitted[0]!.facts.thread).toEqual({root_id: root.id});
            expect(warnings).toEqual(['Tripwire could not read the thread of a reply']);
        });
    });

    describe('reactions, memberships and file posts', () => {
        const reacted = post('ship it', {id: id('reacted'), user_id: ids.bob, file_ids: ['f1'], props: {from_webhook: 'true'}});
        const reaction = (emoji: string, overrides: Partial<{user_id: string; post_id: string; channel_id: string}> = {}) => ({
            user_id: ids.alice,
            post_id: reacted.id,
            emoji_name: emoji,
            create_at: 1_700_000_000_500,
            ...overrides,
        });
        const file = {id: 'f1', name: 'report.pdf', extension: 'pdf', size: 1234, mime_type: 'application/pdf', delete_at: 0};

        it('fires a reaction rule for its emoji only, with the reacted post, its files and the reacting user', async () => {
            const {engine, submitted, addRule} = setup(undefined, {posts: {[reacted.id]: reacted}, files: {f1: file}});
            const rule = await addRule({events: ['reaction_added'], emoji: ['ticket']});

            expect((await engine.onReaction('reaction_added', reaction('smile'))).skipped).toBe('no match');
            const outcome = await engine.onReaction('reaction_added', reaction('ticket'));

            expect(outcome.matched).toEqual([rule.id]);
            expect(submitted).toHaveLength(1);
            const facts = submitted[0]!.facts;
            expect(facts).toMatchObject({
                event_type: 'reaction_added',
                post: {id: reacted.id, message: 'ship it', file_ids: ['f1']},
                user: {id: ids.alice, username: 'alice'},
                reaction: {emoji_name: 'ticket', create_at: 1_700_000_000_500, post_user_id: ids.bob},
                files: [{id: 'f1', name: 'report.pdf', mime_type: 'application/pdf', size: 1234}],
            });
            expect(facts.event_id).toMatch(/^reaction_added:[0-9a-f]{40}$/);
            // A posted-only rule, and the same rule for a removal, do not fire.
            expect((await engine.onReaction('reaction_removed', reaction('ticket'))).skipped).toBe('no match');
        });

        it('reads no post for a reaction in a channel without rules', async () => {
            const {engine, addRule, lookups} = setup(undefined, {posts: {[reacted.id]: reacted}});
            await addRule({events: ['reaction_added']});
            expect((await engine.onReaction('reaction_added', reaction('ticket', {channel_id: ids.priv}))).skipped).toBe('no rules');
            expect(lookups).toEqual([]);
            expect((await engine.onReaction('reaction_added', reaction('ticket', {channel_id: ids.town}))).submitted).toHaveLength(1);
            expect(lookups).toEqual([`post ${reacted.id}`, 'file f1']);
        });

        it("never fires for Tripwire's own reactions, and applies the reacting user's bot-ness and cooldowns", async () => {
            const {engine, submitted, addRule} = setup(undefined, {posts: {[reacted.id]: reacted}});
            await addRule({events: ['reaction_added', 'reaction_removed'], cooldown: {channelSeconds: 0, userSeconds: 60}});

            expect((await engine.onReaction('reaction_added', reaction('ticket', {user_id: ids.bot}))).skipped).toBe('own_post');
            expect((await engine.onReaction('reaction_added', reaction('ticket', {user_id: ids.otherBot}))).skipped).toBe('no match');
            // The reacted post came from a webhook, but the reaction is a person's: it fires.
            expect((await engine.onReaction('reaction_added', reaction('ticket'))).submitted).toHaveLength(1);
            expect((await engine.onReaction('reaction_removed', reaction('ticket'))).held).toEqual([expect.objectContaining({reason: 'cooldown_user'})]);
            expect((await engine.onReaction('reaction_added', reaction('x', {post_id: id('gone')}))).skipped).toBe('reacted post not found');
            expect(submitted).toHaveLength(1);
        });

        it('fires a join rule with the user who joined and who added them, and a leave rule without an actor', async () => {
            const {engine, submitted, addRule} = setup();
            const joined = await addRule({name: 'joins', events: ['user_joined']});
            const left = await addRule({name: 'leaves', events: ['user_left']});

            const bob = user({id: ids.bob, username: 'bob'});
            expect((await engine.onMembership('user_joined', {channel_id: ids.town, user_id: ids.alice}, bob)).matched).toEqual([joined.id]);
            expect((await engine.onMembership('user_left', {channel_id: ids.town, user_id: ids.alice}, null)).matched).toEqual([left.id]);
            expect(submitted.map((r) => r.facts)).toEqual([
                expect.objectContaining({event_type: 'user_joined', user: expect.objectContaining({id: ids.alice}), membership: {actor: expect.objectContaining({id: ids.bob, username: 'bob'})}, post: expect.objectContaining({id: '', message: ''})}),
                expect.objectContaining({event_type: 'user_left', user: expect.objectContaining({id: ids.alice}), membership: {}}),
            ]);
            // Tripwire's bot being added to a channel triggers nothing.
            expect((await engine.onMembership('user_joined', {channel_id: ids.town, user_id: ids.bot}, bob)).skipped).toBe('own_post');
        });

        it('keeps direct-conversation consent for reactions', async () => {
            const gmPost = post('hi', {id: id('gmpost'), channel_id: ids.gm});
            const {engine, submitted, addRule} = setup(undefined, {posts: {[gmPost.id]: gmPost}, settings: {EnableDirectMessageRules: true}, consenting: [ids.alice, ids.bob]});
            await addRule({events: ['reaction_added'], scope: {kind: 'direct', channelTypes: ['G']}});
            expect((await engine.onReaction('reaction_added', reaction('ticket', {post_id: gmPost.id}))).skipped).toBe('no match');
            expect(submitted).toHaveLength(0);
        });

        it('lets a file posted without text reach a has_files rule, with the file metadata', async () => {
            const {engine, submitted, addRule} = setup(undefined, {files: {f1: file}});
            await addRule({conditions: [{type: 'has_files', mimeTypes: ['application/*']}]});
            const outcome = await engine.onPosted(post('', {file_ids: ['f1']}));
            expect(outcome.submitted).toHaveLength(1);
            expect(submitted[0]!.facts).toMatchObject({post: {message: '', file_ids: ['f1']}, files: [{id: 'f1', name: 'report.pdf', mime_type: 'application/pdf', size: 1234, extension: 'pdf'}]});
        });
    });
});
