import {responseOptionsSchema, type ReplyTarget, type ServiceReply} from '@tripwire/common';

import type {PostDraft, PostInfo} from '../ports';

import {createReplyPoster} from './reply_poster';

const target: ReplyTarget = {
    rule_id: 'rule1',
    rule_name: 'Deploys',
    delivery_id: 'd1',
    channel_id: 'chan1',
    trigger_post_id: 'post1',
    thread_root_id: 'post1',
    trigger_in_thread: false,
    user_id: 'user1',
    triggered_at: 0,
    hops: 0,
    response: responseOptionsSchema.parse({}),
};
const reply = (body: unknown): ServiceReply => ({status: 200, contentType: 'application/json', body: Buffer.from(JSON.stringify(body)), truncated: false, source: 'response'});
const info = (p: PostDraft, id: string): PostInfo => ({...p, id, create_at: 1, update_at: 1, edit_at: 0, delete_at: 0, user_id: p.user_id ?? '', root_id: p.root_id ?? '', type: '', props: p.props ?? {}});

function world() {
    const created: PostDraft[] = [];
    const ephemeral: Array<[string, PostDraft]> = [];
    const poster = createReplyPoster({
        api: {
            createPost: async (p) => (created.push(p), info(p, `p${created.length}`)),
            sendEphemeralPost: async (u, p) => (ephemeral.push([u, p]), info(p, 'eph')),
            getPostsSince: async (channelId, since) => ({
                order: since <= 5 ? ['b', 'a'] : [],
                posts: {a: info({channel_id: channelId, message: '', props: {tripwire_delivery_id: 'd1'}}, 'a'), b: info({channel_id: channelId, message: ''}, 'b')},
            }),
        },
        botUserId: () => 'bot1',
        users: {getUser: async (id: string) => ({id, username: `user_${id}`}) as never},
        clock: {now: () => 1000},
        serverConfig: () => ({enablePostUsernameOverride: false, enablePostIconOverride: false}),
    });
    return {created, ephemeral, poster};
}

describe('createReplyPoster', () => {
    describe('with a reply template', () => {
        const templated = (extra: Record<string, unknown> = {}): ReplyTarget => ({...target, bot_user_id: 'rulebot1', response: responseOptionsSchema.parse({reply_to: 'thread', reply_template: '{{user.username}}: PagerDuty {{reply.json.status}} `{{reply.json.dedup_key}}`', ...extra})});
        const vars = {user: {username: 'alice'}};

        it("makes the service's own answer a post: the rule's placement and bot, Tripwire's props", async () => {
            const prepared = await world().poster.prepare(templated(), reply({status: 'success', dedup_key: 'k1', text: 'not this'}), vars);
            expect(prepared).toEqual({
                kind: 'parts',
                delayed: false,
                parts: [{kind: 'post', post: expect.objectContaining({message: 'alice: PagerDuty success `k1`', root_id: 'post1', user_id: 'rulebot1', props: expect.objectContaining({tripwire_delivery_id: 'd1', tripwire_hops: 1})})}],
            });
        });

        it('still reads a response_url reply as Mattermost\'s reply format', async () => {
            const prepared = await world().poster.prepare(templated(), {...reply({text: 'later'}), source: 'response_url'}, vars);
            expect(prepared).toMatchObject({kind: 'parts', parts: [{post: {message: 'later'}}]});
        });

        it('posts nothing when the text renders empty, and says why', async () => {
            const prepared = await world().poster.prepare(templated({reply_template: '{{reply.json.nope}}'}), reply({}), vars);
            expect(prepared).toEqual({kind: 'outcome', outcome: {kind: 'none', reason: 'the reply template rendered no text'}});
        });
    });

    it('prepares posts first, then ephemeral parts, as the bot, posting nothing yet', async () => {
        const w = world();
        const prepared = await w.poster.prepare(target, reply({text: 'hi', extra_responses: [{text: 'psst', response_type: 'ephemeral'}, {text: 'also', response_type: 'comment'}]}));
        expect(prepared).toMatchObject({
            kind: 'parts',
            delayed: false,
            parts: [
                {kind: 'post', post: {channel_id: 'chan1', user_id: 'bot1', message: 'hi', props: {tripwire_delivery_id: 'd1', tripwire_hops: 1}}},
                {kind: 'post', post: {message: 'also', root_id: 'post1'}},
                {kind: 'ephemeral', user_id: 'user1', post: {message: 'psst'}},
            ],
        });
        expect(w.created).toEqual([]);
    });

    it("posts as the rule's own bot when the delivery names one (ephemeral parts too)", async () => {
        const w = world();
        const prepared = await w.poster.prepare({...target, bot_user_id: 'rulebot'}, reply({text: 'hi', extra_responses: [{text: 'psst', response_type: 'ephemeral'}]}));
        expect(prepared).toMatchObject({
            kind: 'parts',
            parts: [
                {kind: 'post', post: {user_id: 'rulebot', message: 'hi'}},
                {kind: 'ephemeral', post: {user_id: 'rulebot', message: 'psst'}},
            ],
        });
    });

    it('says what became of a reply with nothing to post', async () => {
        const w = world();
        expect(await w.poster.prepare(target, {...reply({}), body: Buffer.from('')})).toEqual({kind: 'outcome', outcome: {kind: 'none', reason: 'empty reply'}});
        expect(await w.poster.prepare(target, {...reply({}), body: Buffer.from('{"text": ')})).toMatchObject({kind: 'outcome', outcome: {kind: 'invalid'}});
    });

    it("resolves Slack's <@userid> to @username as native does, in what it stores", async () => {
        const w = world();
        const prepared = await w.poster.prepare(target, reply({text: 'ping <@u1>'}));
        expect(prepared).toMatchObject({kind: 'parts', parts: [{kind: 'post', post: {message: 'ping @user_u1'}}]});
    });

    it('creates one part at a time and returns its id; lists recent posts with their props', async () => {
        const w = world();
        expect(await w.poster.create({kind: 'post', post: {channel_id: 'chan1', message: 'hi'}})).toBe('p1');
        expect(await w.poster.create({kind: 'ephemeral', user_id: 'user1', post: {channel_id: 'chan1', message: 'psst'}})).toBe('eph');
        expect(w.ephemeral).toEqual([['user1', {channel_id: 'chan1', message: 'psst'}]]);
        expect(await w.poster.postsSince('chan1', 5)).toEqual([
            {id: 'b', props: {}},
            {id: 'a', props: {tripwire_delivery_id: 'd1'}},
        ]);
    });
});
