import {id, ids, post, user} from '../rules/testing/factories';

import {setup} from './testing/post_engine_setup';

describe('PostEngine reactions, memberships and file posts', () => {
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
