import request from 'supertest';

import {parseSettings} from '../config/settings';

import {as, CHANNELS, createWorld, TEAM, ruleSpec, type World} from './testing/world';

/** Save-time guardrails: a rule asking for more than the system admin allows is refused with the limit named. */
describe('guardrails at save time', () => {
    let w: World;
    beforeEach(async () => {
        w = await createWorld({settings: {RateLimitPerMinute: 120, MaxEndpointTimeoutMs: 5000}});
    });
    afterEach(() => w.close());

    const over = () => ruleSpec({delivery: {rate_per_rule_per_minute: 1_000_000}});

    it('refuses to create a rule over a guardrail, naming the field and the limit', async () => {
        const res = await request(w.app).post('/api/v1/rules').set(as('chanadmin')).send(over()).expect(400);
        expect(res.body.error).toEqual({
            code: 'invalid_input',
            message: "delivery.rate_per_rule_per_minute: at most 120 per minute: the system admin's limit",
            fields: {'delivery.rate_per_rule_per_minute': "at most 120 per minute: the system admin's limit"},
        });
        expect(await w.rules.listByChannel(CHANNELS.pub)).toEqual([]);
    });

    it('refuses an update over a guardrail and keeps the stored rule', async () => {
        const rule = await w.addRule(ruleSpec());
        const res = await request(w.app)
            .put(`/api/v1/rules/${rule.id}`)
            .set(as('chanadmin'))
            .send({revision: 1, rule: ruleSpec({endpoints: [{id: 'main', url: 'https://hooks.example.com/deploy', timeout_ms: 20_000}]})})
            .expect(400);
        expect(res.body.error.fields).toEqual({'endpoints.0.timeout_ms': "at most 5000 ms: the system admin's limit"});
        expect((await w.rules.get(rule.id))?.revision).toBe(1);
    });

    it('saves a rule that never chose a knob, lowered to a tighter guardrail', async () => {
        const res = await request(w.app).post('/api/v1/rules').set(as('chanadmin')).send(ruleSpec()).expect(201);
        expect(res.body.endpoints[0].timeout_ms).toBe(5000);
    });

    it('refuses an import with any rule over a guardrail, creating none', async () => {
        const scope = {kind: 'channels', teamId: TEAM, channelIds: [CHANNELS.pub]};
        const file = {format: 'tripwire.rules', version: 1, exported_at: 1, rules: [ruleSpec({name: 'fine'}), over()]};
        const res = await request(w.app).post('/api/v1/rules/import').set(as('chanadmin')).send({...file, scope}).expect(400);
        expect(res.body.error.fields).toEqual({'rules.1.delivery.rate_per_rule_per_minute': "at most 120 per minute: the system admin's limit"});
        expect(await w.rules.listByChannel(CHANNELS.pub)).toEqual([]);
    });

    it('lets the system admin raise the limit, after which the rule saves', async () => {
        await request(w.app).put('/api/v1/admin/guardrails').set(as('sysadmin')).send({rate_limit_per_minute: 2_000_000}).expect(400);
        const saved = await request(w.app).put('/api/v1/admin/guardrails').set(as('sysadmin')).send({rate_limit_per_minute: 1_000_000, max_endpoint_timeout_ms: 10_000, allow_foreign_action_urls: false}).expect(200);
        expect(saved.body).toMatchObject({rate_limit_per_minute: 1_000_000, max_endpoint_timeout_ms: 10_000, max_delivery_age_seconds: 604_800, allow_foreign_action_urls: false});
        expect(w.saved[0]).toMatchObject({Guardrails: {rate_limit_per_minute: 1_000_000, max_endpoint_timeout_ms: 10_000, allow_foreign_action_urls: false}});
        // Mattermost answers OnConfigurationChange with the saved keys lower-cased.
        w.settings.current = parseSettings(Object.fromEntries(Object.entries(w.saved[0]!).map(([k, v]) => [k.toLowerCase(), v])));
        await request(w.app).post('/api/v1/rules').set(as('chanadmin')).send(ruleSpec({delivery: {rate_per_rule_per_minute: 1_000_000}})).expect(201);
    });
});
