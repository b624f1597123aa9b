import {CircuitBreakers, type BreakerOptions} from './circuit_breaker';
import {ParkingLot} from './parking';

const options: BreakerOptions = {windowMs: 10_000, minRequests: 1, failureRate: 1, consecutiveFailures: 100, openMs: 60, maxOpenMs: 60, halfOpenProbes: 1};

describe('ParkingLot', () => {
    beforeEach(() => jest.useFakeTimers({now: 0}));
    afterEach(() => jest.useRealTimers());
    const clock = {now: () => Date.now()};

    function openBreaker(): CircuitBreakers {
        const breakers = new CircuitBreakers(options);
        breakers.record('h', {ok: false}, Date.now());
        return breakers;
    }

    it('sends one probe when the pause is over, a due retry before any first attempt', () => {
        const breakers = openBreaker();
        const released: Array<[string, string | undefined]> = [];
        const lot = new ParkingLot(clock, breakers, (id, probe) => released.push([id, probe]), 40);
        lot.park('h', 'fresh1', false);
        lot.park('h', 'retry1', true);
        lot.park('h', 'fresh2', false);
        expect(lot.has('fresh1')).toBe(true);
        jest.advanceTimersByTime(59);
        expect(released).toEqual([]);
        jest.advanceTimersByTime(1);
        expect(released).toEqual([['retry1', 'h']]);
        expect(lot.size).toBe(2);
        // The probe has not reached the breaker yet: no second one a tick later...
        expect(breakers.check('h', Date.now(), true)).toEqual({allowed: true, probe: true});
        jest.advanceTimersByTime(200);
        expect(released).toHaveLength(1);
        // ...and when it fails, the next one (a first attempt now) goes when the new pause is over.
        breakers.record('h', {ok: false, probe: true, retry: true}, Date.now());
        lot.poke('h');
        jest.advanceTimersByTime(59);
        expect(released).toHaveLength(1);
        jest.advanceTimersByTime(1);
        expect(released).toEqual([['retry1', 'h'], ['fresh1', 'h']]);
        lot.clear();
    });

    it('sends another probe a tick later when the last one never reached the breaker', () => {
        const breakers = openBreaker();
        const released: string[] = [];
        const lot = new ParkingLot(clock, breakers, (id) => released.push(id), 40);
        lot.park('h', 'a', false);
        lot.park('h', 'b', false);
        jest.advanceTimersByTime(60);
        expect(released).toEqual(['a']);
        jest.advanceTimersByTime(40);
        expect(released).toEqual(['a', 'b']);
        expect(lot.size).toBe(0);
    });

    it('releases everything at once when the breaker closes, retries first', () => {
        const breakers = openBreaker();
        const released: Array<[string, string | undefined]> = [];
        const lot = new ParkingLot(clock, breakers, (id, probe) => released.push([id, probe]));
        lot.park('h', 'a', false);
        lot.park('h', 'b', true);
        lot.park('other', 'c', false);
        lot.open('h');
        expect(released).toEqual([
            ['b', undefined],
            ['a', undefined],
        ]);
        expect([lot.has('a'), lot.has('c')]).toEqual([false, true]);
        lot.clear();
        expect(lot.size).toBe(0);
    });
});
