/**
 * Gives V8's grown heap back after a busy spell. Under a delivery burst V8 grows its old generation to what the burst
 * needed and, measured in make bench-e2e, kept it: 10,000 deliveries left about 60 MB of heap of which 26 MB was
 * live, and its memory reducer never shrank it. A full collection (which compacts and releases emptied pages) when at
 * least `minFreeBytes` of the heap is free, no more often than every `minGapMs`, brought the plugin's RSS from
 * 122-160 MB to 111-113 MB with no growth over a second 10,000 (test/e2e/README.md). The pause is that of one full
 * collection of a heap this size (tens of ms), at most once per `minGapMs`.
 *
 * `gc` is V8's, exposed by the executable's --expose-gc (scripts/dist.mjs); without it (dev bundles) nothing runs.
 */
export interface HeapCompactionOptions {
    checkEveryMs: number;
    minFreeBytes: number;
    minGapMs: number;
}

export const defaultHeapCompaction: HeapCompactionOptions = {checkEveryMs: 10_000, minFreeBytes: 16 * 1024 * 1024, minGapMs: 30_000};

export interface HeapCompactionDeps {
    gc: (() => void) | undefined;
    heap: () => {heapTotal: number; heapUsed: number};
    now: () => number;
}

export class HeapCompaction {
    private timer: NodeJS.Timeout | undefined;
    private last = -Infinity;

    constructor(
        private readonly deps: HeapCompactionDeps,
        private readonly options: HeapCompactionOptions = defaultHeapCompaction,
    ) {}

    get enabled(): boolean {
        return this.deps.gc !== undefined;
    }

    start(): void {
        if (!this.enabled || this.timer) return;
        this.timer = setInterval(() => this.check(), this.options.checkEveryMs);
        this.timer.unref();
    }

    stop(): void {
        clearInterval(this.timer);
        this.timer = undefined;
    }

    /** Collects when enough of the heap is free and the last collection is long enough ago; true when it did. */
    check(): boolean {
        const {gc, heap, now} = this.deps;
        if (!gc) return false;
        const at = now();
        if (at - this.last < this.options.minGapMs) return false;
        const {heapTotal, heapUsed} = heap();
        if (heapTotal - heapUsed < this.options.minFreeBytes) return false;
        this.last = at;
        gc();
        return true;
    }
}
