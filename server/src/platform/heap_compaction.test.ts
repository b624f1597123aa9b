import {HeapCompaction} from './heap_compaction';

const MB = 1024 * 1024;

describe('HeapCompaction', () => {
    const setup = (withGc = true) => {
        const gc = withGc ? jest.fn() : undefined;
        const state = {now: 0, heap: {heapTotal: 30 * MB, heapUsed: 25 * MB}};
        const compaction = new HeapCompaction({gc, heap: () => state.heap, now: () => state.now}, {checkEveryMs: 10_000, minFreeBytes: 16 * MB, minGapMs: 30_000});
        return {state, compaction, gc};
    };

    it('collects once the heap has grown well past what is live, and not while it is tight', () => {
        const {state, compaction, gc} = setup();
        expect(compaction.check()).toBe(false);
        state.heap = {heapTotal: 60 * MB, heapUsed: 26 * MB};
        state.now = 10_000;
        expect(compaction.check()).toBe(true);
        expect(gc).toHaveBeenCalledTimes(1);
    });

    it('collects at most once per gap, however much is free', () => {
        const {state, compaction, gc} = setup();
        state.heap = {heapTotal: 60 * MB, heapUsed: 20 * MB};
        for (let t = 0; t <= 60_000; t += 10_000) {
            state.now = t;
            compaction.check();
        }
        // at 0, 30 s and 60 s
        expect(gc).toHaveBeenCalledTimes(3);
    });

    it('does nothing without an exposed gc (dev bundles), and start() then sets no timer', () => {
        const {state, compaction} = setup(false);
        state.heap = {heapTotal: 100 * MB, heapUsed: 10 * MB};
        expect(compaction.enabled).toBe(false);
        expect(compaction.check()).toBe(false);
        compaction.start();
        compaction.stop();
    });

    it('checks on its own every interval once started, until stopped', () => {
        jest.useFakeTimers();
        try {
            const {state, compaction, gc} = setup();
            state.heap = {heapTotal: 60 * MB, heapUsed: 20 * MB};
            compaction.start();
            jest.advanceTimersByTime(10_000);
            expect(gc).toHaveBeenCalledTimes(1);
            compaction.stop();
            state.now = 100_000;
            jest.advanceTimersByTime(60_000);
            expect(gc).toHaveBeenCalledTimes(1);
        } finally {
            jest.useRealTimers();
        }
    });
});
