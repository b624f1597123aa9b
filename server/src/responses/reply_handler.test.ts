import {responseOptionsSchema, type ReplyTarget, type ServiceReply} from '@tripwire/common';

import type {PostDraft} from '../ports';

import {createReplyHandler} from './reply_handler';

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
const reply = (body: unknown): ServiceReply => ({status: 200, contentType: 'application/json', body: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)), truncated: false, source: 'response'});

function fakeApi(fail = false) {
    const created: PostDraft[] = [];
    const ephemeral: Array<[string, PostDraft]> = [];
    return {
        created,
        ephemeral,
        api: {
            createPost: async (p: PostDraft) => {
                if (fail) throw new Error('channel is archived');
                created.push(p);
                return {...p, id: 'new', create_at: 1, update_at: 1, edit_at: 0, delete_at: 0, user_id: p.user_id ?? '', root_id: p.root_id ?? '', type: '' as const, props: {}};
            },
            sendEphemeralPost: async (u: string, p: PostDraft) => {
                ephemeral.push([u, p]);
                return {...p, id: 'eph', create_at: 1, update_at: 1, edit_at: 0, delete_at: 0, user_id: p.user_id ?? '', root_id: p.root_id ?? '', type: '' as const, props: {}};
            },
        },
    };
}

/** A user store with one user, as Mattermost's GetUser answers (unknown ids fail). */
const users = {
    getUser: async (id: string) => {
        if (id !== 'u9bob0000000000000000000aa') throw new Error('not found');
        return {id, username: 'bob'} as Awaited<ReturnType<PluginAPIUsers['getUser']>>;
    },
};
type PluginAPIUsers = Parameters<typeof createReplyHandler>[0]['users'];

const handler = (api: ReturnType<typeof fakeApi>['api']) =>
    createReplyHandler({api, users, botUserId: 'bot1', clock: {now: () => 1000}, serverConfig: () => ({enablePostUsernameOverride: false, enablePostIconOverride: false})});

describe('createReplyHandler', () => {
    it('posts the reply and its ephemeral part, and says so', async () => {
        const fake = fakeApi();
        const outcome = await handler(fake.api)(target, reply({text: 'hi', extra_responses: [{text: 'psst', response_type: 'ephemeral'}]}));
        expect(outcome).toEqual({kind: 'posted', posts: 1, ephemeral: 1, delayed: false});
        expect(fake.created[0]).toMatchObject({channel_id: 'chan1', user_id: 'bot1', message: 'hi'});
        expect(fake.ephemeral[0]).toEqual(['user1', expect.objectContaining({message: 'psst'})]);
    });

    it('posts nothing for an invalid reply and gives the reason', async () => {
        const fake = fakeApi();
        expect(await handler(fake.api)(target, reply('{"text": "unterminated'))).toMatchObject({kind: 'invalid', reason: expect.stringMatching(/not JSON/)});
        expect(await handler(fake.api)(target, reply({text: 'ok', attachments: 'nope'}))).toMatchObject({kind: 'invalid', reason: expect.stringMatching(/^attachments/)});
        expect(fake.created).toHaveLength(0);
    });

    it('reports an empty body as no reply', async () => {
        expect(await handler(fakeApi().api)(target, reply(''))).toEqual({kind: 'none', reason: 'empty reply'});
    });

    it('reports a failed post as an error outcome instead of throwing', async () => {
        expect(await handler(fakeApi(true).api)(target, reply({text: 'x'}))).toEqual({kind: 'error', reason: 'posting the reply failed: channel is archived'});
    });

    // app/slack.go replaceUserIds: <@id> of a known user becomes @username in the text and the attachments; unknown
    // ids and the labelled form stay (the labelled form then meets the link regex, as natively).
    it('resolves <@userid> to @username like replaceUserIds', async () => {
        const fake = fakeApi();
        const body = {text: 'hi <@u9bob0000000000000000000aa>, not <@nobody1>', attachments: [{title: '<@u9bob0000000000000000000aa>', fields: [{title: 'who', value: '<@u9bob0000000000000000000aa>'}]}]};
        await handler(fake.api)(target, reply(body));
        expect(fake.created[0]!.message).toBe('hi @bob, not <@nobody1>');
        expect(fake.created[0]!.props!.attachments).toEqual([expect.objectContaining({title: '@bob', fields: [{title: 'who', value: '@bob', short: false}]})]);
    });

    it('leaves <@userid> alone under skip_slack_parsing', async () => {
        const fake = fakeApi();
        await handler(fake.api)(target, reply({text: '<@u9bob0000000000000000000aa>', skip_slack_parsing: true}));
        expect(fake.created[0]!.message).toBe('<@u9bob0000000000000000000aa>');
    });
});
