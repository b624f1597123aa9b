import {type RuleSpecInput} from '@tripwire/common';

import {type FileMetadata, type PostInfo} from '../ports';
import {channel, id, ids, post} from '../rules/testing/factories';

import {AUTOMATED_COOLDOWN_SECONDS} from './guards';
import {setup} from './testing/post_engine_setup';

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
});
