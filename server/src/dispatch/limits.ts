/**
 * Per-key concurrency: at most `limit` holders per key at once, the rest wait in FIFO order. Waiting costs no
 * socket, so an endpoint that hangs holds only its own slots and never delays another endpoint's deliveries.
 */
export class KeyedSemaphore {
    private readonly keys = new Map<string, {active: number; waiting: Array<() => void>}>();

    async acquire(key: string, limit: number): Promise<() => void> {
        let slot = this.keys.get(key);
        if (!slot) {
            slot = {active: 0, waiting: []};
            this.keys.set(key, slot);
        }
        if (slot.active < limit) {
            slot.active++;
        } else {
            // release() hands its slot straight to the first waiter, so no newcomer can slip in between.
            const s = slot;
            await new Promise<void>((resolve) => s.waiting.push(resolve));
        }
        let released = false;
        return () => {
            if (released) return;
            released = true;
            this.release(key);
        };
    }

    active(key: string): number {
        return this.keys.get(key)?.active ?? 0;
    }

    waiting(key: string): number {
        return this.keys.get(key)?.waiting.length ?? 0;
    }

    private release(key: string): void {
        const slot = this.keys.get(key);
        if (!slot) return;
        const next = slot.waiting.shift();
        if (next) {
            next();
            return;
        }
        slot.active--;
        if (slot.active === 0) this.keys.delete(key);
    }
}

/** A rate verdict: go now, go after `delayMs` (the slot is booked), or not at all. */
export type RateVerdict = {ok: true; delayMs: number} | {ok: false; retryInMs: number};

/**
 * Token buckets per key (GCRA: one "theoretical arrival time" per key instead of a token count), `perMinute` tokens
 * a minute with a burst of a minute's worth. In memory and per node: in a cluster each node enforces the limit on
 * the deliveries it accepts.
 */
export class RateLimiter {
    private readonly tat = new Map<string, number>();

    /** Takes a token now or refuses (drop policy). */
    take(key: string, perMinute: number, now: number): RateVerdict {
        const {interval, tolerance, arrival} = this.params(key, perMinute, now);
        if (arrival - tolerance > now) return {ok: false, retryInMs: arrival - tolerance - now};
        this.tat.set(key, arrival + interval);
        return {ok: true, delayMs: 0};
    }

    /** Books the next free slot, however far ahead, unless it is beyond `maxDelayMs` (queue policy). */
    reserve(key: string, perMinute: number, now: number, maxDelayMs: number): RateVerdict {
        const {interval, tolerance, arrival} = this.params(key, perMinute, now);
        const delayMs = Math.max(0, arrival - tolerance - now);
        if (delayMs > maxDelayMs) return {ok: false, retryInMs: delayMs};
        this.tat.set(key, arrival + interval);
        return {ok: true, delayMs};
    }

    /** Forgets keys whose buckets are full again (their state equals a fresh key's). */
    prune(now: number): void {
        for (const [key, tat] of this.tat) if (tat <= now) this.tat.delete(key);
    }

    private params(key: string, perMinute: number, now: number) {
        const interval = 60_000 / perMinute;
        const tolerance = interval * (perMinute - 1);
        return {interval, tolerance, arrival: Math.max(this.tat.get(key) ?? now, now)};
    }
}
