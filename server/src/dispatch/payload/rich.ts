import type {RequestContext} from './variables';

/**
 * The rich JSON body: every native field (so a compat receiver still understands it) plus what native leaves out:
 * the event, the thread, channel type and display names, the edit state, the match, file metadata, and where to
 * reply later.
 */
export function richBody(ctx: RequestContext): string {
    const {facts} = ctx;
    const {post, channel, team, user} = facts;
    return JSON.stringify({
        token: ctx.token,
        team_id: team.id,
        team_domain: team.name,
        channel_id: channel.id,
        channel_name: channel.name,
        timestamp: post.create_at,
        user_id: user.id,
        user_name: user.username,
        post_id: post.id,
        text: post.message,
        trigger_word: facts.trigger_word,
        file_ids: post.file_ids.join(','),
        event_type: facts.event_type,
        event_id: facts.event_id,
        root_id: post.root_id,
        is_reply: post.root_id !== '',
        channel_type: channel.type,
        channel_display_name: channel.display_name,
        team_display_name: team.display_name,
        user: {
            id: user.id,
            username: user.username,
            first_name: user.first_name,
            last_name: user.last_name,
            nickname: user.nickname,
            is_bot: user.is_bot,
        },
        edited: post.edit_at > 0,
        edit_at: post.edit_at,
        update_at: post.update_at,
        hashtags: post.hashtags,
        matches: {trigger_word: facts.trigger_word, groups: facts.groups},
        files: facts.files ?? [],
        // Reaction events: the emoji; `post_id`/`text` are the reacted post's, `user` is who reacted.
        reaction: facts.reaction ?? null,
        // Membership events: `user` joined or left, `actor` added or removed them (null: they did it themselves).
        ...(facts.membership && {actor: facts.membership.actor ?? null}),
        thread: facts.thread ?? null,
        rule: ctx.rule,
        delivery_id: ctx.deliveryId,
        response_url: ctx.responseUrl,
        // How many deliveries led to the trigger: a service that posts back through the inbound URL passes it on
        // (X-Tripwire-Hops or `tripwire_hops`) so the reply-chain guardrail counts its post too.
        hops: facts.hops,
    });
}
