import * as z from 'zod';

import {mattermostIdSchema, ruleScopeSchema, ruleSpecSchema} from './rule';
import {int, epochMs} from './api_dto_numbers';
import {ruleViewSchema} from './api_dto_rules';

// Export and import of rules (Tripwire's format and Mattermost's own outgoing webhooks).

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
