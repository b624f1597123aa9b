import {type z} from 'zod';

import {apiRoutes, routePath, type ApiBody, type ApiParams, type ApiResponse} from './api';
import {deliveryLogQuerySchema, guardrailsInputSchema, updateRuleBodySchema} from './api_dto';
import {deliveryErrorClasses} from './delivery';
import {type RuleSpecInput} from './rule';

describe('apiRoutes', () => {
    const routes = Object.entries(apiRoutes);

    it('has one route per method and path', () => {
        const keys = routes.map(([, r]) => `${r.method} ${r.path}`);
        expect(new Set(keys).size).toBe(keys.length);
    });

    it.each(routes)('%s declares a params schema naming exactly its path parameters', (_, r) => {
        const names = [...r.path.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1]).sort();
        const declared = r.params ? Object.keys((r.params as unknown as z.ZodObject).shape).sort() : [];
        expect(declared).toEqual(names);
    });

    it('gives bodies only to methods that carry one, and no response body to 204s', () => {
        for (const [, r] of routes) {
            if (r.method === 'GET' || r.method === 'DELETE') expect(r.body).toBeNull();
            expect(r.status === 204).toBe(r.response === null);
        }
    });

    it('types bodies, params and responses from the schemas', () => {
        const body: ApiBody<'createRule'> = {name: 'n', scope: {kind: 'direct'}, trigger: {mode: 'any'}} satisfies RuleSpecInput;
        const params: ApiParams<'getRule'> = {ruleId: 'x'};
        const none: ApiParams<'listMyRules'> = undefined;
        const done: ApiResponse<'deleteRule'> = undefined;
        expect([body.name, params.ruleId, none, done]).toEqual(['n', 'x', undefined, undefined]);
    });
});

describe('routePath', () => {
    it('fills and encodes parameters', () => {
        expect(routePath('/rules/:ruleId/endpoints/:endpointId/secret', {ruleId: 'a', endpointId: 'b/c'})).toBe('/rules/a/endpoints/b%2Fc/secret');
    });

    it('refuses a missing parameter', () => {
        expect(() => routePath('/rules/:ruleId')).toThrow('ruleId');
    });
});

describe('request schemas', () => {
    it('parse query strings, with defaults', () => {
        expect(deliveryLogQuerySchema.parse({status: 'failed,retrying', since: '10'})).toEqual({status: ['failed', 'retrying'], since: 10, page: 0, per_page: 20});
    });

    it('refuse unknown fields and unknown statuses', () => {
        expect(deliveryLogQuerySchema.safeParse({statuss: 'failed'}).success).toBe(false);
        expect(deliveryLogQuerySchema.safeParse({status: 'failed,lost'}).success).toBe(false);
        expect(guardrailsInputSchema.safeParse({max_rules_per_channel: 5, extra: true}).success).toBe(false);
    });
});

describe('updateRuleBodySchema', () => {
    const rule: RuleSpecInput = {name: 'r', scope: {kind: 'channels', teamId: 'a'.repeat(26), channelIds: ['b'.repeat(26)]}, trigger: {mode: 'exact', words: ['x']}, endpoints: [{id: 'main', url: 'https://svc.example.com/'}]};

    it('takes write-only secrets beside the rule', () => {
        const parsed = updateRuleBodySchema.parse({revision: 2, rule, secrets: {token: '', signing_secrets: {main: 'whsec_x'}}});
        expect(parsed.secrets).toEqual({token: '', signing_secrets: {main: 'whsec_x'}});
        expect(updateRuleBodySchema.parse({rule}).secrets).toBeUndefined();
    });

    it('refuses unknown secret fields and bad endpoint ids', () => {
        expect(updateRuleBodySchema.safeParse({rule, secrets: {password: 'x'}}).success).toBe(false);
        expect(updateRuleBodySchema.safeParse({rule, secrets: {signing_secrets: {'bad id!': 'x'}}}).success).toBe(false);
    });

    it('knows the secret_missing error class', () => {
        expect(deliveryErrorClasses).toContain('secret_missing');
    });
});
