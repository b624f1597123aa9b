import {type DeliveryPolicy, type Endpoint} from '@tripwire/common';

import {type Settings} from './settings';

/*
 * Which guardrail caps which per-rule knob. A rule may ask for less than a guardrail, never more: saving a rule over
 * one is refused (rules/guardrail_limits.ts), and a delivery already queued when a guardrail is lowered is held to
 * the new value (the dispatcher clamps with the functions below at every attempt).
 */

type NumericSetting = {[K in keyof Settings]: Settings[K] extends number ? K : never}[keyof Settings];

export interface Guardrail {
    setting: NumericSetting;
    /** "at most <limit> <unit>". */
    unit: string;
}

type NumericKeys<T> = {[K in keyof T]-?: NonNullable<T[K]> extends number ? K : never}[keyof T];

export const deliveryGuardrails: Readonly<Partial<Record<NumericKeys<DeliveryPolicy>, Guardrail>>> = {
    max_attempts: {setting: 'MaxAttempts', unit: 'attempts'},
    max_age_seconds: {setting: 'MaxDeliveryAgeSeconds', unit: 'seconds'},
    backoff_base_ms: {setting: 'MaxBackoffMs', unit: 'ms'},
    backoff_max_ms: {setting: 'MaxBackoffMs', unit: 'ms'},
    rate_per_rule_per_minute: {setting: 'RateLimitPerMinute', unit: 'per minute'},
    rate_per_user_per_minute: {setting: 'RateLimitPerMinute', unit: 'per minute'},
};

export const endpointGuardrails: Readonly<Partial<Record<NumericKeys<Endpoint>, Guardrail>>> = {
    timeout_ms: {setting: 'MaxEndpointTimeoutMs', unit: 'ms'},
    max_concurrency: {setting: 'MaxEndpointConcurrency', unit: 'requests at once'},
};

/** The message a rule over a guardrail gets, naming the limit. */
export const overGuardrail = (g: Guardrail, settings: Settings): string => `at most ${settings[g.setting]} ${g.unit}: the system admin's limit`;

function clamp<T extends object>(value: T, table: Readonly<Partial<Record<string, Guardrail>>>, settings: Settings): T {
    let out: T | undefined;
    for (const [field, g] of Object.entries(table)) {
        const v = (value as Record<string, unknown>)[field];
        if (g && typeof v === 'number' && v > settings[g.setting]) (out ??= {...value})[field as keyof T] = settings[g.setting] as T[keyof T];
    }
    return out ?? value;
}

/** A delivery policy held to today's guardrails (the same object when nothing is over). */
export const clampPolicy = (policy: DeliveryPolicy, settings: Settings): DeliveryPolicy => clamp(policy, deliveryGuardrails, settings);

/** An endpoint held to today's guardrails (the same object when nothing is over). */
export const clampEndpoint = (endpoint: Endpoint, settings: Settings): Endpoint => clamp(endpoint, endpointGuardrails, settings);

/** Attempts a delivery gets: the rule's, else the default, never more than the guardrail. */
export const effectiveMaxAttempts = (requested: number | undefined, settings: Settings): number => Math.min(requested ?? settings.MaxAttempts, settings.MaxAttempts);

/** A rule's rate: its own, else the default, never more than the guardrail. */
export const effectiveRate = (requested: number | undefined, settings: Settings): number => Math.min(requested ?? settings.RateLimitPerMinute, settings.RateLimitPerMinute);
