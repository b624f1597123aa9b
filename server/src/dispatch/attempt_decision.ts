import {clampPolicy} from '../config/guardrails';
import type {Settings} from '../config/settings';

import type {Call} from './endpoint_call';
import type {AttemptResult} from './http_client';
import type {OutboxRecord} from './outbox';
import {decideRetry, type AttemptOutcome, type RetryDecision} from './retry_policy';

/** The attempt's decision; each call also gets its own (for the log and for skipping dead endpoints). */
export function decideAttempt(r: OutboxRecord, calls: readonly Call[], now: number, settings: Settings, random: () => number): RetryDecision {
    const state = {attempts: r.attempts + 1, createdAt: r.created_at, now};
    const p = clampPolicy(r.policy, settings);
    const policy = {maxAttempts: Math.min(r.max_attempts, settings.MaxAttempts), maxAgeMs: p.max_age_seconds * 1000, baseMs: p.backoff_base_ms, maxDelayMs: p.backoff_max_ms};
    const decisions = calls.map((c) => (c.decision = decideRetry(outcomeOf(c.result), state, policy, random)));
    if (decisions.some((d) => d.action === 'succeed')) return {action: 'succeed'};
    const retries = decisions.filter((d) => d.action === 'retry');
    if (retries.length > 0) return retries.reduce((a, b) => (b.delayMs < a.delayMs ? b : a));
    return decisions.find((d) => d.action === 'fail' && d.disableEndpoint) ?? decisions[decisions.length - 1]!;
}

function outcomeOf(result: AttemptResult): AttemptOutcome {
    if (result.kind === 'error') return {kind: 'error', errorClass: result.errorClass};
    return {
        kind: 'status',
        status: result.status,
        retryAfter: result.headers['retry-after'],
        receiverAbort: result.headers['webhook-delivery']?.toLowerCase() === 'abort-message',
    };
}

/** What the record keeps of its last attempt. */
export function lastOf(calls: readonly Call[], decision: RetryDecision, at: number): OutboxRecord['last'] {
    const res = calls[calls.length - 1]?.result;
    const failure = decision.action === 'succeed' ? undefined : decision;
    return {
        at,
        ...(res?.kind === 'response' && {status: res.status}),
        ...(failure && {error_class: failure.errorClass, error: failure.reason}),
    };
}
