import {type Rule} from '@tripwire/common';
import {type Clock} from '../ports';

export type CooldownVerdict = {ok: true; undo: () => void} | {ok: false; scope: 'channel' | 'user'; retryAfterMs: number};

const nothing = () => {};

/**
 * Per-rule cooldowns, per channel and per author, in memory on this node. A post's hooks run on the node that
 * received it, so in a cluster a burst spread over several nodes can fire once per node: a soft limit, not a
 * guarantee (the delivery rate limits are the hard ones). Firing times are kept rather than expiry times, so a
 * cooldown shortened in the rule applies at once.
 */
export class CooldownTracker {
    private readonly firedAt = new Map<string, number>();

    constructor(
        private readonly clock: Clock,
        private readonly maxEntries = 100_000,
    ) {}

    /**
     * Checks both cooldowns; when neither holds, starts them (the caller is about to fire) and returns `undo`, for a
     * caller that ends up not firing after all.
     */
    tryFire(rule: Pick<Rule, 'id' | 'cooldown'>, channelId: string, userId: string): CooldownVerdict {
        const {channelSeconds, userSeconds} = rule.cooldown;
        if (channelSeconds === 0 && userSeconds === 0) return {ok: true, undo: nothing};
        const now = this.clock.now();
        const channelKey = `${rule.id}|c|${channelId}`;
        const userKey = `${rule.id}|u|${userId}`;
        const wait = (key: string, seconds: number) => {
            const at = this.firedAt.get(key);
            return seconds > 0 && at !== undefined ? at + seconds * 1000 - now : 0;
        };
        const channelWait = wait(channelKey, channelSeconds);
        if (channelWait > 0) return {ok: false, scope: 'channel', retryAfterMs: channelWait};
        const userWait = wait(userKey, userSeconds);
        if (userWait > 0) return {ok: false, scope: 'user', retryAfterMs: userWait};
        if (this.firedAt.size >= this.maxEntries) this.sweep(now);
        const before = [this.firedAt.get(channelKey), this.firedAt.get(userKey)] as const;
        if (channelSeconds > 0) this.remember(channelKey, now);
        if (userSeconds > 0) this.remember(userKey, now);
        return {
            ok: true,
            undo: () => {
                this.restore(channelKey, before[0]);
                this.restore(userKey, before[1]);
            },
        };
    }

    get size(): number {
        return this.firedAt.size;
    }

    private remember(key: string, now: number): void {
        this.firedAt.delete(key); // re-insert: Map order is then oldest first
        this.firedAt.set(key, now);
    }

    private restore(key: string, at: number | undefined): void {
        if (at === undefined) this.firedAt.delete(key);
        else this.firedAt.set(key, at);
    }

    /** Forgets firings older than the longest possible cooldown, then the oldest ones if still too many. */
    private sweep(now: number): void {
        const dayAgo = now - 86_400_000;
        for (const [key, at] of this.firedAt) if (at <= dayAgo) this.firedAt.delete(key);
        for (const key of this.firedAt.keys()) {
            if (this.firedAt.size < this.maxEntries * 0.9) break;
            this.firedAt.delete(key);
        }
    }
}
