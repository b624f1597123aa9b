import {type DeliveryLogEntry} from '@tripwire/common';

import {deliveryStatusEvent} from './status_event';
import {deliveryRequest, endpoint, loopbackSettings, policy} from './testing/factories';
import {startHarness} from './testing/harness';
import {reply, TestReceiver} from './testing/receiver';
import {type AttemptContext} from './types';

describe('deliveryStatusEvent', () => {
    it('keeps only what every channel member may see', () => {
        const entry: DeliveryLogEntry = {
            delivery_id: 'd1',
            webhook_id: 'msg_d1',
            rule_id: 'r1',
            endpoint_id: 'main',
            event_type: 'post_created',
            post_id: 'p1',
            at: 10,
            attempt: 2,
            status: 'retrying',
            http_status: 503,
            error_class: 'http_status',
            error: 'HTTP 503 from https://secret.internal/hook?key=abc',
            latency_ms: 12,
            next_attempt_at: 20,
            request: {method: 'POST', url: 'https://secret.internal/hook?key=abc', headers: {}, body: '', truncated: false},
            response: {status: 503, headers: {}, body: 'stack trace', truncated: false},
            reply: {kind: 'none', reason: 'x'},
        };
        expect(deliveryStatusEvent(entry, {channel_id: 'c1', max_attempts: 5})).toEqual({
            delivery_id: 'd1',
            rule_id: 'r1',
            post_id: 'p1',
            status: 'retrying',
            attempt: 2,
            max_attempts: 5,
            at: 10,
            next_attempt_at: 20,
        });
    });

    it('gets the trigger channel and the attempts the guardrail allows from the dispatcher', async () => {
        const receiver = await TestReceiver.start({handler: reply(500, 'internal detail')});
        const seen: Array<[DeliveryLogEntry, AttemptContext]> = [];
        const h = await startHarness({settings: loopbackSettings({MaxAttempts: 2}), onAttempt: (entry, context) => void seen.push([entry, context])});
        try {
            await h.dispatcher.submit(deliveryRequest([endpoint({url: receiver.url})], {policy: policy({max_attempts: 9, backoff_base_ms: 10, backoff_max_ms: 10})}));
            await h.drained();
            expect(seen.map(([, c]) => c)).toEqual([
                {channel_id: 'chan1', max_attempts: 2},
                {channel_id: 'chan1', max_attempts: 2},
            ]);
            const events = seen.map(([e, c]) => deliveryStatusEvent(e, c));
            expect(events.map((e) => [e.attempt, e.status])).toEqual([
                [1, 'retrying'],
                [2, 'failed'],
            ]);
            expect(JSON.stringify(events)).not.toMatch(/internal detail|HTTP 500|127\.0\.0\.1/);
        } finally {
            await h.dispatcher.stop();
            await receiver.close();
        }
    });
});
