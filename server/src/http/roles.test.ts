import {apiRoutes, ruleSpecSchema, type ApiRouteName, type Rule} from '@tripwire/common';
import request from 'supertest';

import {reply, TestReceiver} from '../dispatch/testing/receiver';

import {as, CHANNELS, createWorld, mmid, ROLES, ruleSpec, TEAM, USERS, type Role, type World} from './testing/world';

/*
 * Every route × every kind of user, with exact statuses. The fixture (testing/world.ts): a public channel where the
 * team admin, channel admin, member and guest are members; a private channel with only the channel admin and the
 * member; the system admin is in neither, the outsider only in the team. Checks run membership → channel type →
 * admin level, so a private channel's rules are 404 (not 403) for everyone who is not in it, guests are 403 where
 * they can see, and the system admin may look at and delete anything but not take over a private channel's rules.
 */

type Target = 'pub' | 'priv';
type Expect = Record<Role, number>;

/** Who may see a channel's rules: 200 becomes the route's success status. */
const VIEW: Record<Target, Expect> = {
    pub: {sysadmin: 200, teamadmin: 200, chanadmin: 200, member: 403, outsider: 403, guest: 403, anonymous: 401},
    priv: {sysadmin: 200, teamadmin: 404, chanadmin: 200, member: 403, outsider: 404, guest: 404, anonymous: 401},
};
/** Who may change them. */
const MANAGE: Record<Target, Expect> = {
    pub: VIEW.pub,
    priv: {sysadmin: 404, teamadmin: 404, chanadmin: 200, member: 403, outsider: 404, guest: 404, anonymous: 401},
};
/** Who may delete them: system admins clean up anywhere. */
const DELETE: Record<Target, Expect> = {pub: VIEW.pub, priv: {...MANAGE.priv, sysadmin: 200}};

let w: World;
let receiver: TestReceiver;

beforeAll(async () => {
    // Many rules land in the two channels over the run.
    w = await createWorld({settings: {MaxRulesPerChannel: 1000}});
    receiver = await TestReceiver.start({handler: reply(200, {text: 'pong'})});
});
afterAll(async () => {
    await w.close();
    await receiver.close();
});

const channelOf = (t: Target) => CHANNELS[t];
const specIn = (t: Target, name = 'Deploys') => ruleSpec({name, scope: {kind: 'channels', teamId: TEAM, channelIds: [channelOf(t)]}, endpoints: [{id: 'main', url: receiver.url}]});
const newRule = (t: Target): Promise<Rule> => w.addRule(specIn(t));

async function deliveredRule(t: Target): Promise<{rule: Rule; deliveryId: string}> {
    const rule = await newRule(t);
    const [submitted] = await w.harness.dispatcher.submit({
        rule: {id: rule.id, name: rule.name, owner_id: rule.ownerId},
        endpoints: rule.endpoints,
        policy: rule.delivery,
        response: {...rule.response, enabled: false},
        facts: {
            event_type: 'post_created',
            event_id: rule.id,
            post: {id: mmid('trigger'), message: 'deploy', create_at: 1},
            channel: {id: channelOf(t), name: 'c'},
            team: {},
            user: {id: USERS.member, username: 'member'},
        },
    });
    await w.harness.drained();
    return {rule, deliveryId: submitted!.delivery_id};
}

type Call = (role: Role, t: Target) => Promise<request.Response>;
const api = (path: string) => `/api/v1${path}`;

/** How to call each channel-bound route against a fresh resource in the target channel. */
const channelRoutes: Array<[ApiRouteName, Record<Target, Expect>, Call]> = [
    ['listChannelRules', VIEW, (r, t) => request(w.app).get(api(`/channels/${channelOf(t)}/rules`)).set(as(r))],
    ['testMessage', VIEW, (r, t) => request(w.app).post(api(`/channels/${channelOf(t)}/test`)).set(as(r)).send({message: 'deploy now'})],
    ['getRule', VIEW, async (r, t) => request(w.app).get(api(`/rules/${(await newRule(t)).id}`)).set(as(r))],
    ['listDeliveries', VIEW, async (r, t) => request(w.app).get(api(`/rules/${(await newRule(t)).id}/deliveries`)).set(as(r))],
    ['exportRules', VIEW, async (r, t) => request(w.app).post(api('/rules/export')).set(as(r)).send({rule_ids: [(await newRule(t)).id]})],
    ['createRule', MANAGE, async (r, t) => request(w.app).post(api('/rules')).set(as(r)).send(specIn(t))],
    ['updateRule', MANAGE, async (r, t) => request(w.app).put(api(`/rules/${(await newRule(t)).id}`)).set(as(r)).send({rule: specIn(t, 'Renamed')})],
    ['setRuleEnabled', MANAGE, async (r, t) => request(w.app).put(api(`/rules/${(await newRule(t)).id}/enabled`)).set(as(r)).send({enabled: false})],
    ['setSigningSecret', MANAGE, async (r, t) => request(w.app).put(api(`/rules/${(await newRule(t)).id}/endpoints/main/secret`)).set(as(r)).send({})],
    ['removeSigningSecret', MANAGE, async (r, t) => request(w.app).delete(api(`/rules/${(await newRule(t)).id}/endpoints/main/secret`)).set(as(r))],
    ['setToken', MANAGE, async (r, t) => request(w.app).put(api(`/rules/${(await newRule(t)).id}/token`)).set(as(r)).send({token: 'abc'})],
    ['createInboundUrl', MANAGE, async (r, t) => request(w.app).post(api(`/rules/${(await newRule(t)).id}/inbound`)).set(as(r))],
    // Revoking is cleanup, like deleting: system admins may do it anywhere (and so for orphaned rules).
    ['deleteInboundUrl', DELETE, async (r, t) => request(w.app).delete(api(`/rules/${(await newRule(t)).id}/inbound`)).set(as(r))],
    ['testDelivery', MANAGE, async (r, t) => request(w.app).post(api(`/rules/${(await newRule(t)).id}/test-delivery`)).set(as(r)).send({message: 'deploy now'})],
    ['testDraftDelivery', MANAGE, (r, t) => request(w.app).post(api(`/channels/${channelOf(t)}/test-delivery`)).set(as(r)).send({message: 'deploy now', rule: specIn(t)})],
    ['recoverDeliveries', MANAGE, async (r, t) => request(w.app).post(api(`/rules/${(await newRule(t)).id}/recover`)).set(as(r)).send({since: 0})],
    [
        'replayDelivery',
        MANAGE,
        async (r, t) => {
            const {rule, deliveryId} = await deliveredRule(t);
            return request(w.app).post(api(`/rules/${rule.id}/deliveries/${deliveryId}/replay`)).set(as(r));
        },
    ],
    ['importRules', MANAGE, (r, t) => request(w.app).post(api('/rules/import')).set(as(r)).send({rules: [specIn(t)]})],
    ['deleteRule', DELETE, async (r, t) => request(w.app).delete(api(`/rules/${(await newRule(t)).id}`)).set(as(r))],
];

/** The success status a route answers with when access is granted. */
const success = (name: ApiRouteName): number => apiRoutes[name].status;

describe.each(channelRoutes)('%s', (name, expected, call) => {
    const cases = (['pub', 'priv'] as const).flatMap((t) => ROLES.map((role) => [t, role] as const));
    it.each(cases)('in the %s channel as %s', async (t, role) => {
        const want = expected[t][role] === 200 ? success(name) : expected[t][role];
        const res = await call(role, t);
        expect(res.status).toBe(want);
        if (want >= 400) expect(res.body.error.code).toBe({400: 'invalid_input', 401: 'unauthenticated', 403: 'forbidden', 404: 'not_found'}[want]);
    });
});

describe('importNativeWebhooks', () => {
    // One answer for the whole batch (200), with each hook's own verdict: a hook the caller may not manage is refused.
    const cases = (['pub', 'priv'] as const).flatMap((t) => ROLES.map((role) => [t, role] as const));
    it.each(cases)('in the %s channel as %s', async (t, role) => {
        const hook = {id: `hook${t}${role}`, team_id: TEAM, channel_id: channelOf(t), trigger_words: ['deploy'], callback_urls: ['https://ci.example.com/hook']};
        const res = await request(w.app).post(api('/rules/import-native')).set(as(role)).send({hooks: [hook]});
        if (role === 'anonymous') {
            expect(res.status).toBe(401);
            return;
        }
        expect(res.status).toBe(200);
        expect(res.body.results[0].ok).toBe(MANAGE[t][role] === 200);
        if (MANAGE[t][role] === 404) expect(res.body.results[0].reason).toBe('channel not found');
    });
});

const everyone: Expect = {sysadmin: 200, teamadmin: 200, chanadmin: 200, member: 200, outsider: 200, guest: 200, anonymous: 401};
const sysadminOnly: Expect = {sysadmin: 200, teamadmin: 403, chanadmin: 403, member: 403, outsider: 403, guest: 403, anonymous: 401};
const teamAdmins: Expect = {sysadmin: 200, teamadmin: 200, chanadmin: 403, member: 403, outsider: 403, guest: 403, anonymous: 401};

const otherRoutes: Array<[ApiRouteName, Expect, (role: Role) => request.Test]> = [
    ['listTeamRules', teamAdmins, (r) => request(w.app).get(api(`/teams/${TEAM}/rules`)).set(as(r))],
    ['listMyRules', everyone, (r) => request(w.app).get(api('/me/rules')).set(as(r))],
    ['getMe', everyone, (r) => request(w.app).get(api('/me')).set(as(r))],
    ['getDirectOptIn', everyone, (r) => request(w.app).get(api('/me/direct-opt-in')).set(as(r))],
    ['setDirectOptIn', everyone, (r) => request(w.app).put(api('/me/direct-opt-in')).set(as(r)).send({all: false})],
    ['listAllRules', sysadminOnly, (r) => request(w.app).get(api('/admin/rules')).set(as(r))],
    ['getGuardrails', sysadminOnly, (r) => request(w.app).get(api('/admin/guardrails')).set(as(r))],
    ['setGuardrails', sysadminOnly, (r) => request(w.app).put(api('/admin/guardrails')).set(as(r)).send({max_hops: 4})],
    ['getDeliveryHealth', sysadminOnly, (r) => request(w.app).get(api('/admin/delivery-health')).set(as(r))],
];

describe.each(otherRoutes)('%s', (_name, expected, call) => {
    it.each(ROLES)('as %s', async (role) => {
        const res = await call(role);
        expect(res.status).toBe(expected[role]);
    });
});

it('covers every route of the table', () => {
    const covered = new Set<string>([...channelRoutes.map(([n]) => n), ...otherRoutes.map(([n]) => n), 'importNativeWebhooks']);
    expect([...covered].sort()).toEqual(Object.keys(apiRoutes).sort());
});

describe('a private channel', () => {
    it('answers a non-member exactly as for a channel that does not exist', async () => {
        const rule = await newRule('priv');
        const missing = await request(w.app).get(api(`/rules/${mmid('norule')}`)).set(as('outsider'));
        const hidden = await request(w.app).get(api(`/rules/${rule.id}`)).set(as('outsider'));
        expect(hidden.status).toBe(404);
        expect(hidden.body.error.code).toBe(missing.body.error.code);
        const noChannel = await request(w.app).get(api(`/channels/${mmid('nochannel')}/rules`)).set(as('outsider'));
        const privChannel = await request(w.app).get(api(`/channels/${CHANNELS.priv}/rules`)).set(as('outsider'));
        expect(privChannel.body).toEqual(noChannel.body);
    });

    it('does not show its rules in another channel of a rule that names both', async () => {
        const both = await w.addRule(ruleSpec({name: 'Both', scope: {kind: 'channels', teamId: TEAM, channelIds: [CHANNELS.pub, CHANNELS.priv]}}));
        const res = await request(w.app).get(api(`/channels/${CHANNELS.pub}/rules`)).set(as('teamadmin')).expect(200);
        expect(res.body.rules.map((r: {id: string}) => r.id)).not.toContain(both.id);
        await request(w.app).get(api(`/rules/${both.id}`)).set(as('teamadmin')).expect(404);
    });
});

describe('secret header values, as every role', () => {
    const marker = 'roles-marker-5150';
    const secretRule = (t: Target) =>
        w.services.rules.create(USERS.chanadmin, ruleSpecSchema.parse(ruleSpec({scope: {kind: 'channels', teamId: TEAM, channelIds: [channelOf(t)]}, endpoints: [{id: 'main', url: receiver.url, headers: {'X-Api-Key': marker}}]})));
    const cases = (['pub', 'priv'] as const).flatMap((t) => ROLES.map((role) => [t, role] as const));

    it.each(cases)('are never shown in the %s channel to %s', async (t, role) => {
        const rule = await secretRule(t);
        const answers = await Promise.all([
            request(w.app).get(api(`/rules/${rule.id}`)).set(as(role)),
            request(w.app).get(api(`/channels/${channelOf(t)}/rules`)).set(as(role)),
            request(w.app).post(api('/rules/export')).set(as(role)).send({rule_ids: [rule.id]}),
            request(w.app).get(api('/admin/rules?per_page=200')).set(as(role)),
            request(w.app).get(api(`/teams/${TEAM}/rules`)).set(as(role)),
        ]);
        for (const res of answers) expect(JSON.stringify(res.body)).not.toContain(marker);
        if (VIEW[t][role] === 200) expect(answers[0]!.body.endpoints[0].secret_headers_set).toEqual(['X-Api-Key']);
    });

    it.each(cases)('cannot be dropped or replaced in the %s channel by %s unless they may manage the rule', async (t, role) => {
        const rule = await secretRule(t);
        const moved = {id: 'main', url: 'https://elsewhere.example.net/', secret_headers: ['X-Api-Key'], headers: {'X-Api-Key': 'replaced'}};
        const res = await request(w.app)
            .put(api(`/rules/${rule.id}`))
            .set(as(role))
            .send({rule: {...specIn(t), endpoints: [moved]}, secrets: {token: 'new-token'}});
        const stored = await w.harness.dispatcher.secrets.headers(rule.id, 'main');
        if (MANAGE[t][role] === 200) {
            expect(res.status).toBe(200);
            expect(stored).toEqual({'x-api-key': 'replaced'});
        } else {
            expect(res.status).toBe(MANAGE[t][role]);
            expect(stored).toEqual({'x-api-key': marker});
            expect(await w.harness.dispatcher.secrets.token(rule.id)).toBe('');
        }
    });
});
