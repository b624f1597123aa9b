import {type DeliveryLogPage, type DeliveryStatus, type RecoverResult} from '@tripwire/common';

import {statsOf} from '../../dispatch/delivery_log';
import {notFound} from '../errors';

import {type ServiceContext} from './context';
import {type RuleService} from './rule_service';

export interface DeliveryFilter {
    status?: DeliveryStatus[] | undefined;
    endpoint_id?: string | undefined;
    since?: number | undefined;
    until?: number | undefined;
    page: number;
    per_page: number;
}

/** A rule's delivery log, replay and recovery, behind the same access checks as the rule. */
export class DeliveryService {
    constructor(
        private readonly ctx: ServiceContext,
        private readonly rules: RuleService,
    ) {}

    async page(userId: string, ruleId: string, f: DeliveryFilter): Promise<DeliveryLogPage> {
        await this.rules.load(this.rules.access(userId), ruleId, 'view');
        const all = await this.ctx.dispatcher.log.list(ruleId);
        const statuses = f.status?.length ? new Set(f.status) : null;
        const matching = all.filter(
            (e) =>
                (!statuses || statuses.has(e.status)) &&
                (f.endpoint_id === undefined || e.endpoint_id.split(',').includes(f.endpoint_id)) &&
                (f.since === undefined || e.at >= f.since) &&
                (f.until === undefined || e.at <= f.until),
        );
        const start = f.page * f.per_page;
        return {
            entries: matching.slice(start, start + f.per_page),
            page: f.page,
            per_page: f.per_page,
            total: matching.length,
            has_more: start + f.per_page < matching.length,
            stats: statsOf(all),
        };
    }

    /** Sends a delivery of this rule again. @throws ApiError not_found when the rule's log does not know it */
    async replay(userId: string, ruleId: string, deliveryId: string): Promise<boolean> {
        await this.rules.load(this.rules.access(userId), ruleId, 'manage');
        // The dispatcher replays any delivery id: make sure this one is the rule's before touching it.
        const known = (await this.ctx.dispatcher.log.list(ruleId)).some((e) => e.delivery_id === deliveryId);
        if (!known) throw notFound('delivery not found');
        const replayed = await this.ctx.dispatcher.replay(deliveryId);
        if (!replayed) throw notFound('the delivery is no longer kept (finished deliveries are kept for a limited time)');
        return replayed;
    }

    /** One bounded page of the rule's failed deliveries sent again; the caller pages on with `next_cursor`. */
    async recover(userId: string, ruleId: string, body: {since: number; until?: number | undefined; cursor?: string | undefined; page_size: number}): Promise<RecoverResult> {
        await this.rules.load(this.rules.access(userId), ruleId, 'manage');
        const page = await this.ctx.dispatcher.recoverFailed(ruleId, body.since, body.until ?? Infinity, {cursor: body.cursor, limit: body.page_size});
        return {requeued: page.requeued, has_more: page.hasMore, ...(page.nextCursor !== undefined && {next_cursor: page.nextCursor})};
    }
}
