import {type DeliveryLogPage, type DeliveryStatus} from '@tripwire/common';

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

    async recover(userId: string, ruleId: string, since: number, until?: number): Promise<number> {
        await this.rules.load(this.rules.access(userId), ruleId, 'manage');
        return this.ctx.dispatcher.recoverFailed(ruleId, since, until ?? Infinity);
    }
}
