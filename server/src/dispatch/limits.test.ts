import {KeyedSemaphore, RateLimiter} from './limits';

describe('KeyedSemaphore', () => {
    it('holds at most `limit` per key and hands slots over in order', async () => {
        const s = new KeyedSemaphore();
        const order: string[] = [];
        const r1 = await s.acquire('a', 2);
        const r2 = await s.acquire('a', 2);
        const third = s.acquire('a', 2).then((r) => (order.push('third'), r));
        const fourth = s.acquire('a', 2).then((r) => (order.push('fourth'), r));
        const other = await s.acquire('b', 2);
        expect([s.active('a'), s.waiting('a'), s.active('b')]).toEqual([2, 2, 1]);
        r1();
        const r3 = await third;
        // A newcomer cannot take the slot that was handed to a waiter.
        const late = s.acquire('a', 2).then((r) => (order.push('late'), r));
        r2();
        (await fourth)();
        r3();
        (await late)();
        other();
        expect(order).toEqual(['third', 'fourth', 'late']);
        expect(s.active('a')).toBe(0);
    });

    it('ignores a second release', async () => {
        const s = new KeyedSemaphore();
        const r = await s.acquire('a', 1);
        r();
        r();
        expect(s.active('a')).toBe(0);
        await s.acquire('a', 1);
        expect(s.active('a')).toBe(1);
    });
});

describe('RateLimiter', () => {
    it('allows a minute of burst, then one per interval (drop policy)', () => {
        const l = new RateLimiter();
        for (let i = 0; i < 6; i++) expect(l.take('k', 6, 0).ok).toBe(true);
        expect(l.take('k', 6, 0)).toEqual({ok: false, retryInMs: 10_000});
        expect(l.take('k', 6, 10_000).ok).toBe(true);
        expect(l.take('other', 6, 0).ok).toBe(true);
    });

    it('books later slots instead (queue policy), up to a maximum delay', () => {
        const l = new RateLimiter();
        const delays = Array.from({length: 8}, () => l.reserve('k', 6, 0, 15_000));
        expect(delays.map((d) => (d.ok ? d.delayMs : -1))).toEqual([0, 0, 0, 0, 0, 0, 10_000, -1]);
    });

    it('forgets refilled buckets', () => {
        const l = new RateLimiter();
        l.take('k', 60, 0);
        l.prune(60_000);
        expect(l.take('k', 1, 60_000).ok).toBe(true);
    });
});
