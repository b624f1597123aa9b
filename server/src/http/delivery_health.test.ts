import request from 'supertest';

import {deliveryHealthSchema} from '@tripwire/common';

import {type HealthFigures} from '../ports';

import {as, createWorld, ruleSpec, type World} from './testing/world';

/** The System Console's health summary: the metrics' figures, failing rows only, most failures first, rules named. */
describe('GET /admin/delivery-health', () => {
    let w: World;
    let figures: HealthFigures;
    afterEach(() => w.close());

    it('lists failing rules and endpoints by name, with the queue and the breakers', async () => {
        figures = {rules: [], endpoints: [], queue: {in_flight: 1, scheduled: 4, parked: 2, oldest_age_seconds: 12.5}, breakers: {closed: 3, open: 1, half_open: 0}};
        w = await createWorld({health: {health: () => Promise.resolve(figures)}});
        const failing = await w.addRule(ruleSpec({name: 'pager'}));
        const fine = await w.addRule(ruleSpec({name: 'fine'}));
        figures.rules = [
            {rule_id: failing.id, failed: 3, succeeded: 1, dropped: 0},
            {rule_id: '_other', failed: 0, succeeded: 0, dropped: 2},
            {rule_id: fine.id, failed: 0, succeeded: 9, dropped: 0},
        ];
        figures.endpoints = [
            {rule_id: failing.id, endpoint_id: 'main', failed: 3, retrying: 5, succeeded: 1},
            {rule_id: fine.id, endpoint_id: 'main', failed: 0, retrying: 0, succeeded: 9},
        ];
        const res = await request(w.app).get('/api/v1/admin/delivery-health').set(as('sysadmin')).expect(200);
        const body = deliveryHealthSchema.parse(res.body);
        expect(body.rules).toEqual([
            {rule_id: failing.id, rule_name: 'pager', failed: 3, succeeded: 1, dropped: 0},
            {rule_id: '_other', rule_name: '', failed: 0, succeeded: 0, dropped: 2},
        ]);
        expect(body.endpoints).toEqual([{rule_id: failing.id, rule_name: 'pager', endpoint_id: 'main', failed: 3, retrying: 5, succeeded: 1}]);
        expect(body.queue).toEqual({in_flight: 1, scheduled: 4, parked: 2, oldest_age_seconds: 12.5});
        expect(body.breakers).toEqual({closed: 3, open: 1, half_open: 0});
    });

    it('shows zeros without metrics, and only to system admins', async () => {
        w = await createWorld();
        const res = await request(w.app).get('/api/v1/admin/delivery-health').set(as('sysadmin')).expect(200);
        expect(res.body).toEqual({rules: [], endpoints: [], queue: {in_flight: 0, scheduled: 0, parked: 0, oldest_age_seconds: 0}, breakers: {closed: 0, open: 0, half_open: 0}});
        await request(w.app).get('/api/v1/admin/delivery-health').set(as('teamadmin')).expect(403);
    });
});
