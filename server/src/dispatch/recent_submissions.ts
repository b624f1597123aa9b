const SETTLED = Promise.resolve();

/**
 * The deliveries this node submitted lately, oldest forgotten first. Dispatcher.submit sends a first attempt while
 * its record is being written, which is safe only for an event seen for the first time; and a second submit of the
 * same event must write after the first one's write settled, or the two could both find the key free in turn.
 */
export class RecentSubmissions {
    private readonly writes = new Map<string, Promise<void>>();

    constructor(private readonly capacity = 10_000) {}

    /** The write of an earlier submit of `id` (settled or not); undefined when this node has not seen `id` lately. */
    previous(id: string): Promise<void> | undefined {
        return this.writes.get(id);
    }

    /** Remembers `id`'s write; settled writes keep only their place, not their promise. */
    add(id: string, write: Promise<unknown>): void {
        const settled = write.then(
            () => undefined,
            () => undefined,
        );
        this.writes.set(id, settled);
        void settled.then(() => {
            if (this.writes.get(id) === settled) this.writes.set(id, SETTLED);
        });
        if (this.writes.size > this.capacity) this.writes.delete(this.writes.keys().next().value as string);
    }

    get size(): number {
        return this.writes.size;
    }
}
