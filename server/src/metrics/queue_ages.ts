/** Deliveries tracked at most: beyond this the oldest figure is a lower bound (the newest are not added). */
const MAX_TRACKED = 100_000;
/** Longer than any delivery lives (max_age_seconds is at most 7 days): an entry this old was finished elsewhere. */
const FORGET_AFTER_MS = 8 * 86_400_000;

/**
 * When this node first saw each unfinished delivery (queued here, or its first retry here after a restart or a
 * takeover), for the oldest-age gauge. Fed by the same events as the counters, so it costs no KV read at scrape time.
 */
export class QueueAges {
    private readonly since = new Map<string, number>();

    seen(deliveryId: string, at: number): void {
        if (this.since.has(deliveryId) || this.since.size >= MAX_TRACKED) return;
        this.since.set(deliveryId, at);
    }

    finished(deliveryId: string): void {
        this.since.delete(deliveryId);
    }

    /**
     * Seconds since the oldest delivery still held was first seen. `isQueued` (the dispatcher's view of this node)
     * skips deliveries another node took over; they are forgotten once older than any delivery may live.
     */
    oldestAgeSeconds(now: number, isQueued?: (deliveryId: string) => boolean): number {
        let oldest = Infinity;
        for (const [id, at] of this.since) {
            if (now - at > FORGET_AFTER_MS) this.since.delete(id);
            else if (at < oldest && (isQueued?.(id) ?? true)) oldest = at;
        }
        return oldest === Infinity ? 0 : Math.max(0, (now - oldest) / 1000);
    }
}
