import request from 'supertest';

import {parseSettings} from '../config/settings';

import {as, BOT, createWorld, ruleSpec, USERS, type World} from './testing/world';

const PNG = `data:image/png;base64,${Buffer.from('\x89PNG\r\n\x1a\n-pixels', 'latin1').toString('base64')}`;
const withBot = (bot: Record<string, unknown>, overrides: Record<string, unknown> = {}) => ruleSpec({bot, ...overrides} as never);

/** Rules that post as a bot of their own: the guardrail, the checks at save time, and the bot's life with the rule. */
describe('per-rule bots through the REST API', () => {
    let w: World;
    beforeEach(async () => {
        w = await createWorld({settings: {AllowRuleBots: true}});
    });
    afterEach(() => w.close());

    it('refuses a bot while the system admin does not allow them, naming the guardrail', async () => {
        w.settings.current = parseSettings({AllowedHosts: '127.0.0.1'});
        const res = await request(w.app).post('/api/v1/rules').set(as('chanadmin')).send(withBot({username: 'deploy-bot'})).expect(400);
        expect(res.body.error.code).toBe('invalid_input');
        expect(res.body.error.fields.bot).toContain('allow_rule_bots');
        expect(w.bots.bots.size).toBe(0);
    });

    it('creates the bot with the rule and deactivates it (posts kept) when the rule is deleted', async () => {
        const res = await request(w.app).post('/api/v1/rules').set(as('chanadmin')).send(withBot({username: 'deploy-bot', display_name: 'Deploys', icon: PNG})).expect(201);
        const botUserId: string = res.body.botUserId;
        expect(w.bots.bots.get(botUserId)).toMatchObject({username: 'deploy-bot', display_name: 'Deploys', owner_id: 'tripwire', delete_at: 0});
        expect(w.bots.images.has(botUserId)).toBe(true);
        expect(res.body.bot).toEqual({username: 'deploy-bot', display_name: 'Deploys', icon: PNG});

        await request(w.app).delete(`/api/v1/rules/${res.body.id}`).set(as('chanadmin')).expect(204);
        expect(w.bots.bots.get(botUserId)!.delete_at).not.toBe(0);
        expect(w.mm.users.has(botUserId)).toBe(true);
    });

    it('gives field-level 400s for a username Mattermost would refuse', async () => {
        const res = await request(w.app).post('/api/v1/rules').set(as('chanadmin')).send(withBot({username: 'Deploy Bot'})).expect(400);
        expect(Object.keys(res.body.error.fields)).toEqual(['bot.username']);
    });

    it('answers 409 for a username a user holds or another rule posts as', async () => {
        const taken = w.mm.users.get(USERS.member)!.username;
        const user = await request(w.app).post('/api/v1/rules').set(as('chanadmin')).send(withBot({username: taken})).expect(409);
        expect(user.body.error.fields['bot.username']).toContain('user account');

        await request(w.app).post('/api/v1/rules').set(as('chanadmin')).send(withBot({username: 'deploy-bot'})).expect(201);
        const twice = await request(w.app).post('/api/v1/rules').set(as('chanadmin')).send(withBot({username: 'deploy-bot'}, {name: 'Other'})).expect(409);
        expect(twice.body.error.fields['bot.username']).toContain('another rule');
        expect(w.bots.bots.size).toBe(1);
    });

    it('an update renames the bot, and one without a bot deactivates it', async () => {
        const created = await request(w.app).post('/api/v1/rules').set(as('chanadmin')).send(withBot({username: 'deploy-bot'})).expect(201);
        const id = created.body.botUserId as string;
        const renamed = await request(w.app).put(`/api/v1/rules/${created.body.id}`).set(as('chanadmin')).send({revision: 1, rule: withBot({username: 'release-bot'})}).expect(200);
        expect(renamed.body.botUserId).toBe(id);
        expect(w.bots.bots.get(id)!.username).toBe('release-bot');

        const dropped = await request(w.app).put(`/api/v1/rules/${created.body.id}`).set(as('chanadmin')).send({revision: 2, rule: ruleSpec()}).expect(200);
        expect(dropped.body.botUserId).toBeUndefined();
        expect(w.bots.bots.get(id)!.delete_at).not.toBe(0);
    });

    it('with the guardrail turned off later, an edit that keeps the bot goes through (and a new bot does not)', async () => {
        const created = await request(w.app).post('/api/v1/rules').set(as('chanadmin')).send(withBot({username: 'deploy-bot'})).expect(201);
        w.settings.current = parseSettings({AllowedHosts: '127.0.0.1'});
        const kept = await request(w.app).put(`/api/v1/rules/${created.body.id}`).set(as('chanadmin')).send({revision: 1, rule: withBot({username: 'deploy-bot'}, {name: 'Renamed'})}).expect(200);
        expect(kept.body.botUserId).toBe(created.body.botUserId);
        await request(w.app).put(`/api/v1/rules/${created.body.id}`).set(as('chanadmin')).send({revision: 2, rule: withBot({username: 'other-bot'})}).expect(400);
    });

    it("posts what the rule's inbound URL receives as the rule's bot (Tripwire's bot once the guardrail is off)", async () => {
        const created = await request(w.app).post('/api/v1/rules').set(as('chanadmin')).send(withBot({username: 'deploy-bot'})).expect(201);
        const inbound = await request(w.app).post(`/api/v1/rules/${created.body.id}/inbound`).set(as('chanadmin')).expect(201);
        const url = new URL(inbound.body.url as string).pathname.replace('/plugins/tripwire', '');
        await request(w.app).post(url).send({text: 'from CI'}).expect(200);
        w.settings.current = parseSettings({AllowedHosts: '127.0.0.1'});
        await request(w.app).post(url).send({text: 'from CI again'}).expect(200);
        expect(w.mm.created.map((p) => [p.message, p.user_id])).toEqual([
            ['from CI', created.body.botUserId],
            ['from CI again', BOT],
        ]);
    });

    it('tells the panel whether rules may have bots', async () => {
        expect((await request(w.app).get('/api/v1/me').set(as('member')).expect(200)).body.allow_rule_bots).toBe(true);
    });
});
