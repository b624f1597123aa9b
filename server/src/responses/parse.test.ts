import {parseReply, type ParsedReply} from './parse';

const parse = (body: unknown, truncated = false): ParsedReply =>
    parseReply({body: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)), truncated});

describe('parseReply', () => {
    it('reads the native reply fields and ignores unknown ones', () => {
        const parsed = parse({text: 'hi', response_type: 'comment', username: 'ci', icon_url: 'https://x/i.png', props: {a: 1}, type: 'custom_ci', priority: {priority: 'urgent'}, ok: true});
        expect(parsed).toMatchObject({kind: 'reply', reply: {text: 'hi', response_type: 'comment', username: 'ci', props: {a: 1}, type: 'custom_ci', priority: {priority: 'urgent'}}});
        expect(parsed.kind === 'reply' && 'ok' in parsed.reply).toBe(false);
    });

    it('reads extra_responses and skip_slack_parsing (Slack-style booleans too)', () => {
        expect(parse({text: 'a', skip_slack_parsing: 'true', extra_responses: [{text: 'b', response_type: 'ephemeral'}]})).toMatchObject({
            kind: 'reply',
            reply: {skip_slack_parsing: true, extra_responses: [{text: 'b', response_type: 'ephemeral'}]},
        });
    });

    it('reads attachments with fields and actions', () => {
        const parsed = parse({attachments: [{title: 't', fields: [{title: 'n', value: 3, short: 'true'}], actions: [{name: 'Go', integration: {url: '/plugins/tripwire/act', context: {a: 1}}}]}]});
        expect(parsed).toMatchObject({kind: 'reply', reply: {attachments: [{title: 't', fields: [{value: 3, short: true}], actions: [{name: 'Go'}]}]}});
    });

    it.each([
        ['', 'empty'],
        ['   \n', 'empty'],
        ['null', 'empty'],
    ])('treats %j as no reply', (body, kind) => {
        expect(parse(body).kind).toBe(kind);
    });

    it.each([
        ['garbage', '<html>oops</html>', /not JSON/],
        ['a JSON array', [1, 2], /expected object/],
        ['a number text', {text: 42}, /^text: /],
        ['a system type', {text: 'x', type: 'system_join_channel'}, /type must not start with system_/],
        ['a bad priority', {text: 'x', priority: {priority: 'meh'}}, /^priority\.priority/],
        ['a javascript action URL', {attachments: [{actions: [{name: 'x', integration: {url: 'javascript:alert(1)'}}]}]}, /action URL/],
        ['too many extra responses', {text: 'x', extra_responses: Array.from({length: 11}, () => ({text: 'y'}))}, /extra_responses/],
    ])('rejects %s with a reason', (_name, body, reason) => {
        const parsed = parse(body);
        expect(parsed.kind).toBe('invalid');
        expect(parsed.kind === 'invalid' && parsed.reason).toMatch(reason);
    });

    it('rejects a reply cut at 1 MiB rather than reading half of it', () => {
        expect(parse({text: 'x'}, true)).toEqual({kind: 'invalid', reason: 'the reply is larger than 1 MiB'});
    });
});
