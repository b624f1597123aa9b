import {type DeliveryFactsInput, type Rule, type RuleEvent} from '@tripwire/common';

import {type RuleMatch} from '../rules/rule_set';
import {type ChannelInfo, type PostInfo, type TeamInfo, type UserInfo} from '../ports';

import {type FileFact, type ThreadFact} from './post_details';

/** What one event resolved once, shared by every rule it fires. */
export interface EventContext {
    event: RuleEvent;
    post: PostInfo;
    channel: ChannelInfo;
    team: TeamInfo | null;
    user: UserInfo | null;
    hops: number;
    /** A reply's thread, when a delivery fires (PostDetails). */
    thread?: ThreadFact;
    /** The post's file metadata, when it has files and a delivery fires. */
    files?: FileFact[];
}

/** The facts a delivery carries (payloads and templates are built from these only). */
export function deliveryFactsOf(ctx: EventContext, match: RuleMatch<Rule>): DeliveryFactsInput {
    const {post, channel, team, user} = ctx;
    return {
        event_type: ctx.event === 'edited' ? 'post_edited' : 'post_created',
        // An edit is a new event per edit time; a repeat of the same hook call maps to the same delivery.
        event_id: ctx.event === 'edited' ? `${post.id}:${post.edit_at}` : post.id,
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
        user: user
            ? {
                  id: user.id,
                  username: user.username,
                  first_name: user.first_name,
                  last_name: user.last_name,
                  nickname: user.nickname,
                  is_bot: user.is_bot,
              }
            : {id: post.user_id, username: ''},
        trigger_word: match.triggerWord,
        groups: match.groups,
        hops: ctx.hops,
        ...(ctx.thread && {thread: ctx.thread}),
        ...(ctx.files && {files: ctx.files}),
    };
}
