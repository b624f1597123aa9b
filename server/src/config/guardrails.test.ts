import {deliveryPolicySchema, endpointSchema} from '@tripwire/common';

import {clampEndpoint, clampPolicy, effectiveMaxAttempts, effectiveRate, overGuardrail, deliveryGuardrails} from './guardrails';
import {parseSettings} from './settings';

const tight = parseSettings({MaxAttempts: 3, RateLimitPerMinute: 120, MaxEndpointTimeoutMs: 2000, MaxEndpointConcurrency: 2, MaxDeliveryAgeSeconds: 600, MaxBackoffMs: 60_000});

describe('guardrails', () => {
    it('clamps every per-rule delivery knob to its guardrail and leaves lower ones alone', () => {
        const policy = deliveryPolicySchema.parse({max_attempts: 40, max_age_seconds: 86_400, backoff_base_ms: 100, backoff_max_ms: 7_200_000, rate_per_rule_per_minute: 1_000_000, rate_per_user_per_minute: 10});
        expect(clampPolicy(policy, tight)).toEqual({...policy, max_attempts: 3, max_age_seconds: 600, backoff_max_ms: 60_000, rate_per_rule_per_minute: 120});
    });

    it('clamps endpoint timeout and concurrency, returning the same object when nothing is over', () => {
        const endpoint = endpointSchema.parse({url: 'https://hooks.example.com/x', timeout_ms: 15_000, max_concurrency: 8});
        expect(clampEndpoint(endpoint, tight)).toMatchObject({timeout_ms: 2000, max_concurrency: 2});
        const modest = endpointSchema.parse({url: 'https://hooks.example.com/x', timeout_ms: 1000, max_concurrency: 1});
        expect(clampEndpoint(modest, tight)).toBe(modest);
    });

    it('takes the default when a rule does not say, and never more than the guardrail when it does', () => {
        expect(effectiveMaxAttempts(undefined, tight)).toBe(3);
        expect(effectiveMaxAttempts(2, tight)).toBe(2);
        expect(effectiveMaxAttempts(50, tight)).toBe(3);
        expect(effectiveRate(undefined, tight)).toBe(120);
        expect(effectiveRate(1_000_000, tight)).toBe(120);
        expect(effectiveRate(5, tight)).toBe(5);
    });

    it("names the limit and whose it is", () => {
        expect(overGuardrail(deliveryGuardrails.rate_per_rule_per_minute!, tight)).toBe("at most 120 per minute: the system admin's limit");
    });
});
