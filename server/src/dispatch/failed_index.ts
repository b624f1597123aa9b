import type {KVStore} from '../ports';

import {keys} from './keys';
import {getJson, updateJson} from '../ports/kv_json';

/** A failed delivery of a rule: its id and when it was created (what recover filters and orders by). */
export interface FailedRef {
    id: string;
    at: number;
}

/** Failed deliveries kept per rule; past this the oldest drop out (their records expire soon after anyway). */
export const FAILED_PER_RULE = 1000;

const asRefs = (raw: unknown): FailedRef[] =>
    Array.isArray(raw)
        ? raw.filter((x): x is FailedRef => typeof x === 'object' && x !== null && typeof (x as FailedRef).id === 'string' && typeof (x as FailedRef).at === 'number')
        : [];

const byTimeThenId = (a: FailedRef, b: FailedRef): number => a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export const cursorOf = (ref: FailedRef): string => `${ref.at}.${ref.id}`;

function parseCursor(cursor: string | undefined): FailedRef | null {
    const m = cursor ? /^(\d{1,16})\.([0-9a-z]{1,64})$/.exec(cursor) : null;
    return m ? {at: Number(m[1]), id: m[2]!} : null;
}

export interface FailedPage {
    refs: FailedRef[];
    hasMore: boolean;
}

/**
 * Each rule's failed deliveries in one bounded KV key (oldest first, capped, expiring with the finished records), so
 * recover reads one key instead of listing every key of the plugin and loading every finished delivery.
 */
export class FailedIndex {
    constructor(
        private readonly kv: KVStore,
        private readonly expireInSeconds: number,
        private readonly cap = FAILED_PER_RULE,
    ) {}

    async add(ruleId: string, ref: FailedRef): Promise<void> {
        await updateJson(
            this.kv,
            keys.failedOfRule(ruleId),
            asRefs,
            (current) => {
                const rest = (current ?? []).filter((r) => r.id !== ref.id);
                return [...rest, ref].sort(byTimeThenId).slice(-this.cap);
            },
            {expireInSeconds: this.expireInSeconds},
        );
    }

    /** Up to `limit` refs created in [since, until], after `cursor`, in order. */
    async page(ruleId: string, since: number, until: number, cursor: string | undefined, limit: number): Promise<FailedPage> {
        const all = (await getJson(this.kv, keys.failedOfRule(ruleId), asRefs))?.value ?? [];
        const after = parseCursor(cursor);
        const matching = all
            .filter((r) => r.at >= since && r.at <= until && (!after || byTimeThenId(r, after) > 0))
            .sort(byTimeThenId);
        return {refs: matching.slice(0, limit), hasMore: matching.length > limit};
    }

    /** Every id listed for the rule (to clean up after it). */
    async ids(ruleId: string): Promise<string[]> {
        return ((await getJson(this.kv, keys.failedOfRule(ruleId), asRefs))?.value ?? []).map((r) => r.id);
    }

    async remove(ruleId: string, ids: readonly string[]): Promise<void> {
        if (ids.length === 0) return;
        const drop = new Set(ids);
        await updateJson(this.kv, keys.failedOfRule(ruleId), asRefs, (current) => {
            if (!current?.some((r) => drop.has(r.id))) return undefined;
            const rest = current.filter((r) => !drop.has(r.id));
            return rest.length ? rest : null;
        }, {expireInSeconds: this.expireInSeconds});
    }

    async clear(ruleId: string): Promise<void> {
        await this.kv.delete(keys.failedOfRule(ruleId));
    }
}
