import type {ReplyOutcome, ReplyTarget, ServiceReply} from '@tripwire/common';

import type {Clock, PluginAPI, ServerConfigInfo} from '../ports';

import {postReplyDrafts} from './post_replies';
import {draftsOf} from './reply_poster';
import {type UsernameLookup} from './user_mentions';

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
 * log; an invalid reply posts nothing. Plugs into the dispatcher as its ReplySink for late replies (response_url); an
 * attempt's reply is stored with its delivery and posted by dispatch/reply_posting.ts through createReplyPoster.
 */
export function createReplyHandler(deps: ReplyHandlerDeps): (target: ReplyTarget, reply: ServiceReply) => Promise<ReplyOutcome> {
    return async (target, reply) => {
        const mapped = await draftsOf(reply, target, deps);
        if (mapped.kind !== 'drafts') return mapped.outcome;
        try {
            const {posts, ephemeral} = await postReplyDrafts(deps.api, mapped.drafts);
            return {kind: 'posted', posts, ephemeral, delayed: mapped.drafts.delayed};
        } catch (err) {
            return {kind: 'error', reason: `posting the reply failed: ${(err as Error).message}`};
        }
    };
}
