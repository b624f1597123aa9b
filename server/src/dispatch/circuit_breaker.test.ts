import {CircuitBreakers, type BreakerOptions} from './circuit_breaker';

const options: BreakerOptions = {windowMs: 10_000, minRequests: 4, failureRate: 0.5, consecutiveFailures: 3, openMs: 1000, maxOpenMs: 4000, halfOpenProbes: 1};

describe('CircuitBreakers', () => {
    it('opens after consecutive failures and defers attempts until it may probe', () => {
        const b = new CircuitBreakers(options);
        for (let i = 0; i < 3; i++) b.record('h', false, 100);
        expect(b.state('h')).toBe('open');
        expect(b.check('h', 500)).toEqual({allowed: false, retryAt: 1100});
    });

    it('opens on the failure rate once enough requests were seen', () => {
        const b = new CircuitBreakers(options);
        for (const ok of [true, false, true, false]) b.record('h', ok, 100);
        expect(b.state('h')).toBe('open');
    });

    it('lets one probe through when half-open; success closes it', () => {
        const b = new CircuitBreakers(options);
        for (let i = 0; i < 3; i++) b.record('h', false, 0);
        expect(b.check('h', 1000)).toEqual({allowed: true, probe: true});
        expect(b.check('h', 1001)).toEqual({allowed: false, retryAt: 2001});
        expect(b.record('h', true, 1050)).toBe(true);
        expect(b.state('h')).toBe('closed');
        expect(b.check('h', 1060)).toEqual({allowed: true, probe: false});
    });

    it('reopens for twice as long when the probe fails', () => {
        const b = new CircuitBreakers(options);
        for (let i = 0; i < 3; i++) b.record('h', false, 0);
        b.check('h', 1000);
        b.record('h', false, 1100);
        expect(b.check('h', 1200)).toEqual({allowed: false, retryAt: 3100});
    });

    it('gives back a probe that was never sent', () => {
        const b = new CircuitBreakers(options);
        for (let i = 0; i < 3; i++) b.record('h', false, 0);
        b.check('h', 1000);
        b.cancel('h');
        expect(b.check('h', 1001)).toEqual({allowed: true, probe: true});
    });

    it('says whether it would refuse without changing anything', () => {
        const b = new CircuitBreakers(options);
        expect(b.blocked('h', 0)).toBe(false);
        for (let i = 0; i < 3; i++) b.record('h', false, 0);
        expect([b.blocked('h', 999), b.reopenAt('h')]).toEqual([true, 1000]);
        expect(b.blocked('h', 1000)).toBe(false);
        expect(b.blocked('h', 1000)).toBe(false);
        b.check('h', 1000);
        expect(b.blocked('h', 1001)).toBe(true);
    });

    it('keeps hosts apart', () => {
        const b = new CircuitBreakers(options);
        for (let i = 0; i < 3; i++) b.record('bad', false, 0);
        expect(b.check('good', 10)).toEqual({allowed: true, probe: false});
    });

    it('forgets failures older than the window', () => {
        const b = new CircuitBreakers(options);
        b.record('h', false, 0);
        b.record('h', false, 1);
        b.record('h', true, 20_000);
        b.record('h', false, 20_001);
        b.record('h', false, 20_002);
        expect(b.state('h')).toBe('closed');
    });
});
