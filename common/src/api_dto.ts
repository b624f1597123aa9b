import * as z from 'zod';

import {deliveryErrorClasses, deliveryLogEntrySchema, deliveryStatuses, type DeliveryStats} from './delivery';
import {endpointIdSchema} from './endpoint';
import {matchReasons, type ConditionTrace, type MatchExplanation} from './rule_match';
import {emojiNameSchema, isReactionEvent, membershipEvents, mattermostIdSchema, ruleEventSchema, ruleSchema, ruleScopeSchema, ruleSpecSchema} from './rule';

/*
 * The request and response bodies of Tripwire's REST API (`/plugins/tripwire/api/v1`). Requests are strict: a field
 * the schema does not name is refused with 400, so a typo never passes silently. Field names are snake_case like
 * Mattermost's own API; rule bodies keep the rule model's names.
 */

const int = z.int();
const epochMs = z.int().min(0);

// ---- params ----

export const channelParamsSchema = z.strictObject({channelId: mattermostIdSchema});
export const teamParamsSchema = z.strictObject({teamId: mattermostIdSchema});
export const ruleParamsSchema = z.strictObject({ruleId: mattermostIdSchema});
export const ruleEndpointParamsSchema = z.strictObject({ruleId: mattermostIdSchema, endpointId: endpointIdSchema});
export const deliveryParamsSchema = z.strictObject({ruleId: mattermostIdSchema, deliveryId: z.string().regex(/^[0-9a-z]{26}$/, 'not a delivery id')});

// ---- rules ----

/**
 * A rule as the API shows it. Secrets never leave the server: each endpoint says `has_secret`, the rule says
 * `has_token` (the compat body token) and `has_inbound` (a secret inbound URL exists).
 */
/**
 * Something a save found that does not make the rule invalid but keeps it from working: an endpoint whose address the
 * SSRF rules refuse (the rule is then saved disabled). `field` is the rule path (`endpoints.0.url`); the message is
 * a plain sentence for a channel admin, naming the admin setting to ask for.
 */
export const ruleWarningSchema = z.object({
    field: z.string(),
    code: z.literal('destination_blocked'),
    message: z.string(),
});
export type RuleWarning = z.output<typeof ruleWarningSchema>;

export const ruleViewSchema = ruleSchema.safeExtend({
    has_token: z.boolean(),
    has_inbound: z.boolean(),
    /** Whether the caller may change this rule (the panel shows others read-only). */
    can_manage: z.boolean(),
    /** A channel the rule names no longer exists: the rule can only be looked at and deleted (by its owner or a system admin). */
    orphaned: z.boolean().optional(),
    /** Given by create, update and enable only: what the save-time destination check found. */
    warnings: z.array(ruleWarningSchema).optional(),
});
export type RuleView = z.output<typeof ruleViewSchema>;

export const ruleListSchema = z.object({rules: z.array(ruleViewSchema)});
export type RuleList = z.output<typeof ruleListSchema>;

export const pageQuerySchema = z.strictObject({
    page: z.coerce.number().pipe(z.int().min(0).max(10_000)).default(0),
    per_page: z.coerce.number().pipe(z.int().min(1).max(200)).default(50),
});

export const rulePageSchema = z.object({rules: z.array(ruleViewSchema), page: int, per_page: int, total: int});
export type RulePage = z.output<typeof rulePageSchema>;

/**
 * Write-only secrets given with an update. Changing an endpoint's origin drops its signing secret and secret header
 * values and the rule's token unless they are given again here (header values go in the endpoint's `headers`).
 */
export const ruleSecretsInputSchema = z.strictObject({
    /** The native body `token` (compat payloads); '' removes it. */
    token: z.string().max(256).optional(),
    /** Signing secrets by endpoint id: `whsec_` + base64 of 24-64 bytes. */
    signing_secrets: z.record(endpointIdSchema, z.string().max(200)).optional(),
});
export type RuleSecretsInput = z.output<typeof ruleSecretsInputSchema>;

/** Replace a rule: the whole spec, and the revision it was edited from (a different stored one is a 409). */
export const updateRuleBodySchema = z.strictObject({
    revision: z.int().min(1).optional(),
    rule: ruleSpecSchema,
    secrets: ruleSecretsInputSchema.optional(),
});
export type UpdateRuleBody = z.input<typeof updateRuleBodySchema>;

export const setEnabledBodySchema = z.strictObject({enabled: z.boolean(), revision: z.int().min(1).optional()});
export type SetEnabledBody = z.input<typeof setEnabledBodySchema>;

export const revisionQuerySchema = z.strictObject({revision: z.coerce.number().pipe(z.int().min(1)).optional()});

// ---- secrets and the inbound URL ----

export const setSigningSecretBodySchema = z.strictObject({
    /** `whsec_` + base64 of 24-64 bytes; omitted: the server generates one. */
    secret: z.string().max(200).optional(),
    /** Rotation: the old secret keeps signing too for this long, so receivers can switch over. */
    keep_previous_seconds: z.int().min(0).max(7 * 86_400).default(0),
});
export type SetSigningSecretBody = z.input<typeof setSigningSecretBodySchema>;

/** The only time a signing secret is shown. */
export const signingSecretSchema = z.object({secret: z.string()});
export type SigningSecret = z.output<typeof signingSecretSchema>;

export const setTokenBodySchema = z.strictObject({
    /** The native body `token` (compat payloads); '' removes it. */
    token: z.string().max(256),
});

/** The only time an inbound URL is shown; creating a new one revokes the old. */
export const inboundUrlSchema = z.object({url: z.string()});
export type InboundUrl = z.output<typeof inboundUrlSchema>;

// ---- test bench ----

export const testMessageBodySchema = z
    .strictObject({
        /** The sample message; required unless `post_id` names a real post. */
        message: z.string().max(65_536).optional(),
        /** Test the message as a thread reply rather than a root post. */
        is_reply: z.boolean().default(false),
        event: ruleEventSchema.default('posted'),
        /** For `edited`: the message before the edit. */
        previous_message: z.string().max(65_536).optional(),
        /** Files the sample message would have, for `has_files` conditions. */
        files: z.array(z.strictObject({name: z.string().max(256), mime_type: z.string().max(128)})).max(10).default([]),
        /** Test a real post of the channel instead: its message, thread position, author and files as the engine reads them. */
        post_id: mattermostIdSchema.optional(),
        /**
         * Reaction events: the emoji the caller reacts with, on the sample message or the real post. Memberships need
         * neither a message nor a post: the caller joins or leaves the channel.
         */
        emoji: emojiNameSchema.optional(),
    })
    .superRefine((body, ctx) => {
        const issue = (path: string, message: string) => ctx.addIssue({code: 'custom', path: [path], message});
        if (isReactionEvent(body.event) && body.emoji === undefined) issue('emoji', 'give the emoji of the reaction to test');
        if (!isReactionEvent(body.event) && body.emoji !== undefined) issue('emoji', 'only a reaction event has an emoji');
        if (membershipEvents.includes(body.event)) {
            if (body.message !== undefined || body.post_id !== undefined) issue('event', 'a join or leave has no message: leave out message and post_id');
            return;
        }
        if (body.post_id === undefined) {
            if (body.message === undefined) issue('message', 'give a message to test, or the post_id of a real post');
            return;
        }
        if (body.message !== undefined) issue('message', 'a real post is tested with its own message');
        if (body.files.length > 0) issue('files', 'a real post is tested with its own files');
        if (body.is_reply) issue('is_reply', 'a real post is tested where it is');
    });
export type TestMessageBody = z.input<typeof testMessageBodySchema>;

export const conditionTraceSchema = z.lazy(() =>
    z.object({label: z.string(), passed: z.boolean(), children: z.array(conditionTraceSchema).optional()}),
) as unknown as z.ZodType<ConditionTrace>;

export const ruleOutcomeSchema = z.object({
    ruleId: z.string(),
    ruleName: z.string(),
    matched: z.boolean(),
    reason: z.enum(matchReasons),
    detail: z.string(),
    triggerWord: z.string().optional(),
    groups: z.record(z.string(), z.string()).optional(),
    conditions: z.array(conditionTraceSchema).optional(),
    notes: z.array(z.string()).optional(),
});

/** Which of a channel's rules a message trips, and why each does or does not (the matcher's explanation). */
export const explainResultSchema = z.object({
    channel_id: z.string(),
    firstWord: z.string(),
    evaluatedChars: int,
    truncated: z.boolean(),
    outcomes: z.array(ruleOutcomeSchema),
});
export type ExplainResult = MatchExplanation & {channel_id: string};

export const testDeliveryBodySchema = z.strictObject({
    message: z.string().max(65_536),
    /** One endpoint; default: the rule's first enabled endpoint. */
    endpoint_id: endpointIdSchema.optional(),
    /** The channel the sample message is in; default: the rule's first channel. */
    channel_id: mattermostIdSchema.optional(),
    is_reply: z.boolean().default(false),
    /**
     * The rule as edited on screen, tested instead of the stored one (validated like a save, nothing is stored). Stored
     * secrets go only to an endpoint that keeps its id and origin, as a save would keep them.
     */
    rule: ruleSpecSchema.optional(),
    /** The compat token typed with the draft, not saved yet; default: the stored one (under the same rule). */
    token: z.string().max(256).optional(),
    /** The event the sample stands for; default: the rule's first event (a reaction rule sends a sample reaction). */
    event: ruleEventSchema.optional(),
    /** A sample reaction's emoji; default: the rule's first emoji, else +1. */
    emoji: emojiNameSchema.optional(),
});
export type TestDeliveryBody = z.input<typeof testDeliveryBodySchema>;

/**
 * "Send test" for a rule never saved, in the channel of the route (where the sample message is posted). The draft is
 * required and checked like a create; nothing is stored, and there is no stored secret to use: the request goes
 * unsigned, with only the token typed here.
 */
export const draftTestDeliveryBodySchema = testDeliveryBodySchema.omit({channel_id: true}).extend({rule: ruleSpecSchema});

const excerptSchema = z.object({
    method: z.string().optional(),
    url: z.string().optional(),
    status: int.optional(),
    headers: z.record(z.string(), z.string()),
    body: z.string(),
    truncated: z.boolean(),
});

/** A post a reply would make, for the preview (nothing is posted by a test). */
export const replyPreviewPostSchema = z.object({
    message: z.string(),
    /** In the trigger's thread rather than the channel. */
    in_thread: z.boolean(),
    /** Only the person who triggered it would see it. */
    ephemeral: z.boolean(),
    type: z.string(),
    props: z.record(z.string(), z.unknown()),
});

export const replyPreviewSchema = z.discriminatedUnion('kind', [
    z.object({kind: z.literal('posts'), posts: z.array(replyPreviewPostSchema)}),
    z.object({kind: z.enum(['none', 'invalid', 'dropped']), reason: z.string()}),
]);
export type ReplyPreview = z.output<typeof replyPreviewSchema>;

/**
 * One real request to the endpoint, sent like a delivery (signed, SSRF-guarded) but never queued, retried or posted:
 * what went out (secrets masked), what came back, and the posts the reply would make.
 */
export const testDeliveryResultSchema = z.object({
    endpoint_id: z.string(),
    request: excerptSchema.optional(),
    response: excerptSchema.optional(),
    error: z.object({error_class: z.enum(deliveryErrorClasses), message: z.string()}).optional(),
    latency_ms: z.number().optional(),
    /** Whether a real post like the sample would trip the rule, and why (the delivery is sent either way). */
    outcome: ruleOutcomeSchema.optional(),
    reply: replyPreviewSchema.optional(),
});
export type TestDeliveryResult = z.output<typeof testDeliveryResultSchema>;

// ---- delivery log ----

const commaList = <T extends string>(values: readonly [T, ...T[]]) =>
    z
        .string()
        .transform((s) => s.split(',').filter(Boolean))
        .pipe(z.array(z.enum(values)).max(values.length));

export const deliveryLogQuerySchema = z.strictObject({
    /** Comma-separated: `failed,retrying`. */
    status: commaList(deliveryStatuses).optional(),
    endpoint_id: endpointIdSchema.optional(),
    /** Epoch milliseconds, inclusive. */
    since: z.coerce.number().pipe(epochMs).optional(),
    until: z.coerce.number().pipe(epochMs).optional(),
    page: z.coerce.number().pipe(z.int().min(0).max(1000)).default(0),
    per_page: z.coerce.number().pipe(z.int().min(1).max(100)).default(20),
});
export type DeliveryLogQuery = z.input<typeof deliveryLogQuerySchema>;

export const deliveryStatsSchema = z.object({
    deliveries: int,
    succeeded: int,
    failed: int,
    dropped: int,
    success_rate: z.number().nullable(),
    p50_latency_ms: z.number().nullable(),
    p95_latency_ms: z.number().nullable(),
    last_at: z.number().nullable(),
});

/** Newest first. `stats` cover the whole log of the rule, not just this page. */
export const deliveryLogPageSchema = z.object({
    entries: z.array(deliveryLogEntrySchema),
    page: int,
    per_page: int,
    total: int,
    has_more: z.boolean(),
    stats: deliveryStatsSchema,
});
export type DeliveryLogPage = z.output<typeof deliveryLogPageSchema>;

export const replayResultSchema = z.object({replayed: z.boolean()});

/** Where a recover page ended: the creation time and id of the last failed delivery it looked at. */
export const recoverCursorSchema = z.string().regex(/^\d{1,16}\.[0-9a-z]{1,64}$/, 'not a cursor from a previous answer');

/** One bounded page of a rule's failed deliveries: call again with `next_cursor` while `has_more`. */
export const recoverBodySchema = z
    .strictObject({
        since: epochMs,
        until: epochMs.optional(),
        cursor: recoverCursorSchema.optional(),
        /** How many failed deliveries this call looks at (each one found is sent again). */
        page_size: z.int().min(1).max(100).default(50),
    })
    .refine((b) => b.until === undefined || b.until >= b.since, {message: 'until is before since', path: ['until']});
export type RecoverBody = z.input<typeof recoverBodySchema>;
export const recoverResultSchema = z.object({requeued: int, has_more: z.boolean(), next_cursor: z.string().optional()});
export type RecoverResult = z.output<typeof recoverResultSchema>;

// ---- export and import ----

export const RULE_EXPORT_FORMAT = 'tripwire.rules';

export const exportBodySchema = z.strictObject({rule_ids: z.array(mattermostIdSchema).min(1).max(500)});

/** Rules as JSON for backups and GitOps. Secrets are never exported. */
export const ruleExportSchema = z.object({
    format: z.literal(RULE_EXPORT_FORMAT),
    version: z.literal(1),
    exported_at: epochMs,
    rules: z.array(ruleSpecSchema),
});
export type RuleExport = z.output<typeof ruleExportSchema>;

export const importBodySchema = z.strictObject({
    format: z.literal(RULE_EXPORT_FORMAT).optional(),
    version: z.literal(1).optional(),
    exported_at: epochMs.optional(),
    rules: z.array(ruleSpecSchema).min(1).max(100),
    /** Put every imported rule here instead of where it was exported from. */
    scope: ruleScopeSchema.optional(),
    /** Check everything, create nothing. */
    dry_run: z.boolean().default(false),
});
export type ImportBody = z.input<typeof importBodySchema>;

export const importResultSchema = z.object({
    dry_run: z.boolean(),
    created: z.array(ruleViewSchema),
    failed: z.array(z.object({index: int, code: z.string(), message: z.string()})),
});
export type ImportResult = z.output<typeof importResultSchema>;

export const nativeImportBodySchema = z.strictObject({
    /** Outgoing webhooks as `GET /api/v4/hooks/outgoing` returns them (their own fields pass as they are). */
    hooks: z.array(z.record(z.string(), z.unknown())).min(1).max(200),
    dry_run: z.boolean().default(false),
});
export type NativeImportBody = z.input<typeof nativeImportBodySchema>;

export const nativeImportResultSchema = z.object({
    dry_run: z.boolean(),
    results: z.array(
        z.object({
            hook_id: z.string(),
            ok: z.boolean(),
            rule: ruleViewSchema.optional(),
            /** The rule a dry run would create. */
            spec: ruleSpecSchema.optional(),
            warnings: z.array(z.string()),
            reason: z.string().optional(),
        }),
    ),
});
export type NativeImportResult = z.output<typeof nativeImportResultSchema>;

// ---- the caller, consent, guardrails ----

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

// Compile-time checks that the response schemas describe the interfaces the server fills.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const statsMatch: Same<z.output<typeof deliveryStatsSchema>, DeliveryStats> = true;
void statsMatch;
