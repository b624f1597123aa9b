import {deliveryFactsSchema, THREAD_EXCERPT_CHARS, THREAD_PARTICIPANTS_MAX} from '@tripwire/common';

import {buildRequest} from '../dispatch/payload/build_request';
import {endpoint, facts} from '../dispatch/testing/factories';
import {PluginApiError, type FileMetadata, type Logger, type PostInfo, type PostThread} from '../ports';
import {id, ids, post} from '../rules/testing/factories';

import {PostDetails, type PostDetailsApi} from './post_details';

function details(target: PostInfo, api: Partial<PostDetailsApi>) {
    const warnings: string[] = [];
    const log: Logger = {debug() {}, info() {}, warn: (m) => warnings.push(m), error() {}};
    const calls: string[] = [];
    const full: PostDetailsApi = {
        getFileInfo: async (fileId) => (calls.push(fileId), api.getFileInfo ? api.getFileInfo(fileId) : Promise.reject(new Error('unused'))),
        getPostThread: async (postId) => (calls.push(postId), api.getPostThread ? api.getPostThread(postId) : Promise.reject(new Error('unused'))),
    };
    return {details: new PostDetails(full, target, log), warnings, calls};
}

const root = post('x', {id: id('root'), user_id: ids.bob, create_at: 1_445_532_000_000});
const replyTo = (n: number, user_id: string) => post(`r${n}`, {id: id(`r${n}`), root_id: root.id, user_id, create_at: root.create_at + n});
const threadOf = (...posts: PostInfo[]): PostThread => ({order: posts.map((p) => p.id).reverse(), posts: Object.fromEntries(posts.map((p) => [p.id, p]))});
const info = (fileId: string, mime_type: string): FileMetadata => ({id: fileId, name: `${fileId}.bin`, extension: 'bin', size: 1, mime_type, delete_at: 0});

describe('PostDetails', () => {
    it('cuts a long root message at a code point boundary and lists each participant once, up to the limit', async () => {
        const emoji = '🎉'.repeat(THREAD_EXCERPT_CHARS + 1);
        const replies = Array.from({length: THREAD_PARTICIPANTS_MAX + 5}, (_, i) => replyTo(i + 1, id(`user${i}`)));
        const target = replyTo(1, id('user0'));
        const {details: d} = details(target, {getPostThread: async () => threadOf({...root, message: emoji}, ...replies, replyTo(99, ids.bob))});
        const thread = await d.thread();
        expect(thread?.root_message).toBe(`${'🎉'.repeat(THREAD_EXCERPT_CHARS)}…`);
        expect(thread?.reply_count).toBe(replies.length + 1);
        expect(thread?.participants).toHaveLength(THREAD_PARTICIPANTS_MAX);
        expect(thread?.participants?.slice(0, 3)).toEqual([ids.bob, id('user0'), id('user1')]);
        const {details: short} = details(target, {getPostThread: async () => threadOf(root, target)});
        expect((await short.thread())?.root_message).toBe('x');
    });

    it('reads each fact once, and nothing for a root post without files', async () => {
        const target = {...replyTo(1, ids.alice), file_ids: ['a']};
        const {details: d, calls} = details(target, {getPostThread: async () => threadOf(root, target), getFileInfo: async (f) => info(f, 'text/plain')});
        await Promise.all([d.thread(), d.files(), d.deliveryFacts(), d.deliveryFacts()]);
        expect(calls).toEqual([root.id, 'a']);
        const {details: none, calls: noCalls} = details(root, {});
        expect(await none.deliveryFacts()).toEqual({});
        expect(await none.files()).toEqual([]);
        expect(noCalls).toEqual([]);
    });

    it('skips files Mattermost no longer has, and leaves the types unknown when it cannot answer', async () => {
        const gone = new PluginApiError('missing', 404);
        const {details: d} = details(post('x', {file_ids: ['a', 'b']}), {getFileInfo: async (f) => (f === 'a' ? Promise.reject(gone) : info(f, 'image/png'))});
        expect(await d.files()).toEqual([{id: 'b', name: 'b.bin', size: 1, mime_type: 'image/png', extension: 'bin'}]);
        const {details: failing, warnings} = details(post('x', {file_ids: ['a', 'b']}), {getFileInfo: async () => Promise.reject(new PluginApiError('db', 500))});
        expect(await failing.files()).toBeUndefined();
        expect(await failing.deliveryFacts()).toEqual({});
        expect(warnings).toEqual(['Tripwire could not read the files of a post']);
    });

    it('gives the payloads what they read: Slack thread_ts from the root, rich thread and files', async () => {
        const target = {...replyTo(2, ids.alice), file_ids: ['a']};
        const {details: d} = details(target, {getPostThread: async () => threadOf(root, replyTo(1, ids.carol), target), getFileInfo: async (f) => info(f, 'image/png')});
        const withDetails = deliveryFactsSchema.parse(facts({post: {id: target.id, message: 'deploy', create_at: target.create_at, root_id: root.id}, ...(await d.deliveryFacts())}));
        const ctx = {facts: withDetails, rule: {id: 'rule1', name: 'R'}, deliveryId: 'd1', webhookId: 'msg_d1', responseUrl: '', token: 't'};
        const slack = new URLSearchParams(buildRequest(endpoint({url: 'https://svc.example.com/', payload: 'slack'}), ctx).body.toString());
        expect(slack.get('thread_ts')).toBe('1445532000.000000');
        const rich = JSON.parse(buildRequest(endpoint({url: 'https://svc.example.com/', payload: 'rich'}), ctx).body.toString());
        expect(rich.thread).toMatchObject({root_id: root.id, root_message: 'x', reply_count: 2, participants: [ids.bob, ids.carol, ids.alice]});
        expect(rich.files).toEqual([{id: 'a', name: 'a.bin', size: 1, mime_type: 'image/png', extension: 'bin'}]);
        const template = buildRequest(endpoint({url: 'https://svc.example.com/', payload: 'template', body_template: '{"replies": {{thread.reply_count}}, "first": "{{thread.participants.0}}", "type": "{{files.0.mime_type}}"}'}), ctx);
        expect(JSON.parse(template.body.toString())).toEqual({replies: 2, first: ids.bob, type: 'image/png'});
    });
});
