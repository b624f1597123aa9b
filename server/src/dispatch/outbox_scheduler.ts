import type {Clock} from '../ports';

interface Due {
    at: number;
    id: string;
}

/**
 * When to look at which delivery, on this node: a min-heap of (due time, id) behind a single timer. It holds no
 * state that matters after a restart: the outbox does, and a sweep rebuilds this from it.
 */
export class OutboxScheduler {
    private readonly heap: Due[] = [];
    private readonly dueAt = new Map<string, number>();
    private timer: NodeJS.Timeout | undefined;
    private timerAt = Infinity;
    private running = false;

    constructor(
        private readonly clock: Clock,
        private readonly run: (id: string) => void,
    ) {}

    start(): void {
        this.running = true;
        this.arm();
    }

    stop(): void {
        this.running = false;
        clearTimeout(this.timer);
        this.timer = undefined;
        this.timerAt = Infinity;
    }

    /** Looks at `id` at `at` (or earlier, if it was already due earlier). */
    schedule(id: string, at: number): void {
        const known = this.dueAt.get(id);
        if (known !== undefined && known <= at) return;
        this.dueAt.set(id, at);
        this.push({at, id});
        if (at < this.timerAt) this.arm();
    }

    /** Stops looking at `id` (its heap entry stays, stale, and is skipped when it comes up). */
    cancel(id: string): void {
        this.dueAt.delete(id);
    }

    has(id: string): boolean {
        return this.dueAt.has(id);
    }

    get size(): number {
        return this.dueAt.size;
    }

    private fire(): void {
        this.timer = undefined;
        this.timerAt = Infinity;
        const now = this.clock.now();
        while (this.heap.length > 0 && this.heap[0]!.at <= now) {
            const {id, at} = this.pop();
            // A stale heap entry: the id was rescheduled earlier and has already run.
            if (this.dueAt.get(id) !== at) continue;
            this.dueAt.delete(id);
            this.run(id);
        }
        this.arm();
    }

    private arm(): void {
        if (!this.running || this.heap.length === 0) return;
        const at = this.heap[0]!.at;
        clearTimeout(this.timer);
        this.timerAt = at;
        this.timer = setTimeout(() => this.fire(), Math.min(2 ** 31 - 1, Math.max(0, at - this.clock.now())));
        this.timer.unref?.();
    }

    private push(item: Due): void {
        const h = this.heap;
        h.push(item);
        for (let i = h.length - 1; i > 0; ) {
            const parent = (i - 1) >> 1;
            if (h[parent]!.at <= h[i]!.at) break;
            [h[parent], h[i]] = [h[i]!, h[parent]!];
            i = parent;
        }
    }

    private pop(): Due {
        const h = this.heap;
        const top = h[0]!;
        const last = h.pop()!;
        if (h.length > 0) {
            h[0] = last;
            for (let i = 0; ; ) {
                const l = 2 * i + 1;
                const r = l + 1;
                let min = i;
                if (l < h.length && h[l]!.at < h[min]!.at) min = l;
                if (r < h.length && h[r]!.at < h[min]!.at) min = r;
                if (min === i) break;
                [h[min], h[i]] = [h[i]!, h[min]!];
                i = min;
            }
        }
        return top;
    }
}
