import {ruleSpecSchema, type RuleSpecInput} from '@tripwire/common';

import {parseSettings} from '../config/settings';

import {fitGuardrails} from './guardrail_limits';

const spec = (overrides: Partial<RuleSpecInput> = {}) =>
    ruleSpecSchema.parse({
        name: 'Deploys',
        scope: {kind: 'channels', teamId: '', channelIds: ['a'.repeat(26)]},
        trigger: {mode: 'exact', words: ['deploy']},
        endpoints: [{id: 'main', url: 'https://hooks.example.com/deploy'}],
        ...overrides,
    });

describe('fitGuardrails', () => {
    it('accepts a rule within the guardrails unchanged', () => {
        const s = spec({delivery: {rate_per_rule_per_minute: 60}});
        expect(fitGuardrails(s, parseSettings({}))).toEqual({ok: true, spec: s});
    });

    it('refuses each chosen value over its guardrail, by field, naming the limit', () => {
        const settings = parseSettings({RateLimitPerMinute: 120, MaxAttempts: 5, MaxEndpointTimeoutMs: 5000, MaxEndpointConcurrency: 4, MaxDeliveryAgeSeconds: 3600, MaxBackoffMs: 600_000});
        const s = spec({
            delivery: {rate_per_rule_per_minute: 1_000_000, rate_per_user_per_minute: 500, max_attempts: 6, max_age_seconds: 7200, backoff_max_ms: 3_600_000},
            endpoints: [
                {id: 'a', url: 'https://hooks.example.com/a'},
                {id: 'b', url: 'https://hooks.example.com/b', timeout_ms: 6000, max_concurrency: 5},
            ],
        });
        const fit = fitGuardrails(s, settings, 'rules.0.');
        expect(fit).toEqual({
            ok: false,
            problems: {
                'rules.0.delivery.rate_per_rule_per_minute': "at most 120 per minute: the system admin's limit",
                'rules.0.delivery.rate_per_user_per_minute': "at most 120 per minute: the system admin's limit",
                'rules.0.delivery.max_attempts': "at most 5 attempts: the system admin's limit",
                'rules.0.delivery.max_age_seconds': "at most 3600 seconds: the system admin's limit",
                'rules.0.delivery.backoff_max_ms': "at most 600000 ms: the system admin's limit",
                'rules.0.endpoints.1.timeout_ms': "at most 5000 ms: the system admin's limit",
                'rules.0.endpoints.1.max_concurrency': "at most 4 requests at once: the system admin's limit",
            },
        });
    });

    it('lowers schema defaults over a guardrail instead of refusing a rule that never chose them', () => {
        const settings = parseSettings({MaxEndpointTimeoutMs: 5000, MaxEndpointConcurrency: 2, MaxDeliveryAgeSeconds: 600, MaxBackoffMs: 60_000});
        const fit = fitGuardrails(spec(), settings);
        expect(fit.ok).toBe(true);
        if (!fit.ok) return;
        expect(fit.spec.endpoints[0]).toMatchObject({timeout_ms: 5000, max_concurrency: 2});
        expect(fit.spec.delivery).toMatchObject({max_age_seconds: 600, backoff_max_ms: 60_000, backoff_base_ms: 5000});
    });
});
