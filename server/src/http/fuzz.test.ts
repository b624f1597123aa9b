import {apiRoutes, routePath, type ApiRouteName} from '@tripwire/common';
import request from 'supertest';

import {as, CHANNELS, createWorld, ruleSpec, TEAM, type World} from './testing/world';

/*
 * Schema fuzzing: every route gets random and mutated params, queries and bodies, as a system admin and as a
 * channel admin. Whatever comes in, the answer is never a 5xx, and every error is the API's JSON error body.
 */

/** mulberry32: a small seeded generator, so a failure can be replayed. */
function prng(seed: number): () => number {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

const STRINGS = ['', ' ', 'x', '__proto__', 'constructor', '{{post.message}}', '{{', '\u0000', '\ud800', 'é'.repeat(70), 'a'.repeat(5000), '../../etc', '1e309', '-1', 'null', '(?P<x>a+)+$', '%00'];
/** What a URL can carry (a lone surrogate cannot be percent-encoded). */
const URL_STRINGS = STRINGS.filter((x) => x !== '\ud800');
const NUMBERS = [0, -1, 1, 1.5, 2 ** 31, 2 ** 53 + 1, -(2 ** 63), 1e308, Number.MIN_VALUE];

function generator(random: () => number) {
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
    const value = (depth: number): unknown => {
        const r = random();
        if (depth <= 0 || r < 0.25) return pick<unknown>([null, true, false, pick(STRINGS), pick(NUMBERS)]);
        if (r < 0.55) return Array.from({length: Math.floor(random() * 4)}, () => value(depth - 1));
        const o: Record<string, unknown> = {};
        for (let i = Math.floor(random() * 4); i > 0; i--) o[pick([...STRINGS, 'name', 'scope', 'trigger', 'rules', 'hooks', 'rule', 'enabled', 'since'])] = value(depth - 1);
        return o;
    };
    /** A valid body with one part broken: dropped, retyped, nulled, or an unknown field added. */
    const mutate = (base: unknown, depth = 0): unknown => {
        if (base === null || typeof base !== 'object' || depth > 3 || random() < 0.3) return value(2);
        const copy: Record<string, unknown> = Array.isArray(base) ? ([...base] as unknown as Record<string, unknown>) : {...(base as Record<string, unknown>)};
        const keys = Object.keys(copy);
        const key = keys.length ? pick(keys) : 'x';
        const r = random();
        if (r < 0.2) delete copy[key];
        else if (r < 0.4) copy[pick(STRINGS)] = value(1);
        else copy[key] = mutate(copy[key], depth + 1);
        return copy;
    };
    return {value, mutate, pick};
}

const validBodies: Partial<Record<ApiRouteName, unknown>> = {
    createRule: ruleSpec(),
    updateRule: {revision: 1, rule: ruleSpec()},
    setRuleEnabled: {enabled: true},
    setSigningSecret: {keep_previous_seconds: 60},
    setToken: {token: 't'},
    testMessage: {message: 'deploy', files: [{name: 'a.png', mime_type: 'image/png'}]},
    testDelivery: {message: 'deploy'},
    testDraftDelivery: {message: 'deploy', rule: ruleSpec()},
    recoverDeliveries: {since: 0},
    exportRules: {rule_ids: []},
    importRules: {rules: [ruleSpec()], dry_run: true},
    importNativeWebhooks: {hooks: [{id: 'h', team_id: TEAM, channel_id: CHANNELS.pub, trigger_words: ['x']}], dry_run: true},
    setDirectOptIn: {channel: {id: CHANNELS.dm, opted_in: true}},
    setGuardrails: {allowed_hosts: ['a.example.com']},
};

let w: World;
let ruleId = '';
beforeAll(async () => {
    w = await createWorld({settings: {MaxRulesPerChannel: 1000}});
    ruleId = (await w.addRule(ruleSpec())).id;
});
afterAll(() => w.close());

const ITERATIONS = Number(process.env.FUZZ_ITERATIONS ?? 12);

describe.each(Object.keys(apiRoutes) as ApiRouteName[])('%s under fuzzing', (name) => {
    const route = apiRoutes[name];
    it('never answers 5xx', async () => {
        const random = prng([...name].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7));
        const g = generator(random);
        for (let i = 0; i < ITERATIONS; i++) {
            const params: Record<string, string> = {ruleId, channelId: CHANNELS.pub, teamId: TEAM, endpointId: 'main', deliveryId: 'a'.repeat(26)};
            // Half the runs break a path parameter.
            if (i % 2 === 1) for (const k of Object.keys(params)) if (random() < 0.5) params[k] = String(g.pick(URL_STRINGS)).slice(0, 200);
            const path = `/api/v1${routePath(route.path, params)}`;
            const query = i % 3 === 0 ? `?${g.pick(['page', 'per_page', 'status', 'since', 'revision', 'x'])}=${encodeURIComponent(String(g.pick([...URL_STRINGS, ...NUMBERS])))}` : '';
            const body = i % 4 === 0 ? g.value(4) : g.mutate(validBodies[name] ?? {});
            for (const role of ['sysadmin', 'chanadmin'] as const) {
                let call = request(w.app)[route.method.toLowerCase() as 'get' | 'post' | 'put' | 'delete'](path + query).set(as(role));
                if (route.body) call = call.set('content-type', 'application/json').send(JSON.stringify(body));
                const res = await call;
                if (res.status >= 500) throw new Error(`${route.method} ${path}${query} ${JSON.stringify(body)?.slice(0, 300)} → ${res.status} ${JSON.stringify(res.body)}`);
                if (res.status >= 400) expect(res.body.error.code).toEqual(expect.any(String));
            }
        }
    });
});

it('survives bodies nested far deeper than any rule', async () => {
    let deep: unknown = {type: 'bot'};
    for (let i = 0; i < 5000; i++) deep = {type: 'not', of: deep};
    const res = await request(w.app).post('/api/v1/rules').set(as('chanadmin')).send({...ruleSpec(), conditions: [deep]});
    expect(res.status).toBe(400);
});
