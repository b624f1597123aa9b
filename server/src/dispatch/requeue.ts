import type {Clock, Logger} from '../ports';

import {leaseMsFor, type DeliveryRunner} from './delivery_runner';
import {cursorOf} from './failed_index';
import {isActive, type OutboxStore} from './outbox';
import type {RecoverPage} from './types';

export interface RequeueDeps {
    clock: Clock;
    logger: Logger;
    nodeId: string;
    leaseMarginMs: number;
    store: OutboxStore;
    runner: Pick<DeliveryRunner, 'run'>;
}

/** Sends deliveries again on request: one by id (replay), or a rule's failed ones page by page (recover). */
export class Requeue {
    constructor(private readonly deps: RequeueDeps) {}

    /** Sends one delivery again: a finished one is requeued (same webhook-id); a pending one is made due now. */
    async replay(deliveryId: string): Promise<boolean> {
        const now = this.deps.clock.now();
        const pending = await this.deps.store.load(deliveryId);
        if (pending && isActive(pending.value)) {
            const due = await this.deps.store.replace(pending.bytes, {...pending.value, next_attempt_at: now});
            if (due) this.deps.runner.run(deliveryId, due);
            return Boolean(due);
        }
        const finished = pending ?? (await this.deps.store.loadFinished(deliveryId));
        if (!finished) return false;
        const requeued = await this.deps.store.requeue(deliveryId, now, this.deps.nodeId, leaseMsFor(finished.value, this.deps.leaseMarginMs), finished);
        if (requeued) this.deps.runner.run(deliveryId, requeued);
        if (requeued && finished.value.state === 'failed') await this.deps.store.failed.remove(finished.value.rule.id, [deliveryId]).catch(() => undefined);
        return Boolean(requeued);
    }

    /**
     * Requeues a rule's failed deliveries created in [since, until], one bounded page at a time: it reads the rule's
     * own failed list (never the whole KV store) and looks at no more than `limit` deliveries per call.
     */
    async recoverFailed(ruleId: string, since: number, until = Infinity, page: {cursor?: string | undefined; limit?: number} = {}): Promise<RecoverPage> {
        const {refs, hasMore} = await this.deps.store.failed.page(ruleId, since, until, page.cursor, page.limit ?? 50);
        const done: string[] = [];
        let requeued = 0;
        for (const ref of refs) {
            const finished = await this.deps.store.loadFinished(ref.id);
            // Listed but expired, already replayed, or not this rule's: only dropped from the list.
            if (finished?.value.state === 'failed' && finished.value.rule.id === ruleId) {
                const leaseMs = leaseMsFor(finished.value, this.deps.leaseMarginMs);
                const record = await this.deps.store.requeue(ref.id, this.deps.clock.now(), this.deps.nodeId, leaseMs, finished);
                if (record) {
                    this.deps.runner.run(ref.id, record);
                    requeued++;
                }
            }
            done.push(ref.id);
        }
        await this.deps.store.failed.remove(ruleId, done).catch((err: unknown) => this.deps.logger.warn('failed-delivery list not updated', {rule_id: ruleId, error: String(err)}));
        const last = refs[refs.length - 1];
        return {requeued, hasMore, ...(hasMore && last && {nextCursor: cursorOf(last)})};
    }
}
