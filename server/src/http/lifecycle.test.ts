import {type Rule} from '@tripwire/common';
import request from 'supertest';

import {reply, TestReceiver} from '../dispatch/testing/receiver';

import {as, CHANNELS, createWorld, mmid, ruleSpec, TEAM, USERS, type World} from './testing/world';

/** Queues one delivery of the rule, as the engine would for a post. */
function submit(w: World, rule: Rule, event: string) {
    return w.harness.dispatcher.submit({
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
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('rules and their deliveries over their life', () => {
    let w: World;
    let receiver: TestReceiver;
    beforeEach(async () => {
        w = await createWorld({settings: {MaxAttempts: 50}});
        receiver = await TestReceiver.start({handler: reply(503)});
    });
    afterEach(async () => {
        await w.close();
        await receiver.close();
    });

    // Retries that outlast the test: the guardrail is raised to allow them.
    const slowRetries = {backoff_base_ms: 200, backoff_max_ms: 200, max_attempts: 50};

    it('deleting a rule cancels its queued retries and removes every key it owns', async () => {
        const rule = await w.addRule(ruleSpec({endpoints: [{id: 'main', url: receiver.url}], delivery: slowRetries}));
        await w.services.rules.setSigningSecret(USERS.chanadmin, rule.id, 'main', undefined, 0);
        await request(w.app).post(`/api/v1/rules/${rule.id}/inbound`).set(as('chanadmin')).expect(201);
        await submit(w, rule, 'e1');
        await receiver.waitFor(2);
        await w.harness.dispatcher.log.flush();

        await request(w.app).delete(`/api/v1/rules/${rule.id}`).set(as('chanadmin')).expect(204);
        const sent = receiver.requests.length;
        await sleep(600);
        await w.harness.dispatcher.log.flush();

        expect(receiver.requests.length).toBe(sent);
        const left = w.mm.kv.keys().filter((k) => k.includes(rule.id) || k.startsWith('dx_p_') || k.startsWith('dx_f_') || k.startsWith('ht_in'));
        expect(left).toEqual([`dx_gone_${rule.id}`]);
    });

    it('removing an endpoint cancels its queued deliveries, and the log says cancelled', async () => {
        const rule = await w.addRule(
            ruleSpec({endpoints: [{id: 'keep', url: `${receiver.url}/keep`}, {id: 'drop', url: `${receiver.url}/drop`}], delivery: slowRetries}),
        );
        await submit(w, rule, 'e1');
        await receiver.waitFor(2);

        await request(w.app)
            .put(`/api/v1/rules/${rule.id}`)
            .set(as('chanadmin'))
            .send({rule: ruleSpec({endpoints: [{id: 'keep', url: `${receiver.url}/keep`}], delivery: slowRetries})})
            .expect(200);
        const dropped = receiver.requests.filter((r) => r.url === '/drop').length;
        await sleep(500);
        expect(receiver.requests.filter((r) => r.url === '/drop')).toHaveLength(dropped);

        const log = await request(w.app).get(`/api/v1/rules/${rule.id}/deliveries?status=cancelled`).set(as('chanadmin')).expect(200);
        expect(log.body.entries).toEqual([expect.objectContaining({endpoint_id: 'drop', status: 'cancelled'})]);
    });

    it('recovers failed deliveries one bounded page at a time', async () => {
        receiver.handler = reply(404);
        const rule = await w.addRule(ruleSpec({endpoints: [{id: 'main', url: receiver.url}]}));
        const since = Date.now();
        for (const e of ['e1', 'e2', 'e3']) await submit(w, rule, e);
        await w.harness.drained();
        receiver.handler = reply(200, {});

        const first = await request(w.app).post(`/api/v1/rules/${rule.id}/recover`).set(as('chanadmin')).send({since, page_size: 2}).expect(200);
        expect(first.body).toEqual({requeued: 2, has_more: true, next_cursor: expect.any(String)});
        const rest = await request(w.app)
            .post(`/api/v1/rules/${rule.id}/recover`)
            .set(as('chanadmin'))
            .send({since, page_size: 2, cursor: first.body.next_cursor})
            .expect(200);
        expect(rest.body).toEqual({requeued: 1, has_more: false});

        const bad = await request(w.app).post(`/api/v1/rules/${rule.id}/recover`).set(as('chanadmin')).send({since, cursor: '../x', page_size: 1000}).expect(400);
        expect(Object.keys(bad.body.error.fields as object).sort()).toEqual(['cursor', 'page_size']);
        await request(w.app).post(`/api/v1/rules/${rule.id}/recover`).set(as('member')).send({since}).expect(403);
    });
});

describe('rules whose channel was deleted', () => {
    let w: World;
    let rule: Rule;
    beforeEach(async () => {
        w = await createWorld();
        rule = await w.addRule(ruleSpec(), USERS.chanadmin);
        await request(w.app).post(`/api/v1/rules/${rule.id}/inbound`).set(as('chanadmin')).expect(201);
        w.mm.channels.delete(CHANNELS.pub);
    });
    afterEach(() => w.close());

    it('stay visible to their owner and system admins, flagged orphaned, in the rule, team and all-rules views', async () => {
        for (const who of ['chanadmin', 'sysadmin'] as const) {
            const got = await request(w.app).get(`/api/v1/rules/${rule.id}`).set(as(who)).expect(200);
            expect(got.body).toMatchObject({id: rule.id, orphaned: true, can_manage: false});
            const team = await request(w.app).get(`/api/v1/teams/${TEAM}/rules`).set(as(who)).expect(200);
            expect(team.body.rules).toEqual([expect.objectContaining({id: rule.id, orphaned: true})]);
        }
        const all = await request(w.app).get('/api/v1/admin/rules').set(as('sysadmin')).expect(200);
        expect(all.body.rules).toEqual([expect.objectContaining({id: rule.id, orphaned: true})]);

        // Nobody else: a team admin sees no orphan of someone else's, a member gets nothing.
        const teamAdmin = await request(w.app).get(`/api/v1/teams/${TEAM}/rules`).set(as('teamadmin')).expect(200);
        expect(teamAdmin.body.rules).toEqual([]);
        await request(w.app).get(`/api/v1/rules/${rule.id}`).set(as('member')).expect(404);
        await request(w.app).get(`/api/v1/teams/${TEAM}/rules`).set(as('member')).expect(403);
    });

    it('can have their inbound URL revoked and be deleted by their owner, not changed', async () => {
        await request(w.app).put(`/api/v1/rules/${rule.id}`).set(as('chanadmin')).send({rule: ruleSpec({name: 'x'})}).expect(404);
        await request(w.app).delete(`/api/v1/rules/${rule.id}/inbound`).set(as('chanadmin')).expect(204);
        expect(w.mm.kv.keys('ht_in')).toEqual([]);
        await request(w.app).delete(`/api/v1/rules/${rule.id}`).set(as('chanadmin')).expect(204);
        expect(await w.rules.get(rule.id)).toBeNull();
    });

    it('can be deleted by a system admin', async () => {
        await request(w.app).delete(`/api/v1/rules/${rule.id}`).set(as('sysadmin')).expect(204);
        expect(await w.rules.get(rule.id)).toBeNull();
    });
});
