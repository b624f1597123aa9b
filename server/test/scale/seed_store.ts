// A KV store the size issue #15 asks about: 10,000 rules over 5,000 channels and 500,000 finished deliveries (what an
// hour at today's rate leaves), plus a few pending deliveries, a failed list and a delivery log. Seeded straight into
// the in-memory map (no KV calls, one shared value for the bulk of the finished records) so it takes seconds, in the
// shapes this version writes. Shared by test/scale/store_scale.test.ts and bench/store_scale.bench.ts.
import type {DeliveryLogEntry} from '@tripwire/common';

import {keys} from '../../src/dispatch/keys';
import type {OutboxRecord} from '../../src/dispatch/outbox';
import {shardOf} from '../../src/dispatch/outbox_index';
import {outboxRecord} from '../../src/dispatch/testing/factories';
import type {MemoryKV} from '../../src/dispatch/testing/memory_kv';
import {ruleKeys} from '../../src/rules/rule_kv';
import {channel, id, rule} from '../../src/rules/testing/factories';

export interface ScaleSizes {
    rules: number;
    channels: number;
    finished: number;
    pending: number;
    /** Failed deliveries of the first rule (its failed list, what recover pages through). */
    failed: number;
}

export const ISSUE_SIZES: ScaleSizes = {rules: 10_000, channels: 5_000, finished: 500_000, pending: 50, failed: 1_000};

export const channelId = (i: number) => id(`ch${i}`);
export const ruleId = (i: number) => id(`rule${i}`);
export const channelOf = (i: number) => channel({id: channelId(i), name: `channel-${i}`});
const deliveryId = (kind: string, i: number) => id(`${kind}${i}`);

const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

export interface Seeded {
    pendingIds: string[];
    failedIds: string[];
    /** The rule with the failed list and the delivery log. */
    busyRule: string;
}

/** Seeds `kv`; the pending deliveries (due now, unleased) go to `receiverUrl`. */
export function seedStore(kv: MemoryKV, sizes: ScaleSizes, receiverUrl: string, now = Date.now()): Seeded {
    // Rules: rule i in channel i % channels, so each channel has rules/channels of them.
    const template = rule();
    const byChannel = new Map<number, string[]>();
    const ruleEntries: Array<[string, Uint8Array]> = [];
    for (let i = 0; i < sizes.rules; i++) {
        const c = i % sizes.channels;
        const r = {...template, id: ruleId(i), name: `rule ${i}`, scope: {kind: 'channels' as const, teamId: template.scope.kind === 'channels' ? template.scope.teamId : '', channelIds: [channelId(c)]}};
        ruleEntries.push([ruleKeys.rule(r.id), encode(r)]);
        byChannel.set(c, [...(byChannel.get(c) ?? []), r.id]);
    }
    for (const [c, list] of byChannel) ruleEntries.push([ruleKeys.channel(channelId(c)), encode(list)]);
    ruleEntries.push([ruleKeys.all, encode(Array.from({length: sizes.rules}, (_, i) => ruleId(i)))]);
    kv.seed(ruleEntries);

    // Finished deliveries: every record its own key, finished in place, expiring an hour on (the succeeded retention).
    const busyRule = ruleId(0);
    const done = encode({...outboxRecord(deliveryId('done', 0), receiverUrl), state: 'succeeded', attempts: 1, finished_at: now} satisfies OutboxRecord);
    const finished: Array<[string, Uint8Array]> = [];
    for (let i = 0; i < sizes.finished - sizes.failed; i++) finished.push([keys.pending(deliveryId('done', i)), done]);
    kv.seed(finished, now + 3_600_000);

    // The busy rule's failed deliveries, its failed list and its delivery log.
    const failedIds = Array.from({length: sizes.failed}, (_, i) => deliveryId('fail', i));
    const ruleOf = {id: busyRule, name: 'rule 0', owner_id: template.ownerId};
    kv.seed(
        failedIds.map((d, i): [string, Uint8Array] => [
            keys.pending(d),
            encode({...outboxRecord(d, receiverUrl), rule: ruleOf, state: 'failed', attempts: 3, created_at: now - 60_000 + i, finished_at: now} satisfies OutboxRecord),
        ]),
        now + 7 * 86_400_000,
    );
    kv.seed([[keys.failedOfRule(busyRule), encode(failedIds.map((d, i) => ({id: d, at: now - 60_000 + i})))]], now + 7 * 86_400_000);
    const entries: DeliveryLogEntry[] = failedIds.slice(-100).map((d, i) => ({
        delivery_id: d,
        webhook_id: `msg_${d}`,
        rule_id: busyRule,
        endpoint_id: 'main',
        event_type: 'post_created',
        post_id: id(`post${i}`),
        at: now - 1000 + i,
        attempt: 3,
        status: 'failed',
        error_class: 'http_status',
        http_status: 503,
    }));
    kv.seed([[keys.log(busyRule), encode(entries)]]);

    // Pending deliveries, due now, listed in the pending index as this version lists them; the index is complete.
    const pendingIds = Array.from({length: sizes.pending}, (_, i) => deliveryId('todo', i));
    kv.seed(pendingIds.map((d): [string, Uint8Array] => [keys.pending(d), encode(outboxRecord(d, receiverUrl, {rule: ruleOf, created_at: now, next_attempt_at: now}))]));
    const shards = new Map<number, string[]>();
    for (const d of pendingIds) shards.set(shardOf(d), [...(shards.get(shardOf(d)) ?? []), d]);
    kv.seed([...shards].map(([s, list]): [string, Uint8Array] => [keys.pendingIndex(s), encode(list)]));
    kv.seed([[keys.indexComplete, encode(1)]]);
    return {pendingIds, failedIds, busyRule};
}
