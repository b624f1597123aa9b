import {MAX_POST_RUNES} from './to_posts';
import {neutraliseBroadcasts, replyFromTemplate, replyVariables} from './reply_template';

const answer = (body: unknown, headers: Record<string, string> = {}, status = 202) => ({
    status,
    headers,
    body: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
});
const trigger = {post: {message: 'page the on-call'}, user: {username: 'alice'}};
const textOf = (source: string, a = answer({})) => {
    const r = replyFromTemplate(source, a, trigger);
    return r.kind === 'reply' ? r.reply.text : r;
};

describe('replyVariables', () => {
    it('gives the status, lower-cased headers, the first JSON value and the text', () => {
        const vars = replyVariables(answer('{"id": 7, "links": {"web": "https://x"}} trailing', {Location: '/queue/1'}, 201));
        expect(vars).toEqual({status: 201, headers: {location: '/queue/1'}, json: {id: 7, links: {web: 'https://x'}}, text: '{"id": 7, "links": {"web": "https://x"}} trailing'});
    });

    it('leaves json empty when the body is not JSON or empty', () => {
        expect(replyVariables(answer('Created')).json).toBeUndefined();
        expect(replyVariables({status: 204, body: Buffer.alloc(0)})).toEqual({status: 204, headers: {}, json: undefined, text: ''});
    });
});

describe('replyFromTemplate', () => {
    it('renders the answer and the trigger into a plain reply (no Slack markup)', () => {
        const r = replyFromTemplate('PagerDuty {{reply.json.status}} for {{user.username}} ({{post.message}}): `{{reply.json.dedup_key}}`', answer({status: 'success', dedup_key: 'k1'}), trigger);
        expect(r).toMatchObject({kind: 'reply', reply: {text: 'PagerDuty success for alice (page the on-call): `k1`', skip_slack_parsing: true, response_type: ''}});
    });

    it('inserts whole JSON values with the json filter, and nested paths', () => {
        expect(textOf('{{reply.json.a.b}} {{json reply.json.a}} {{reply.json | json}}', answer({a: {b: [1, 2]}}))).toBe('[1,2] {"b":[1,2]} {"a":{"b":[1,2]}}');
    });

    it('keeps broadcast mentions out of filled-in values, but not out of the author\'s own text', () => {
        const text = textOf('@here {{reply.json.msg}} {{reply.headers.x}}', answer({msg: 'ping @channel and @ALL'}, {x: '@here'}));
        expect(text).toBe('@here ping @\u200bchannel and @\u200bALL @\u200bhere');
        expect(neutraliseBroadcasts('mail@channel.io @channels @alice')).toBe('mail@\u200bchannel.io @channels @alice');
    });

    it('has no secrets to render, even from a rule saved before they were refused', () => {
        expect(replyFromTemplate('{{secrets.token}}', answer({}), {...trigger, secrets: {token: 'tok'}})).toEqual({kind: 'invalid', reason: expect.stringMatching(/reply_template: unknown variable "secrets.token"/)});
    });

    it('is no reply when the text renders empty', () => {
        expect(replyFromTemplate('  {{reply.json.missing}} ', answer({}), trigger)).toEqual({kind: 'empty'});
    });

    it('caps the text at one Mattermost post', () => {
        const text = textOf('{{reply.text}}{{reply.text}}', answer('x'.repeat(MAX_POST_RUNES)));
        expect(typeof text === 'string' && Array.from(text).length).toBe(MAX_POST_RUNES);
        expect(String(text).endsWith('…')).toBe(true);
    });
});
