import type {ReplyOutcome, ReplyTarget, ServiceReply} from '@tripwire/common';

import type {Clock, PluginAPI, ServerConfigInfo} from '../ports';

import {parseReply} from './parse';
import {postReplyDrafts} from './post_replies';
import {replyToDrafts} from './to_posts';
import {resolveUserMentions, type UsernameLookup} from './user_mentions';

export interface ReplyHandlerDeps {
    api: Pick<PluginAPI, 'createPost' | 'sendEphemeralPost'>;
    /** Tripwire's bot: every reply is posted as it. */
    botUserId: string;
    clock: Clock;
    /** For Slack's `<@userid>` → `@username`. */
    users: UsernameLookup;
    serverConfig: () => Pick<ServerConfigInfo, 'enablePostUsernameOverride' | 'enablePostIconOverride'>;
}

/**
 * A service reply from start to end: parse, map to drafts, post. Every way it can end is an outcome for the delivery
 * log; an invalid reply posts nothing. Plugs into the dispatcher as its ReplySink.
 */
export function createReplyHandler(deps: ReplyHandlerDeps): (target: ReplyTarget, reply: ServiceReply) => Promise<ReplyOutcome> {
    return async (target, reply) => {
        const parsed = parseReply(reply);
        if (parsed.kind === 'empty') return {kind: 'none', reason: 'empty reply'};
        if (parsed.kind === 'invalid') return parsed;
        const config = deps.serverConfig();
        const resolved = await resolveUserMentions(parsed.reply, deps.users);
        const mapped = replyToDrafts(resolved, target, {
            botUserId: deps.botUserId,
            allowUsernameOverride: config.enablePostUsernameOverride,
            allowIconOverride: config.enablePostIconOverride,
            now: deps.clock.now(),
            source: reply.source,
        });
        if (mapped.kind !== 'drafts') return mapped;
        try {
            const {posts, ephemeral} = await postReplyDrafts(deps.api, mapped.drafts);
            return {kind: 'posted', posts, ephemeral, delayed: mapped.drafts.delayed};
        } catch (err) {
            return {kind: 'error', reason: `posting the reply failed: ${(err as Error).message}`};
        }
    };
}
