import type {DeliveryLogEntry} from '@tripwire/common';

import {DeliveryLog, statsOf, triggerOf} from './delivery_log';
import {memoryLogger} from './testing/factories';
import {MemoryKV} from './testing/memory_kv';

const entry = (n: number, overrides: Partial<DeliveryLogEntry> = {}): DeliveryLogEntry => ({
    delivery_id: `d${n}`,
    webhook_id: `msg_d${n}`,
    rule_id: 'rule1',
    endpoint_id: 'main',
    event_type: 'post_created',
    post_id: 'p',
    at: n,
    attempt: 1,
    status: 'succeeded',
    http_status: 200,
    latency_ms: n,
    ...overrides,
});

describe('DeliveryLog', () => {
    it('keeps the newest entries of each rule in a bounded ring', async () => {
        const log = new DeliveryLog(new MemoryKV(), memoryLogger(), {capacity: 3, flushMs: 1});
        for (let i = 1; i <= 5; i++) log.append(entry(i));
        log.append(entry(9, {rule_id: 'rule2'}));
        await log.flush();
        for (let i = 6; i <= 7; i++) log.append(entry(i));
        expect((await log.list('rule1')).map((e) => e.delivery_id)).toEqual(['d7', 'd6', 'd5']);
        await log.flush();
        expect((await log.list('rule1')).map((e) => e.delivery_id)).toEqual(['d7', 'd6', 'd5']);
        expect((await log.list('rule2')).map((e) => e.delivery_id)).toEqual(['d9']);
    });

    it("merges two nodes' entries in the same ring", async () => {
        const kv = new MemoryKV();
        const a = new DeliveryLog(kv, memoryLogger(), {capacity: 10, flushMs: 1});
        const b = new DeliveryLog(kv, memoryLogger(), {capacity: 10, flushMs: 1});
        a.append(entry(1));
        b.append(entry(2));
        await Promise.all([a.flush(), b.flush()]);
        expect((await a.list('rule1')).map((e) => e.delivery_id).sort()).toEqual(['d1', 'd2']);
    });

    it('writes a busy ring without reading it back, and reads it again when another node wrote meanwhile', async () => {
        const kv = new MemoryKV();
        let gets = 0;
        const get = kv.get.bind(kv);
        kv.get = (key) => (gets++, get(key));
        const a = new DeliveryLog(kv, memoryLogger(), {capacity: 10, flushMs: 1});
        const b = new DeliveryLog(kv, memoryLogger(), {capacity: 10, flushMs: 1});
        a.append(entry(1));
        await a.flush();
        const afterFirst = gets;
        a.append(entry(2));
        await a.flush();
        expect(gets).toBe(afterFirst); // compare-and-set against the ring it wrote

        b.append(entry(3));
        await b.flush();
        a.append(entry(4));
        await a.flush();
        expect(gets).toBeGreaterThan(afterFirst); // its copy was stale: read, merged
        expect((await a.list('rule1')).map((e) => e.delivery_id)).toEqual(['d4', 'd3', 'd2', 'd1']);
    });
});

describe('statsOf', () => {
    it('rates final outcomes and takes latency percentiles over answered attempts', () => {
        const entries = [
            ...Array.from({length: 18}, (_, i) => entry(i + 1)),
            entry(100, {status: 'retrying', http_status: 503, latency_ms: 100}),
            entry(0, {status: 'failed', http_status: undefined, latency_ms: undefined, error_class: 'timeout'}),
            entry(0, {status: 'dropped', http_status: undefined, latency_ms: undefined}),
        ];
        expect(statsOf(entries)).toEqual({
            deliveries: 20,
            succeeded: 18,
            failed: 1,
            dropped: 1,
            success_rate: 18 / 19,
            p50_latency_ms: 10,
            p95_latency_ms: 100,
            last_at: 100,
        });
        expect(statsOf([])).toMatchObject({success_rate: null, p95_latency_ms: null, last_at: null});
    });
});

describe('triggerOf', () => {
    it('keeps the author and the start of the message, cut at a code point with an ellipsis', () => {
        const long = '🙂'.repeat(250);
        expect(triggerOf({post: {message: long} as never, user: {id: 'u1', username: 'alice'} as never}).trigger).toEqual({message: `${'🙂'.repeat(200)}…`, user_id: 'u1', username: 'alice'});
        expect(triggerOf({post: {message: 'deploy now'} as never, user: {id: 'u1', username: 'alice'} as never}).trigger?.message).toBe('deploy now');
    });
});
