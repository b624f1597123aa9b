import {CircuitBreakers} from './circuit_breaker';
import {ParkingLot} from './parking';

const options = {windowMs: 10_000, minRequests: 100, failureRate: 1, consecutiveFailures: 1, openMs: 60, maxOpenMs: 60, halfOpenProbes: 1};
describe('ParkingLot', () => {
    // The lot's ticks and the breaker's open period run on jest's fake clock (Date.now included).
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => jest.useRealTimers());
    const clock = {now: () => Date.now()};

    it('lets one delivery go per tick while the breaker stays open', () => {
        const breakers = new CircuitBreakers(options);
        breakers.record('h', false, Date.now());
        const released: string[] = [];
        const lot = new ParkingLot(clock, breakers, (id) => released.push(id), 40);
        for (const id of ['a', 'b', 'c']) lot.park('h', id);
        expect(lot.has('a')).toBe(true);
        jest.advanceTimersByTime(30);
        expect(released).toEqual([]);
        jest.advanceTimersByTime(60);
        expect(released).toEqual(['a']);
        expect(lot.size).toBe(2);
        lot.clear();
    });

    it('releases everything at once when the breaker closes', () => {
        const breakers = new CircuitBreakers(options);
        breakers.record('h', false, Date.now());
        const released: string[] = [];
        const lot = new ParkingLot(clock, breakers, (id) => released.push(id));
        lot.park('h', 'a');
        lot.park('h', 'b');
        lot.park('other', 'c');
        lot.open('h');
        expect(released).toEqual(['a', 'b']);
        expect([lot.has('a'), lot.has('c')]).toEqual([false, true]);
        lot.clear();
        expect(lot.size).toBe(0);
    });
});
