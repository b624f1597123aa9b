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

    // app/webhook.go doOutgoingWebhookRequest reads with json.Decoder.Decode: one value, the rest never looked at.
    it.each([
        ['trailing text', '{"text":"hi"} and then some log output'],
        ['a second JSON value', '{"text":"hi"}\n{"text":"second"}'],
        ['a stray closing brace', '{"text":"hi"}}'],
        ['leading JSON whitespace', ' \r\n\t{"text":"hi"}'],
        ['braces inside strings', '{"text":"hi"}{"text":"a } { \\" ]"}'],
    ])('reads only the first JSON value: %s', (_name, body) => {
        expect(parse(body)).toMatchObject({kind: 'reply', reply: {text: 'hi'}});
    });

    it('reads a string with braces and escaped quotes to its end', () => {
        expect(parse('{"text":"a } { \\" ]"} tail')).toMatchObject({kind: 'reply', reply: {text: 'a } { " ]'}});
    });

    it('treats null followed by anything as no reply, and a byte order mark as not JSON (Go skips only JSON whitespace)', () => {
        expect(parse('null trailing').kind).toBe('empty');
        expect(parse('\uFEFF{"text":"hi"}').kind).toBe('invalid');
    });

    it('matches field names case-insensitively like encoding/json, the later of two keys winning', () => {
        expect(parse('{"TEXT":"hi","Response_Type":"comment","Attachments":[{"TITLE":"t","Fields":[{"VALUE":"v"}]}],"Priority":{"PRIORITY":"urgent"}}')).toMatchObject({
            kind: 'reply',
            reply: {text: 'hi', response_type: 'comment', attachments: [{title: 't', fields: [{value: 'v'}]}], priority: {priority: 'urgent'}},
        });
        expect(parse('{"text":"a","Text":"b"}')).toMatchObject({reply: {text: 'b'}});
        // props is a map: its keys are kept as sent.
        expect(parse('{"text":"a","props":{"Card":"x"}}')).toMatchObject({reply: {props: {Card: 'x'}}});
    });

    it('keeps a text that is present but empty (native posts it) apart from an absent one', () => {
        expect(parse({text: ''})).toMatchObject({kind: 'reply', reply: {text: ''}});
        const absent = parse({username: 'x'});
        expect(absent.kind === 'reply' && absent.reply.text).toBeUndefined();
    });

    it('rejects a priority without its priority, as CreateWebhookPost does', () => {
        expect(parse({text: 'x', priority: {requested_ack: true}})).toEqual({kind: 'invalid', reason: 'priority.priority: required when priority is set'});
        expect(parse({text: 'x', priority: null}).kind).toBe('reply');
    });

    it('posts a body cut at 1 MiB when its first value ended before the cut, and rejects it otherwise', () => {
        expect(parse('{"text":"x"} ' + 'y'.repeat(100), true)).toMatchObject({kind: 'reply', reply: {text: 'x'}});
        expect(parse('{"text":"' + 'x'.repeat(100), true)).toEqual({kind: 'invalid', reason: 'the reply is larger than 1 MiB'});
    });

    it('never lets a key set the prototype', () => {
        const parsed = parse('{"text":"x","__proto__":{"polluted":true}}');
        expect(parsed.kind).toBe('reply');
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });
});
