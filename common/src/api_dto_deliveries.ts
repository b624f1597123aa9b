import * as z from 'zod';

import {deliveryLogEntrySchema, deliveryStatuses, type DeliveryStats} from './delivery';
import {endpointIdSchema} from './endpoint';
import {int, epochMs} from './api_dto_numbers';

// The delivery log: pages, stats, replay and recovery.

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

// Compile-time checks that the response schemas describe the interfaces the server fills.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const statsMatch: Same<z.output<typeof deliveryStatsSchema>, DeliveryStats> = true;
void statsMatch;
