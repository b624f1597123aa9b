import * as z from 'zod';

import {guardrailBounds, guardrailsInputSchema} from './api_dto';

/**
 * The system admin's guardrails as the plugin settings (config.json PluginSettings.Plugins.tripwire) hold them. Since
 * 0.2.0 the System Console saves them as ONE object under the settings_schema key `Guardrails` (stored lower-cased:
 * `guardrails`), with the field names of the REST API. 0.1.0 kept each under a key of its own (AllowedHosts,
 * MaxAttempts, ...); those keys are still read for any guardrail the object does not set, so an upgraded server keeps
 * its limits and config-as-code written for 0.1.0 keeps working.
 */

/** The settings_schema key of the one guardrails setting (plugin.json). */
export const GUARDRAILS_SETTING_KEY = 'Guardrails';

/** Every guardrail, valid: what the System Console form saves. */
export const guardrailsSchema = guardrailsInputSchema.required();
export type Guardrails = z.output<typeof guardrailsSchema>;

export const guardrailDefaults: Readonly<Guardrails> = Object.freeze({
    allowed_hosts: [],
    max_rules_per_channel: 25,
    dm_rules_enabled: false,
    max_attempts: 8,
    max_hops: 3,
    rate_limit_per_minute: 120,
    max_endpoint_timeout_ms: guardrailBounds.max_endpoint_timeout_ms.fallback,
    max_endpoint_concurrency: guardrailBounds.max_endpoint_concurrency.fallback,
    max_delivery_age_seconds: guardrailBounds.max_delivery_age_seconds.fallback,
    max_backoff_ms: guardrailBounds.max_backoff_ms.fallback,
    allow_foreign_action_urls: true,
    allow_rule_bots: false,
});

/** The key each guardrail had of its own in 0.1.0 (read case-insensitively, as Mattermost lower-cases them). */
export const legacyGuardrailKeys = {
    allowed_hosts: 'AllowedHosts',
    max_rules_per_channel: 'MaxRulesPerChannel',
    dm_rules_enabled: 'EnableDirectMessageRules',
    max_attempts: 'MaxAttempts',
    max_hops: 'MaxHops',
    rate_limit_per_minute: 'RateLimitPerMinute',
    max_endpoint_timeout_ms: 'MaxEndpointTimeoutMs',
    max_endpoint_concurrency: 'MaxEndpointConcurrency',
    max_delivery_age_seconds: 'MaxDeliveryAgeSeconds',
    max_backoff_ms: 'MaxBackoffMs',
    allow_foreign_action_urls: 'AllowForeignActionUrls',
    // Added after 0.1.0: no legacy key of its own ever existed, but one set by hand in config.json is read the same way.
    allow_rule_bots: 'AllowRuleBots',
} as const satisfies Record<keyof Guardrails, string>;

// Stored values are lenient: 0.1.0's console saved numbers as strings and the host list as one text field, and a
// hand-written config.json may do either. Each field falls back on its own, so one bad value never resets the rest.
const whole = z.union([z.number(), z.string().trim().regex(/^-?\d+$/).transform(Number)]);
const flag = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]);
const hosts = z.union([z.array(z.string()), z.string()]).transform((v) => (Array.isArray(v) ? v : v.split(/[\s,]+/)).map((h) => h.trim()).filter(Boolean));

const storedShape = guardrailsInputSchema.shape;
const stored: {[K in keyof Guardrails]: z.ZodType<Guardrails[K]>} = {
    allowed_hosts: hosts,
    max_rules_per_channel: whole.pipe(storedShape.max_rules_per_channel.unwrap()),
    dm_rules_enabled: flag,
    max_attempts: whole.pipe(storedShape.max_attempts.unwrap()),
    max_hops: whole.pipe(storedShape.max_hops.unwrap()),
    rate_limit_per_minute: whole.pipe(storedShape.rate_limit_per_minute.unwrap()),
    max_endpoint_timeout_ms: whole.pipe(storedShape.max_endpoint_timeout_ms.unwrap()),
    max_endpoint_concurrency: whole.pipe(storedShape.max_endpoint_concurrency.unwrap()),
    max_delivery_age_seconds: whole.pipe(storedShape.max_delivery_age_seconds.unwrap()),
    max_backoff_ms: whole.pipe(storedShape.max_backoff_ms.unwrap()),
    allow_foreign_action_urls: flag,
    allow_rule_bots: flag,
};

const lowerKeys = (raw: unknown): Map<string, unknown> => {
    const out = new Map<string, unknown>();
    if (raw !== null && typeof raw === 'object' && !Array.isArray(raw)) {
        for (const [key, value] of Object.entries(raw)) out.set(key.toLowerCase(), value);
    }
    return out;
};

/** The guardrails a configuration sets, and each stored value it could not use (so an admin can be told). */
export interface ResolvedGuardrails {
    guardrails: Guardrails;
    /** "guardrails.max_attempts: Too big: expected number to be <=50", in field order. */
    ignored: string[];
}

/**
 * The guardrails a plugin configuration map sets: each from the `guardrails` object, else from its 0.1.0 key, else its
 * default. Keys match case-insensitively (Mattermost lower-cases them; config.json may not).
 */
export function resolveGuardrailsReport(pluginConfig: unknown): ResolvedGuardrails {
    const top = lowerKeys(pluginConfig);
    const rawObject = top.get(GUARDRAILS_SETTING_KEY.toLowerCase());
    const ignored: string[] = [];
    if (rawObject !== undefined && rawObject !== null && (typeof rawObject !== 'object' || Array.isArray(rawObject))) {
        ignored.push('guardrails: expected an object');
    }
    const object = lowerKeys(rawObject);
    const guardrails = {} as Record<keyof Guardrails, unknown>;
    for (const field of Object.keys(legacyGuardrailKeys) as (keyof Guardrails)[]) {
        const sources: Array<[string, unknown]> = [
            [`guardrails.${field}`, object.get(field)],
            [legacyGuardrailKeys[field], top.get(legacyGuardrailKeys[field].toLowerCase())],
        ];
        let value: unknown;
        for (const [name, raw] of sources) {
            if (raw === undefined || raw === null) continue;
            const parsed = stored[field].safeParse(raw);
            if (parsed.success) {
                value = parsed.data;
                break;
            }
            ignored.push(`${name}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
        }
        const fallback = guardrailDefaults[field];
        guardrails[field] = value ?? (Array.isArray(fallback) ? [...fallback] : fallback);
    }
    return {guardrails: guardrails as Guardrails, ignored};
}

export const resolveGuardrails = (pluginConfig: unknown): Guardrails => resolveGuardrailsReport(pluginConfig).guardrails;
