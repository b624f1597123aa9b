import {guardrailBounds} from '@tripwire/common';
import {z} from 'zod';

/**
 * The plugin's System Console settings (plugin.json settings_schema) and the guardrails kept beside them. Mattermost
 * sends numbers typed in the console as strings or numbers depending on version, so numbers are coerced; out-of-range
 * values fall back to the defaults rather than disabling the plugin.
 */
const bounded = (fallback: number, min: number, max: number) => z.coerce.number().int().min(min).max(max).catch(fallback);
const count = (fallback: number, max: number) => bounded(fallback, 1, max);
const flag = (fallback: boolean) => z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]).catch(fallback);

/** The guardrails plugin.json does not declare (yet): PUT /admin/guardrails saves them as plugin config keys. */
const guardrail = (key: keyof typeof guardrailBounds) => bounded(guardrailBounds[key].fallback, guardrailBounds[key].min, guardrailBounds[key].max);

export const settingsSchema = z.object({
    AllowedHosts: z
        .string()
        .catch('')
        .transform((s) => s.split(/[\s,]+/).filter(Boolean)),
    MaxRulesPerChannel: count(25, 1000),
    EnableDirectMessageRules: flag(false),
    /** The default attempts per delivery, and the most a rule may ask for. */
    MaxAttempts: count(8, 50),
    MaxHops: count(3, 20),
    /**
     * The default per-rule rate, and the most a rule may ask for (per rule and per user). Up to the rule schema's own
     * maximum, so a system admin can still allow what a rule could ask for before this was a ceiling.
     */
    RateLimitPerMinute: count(120, 1_000_000),
    MaxEndpointTimeoutMs: guardrail('max_endpoint_timeout_ms'),
    MaxEndpointConcurrency: guardrail('max_endpoint_concurrency'),
    MaxDeliveryAgeSeconds: guardrail('max_delivery_age_seconds'),
    MaxBackoffMs: guardrail('max_backoff_ms'),
    /**
     * Clicks and dialog submissions whose URL is on another origin than the rule's endpoints are sent unsigned, as
     * native Mattermost sends them (true), or refused (false).
     */
    AllowForeignActionUrls: flag(true),
});

export type Settings = Readonly<z.output<typeof settingsSchema>>;

const keyOf = new Map(Object.keys(settingsSchema.shape).map((k) => [k.toLowerCase(), k]));

/**
 * Mattermost returns the keys it does not find in plugin.json lower-cased (the guardrails above), so keys are matched
 * case-insensitively.
 */
export function parseSettings(raw: unknown): Settings {
    const input: Record<string, unknown> = {};
    if (raw !== null && typeof raw === 'object') {
        for (const [key, value] of Object.entries(raw)) input[keyOf.get(key.toLowerCase()) ?? key] = value;
    }
    return Object.freeze(settingsSchema.parse(input));
}
