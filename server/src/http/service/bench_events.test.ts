import request from 'supertest';

import {reply, TestReceiver} from '../../dispatch/testing/receiver';
import {as, CHANNELS, createWorld, mmid, ruleSpec, USERS, type World} from '../testing/world';

/** The test bench explains reactions, joins and leaves as the engine matches them. */
describe('the test bench on reaction and membership events', () => {
    let w: World;
    beforeEach(async () => {
        w = await createWorld();
    });
    afterEach(() => w.close());

    const test = (body: object) => request(w.app).post(`/api/v1/channels/${CHANNELS.pub}/test`).set(as('chanadmin')).send(body);
    const outcomes = async (body: object) =>
        ((await test(body).expect(200)).body.outcomes as Array<{ruleName: string; matched: boolean; reason: string; detail: string}>).map((o) => [o.ruleName, o.reason, o.detail]);

    it('explains a reaction by its emoji, and a rule that does not listen to reactions by its events', async () => {
        await w.addRule(ruleSpec({name: 'Tickets', events: ['reaction_added'], emoji: ['ticket'], trigger: {mode: 'any'}}));
        await w.addRule(ruleSpec({name: 'Deploys'}));
        expect(await outcomes({event: 'reaction_added', emoji: ':ticket:', message: 'the printer is on fire'})).toEqual([
            ['Tickets', 'matched', 'matched the reaction :ticket:'],
            ['Deploys', 'event', 'the rule listens to posted events, not reaction_added'],
        ]);
        expect(await outcomes({event: 'reaction_added', emoji: 'smile', message: 'x'})).toEqual([
            ['Tickets', 'emoji', ":smile: is not one of the rule's emoji: :ticket:"],
            ['Deploys', 'event', expect.any(String)],
        ]);
    });

    it('tests a reaction on a real post as the caller reacting (user conditions are about who reacts)', async () => {
        const id = mmid('reacted');
        w.mm.posts.set(id, {id, create_at: 1, update_at: 1, edit_at: 0, delete_at: 0, user_id: USERS.member, channel_id: CHANNELS.pub, root_id: '', message: 'hi', type: '', props: {}});
        await w.addRule(ruleSpec({name: 'Admin reacts', events: ['reaction_removed'], trigger: {mode: 'any'}, conditions: [{type: 'user', userIds: [USERS.chanadmin]}]}));
        expect((await outcomes({event: 'reaction_removed', emoji: '+1', post_id: id}))[0]).toEqual(['Admin reacts', 'matched', expect.any(String)]);
    });

    it('explains a join or leave without a message', async () => {
        await w.addRule(ruleSpec({name: 'Welcome', events: ['user_joined'], trigger: {mode: 'any'}}));
        expect((await outcomes({event: 'user_joined'}))[0]).toEqual(['Welcome', 'matched', 'matches everyone who joins']);
        expect((await outcomes({event: 'user_left'}))[0]).toEqual(['Welcome', 'event', expect.any(String)]);
    });

    it('refuses what an event does not have, field by field', async () => {
        expect((await test({event: 'reaction_added', message: 'x'}).expect(400)).body.error.fields).toEqual({emoji: expect.stringContaining('emoji')});
        expect((await test({event: 'posted', message: 'x', emoji: 'ticket'}).expect(400)).body.error.fields).toEqual({emoji: 'only a reaction event has an emoji'});
        expect((await test({event: 'user_left', message: 'x'}).expect(400)).body.error.fields).toEqual({event: expect.stringContaining('no message')});
        expect((await test({event: 'reacted', message: 'x'}).expect(400)).body.error.fields).toEqual({event: expect.stringContaining('reaction_added')});
    });

    it('refuses a rule that mixes trigger words with reaction events, at the field', async () => {
        const res = await request(w.app).post('/api/v1/rules').set(as('chanadmin')).send(ruleSpec({events: ['posted', 'reaction_added']})).expect(400);
        expect(res.body.error.fields).toEqual({trigger: expect.stringContaining('no text')});
    });

    it("sends a test delivery as the rule's own event: a sample reaction in the rich body, even to a compat endpoint", async () => {
        const receiver = await TestReceiver.start({handler: reply(200, {})});
        try {
            const url = `${receiver.url}/hook`;
            const rule = await w.addRule(ruleSpec({events: ['reaction_added'], emoji: ['ticket'], trigger: {mode: 'any'}, endpoints: [{id: 'main', url, payload: 'compat'}]}));
            const res = await request(w.app).post(`/api/v1/rules/${rule.id}/test-delivery`).set(as('chanadmin')).send({message: 'printer on fire'}).expect(200);
            expect(res.body.outcome).toMatchObject({matched: true, reason: 'matched'});
            const joins = await w.addRule(ruleSpec({name: 'Welcome', events: ['user_joined'], trigger: {mode: 'any'}, endpoints: [{id: 'main', url, payload: 'rich'}]}));
            await request(w.app).post(`/api/v1/rules/${joins.id}/test-delivery`).set(as('chanadmin')).send({message: ''}).expect(200);
            const [reaction, join] = receiver.requests.map((r) => JSON.parse(r.body.toString()) as Record<string, unknown>);
            expect(reaction).toMatchObject({event_type: 'reaction_added', text: 'printer on fire', user_id: USERS.chanadmin, reaction: {emoji_name: 'ticket'}});
            expect(join).toMatchObject({event_type: 'user_joined', post_id: '', text: '', user_id: USERS.chanadmin, actor: null});
        } finally {
            await receiver.close();
        }
    });
});
