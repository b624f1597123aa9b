import {randomBytes} from 'node:crypto';

import {type DeliveryExcerpt, type DeliveryLogEntry, type Endpoint, type Rule} from '@tripwire/common';

import {type DeliveryLog} from '../../dispatch/delivery_log';
import {sendRequest, type AttemptResult} from '../../dispatch/http_client';
import {type PreparedRequest} from '../../dispatch/payload/build_request';
import {excerptOf, isSensitiveName} from '../../dispatch/redact';
import {decideRetry} from '../../dispatch/retry_policy';
import {type SecretStore} from '../../dispatch/secrets';
import {webhookHeaders} from '../../dispatch/signing';
import {type SsrfGuard} from '../../dispatch/ssrf/guard';
import {type Clock} from '../../ports';
import {ApiError} from '../errors';

/** Mattermost reads at most this much of an action or dialog answer (MaxIntegrationResponseSize). */
const MAX_ANSWER_BYTES = 1 << 20;

export interface ServiceClientDeps {
    /** The same guard rules as deliveries: reserved ranges, the admins' allow lists, pinned DNS. */
    guard: SsrfGuard;
    secrets: Pick<SecretStore, 'signingSecrets' | 'values'>;
    log: Pick<DeliveryLog, 'append'>;
    clock: Clock;
    /** Mattermost's EnableInsecureOutgoingConnections. */
    insecureTls: () => boolean;
    /** The AllowForeignActionUrls guardrail: may clicks go, unsigned, to URLs on none of the rule's endpoints' origins? */
    allowForeignUrls: () => boolean;
    /** The MaxEndpointTimeoutMs guardrail: no attempt waits longer, whatever the endpoint says. */
    maxTimeoutMs: () => number;
    random?: () => number;
}

/** What native Mattermost sends to an action URL: JSON, no signature, one attempt. */
const NATIVE_ATTEMPTS = 1;

export interface SentCall {
    result: AttemptResult;
    /** What went out, signed, with secrets masked. */
    request: DeliveryExcerpt;
    response?: DeliveryExcerpt;
    attempts: number;
}

/**
 * Synchronous calls from the plugin to a rule's service on behalf of a person (button clicks, menu choices, dialog
 * submissions, the test bench): to an endpoint's origin, signed with its secrets exactly like deliveries (Standard Webhooks),
 * through the dispatcher's SSRF guard and HTTP client, retried on 408/429/5xx and network errors within the time
 * Mattermost waits, and written to the rule's delivery log. Not queued: the person is waiting for the answer.
 */
export class ServiceClient {
    private readonly random: () => number;

    constructor(private readonly deps: ServiceClientDeps) {
        this.random = deps.random ?? Math.random;
    }

    /**
     * The endpoint of a rule on the URL's origin (scheme, host and port), whose secrets sign calls to it; none when the
     * URL is elsewhere. A reply can put any URL in its buttons, so only the endpoint's own origin may see its signature.
     */
    endpointFor(rule: Pick<Rule, 'endpoints'>, url: string): Endpoint | undefined {
        const origin = originOf(url);
        if (origin === '' || origin === 'null') return undefined;
        return rule.endpoints.find((e) => originOf(e.url.replace(/\{\{[^}]*\}\}/g, 'x')) === origin);
    }

    /**
     * POSTs JSON to a service URL and logs each attempt under the rule: signed and retried when the URL is on one of
     * the rule's endpoints' origins; otherwise as native Mattermost would (unsigned, once, SSRF-guarded all the same),
     * unless the system admin's AllowForeignActionUrls forbids it.
     * @param budgetMs all attempts together; each attempt also stops at the endpoint's timeout.
     * @throws ApiError forbidden when the URL is foreign and the guardrail refuses foreign URLs
     */
    async postJson(input: {rule: Pick<Rule, 'id' | 'endpoints'>; url: string; body: unknown; eventType: string; postId: string; budgetMs: number; maxAttempts?: number}): Promise<SentCall> {
        const started = this.deps.clock.now();
        const endpoint = this.endpointFor(input.rule, input.url);
        if (!endpoint && !this.deps.allowForeignUrls()) {
            throw new ApiError('forbidden', 'This action goes to an address outside its Tripwire rule’s endpoints, which the system admin does not allow.');
        }
        const deliveryId = newId();
        let url: URL;
        try {
            url = new URL(input.url);
        } catch {
            const result: AttemptResult = {kind: 'error', errorClass: 'invalid_request', message: 'not a valid URL', totalMs: 0};
            return {result, request: {url: '[invalid]', headers: {}, body: '', truncated: false}, attempts: 0};
        }
        const prepared: PreparedRequest = {
            method: 'POST',
            url,
            headers: {'content-type': 'application/json', accept: 'application/json', 'user-agent': 'Tripwire/1.0 (Mattermost plugin)'},
            body: Buffer.from(JSON.stringify(input.body)),
        };
        const maxAttempts = endpoint ? (input.maxAttempts ?? 3) : NATIVE_ATTEMPTS;
        let call: SentCall | undefined;
        for (let attempt = 1; ; attempt++) {
            const remaining = input.budgetMs - (this.deps.clock.now() - started);
            call = await this.send(input.rule.id, endpoint, prepared, `msg_${deliveryId}`, attempt, Math.max(500, Math.min(endpoint?.timeout_ms ?? 15_000, remaining)));
            const decision = decideRetry(
                call.result.kind === 'error'
                    ? {kind: 'error', errorClass: call.result.errorClass}
                    : {kind: 'status', status: call.result.status, retryAfter: call.result.headers['retry-after']},
                {attempts: attempt, createdAt: started, now: this.deps.clock.now()},
                {maxAttempts, maxAgeMs: input.budgetMs, baseMs: 250, maxDelayMs: 2000},
                this.random,
            );
            this.logAttempt(input, endpoint, deliveryId, attempt, call, decision.action === 'succeed' ? 'succeeded' : decision.action === 'retry' ? 'retrying' : 'failed', decision);
            if (decision.action !== 'retry') break;
            await new Promise((r) => setTimeout(r, decision.delayMs));
        }
        return call;
    }

    /**
     * One attempt of a prepared request, signed with the endpoint's secrets; plain (as native sends it) without an
     * endpoint or when `unsigned` (the stored secret is not this URL's to use). Nothing is logged.
     */
    async send(ruleId: string, endpoint: Endpoint | undefined, request: PreparedRequest, webhookId: string, attempt: number, timeoutMs: number, unsigned = false): Promise<SentCall> {
        const signed: PreparedRequest =
            endpoint && !unsigned
                ? {
                      ...request,
                      headers: {
                          ...request.headers,
                          ...webhookHeaders(webhookId, this.deps.clock.now(), request.body, await this.deps.secrets.signingSecrets(ruleId, endpoint.id)),
                          'x-webhook-attempt': String(attempt),
                      },
                  }
                : request;
        const declared = endpoint?.secret_headers ?? [];
        const result = await sendRequest(signed, {
            guard: this.deps.guard,
            timeoutMs: Math.min(timeoutMs, this.deps.maxTimeoutMs()),
            maxResponseBytes: MAX_ANSWER_BYTES,
            followRedirects: false,
            insecureTls: this.deps.insecureTls(),
            sensitiveHeaders: declared,
        });
        const headerSecrets = Object.entries(request.headers).filter(([n]) => isSensitiveName(n, declared)).map(([, v]) => v);
        const secrets = [...(await this.deps.secrets.values(ruleId)), ...headerSecrets];
        return {
            result,
            attempts: attempt,
            request: excerptOf({method: signed.method, url: signed.url, headers: signed.headers, body: signed.body}, secrets, declared),
            ...(result.kind === 'response' && {response: excerptOf({status: result.status, headers: result.headers, body: result.body, truncated: result.truncated}, secrets, [])}),
        };
    }

    private logAttempt(
        input: {rule: Pick<Rule, 'id'>; eventType: string; postId: string},
        endpoint: Endpoint | undefined,
        deliveryId: string,
        attempt: number,
        call: SentCall,
        status: DeliveryLogEntry['status'],
        decision: ReturnType<typeof decideRetry>,
    ): void {
        const res = call.result;
        const failure = decision.action === 'succeed' ? undefined : decision;
        this.deps.log.append({
            delivery_id: deliveryId,
            webhook_id: `msg_${deliveryId}`,
            rule_id: input.rule.id,
            endpoint_id: endpoint?.id ?? '',
            event_type: input.eventType,
            post_id: input.postId,
            at: this.deps.clock.now(),
            attempt,
            status,
            ...(res.kind === 'response' && {http_status: res.status, latency_ms: res.totalMs}),
            ...(failure && {error_class: failure.errorClass, error: res.kind === 'error' ? `${res.message} (${failure.reason})` : failure.reason}),
            request: call.request,
            ...(call.response && {response: call.response}),
        });
    }
}

function originOf(url: string): string {
    try {
        return new URL(url).origin;
    } catch {
        return '';
    }
}

const CROCKFORD = '0123456789abcdefghjkmnpqrstvwxyz';

/** 26 lowercase base32 characters, like delivery ids. */
export function newId(): string {
    return [...randomBytes(26)].map((b) => CROCKFORD[b & 31]).join('');
}
