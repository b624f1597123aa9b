import {
    deliveryFactsSchema,
    deliveryPolicySchema,
    endpointSchema,
    responseOptionsSchema,
    type DeliveryFactsInput,
    type DeliveryPolicy,
    type Endpoint,
    type EndpointInput,
    type ResponseOptions,
} from '@tripwire/common';

import {parseSettings, type Settings} from '../../config/settings';
import type {Logger, ServerConfigInfo} from '../../ports';
import type {OutboxRecord} from '../outbox';
import type {DeliveryRequest} from '../types';

/** Test factories with partial overrides. */
export const endpoint = (overrides: EndpointInput): Endpoint => endpointSchema.parse({id: 'main', ...overrides});
export const policy = (overrides: Partial<DeliveryPolicy> = {}): DeliveryPolicy => deliveryPolicySchema.parse(overrides);
export const responseOptions = (overrides: Partial<ResponseOptions> = {}): ResponseOptions => responseOptionsSchema.parse(overrides);

export function facts(overrides: Partial<DeliveryFactsInput> = {}): DeliveryFactsInput {
    return {
        event_type: 'post_created',
        event_id: 'post1',
        post: {id: 'post1', message: 'deploy api to prod', create_at: 1445532266123, file_ids: []},
        channel: {id: 'chan1', name: 'town-square', display_name: 'Town Square', type: 'O'},
        team: {id: 'team1', name: 'someteam', display_name: 'Some Team'},
        user: {id: 'user1', username: 'alice'},
        trigger_word: 'deploy',
        ...overrides,
    };
}

export function deliveryRequest(endpoints: Endpoint[], overrides: Partial<DeliveryRequest> = {}): DeliveryRequest {
    return {
        rule: {id: 'rule1', name: 'Deploys', owner_id: 'owner1'},
        endpoints,
        policy: policy({backoff_base_ms: 10, backoff_max_ms: 50}),
        response: responseOptions(),
        facts: facts(),
        ...overrides,
    };
}

export const serverConfig = (overrides: Partial<ServerConfigInfo> = {}): ServerConfigInfo => ({
    siteURL: 'https://chat.example.com',
    allowedUntrustedInternalConnections: [],
    enableInsecureOutgoingConnections: false,
    enablePostUsernameOverride: false,
    enablePostIconOverride: false,
    ...overrides,
});

/** Settings that let the tests' loopback receivers through the SSRF guard: the admin allowlist, not a bypass. */
export const loopbackSettings = (overrides: Record<string, unknown> = {}): Settings => parseSettings({AllowedHosts: '127.0.0.1', ...overrides});

export function memoryLogger(): Logger & {lines: Array<{level: string; message: string; fields?: Record<string, unknown>}>} {
    const lines: Array<{level: string; message: string; fields?: Record<string, unknown>}> = [];
    const at = (level: string) => (message: string, fields?: Record<string, unknown>) => void lines.push({level, message, ...(fields && {fields})});
    return {lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error')};
}

/** A pending outbox record as the dispatcher would have stored it, for tests that seed the outbox directly. */
export function outboxRecord(id: string, url: string, overrides: Partial<OutboxRecord> = {}): OutboxRecord {
    const req = deliveryRequest([endpoint({url})]);
    return {
        v: 1,
        id,
        webhook_id: `msg_${id}`,
        state: 'pending',
        created_at: Date.now(),
        next_attempt_at: 0,
        attempts: 0,
        max_attempts: 3,
        lease: null,
        rule: req.rule,
        endpoints: [...req.endpoints],
        dead_endpoints: [],
        policy: req.policy,
        response: req.response,
        facts: deliveryFactsSchema.parse(req.facts),
        response_url: '',
        ...overrides,
    };
}
