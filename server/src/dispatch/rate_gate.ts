import type {DeliveryFacts, DeliveryLogEntry, Endpoint} from '@tripwire/common';

import {effectiveMaxAttempts, effectiveRate} from '../config/guardrails';
import type {Settings} from '../config/settings';
import type {Logger} from '../ports';

import {triggerOf, type DeliveryLog} from './delivery_log';
import {webhookIdOf} from './ids';
import {RateLimiter} from './limits';
import type {Notifier} from './notices';
import type {AttemptListener, DeliveryRequest, SubmittedDelivery} from './types';

export interface RateGateDeps {
    logger: Logger;
    settings: () => Settings;
    log: DeliveryLog;
    notifier?: Notifier;
    onAttempt?: AttemptListener;
}

/** Holds a rule's submits to its rates (per rule, per user): over them a delivery is delayed, or dropped and logged. */
export class RateGate {
    private readonly limiter = new RateLimiter();

    constructor(private readonly deps: RateGateDeps) {}

    /**
     * Whether a submit's deliveries may go: now, or after `delayMs`; or not at all (a `drop` rate is spent, or the
     * wait would outlast their maximum age).
     */
    verdict(request: DeliveryRequest, facts: DeliveryFacts, now: number): {ok: true; delayMs: number} | {ok: false; retryInMs: number} {
        const {policy, rule} = request;
        // A rule's own rates never exceed the system admin's limit, even one lowered after the rule was saved.
        const settings = this.deps.settings();
        const limits: Array<[string, number]> = [[`r:${rule.id}`, effectiveRate(policy.rate_per_rule_per_minute, settings)]];
        if (policy.rate_per_user_per_minute) limits.unshift([`u:${rule.id}:${facts.user.id}`, effectiveRate(policy.rate_per_user_per_minute, settings)]);
        // Queued no longer than the delivery may live.
        const maxDelayMs = Math.min(policy.max_age_seconds, settings.MaxDeliveryAgeSeconds) * 1000;
        let delayMs = 0;
        for (const [key, perMinute] of limits) {
            const v = policy.rate_overflow === 'drop' ? this.limiter.take(key, perMinute, now) : this.limiter.reserve(key, perMinute, now, maxDelayMs);
            if (!v.ok) return v;
            delayMs = Math.max(delayMs, v.delayMs);
        }
        return {ok: true, delayMs};
    }

    /** Logs the deliveries a submit over the limit would have made as dropped, and tells the user when the next slot is. */
    async drop(request: DeliveryRequest, facts: DeliveryFacts, groups: Endpoint[][], ids: string[], retryInMs: number, now: number): Promise<SubmittedDelivery[]> {
        const out = groups.map((endpoints, i): SubmittedDelivery => {
            const entry: DeliveryLogEntry = {
                delivery_id: ids[i]!,
                webhook_id: webhookIdOf(ids[i]!),
                rule_id: request.rule.id,
                endpoint_id: endpoints.map((e) => e.id).join(','),
                event_type: facts.event_type,
                post_id: facts.post.id,
                at: now,
                attempt: 0,
                status: 'dropped',
                error_class: 'rate_limited',
                error: `over the rule's rate limit; next slot in ${Math.ceil(retryInMs / 1000)} s`,
                ...triggerOf(facts),
            };
            this.deps.log.append(entry);
            this.deps.onAttempt?.(entry, {channel_id: facts.channel.id, max_attempts: effectiveMaxAttempts(request.policy.max_attempts, this.deps.settings())});
            return {delivery_id: ids[i]!, webhook_id: webhookIdOf(ids[i]!), endpoint_ids: endpoints.map((e) => e.id), status: 'dropped', delay_ms: 0};
        });
        await this.deps.notifier
            ?.deliveryDropped({userId: facts.user.id, channelId: facts.channel.id, rootId: facts.post.root_id, ruleName: request.rule.name, retryInMs})
            .catch((err: unknown) => this.deps.logger.warn('could not send the rate-limit notice', {error: String(err)}));
        return out;
    }

    /** Forgets the rates whose buckets are full again (the sweep calls it). */
    prune(now: number): void {
        this.limiter.prune(now);
    }
}
