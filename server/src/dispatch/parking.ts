import type {Clock} from '../ports';

import type {CircuitBreakers} from './circuit_breaker';

interface Lot {
    /** Deliveries that failed before: the probes of choice (the host answers them if it is back at all). */
    retries: Set<string>;
    /** First attempts: probes only when no retry waits. */
    fresh: Set<string>;
    timer: NodeJS.Timeout | undefined;
}

/**
 * Deliveries waiting on a host whose breaker is not closed. Rather than each one waking up to ask again (thousands of
 * wake-ups per open period when a busy endpoint is down), the host has one timer: whenever the breaker may take a
 * probe, one delivery goes as that probe, a due retry in preference to a first attempt; when a probe closes the
 * breaker, all of them go, retries first. In memory only: after a restart the outbox sweep finds them again.
 */
export class ParkingLot {
    private readonly hosts = new Map<string, Lot>();
    private readonly hostOf = new Map<string, string>();

    constructor(
        private readonly clock: Clock,
        private readonly breakers: CircuitBreakers,
        /** Runs a delivery again now; `probe` names the host it goes to as the half-open probe. */
        private readonly release: (id: string, probe: string | undefined) => void,
        /** How often to look whether the breaker can take a probe once its pause is over. */
        private readonly tickMs = 1000,
    ) {}

    /** `retry`: the delivery has been attempted before. */
    park(host: string, id: string, retry: boolean): void {
        let lot = this.hosts.get(host);
        if (!lot) this.hosts.set(host, (lot = {retries: new Set(), fresh: new Set(), timer: undefined}));
        (retry ? lot.retries : lot.fresh).add(id);
        this.hostOf.set(id, host);
        this.arm(host);
    }

    has(id: string): boolean {
        return this.hostOf.has(id);
    }

    /** A delivery that no longer waits (cancelled): it leaves the lot without being run. */
    remove(id: string): void {
        const host = this.hostOf.get(id);
        if (host === undefined) return;
        this.hostOf.delete(id);
        const lot = this.hosts.get(host)!;
        lot.retries.delete(id);
        lot.fresh.delete(id);
        if (lot.retries.size + lot.fresh.size === 0) {
            clearTimeout(lot.timer);
            this.hosts.delete(host);
        }
    }

    get size(): number {
        return this.hostOf.size;
    }

    /**
     * The host's breaker closed: every delivery parked on it goes now. Retries first: they are the ones the host is
     * likely to accept, so they get their answers in before a crowd of first attempts can tip the failure rate again.
     */
    open(host: string): void {
        const lot = this.hosts.get(host);
        if (!lot) return;
        clearTimeout(lot.timer);
        this.hosts.delete(host);
        for (const id of [...lot.retries, ...lot.fresh]) {
            this.hostOf.delete(id);
            this.release(id, undefined);
        }
    }

    /** A probe's outcome is in (or it was never sent): look again at the next tick or when the pause ends. */
    poke(host: string): void {
        const lot = this.hosts.get(host);
        if (!lot) return;
        clearTimeout(lot.timer);
        lot.timer = undefined;
        this.arm(host);
    }

    clear(): void {
        for (const lot of this.hosts.values()) clearTimeout(lot.timer);
        this.hosts.clear();
        this.hostOf.clear();
    }

    private tick(host: string): void {
        const lot = this.hosts.get(host);
        if (!lot) return;
        lot.timer = undefined;
        if (this.breakers.state(host) === 'closed') return this.open(host);
        let sent = false;
        if (this.breakers.probeReady(host, this.clock.now())) {
            const [id] = lot.retries.size > 0 ? lot.retries : lot.fresh;
            if (id !== undefined) {
                lot.retries.delete(id);
                lot.fresh.delete(id);
                this.hostOf.delete(id);
                this.release(id, host);
                sent = true;
            }
        }
        if (lot.retries.size + lot.fresh.size === 0) this.hosts.delete(host);
        else this.arm(host, sent);
    }

    /** `probeSent`: give the probe just released a tick to reach the breaker before another one goes. */
    private arm(host: string, probeSent = false): void {
        const lot = this.hosts.get(host);
        if (!lot || lot.timer) return;
        const now = this.clock.now();
        const reopenAt = this.breakers.reopenAt(host);
        // At the end of the pause exactly; otherwise once a tick (a probe is out, or the last one was never sent).
        const at = reopenAt > now ? reopenAt : !probeSent && this.breakers.probeReady(host, now) ? now : now + this.tickMs;
        lot.timer = setTimeout(() => this.tick(host), at - now);
        lot.timer.unref?.();
    }
}
