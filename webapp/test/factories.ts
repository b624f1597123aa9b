import {endpointSchema, type RuleView} from '@tripwire/common';

import {CHANNEL_ID, TEAM_ID, USER_ID} from './render';

let n = 0;
export const id = (prefix: string) => `${prefix}${String(++n).padStart(26 - prefix.length, '0')}`;

/** A stored rule as the API shows it, with overrides. */
export function ruleView(over: Partial<RuleView> = {}): RuleView {
    return {
        id: id('rule'),
        schemaVersion: 1,
        revision: 1,
        ownerId: USER_ID,
        createdBy: USER_ID,
        createdAt: 1_700_000_000_000,
        updatedBy: USER_ID,
        updatedAt: 1_700_000_000_000,
        name: 'Deploy bot',
        description: '',
        enabled: true,
        scope: {kind: 'channels', teamId: TEAM_ID, channelIds: [CHANNEL_ID]},
        threads: 'all',
        events: ['posted'],
        emoji: [],
        trigger: {mode: 'exact', words: ['deploy'], ignoreCase: false},
        conditions: [],
        sources: {bots: false, integrations: false},
        cooldown: {channelSeconds: 0, userSeconds: 0},
        endpoints: [endpointSchema.parse({id: 'ep1', url: 'https://ci.example.com/hook'})],
        response: {enabled: true, reply_to: 'service', accept_any_status: false, stale_after_seconds: 300, stale_action: 'thread', response_url_uses: 5, response_url_ttl_seconds: 1800},
        delivery: {fan_out: 'parallel', max_age_seconds: 86_400, backoff_base_ms: 5000, backoff_max_ms: 7_200_000, rate_overflow: 'queue'},
        has_token: false,
        has_inbound: false,
        can_manage: true,
        ...over,
    };
}

export const emptyStats = {deliveries: 0, succeeded: 0, failed: 0, dropped: 0, success_rate: null, p50_latency_ms: null, p95_latency_ms: null, last_at: null};
