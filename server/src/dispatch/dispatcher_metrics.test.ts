import {type BreakerStateName} from '../ports';

import {defaultBreakerOptions} from './circuit_breaker';
import {deliveryRequest, endpoint} from './testing/factories';
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
        // Nothing listens on port 1: the connection is refused.
        const [first] = await h.dispatcher.submit(deliveryRequest([endpoint({url: 'http://127.0.0.1:1/hook'})]));
        const until = Date.now() + 5000;
        while (!changes.includes('open') && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
        expect(changes).toEqual(['open']);
        expect(h.dispatcher.breakerCounts()).toEqual({closed: 0, open: 1, half_open: 0});
        expect(h.dispatcher.isQueued(first!.delivery_id)).toBe(true);
        expect(h.dispatcher.isQueued('not-a-delivery')).toBe(false);

        await h.dispatcher.purgeRule('rule1');
        expect(deleted).toEqual(['rule1']);
        expect(h.dispatcher.isQueued(first!.delivery_id)).toBe(false);
    });
});
