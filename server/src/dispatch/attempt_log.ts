import type {DeliveryLogEntry, ReplyOutcome} from '@tripwire/common';

import type {Settings} from '../config/settings';

import {entryBase} from './delivery_log';
import {isSuccess, type Call} from './endpoint_call';
import {attemptNumber, type OutboxRecord} from './outbox';
import {excerptOf} from './redact';
import type {RetryDecision} from './retry_policy';
import type {AttemptContext} from './types';

/** What an attempt listener hears beside a delivery's log entry; max_attempts under the system admin's limit now. */
export const attemptContextOf = (r: OutboxRecord, settings: Settings): AttemptContext => ({
    channel_id: r.facts.channel.id,
    max_attempts: Math.min(r.max_attempts, settings.MaxAttempts),
});

/**
 * An attempt's delivery log entries: one per call (request and response excerpts with the secrets redacted), or one
 * for the delivery when it failed without a call. The reply goes with the successful call, else with the last one.
 */
export function attemptEntries(
    r: OutboxRecord,
    calls: readonly Call[],
    decision: RetryDecision,
    shutdown: boolean,
    nextAttemptAt: number | undefined,
    reply: ReplyOutcome | undefined,
    at: number,
): DeliveryLogEntry[] {
    const base = {...entryBase(r, at), attempt: attemptNumber(r)};
    const entries: DeliveryLogEntry[] = calls.map((c) => {
        const res = c.result;
        const success = isSuccess(res);
        const finalFailure = decision.action === 'fail' && !shutdown;
        const status = success ? 'succeeded' : finalFailure ? 'failed' : 'retrying';
        const failure = c.decision?.action === 'retry' || c.decision?.action === 'fail' ? c.decision : undefined;
        return {
            ...base,
            endpoint_id: c.endpoint.id,
            status,
            ...(res.kind === 'response' && {http_status: res.status, latency_ms: res.totalMs}),
            ...(failure && {error_class: failure.errorClass, error: failure.reason}),
            ...(res.kind === 'error' && {error_class: failure?.errorClass ?? res.errorClass, error: failure ? `${res.message} (${failure.reason})` : res.message}),
            ...(status === 'retrying' && nextAttemptAt !== undefined && {next_attempt_at: nextAttemptAt}),
            ...(c.request && {request: excerptOf({method: c.request.method, url: c.request.url, headers: c.request.headers, body: c.request.body}, c.secrets, c.endpoint.secret_headers)}),
            ...(res.kind === 'response' && {response: excerptOf({status: res.status, headers: res.headers, body: res.body, truncated: res.truncated}, c.secrets, [])}),
            ...(success && reply && {reply}),
        };
    });
    if (calls.length === 0 && decision.action === 'fail') {
        entries.push({...base, endpoint_id: r.endpoints.map((e) => e.id).join(','), status: 'failed', error_class: decision.errorClass, error: decision.reason});
    } else if (reply && !calls.some((c) => isSuccess(c.result)) && entries.length > 0) {
        entries[entries.length - 1]!.reply = reply;
    }
    return entries;
}
