import {type Rule} from '@tripwire/common';
import {Webhook} from 'standardwebhooks';
import request from 'supertest';

import {reply, TestReceiver} from '../../dispatch/testing/receiver';
import {PluginApiError, type PostInfo} from '../../ports';
import {as, BOT, CHANNELS, createWorld, mmid, ruleSpec, TEAM, USERS, type World} from '../testing/world';

type Attachment = {actions: Array<{id: string; integration: {url: string; context: Record<string, unknown>}}>};
const actionsOf = (post: {props?: Record<string, unknown> | null}) => (post.props?.attachments as Attachment[])[0]!.actions;

describe('interactive messages', () => {
    let w: World;
    let receiver: TestReceiver;
    let rule: Rule;
    let secret: string;

    beforeEach(async () => {
        w = await createWorld();
        receiver = await TestReceiver.start();
        rule = await w.addRule(ruleSpec({endpoints: [{id: 'main', url: `${receiver.url}/hook`}]}));
        secret = await w.services.rules.setSigningSecret(USERS.chanadmin, rule.id, 'main', undefined, 0);
    });
    afterEach(async () => {
        await w.close();
        await receiver.close();
    });

    /** A reply post with a button, posted the way the reply handler posts (through the securing wrapper). */
    async function postWithButton(context: Record<string, unknown> = {ticket: 42}): Promise<PostInfo> {
        return w.services.securePosting(w.mm).createPost({
            channel_id: CHANNELS.pub,
            user_id: BOT,
            message: 'Deploy?',
            props: {
                tripwire_rule_id: rule.id,
                attachments: [
                    {
                        text: 'Approve the deploy',
                        actions: [
                            {id: 'approve', name: 'Approve', type: 'button', integration: {url: `${receiver.url}/act`, context}},
                            {id: 'sneaky', name: 'Other plugin', type: 'button', integration: {url: '/plugins/otherplugin/do'}},
                        ],
                    },
                ],
            },
        });
    }

    /** What Mattermost's DoActionRequest sends the plugin for a click (no Content-Type, as doPluginRequest does). */
    function click(post: PostInfo, role: 'member' | 'outsider' | 'anonymous' = 'member', overrides: Record<string, unknown> = {}) {
        const action = actionsOf(post)[0]!;
        const body = {
            user_id: role === 'anonymous' ? '' : USERS[role],
            user_name: role,
            channel_id: post.channel_id,
            team_id: TEAM,
            post_id: post.id,
            trigger_id: 'trigger-1',
            type: 'button',
            context: action.integration.context,
            ...overrides,
        };
        return request(w.app).post('/interactive/action').set(as(role)).set('content-type', '').send(JSON.stringify(body));
    }

    it('points buttons at the plugin with a signed context, and drops actions aimed at other plugins', async () => {
        const post = await postWithButton();
        const actions = actionsOf(post);
        expect(actions.map((a) => a.id)).toEqual(['approve']);
        expect(actions[0]!.integration.url).toBe('/plugins/tripwire/interactive/action');
        expect(Object.keys(actions[0]!.integration.context)).toEqual(['tripwire']);
        expect(JSON.stringify(post.props)).not.toContain(receiver.url);
    });

    it('forwards a click signed to the service and answers Mattermost with its update and ephemeral text', async () => {
        const post = await postWithButton();
        receiver.handler = reply(200, {
            update: {message: 'Approved', props: {attachments: [{actions: [{id: 'undo', name: 'Undo', integration: {url: `${receiver.url}/undo`}}]}], from_webhook: 'false'}},
            ephemeral_text: 'Done.',
        });
        const res = await click(post).expect(200);

        const [sent] = receiver.requests;
        expect(sent!.url).toBe('/act');
        const forwarded = JSON.parse(sent!.body.toString());
        expect(forwarded).toMatchObject({user_id: USERS.member, post_id: post.id, trigger_id: 'trigger-1', context: {ticket: 42}});
        expect(forwarded.context).not.toHaveProperty('tripwire');
        expect(() => new Webhook(secret).verify(sent!.body, sent!.headers as Record<string, string>)).not.toThrow();

        expect(res.body.ephemeral_text).toBe('Done.');
        expect(res.body.update.message).toBe('Approved');
        // The new button is secured too, the post stays the rule's, and server-only props cannot be set.
        expect(res.body.update.props.tripwire_rule_id).toBe(rule.id);
        expect(res.body.update.props).not.toHaveProperty('from_webhook');
        // The update is one more hop on the post.
        expect(res.body.update.props.tripwire_hops).toBe(1);
        expect(actionsOf(res.body.update)[0]!.integration.url).toBe('/plugins/tripwire/interactive/action');

        const log = await w.harness.dispatcher.log.list(rule.id);
        expect(log[0]).toMatchObject({event_type: 'post_action', status: 'succeeded', http_status: 200, post_id: post.id});
    });

    it('adds the selected option of a menu to the service context', async () => {
        const post = await postWithButton({step: 'pick'});
        receiver.handler = reply(200, {});
        const action = actionsOf(post)[0]!;
        await click(post, 'member', {type: 'select', context: {...action.integration.context, selected_option: 'blue'}}).expect(200, {});
        expect(JSON.parse(receiver.requests[0]!.body.toString()).context).toEqual({step: 'pick', selected_option: 'blue'});
    });

    it('retries a failing service within the click and logs every attempt', async () => {
        const post = await postWithButton();
        receiver.handler = (_req, res, index) => (index === 0 ? reply(503, 'busy')(_req, res, index) : reply(200, {ephemeral_text: 'ok'})(_req, res, index));
        const res = await click(post).expect(200);
        expect(res.body.ephemeral_text).toBe('ok');
        expect(receiver.requests.map((r) => r.headers['webhook-id'])).toEqual([receiver.requests[0]!.headers['webhook-id'], receiver.requests[0]!.headers['webhook-id']]);
        const statuses = (await w.harness.dispatcher.log.list(rule.id)).map((e) => [e.attempt, e.status]);
        expect(statuses).toEqual([
            [2, 'succeeded'],
            [1, 'retrying'],
        ]);
    });

    it('tells the user when the service fails for good', async () => {
        const post = await postWithButton();
        receiver.handler = reply(404, 'nope');
        const res = await click(post).expect(200);
        expect(res.body).toEqual({ephemeral_text: `Tripwire rule **${rule.name}**: the service answered HTTP 404.`});
    });

    it('refuses clicks that are not from a Tripwire post, telling the user in Mattermost\'s own answer shape', async () => {
        const post = await postWithButton();
        const envelope = Buffer.from(actionsOf(post)[0]!.integration.context.tripwire as string, 'base64url');
        envelope[envelope.length - 5]! ^= 0x20;
        const refused = {ephemeral_text: 'not an action of a Tripwire post'};
        await click(post, 'member', {context: {tripwire: envelope.toString('base64url')}}).expect(200, refused);
        await click(post, 'member', {context: {}}).expect(200, refused);
        await click(post, 'member', {channel_id: CHANNELS.priv}).expect(200, refused);
        await click(post, 'outsider').expect(200, refused);
        await click(post, 'anonymous').expect(401);
        // A user's own post cannot borrow a real envelope either: it is bound to the rule's post in its channel.
        const own = await w.mm.createPost({channel_id: CHANNELS.pub, user_id: USERS.member, message: 'mine', props: post.props});
        await click(own).expect(200, refused);
        expect(receiver.requests).toHaveLength(0);
    });

    it('opens the dialog a service asks for with the fresh trigger id, and forwards its submission', async () => {
        const post = await postWithButton();
        receiver.handler = reply(200, {
            dialog: {callback_id: 'why', title: 'Why?', state: 'service-state', elements: [{display_name: 'Reason', name: 'reason', type: 'text'}]},
            dialog_url: `${receiver.url}/submit`,
        });
        await click(post).expect(200, {});
        expect(w.mm.dialogs).toHaveLength(1);
        const opened = w.mm.dialogs[0]!;
        expect(opened).toMatchObject({trigger_id: 'trigger-1', url: '/plugins/tripwire/interactive/dialog', dialog: {title: 'Why?', callback_id: 'why'}});
        expect(opened.dialog.state).not.toBe('service-state');

        receiver.handler = reply(200, {errors: {reason: 'Tell us why'}});
        const submission = {type: 'dialog_submission', callback_id: 'why', state: opened.dialog.state, user_id: USERS.member, channel_id: CHANNELS.pub, team_id: TEAM, submission: {reason: ''}, cancelled: false};
        const res = await request(w.app).post('/interactive/dialog').set(as('member')).send(submission).expect(200);
        expect(res.body).toEqual({errors: {reason: 'Tell us why'}});
        const forwarded = receiver.requests[1]!;
        expect(forwarded.url).toBe('/submit');
        expect(JSON.parse(forwarded.body.toString())).toMatchObject({state: 'service-state', submission: {reason: ''}, user_id: USERS.member});

        // The state is bound to the user the dialog was opened for.
        // Refusals use SubmitDialogResponse's `error` string: Mattermost cannot decode anything else on this route.
        const refused = {error: 'not a Tripwire dialog of this user'};
        await request(w.app).post('/interactive/dialog').set(as('chanadmin')).send({...submission, user_id: USERS.chanadmin}).expect(200, refused);
        await request(w.app).post('/interactive/dialog').set(as('member')).send({...submission, state: 'made-up'}).expect(200, refused);
        expect(receiver.requests).toHaveLength(2);
    });

    it('stops forwarding for a disabled or deleted rule', async () => {
        const post = await postWithButton();
        await w.rules.setEnabled(rule.id, false, USERS.chanadmin);
        const res = await click(post).expect(200);
        expect(res.body.ephemeral_text).toContain('disabled');
        expect(receiver.requests).toHaveLength(0);
    });
});

describe('inbound URLs', () => {
    let w: World;
    let url: string;
    let rule: Rule;
    beforeEach(async () => {
        w = await createWorld();
        rule = await w.addRule(ruleSpec({scope: {kind: 'channels', teamId: TEAM, channelIds: [CHANNELS.pub, CHANNELS.priv]}}));
        const res = await request(w.app).post(`/api/v1/rules/${rule.id}/inbound`).set(as('chanadmin')).expect(201);
        url = new URL(res.body.url as string).pathname.replace('/plugins/tripwire', '');
    });
    afterEach(() => w.close());

    it('posts a JSON body into the rule’s first channel as the bot', async () => {
        await request(w.app).post(url).send({text: 'Build <https://ci.example.com|#42> passed', username: 'ci'}).expect(200, 'ok');
        const [post] = w.mm.created;
        expect(post).toMatchObject({channel_id: CHANNELS.pub, user_id: BOT, message: 'Build [#42](https://ci.example.com) passed'});
        expect(post!.props).toMatchObject({from_webhook: 'true', tripwire_rule_id: rule.id, tripwire_hops: 1});
        expect(post!.props).not.toHaveProperty('override_username'); // EnablePostUsernameOverride is off
    });

    it('reads payload= forms and multipart fields, and picks another of the rule’s channels by name', async () => {
        await request(w.app)
            .post(url)
            .type('form')
            .send({payload: JSON.stringify({text: 'from a form', channel: 'secret-plans'})})
            .expect(200);
        await request(w.app).post(url).field('text', 'from multipart').field('props', JSON.stringify({card: 'details'})).expect(200);
        expect(w.mm.created.map((p) => [p.channel_id, p.message])).toEqual([
            [CHANNELS.priv, 'from a form'],
            [CHANNELS.pub, 'from multipart'],
        ]);
        expect(w.mm.created[1]!.props).toMatchObject({card: 'details'});
    });

    it('accepts raw line breaks inside JSON strings, as Mattermost does', async () => {
        await request(w.app).post(url).set('content-type', 'application/json').send('{"text": "line one\nline two"}').expect(200);
        expect(w.mm.created[0]!.message).toBe('line one\nline two');
    });

    it('secures buttons in inbound posts too', async () => {
        await request(w.app)
            .post(url)
            .send({text: 'x', attachments: [{actions: [{id: 'go', name: 'Go', integration: {url: 'https://svc.example.com/go'}}]}]})
            .expect(200);
        expect(actionsOf(w.mm.created[0]!)[0]!.integration.url).toBe('/plugins/tripwire/interactive/action');
    });

    it('counts hops the service passes back (X-Tripwire-Hops, tripwire_hops, props.tripwire_hops): its post is one further', async () => {
        await request(w.app).post(url).set('X-Tripwire-Hops', '2').send({text: 'from a header'}).expect(200);
        await request(w.app).post(url).send({text: 'from the body', tripwire_hops: 1}).expect(200);
        await request(w.app).post(url).send({text: 'from props', props: {tripwire_hops: '4', card: 'x'}}).expect(200);
        await request(w.app).post(url).set('X-Tripwire-Hops', '1').send({text: 'the largest wins', tripwire_hops: 3}).expect(200);
        expect(w.mm.created.map((p) => [p.message, p.props?.tripwire_hops])).toEqual([
            ['from a header', 3],
            ['from the body', 2],
            ['from props', 5],
            ['the largest wins', 4],
        ]);
        expect(w.mm.created[2]!.props).toMatchObject({card: 'x'});
        const bad = await request(w.app).post(url).set('X-Tripwire-Hops', 'many').send({text: 'x'}).expect(400);
        expect(bad.body.error).toMatchObject({code: 'invalid_input', fields: {'X-Tripwire-Hops': expect.stringContaining('whole number')}});
        await request(w.app).post(url).send({text: 'x', tripwire_hops: -1}).expect(400);
        expect(w.mm.created).toHaveLength(4);
    });

    it('refuses unknown tokens, other channels, empty messages, disabled rules and revoked URLs', async () => {
        await request(w.app).post('/in/' + 'x'.repeat(43)).send({text: 'hi'}).expect(404);
        await request(w.app).post(url).send({text: 'hi', channel: 'town-square-2'}).expect(403);
        await request(w.app).post(url).send({username: 'nobody'}).expect(400);
        await request(w.app).post(url).set('content-type', 'application/json').send('not json').expect(400);
        await w.rules.setEnabled(rule.id, false, USERS.chanadmin);
        await request(w.app).post(url).send({text: 'hi'}).expect(403);
        await w.rules.setEnabled(rule.id, true, USERS.chanadmin);
        await request(w.app).delete(`/api/v1/rules/${rule.id}/inbound`).set(as('chanadmin')).expect(204);
        await request(w.app).post(url).send({text: 'hi'}).expect(404);
        expect(w.mm.created).toHaveLength(0);
    });

    it('rests while the channel is archived (409 channel_archived) and works again once it is unarchived', async () => {
        const open = w.mm.channels.get(CHANNELS.pub)!;
        w.mm.channels.set(CHANNELS.pub, {...open, delete_at: 1_700_000_000_000});
        const res = await request(w.app).post(url).send({text: 'hi'}).expect(409);
        expect(res.body.error).toMatchObject({code: 'channel_archived', message: expect.stringContaining('archived')});
        expect(w.mm.created).toHaveLength(0);
        w.mm.channels.set(CHANNELS.pub, open);
        await request(w.app).post(url).send({text: 'hi'}).expect(200);
    });

    it('answers 4xx with a code, never 5xx, when the channel is gone or Mattermost refuses the post', async () => {
        w.mm.channels.delete(CHANNELS.priv);
        await request(w.app).post(url).send({text: 'hi'}).expect(200); // the first channel is still there
        expect((await request(w.app).post(url).send({text: 'hi', channel: 'secret-plans'}).expect(403)).body.error.code).toBe('forbidden');
        w.mm.channels.delete(CHANNELS.pub);
        const gone = await request(w.app).post(url).send({text: 'hi'}).expect(404);
        expect(gone.body.error).toEqual({code: 'not_found', message: "the rule's channel no longer exists"});
    });

    it('maps Mattermost’s failures: its 4xx to a 4xx, anything else to a 503 the caller may retry', async () => {
        const createPost = jest.spyOn(w.mm, 'createPost');
        createPost.mockRejectedValueOnce(new PluginApiError('Invalid props', 400));
        expect((await request(w.app).post(url).send({text: 'hi'}).expect(400)).body.error.code).toBe('invalid_input');
        createPost.mockRejectedValueOnce(new PluginApiError('database down', 500));
        expect((await request(w.app).post(url).send({text: 'hi'}).expect(503)).body.error.code).toBe('unavailable');
        jest.spyOn(w.mm, 'getChannel').mockRejectedValueOnce(new Error('rpc: connection reset'));
        expect((await request(w.app).post(url).send({text: 'hi'}).expect(503)).body.error.code).toBe('unavailable');
        jest.spyOn(w.mm, 'hasPermissionToChannel').mockRejectedValueOnce(new PluginApiError('boom', 500));
        expect((await request(w.app).post(url).send({text: 'hi'}).expect(503)).body.error.code).toBe('unavailable');
    });

    it('stops working when the rule’s owner can no longer post in the channel', async () => {
        w.mm.members.get(CHANNELS.pub)!.delete(USERS.chanadmin);
        await request(w.app).post(url).send({text: 'hi'}).expect(403);
    });

    it('shows has_inbound, and never the URL, in the rule', async () => {
        const view = await request(w.app).get(`/api/v1/rules/${rule.id}`).set(as('chanadmin')).expect(200);
        expect(view.body.has_inbound).toBe(true);
        expect(JSON.stringify(view.body)).not.toContain(url.split('/').pop());
    });
});

describe('response_url', () => {
    it('answers 404 for a token the dispatcher does not know', async () => {
        const w = await createWorld();
        try {
            const res = await request(w.app).post(`/r/${mmid('x')}.abc.${'a'.repeat(43)}`).send({text: 'late'}).expect(404);
            expect(res.body.error.code).toBe('not_found');
        } finally {
            await w.close();
        }
    });
});
