import express from 'express';
import request from 'supertest';

import {memoryLogger} from '../dispatch/testing/factories';
import {PluginApiError} from '../ports';

import {errorMiddleware} from './app';

import {as, BOT, CHANNELS, createWorld, mmid, ruleSpec, TEAM, USERS, type World} from './testing/world';

/*
 * Routes other than the REST table (which fuzz.test.ts covers) fed bad or stale input: never a 5xx, and the
 * Mattermost-facing routes answer in the shapes Mattermost decodes.
 */
describe('bad or stale input', () => {
    let w: World;
    beforeEach(async () => {
        w = await createWorld();
    });
    afterEach(() => w.close());

    const GONE_CHANNEL = mmid('gonechannel');
    const BODIES: unknown[] = [{}, [], 'null', '"x"', 42, {channel_id: 5}, {context: null}, {context: {tripwire: 'garbage'}}, {context: {tripwire: 42}}, {state: 7}, {state: ''}, {submission: 'x', state: 'y'}];

    it('interactive action and dialog answer 200 in Mattermost’s shapes for any body', async () => {
        for (const path of ['/interactive/action', '/interactive/dialog']) {
            for (const body of BODIES) {
                const res = await request(w.app).post(path).set(as('member')).set('content-type', 'application/json').send(typeof body === 'string' ? body : JSON.stringify(body));
                expect([path, body, res.status]).toEqual([path, body, 200]);
                expect(Object.keys(res.body as object)).toEqual([path.endsWith('action') ? 'ephemeral_text' : 'error']);
            }
            const bad = await request(w.app).post(path).set(as('member')).set('content-type', 'application/json').send('{not json');
            expect(bad.status).toBeLessThan(500);
        }
    });

    it('answers a click on a post that was deleted, or in a channel that is gone, without a 5xx', async () => {
        const rule = await w.addRule(ruleSpec({endpoints: [{id: 'main', url: 'https://hooks.example.com/x'}]}));
        const post = await w.services.securePosting(w.mm).createPost({
            channel_id: CHANNELS.pub,
            user_id: BOT,
            message: 'Deploy?',
            props: {tripwire_rule_id: rule.id, attachments: [{actions: [{id: 'go', name: 'Go', type: 'button', integration: {url: 'https://hooks.example.com/act', context: {}}}]}]},
        });
        const context = (post.props?.attachments as Array<{actions: Array<{integration: {context: object}}>}>)[0]!.actions[0]!.integration.context;
        const click = (over: object = {}) => request(w.app).post('/interactive/action').set(as('member')).send({user_id: USERS.member, channel_id: CHANNELS.pub, team_id: TEAM, post_id: post.id, context, ...over});
        w.mm.posts.delete(post.id);
        expect((await click()).status).toBe(200);
        expect((await click({post_id: 'x'.repeat(26)})).status).toBe(200);
        w.mm.channels.delete(CHANNELS.pub);
        const gone = await click();
        expect(gone.status).toBe(200);
        expect(gone.body).toHaveProperty('ephemeral_text');
    });

    it('autocomplete gives an empty list for unknown, malformed or vanished channels', async () => {
        for (const query of ['', '?channel_id=', `?channel_id=${GONE_CHANNEL}`, '?channel_id=../../x', '?channel_id[]=a&channel_id[]=b', `?channel_id=${CHANNELS.priv}`]) {
            await request(w.app).get(`/autocomplete/rules${query}`).set(as('member')).expect(200, []);
        }
        await w.addRule(ruleSpec());
        w.mm.channels.delete(CHANNELS.pub);
        await request(w.app).get(`/autocomplete/rules?channel_id=${CHANNELS.pub}`).set(as('chanadmin')).expect(200, []);
    });

    it('answers unknown, malformed and forged response_url tokens with a JSON 404', async () => {
        for (const token of ['x', 'a.b.c', 'a'.repeat(2000), '%00', `${mmid('d')}.zzzz.sig`, '..']) {
            const res = await request(w.app).post(`/r/${encodeURIComponent(token)}`).set('content-type', 'application/json').send('{"text":"hi"}');
            expect([token, res.status]).toEqual([token, 404]);
            expect(res.body.error.code).toBe('not_found');
        }
    });

    it('answers REST calls naming vanished channels, teams, rules and deliveries with 4xx', async () => {
        const rule = await w.addRule(ruleSpec());
        const calls = [
            () => request(w.app).get(`/api/v1/channels/${GONE_CHANNEL}/rules`).set(as('sysadmin')),
            () => request(w.app).post(`/api/v1/rules/${rule.id}/deliveries/${mmid('nodelivery')}/replay`).set(as('chanadmin')),
            () => request(w.app).post(`/api/v1/rules/${mmid('norule')}/deliveries/${mmid('nodelivery')}/replay`).set(as('chanadmin')),
            () => request(w.app).get(`/api/v1/rules/${mmid('norule')}/deliveries`).set(as('sysadmin')),
            () => request(w.app).post('/api/v1/rules').set(as('chanadmin')).send(ruleSpec({scope: {kind: 'channels', teamId: TEAM, channelIds: [GONE_CHANNEL]}})),
        ];
        for (const [i, call] of calls.entries()) {
            const res = await call();
            expect([i, res.status >= 400]).toEqual([i, true]);
            expect(res.status).toBeLessThan(500);
            expect(res.body.error.code).toEqual(expect.any(String));
        }
        // A system admin may list any team's rules: an unknown team has none.
        await request(w.app).get(`/api/v1/teams/${mmid('goneteam')}/rules`).set(as('sysadmin')).expect(200, {rules: []});
        // The rule's channel vanishes: reads and deletes of the rule still answer without a 5xx.
        w.mm.channels.delete(CHANNELS.pub);
        for (const call of [
            () => request(w.app).get(`/api/v1/rules/${rule.id}`).set(as('sysadmin')),
            () => request(w.app).get(`/api/v1/channels/${CHANNELS.pub}/rules`).set(as('chanadmin')),
            () => request(w.app).get(`/api/v1/rules/${rule.id}/deliveries`).set(as('chanadmin')),
            () => request(w.app).post(`/api/v1/channels/${CHANNELS.pub}/test`).set(as('chanadmin')).send({message: 'deploy'}),
        ]) {
            const res = await call();
            expect(res.status).toBeLessThan(500);
        }
    });

    it('answers a Mattermost 4xx about a stale object as a 4xx of its own, and keeps real failures 500', async () => {
        const log = memoryLogger();
        const app = express();
        app.get('/gone', () => {
            throw new PluginApiError('app.channel.get.existing.app_error: sql: no rows in result set', 404, 'app.channel.get.existing.app_error');
        });
        app.get('/denied', () => {
            throw new PluginApiError('you do not have the appropriate permissions', 403);
        });
        app.get('/broken', () => {
            throw new PluginApiError('database is down', 500);
        });
        app.use(errorMiddleware(log));
        await request(app).get('/gone').expect(404, {error: {code: 'not_found', message: 'not found: it may have been deleted'}});
        await request(app).get('/denied').expect(403, {error: {code: 'forbidden', message: 'Mattermost does not allow this'}});
        await request(app).get('/broken').expect(500, {error: {code: 'internal', message: 'internal error'}});
        expect(log.lines.map((l) => l.level)).toEqual(['error']);
    });
});
