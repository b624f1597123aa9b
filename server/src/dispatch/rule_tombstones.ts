import type {Clock, KVStore} from '../ports';

import {keys} from './keys';

const MARK = new TextEncoder().encode('1');

/**
 * Which rules were deleted, so a write that was already under way then (an attempt in flight, a buffered log batch,
 * a retry the cancel's index walk missed, on any node) does not send or re-create anything of the rule afterwards.
 * A mark expires once nothing of the rule can still be under way; rule ids are never reused, so "gone" is cached for
 * good on each node.
 */
export class RuleTombstones {
    private readonly gone = new Set<string>();
    /** When each live rule was last found unmarked: asked on every attempt, so "not gone" is trusted for a moment. */
    private readonly live = new Map<string, number>();
    private readonly reading = new Map<string, Promise<Uint8Array | null>>();

    constructor(
        private readonly kv: KVStore,
        private readonly clock: Clock,
        private readonly ttlSeconds: number,
        private readonly liveForMs = 5000,
    ) {}

    async mark(ruleId: string): Promise<void> {
        this.gone.add(ruleId);
        this.live.delete(ruleId);
        await this.kv.setWithOptions(keys.ruleGone(ruleId), MARK, {expireInSeconds: this.ttlSeconds});
    }

    async isGone(ruleId: string): Promise<boolean> {
        if (this.gone.has(ruleId)) return true;
        const now = this.clock.now();
        const seen = this.live.get(ruleId);
        if (seen !== undefined && now - seen < this.liveForMs) return false;
        // Deliveries of a rule attempted together after its "live" lapsed share one read.
        let reading = this.reading.get(ruleId);
        if (!reading) {
            reading = this.kv.get(keys.ruleGone(ruleId)).finally(() => this.reading.delete(ruleId));
            this.reading.set(ruleId, reading);
        }
        const mark = await reading;
        if (this.gone.has(ruleId)) return true;
        if (!mark || mark.length === 0) {
            if (this.live.size >= 10_000) this.live.clear();
            this.live.set(ruleId, now);
            return false;
        }
        if (this.gone.size >= 10_000) this.gone.clear();
        this.gone.add(ruleId);
        this.live.delete(ruleId);
        return true;
    }
}
