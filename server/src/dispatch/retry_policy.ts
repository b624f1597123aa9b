import type {DeliveryErrorClass} from '@tripwire/common';

/** What an attempt came to, as far as retrying is concerned. */
export type AttemptOutcome =
    | {kind: 'status'; status: number; retryAfter?: string | undefined; receiverAbort?: boolean}
    | {kind: 'error'; errorClass: DeliveryErrorClass};

export interface RetryPolicy {
    maxAttempts: number;
    maxAgeMs: number;
    baseMs: number;
    maxDelayMs: number;
}

export interface RetryState {
    /** Attempts made so far, this one included. */
    attempts: number;
    /** When the delivery was created: max age counts from here. */
    createdAt: number;
    now: number;
}

export type RetryDecision =
    | {action: 'succeed'}
    | {action: 'retry'; delayMs: number; errorClass: DeliveryErrorClass; reason: string}
    | {action: 'fail'; errorClass: DeliveryErrorClass; reason: string; disableEndpoint: boolean};

/** Errors that will not change by trying again: the request itself is wrong or not allowed. */
const PERMANENT_ERRORS: ReadonlySet<DeliveryErrorClass> = new Set(['ssrf_blocked', 'invalid_request', 'redirect', 'secret_missing']);

/**
 * The retry decision, as a pure function of the outcome, the attempts so far and the clock (BullMQ's shape: the
 * dispatcher only asks "retry? after how long?"). 2xx succeeds; 408, 429, 5xx and network errors retry with capped
 * exponential backoff and full jitter, or after `Retry-After` when the service says so; 410 fails and disables the
 * endpoint; other statuses fail; a receiver answering `webhook-delivery: abort-message` stops the retries.
 * `random` returns [0, 1) and is injected so tests are exact.
 */
export function decideRetry(outcome: AttemptOutcome, state: RetryState, policy: RetryPolicy, random: () => number): RetryDecision {
    const failure = classifyOutcome(outcome, state.now);
    if (failure === null) return {action: 'succeed'};
    if (!failure.retryable) return {action: 'fail', errorClass: failure.errorClass, reason: failure.reason, disableEndpoint: failure.disable};
    if (state.attempts >= policy.maxAttempts) {
        return {action: 'fail', errorClass: failure.errorClass, reason: `${failure.reason}; gave up after ${state.attempts} attempts`, disableEndpoint: false};
    }
    const delayMs = failure.retryAfterMs ?? backoffDelay(state.attempts, policy, random);
    if (state.now + delayMs - state.createdAt > policy.maxAgeMs) {
        return {action: 'fail', errorClass: 'expired', reason: `${failure.reason}; the next attempt would pass the maximum age`, disableEndpoint: false};
    }
    return {action: 'retry', delayMs, errorClass: failure.errorClass, reason: failure.reason};
}

/** Full jitter: a uniform delay in [0, min(max, base·2^(n-1))) after the n-th attempt. */
export function backoffDelay(attempts: number, policy: Pick<RetryPolicy, 'baseMs' | 'maxDelayMs'>, random: () => number): number {
    const ceiling = Math.min(policy.maxDelayMs, policy.baseMs * 2 ** Math.max(0, attempts - 1));
    return Math.floor(random() * ceiling);
}

/** `Retry-After` as delta-seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: number): number | null {
    if (!value) return null;
    const text = value.trim();
    if (/^\d+$/.test(text)) return Number(text) * 1000;
    // An HTTP date always names its day and month; this keeps "-1" and the like from parsing as dates.
    const at = /[a-z]/i.test(text) ? Date.parse(text) : NaN;
    return Number.isNaN(at) ? null : Math.max(0, at - now);
}

interface Failure {
    retryable: boolean;
    errorClass: DeliveryErrorClass;
    reason: string;
    disable: boolean;
    retryAfterMs?: number;
}

function classifyOutcome(outcome: AttemptOutcome, now: number): Failure | null {
    if (outcome.kind === 'error') {
        const retryable = !PERMANENT_ERRORS.has(outcome.errorClass);
        return {retryable, errorClass: outcome.errorClass, reason: outcome.errorClass.replace(/_/g, ' '), disable: false};
    }
    const {status} = outcome;
    if (status >= 200 && status < 300) return null;
    if (outcome.receiverAbort) return {retryable: false, errorClass: 'receiver_abort', reason: `HTTP ${status}; the receiver asked not to retry`, disable: false};
    if (status === 410) return {retryable: false, errorClass: 'endpoint_gone', reason: 'HTTP 410 Gone: the endpoint is disabled', disable: true};
    if (status === 408 || status === 429 || status >= 500) {
        const retryAfter = parseRetryAfter(outcome.retryAfter, now);
        return {retryable: true, errorClass: 'http_status', reason: `HTTP ${status}`, disable: false, ...(retryAfter !== null && {retryAfterMs: retryAfter})};
    }
    if (status >= 300 && status < 400) return {retryable: false, errorClass: 'redirect', reason: `HTTP ${status}: redirects are not followed`, disable: false};
    return {retryable: false, errorClass: 'http_status', reason: `HTTP ${status}`, disable: false};
}
