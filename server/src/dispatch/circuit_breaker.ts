export interface BreakerOptions {
    /** Outcomes older than this no longer count. */
    windowMs: number;
    /** Fewer requests than this in the window never open the breaker by rate... */
    minRequests: number;
    /** ...and at least this failure share opens it (Convoy's default is 70 %). */
    failureRate: number;
    /**
     * This many unreachable attempts in a row (timeout, refused, reset: no HTTP answer) open it whatever the window
     * says: a hung host fails too slowly to fill the window. HTTP errors never count here: a host that answers 503 to
     * every first attempt (warming up, flapping) is alive, and only its error rate may open the breaker.
     */
    consecutiveFailures: number;
    /**
     * How long it stays open before a half-open probe. A probe that was a retry and failed doubles it, up to
     * maxOpenMs; a probe that was a first attempt and failed says little (a flapping host fails those) and does not.
     */
    openMs: number;
    maxOpenMs: number;
    /** Attempts let through at once while half-open. */
    halfOpenProbes: number;
}

export const defaultBreakerOptions: BreakerOptions = {
    windowMs: 60_000,
    minRequests: 20,
    failureRate: 0.7,
    consecutiveFailures: 5,
    openMs: 15_000,
    maxOpenMs: 600_000,
    halfOpenProbes: 1,
};

export type BreakerState = 'closed' | 'open' | 'half_open';

/** May an attempt go now? When not, the delivery waits until `retryAt` without spending an attempt. */
export type BreakerVerdict = {allowed: true; probe: boolean} | {allowed: false; retryAt: number};

/** What an attempt told about its host. */
export interface BreakerOutcome {
    /** The host answered sanely (2xx-4xx other than 408 and 429). */
    ok: boolean;
    /** No HTTP answer at all: timeout, connection refused or reset. */
    unreachable?: boolean;
    /** The attempt went as this host's half-open probe (check() said `probe: true`). */
    probe?: boolean;
    /** The delivery had been attempted before: a due retry, not a first attempt. */
    retry?: boolean;
}

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
 * piling attempts (and sockets) onto it. It judges the failure share over a sliding window, not a streak of errors.
 * While it is not closed only a designated probe may go (the parking lot picks one, preferring a due retry: a
 * delivery that already failed once tells whether the host is back; a first attempt to a flapping host does not).
 * Per node, in memory: each node learns a host's health from its own attempts.
 */
export class CircuitBreakers {
    private readonly circuits = new Map<string, Circuit>();

    constructor(
        private readonly options: BreakerOptions = defaultBreakerOptions,
        /** Told of every state change (metrics). */
        private readonly onChange: (state: BreakerState) => void = () => undefined,
    ) {}

    /** `probe`: the caller was picked as the host's probe; anyone else waits while the circuit is not closed. */
    check(key: string, now: number, probe = false): BreakerVerdict {
        const c = this.circuits.get(key);
        if (!c || c.state === 'closed') return {allowed: true, probe: false};
        if (c.state === 'open' && now < c.reopenAt) return {allowed: false, retryAt: c.reopenAt};
        if (!probe || c.probes >= this.options.halfOpenProbes) return {allowed: false, retryAt: now + c.openedFor};
        c.state = 'half_open';
        this.onChange('half_open');
        c.probes++;
        return {allowed: true, probe: true};
    }

    /** Would check() refuse now? Like check(), but changes nothing (a look before queueing for a slot). */
    blocked(key: string, now: number, probe = false): boolean {
        const c = this.circuits.get(key);
        if (!c || c.state === 'closed') return false;
        return !probe || !this.probeReady(key, now);
    }

    /** Could a probe go now (open past its pause, or half-open with a probe slot free)? */
    probeReady(key: string, now: number): boolean {
        const c = this.circuits.get(key);
        if (!c || c.state === 'closed') return false;
        if (c.state === 'open' && now < c.reopenAt) return false;
        return c.probes < this.options.halfOpenProbes;
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
     * Records an attempt's health. Returns true when this closed the circuit (deliveries waiting on the host may go
     * now). While the circuit is not closed only the probe's outcome counts: an attempt that started before it
     * opened says nothing about the host now.
     */
    record(key: string, outcome: BreakerOutcome, now: number): boolean {
        const c = this.circuit(key);
        if (c.state !== 'closed') {
            if (!outcome.probe || c.state !== 'half_open') return false;
            c.probes = Math.max(0, c.probes - 1);
            if (outcome.ok) this.reset(c);
            else this.open(c, now, outcome.retry ? Math.min(this.options.maxOpenMs, c.openedFor * 2) : c.openedFor);
            return outcome.ok;
        }
        c.consecutive = !outcome.ok && outcome.unreachable ? c.consecutive + 1 : 0;
        const width = this.options.windowMs / BUCKETS;
        const start = Math.floor(now / width) * width;
        let bucket = c.buckets[c.buckets.length - 1];
        if (!bucket || bucket.start !== start) {
            bucket = {start, total: 0, failures: 0};
            c.buckets.push(bucket);
        }
        bucket.total++;
        if (!outcome.ok) bucket.failures++;
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

    /** Hosts by state: every host attempted on this node so far. */
    counts(): Record<BreakerState, number> {
        const counts = {closed: 0, open: 0, half_open: 0};
        for (const c of this.circuits.values()) counts[c.state]++;
        return counts;
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
        this.onChange('open');
        c.openedFor = forMs;
        c.reopenAt = now + forMs;
        c.probes = 0;
        c.buckets = [];
        c.consecutive = 0;
    }

    private reset(c: Circuit): void {
        c.state = 'closed';
        this.onChange('closed');
        c.buckets = [];
        c.consecutive = 0;
        c.openedFor = 0;
        c.probes = 0;
    }
}
