import type {DeliveryFacts, Endpoint} from '@tripwire/common';

import {effectiveMaxAttempts} from '../config/guardrails';
import type {Settings} from '../config/settings';

import {leaseMsFor} from './delivery_runner';
import {webhookIdOf} from './ids';
import type {OutboxRecord} from './outbox';
import type {ResponseUrls} from './response_urls';
import type {DeliveryRequest} from './types';

export interface DeliveryRecordsDeps {
    nodeId: string;
    leaseMarginMs: number;
    settings: () => Settings;
    responseUrls: Pick<ResponseUrls, 'issue'>;
}

/** Only rich payloads and templates that mention it can hand a response_url to the service; native ones cannot. */
function carriesResponseUrl(e: Endpoint): boolean {
    if (e.payload === 'rich') return true;
    const templates = [e.url, e.body_template ?? '', ...Object.values(e.headers), ...Object.values(e.query), ...Object.values(e.form_fields ?? {})];
    return templates.some((t) => t.includes('response_url'));
}

/** The outbox records of a submit's deliveries, as first written. */
export class DeliveryRecords {
    constructor(private readonly deps: DeliveryRecordsDeps) {}

    /** A delivery due `delayMs` from now (the rate limit's wait); with a response_url only when the service can get it. */
    create(id: string, request: DeliveryRequest, facts: DeliveryFacts, endpoints: Endpoint[], now: number, delayMs: number): OutboxRecord {
        const {response} = request;
        const record: OutboxRecord = {
            v: 1,
            id,
            webhook_id: webhookIdOf(id),
            state: 'pending',
            created_at: now,
            next_attempt_at: now + delayMs,
            attempts: 0,
            max_attempts: effectiveMaxAttempts(request.policy.max_attempts, this.deps.settings()),
            lease: null,
            rule: {...request.rule},
            endpoints,
            dead_endpoints: [],
            policy: request.policy,
            response,
            facts,
            response_url: response.enabled && response.response_url_uses > 0 && endpoints.some(carriesResponseUrl) ? this.deps.responseUrls.issue(id, now + response.response_url_ttl_seconds * 1000) : '',
        };
        // Sent at once: the writer holds the lease from the start, so the first attempt needs no claim round trip.
        if (delayMs === 0) {
            record.lease = {owner: this.deps.nodeId, until: now + leaseMsFor(record, this.deps.leaseMarginMs)};
            record.begun = 1;
        }
        return record;
    }
}
