import type {Clock} from '../ports';

import type {CircuitBreakers} from './circuit_breaker';

/**
 * Deliveries waiting on a host whose breaker is open. Rather than each one waking up to ask again (thousands of
 * wake-ups per open period when a busy endpoint is down), the host has one timer: when it fires, one delivery goes
 * and becomes the half-open probe; when a probe closes the breaker, all of them go. In memory only: after a restart
 * the outbox sweep finds them again.
 */
export class ParkingLot {
    private readonly hosts = new Map<string, {ids: Set<string>; timer: NodeJS.Timeout | undefined}>();
    private readonly hostOf = new Map<string, string>();

    constructor(
        private readonly clock: Clock,
        private readonly breakers: CircuitBreakers,
        /** Puts a delivery back in the schedule (due now). */
        private readonly release: (id: string) => void,
        /** Between two probes while the breaker stays open. */
        private readonly tickMs = 1000,
    ) {}

    park(host: string, id: string): void {
        let lot = this.hosts.get(host);
        if (!lot) this.hosts.set(host, (lot = {ids: new Set(), timer: undefined}));
        lot.ids.add(id);
        this.hostOf.set(id, host);
        this.arm(host);
    }

    has(id: string): boolean {
        return this.hostOf.has(id);
    }

    get size(): number {
        return this.hostOf.size;
    }

    /** The host's breaker closed: every delivery parked on it goes now. */
    open(host: string): void {
        const lot = this.hosts.get(host);
        if (!lot) return;
        clearTimeout(lot.timer);
        this.hosts.delete(host);
        for (const id of lot.ids) {
            this.hostOf.delete(id);
            this.release(id);
        }
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
        // Let one through: it takes the probe, or parks again if a probe is already out.
        const [id] = lot.ids;
        if (id !== undefined) {
            lot.ids.delete(id);
            this.hostOf.delete(id);
            this.release(id);
        }
        if (lot.ids.size === 0) this.hosts.delete(host);
        else this.arm(host);
    }

    private arm(host: string): void {
        const lot = this.hosts.get(host);
        if (!lot || lot.timer) return;
        const now = this.clock.now();
        const at = Math.max(now + this.tickMs, this.breakers.reopenAt(host));
        lot.timer = setTimeout(() => this.tick(host), at - now);
        lot.timer.unref?.();
    }
}
