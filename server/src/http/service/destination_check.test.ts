import request from 'supertest';

import {as, createWorld, ruleSpec, type World} from '../testing/world';

import {blockedMessage, destinationWarnings} from './destination_check';

/** Save-time destination checks: a private or metadata address saves the rule off, with a sentence at the URL. */
describe('destination checks at save time', () => {
    let w: World;
    beforeEach(async () => {
        w = await createWorld();
    });
    afterEach(() => w.close());

    const metadata = 'http://169.254.169.254/latest/{{channel.name}}';

    it('saves a new rule whose endpoint is a metadata address turned off, with a warning naming the settings to ask for', async () => {
        const res = await request(w.app)
            .post('/api/v1/rules')
            .set(as('chanadmin'))
            .send(ruleSpec({endpoints: [{id: 'ok', url: 'http://127.0.0.1:9/fine'}, {id: 'meta', url: metadata}]}))
            .expect(201);
        expect(res.body.enabled).toBe(false);
        expect(res.body.warnings).toEqual([{field: 'endpoints.1.url', code: 'destination_blocked', message: expect.stringContaining('AllowedUntrustedInternalConnections')}]);
        expect(res.body.warnings[0].message).toContain('AllowedHosts');
        expect(res.body.warnings[0].message).toContain('saved turned off');
        // Stored off too, and a later read carries no warning (it belongs to the save).
        const stored = await request(w.app).get(`/api/v1/rules/${res.body.id}`).set(as('chanadmin')).expect(200);
        expect(stored.body.enabled).toBe(false);
        expect(stored.body).not.toHaveProperty('warnings');
    });

    it('turns an updated rule off the same way, and says so again when someone turns it on anyway', async () => {
        const rule = await w.addRule(ruleSpec());
        const res = await request(w.app)
            .put(`/api/v1/rules/${rule.id}`)
            .set(as('chanadmin'))
            .send({revision: rule.revision, rule: ruleSpec({endpoints: [{id: 'main', url: 'http://10.1.2.3/hook'}]})})
            .expect(200);
        expect(res.body).toMatchObject({enabled: false, warnings: [{field: 'endpoints.0.url'}]});
        const on = await request(w.app).put(`/api/v1/rules/${rule.id}/enabled`).set(as('chanadmin')).send({enabled: true}).expect(200);
        expect(on.body).toMatchObject({enabled: true, warnings: [{field: 'endpoints.0.url', code: 'destination_blocked'}]});
    });

    it('lets allowed hosts through untouched', async () => {
        w.settings.current = {...w.settings.current, AllowedHosts: ['127.0.0.1', '10.1.2.3']};
        const res = await request(w.app)
            .post('/api/v1/rules')
            .set(as('chanadmin'))
            .send(ruleSpec({endpoints: [{id: 'main', url: 'http://10.1.2.3/hook'}]}))
            .expect(201);
        expect(res.body.enabled).toBe(true);
        expect(res.body).not.toHaveProperty('warnings');
    });

    it('reports only refusals: a name that does not resolve now may later', async () => {
        const spec = {endpoints: [{url: 'https://a.invalid/x'}, {url: 'http://192.168.1.1/'}]} as never;
        const warnings = await destinationWarnings(spec, async (url) =>
            url.hostname === 'a.invalid' ? {ok: false, errorClass: 'dns', reason: 'no such host'} : {ok: false, errorClass: 'ssrf_blocked', reason: '192.168.1.1 is private'},
        );
        expect(warnings.map((x) => x.field)).toEqual(['endpoints.1.url']);
        const said = blockedMessage('db.internal', "db.internal resolves to 10.0.0.5, which is a private address; an admin can allow it in AllowedUntrustedInternalConnections or Tripwire's allowed hosts");
        expect(said).toMatch(/^Tripwire may not call db\.internal: db\.internal resolves to 10\.0\.0\.5, which is a private address\. The rule was saved turned off\. .*ask your system admin/);
        expect(said.match(/AllowedUntrustedInternalConnections/g)).toHaveLength(1);
    });
});
