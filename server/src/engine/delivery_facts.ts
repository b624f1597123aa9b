import {deliveryEventTypes, type DeliveryFactsInput, type Rule, type RuleEvent} from '@tripwire/common';

import {type RuleMatch} from '../rules/rule_set';
import {type ChannelInfo, type PostInfo, type TeamInfo, type UserInfo} from '../ports';

import {type FileFact, type ThreadFact} from './post_details';

/** What one event resolved once, shared by every rule it fires. */
export interface EventContext {
    event: RuleEvent;
    /** Stable per event: a delivery's id derives from it, so a repeat is a no-op. */
    eventId: string;
    /** The post (the reacted one for reactions; an empty one, id '', for memberships). */
    post: PostInfo;
    channel: ChannelInfo;
    team: TeamInfo | null;
    /** Who posted, reacted, joined or left. */
    user: UserInfo | null;
    /** Their id, for when Mattermost no longer knows them (`user` null). */
    userId: string;
    hops: number;
    /** A reply's thread, when a delivery fires (PostDetails). */
    thread?: ThreadFact;
    /** The post's file metadata, when it has files and a delivery fires. */
    files?: FileFact[];
    /** Reaction events: the reaction; `user` is who reacted. */
    reaction?: {emoji_name: string; create_at: number; post_user_id: string};
    /** Membership events: who added or removed the user (null: they did it themselves). */
    actor?: UserInfo | null;
}

function userFact(user: UserInfo) {
    return {id: user.id, username: user.username, first_name: user.first_name, last_name: user.last_name, nickname: user.nickname, is_bot: user.is_bot};
}

/** The facts a delivery carries (payloads and templates are built from these only). */
export function deliveryFactsOf(ctx: EventContext, match: RuleMatch<Rule>): DeliveryFactsInput {
    const {post, channel, team, user} = ctx;
    return {
        event_type: deliveryEventTypes[ctx.event],
        event_id: ctx.eventId,
        post: {
            id: post.id,
            message: post.message,
            create_at: post.create_at,
            update_at: post.update_at,
            edit_at: post.edit_at,
            root_id: post.root_id,
            type: post.type,
            file_ids: post.file_ids ?? [],
            hashtags: post.hashtags ?? '',
        },
        channel: {id: channel.id, name: channel.name, display_name: channel.display_name, type: channel.type},
        team: team ? {id: team.id, name: team.name, display_name: team.display_name} : {},
        user: user ? userFact(user) : {id: ctx.userId, username: ''},
        trigger_word: match.triggerWord,
        groups: match.groups,
        hops: ctx.hops,
        ...(ctx.thread && {thread: ctx.thread}),
        ...(ctx.files && {files: ctx.files}),
        ...(ctx.reaction && {reaction: {emoji_name: ctx.reaction.emoji_name, create_at: ctx.reaction.create_at, post_user_id: ctx.reaction.post_user_id}}),
        ...(ctx.actor !== undefined && {membership: ctx.actor ? {actor: userFact(ctx.actor)} : {}}),
    };
}
