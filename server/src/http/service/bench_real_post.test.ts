import request from 'supertest';

import {reply, TestReceiver} from '../../dispatch/testing/receiver';
import {type PostInfo} from '../../ports';
import {as, CHANNELS, createWorld, mmid, ruleSpec, USERS, type World} from '../testing/world';

/** The test bench on a real post: evaluated as the engine would evaluate it, files and author's groups included. */
describe('the test bench on a real post', () => {
    let w: World;
    beforeEach(async () => {
        w = await createWorld();
        w.mm.files.set('shot', {id: 'shot', name: 'shot.png', extension: 'png', size: 10, mime_type: 'image/png', delete_at: 0});
        w.mm.files.set('notes', {id: 'notes', name: 'notes.pdf', extension: 'pdf', size: 10, mime_type: 'application/pdf', delete_at: 0});
    });
    afterEach(() => w.close());

    const realPost = (name: string, overrides: Partial<PostInfo>): string => {
        const id = mmid(name);
        const post = {id, create_at: 1, update_at: 1, edit_at: 0, delete_at: 0, user_id: USERS.member, channel_id: CHANNELS.pub, root_id: '', message: 'deploy now', type: '', props: {}};
        w.mm.posts.set(id, {...post, ...overrides});
        return id;
    };
    const test = (body: object) => request(w.app).post(`/api/v1/channels/${CHANNELS.pub}/test`).set(as('chanadmin')).send(body);
    const matched = async (body: object) => ((await test(body).expect(200)).body.outcomes as Array<{ruleName: string; matched: boolean}>).map((o) => [o.ruleName, o.matched]);

    it("reads the post's files from Mattermost for MIME type conditions", async () => {
        await w.addRule(ruleSpec({name: 'Images', conditions: [{type: 'has_files', mimeTypes: ['image/*']}]}));
        expect(await matched({post_id: realPost('withpng', {file_ids: ['notes', 'shot']})})).toEqual([['Images', true]]);
        expect(await matched({post_id: realPost('withpdf', {file_ids: ['notes']})})).toEqual([['Images', false]]);
        // A sample message still says what it would do with the files described.
        expect(await matched({message: 'deploy now', files: [{name: 'a.png', mime_type: 'image/png'}]})).toEqual([['Images', true]]);
    });

    it("tests the post's own message, thread position and author (with the author's groups)", async () => {
        const ops = mmid('opsgroup');
        await w.addRule(ruleSpec({name: 'Ops replies', threads: 'replies', conditions: [{type: 'group', groupIds: [ops]}]}));
        w.mm.groups.set(USERS.member, [{id: ops, display_name: 'Ops', source: 'ldap', delete_at: 0}]);
        const root = realPost('root', {message: 'release'});
        expect(await matched({post_id: realPost('reply', {root_id: root})})).toEqual([['Ops replies', true]]);
        expect(await matched({post_id: realPost('other', {root_id: root, user_id: USERS.teamadmin})})).toEqual([['Ops replies', false]]);
        expect(await matched({post_id: realPost('notdeploy', {root_id: root, message: 'ship it'})})).toEqual([['Ops replies', false]]);
    });

    it('refuses a post it cannot test, and a real post with sample fields, field by field', async () => {
        const elsewhere = realPost('elsewhere', {channel_id: CHANNELS.priv});
        expect((await test({post_id: mmid('missing')}).expect(400)).body.error.fields).toEqual({post_id: 'no such post'});
        expect((await test({post_id: elsewhere}).expect(400)).body.error.fields).toEqual({post_id: 'the post is not in this channel'});
        const mixed = await test({post_id: elsewhere, message: 'x', files: [{name: 'a.png', mime_type: 'image/png'}], is_reply: true}).expect(400);
        expect(Object.keys(mixed.body.error.fields).sort()).toEqual(['files', 'is_reply', 'message']);
        expect((await test({}).expect(400)).body.error.fields).toEqual({message: expect.stringContaining('post_id')});
    });
});

describe('a test delivery of a sample reply', () => {
    it('carries a sample thread, so Slack mode sends thread_ts as for a real reply', async () => {
        const w = await createWorld();
        const receiver = await TestReceiver.start({handler: reply(200, {})});
        try {
            const rule = await w.addRule(ruleSpec({endpoints: [{id: 'main', url: `${receiver.url}/hook`, payload: 'slack'}]}));
            const send = (is_reply: boolean) => request(w.app).post(`/api/v1/rules/${rule.id}/test-delivery`).set(as('chanadmin')).send({message: 'deploy api', is_reply}).expect(200);
            await send(true);
            await send(false);
            const [asReply, asRoot] = receiver.requests.map((r) => new URLSearchParams(r.body.toString()));
            const ts = Number(asReply!.get('timestamp'));
            expect(Number(asReply!.get('thread_ts'))).toBeCloseTo(ts - 60, 3);
            expect(asRoot!.has('thread_ts')).toBe(false);
        } finally {
            await receiver.close();
            await w.close();
        }
    });
});
