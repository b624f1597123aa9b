import {type BreakerStateName} from '../ports';

import {defaultBreakerOptions} from './circuit_breaker';
import {deliveryRequest, endpoint, facts, policy} from './testing/factories';
import {startHarness, type Harness} from './testing/harness';

/** What the dispatcher tells its metrics port itself; the rest reaches them through onAttempt and submit's answers. */
describe('Dispatcher and its metrics', () => {
    let h: Harness | undefined;
    afterEach(async () => {
        await h?.dispatcher.stop();
        h = undefined;
    });

    it('reports breaker changes and counts, holds a parked delivery as queued, and says when a rule is deleted', async () => {
        const changes: BreakerStateName[] = [];
        const deleted: string[] = [];
        h = await startHarness({
            metrics: {breakerChanged: (s) => changes.push(s), ruleDeleted: (id) => deleted.push(id)},
            // One unanswered attempt opens the breaker, for a long while.
            options: {breaker: {...defaultBreakerOptions, consecutiveFailures: 1, openMs: 60_000}},
        });
        // Nothing listens on port 1: the connection is refused. Retries wait a minute, so the first delivery sits in
        // the scheduler; the second, submitted while the breaker is open, is parked on it.
        const slow = policy({backoff_base_ms: 60_000, backoff_max_ms: 60_000});
        const submit = (event: string) => h!.dispatcher.submit(deliveryRequest([endpoint({url: 'http://127.0.0.1:1/hook'})], {policy: slow, facts: facts({event_id: event})}));
        const [first] = await submit('e1');
        const until = async (what: string, ok: () => boolean) => {
            const end = Date.now() + 5000;
            while (!ok()) {
                if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
                await new Promise((r) => setTimeout(r, 10));
            }
        };
        await until('the breaker to open', () => changes.includes('open') && h!.dispatcher.load.scheduled === 1);
        expect(changes).toEqual(['open']);
        expect(h.dispatcher.breakerCounts()).toEqual({closed: 0, open: 1, half_open: 0});
        const [second] = await submit('e2');
        await until('the second delivery to be parked', () => h!.dispatcher.load.parked === 1);
        expect(h.dispatcher.isQueued(first!.delivery_id)).toBe(true);
        expect(h.dispatcher.isQueued(second!.delivery_id)).toBe(true);
        expect(h.dispatcher.isQueued('not-a-delivery')).toBe(false);

        await h.dispatcher.purgeRule('rule1');
        expect(deleted).toEqual(['rule1']);
        // Neither waits any more: not on the scheduler, not in the breaker's parking lot.
        expect(h.dispatcher.isQueued(first!.delivery_id)).toBe(false);
        expect(h.dispatcher.isQueued(second!.delivery_id)).toBe(false);
        expect(h.dispatcher.load).toMatchObject({scheduled: 0, parked: 0});
    });
});
