import * as z from 'zod';

import {responseOptionsSchema} from './endpoint';

/*
 * Deliveries as the API and the webapp see them: the facts a delivery carries about its trigger, the delivery log,
 * and where a service's reply goes. Stored as JSON in the KV store, so each has a schema.
 */

const id = z.string().max(64);

/** How much of a thread root's message a delivery carries. */
export const THREAD_EXCERPT_CHARS = 500;
/** How much of the triggering message a delivery log entry keeps. */
export const LOG_MESSAGE_EXCERPT_CHARS = 200;
/** How many thread participants a delivery lists. */
export const THREAD_PARTICIPANTS_MAX = 50;

/** What the engine knows about the event that matched a rule; payloads and templates are built from these only. */
export const deliveryFactsSchema = z.object({
    /** `post_created`, `post_edited`, ... as the rule model names them. */
    event_type: z.string().min(1).max(64),
    /** Stable per event (e.g. post id + edit time): a delivery's id is derived from it, so a repeat is a no-op. */
    event_id: z.string().min(1).max(128),
    post: z.object({
        id,
        message: z.string(),
        create_at: z.number(),
        update_at: z.number().default(0),
        edit_at: z.number().default(0),
        root_id: z.string().default(''),
        type: z.string().default(''),
        file_ids: z.array(z.string()).default([]),
        hashtags: z.string().default(''),
    }),
    channel: z.object({id, name: z.string(), display_name: z.string().default(''), type: z.string().default('O')}),
    /** Empty strings for direct and group messages, which belong to no team. */
    team: z.object({id: z.string().default(''), name: z.string().default(''), display_name: z.string().default('')}),
    user: z.object({
        id,
        username: z.string(),
        first_name: z.string().default(''),
        last_name: z.string().default(''),
        nickname: z.string().default(''),
        is_bot: z.boolean().default(false),
    }),
    trigger_word: z.string().default(''),
    /** Regex named groups (and numbered ones as "1", "2", ...). */
    groups: z.record(z.string(), z.string()).default({}),
    /** Thread context of a reply (rich payloads, templates, Slack's thread_ts); absent for root posts. */
    thread: z
        .object({
            root_id: z.string(),
            /** The root post's message, cut to THREAD_EXCERPT_CHARS code points. */
            root_message: z.string().optional(),
            root_user_id: z.string().optional(),
            root_create_at: z.number().optional(),
            /** Replies in the thread, this one included. */
            reply_count: z.int().min(0).optional(),
            /** Who posted in the thread, root author first, each once (at most THREAD_PARTICIPANTS_MAX). */
            participants: z.array(id).optional(),
            replies: z
                .array(z.object({id, user_id: id, username: z.string().optional(), message: z.string(), create_at: z.number()}))
                .optional(),
        })
        .optional(),
    /** Metadata of the post's files (the contents are never fetched). */
    files: z
        .array(z.object({id, name: z.string(), size: z.number(), mime_type: z.string(), extension: z.string().default('')}))
        .optional(),
    /**
     * Reaction events: the emoji and when. `post` is the reacted post (its author in `post_user_id`), `user` who
     * reacted.
     */
    reaction: z.object({emoji_name: z.string(), create_at: z.number(), post_user_id: z.string().default('')}).optional(),
    /**
     * Membership events: `user` joined or left; `actor` is who added or removed them (absent when they did it
     * themselves or Mattermost did not say). `post` is empty (id '').
     */
    membership: z
        .object({
            actor: z
                .object({id, username: z.string(), first_name: z.string().default(''), last_name: z.string().default(''), nickname: z.string().default(''), is_bot: z.boolean().default(false)})
                .optional(),
        })
        .optional(),
    /** How many Tripwire replies led to this post; replies carry it plus one (the engine's loop guard). */
    hops: z.int().min(0).default(0),
});
export type DeliveryFacts = z.output<typeof deliveryFactsSchema>;
export type DeliveryFactsInput = z.input<typeof deliveryFactsSchema>;

/** Why an attempt failed, for the log, the retry decision and the webapp's wording. */
export const deliveryErrorClasses = [
    'http_status',
    'timeout',
    'connection_refused',
    'connection_reset',
    'dns',
    'tls',
    'bad_response',
    'network',
    'ssrf_blocked',
    'redirect',
    'invalid_request',
    'receiver_abort',
    'endpoint_gone',
    'expired',
    'rate_limited',
    'shutdown',
    /** The endpoint was signed or had secret headers when the delivery was accepted, and that secret is gone. */
    'secret_missing',
] as const;
export type DeliveryErrorClass = (typeof deliveryErrorClasses)[number];

/** `cancelled`: the rule, or the endpoint, was deleted while the delivery waited; it is never sent. */
export const deliveryStatuses = ['succeeded', 'retrying', 'failed', 'dropped', 'cancelled'] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];

/** What became of a service's reply. */
export const replyOutcomeSchema = z.discriminatedUnion('kind', [
    z.object({kind: z.literal('posted'), posts: z.int(), ephemeral: z.int(), delayed: z.boolean().default(false)}),
    z.object({kind: z.literal('none'), reason: z.string()}),
    z.object({kind: z.literal('invalid'), reason: z.string()}),
    z.object({kind: z.literal('dropped'), reason: z.string()}),
    z.object({kind: z.literal('error'), reason: z.string()}),
]);
export type ReplyOutcome = z.output<typeof replyOutcomeSchema>;

/** A redacted, truncated picture of one request or response. */
const excerpt = z.object({
    method: z.string().optional(),
    url: z.string().optional(),
    status: z.int().optional(),
    headers: z.record(z.string(), z.string()),
    body: z.string(),
    truncated: z.boolean(),
});
export type DeliveryExcerpt = z.output<typeof excerpt>;

/** One line of a rule's delivery log: one attempt (or one dropped delivery, or one async reply). */
export const deliveryLogEntrySchema = z.object({
    delivery_id: id,
    webhook_id: id,
    rule_id: id,
    endpoint_id: z.string(),
    event_type: z.string(),
    post_id: z.string(),
    at: z.number(),
    attempt: z.int(),
    status: z.enum(deliveryStatuses),
    http_status: z.int().optional(),
    error_class: z.enum(deliveryErrorClasses).optional(),
    error: z.string().optional(),
    latency_ms: z.number().optional(),
    next_attempt_at: z.number().optional(),
    request: excerpt.optional(),
    response: excerpt.optional(),
    reply: replyOutcomeSchema.optional(),
    /** Set on the entry logged for a reply that came later through the response_url. */
    async_reply: z.boolean().optional(),
    /**
     * Set on an entry that only says what became of a delivery's stored reply, when its posting ended after the
     * attempt's own entry was logged (retried after a Mattermost error, or resumed after a restart).
     */
    reply_resumed: z.boolean().optional(),
    /** The triggering post as the log shows it: the start of its message and its author (absent on older entries). */
    trigger: z.object({message: z.string(), user_id: z.string(), username: z.string()}).optional(),
    /** A test delivery sent from the panel's "Send test" (never retried; its reply is previewed, not posted). */
    test: z.boolean().optional(),
});
export type DeliveryLogEntry = z.output<typeof deliveryLogEntrySchema>;

/** Health badges for a rule, computed over its log ring. */
export interface DeliveryStats {
    /** Deliveries that reached a final state (succeeded, failed, dropped) in the ring. */
    deliveries: number;
    succeeded: number;
    failed: number;
    dropped: number;
    /** succeeded / (succeeded + failed); null before the first final outcome. */
    success_rate: number | null;
    /** Over attempts that got an HTTP answer; null when there are none. */
    p50_latency_ms: number | null;
    p95_latency_ms: number | null;
    last_at: number | null;
}

/** Where a service's reply goes: bound to the trigger's channel and real thread root. */
export const replyTargetSchema = z.object({
    rule_id: id,
    rule_name: z.string(),
    delivery_id: id,
    channel_id: id,
    trigger_post_id: id,
    /** The real thread root: the trigger's root_id when it was a reply, else the trigger itself. */
    thread_root_id: id,
    /** Whether the trigger was itself a thread reply (ephemeral replies then stay in the thread). */
    trigger_in_thread: z.boolean(),
    user_id: id,
    triggered_at: z.number(),
    hops: z.int().min(0),
    response: responseOptionsSchema,
    /** The rule's own bot, when it had one the system admin allowed as the delivery was made; else Tripwire's bot posts. */
    bot_user_id: id.optional(),
});
export type ReplyTarget = z.output<typeof replyTargetSchema>;

/** A service's answer as the dispatcher read it (body capped at 1 MiB like native). */
export interface ServiceReply {
    status: number;
    contentType: string;
    body: Uint8Array;
    truncated: boolean;
    /** The answer's headers, names lower-cased (for a rule's reply_template); absent for response_url replies. */
    headers?: Record<string, string>;
    /** `response` for the HTTP answer to a delivery, `response_url` for a later reply. */
    source: 'response' | 'response_url';
}
