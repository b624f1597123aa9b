import * as z from 'zod';

import {deliveryErrorClasses} from './delivery';
import {endpointIdSchema} from './endpoint';
import {matchReasons, type ConditionTrace, type MatchExplanation} from './rule_match';
import {emojiNameSchema, isReactionEvent, membershipEvents, mattermostIdSchema, ruleEventSchema, ruleSpecSchema} from './rule';
import {int} from './api_dto_numbers';

// The test bench: which rules a message trips, and test deliveries (of a saved rule or a draft).

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
