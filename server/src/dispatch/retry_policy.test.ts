import {backoffDelay, decideRetry, parseRetryAfter, type AttemptOutcome, type RetryPolicy} from './retry_policy';

const policy: RetryPolicy = {maxAttempts: 5, maxAgeMs: 3_600_000, baseMs: 1000, maxDelayMs: 8000};
const now = 1_700_000_000_000;
const state = (attempts = 1) => ({attempts, createdAt: now - 1000, now});
const half = () => 0.5;
const status = (s: number, extra: Partial<Extract<AttemptOutcome, {kind: 'status'}>> = {}): AttemptOutcome => ({kind: 'status', status: s, ...extra});

describe('decideRetry', () => {
    it.each([200, 201, 204, 299])('succeeds on %s', (s) => {
        expect(decideRetry(status(s), state(), policy, half)).toEqual({action: 'succeed'});
    });

    it.each([408, 429, 500, 502, 503, 504, 599])('retries %s', (s) => {
        expect(decideRetry(status(s), state(), policy, half)).toMatchObject({action: 'retry', errorClass: 'http_status'});
    });

    it.each(['timeout', 'connection_refused', 'connection_reset', 'dns', 'tls', 'bad_response', 'network'] as const)('retries the network error %s', (errorClass) => {
        expect(decideRetry({kind: 'error', errorClass}, state(), policy, half)).toMatchObject({action: 'retry', errorClass});
    });

    it.each([400, 401, 403, 404, 409, 422])('fails for good on %s', (s) => {
        expect(decideRetry(status(s), state(), policy, half)).toMatchObject({action: 'fail', errorClass: 'http_status', disableEndpoint: false});
    });

    it('fails on a redirect (not followed) and on an SSRF block', () => {
        expect(decideRetry(status(302), state(), policy, half)).toMatchObject({action: 'fail', errorClass: 'redirect'});
        expect(decideRetry({kind: 'error', errorClass: 'ssrf_blocked'}, state(), policy, half)).toMatchObject({action: 'fail'});
    });

    it('disables the endpoint on 410', () => {
        expect(decideRetry(status(410), state(), policy, half)).toMatchObject({action: 'fail', errorClass: 'endpoint_gone', disableEndpoint: true});
    });

    it('stops when the receiver answers webhook-delivery: abort-message', () => {
        expect(decideRetry(status(503, {receiverAbort: true}), state(), policy, half)).toMatchObject({action: 'fail', errorClass: 'receiver_abort'});
    });

    it('gives up after max attempts', () => {
        expect(decideRetry(status(503), state(5), policy, half)).toMatchObject({action: 'fail', reason: expect.stringMatching(/after 5 attempts/)});
        expect(decideRetry(status(503), state(4), policy, half)).toMatchObject({action: 'retry'});
    });

    it('gives up when the next attempt would pass the maximum age', () => {
        const old = {attempts: 1, createdAt: now - policy.maxAgeMs + 100, now};
        expect(decideRetry(status(503), old, policy, () => 0.9)).toMatchObject({action: 'fail', errorClass: 'expired'});
    });

    it('honours Retry-After in seconds and as a date', () => {
        expect(decideRetry(status(429, {retryAfter: '7'}), state(), policy, half)).toMatchObject({action: 'retry', delayMs: 7000});
        const date = new Date(now + 20_000).toUTCString();
        expect(decideRetry(status(503, {retryAfter: date}), state(), policy, half)).toMatchObject({action: 'retry', delayMs: 20_000});
    });

    it('ignores an unreadable Retry-After and backs off instead', () => {
        expect(decideRetry(status(503, {retryAfter: 'soon'}), state(1), policy, half)).toMatchObject({action: 'retry', delayMs: 500});
    });
});

describe('backoffDelay', () => {
    it('is full jitter over a doubling, capped ceiling', () => {
        const top = () => 0.999999;
        expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, policy, top))).toEqual([999, 1999, 3999, 7999, 7999, 7999]);
        expect(backoffDelay(3, policy, () => 0)).toBe(0);
        expect(backoffDelay(3, policy, () => 0.25)).toBe(1000);
    });
});

describe('parseRetryAfter', () => {
    it('reads seconds and dates, and nothing else', () => {
        expect(parseRetryAfter('120', now)).toBe(120_000);
        expect(parseRetryAfter(new Date(now - 5000).toUTCString(), now)).toBe(0);
        expect(parseRetryAfter(undefined, now)).toBeNull();
        expect(parseRetryAfter('-1', now)).toBeNull();
    });
});
