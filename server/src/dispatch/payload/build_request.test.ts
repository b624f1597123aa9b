import {deliveryFactsSchema} from '@tripwire/common';

import {endpoint, facts} from '../testing/factories';

import {buildRequest} from './build_request';
import {TemplateError} from './template';
import type {RequestContext} from './variables';

const ctx = (overrides: Partial<RequestContext> = {}): RequestContext => ({
    facts: deliveryFactsSchema.parse(
        facts({
            post: {id: 'post1', message: 'deploy "api" & <web>', create_at: 1445532266123, root_id: 'root1', edit_at: 5},
            groups: {ticket: 'ABC-1', env: 'prod/eu'},
            thread: {root_id: 'root1', root_message: 'release thread', root_create_at: 1445532000000},
            files: [{id: 'f1', name: 'a.png', size: 10, mime_type: 'image/png'}],
        }),
    ),
    rule: {id: 'rule1', name: 'Deploys'},
    deliveryId: 'd1',
    webhookId: 'msg_d1',
    responseUrl: 'https://chat.example.com/plugins/tripwire/r/x',
    token: 'tok',
    ...overrides,
});

describe('buildRequest', () => {
    it('compat JSON sends native headers', () => {
        const req = buildRequest(endpoint({url: 'https://svc.example.com/hook'}), ctx());
        expect(req.headers).toMatchObject({'content-type': 'application/json', accept: 'application/json', 'user-agent': 'Mattermost-Bot/1.1'});
        expect(JSON.parse(req.body.toString())).toMatchObject({token: 'tok', text: 'deploy "api" & <web>', timestamp: 1445532266123});
    });

    it('compat form sends the form content type', () => {
        const req = buildRequest(endpoint({url: 'https://svc.example.com/hook', content_type: 'form'}), ctx());
        expect(req.headers['content-type']).toBe('application/x-www-form-urlencoded');
        expect(new URLSearchParams(req.body.toString()).get('timestamp')).toBe('1445532266');
    });

    it('slack mode sends Slack legacy fields with thread_ts', () => {
        const body = new URLSearchParams(buildRequest(endpoint({url: 'https://svc.example.com/', payload: 'slack'}), ctx()).body.toString());
        expect(Object.fromEntries(body)).toMatchObject({service_id: 'rule1', timestamp: '1445532266.123000', thread_ts: '1445532000.000000', text: 'deploy "api" & <web>'});
    });

    it('rich mode adds thread, channel type, matches, files, event and response_url', () => {
        const body = JSON.parse(buildRequest(endpoint({url: 'https://svc.example.com/', payload: 'rich'}), ctx()).body.toString());
        expect(body).toMatchObject({
            token: 'tok',
            event_type: 'post_created',
            root_id: 'root1',
            is_reply: true,
            channel_type: 'O',
            channel_display_name: 'Town Square',
            team_display_name: 'Some Team',
            edited: true,
            matches: {trigger_word: 'deploy', groups: {ticket: 'ABC-1'}},
            files: [{id: 'f1', mime_type: 'image/png'}],
            thread: {root_message: 'release thread'},
            response_url: 'https://chat.example.com/plugins/tripwire/r/x',
        });
    });

    it('rich and template payloads expose the hop count, for services to pass back to the inbound URL', () => {
        const chained = ctx({facts: deliveryFactsSchema.parse({...facts(), hops: 2})});
        expect(JSON.parse(buildRequest(endpoint({url: 'https://svc.example.com/', payload: 'rich'}), chained).body.toString()).hops).toBe(2);
        expect(JSON.parse(buildRequest(endpoint({url: 'https://svc.example.com/', payload: 'rich'}), ctx()).body.toString()).hops).toBe(0);
        const e = endpoint({url: 'https://svc.example.com/', payload: 'template', body_template: '{"hops": {{json delivery.hops}}}', headers: {'X-Tripwire-Hops': '{{delivery.hops}}'}});
        const req = buildRequest(e, chained);
        expect(JSON.parse(req.body.toString())).toEqual({hops: 2});
        expect(req.headers['x-tripwire-hops']).toBe('2');
    });

    it('escapes JSON template values so a message cannot break out of its string', () => {
        const e = endpoint({
            url: 'https://svc.example.com/',
            payload: 'template',
            body_template: '{"msg": "{{post.message}}", "groups": {{json groups}}, "who": "{{user.username}}"}',
        });
        const evil = ctx({facts: deliveryFactsSchema.parse(facts({post: {id: 'p', message: '", "admin": true, "x": "', create_at: 1}}))});
        const body = JSON.parse(buildRequest(e, evil).body.toString());
        expect(body).toEqual({msg: '", "admin": true, "x": "', groups: {}, who: 'alice'});
    });

    it('URL-encodes values in the URL, so they cannot add path segments or a query', () => {
        const req = buildRequest(endpoint({url: 'https://svc.example.com/env/{{groups.env}}?t={{groups.ticket}}', query: {m: '{{post.message}}'}}), ctx());
        expect(req.url.pathname).toBe('/env/prod%2Feu');
        expect(req.url.searchParams.get('t')).toBe('ABC-1');
        expect(req.url.searchParams.get('m')).toBe('deploy "api" & <web>');
        expect(req.url.host).toBe('svc.example.com');
    });

    it('strips line breaks from templated header values (no header injection)', () => {
        const evil = ctx({facts: deliveryFactsSchema.parse(facts({post: {id: 'p', message: 'x\r\nX-Evil: 1', create_at: 1}}))});
        const req = buildRequest(endpoint({url: 'https://svc.example.com/', headers: {'X-Msg': '{{post.message}}'}}), evil);
        expect(req.headers['x-msg']).toBe('x  X-Evil: 1');
    });

    it('renders form fields sorted and encoded', () => {
        const e = endpoint({url: 'https://svc.example.com/', payload: 'template', content_type: 'form', form_fields: {z: '{{groups.ticket}}', a: '{{post.message}}'}});
        expect(buildRequest(e, ctx()).body.toString()).toBe('a=deploy+%22api%22+%26+%3Cweb%3E&z=ABC-1');
    });

    it('refuses a JSON template that renders to invalid JSON', () => {
        const e = endpoint({url: 'https://svc.example.com/', payload: 'template', body_template: '{"n": {{post.message}}}'});
        expect(() => buildRequest(e, ctx())).toThrow(TemplateError);
    });

    it('sends reactions and memberships in the rich body even in compat and Slack mode (native hooks only know posts)', () => {
        const reaction = ctx({
            facts: deliveryFactsSchema.parse(
                facts({event_type: 'reaction_added', event_id: 'reaction_added:abc', post: {id: 'post1', message: 'ship it', create_at: 1}, reaction: {emoji_name: 'ticket', create_at: 2, post_user_id: 'bob'}}),
            ),
        });
        for (const payload of ['compat', 'slack'] as const) {
            const req = buildRequest(endpoint({url: 'https://svc.example.com/', payload, content_type: 'form'}), reaction);
            expect(req.headers['content-type']).toBe('application/json');
            expect(JSON.parse(req.body.toString())).toMatchObject({event_type: 'reaction_added', post_id: 'post1', text: 'ship it', reaction: {emoji_name: 'ticket', post_user_id: 'bob'}});
        }
        const joined = ctx({
            facts: deliveryFactsSchema.parse(
                facts({event_type: 'user_joined', event_id: 'user_joined:abc', post: {id: '', message: '', create_at: 1}, membership: {actor: {id: 'bob', username: 'bob'}}}),
            ),
        });
        expect(JSON.parse(buildRequest(endpoint({url: 'https://svc.example.com/'}), joined).body.toString())).toMatchObject({event_type: 'user_joined', actor: {id: 'bob', username: 'bob'}, reaction: null});
        const template = endpoint({url: 'https://svc.example.com/', payload: 'template', body_template: '{"by":"{{actor.username}}","emoji":"{{reaction.emoji_name}}"}'});
        expect(JSON.parse(buildRequest(template, joined).body.toString())).toEqual({by: 'bob', emoji: ''});
        expect(JSON.parse(buildRequest(template, reaction).body.toString())).toEqual({by: '', emoji: 'ticket'});
    });

    it('sends no body with GET', () => {
        const req = buildRequest(endpoint({url: 'https://svc.example.com/?q={{trigger_word}}', method: 'GET'}), ctx());
        expect(req.body.length).toBe(0);
        expect(req.headers['content-type']).toBeUndefined();
        expect(req.url.search).toBe('?q=deploy');
    });
});
