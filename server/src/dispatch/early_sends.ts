/**
 * First attempts sent while their record is still being written (Dispatcher.submit; see recent_submissions.ts and
 * OutboxStore.write): such an attempt may go out meanwhile, but nothing of it is written back before the record is
 * stored, and nothing at all if it never was.
 */
export class EarlySends {
    /** Delivery id → whether its record got stored. */
    private readonly writing = new Map<string, Promise<boolean>>();

    /** `durable`: the write of the record, true once stored; a failed write counts as not stored. */
    begin(id: string, durable: Promise<boolean>): void {
        this.writing.set(id, durable.catch(() => false));
    }

    /** The attempt ended. */
    end(id: string): void {
        this.writing.delete(id);
    }

    /** False when the record of a first attempt sent while it was being written never got stored. */
    stored(id: string): Promise<boolean> {
        return this.writing.get(id) ?? Promise.resolve(true);
    }

    /**
     * For an early attempt that sent nothing (breaker open, stopping): whether its record got stored, after which it is
     * an ordinary delivery to look at again; undefined when the attempt was not an early one.
     */
    takeOver(id: string): Promise<boolean> | undefined {
        const writing = this.writing.get(id);
        if (writing) this.writing.delete(id);
        return writing;
    }
}
