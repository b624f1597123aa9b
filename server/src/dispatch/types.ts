import type {
    DeliveryFactsInput,
    DeliveryLogEntry,
    DeliveryPolicy,
    Endpoint,
    ReplyOutcome,
    ReplyTarget,
    ResponseOptions,
    ServiceReply,
} from '@tripwire/common';

/**
 * What the engine hands the dispatcher when a rule matched: the rule's delivery settings as they are now, and the
 * facts of the trigger. The dispatcher copies all of it into the outbox, so later edits of the rule do not change a
 * delivery already under way.
 */
export interface DeliveryRequest {
    /** bot_user_id: the rule's own bot replies are posted as (absent: Tripwire's bot). */
    rule: {id: string; name: string; owner_id: string; bot_user_id?: string};
    endpoints: readonly Endpoint[];
    policy: DeliveryPolicy;
    response: ResponseOptions;
    facts: DeliveryFactsInput;
}

export type SubmitStatus = 'queued' | 'duplicate' | 'dropped';

export interface SubmittedDelivery {
    delivery_id: string;
    webhook_id: string;
    endpoint_ids: string[];
    status: SubmitStatus;
    /** Queued behind the rate limit: the first attempt waits this long. */
    delay_ms: number;
}

/** Posts a service's reply (responses/ implements it); what it returns goes into the delivery log. */
export type ReplySink = (target: ReplyTarget, reply: ServiceReply) => Promise<ReplyOutcome>;

/** One post (or ephemeral post) of a reply, as stored with the delivery until it is created: a Mattermost post draft. */
export interface ReplyPart {
    kind: 'post' | 'ephemeral';
    /** Who sees an ephemeral part. */
    user_id?: string | undefined;
    post: {channel_id: string; message: string; props?: Record<string, unknown> | undefined} & Record<string, unknown>;
}

/** A service's answer made ready to post, with no side effect: the parts to create, or what became of it instead. */
export type PreparedReply = {kind: 'parts'; parts: ReplyPart[]; delayed: boolean} | {kind: 'outcome'; outcome: ReplyOutcome};

/**
 * What durable reply posting needs from Mattermost (responses/ implements it). `create` throws a PluginApiError with
 * the HTTP status Mattermost gave (4xx: never retried) or any other error (5xx, network: retried).
 */
export interface ReplyPoster {
    /** `trigger`: the delivery's template variables without secrets, for a rule's reply_template. */
    prepare(target: ReplyTarget, reply: ServiceReply, trigger?: Record<string, unknown>): PreparedReply | Promise<PreparedReply>;
    /** Creates one part; returns the post's id. */
    create(part: ReplyPart): Promise<string>;
    /** Posts of a channel created since `since` (ms), by id with their props: where a crashed poster's parts are found. */
    postsSince(channelId: string, since: number): Promise<Array<{id: string; props: Record<string, unknown>}>>;
}

/** What a listener needs beside a log entry: the trigger's channel, and the attempts the delivery gets in all. */
export interface AttemptContext {
    channel_id: string;
    max_attempts: number;
}

/** Told about every attempt as it is logged (forwarded to the webapp as status events, see status_event.ts). */
export type AttemptListener = (entry: DeliveryLogEntry, context: AttemptContext) => void;

export type AsyncReplyResult =
    | {ok: true; outcome: ReplyOutcome}
    | {ok: false; error: 'invalid' | 'expired' | 'used_up' | 'not_found' | 'channel_archived'};

/** What a recover call did: one bounded page; call again with `nextCursor` while `hasMore`. */
export interface RecoverPage {
    requeued: number;
    hasMore: boolean;
    nextCursor?: string;
}
