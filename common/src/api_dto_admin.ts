import * as z from 'zod';

import {mattermostIdSchema} from './rule';
import {int} from './api_dto_numbers';

// The caller, consent to direct-message rules, guardrails and health.

export const meSchema = z.object({
    user_id: z.string(),
    is_system_admin: z.boolean(),
    dm_rules_enabled: z.boolean(),
    max_rules_per_channel: int,
    /** Rules may post as a bot of their own (guardrail allow_rule_bots). */
    allow_rule_bots: z.boolean(),
});
export type Me = z.output<typeof meSchema>;

export const directOptInSchema = z.object({all: z.boolean(), channels: z.record(z.string(), z.boolean())});
export type DirectOptInView = z.output<typeof directOptInSchema>;

export const setDirectOptInBodySchema = z.strictObject({
    all: z.boolean().optional(),
    /** One conversation: true/false overrides `all` there, null goes back to it. */
    channel: z.strictObject({id: mattermostIdSchema, opted_in: z.boolean().nullable()}).optional(),
});
export type SetDirectOptInBody = z.input<typeof setDirectOptInBodySchema>;

/**
 * Ranges of the guardrails on per-rule knobs added after the first ones. Their defaults are the rule-schema maxima, so
 * no rule saved before they existed becomes invalid.
 */
export const guardrailBounds = {
    /** endpoint.timeout_ms: the rule schema allows 500 ms to 30 s. */
    max_endpoint_timeout_ms: {min: 500, max: 30_000, fallback: 30_000},
    /** endpoint.max_concurrency: requests in flight per endpoint, 1 to 64 in the rule schema. */
    max_endpoint_concurrency: {min: 1, max: 64, fallback: 64},
    /** delivery.max_age_seconds: 10 s to 7 days in the rule schema (7 days is also how long failed deliveries are kept). */
    max_delivery_age_seconds: {min: 10, max: 7 * 86_400, fallback: 7 * 86_400},
    /**
     * delivery.backoff_base_ms and backoff_max_ms: the longest wait between two attempts. At least a minute, so the
     * rules' default base (5 s) never trips it; at most the schema's day.
     */
    max_backoff_ms: {min: 60_000, max: 86_400_000, fallback: 86_400_000},
} as const;

const bounded = (b: {min: number; max: number}) => z.int().min(b.min).max(b.max);

/**
 * The System Console's delivery health: this node's figures since its plugin started, read from the same metrics
 * the ServeMetrics hook serves. Rules and endpoints with failures only, most failures first (at most 10 each).
 */
export const deliveryHealthSchema = z.object({
    rules: z.array(z.object({rule_id: z.string(), rule_name: z.string(), failed: int, dropped: int, succeeded: int})),
    endpoints: z.array(z.object({rule_id: z.string(), rule_name: z.string(), endpoint_id: z.string(), failed: int, retrying: int, succeeded: int})),
    queue: z.object({in_flight: int, scheduled: int, parked: int, oldest_age_seconds: z.number().min(0)}),
    breakers: z.object({closed: int, open: int, half_open: int}),
});
export type DeliveryHealth = z.output<typeof deliveryHealthSchema>;

/** The system admin's limits, as the System Console holds them. */
export const guardrailsViewSchema = z.object({
    allowed_hosts: z.array(z.string()),
    max_rules_per_channel: int,
    dm_rules_enabled: z.boolean(),
    /** The default retry policy: attempts per delivery, and the most a rule may ask for. */
    max_attempts: int,
    max_hops: int,
    /** The default per-rule rate limit, and the most a rule may ask for (per rule and per user). */
    rate_limit_per_minute: int,
    max_endpoint_timeout_ms: int,
    max_endpoint_concurrency: int,
    max_delivery_age_seconds: int,
    max_backoff_ms: int,
    /** Clicks and dialogs whose URL is on another origin than the rule's endpoints: sent unsigned (true) or refused. */
    allow_foreign_action_urls: z.boolean(),
    /** Rules may post as a bot account of their own, which the plugin creates (off: every reply comes from Tripwire's bot). */
    allow_rule_bots: z.boolean(),
    /** False when this server cannot save plugin settings from here (use the System Console). */
    editable: z.boolean(),
});
export type GuardrailsView = z.output<typeof guardrailsViewSchema>;

const hostEntry = z
    .string()
    .trim()
    .min(1)
    .max(253)
    .regex(/^[A-Za-z0-9*.:/[\]-]+$/, 'a host name, *.domain, IP address or CIDR');

/** A partial update: only the fields given change. */
export const guardrailsInputSchema = z.strictObject({
    allowed_hosts: z.array(hostEntry).max(200).optional(),
    max_rules_per_channel: z.int().min(1).max(1000).optional(),
    dm_rules_enabled: z.boolean().optional(),
    max_attempts: z.int().min(1).max(50).optional(),
    max_hops: z.int().min(1).max(20).optional(),
    rate_limit_per_minute: z.int().min(1).max(1_000_000).optional(),
    max_endpoint_timeout_ms: bounded(guardrailBounds.max_endpoint_timeout_ms).optional(),
    max_endpoint_concurrency: bounded(guardrailBounds.max_endpoint_concurrency).optional(),
    max_delivery_age_seconds: bounded(guardrailBounds.max_delivery_age_seconds).optional(),
    max_backoff_ms: bounded(guardrailBounds.max_backoff_ms).optional(),
    allow_foreign_action_urls: z.boolean().optional(),
    allow_rule_bots: z.boolean().optional(),
});
export type GuardrailsInput = z.input<typeof guardrailsInputSchema>;

export const healthSchema = z.object({ok: z.boolean(), version: z.string()});
