import type {DeliveryFacts} from '@tripwire/common';

/** What a request is built from: the trigger's facts plus the delivery's own identity. */
export interface RequestContext {
    facts: DeliveryFacts;
    rule: {id: string; name: string};
    deliveryId: string;
    webhookId: string;
    /** The scoped URL for a later reply; empty when the rule allows none. */
    responseUrl: string;
    /** The rule's native-compatible `token` (a secret: redacted from logs). */
    token: string;
}

/** The tree `{{...}}` placeholders read from; see templateRoots in common. */
export function templateVariables(ctx: RequestContext): Record<string, unknown> {
    const {facts} = ctx;
    const {post, user} = facts;
    return {
        post: {...post, edited: post.edit_at > 0, is_reply: post.root_id !== '', thread_root_id: post.root_id || post.id},
        channel: facts.channel,
        team: facts.team,
        user: {...user, display_name: displayName(user)},
        trigger_word: facts.trigger_word,
        groups: facts.groups,
        thread: facts.thread ?? {},
        files: facts.files ?? [],
        event: {type: facts.event_type, id: facts.event_id},
        reaction: facts.reaction ?? {},
        actor: facts.membership?.actor ? {...facts.membership.actor, display_name: displayName(facts.membership.actor)} : {},
        rule: ctx.rule,
        // `hops`: for services to pass back to the inbound URL, so the reply-chain guardrail sees their posts.
        delivery: {id: ctx.deliveryId, webhook_id: ctx.webhookId, response_url: ctx.responseUrl, hops: facts.hops},
        // The rule's token, for services that take their credential in the body or query (PagerDuty's routing_key,
        // GitLab's trigger token): it stays in the secret store and is redacted from every logged request.
        secrets: {token: ctx.token},
    };
}

function displayName(user: DeliveryFacts['user']): string {
    const full = `${user.first_name} ${user.last_name}`.trim();
    return full || user.nickname || user.username;
}

/**
 * What a reply_template reads beside the answer: the same tree without `secrets` and without the response_url (both
 * would end up in a channel post).
 */
export function replyTemplateVariables(ctx: Omit<RequestContext, 'token' | 'responseUrl'>): Record<string, unknown> {
    const {secrets: _secrets, ...vars} = templateVariables({...ctx, token: '', responseUrl: ''});
    const delivery = vars.delivery as Record<string, unknown>;
    const {response_url: _url, ...rest} = delivery;
    return {...vars, delivery: rest};
}
