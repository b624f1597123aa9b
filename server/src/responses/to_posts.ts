import type {ReplyOutcome, ReplyPlacement, ReplyTarget} from '@tripwire/common';

import type {PostDraft} from '../ports';

import type {Reply, ReplyAttachment, SingleReply} from './parse';
import {expandAnnouncements, translateAttachmentMarkup, translateSlackMarkup} from './slack_markup';

/** A post with Mattermost's priority metadata (Metadata.Priority on the wire; CreatePost keeps it on root posts and thread replies). */
export type ReplyPostDraft = PostDraft & {metadata?: {priority: {priority: string; requested_ack?: boolean; persistent_notifications?: boolean}}};

export interface ReplyDrafts {
    posts: ReplyPostDraft[];
    ephemerals: Array<{user_id: string; post: ReplyPostDraft}>;
    delayed: boolean;
}

export interface DraftContext {
    botUserId: string;
    /** Mattermost's EnablePostUsernameOverride / EnablePostIconOverride. */
    allowUsernameOverride: boolean;
    allowIconOverride: boolean;
    now: number;
    /** Late replies through the response_url are expected to be late: the stale policy does not apply to them. */
    source: 'response' | 'response_url';
}

/** Mattermost's post limit in runes (PostMessageMaxRunesV2); longer replies are split as native splits them. */
export const MAX_POST_RUNES = 16_383;

/** Native's username when overrides are on and neither the reply nor the rule names one (model.DefaultWebhookUsername). */
export const DEFAULT_WEBHOOK_USERNAME = 'webhook';

/**
 * Props only the server sets: a reply cannot spoof them. Native drops the first three and a props `attachments` (only
 * the reply's own attachments become that prop); the rest are Tripwire's own (its bot posts carry from_bot/from_plugin).
 */
const RESERVED_PROPS = new Set(['from_webhook', 'override_username', 'override_icon_url', 'attachments', 'webhook_display_name', 'from_bot', 'from_plugin']);

/**
 * Maps a parsed reply to the posts and ephemeral posts to create, without side effects: where each goes (a new post,
 * the real thread root for `comment`/`thread`, only the triggering user for `ephemeral`), the stale-reply policy,
 * username/icon gating, Slack markup, Tripwire's bot props and the hop count that stops reply loops.
 * Follows app/webhook.go TriggerWebhook and CreateWebhookPost; the README's table "Replies: where compat mode differs
 * from native outgoing webhooks" lists each deliberate difference.
 */
export function replyToDrafts(reply: Reply, target: ReplyTarget, ctx: DraftContext): {kind: 'drafts'; drafts: ReplyDrafts} | Extract<ReplyOutcome, {kind: 'none' | 'dropped'}> {
    const ageMs = ctx.now - target.triggered_at;
    const stale = ctx.source === 'response' && ageMs > target.response.stale_after_seconds * 1000;
    if (stale && target.response.stale_action === 'drop') {
        return {kind: 'dropped', reason: `stale: the reply came ${Math.round(ageMs / 1000)} s after the trigger`};
    }
    const delayed = stale && target.response.stale_action === 'thread';
    const drafts: ReplyDrafts = {posts: [], ephemerals: [], delayed};
    for (const single of [reply, ...(reply.extra_responses ?? [])]) {
        const attachments = (single.attachments ?? []).filter((a): a is ReplyAttachment => a !== null);
        const blocks = single.props?.mm_blocks !== undefined;
        // Native posts when `text` is present (even "") or the attachments list is not empty (even all null).
        if ((single.text === null || single.text === undefined) && (single.attachments ?? []).length === 0 && !blocks) continue;
        // Case-sensitive like native: "Comment" is a channel post there too (unless the rule places replies itself).
        const kind = single.response_type;
        const inThread = repliesInThread(kind, target.response.reply_to, delayed);
        const posts = postsOf(single, attachments, target, ctx, delayed ? ageMs : undefined);
        if (kind === 'ephemeral') {
            const rootId = target.trigger_in_thread ? target.thread_root_id : '';
            for (const {metadata: _metadata, ...post} of posts) drafts.ephemerals.push({user_id: target.user_id, post: withRoot(post, rootId)});
        } else {
            drafts.posts.push(...posts.map((p) => withRoot(p, inThread ? target.thread_root_id : '')));
        }
    }
    if (drafts.posts.length === 0 && drafts.ephemerals.length === 0) return {kind: 'none', reason: 'the reply has no text, attachments or mm_blocks'};
    return {kind: 'drafts', drafts};
}

/**
 * Whether a (non-ephemeral) reply goes in the trigger's thread: the rule's "Post replies" choice when it made one,
 * else the service's response_type as native reads it. A stale reply the policy marks delayed always goes in the thread.
 */
export function repliesInThread(responseType: string, placement: ReplyPlacement, delayed: boolean): boolean {
    if (delayed || placement === 'thread') return true;
    if (placement === 'channel') return false;
    return responseType === 'comment' || responseType === 'thread';
}

function postsOf(single: SingleReply, attachments: ReplyAttachment[], target: ReplyTarget, ctx: DraftContext, delayedBy: number | undefined): ReplyPostDraft[] {
    const parse = !single.skip_slack_parsing;
    let message = single.text ?? '';
    if (parse) message = translateSlackMarkup(message);
    if (delayedBy !== undefined) message = `_Delayed reply (${describeDelay(delayedBy)} after the trigger)_\n${message}`;

    const props: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(single.props ?? {})) if (!RESERVED_PROPS.has(k) && !k.startsWith('tripwire_')) props[k] = v;
    Object.assign(props, {
        from_webhook: 'true',
        webhook_display_name: target.rule_name,
        tripwire_rule_id: target.rule_id,
        tripwire_delivery_id: target.delivery_id,
        tripwire_hops: target.hops + 1,
    });
    if (delayedBy !== undefined) props.tripwire_delayed = true;
    // The reply's own, else the rule's, else native's "webhook"; none of it unless Mattermost allows overrides.
    if (ctx.allowUsernameOverride) props.override_username = single.username || target.response.username || DEFAULT_WEBHOOK_USERNAME;
    const iconUrl = single.icon_url || target.response.icon_url;
    if (ctx.allowIconOverride && iconUrl) props.override_icon_url = iconUrl;

    // splitWebhookPost: every part carries the props, type and priority; the attachments go on the last part.
    const type = single.type || (attachments.length > 0 ? 'slack_attachment' : '');
    const priority = single.priority?.priority;
    const chunks = splitRunes(message, MAX_POST_RUNES);
    const last = chunks.length - 1;
    return chunks.map((chunk, i) => {
        const post: ReplyPostDraft = {channel_id: target.channel_id, user_id: ctx.botUserId, message: chunk, props: {...props}};
        if (i === last && attachments.length > 0) post.props!.attachments = attachments.map((a, n) => processAttachment(a, n, parse));
        if (type) post.type = type as NonNullable<ReplyPostDraft['type']>;
        if (priority) {
            post.metadata = {
                priority: {
                    priority,
                    ...(single.priority?.requested_ack != null && {requested_ack: single.priority.requested_ack}),
                    ...(single.priority?.persistent_notifications != null && {persistent_notifications: single.priority.persistent_notifications}),
                },
            };
        }
        return post;
    });
}

/** Priority stays on thread replies too: CreateWebhookPost keeps it there (only the REST API refuses it). */
function withRoot(post: ReplyPostDraft, rootId: string): ReplyPostDraft {
    return rootId ? {...post, root_id: rootId} : post;
}

/**
 * ProcessSlackAttachments + ParseSlackAttachment: announcements in pretext, text, title and field values; links in
 * pretext, text and field values (not the title); field values stringified as Go's %v does; null fields dropped.
 */
function processAttachment(a: ReplyAttachment, index: number, parse: boolean): Record<string, unknown> {
    const markup = (s: string) => (parse ? translateAttachmentMarkup(s) : s);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(a)) if (v !== '' && v !== null && v !== undefined) out[k] = v;
    if (a.pretext) out.pretext = markup(a.pretext);
    if (a.text) out.text = markup(a.text);
    if (a.title && parse) out.title = expandAnnouncements(a.title);
    if (a.fields) {
        out.fields = a.fields.flatMap((f) =>
            f ? [{title: f.title, value: f.value === null || f.value === undefined ? null : markup(goPrintV(f.value)), short: Boolean(f.short)}] : [],
        );
    }
    if (a.actions) {
        // Mattermost requires alphanumeric action ids and generates missing ones; these are stable per reply.
        out.actions = a.actions.flatMap((act, j) => (act ? [{...act, id: /^[A-Za-z0-9]+$/.test(act.id) ? act.id : `tw${index}a${j}`}] : []));
    }
    return out;
}

/** Splits every `max` runes (code points), as splitWebhookPost does: no looking for a space. */
export function splitRunes(text: string, max: number): string[] {
    const runes = Array.from(text);
    if (runes.length <= max) return [text];
    const out: string[] = [];
    for (let start = 0; start < runes.length; start += max) out.push(runes.slice(start, start + max).join(''));
    return out;
}

/** A JSON scalar as Go's fmt %v prints what encoding/json decoded (floats as %g with shortest digits: 1e+06). */
export function goPrintV(value: string | number | boolean): string {
    if (typeof value !== 'number') return String(value);
    if (Object.is(value, -0)) return '-0';
    const [mantissa, exp] = value.toExponential().split('e') as [string, string];
    const e = Number(exp);
    if (e < -4 || e >= 6) return `${mantissa}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
    return String(value);
}

function describeDelay(ms: number): string {
    const minutes = Math.round(ms / 60_000);
    return minutes >= 120 ? `${Math.round(minutes / 60)} h` : minutes >= 1 ? `${minutes} min` : `${Math.round(ms / 1000)} s`;
}
