import request from 'supertest';

import {keys} from '../dispatch/keys';
import {generateSecret} from '../dispatch/signing';
import {reply, TestReceiver} from '../dispatch/testing/receiver';

import {as, CHANNELS, createWorld, ruleSpec, TEAM, USERS, type World} from './testing/world';

const AUTH = 'Bearer auth-marker-4711';
const CUSTOM = 'custom-marker-0815';
const TOKEN = 'token-marker-2342';

/** A rule whose endpoint has a default-secret header, a declared secret header and a plain one. */
const secretSpec = (url = 'https://hooks.example.com/deploy') =>
    ruleSpec({endpoints: [{id: 'main', url, secret_headers: ['X-Custom'], headers: {Authorization: AUTH, 'X-Custom': CUSTOM, 'X-Plain': 'plain-value'}}]});

describe('secret headers and secrets through the REST API', () => {
    let w: World;
    beforeEach(async () => {
        w = await createWorld();
    });
    afterEach(() => w.close());

    const create = async (spec = secretSpec()) => (await request(w.app).post('/api/v1/rules').set(as('chanadmin')).send(spec).expect(201)).body;
    const put = (id: string, body: object, role: 'chanadmin' | 'teamadmin' = 'chanadmin') => request(w.app).put(`/api/v1/rules/${id}`).set(as(role)).send(body);
    const stored = (id: string) => w.harness.dispatcher.secrets.headers(id, 'main');
    const dms = () => w.mm.created.filter((p) => p.props?.tripwire_notice === 'endpoint_origin_changed');

    it('moves secret header values into the secret store on create; views say set/not set and hold no value', async () => {
        const created = await create();
        expect(created.endpoints[0]).toMatchObject({
            headers: {'X-Plain': 'plain-value'},
            secret_headers: ['X-Custom', 'Authorization'],
            secret_headers_set: ['X-Custom', 'Authorization'],
        });
        expect(await stored(created.id)).toEqual({authorization: AUTH, 'x-custom': CUSTOM});
        // Not in the rule record either.
        expect(JSON.stringify(await w.rules.get(created.id))).not.toMatch(/marker/);

        const views = [
            await request(w.app).get(`/api/v1/rules/${created.id}`).set(as('chanadmin')).expect(200),
            await request(w.app).get(`/api/v1/channels/${CHANNELS.pub}/rules`).set(as('chanadmin')).expect(200),
            await request(w.app).get('/api/v1/admin/rules').set(as('sysadmin')).expect(200),
        ];
        for (const v of views) expect(JSON.stringify(v.body)).not.toMatch(/marker/);
    });

    it('keeps a secret header that an update leaves out, replaces one it gives, and deletes one no longer declared', async () => {
        const created = await create();
        const endpoint = {id: 'main', url: 'https://hooks.example.com/other-path', secret_headers: ['X-Custom', 'Authorization'], headers: {'X-Plain': 'plain-value', 'X-Custom': 'new-value'}};
        const res = await put(created.id, {revision: 1, rule: ruleSpec({endpoints: [endpoint]})}).expect(200);
        expect(res.body.endpoints[0].secret_headers_set).toEqual(['X-Custom', 'Authorization']);
        expect(await stored(created.id)).toEqual({authorization: AUTH, 'x-custom': 'new-value'});

        await put(created.id, {revision: 2, rule: ruleSpec({endpoints: [{...endpoint, headers: {}, secret_headers: ['X-Custom']}]})}).expect(200);
        expect(await stored(created.id)).toEqual({'x-custom': 'new-value'});
        expect(dms()).toHaveLength(0);
    });

    it('drops signing secret, secret headers and token when another user moves the endpoint to another origin, and DMs the owner', async () => {
        const created = await create();
        await request(w.app).put(`/api/v1/rules/${created.id}/endpoints/main/secret`).set(as('chanadmin')).send({}).expect(200);
        await request(w.app).put(`/api/v1/rules/${created.id}/token`).set(as('chanadmin')).send({token: TOKEN}).expect(204);

        const moved = ruleSpec({endpoints: [{id: 'main', url: 'https://attacker.example.net/collect?key=path-marker', secret_headers: ['X-Custom', 'Authorization']}]});
        const res = await put(created.id, {revision: 1, rule: moved}, 'teamadmin').expect(200);
        expect(res.body).toMatchObject({has_token: false, endpoints: [{has_secret: false, secret_headers_set: []}]});
        expect(await w.harness.dispatcher.secrets.values(created.id)).toEqual([]);

        const [dm] = dms();
        expect(dm).toBeDefined();
        expect(dm!.channel_id).not.toBe(CHANNELS.pub);
        // The fake's usernames are the users' ids' letters.
        expect(dm!.message).toContain('@teamadmi changed');
        expect(dm!.message).toContain('from https://hooks.example.com to https://attacker.example.net');
        expect(dm!.message).toMatch(/signing secret, secret header authorization, secret header x-custom, token/);
        expect(dm!.message).not.toMatch(/marker|whsec_/);
    });

    it('keeps what the same request gives again when the origin changes', async () => {
        const created = await create();
        const secret = generateSecret();
        const moved = ruleSpec({endpoints: [{id: 'main', url: 'https://new-home.example.org:8443/hook', secret_headers: ['X-Custom', 'Authorization'], headers: {Authorization: 'Bearer again-marker'}}]});
        const res = await put(created.id, {revision: 1, rule: moved, secrets: {token: TOKEN, signing_secrets: {main: secret}}}).expect(200);
        expect(res.body).toMatchObject({has_token: true, endpoints: [{has_secret: true, secret_headers_set: ['Authorization']}]});
        expect(await stored(created.id)).toEqual({authorization: 'Bearer again-marker'});
        expect(await w.harness.dispatcher.secrets.signingSecrets(created.id, 'main')).toEqual([secret]);
        expect(await w.harness.dispatcher.secrets.token(created.id)).toBe(TOKEN);
        expect(dms()[0]!.message).toMatch(/dropped: secret header x-custom$/m);
    });

    it('treats a same-origin spelling (case, default port) as no change', async () => {
        const created = await create();
        await put(created.id, {revision: 1, rule: ruleSpec({endpoints: [{id: 'main', url: 'HTTPS://Hooks.Example.com:443/x', secret_headers: ['X-Custom', 'Authorization']}]})}).expect(200);
        expect(await stored(created.id)).toEqual({authorization: AUTH, 'x-custom': CUSTOM});
        expect(dms()).toHaveLength(0);
    });

    it('refuses malformed secrets with field errors, and drops nothing on a stale revision', async () => {
        const created = await create();
        const bad = await put(created.id, {rule: secretSpec(), secrets: {signing_secrets: {main: 'hunter2', nope: generateSecret()}}}).expect(400);
        expect(Object.keys(bad.body.error.fields).sort()).toEqual(['secrets.signing_secrets.main', 'secrets.signing_secrets.nope']);
        await put(created.id, {rule: secretSpec(), secrets: {colour: 'red'}}).expect(400);

        await put(created.id, {revision: 7, rule: secretSpec('https://elsewhere.example.com/')}).expect(409);
        expect(await stored(created.id)).toEqual({authorization: AUTH, 'x-custom': CUSTOM});
    });

    it('exports no secret of any kind, and import moves header values into the store', async () => {
        const created = await create();
        await request(w.app).put(`/api/v1/rules/${created.id}/endpoints/main/secret`).set(as('chanadmin')).send({}).expect(200);
        await request(w.app).put(`/api/v1/rules/${created.id}/token`).set(as('chanadmin')).send({token: TOKEN}).expect(204);
        const exported = await request(w.app).post('/api/v1/rules/export').set(as('chanadmin')).send({rule_ids: [created.id]}).expect(200);
        expect(JSON.stringify(exported.body)).not.toMatch(/marker|whsec_/);
        expect(exported.body.rules[0].endpoints[0]).toMatchObject({has_secret: false, secret_headers_set: [], headers: {'X-Plain': 'plain-value'}});

        const imported = await request(w.app)
            .post('/api/v1/rules/import')
            .set(as('chanadmin'))
            .send({rules: [{...exported.body.rules[0], name: 'Copy', endpoints: [{...exported.body.rules[0].endpoints[0], headers: {'X-Api-Key': 'import-marker'}}]}]})
            .expect(200);
        const copy = imported.body.created[0];
        expect(JSON.stringify(imported.body)).not.toContain('import-marker');
        expect(copy.endpoints[0].secret_headers_set).toEqual(['X-Api-Key']);
        expect(await stored(copy.id)).toEqual({'x-api-key': 'import-marker'});
    });

    it('sends secret headers from the store in a test delivery and never echoes them', async () => {
        const receiver = await TestReceiver.start({
            handler: (req, res) => {
                res.writeHead(200, {'content-type': 'application/json', 'x-echo': String(req.headers.authorization)});
                res.end(JSON.stringify({text: `you sent ${String(req.headers['x-custom'])}`}));
            },
        });
        try {
            const created = await create(secretSpec(`${receiver.url}/hook`));
            const res = await request(w.app).post(`/api/v1/rules/${created.id}/test-delivery`).set(as('chanadmin')).send({message: 'deploy now'}).expect(200);
            expect(receiver.requests[0]!.headers).toMatchObject({authorization: AUTH, 'x-custom': CUSTOM});
            expect(res.body.response.status).toBe(200);
            // Not in the request, the response (header or body), nor the preview of the reply that echoes it.
            expect(JSON.stringify(res.body)).not.toMatch(/marker/);
            expect(res.body.reply.posts[0].message).toBe('you sent [redacted]');
        } finally {
            await receiver.close();
        }
    });

    it('logs deliveries of a saved rule without its secret header values, and keeps them out of every KV key but the store', async () => {
        const receiver = await TestReceiver.start({handler: reply(200, {})});
        try {
            const created = await create(secretSpec(receiver.url));
            const rule = (await w.rules.get(created.id))!;
            await w.harness.dispatcher.submit({
                rule: {id: rule.id, name: rule.name, owner_id: rule.ownerId},
                endpoints: rule.endpoints,
                policy: rule.delivery,
                response: {...rule.response, enabled: false},
                facts: {event_type: 'post_created', event_id: 'e1', post: {id: 'p1', message: 'deploy', create_at: 1}, channel: {id: CHANNELS.pub, name: 'town-square'}, team: {}, user: {id: USERS.member, username: 'member'}},
            });
            await w.harness.drained();
            expect(receiver.requests[0]!.headers).toMatchObject({authorization: AUTH, 'x-custom': CUSTOM});
            const log = await request(w.app).get(`/api/v1/rules/${created.id}/deliveries`).set(as('chanadmin')).expect(200);
            expect(log.body.entries).toHaveLength(1);
            expect(JSON.stringify(log.body)).not.toMatch(/marker/);
            for (const key of await w.mm.kv.list(0, 10_000)) {
                if (key === keys.secrets(created.id)) continue;
                expect(Buffer.from((await w.mm.kv.get(key)) ?? []).toString()).not.toMatch(/marker/);
            }
        } finally {
            await receiver.close();
        }
    });

    it('hides, keeps and moves the inline values of a rule saved before header values moved to the store', async () => {
        const legacy = await w.addRule(ruleSpec({endpoints: [{id: 'main', url: 'https://hooks.example.com/deploy', headers: {Authorization: AUTH, 'X-Plain': 'plain-value'}}]}));
        const view = (await request(w.app).get(`/api/v1/rules/${legacy.id}`).set(as('chanadmin')).expect(200)).body;
        expect(JSON.stringify(view)).not.toMatch(/marker/);
        expect(view.endpoints[0]).toMatchObject({headers: {'X-Plain': 'plain-value'}, secret_headers: ['Authorization'], secret_headers_set: ['Authorization']});
        const exported = await request(w.app).post('/api/v1/rules/export').set(as('chanadmin')).send({rule_ids: [legacy.id]}).expect(200);
        expect(JSON.stringify(exported.body)).not.toMatch(/marker/);

        // The editor sends the view back: the value it never saw stays, now in the store rather than the rule.
        const {id: _id, schemaVersion: _v, revision, ownerId: _o, createdBy: _cb, createdAt: _ca, updatedBy: _ub, updatedAt: _ua, has_token: _t, has_inbound: _i, can_manage: _m, ...spec} = view;
        await put(legacy.id, {revision, rule: spec}).expect(200);
        expect(await stored(legacy.id)).toEqual({authorization: AUTH});
        expect(JSON.stringify(await w.rules.get(legacy.id))).not.toMatch(/marker/);
    });

    it('puts dropped secrets back when the moved rule cannot be saved after all', async () => {
        w.settings.current = {...w.settings.current, MaxRulesPerChannel: 1};
        await w.addRule(ruleSpec({name: 'Fills the public channel'}));
        const priv = await create(ruleSpec({...secretSpec(), scope: {kind: 'channels', teamId: TEAM, channelIds: [CHANNELS.priv]}}));
        const secret = (await request(w.app).put(`/api/v1/rules/${priv.id}/endpoints/main/secret`).set(as('chanadmin')).send({}).expect(200)).body.secret;
        await request(w.app).put(`/api/v1/rules/${priv.id}/token`).set(as('chanadmin')).send({token: TOKEN}).expect(204);

        // Moved to the full public channel and to another origin: refused, and nothing is lost.
        const moved = ruleSpec({endpoints: [{id: 'main', url: 'https://elsewhere.example.net/', secret_headers: ['X-Custom', 'Authorization']}]});
        const res = await put(priv.id, {revision: 1, rule: moved});
        expect(res.status).toBe(409);
        expect(await stored(priv.id)).toEqual({authorization: AUTH, 'x-custom': CUSTOM});
        expect(await w.harness.dispatcher.secrets.signingSecrets(priv.id, 'main')).toEqual([secret]);
        expect(await w.harness.dispatcher.secrets.token(priv.id)).toBe(TOKEN);
        expect(dms()).toHaveLength(0);
    });
});
