import * as z from 'zod';

import {endpointIdSchema} from './endpoint';
import {mattermostIdSchema, ruleSchema, ruleSpecSchema} from './rule';
import {int} from './api_dto_numbers';

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
