import {ClientCore, ClientError} from './client_core';
import {API, fakeServer, SITE} from '../../test/render';

describe('ClientCore via TripwireClient', () => {
    afterEach(() => {
        document.cookie = 'MMCSRF=; expires=Thu, 01 Jan 1970 00:00:00 GMT';
    });

    it('sends the CSRF token from the MMCSRF cookie on writes but not on reads', async () => {
        document.cookie = 'MMCSRF=csrf123';
        const {client, calls} = fakeServer({
            [`GET ${API}/me`]: {body: {user_id: 'u', is_system_admin: false, dm_rules_enabled: false, max_rules_per_channel: 25, allow_rule_bots: false}},
            [`PUT ${API}/admin/guardrails`]: {body: {allowed_hosts: [], max_rules_per_channel: 5, dm_rules_enabled: false, max_attempts: 8, max_hops: 3, rate_limit_per_minute: 120, max_endpoint_timeout_ms: 30_000, max_endpoint_concurrency: 64, max_delivery_age_seconds: 604_800, max_backoff_ms: 86_400_000, allow_foreign_action_urls: true, allow_rule_bots: false, editable: true}},
        });
        await client.getMe();
        await client.setGuardrails({max_rules_per_channel: 5});
        expect(calls[0]!.headers['X-CSRF-Token']).toBeUndefined();
        expect(calls[0]!.headers['X-Requested-With']).toBe('XMLHttpRequest');
        expect(calls[1]!.headers['X-CSRF-Token']).toBe('csrf123');
        expect(calls[1]!.body).toEqual({max_rules_per_channel: 5});
        expect(`${SITE}${calls[1]!.path}`).toBe('http://chat.test/plugins/tripwire/api/v1/admin/guardrails');
    });

    it('throws a ClientError with the server code, message, fields and real status', async () => {
        const {client} = fakeServer({
            [`POST ${API}/rules`]: {status: 400, body: {error: {code: 'invalid_input', message: 'bad rule', fields: {'trigger.pattern': 'missing )'}}}},
        });
        const err = await client.createRule({} as never).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(ClientError);
        expect(err).toMatchObject({status: 400, code: 'invalid_input', message: 'bad rule', fields: {'trigger.pattern': 'missing )'}});
    });

    it('refuses a 2xx answer that does not match the route schema', async () => {
        const {client} = fakeServer({[`GET ${API}/me`]: {body: {user_id: 42}}});
        await expect(client.getMe()).rejects.toMatchObject({code: 'bad_response'});
    });

    it('encodes path params and query values from the route table', async () => {
        const {client, calls} = fakeServer({
            [`GET ${API}/rules/rule0000000000000000000001/deliveries`]: {body: {entries: [], page: 1, per_page: 5, total: 0, has_more: false, stats: {deliveries: 0, succeeded: 0, failed: 0, dropped: 0, success_rate: null, p50_latency_ms: null, p95_latency_ms: null, last_at: null}}},
        });
        await client.listDeliveries('rule0000000000000000000001', {page: 1, per_page: 5, status: 'failed,retrying'});
        expect(Object.fromEntries(calls[0]!.query)).toEqual({page: '1', per_page: '5', status: 'failed,retrying'});
    });
});

describe('ClientCore errors outside the API', () => {
    it('does not mistake a bare 404 page (a route the plugin lacks) for the API saying not_found', async () => {
        const core = new ClientCore({siteUrl: () => SITE, fetch: async () => ({ok: false, status: 404, text: async () => '<pre>Cannot GET /api/v1/x</pre>'}) as Response});
        await expect(core.request('GET', '/x')).rejects.toMatchObject({status: 404, code: 'internal', message: 'HTTP 404'});
    });

    it('keeps Mattermost\'s own 401 as unauthenticated', async () => {
        const core = new ClientCore({siteUrl: () => SITE, fetch: async () => ({ok: false, status: 401, text: async () => '{"message":"Invalid or expired session"}'}) as Response});
        await expect(core.request('GET', '/x')).rejects.toMatchObject({status: 401, code: 'unauthenticated'});
    });
});
