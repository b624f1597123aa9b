import {resolveGuardrailsReport, type Guardrails} from '@tripwire/common';

/**
 * The plugin's settings: the system admin's guardrails, one immutable snapshot swapped on OnConfigurationChange.
 * Where they come from (the System Console's one `Guardrails` object, else 0.1.0's key per guardrail, else defaults)
 * is common/src/guardrails_config.ts, shared with the System Console form so both read a configuration alike.
 * Out-of-range values fall back rather than disabling the plugin.
 */
export interface Settings {
    readonly AllowedHosts: readonly string[];
    readonly MaxRulesPerChannel: number;
    readonly EnableDirectMessageRules: boolean;
    /** The default attempts per delivery, and the most a rule may ask for. */
    readonly MaxAttempts: number;
    readonly MaxHops: number;
    /** The default per-rule rate, and the most a rule may ask for (per rule and per user). */
    readonly RateLimitPerMinute: number;
    readonly MaxEndpointTimeoutMs: number;
    readonly MaxEndpointConcurrency: number;
    readonly MaxDeliveryAgeSeconds: number;
    readonly MaxBackoffMs: number;
    /**
     * Clicks and dialog submissions whose URL is on another origin than the rule's endpoints are sent unsigned, as
     * native Mattermost sends them (true), or refused (false).
     */
    readonly AllowForeignActionUrls: boolean;
    /** Rules may post as a bot account of their own (off: their replies come from Tripwire's bot). */
    readonly AllowRuleBots: boolean;
}

export function settingsOf(g: Guardrails): Settings {
    return Object.freeze({
        AllowedHosts: Object.freeze([...g.allowed_hosts]),
        MaxRulesPerChannel: g.max_rules_per_channel,
        EnableDirectMessageRules: g.dm_rules_enabled,
        MaxAttempts: g.max_attempts,
        MaxHops: g.max_hops,
        RateLimitPerMinute: g.rate_limit_per_minute,
        MaxEndpointTimeoutMs: g.max_endpoint_timeout_ms,
        MaxEndpointConcurrency: g.max_endpoint_concurrency,
        MaxDeliveryAgeSeconds: g.max_delivery_age_seconds,
        MaxBackoffMs: g.max_backoff_ms,
        AllowForeignActionUrls: g.allow_foreign_action_urls,
        AllowRuleBots: g.allow_rule_bots,
    });
}

export function guardrailsOf(s: Settings): Guardrails {
    return {
        allowed_hosts: [...s.AllowedHosts],
        max_rules_per_channel: s.MaxRulesPerChannel,
        dm_rules_enabled: s.EnableDirectMessageRules,
        max_attempts: s.MaxAttempts,
        max_hops: s.MaxHops,
        rate_limit_per_minute: s.RateLimitPerMinute,
        max_endpoint_timeout_ms: s.MaxEndpointTimeoutMs,
        max_endpoint_concurrency: s.MaxEndpointConcurrency,
        max_delivery_age_seconds: s.MaxDeliveryAgeSeconds,
        max_backoff_ms: s.MaxBackoffMs,
        allow_foreign_action_urls: s.AllowForeignActionUrls,
        allow_rule_bots: s.AllowRuleBots,
    };
}

/**
 * The plugin configuration map as LoadPluginConfiguration returns it (keys in any case), and the stored values that
 * were not used (logged, so an admin managing config.json learns why a limit did not take).
 */
export function parseSettingsReport(raw: unknown): {settings: Settings; ignored: readonly string[]} {
    const {guardrails, ignored} = resolveGuardrailsReport(raw);
    return {settings: settingsOf(guardrails), ignored};
}

export const parseSettings = (raw: unknown): Settings => parseSettingsReport(raw).settings;
