export interface BreakerOptions {
    /** Outcomes older than this no longer count. */
    windowMs: number;
    /** Fewer requests than this in the window never open the breaker by rate... */
    minRequests: number;
    /** ...and at least this failure share opens it (Convoy's default is 70 %). */
    failureRate: number;
    /** This many failures in a row open it whatever the window says (a hung host fails slowly). */
    consecutiveFailures: number;
    /** How long it stays open before a half-open probe; doubles on each failed probe up to maxOpenMs. */
    openMs: number;
    maxOpenMs: number;
    /** Attempts let through at once while half-open. */
    halfOpenProbes: number;
}

export const defaultBreakerOptions: BreakerOptions = {
    windowMs: 60_000,
    minRequests: 10,
    failureRate: 0.7,
    consecutiveFailures: 5,
    openMs: 30_000,
    maxOpenMs: 600_000,
    halfOpenProbes: 1,
};

export type BreakerState = 'closed' | 'open' | 'half_open';

/** May an attempt go now? When not, the delivery waits until `retryAt` without spending an attempt. */
export type BreakerVerdict = {allowed: true; probe: boolean} | {allowed: false; retryAt: number};

/** Outcomes counted in ten buckets across the window: constant work per attempt, whatever the traffic. */
interface Bucket {
    start: number;
    total: number;
    failures: number;
}

const BUCKETS = 10;

interface Circuit {
    state: BreakerState;
    buckets: Bucket[];
    consecutive: number;
    openedFor: number;
    reopenAt: number;
    probes: number;
}

/**
 * One breaker per endpoint host (scheme, host and port): when a host keeps failing, its deliveries wait instead of
 * piling attempts (and sockets) onto it, and one probe at a time finds out when it is back. Per node, in memory: each
 * node learns a host's health from its own attempts.
 */
export class CircuitBreakers {
    private readonly circuits = new Map<string, Circuit>();

    constructor(private readonly options: BreakerOptions = defaultBreakerOptions) {}

    check(key: string, now: number): BreakerVerdict {
        const c = this.circuits.get(key);
        if (!c || c.state === 'closed') return {allowed: true, probe: false};
        if (c.state === 'open') {
            if (now < c.reopenAt) return {allowed: false, retryAt: c.reopenAt};
            c.state = 'half_open';
            c.probes = 0;
        }
        // The probe is out: the others wait for its verdict (record() closing the circuit is the caller's cue to
        // wake them), or at worst for another open period.
        if (c.probes >= this.options.halfOpenProbes) return {allowed: false, retryAt: now + c.openedFor};
        c.probes++;
        return {allowed: true, probe: true};
    }

    /** Would check() refuse now? Like check(), but changes nothing (a look before queueing for a slot). */
    blocked(key: string, now: number): boolean {
        const c = this.circuits.get(key);
        if (!c || c.state === 'closed') return false;
        if (c.state === 'open') return now < c.reopenAt;
        return c.probes >= this.options.halfOpenProbes;
    }

    /** When an open circuit lets a probe through (0 when it is not open). */
    reopenAt(key: string): number {
        const c = this.circuits.get(key);
        return c?.state === 'open' ? c.reopenAt : 0;
    }

    /** Gives back a probe that check() granted but that was never sent. */
    cancel(key: string): void {
        const c = this.circuits.get(key);
        if (c?.state === 'half_open') c.probes = Math.max(0, c.probes - 1);
    }

    /**
     * Records an attempt's health: network errors, timeouts, 408/429 and 5xx are failures; other answers are not.
     * Returns true when this closed a half-open circuit (deliveries waiting on the host may go now).
     */
    record(key: string, ok: boolean, now: number): boolean {
        const c = this.circuit(key);
        if (c.state === 'half_open') {
            c.probes = Math.max(0, c.probes - 1);
            if (ok) this.reset(c);
            else this.open(c, now, Math.min(this.options.maxOpenMs, c.openedFor * 2));
            return ok;
        }
        if (c.state === 'open') return false; // an attempt that started before the breaker opened
        c.consecutive = ok ? 0 : c.consecutive + 1;
        const width = this.options.windowMs / BUCKETS;
        const start = Math.floor(now / width) * width;
        let bucket = c.buckets[c.buckets.length - 1];
        if (!bucket || bucket.start !== start) {
            bucket = {start, total: 0, failures: 0};
            c.buckets.push(bucket);
        }
        bucket.total++;
        if (!ok) bucket.failures++;
        while (c.buckets.length > 0 && c.buckets[0]!.start <= now - this.options.windowMs) c.buckets.shift();
        let total = 0;
        let failures = 0;
        for (const b of c.buckets) {
            total += b.total;
            failures += b.failures;
        }
        const byRate = total >= this.options.minRequests && failures / total >= this.options.failureRate;
        if (byRate || c.consecutive >= this.options.consecutiveFailures) this.open(c, now, this.options.openMs);
        return false;
    }

    state(key: string): BreakerState {
        return this.circuits.get(key)?.state ?? 'closed';
    }

    private circuit(key: string): Circuit {
        let c = this.circuits.get(key);
        if (!c) {
            c = {state: 'closed', buckets: [], consecutive: 0, openedFor: 0, reopenAt: 0, probes: 0};
            this.circuits.set(key, c);
        }
        return c;
    }

    private open(c: Circuit, now: number, forMs: number): void {
        c.state = 'open';
        c.openedFor = forMs;
        c.reopenAt = now + forMs;
        c.buckets = [];
        c.consecutive = 0;
    }

    private reset(c: Circuit): void {
        c.state = 'closed';
        c.buckets = [];
        c.consecutive = 0;
        c.openedFor = 0;
        c.probes = 0;
    }
}
