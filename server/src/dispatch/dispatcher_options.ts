import {defaultBreakerOptions, type BreakerOptions} from './circuit_breaker';
import type {DeliveryLogOptions} from './delivery_log';
import {MAX_RESPONSE_BYTES} from './http_client';
import {defaultNodeRegistryOptions, type NodeRegistryOptions} from './node_registry';
import type {OutboxRetention} from './outbox';

export interface DispatcherOptions {
    /** How often each node reads the pending index for deliveries it does not know about (other nodes' orphans, restarts). */
    sweepIntervalMs: number;
    /** How long pending-index removals gather before a shard is written for them alone (outbox_index.ts); undefined: its default. */
    indexBatchMs?: number;
    leaseMarginMs: number;
    /** How long a node owns a reply it is posting (reply_posting.ts): far longer than a CreatePost takes. */
    replyLeaseMs: number;
    /** The first wait before a reply that Mattermost failed to post (5xx, network) is tried again; doubles per try. */
    replyRetryBaseMs: number;
    /** On stop, attempts in flight get this long to finish before they are aborted and handed back. */
    stopGraceMs: number;
    maxResponseBytes: number;
    retention: OutboxRetention;
    log: DeliveryLogOptions;
    breaker: BreakerOptions;
    secretsCacheMs: number;
    node: NodeRegistryOptions;
    /**
     * How long a deleted rule's mark stays: longer than any delivery of it may still come up (max_age_seconds is at
     * most 7 days) and than a response_url lives (at most a day).
     */
    ruleGoneSeconds: number;
}

export const defaultDispatcherOptions: DispatcherOptions = {
    sweepIntervalMs: 15_000,
    leaseMarginMs: 30_000,
    replyLeaseMs: 60_000,
    replyRetryBaseMs: 1000,
    stopGraceMs: 5000,
    maxResponseBytes: MAX_RESPONSE_BYTES,
    retention: {succeededSeconds: 3600, failedSeconds: 7 * 86_400},
    log: {capacity: 100, flushMs: 500},
    breaker: defaultBreakerOptions,
    secretsCacheMs: 10_000,
    ruleGoneSeconds: 8 * 86_400,
    node: defaultNodeRegistryOptions,
};
