import type {Endpoint} from '@tripwire/common';

import type {Clock} from '../ports';
import type {Versioned} from '../ports/kv_json';

import type {CircuitBreakers} from './circuit_breaker';
import {sendRequest, type AttemptResult} from './http_client';
import {attemptNumber, type OutboxRecord} from './outbox';
import type {ParkingLot} from './parking';
import {buildRequest, type PreparedRequest} from './payload/build_request';
import {TemplateError} from './payload/template';
import {isSensitiveName} from './redact';
import type {RetryDecision} from './retry_policy';
import {missingSecret} from './secret_requirements';
import type {SecretStore} from './secrets';
import {webhookHeaders} from './signing';
import type {SsrfGuard} from './ssrf/guard';

export interface EndpointCallDeps {
    clock: Clock;
    guard: SsrfGuard;
    breakers: CircuitBreakers;
    secrets: SecretStore;
    insecureTls: () => boolean;
    maxResponseBytes: number;
}

/** One HTTP call of an attempt (a failover attempt may make several). */
export interface Call {
    endpoint: Endpoint;
    request: PreparedRequest | undefined;
    result: AttemptResult;
    secrets: string[];
    /** What the retry policy says about this call alone (set when the attempt is decided). */
    decision?: RetryDecision;
}

/**
 * Makes one call of an attempt: the request built with the rule's secrets (failing closed when one it was accepted
 * with is gone), signed, sent through the SSRF guard once the breaker lets it and the delivery is claimed; the
 * breaker hears how the host did.
 */
export class EndpointCaller {
    constructor(
        private readonly deps: EndpointCallDeps,
        /** Told when a call closes a host's breaker (its parked deliveries go), or when a probe's outcome is in. */
        private readonly parking: Pick<ParkingLot, 'open' | 'poke'>,
    ) {}

    /** Sends to one endpoint: a Call; `lost` when another node owns the delivery; `deferred` when its breaker is open. */
    async call(
        r: OutboxRecord,
        endpoint: Endpoint,
        host: string,
        probe: boolean,
        claim: () => Promise<Versioned<OutboxRecord> | null>,
        signal: AbortSignal,
    ): Promise<Call | 'deferred' | 'lost'> {
        const {clock, breakers} = this.deps;
        const [secrets, secretHeaders, signing] = await Promise.all([
            this.deps.secrets.values(r.rule.id),
            this.deps.secrets.headers(r.rule.id, endpoint.id),
            this.deps.secrets.signingSecrets(r.rule.id, endpoint.id),
        ]);
        const unsent = async (errorClass: 'invalid_request' | 'secret_missing', message: string): Promise<Call | 'lost'> =>
            (await claim()) ? {endpoint, request: undefined, secrets, result: {kind: 'error', errorClass, message, totalMs: 0}} : 'lost';
        // Fail closed: never send unsigned, or without a secret header, what was accepted signed or with it.
        const missing = missingSecret(r.secrets_required?.[endpoint.id], signing, secretHeaders);
        if (missing !== undefined) return unsent('secret_missing', missing);
        let request: PreparedRequest;
        try {
            request = buildRequest(
                endpoint,
                {
                    facts: r.facts,
                    rule: {id: r.rule.id, name: r.rule.name},
                    deliveryId: r.id,
                    webhookId: r.webhook_id,
                    responseUrl: r.response_url,
                    token: await this.deps.secrets.token(r.rule.id),
                },
                secretHeaders,
            );
        } catch (err) {
            if (!(err instanceof TemplateError)) throw err;
            return unsent('invalid_request', err.message);
        }
        const verdict = breakers.check(host, clock.now(), probe);
        if (!verdict.allowed) return 'deferred';
        const held = await claim();
        if (!held) {
            breakers.cancel(host);
            if (verdict.probe) this.parking.poke(host);
            return 'lost';
        }

        const signed: PreparedRequest = {
            ...request,
            headers: {...request.headers, ...webhookHeaders(r.webhook_id, clock.now(), request.body, signing), 'x-webhook-attempt': String(attemptNumber(held.value))},
        };
        const result = await sendRequest(signed, {
            guard: this.deps.guard,
            timeoutMs: endpoint.timeout_ms,
            maxResponseBytes: this.deps.maxResponseBytes,
            followRedirects: endpoint.follow_redirects,
            insecureTls: this.deps.insecureTls(),
            sensitiveHeaders: [...endpoint.secret_headers, ...Object.keys(secretHeaders)],
            signal,
        });
        if (result.kind === 'error' && result.errorClass === 'shutdown') breakers.cancel(host);
        else if (breakers.record(host, {ok: isHealthy(result), unreachable: result.kind === 'error', probe: verdict.probe, retry: r.attempts > 0}, clock.now())) this.parking.open(host);
        else if (verdict.probe) this.parking.poke(host);
        // Secret header values (API keys...) are redacted wherever they show up, not just in their header: as stored
        // (in `secrets`) and as rendered.
        const headerSecrets = Object.entries(request.headers).filter(([n]) => n in secretHeaders || isSensitiveName(n, endpoint.secret_headers)).map(([, v]) => v);
        // The response_url is a capability (whoever holds it may post into the channel): the service gets it, the
        // delivery log does not.
        const capability = r.response_url ? [r.response_url.slice(r.response_url.lastIndexOf('/') + 1)] : [];
        return {endpoint, request: signed, result, secrets: [...secrets, ...headerSecrets, ...capability]};
    }
}

const origins = new Map<string, string>();

/** The breaker key of an endpoint: its origin, which placeholders cannot change (the host never holds one). */
export function originOf(endpoint: Endpoint): string {
    let origin = origins.get(endpoint.url);
    if (origin === undefined) {
        origin = new URL(endpoint.url.replace(/\{\{[^}]*\}\}/g, 'x')).origin;
        if (origins.size > 5000) origins.clear();
        origins.set(endpoint.url, origin);
    }
    return origin;
}

export const isSuccess = (result: AttemptResult): boolean => result.kind === 'response' && result.status >= 200 && result.status < 300;

/** For the breaker: is the host answering sanely? A 4xx is the request's fault, not the host's. */
const isHealthy = (result: AttemptResult): boolean =>
    result.kind === 'response' && result.status !== 408 && result.status !== 429 && result.status < 500;
