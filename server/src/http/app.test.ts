import {guardrailDefaults, ruleSpecKeys, ruleSpecSchema} from '@tripwire/common';
import request from 'supertest';

import {reply, TestReceiver} from '../dispatch/testing/receiver';

import {as, CHANNELS, createWorld, mmid, ruleSpec, TEAM, USERS, type World} from './testing/world';

describe('the http app', () => {
    let w: World;
    beforeEach(async () => {
        w = await createWorld();
    });
    afterEach(() => w.close());

    it('answers health and the OpenAPI document without a session', async () => {
        await request(w.app).get('/api/v1/health').expect(200, {ok: true, version: '1.2.3'});
        const doc = await request(w.app).get('/api/v1/openapi.json').expect(200);
        expect(doc.body.paths['/api/v1/rules/{ruleId}'].get.operationId).toBe('getRule');
    });

    it('refuses API calls without the Mattermost-User-Id header', async () => {
        const res = await request(w.app).get('/api/v1/me').expect(401);
        expect(res.body).toEqual({error: {code: 'unauthenticated', message: 'log in to Mattermost first'}});
    });

    it('creates, reads, updates, toggles and deletes a rule as a channel admin', async () => {
        const created = await request(w.app).post('/api/v1/rules').set(as('chanadmin')).send(ruleSpec()).expect(201);
        const id = created.body.id as string;
        expect(created.body).toMatchObject({name: 'Deploys', revision: 1, ownerId: USERS.chanadmin, has_token: false, has_inbound: false, can_manage: true});

        const listed = await request(w.app).get(`/api/v1/channels/${CHANNELS.pub}/rules`).set(as('chanadmin')).expect(200);
        expect(listed.body.rules.map((r: {id: string}) => r.id)).toEqual([id]);

        const updated = await request(w.app)
            .put(`/api/v1/rules/${id}`)
            .set(as('chanadmin'))
            .send({revision: 1, rule: ruleSpec({name: 'Deploys v2'})})
            .expect(200);
        expect(updated.body).toMatchObject({name: 'Deploys v2', revision: 2});

        const stale = await request(w.app).put(`/api/v1/rules/${id}`).set(as('chanadmin')).send({revision: 1, rule: ruleSpec()}).expect(409);
        expect(stale.body.error.code).toBe('conflict');

        await request(w.app).put(`/api/v1/rules/${id}/enabled`).set(as('chanadmin')).send({enabled: false}).expect(200);
        expect((await w.rules.get(id))?.enabled).toBe(false);

        await request(w.app).delete(`/api/v1/rules/${id}`).set(as('chanadmin')).expect(204);
        await request(w.app).get(`/api/v1/rules/${id}`).set(as('chanadmin')).expect(404);
    });

    it('answers 400 with one error per field, unknown fields included', async () => {
        const res = await request(w.app)
            .post('/api/v1/rules')
            .set(as('chanadmin'))
            .send({...ruleSpec(), name: '', colour: 'red', trigger: {mode: 'exact', words: []}})
            .expect(400);
        expect(res.body.error.code).toBe('invalid_input');
        expect(res.body.error.fields).toEqual({name: 'name is required', colour: 'unknown field', 'trigger.words': 'add at least one word'});
    });

    it('refuses a reply template naming secrets, and a body template naming the reply, field by field', async () => {
        const res = await request(w.app)
            .post('/api/v1/rules')
            .set(as('chanadmin'))
            .send(
                ruleSpec({
                    endpoints: [{url: 'https://svc.example.com/', payload: 'template', body_template: '{"s": "{{reply.status}}"}'}],
                    response: {reply_template: 'key {{secrets.token}}'},
                }),
            )
            .expect(400);
        expect(Object.keys(res.body.error.fields).sort()).toEqual(['endpoints.0.body_template', 'response.reply_template']);
        expect(res.body.error.fields['response.reply_template']).toMatch(/unknown variable "secrets.token"/);
    });

    it('checks regular expressions with RE2 before saving', async () => {
        const res = await request(w.app)
            .post('/api/v1/rules')
            .set(as('chanadmin'))
            .send(ruleSpec({trigger: {mode: 'regex', pattern: '(a)\\1'}}))
            .expect(400);
        expect(Object.keys(res.body.error.fields)).toEqual(['trigger.pattern']);
    });

    it('refuses unknown query parameters and bad ids', async () => {
        const rule = await w.addRule(ruleSpec());
        const res = await request(w.app).get(`/api/v1/rules/${rule.id}?verbose=1`).set(as('chanadmin')).expect(400);
        expect(res.body.error.fields).toEqual({verbose: 'unknown field'});
        await request(w.app).get('/api/v1/rules/not-an-id').set(as('chanadmin')).expect(400);
    });

    it('answers 413 for a body over the limit and 400 for malformed JSON', async () => {
        await request(w.app)
            .post('/api/v1/rules')
            .set(as('chanadmin'))
            .send({...ruleSpec(), description: 'x'.repeat(300_000)})
            .expect(413);
        const res = await request(w.app).post('/api/v1/rules').set(as('chanadmin')).set('content-type', 'application/json').send('{"name":').expect(400);
        expect(res.body.error.code).toBe('invalid_input');
    });

    it('hides internal errors behind a bare 500 and logs the cause', async () => {
        w.mm.getUser = async () => {
            throw new Error('database on fire at /var/lib/secret');
        };
        const res = await request(w.app).get(`/api/v1/channels/${CHANNELS.pub}/rules`).set(as('chanadmin')).expect(500);
        expect(res.body).toEqual({error: {code: 'internal', message: 'internal error'}});
        expect(w.log.lines.some((l) => l.level === 'error' && String(l.fields?.error).includes('database on fire'))).toBe(true);
    });

    it('answers unknown routes with a JSON 404', async () => {
        const res = await request(w.app).get('/api/v1/nothing').set(as('member')).expect(404);
        expect(res.body.error.code).toBe('not_found');
    });

    it('lists team rules to team admins, not to channel admins', async () => {
        await w.addRule(ruleSpec({scope: {kind: 'team', teamId: TEAM}}), USERS.teamadmin);
        const res = await request(w.app).get(`/api/v1/teams/${TEAM}/rules`).set(as('teamadmin')).expect(200);
        expect(res.body.rules).toHaveLength(1);
        await request(w.app).get(`/api/v1/teams/${TEAM}/rules`).set(as('chanadmin')).expect(403);
        // The channel's list shows the team rule to the team admin only.
        const forTeamAdmin = await request(w.app).get(`/api/v1/channels/${CHANNELS.pub}/rules`).set(as('teamadmin')).expect(200);
        const forChanAdmin = await request(w.app).get(`/api/v1/channels/${CHANNELS.pub}/rules`).set(as('chanadmin')).expect(200);
        expect([forTeamAdmin.body.rules.length, forChanAdmin.body.rules.length]).toEqual([1, 0]);
    });

    it('keeps personal rules to their owner, and consent to one’s own conversations', async () => {
        const personal = ruleSpec({name: 'My DMs', scope: {kind: 'direct'}, trigger: {mode: 'contains', words: ['lunch']}});
        const created = await request(w.app).post('/api/v1/rules').set(as('member')).send(personal).expect(201);
        const mine = await request(w.app).get('/api/v1/me/rules').set(as('member')).expect(200);
        expect(mine.body.rules.map((r: {id: string}) => r.id)).toEqual([created.body.id]);
        await request(w.app).get(`/api/v1/rules/${created.body.id}`).set(as('chanadmin')).expect(404);
        expect((await request(w.app).get('/api/v1/me/rules').set(as('chanadmin')).expect(200)).body.rules).toEqual([]);

        const optIn = await request(w.app).put('/api/v1/me/direct-opt-in').set(as('member')).send({channel: {id: CHANNELS.dm, opted_in: true}}).expect(200);
        expect(optIn.body).toEqual({all: false, channels: {[CHANNELS.dm]: true}});
        await request(w.app).put('/api/v1/me/direct-opt-in').set(as('outsider')).send({channel: {id: CHANNELS.dm, opted_in: true}}).expect(404);
        await request(w.app).put('/api/v1/me/direct-opt-in').set(as('member')).send({channel: {id: CHANNELS.pub, opted_in: true}}).expect(404);

        w.settings.current = {...w.settings.current, EnableDirectMessageRules: false};
        const off = await request(w.app).post('/api/v1/rules').set(as('member')).send(personal).expect(403);
        expect(off.body.error.message).toContain('turned off by the system admin');
    });

    it('sets signing secrets write-only and shows only that they exist', async () => {
        const rule = await w.addRule(ruleSpec());
        const set = await request(w.app).put(`/api/v1/rules/${rule.id}/endpoints/main/secret`).set(as('chanadmin')).send({}).expect(200);
        expect(set.body.secret).toMatch(/^whsec_/);
        const view = await request(w.app).get(`/api/v1/rules/${rule.id}`).set(as('chanadmin')).expect(200);
        expect(view.body.endpoints[0].has_secret).toBe(true);
        expect(JSON.stringify(view.body)).not.toContain(set.body.secret);
        await request(w.app).put(`/api/v1/rules/${rule.id}/endpoints/nope/secret`).set(as('chanadmin')).send({}).expect(404);
        const bad = await request(w.app).put(`/api/v1/rules/${rule.id}/endpoints/main/secret`).set(as('chanadmin')).send({secret: 'hunter2'}).expect(400);
        expect(bad.body.error.fields).toEqual({secret: expect.stringContaining('whsec_')});
    });

    it('explains which rules a test message trips', async () => {
        await w.addRule(ruleSpec());
        await w.addRule(ruleSpec({name: 'Builds', trigger: {mode: 'contains', words: ['build']}}));
        const res = await request(w.app).post(`/api/v1/channels/${CHANNELS.pub}/test`).set(as('chanadmin')).send({message: 'deploy the build'}).expect(200);
        expect(res.body.firstWord).toBe('deploy');
        expect(res.body.outcomes.map((o: {ruleName: string; matched: boolean}) => [o.ruleName, o.matched])).toEqual([
            ['Deploys', true],
            ['Builds', true],
        ]);
    });

    it('exports rules without secrets and imports them into another channel', async () => {
        const rule = await w.addRule(ruleSpec());
        await w.harness.dispatcher.secrets.setToken(rule.id, 'native-token-123');
        const exported = await request(w.app).post('/api/v1/rules/export').set(as('chanadmin')).send({rule_ids: [rule.id]}).expect(200);
        expect(exported.body).toMatchObject({format: 'tripwire.rules', version: 1});
        expect(JSON.stringify(exported.body)).not.toContain('native-token-123');
        // Every field of the spec, as the schema lists them (a hand-kept list once left out `emoji`), and a valid spec.
        const spec = exported.body.rules[0];
        for (const key of ruleSpecKeys.filter((k) => k !== 'bot')) expect(spec).toHaveProperty(key);
        expect(ruleSpecSchema.safeParse({...spec, endpoints: spec.endpoints.map(({secret_headers_set: _, ...e}: Record<string, unknown>) => e)}).success).toBe(true);

        const scope = {kind: 'channels', teamId: TEAM, channelIds: [CHANNELS.priv]};
        const imported = await request(w.app).post('/api/v1/rules/import').set(as('chanadmin')).send({...exported.body, scope}).expect(200);
        expect(imported.body.created).toHaveLength(1);
        expect(imported.body.created[0].scope.channelIds).toEqual([CHANNELS.priv]);
    });

    it('imports a native outgoing webhook with its token stored as a secret', async () => {
        const hook = {id: 'hook1', token: 'tok-abc', team_id: TEAM, channel_id: CHANNELS.pub, trigger_words: ['deploy'], callback_urls: ['https://ci.example.com/hook'], content_type: 'application/json', create_at: 1};
        const res = await request(w.app).post('/api/v1/rules/import-native').set(as('chanadmin')).send({hooks: [hook]}).expect(200);
        expect(res.body.results[0]).toMatchObject({hook_id: 'hook1', ok: true, rule: {has_token: true, trigger: {mode: 'exact', words: ['deploy']}}});
    });

    it('saves guardrails through the plugin settings for system admins', async () => {
        const res = await request(w.app).put('/api/v1/admin/guardrails').set(as('sysadmin')).send({max_rules_per_channel: 7, allowed_hosts: ['ci.internal', '10.0.0.0/8']}).expect(200);
        expect(res.body).toMatchObject({max_rules_per_channel: 7, allowed_hosts: ['ci.internal', '10.0.0.0/8'], editable: true});
        // As the System Console's one form saves them: every guardrail in the one `Guardrails` object.
        expect(w.saved[0]).toEqual({Guardrails: {...guardrailDefaults, dm_rules_enabled: true, max_rules_per_channel: 7, allowed_hosts: ['ci.internal', '10.0.0.0/8']}});
    });

    it('sends a test delivery: the real request with secrets masked, the response and a preview of the reply', async () => {
        const receiver = await TestReceiver.start({handler: reply(200, {text: 'Deploying <https://ci.example.com|now>', response_type: 'comment'})});
        try {
            const rule = await w.addRule(ruleSpec({endpoints: [{id: 'main', url: `${receiver.url}/hook`, secret_headers: ['x-api-key'], headers: {'x-api-key': 'key-9876543'}}]}));
            await w.harness.dispatcher.secrets.setToken(rule.id, 'tok-secret-123');
            await request(w.app).put(`/api/v1/rules/${rule.id}/endpoints/main/secret`).set(as('chanadmin')).send({}).expect(200);
            const res = await request(w.app).post(`/api/v1/rules/${rule.id}/test-delivery`).set(as('chanadmin')).send({message: 'deploy api'}).expect(200);

            const sent = receiver.requests[0]!;
            expect(JSON.parse(sent.body.toString())).toMatchObject({token: 'tok-secret-123', text: 'deploy api', trigger_word: 'deploy', channel_id: CHANNELS.pub});
            expect(sent.headers['webhook-signature']).toMatch(/^v1,/);
            const shown = JSON.stringify(res.body);
            for (const secret of ['tok-secret-123', 'key-9876543', sent.headers['webhook-signature'] as string]) expect(shown).not.toContain(secret);
            expect(res.body).toMatchObject({
                endpoint_id: 'main',
                request: {method: 'POST', headers: {'x-api-key': '[redacted]', 'webhook-signature': '[redacted]'}},
                response: {status: 200},
                outcome: {matched: true, triggerWord: 'deploy'},
                reply: {kind: 'posts', posts: [{message: 'Deploying [now](https://ci.example.com)', in_thread: true, ephemeral: false}]},
            });
            expect(w.mm.created).toHaveLength(0);
            // Logged, marked as a test, with who said what; the reply was previewed, not posted.
            const logged = await w.harness.dispatcher.log.list(rule.id);
            expect(logged).toHaveLength(1);
            expect(logged[0]).toMatchObject({test: true, status: 'succeeded', http_status: 200, endpoint_id: 'main', trigger: {message: 'deploy api', user_id: USERS.chanadmin}});
            expect(JSON.stringify(logged)).not.toContain('tok-secret-123');
        } finally {
            await receiver.close();
        }
    });

    it('tests the draft on screen: its trigger, template and URL; stored secrets only where a save would keep them', async () => {
        const stored = await TestReceiver.start({handler: reply(200, {text: 'ok'})});
        const moved = await TestReceiver.start({handler: reply(200, {text: 'ok'})});
        try {
            const rule = await w.addRule(ruleSpec({endpoints: [{id: 'main', url: `${stored.url}/hook`}]}));
            await w.harness.dispatcher.secrets.setToken(rule.id, 'tok-secret-123');
            await request(w.app).put(`/api/v1/rules/${rule.id}/endpoints/main/secret`).set(as('chanadmin')).send({}).expect(200);
            const draft = (url: string) =>
                ruleSpec({trigger: {mode: 'exact', words: ['ship']}, endpoints: [{id: 'main', url, payload: 'template', body_template: '{"said": {{post.message | json}}}'}]});

            // Same origin, new path and template: signed, with the stored token, and the draft's trigger decides the match.
            const same = await request(w.app).post(`/api/v1/rules/${rule.id}/test-delivery`).set(as('chanadmin')).send({message: 'ship it', rule: draft(`${stored.url}/other`)}).expect(200);
            expect(same.body.outcome).toMatchObject({matched: true, triggerWord: 'ship'});
            expect(stored.requests[0]!.url).toBe('/other');
            expect(JSON.parse(stored.requests[0]!.body.toString())).toEqual({said: 'ship it'});
            expect(stored.requests[0]!.headers['webhook-signature']).toMatch(/^v1,/);

            // Another origin: neither the signing secret nor the token goes there; a token typed with the draft does.
            await request(w.app).post(`/api/v1/rules/${rule.id}/test-delivery`).set(as('chanadmin')).send({message: 'ship it', rule: draft(`${moved.url}/x`)}).expect(200);
            expect(moved.requests[0]!.headers['webhook-signature']).toBeUndefined();
            const compat = ruleSpec({endpoints: [{id: 'main', url: `${moved.url}/x`}]});
            await request(w.app).post(`/api/v1/rules/${rule.id}/test-delivery`).set(as('chanadmin')).send({message: 'deploy', rule: compat}).expect(200);
            expect(JSON.parse(moved.requests[1]!.body.toString())).toMatchObject({token: ''});
            const typed = await request(w.app).post(`/api/v1/rules/${rule.id}/test-delivery`).set(as('chanadmin')).send({message: 'deploy', rule: compat, token: 'typed-tok-77'}).expect(200);
            expect(JSON.parse(moved.requests[2]!.body.toString())).toMatchObject({token: 'typed-tok-77'});
            expect(JSON.stringify(typed.body)).not.toContain('typed-tok-77');

            // Nothing was stored: the rule still has its old trigger and URL.
            const after = await request(w.app).get(`/api/v1/rules/${rule.id}`).set(as('chanadmin')).expect(200);
            expect(after.body.trigger.words).toEqual(['deploy']);
            expect(after.body.endpoints[0].url).toBe(`${stored.url}/hook`);
        } finally {
            await stored.close();
            await moved.close();
        }
    });

    it('refuses a draft the way a save would, with field paths under rule', async () => {
        const rule = await w.addRule(ruleSpec());
        const res = await request(w.app)
            .post(`/api/v1/rules/${rule.id}/test-delivery`)
            .set(as('chanadmin'))
            .send({message: 'x', rule: ruleSpec({trigger: {mode: 'regex', pattern: '(a'}})})
            .expect(400);
        expect(Object.keys(res.body.error.fields)).toContain('rule.trigger.pattern');
    });

    it('tests a rule never saved: unsigned, no stored secret, the typed token and secret header masked, nothing stored or logged', async () => {
        const receiver = await TestReceiver.start({handler: reply(200, {text: 'Deploying', response_type: 'comment'})});
        try {
            // A saved rule at the same URL with secrets: none of them may reach the new rule's test.
            const saved = await w.addRule(ruleSpec({endpoints: [{id: 'main', url: `${receiver.url}/hook`}]}));
            await w.harness.dispatcher.secrets.setToken(saved.id, 'tok-secret-123');
            await request(w.app).put(`/api/v1/rules/${saved.id}/endpoints/main/secret`).set(as('chanadmin')).send({}).expect(200);
            const append = jest.spyOn(w.harness.dispatcher.log, 'append');
            const draft = ruleSpec({name: 'New one', endpoints: [{id: 'main', url: `${receiver.url}/hook`, secret_headers: ['x-api-key'], headers: {'x-api-key': 'typed-key-55'}}]});

            const res = await request(w.app)
                .post(`/api/v1/channels/${CHANNELS.pub}/test-delivery`)
                .set(as('chanadmin'))
                .send({message: 'deploy api', rule: draft, token: 'typed-tok-77'})
                .expect(200);

            const sent = receiver.requests[0]!;
            expect(sent.headers['webhook-signature']).toBeUndefined();
            expect(sent.headers['x-api-key']).toBe('typed-key-55');
            expect(JSON.parse(sent.body.toString())).toMatchObject({token: 'typed-tok-77', text: 'deploy api', trigger_word: 'deploy', channel_id: CHANNELS.pub});
            const shown = JSON.stringify(res.body);
            for (const secret of ['typed-tok-77', 'typed-key-55', 'tok-secret-123']) expect(shown).not.toContain(secret);
            expect(res.body).toMatchObject({
                endpoint_id: 'main',
                response: {status: 200},
                outcome: {matched: true, triggerWord: 'deploy', ruleName: 'New one'},
                reply: {kind: 'posts', posts: [{message: 'Deploying', in_thread: true}]},
            });
            // Without a typed token, the compat payload carries an empty one, never the saved rule's.
            await request(w.app).post(`/api/v1/channels/${CHANNELS.pub}/test-delivery`).set(as('chanadmin')).send({message: 'deploy', rule: draft}).expect(200);
            expect(JSON.parse(receiver.requests[1]!.body.toString())).toMatchObject({token: ''});

            // Nothing stored, nothing logged, nothing posted.
            const listed = await request(w.app).get(`/api/v1/channels/${CHANNELS.pub}/rules`).set(as('chanadmin')).expect(200);
            expect(listed.body.rules.map((r: {id: string}) => r.id)).toEqual([saved.id]);
            expect(append).not.toHaveBeenCalled();
            expect(w.mm.created).toHaveLength(0);
        } finally {
            await receiver.close();
        }
    });

    it('refuses to test a new rule the way a create would refuse it: regex, guardrails, scope, channel', async () => {
        const send = (role: 'chanadmin' | 'teamadmin' | 'member', channelId: string, rule: ReturnType<typeof ruleSpec>) =>
            request(w.app).post(`/api/v1/channels/${channelId}/test-delivery`).set(as(role)).send({message: 'deploy', rule});
        const bad = await send('chanadmin', CHANNELS.pub, ruleSpec({trigger: {mode: 'regex', pattern: '(a'}})).expect(400);
        expect(Object.keys(bad.body.error.fields)).toContain('rule.trigger.pattern');

        w.settings.current = {...w.settings.current, MaxEndpointTimeoutMs: 1000};
        const slow = await send('chanadmin', CHANNELS.pub, ruleSpec({endpoints: [{id: 'main', url: 'https://hooks.example.com/x', timeout_ms: 5000}]})).expect(400);
        expect(slow.body.error.fields).toEqual({'rule.endpoints.0.timeout_ms': "at most 1000 ms: the system admin's limit"});

        // A member may not manage the channel; a team admin may not put the draft in a private channel they are not in.
        expect((await send('member', CHANNELS.pub, ruleSpec())).status).toBe(403);
        const priv = ruleSpec({scope: {kind: 'channels', teamId: TEAM, channelIds: [CHANNELS.priv]}});
        expect((await send('teamadmin', CHANNELS.pub, priv)).status).toBe(404);
        expect((await send('teamadmin', CHANNELS.priv, ruleSpec())).status).toBe(404);
        // The draft is required: this route has no stored rule to fall back on.
        const missing = await request(w.app).post(`/api/v1/channels/${CHANNELS.pub}/test-delivery`).set(as('chanadmin')).send({message: 'deploy'}).expect(400);
        expect(Object.keys(missing.body.error.fields)).toContain('rule');
    });

    it('stops the test of a new rule at the SSRF guard', async () => {
        const res = await request(w.app)
            .post(`/api/v1/channels/${CHANNELS.pub}/test-delivery`)
            .set(as('chanadmin'))
            .send({message: 'deploy', rule: ruleSpec({endpoints: [{id: 'main', url: 'http://169.254.169.254/latest/meta-data'}]})})
            .expect(200);
        expect(res.body.error.error_class).toBe('ssrf_blocked');
        expect(res.body).not.toHaveProperty('response');
    });

    it('reports a test delivery the SSRF guard stops', async () => {
        const rule = await w.addRule(ruleSpec({endpoints: [{id: 'main', url: 'http://169.254.169.254/latest/meta-data'}]}));
        const res = await request(w.app).post(`/api/v1/rules/${rule.id}/test-delivery`).set(as('chanadmin')).send({message: 'deploy'}).expect(200);
        expect(res.body.error.error_class).toBe('ssrf_blocked');
        expect(res.body).not.toHaveProperty('response');
    });

    it('pages the delivery log with filters', async () => {
        const receiver = await TestReceiver.start({handler: reply(200, {text: 'ok'})});
        try {
            const rule = await w.addRule(ruleSpec({endpoints: [{id: 'main', url: receiver.url}]}));
            const submit = (event: string) =>
                w.harness.dispatcher.submit({
                    rule: {id: rule.id, name: rule.name, owner_id: rule.ownerId},
                    endpoints: rule.endpoints,
                    policy: rule.delivery,
                    response: {...rule.response, enabled: false},
                    facts: {
                        event_type: 'post_created',
                        event_id: event,
                        post: {id: mmid(event), message: 'deploy', create_at: 1},
                        channel: {id: CHANNELS.pub, name: 'town-square'},
                        team: {},
                        user: {id: USERS.member, username: 'member'},
                    },
                });
            await submit('e1');
            await submit('e2');
            await w.harness.drained();
            const page = await request(w.app).get(`/api/v1/rules/${rule.id}/deliveries?status=succeeded&per_page=1`).set(as('chanadmin')).expect(200);
            expect(page.body).toMatchObject({total: 2, per_page: 1, has_more: true, stats: {succeeded: 2}});
            // Each entry says who said what, so the log reads without opening the request.
            expect(page.body.entries[0]).toMatchObject({trigger: {message: 'deploy', user_id: USERS.member, username: 'member'}});
            const none = await request(w.app).get(`/api/v1/rules/${rule.id}/deliveries?status=failed`).set(as('chanadmin')).expect(200);
            expect(none.body.total).toBe(0);

            const deliveryId = page.body.entries[0].delivery_id as string;
            await request(w.app).post(`/api/v1/rules/${rule.id}/deliveries/${deliveryId}/replay`).set(as('chanadmin')).expect(200, {replayed: true});
            await receiver.waitFor(3);
        } finally {
            await receiver.close();
        }
    });
});
