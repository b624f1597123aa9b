import {CircuitBreakers, type BreakerOptions} from './circuit_breaker';

const options: BreakerOptions = {windowMs: 10_000, minRequests: 4, failureRate: 0.5, consecutiveFailures: 3, openMs: 1000, maxOpenMs: 4000, halfOpenProbes: 1};
const fail = {ok: false};
const down = {ok: false, unreachable: true};
const ok = {ok: true};

/** Opened at `at` by three failures out of four. */
function opened(at = 0): CircuitBreakers {
    const b = new CircuitBreakers(options);
    for (const o of [ok, fail, fail, fail]) b.record('h', o, at);
    return b;
}

describe('CircuitBreakers', () => {
    it('tells each state change (metrics) and counts hosts by state', () => {
        const changes: string[] = [];
        const b = new CircuitBreakers(options, (state) => changes.push(state));
        for (const o of [ok, fail, fail, fail]) b.record('h', o, 0);
        b.record('g', ok, 0);
        expect(b.counts()).toEqual({closed: 1, open: 1, half_open: 0});
        expect(b.check('h', 1000, true)).toEqual({allowed: true, probe: true});
        expect(b.counts()).toEqual({closed: 1, open: 0, half_open: 1});
        b.record('h', {ok: true, probe: true}, 1001);
        expect(changes).toEqual(['open', 'half_open', 'closed']);
        expect(b.counts()).toEqual({closed: 2, open: 0, half_open: 0});
    });

    it('opens on the failure rate once enough requests were seen, and defers attempts until it may probe', () => {
        const b = new CircuitBreakers(options);
        for (const o of [ok, fail, ok]) b.record('h', o, 100);
        expect(b.state('h')).toBe('closed');
        b.record('h', fail, 100);
        expect(b.state('h')).toBe('open');
        expect(b.check('h', 500)).toEqual({allowed: false, retryAt: 1100});
    });

    it('does not open on a run of HTTP errors below the rate threshold (a host that fails first attempts)', () => {
        const b = new CircuitBreakers({...options, failureRate: 0.7, minRequests: 10});
        // A flapping host: every delivery fails once, then succeeds. Five failures in a row, 50 % over the window.
        for (let i = 0; i < 5; i++) b.record('h', fail, i);
        for (let i = 0; i < 5; i++) b.record('h', ok, 10 + i);
        for (let i = 0; i < 20; i++) b.record('h', i % 2 ? ok : fail, 20 + i);
        expect(b.state('h')).toBe('closed');
    });

    it('opens after consecutive unreachable attempts whatever the window says (a hung host fails slowly)', () => {
        const b = new CircuitBreakers({...options, minRequests: 100});
        b.record('h', down, 0);
        b.record('h', down, 1);
        expect(b.state('h')).toBe('closed');
        b.record('h', down, 2);
        expect(b.state('h')).toBe('open');
        const c = new CircuitBreakers({...options, minRequests: 100});
        for (const o of [down, down, fail, down, down]) c.record('h', o, 0);
        expect(c.state('h')).toBe('closed');
    });

    it('lets only a designated probe through once the pause is over; its success closes the circuit', () => {
        const b = opened();
        expect(b.check('h', 999, true)).toEqual({allowed: false, retryAt: 1000});
        expect(b.check('h', 1000)).toEqual({allowed: false, retryAt: 2000});
        expect(b.blocked('h', 1000)).toBe(true);
        expect([b.blocked('h', 1000, true), b.probeReady('h', 1000)]).toEqual([false, true]);
        expect(b.check('h', 1000, true)).toEqual({allowed: true, probe: true});
        expect(b.state('h')).toBe('half_open');
        expect(b.check('h', 1001, true)).toEqual({allowed: false, retryAt: 2001});
        expect(b.probeReady('h', 1001)).toBe(false);
        expect(b.record('h', {ok: true, probe: true}, 1050)).toBe(true);
        expect(b.state('h')).toBe('closed');
        expect(b.check('h', 1060)).toEqual({allowed: true, probe: false});
    });

    it('ignores outcomes of attempts that were not the probe while it is not closed', () => {
        const b = opened();
        expect(b.record('h', ok, 500)).toBe(false);
        b.check('h', 1000, true);
        expect(b.record('h', ok, 1001)).toBe(false);
        expect(b.record('h', fail, 1002)).toBe(false);
        expect(b.state('h')).toBe('half_open');
    });

    it('doubles the pause when a retry probe fails, up to the maximum', () => {
        const b = opened();
        b.check('h', 1000, true);
        b.record('h', {ok: false, probe: true, retry: true}, 1100);
        expect(b.check('h', 1200, true)).toEqual({allowed: false, retryAt: 3100});
        b.check('h', 3100, true);
        b.record('h', {ok: false, probe: true, retry: true}, 3100);
        b.check('h', 7100, true);
        b.record('h', {ok: false, probe: true, retry: true}, 7100);
        expect(b.reopenAt('h')).toBe(11_100);
    });

    it('keeps the pause when a first-attempt probe fails: that says little about a flapping host', () => {
        const b = opened();
        b.check('h', 1000, true);
        b.record('h', {ok: false, probe: true, retry: false}, 1100);
        expect(b.reopenAt('h')).toBe(2100);
    });

    it('gives back a probe that was never sent', () => {
        const b = opened();
        b.check('h', 1000, true);
        b.cancel('h');
        expect(b.check('h', 1001, true)).toEqual({allowed: true, probe: true});
    });

    it('keeps hosts apart', () => {
        const b = opened();
        expect(b.check('good', 10)).toEqual({allowed: true, probe: false});
    });

    it('forgets failures older than the window', () => {
        const b = new CircuitBreakers(options);
        b.record('h', fail, 0);
        b.record('h', fail, 1);
        b.record('h', ok, 20_000);
        b.record('h', fail, 20_001);
        b.record('h', ok, 20_002);
        expect(b.state('h')).toBe('closed');
    });
});
