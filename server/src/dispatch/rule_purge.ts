import type {DeliveryLogEntry} from '@tripwire/common';

import type {Settings} from '../config/settings';
import type {Clock, KVStore, Logger, MetricsSink} from '../ports';

import {attemptContextOf} from './attempt_log';
import {entryBase, type DeliveryLog} from './delivery_log';
import type {DeliveryRunner} from './delivery_runner';
import {keys} from './keys';
import type {OutboxRecord, OutboxStore} from './outbox';
import type {OutboxScheduler} from './outbox_scheduler';
import type {RuleTombstones} from './rule_tombstones';
import type {SecretStore} from './secrets';
import type {AttemptListener} from './types';

export interface RulePurgeDeps {
    kv: KVStore;
    logger: Logger;
    clock: Clock;
    settings: () => Settings;
    store: OutboxStore;
    log: DeliveryLog;
    secrets: SecretStore;
    tombstones: RuleTombstones;
    /** This node's attempts and timers, which let go of what is cancelled. */
    runner: Pick<DeliveryRunner, 'forget' | 'drop'>;
    scheduler: Pick<OutboxScheduler, 'cancel'>;
    onAttempt?: AttemptListener;
    metrics?: Pick<MetricsSink, 'ruleDeleted'>;
}

/** Deliveries a cancel or a purge looks at concurrently. */
const PARALLEL_KV = 16;

async function forEachLimited<T>(items: readonly T[], limit: number, each: (item: T) => Promise<void>): Promise<void> {
    let next = 0;
    const worker = async () => {
        while (next < items.length) await each(items[next++]!);
    };
    await Promise.all(Array.from({length: Math.min(limit, items.length)}, worker));
}

/** Cancels what a rule change takes away: a removed endpoint's queued deliveries, a deleted rule's deliveries and keys. */
export class RulePurge {
    constructor(private readonly deps: RulePurgeDeps) {}

    /**
     * Endpoints were removed from a rule: their queued deliveries are cancelled, never sent, and the log says so. A
     * failover delivery keeps its other endpoints. Returns how many were cancelled.
     */
    async cancelEndpoints(ruleId: string, endpointIds: readonly string[]): Promise<number> {
        if (endpointIds.length === 0) return 0;
        const removed = new Set(endpointIds);
        const cancelled = await this.cancelPending(ruleId, (r) => {
            // Sent already, only its reply still being posted: that reply stays.
            if (r.state !== 'pending') return undefined;
            const left = r.endpoints.filter((e) => !removed.has(e.id));
            if (left.length === r.endpoints.length) return undefined;
            return left.length === 0 ? null : {...r, endpoints: left, dead_endpoints: r.dead_endpoints.filter((id) => !removed.has(id))};
        });
        const now = this.deps.clock.now();
        for (const r of cancelled) {
            const entry: DeliveryLogEntry = {
                ...entryBase(r, now),
                status: 'cancelled',
                error: 'the endpoint was removed from the rule before the delivery was sent',
            };
            this.deps.log.append(entry);
            this.deps.onAttempt?.(entry, attemptContextOf(r, this.deps.settings()));
        }
        return cancelled.length;
    }

    /**
     * A rule was deleted: its queued deliveries are cancelled (an attempt in flight writes nothing afterwards) and
     * every KV key it owns here goes — secrets, delivery log, failed list, finished deliveries and response_url
     * counters (those the log and the failed list know; the rest expire on their own). A mark, expiring, keeps
     * writers still under way on any node from re-creating them. (The ids come from the rule's own keys: nothing is listed.)
     */
    async purgeRule(ruleId: string): Promise<void> {
        await this.deps.tombstones.mark(ruleId);
        this.deps.metrics?.ruleDeleted(ruleId);
        const cancelled = await this.cancelPending(ruleId, () => null);
        const ids = new Set([...cancelled.map((r) => r.id), ...(await this.deps.store.failed.ids(ruleId)), ...(await this.deps.log.list(ruleId)).map((e) => e.delivery_id)]);
        await forEachLimited([...ids], PARALLEL_KV, async (id) => {
            // The finished record (under the delivery's key; older versions' under their own) and its response_url uses.
            await Promise.all([this.deps.kv.delete(keys.pending(id)), this.deps.kv.delete(keys.finished(id)), this.deps.kv.delete(keys.responseUrlUses(id))]);
        });
        await Promise.all([this.deps.secrets.deleteRule(ruleId), this.deps.log.clear(ruleId), this.deps.store.failed.clear(ruleId)]);
    }

    /**
     * Walks the pending index for the rule's deliveries and applies `change` to each (null cancels it); returns the
     * cancelled records. Costs a read per pending delivery of every rule: deleting is rare, delivering is not, so
     * no per-rule pending list is kept on the delivery path.
     */
    private async cancelPending(ruleId: string, change: (r: OutboxRecord) => OutboxRecord | null | undefined): Promise<OutboxRecord[]> {
        const cancelled: OutboxRecord[] = [];
        await forEachLimited(await this.deps.store.pendingIdsNow(), PARALLEL_KV, async (id) => {
            const done = await this.deps.store.cancel(id, (r) => (r.rule.id === ruleId ? change(r) : undefined)).catch((err: unknown) => {
                // Not fatal: an attempt of a deleted rule is dropped when it comes up (the mark), and the rule's change is stored.
                this.deps.logger.warn('could not cancel a queued delivery', {delivery_id: id, rule_id: ruleId, error: String(err)});
                return null;
            });
            if (!done) return;
            // This node's copy of the record is stale now; an attempt in flight fails its compare-and-set.
            if (done.outcome !== 'cancelled') return this.deps.runner.forget(id);
            // Cancelled: it no longer waits on a breaker or a timer either.
            this.deps.runner.drop(id);
            this.deps.scheduler.cancel(id);
            cancelled.push(done.record);
        });
        return cancelled;
    }
}
