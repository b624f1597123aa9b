import {applyRuleTemplate, ruleSpecSchema, ruleTemplate} from '@tripwire/common';
import request from 'supertest';

import {keys} from '../dispatch/keys';
import {reply, TestReceiver} from '../dispatch/testing/receiver';

import {as, CHANNELS, createWorld, ruleSpec, USERS, type World} from './testing/world';

const TOKEN = 'routing-marker-5b7e9d';

/**
 * A rule from a template that sends the rule's token in its body (`{{secrets.token}}`, PagerDuty's routing_key): the
 * service gets the token, and nothing the API answers, logs or keeps outside the secret store holds it.
 */
describe('{{secrets.token}} through the REST API and the dispatcher', () => {
    let w: World;
    let receiver: TestReceiver;
    beforeEach(async () => {
        w = await createWorld();
        receiver = await TestReceiver.start({handler: reply(202, {status: 'success', message: 'Event processed', dedup_key: 'k'})});
    });
    afterEach(async () => {
        await receiver.close();
        await w.close();
    });

    async function pagerDutyRule(): Promise<{id: string}> {
        const spec = applyRuleTemplate(ruleSpecSchema.parse(ruleSpec()), ruleTemplate('pagerduty_event')!);
        const body = {...spec, endpoints: [{...spec.endpoints[0]!, url: `${receiver.url}/v2/enqueue`}]};
        const created = (await request(w.app).post('/api/v1/rules').set(as('chanadmin')).send(body).expect(201)).body as {id: string};
        await request(w.app).put(`/api/v1/rules/${created.id}/token`).set(as('chanadmin')).send({token: TOKEN}).expect(204);
        return created;
    }

    it('sends the token as the routing key in a test delivery and shows it nowhere', async () => {
        const created = await pagerDutyRule();
        const res = await request(w.app).post(`/api/v1/rules/${created.id}/test-delivery`).set(as('chanadmin')).send({message: 'deploy is down'}).expect(200);
        expect(JSON.parse(receiver.requests[0]!.body.toString()).routing_key).toBe(TOKEN);
        expect(res.body.response.status).toBe(202);
        expect(res.body.request.body).toContain('"routing_key": "[redacted]"');
        expect(JSON.stringify(res.body)).not.toContain(TOKEN);
        // The template's reply mapping, previewed: PagerDuty's status document in words, in the thread.
        expect(res.body.reply).toEqual({kind: 'posts', posts: [expect.objectContaining({message: 'PagerDuty success: incident key `k`', in_thread: true, ephemeral: false})]});
    });

    it('logs a real delivery without it and keeps it out of every KV key but the secret store', async () => {
        const created = await pagerDutyRule();
        const rule = (await w.rules.get(created.id))!;
        await w.harness.dispatcher.submit({
            rule: {id: rule.id, name: rule.name, owner_id: rule.ownerId},
            endpoints: rule.endpoints,
            policy: rule.delivery,
            response: rule.response,
            facts: {event_type: 'post_created', event_id: 'e1', post: {id: 'p1', message: 'page the on-call', create_at: 1}, channel: {id: CHANNELS.pub, name: 'town-square'}, team: {}, user: {id: USERS.member, username: 'member'}},
        });
        await w.harness.drained();
        expect(JSON.parse(receiver.requests[0]!.body.toString())).toMatchObject({routing_key: TOKEN, event_action: 'trigger', payload: {summary: 'page the on-call', severity: 'error'}});
        const log = await request(w.app).get(`/api/v1/rules/${created.id}/deliveries`).set(as('chanadmin')).expect(200);
        expect(log.body.entries).toHaveLength(1);
        expect(log.body.entries[0].request.body).toContain('"routing_key": "[redacted]"');
        expect(JSON.stringify(log.body)).not.toContain(TOKEN);
        for (const key of await w.mm.kv.list(0, 10_000)) {
            if (key === keys.secrets(created.id)) continue;
            expect(Buffer.from((await w.mm.kv.get(key)) ?? []).toString()).not.toContain(TOKEN);
        }
    });
});
