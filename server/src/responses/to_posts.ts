import type {ReplyOutcome, ReplyPlacement, ReplyTarget} from '@tripwire/common';

import type {PostDraft} from '../ports';

import type {Reply, ReplyAttachment, SingleReply} from './parse';
import {translateSlackMarkup} from './slack_markup';

/** A post with Mattermost's priority metadata (root posts only, as Mattermost allows). */
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

/** Props only the server sets: a reply cannot spoof them (native drops the first three the same way). */
const RESERVED_PROPS = new Set(['from_webhook', 'override_username', 'override_icon_url', 'webhook_display_name', 'from_bot', 'from_plugin']);

/**
 * Maps a parsed reply to the posts and ephemeral posts to create, without side effects: where each goes (a new post,
 * the real thread root for `comment`/`thread`, only the triggering user for `ephemeral`), the stale-reply policy,
 * username/icon gating, Slack markup, Tripwire's bot props and the hop count that stops reply loops.
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
        if ((single.text === null || single.text === undefined || single.text === '') && attachments.length === 0 && !blocks) continue;
        const kind = single.response_type.toLowerCase();
        const inThread = repliesInThread(kind, target.response.reply_to, delayed);
        const posts = postsOf(single, attachments, target, ctx, delayed ? ageMs : undefined);
        if (kind === 'ephemeral') {
            const rootId = target.trigger_in_thread ? target.thread_root_id : '';
            for (const post of posts) drafts.ephemerals.push({user_id: target.user_id, post: withRoot(post, rootId)});
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
    const username = single.username || target.response.username;
    const iconUrl = single.icon_url || target.response.icon_url;
    if (ctx.allowUsernameOverride && username) props.override_username = username;
    if (ctx.allowIconOverride && iconUrl) props.override_icon_url = iconUrl;

    const chunks = splitRunes(message, MAX_POST_RUNES);
    const last = chunks.length - 1;
    return chunks.map((chunk, i) => {
        const post: ReplyPostDraft = {channel_id: target.channel_id, user_id: ctx.botUserId, message: chunk, props: {...props}};
        // Attachments, type and priority go on the last part of a split reply, as native does with attachments.
        if (i === last) {
            if (attachments.length > 0) post.props!.attachments = attachments.map((a, n) => processAttachment(a, n, parse));
            const type = single.type || (attachments.length > 0 ? 'slack_attachment' : '');
            if (type) post.type = type as NonNullable<ReplyPostDraft['type']>;
            const priority = single.priority?.priority;
            if (priority) {
                post.metadata = {
                    priority: {
                        priority,
                        ...(single.priority?.requested_ack != null && {requested_ack: single.priority.requested_ack}),
                        ...(single.priority?.persistent_notifications != null && {persistent_notifications: single.priority.persistent_notifications}),
                    },
                };
            }
        }
        return post;
    });
}

function withRoot(post: ReplyPostDraft, rootId: string): ReplyPostDraft {
    if (!rootId) return post;
    // Mattermost accepts priority on root posts only.
    const {metadata: _metadata, ...rest} = post;
    return {...rest, root_id: rootId};
}

function processAttachment(a: ReplyAttachment, index: number, parse: boolean): Record<string, unknown> {
    const text = (s: string) => (parse ? translateSlackMarkup(s) : s);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(a)) if (v !== '' && v !== null && v !== undefined) out[k] = v;
    if (a.pretext) out.pretext = text(a.pretext);
    if (a.text) out.text = text(a.text);
    if (a.title) out.title = text(a.title);
    if (a.fields) {
        out.fields = a.fields.flatMap((f) =>
            f ? [{title: f.title, value: f.value === null || f.value === undefined ? '' : text(String(f.value)), short: Boolean(f.short)}] : [],
        );
    }
    if (a.actions) {
        // Mattermost requires alphanumeric action ids and generates missing ones; these are stable per reply.
        out.actions = a.actions.flatMap((act, j) => (act ? [{...act, id: /^[A-Za-z0-9]+$/.test(act.id) ? act.id : `tw${index}a${j}`}] : []));
    }
    return out;
}

/** Splits at a newline or space near the limit when there is one, counting runes (code points) like Go. */
export function splitRunes(text: string, max: number): string[] {
    const runes = Array.from(text);
    if (runes.length <= max) return [text];
    const out: string[] = [];
    let start = 0;
    while (runes.length - start > max) {
        let end = start + max;
        for (let i = end; i > start + max / 2; i--) {
            if (runes[i - 1] === '\n' || runes[i - 1] === ' ') {
                end = i;
                break;
            }
        }
        out.push(runes.slice(start, end).join(''));
        start = end;
    }
    out.push(runes.slice(start).join(''));
    return out;
}

function describeDelay(ms: number): string {
    const minutes = Math.round(ms / 60_000);
    return minutes >= 120 ? `${Math.round(minutes / 60)} h` : minutes >= 1 ? `${minutes} min` : `${Math.round(ms / 1000)} s`;
}
