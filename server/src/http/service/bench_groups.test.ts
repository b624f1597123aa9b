import request from 'supertest';

import {as, CHANNELS, createWorld, mmid, ruleSpec, USERS, type World} from '../testing/world';

/** The test bench reads the tester's groups as the engine reads an author's, so a group rule says what production does. */
describe('the test bench and group conditions', () => {
    let w: World;
    beforeEach(async () => {
        w = await createWorld();
    });
    afterEach(() => w.close());

    const explain = async (role: 'chanadmin') => {
        const res = await request(w.app).post(`/api/v1/channels/${CHANNELS.pub}/test`).set(as(role)).send({message: 'deploy now'}).expect(200);
        return res.body.outcomes as Array<{ruleName: string; matched: boolean; conditions: Array<{label: string}>}>;
    };

    it("matches with the tester's live groups and ignores archived ones", async () => {
        const ops = mmid('opsgroup');
        const old = mmid('oldgroup');
        await w.addRule(ruleSpec({name: 'Ops only', conditions: [{type: 'group', groupIds: [ops]}]}));
        await w.addRule(ruleSpec({name: 'Old only', conditions: [{type: 'group', groupIds: [old]}]}));
        w.mm.groups.set(USERS.chanadmin, [
            {id: ops, display_name: 'Ops', source: 'ldap', delete_at: 0},
            {id: old, display_name: 'Old', source: 'custom', delete_at: 5},
        ]);
        expect((await explain('chanadmin')).map((o) => [o.ruleName, o.matched])).toEqual([
            ['Ops only', true],
            ['Old only', false],
        ]);
        w.mm.groups.delete(USERS.chanadmin);
        const none = await explain('chanadmin');
        expect(none.map((o) => o.matched)).toEqual([false, false]);
        // Resolved as none, not unknown: the trace says nothing about unresolved groups.
        expect(none[0]).toMatchObject({conditions: [{label: 'author is in one of 1 group', passed: false}]});
    });
});
