import {type DeliveryLogEntry} from '@tripwire/common';

/**
 * What Tripwire tells its metrics, as plain calls: the domain (dispatch, engine) and the composition root emit through
 * this, and only server/src/metrics knows prom-client. Labels are ids and enums only (rule id, endpoint id, outcome,
 * hook, event), never message content, so the number of series stays bounded.
 */
export interface MetricsSink {
    /** A delivery log entry: one attempt's outcome, or a delivery dropped or cancelled before any attempt. */
    deliveryLogged(entry: DeliveryLogEntry): void;
    /** A matched rule's delivery was stored; `delayedMs` > 0 when its rate limit queued it for later. */
    deliveryQueued(ruleId: string, deliveryId: string, delayedMs: number): void;
    /** A circuit breaker (one per endpoint host) moved to `state`. */
    breakerChanged(state: BreakerStateName): void;
    /** How long a plugin hook took, by Mattermost's hook name. */
    hookTook(hook: string, seconds: number): void;
    /** How long matching a post against its channel's rules took, by rule event. */
    matchTook(event: string, seconds: number): void;
    /** A rule was deleted: its series go, so deleted rules never pile up label values. */
    ruleDeleted(ruleId: string): void;
}

export type BreakerStateName = 'closed' | 'open' | 'half_open';

/** The figures a health summary reads, all from the metrics themselves (per node: each node counts its own). */
export interface HealthFigures {
    /** Deliveries per rule by final outcome, most failures first. */
    rules: Array<{rule_id: string; failed: number; succeeded: number; dropped: number}>;
    /** Attempts per endpoint (of a rule) by outcome, most failures first. */
    endpoints: Array<{rule_id: string; endpoint_id: string; failed: number; retrying: number; succeeded: number}>;
    queue: {in_flight: number; scheduled: number; parked: number; oldest_age_seconds: number};
    breakers: Record<BreakerStateName, number>;
}

export interface HealthSource {
    health(): Promise<HealthFigures>;
}

/** For tests and callers without metrics. */
export const noMetrics: MetricsSink = {
    deliveryLogged: () => undefined,
    deliveryQueued: () => undefined,
    breakerChanged: () => undefined,
    hookTook: () => undefined,
    matchTook: () => undefined,
    ruleDeleted: () => undefined,
};
