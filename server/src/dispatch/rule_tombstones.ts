import type {KVStore} from '../ports';

import {keys} from './keys';

const MARK = new TextEncoder().encode('1');

/**
 * Which rules were deleted, so a write that was already under way then (an attempt in flight, a buffered log batch,
 * on any node) does not re-create a key of the rule afterwards. A mark expires once nothing of the rule can still be
 * in flight; rule ids are never reused, so "gone" is cached for good on each node.
 */
export class RuleTombstones {
    private readonly gone = new Set<string>();

    constructor(
        private readonly kv: KVStore,
        private readonly ttlSeconds: number,
    ) {}

    async mark(ruleId: string): Promise<void> {
        this.gone.add(ruleId);
        await this.kv.setWithOptions(keys.ruleGone(ruleId), MARK, {expireInSeconds: this.ttlSeconds});
    }

    async isGone(ruleId: string): Promise<boolean> {
        if (this.gone.has(ruleId)) return true;
        const mark = await this.kv.get(keys.ruleGone(ruleId));
        if (!mark || mark.length === 0) return false;
        if (this.gone.size >= 10_000) this.gone.clear();
        this.gone.add(ruleId);
        return true;
    }
}
