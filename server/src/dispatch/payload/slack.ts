import type {DeliveryFacts} from '@tripwire/common';

import {goFormEncode} from './go_encoding';

/** Slack's message timestamp form, "seconds.microseconds" (e.g. "1355517523.000005"). */
export function slackTs(ms: number): string {
    return `${Math.floor(ms / 1000)}.${String((ms % 1000) * 1000).padStart(6, '0')}`;
}

/** Slack's legacy outgoing-webhook form body, so receivers written for Slack keep working. */
export function slackFormBody(facts: DeliveryFacts, token: string, serviceId: string): string {
    const values: Record<string, string> = {
        token,
        team_id: facts.team.id,
        team_domain: facts.team.name,
        service_id: serviceId,
        channel_id: facts.channel.id,
        channel_name: facts.channel.name,
        timestamp: slackTs(facts.post.create_at),
        user_id: facts.user.id,
        user_name: facts.user.username,
        text: facts.post.message,
        trigger_word: facts.trigger_word,
    };
    const rootAt = facts.thread?.root_create_at;
    if (facts.post.root_id && rootAt !== undefined) values.thread_ts = slackTs(rootAt);
    return goFormEncode(values);
}
