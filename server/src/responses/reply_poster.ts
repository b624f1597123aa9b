import type {ReplyOutcome, ReplyTarget, ServiceReply} from '@tripwire/common';

import type {Clock, PluginAPI, PostDraft, ServerConfigInfo} from '../ports';

import {parseReply, type ParsedReply} from './parse';
import {replyFromTemplate} from './reply_template';
import {replyToDrafts, type ReplyDrafts, type ReplyPostDraft} from './to_posts';
import {resolveUserMentions, type UsernameLookup} from './user_mentions';

export interface ReplyPosterDeps {
    /** Posting goes through the http layer's securing wrapper; the look-up reads the channel as it is. */
    api: Pick<PluginAPI, 'createPost' | 'sendEphemeralPost' | 'getPostsSince'>;
    /** Tripwire's bot: every reply is posted as it (read when a reply is prepared: the bot exists only once activated). */
    botUserId: () => string;
    clock: Clock;
    /** For Slack's `<@userid>` → `@username`. */
    users: UsernameLookup;
    serverConfig: () => Pick<ServerConfigInfo, 'enablePostUsernameOverride' | 'enablePostIconOverride'>;
}

/** One post of a reply as the dispatcher stores it until it is created (dispatch/types ReplyPart, by shape). */
export interface StoredReplyPart {
    kind: 'post' | 'ephemeral';
    user_id?: string | undefined;
    post: ReplyPostDraft & Record<string, unknown>;
}

export type PreparedReplyParts = {kind: 'parts'; parts: StoredReplyPart[]; delayed: boolean} | {kind: 'outcome'; outcome: ReplyOutcome};

/**
 * A service's answer read as the rule says: through its reply_template when it has one (the HTTP answer only: a
 * response_url reply is written for Mattermost on purpose), else as Mattermost's outgoing-webhook reply.
 */
export function readServiceReply(reply: ServiceReply, target: Pick<ReplyTarget, 'response'>, trigger: Record<string, unknown> | undefined): ParsedReply {
    const template = target.response.reply_template;
    if (template !== undefined && reply.source === 'response') return replyFromTemplate(template, reply, trigger ?? {});
    return parseReply(reply);
}

/**
 * Parses a service's answer and maps it to drafts (user mentions resolved, as native does); it posts nothing. Every
 * other way it ends is an outcome. `trigger`: the delivery's variables for a reply_template.
 */
export async function draftsOf(
    reply: ServiceReply,
    target: ReplyTarget,
    deps: Pick<ReplyPosterDeps, 'clock' | 'serverConfig' | 'users'> & {botUserId: string},
    trigger?: Record<string, unknown>,
): Promise<{kind: 'drafts'; drafts: ReplyDrafts} | {kind: 'outcome'; outcome: ReplyOutcome}> {
    const parsed = readServiceReply(reply, target, trigger);
    if (parsed.kind === 'empty') {
        const reason = target.response.reply_template !== undefined && reply.source === 'response' ? 'the reply template rendered no text' : 'empty reply';
        return {kind: 'outcome', outcome: {kind: 'none', reason}};
    }
    if (parsed.kind === 'invalid') return {kind: 'outcome', outcome: parsed};
    const config = deps.serverConfig();
    const resolved = await resolveUserMentions(parsed.reply, deps.users);
    const mapped = replyToDrafts(resolved, target, {
        // A rule with a bot of its own posts as it (the engine set it only while the system admin allows it).
        botUserId: target.bot_user_id ?? deps.botUserId,
        allowUsernameOverride: config.enablePostUsernameOverride,
        allowIconOverride: config.enablePostIconOverride,
        now: deps.clock.now(),
        source: reply.source,
    });
    return mapped.kind === 'drafts' ? mapped : {kind: 'outcome', outcome: mapped};
}

/**
 * The Mattermost side of durable reply posting (dispatch/reply_posting.ts): prepares a reply into parts the delivery
 * record stores, creates one part at a time, and lists a channel's recent posts so a resumed posting finds the parts a
 * crashed one created.
 */
export function createReplyPoster(deps: ReplyPosterDeps) {
    return {
        async prepare(target: ReplyTarget, reply: ServiceReply, trigger?: Record<string, unknown>): Promise<PreparedReplyParts> {
            const made = await draftsOf(reply, target, {...deps, botUserId: deps.botUserId()}, trigger);
            if (made.kind !== 'drafts') return made;
            const {posts, ephemerals, delayed} = made.drafts;
            const parts: StoredReplyPart[] = [
                ...posts.map((post): StoredReplyPart => ({kind: 'post', post})),
                ...ephemerals.map(({user_id, post}): StoredReplyPart => ({kind: 'ephemeral', user_id, post})),
            ];
            return {kind: 'parts', parts, delayed};
        },
        async create(part: {kind: 'post' | 'ephemeral'; user_id?: string | undefined; post: Record<string, unknown>}): Promise<string> {
            const post = part.post as unknown as PostDraft;
            const created = part.kind === 'post' ? await deps.api.createPost(post) : await deps.api.sendEphemeralPost(part.user_id ?? '', post);
            return created.id;
        },
        async postsSince(channelId: string, since: number): Promise<Array<{id: string; props: Record<string, unknown>}>> {
            const list = await deps.api.getPostsSince(channelId, since);
            return list.order.flatMap((id) => {
                const post = list.posts[id];
                return post ? [{id, props: (post.props ?? {}) as Record<string, unknown>}] : [];
            });
        },
    };
}
