import type {DeliveryFacts} from '@tripwire/common';

import {goFormEncode, goJsonObject} from './go_encoding';

/**
 * Mattermost's native outgoing-webhook body (model.OutgoingWebhookPayload), field for field and byte for byte:
 * JSON in struct order with `timestamp` in milliseconds; form with sorted keys and `timestamp` in seconds;
 * `file_ids` comma-joined in both.
 */
export function nativeFields(facts: DeliveryFacts, token: string): Array<readonly [string, string | number]> {
    return [
        ['token', token],
        ['team_id', facts.team.id],
        ['team_domain', facts.team.name],
        ['channel_id', facts.channel.id],
        ['channel_name', facts.channel.name],
        ['timestamp', facts.post.create_at],
        ['user_id', facts.user.id],
        ['user_name', facts.user.username],
        ['post_id', facts.post.id],
        ['text', facts.post.message],
        ['trigger_word', facts.trigger_word],
        ['file_ids', facts.post.file_ids.join(',')],
    ];
}

export function compatJsonBody(facts: DeliveryFacts, token: string): string {
    return goJsonObject(nativeFields(facts, token));
}

export function compatFormBody(facts: DeliveryFacts, token: string): string {
    const values: Record<string, string> = {};
    for (const [k, v] of nativeFields(facts, token)) values[k] = typeof v === 'number' ? String(Math.trunc(v / 1000)) : v;
    return goFormEncode(values);
}
