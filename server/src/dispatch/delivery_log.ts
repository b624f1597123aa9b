import {LOG_MESSAGE_EXCERPT_CHARS, type DeliveryFacts, type DeliveryLogEntry, type DeliveryStats} from '@tripwire/common';

import type {KVStore, Logger} from '../ports';

import {keys} from './keys';
import {updateKnownJson, type Versioned} from '../ports/kv_json';

export interface DeliveryLogOptions {
    /** Entries kept per rule (a ring: the oldest go first). */
    capacity: number;
    /** Appends are written in batches: at most one KV write per rule per this interval. */
    flushMs: number;
}

/** Rings remembered for compare-and-set without a read; the least recently written are forgotten first. */
const MAX_KNOWN_RINGS = 1000;

const asEntries = (raw: unknown): DeliveryLogEntry[] => (Array.isArray(raw) ? (raw as DeliveryLogEntry[]) : []);

/**
 * Each rule's recent attempts as one bounded ring in the KV store. Appends are buffered and written together, so a
 * busy rule costs a KV write per flush rather than per attempt; entries not yet flushed are still listed. Written
 * with compare-and-set, so every node's entries land.
 */
export class DeliveryLog {
    private readonly buffered = new Map<string, DeliveryLogEntry[]>();
    /**
     * Each busy rule's ring as this node last wrote it: the next flush compare-and-sets against it instead of reading
     * the whole ring back first (a ring of 100 entries with request and response excerpts is tens of kilobytes).
     */
    private readonly written = new Map<string, Versioned<DeliveryLogEntry[]>>();
    private timer: NodeJS.Timeout | undefined;
    private flushing: Promise<void> = Promise.resolve();

    constructor(
        private readonly kv: KVStore,
        private readonly logger: Logger,
        private readonly options: DeliveryLogOptions = {capacity: 100, flushMs: 500},
        /** A deleted rule's batch is dropped: writing it would re-create the log its deletion removed. */
        private readonly isGone: (ruleId: string) => Promise<boolean> = async () => false,
    ) {}

    append(entry: DeliveryLogEntry): void {
        const list = this.buffered.get(entry.rule_id) ?? [];
        list.push(entry);
        if (list.length > this.options.capacity) list.shift();
        this.buffered.set(entry.rule_id, list);
        this.timer ??= setTimeout(() => void this.flush(), this.options.flushMs);
        this.timer.unref?.();
    }

    /** Writes everything buffered; resolves when it is stored. */
    flush(): Promise<void> {
        clearTimeout(this.timer);
        this.timer = undefined;
        const batch = [...this.buffered];
        this.buffered.clear();
        this.flushing = this.flushing.then(() => this.write(batch));
        return this.flushing;
    }

    /** Newest first, buffered entries included. */
    async list(ruleId: string, limit = this.options.capacity): Promise<DeliveryLogEntry[]> {
        await this.flushing;
        const stored = asEntries(await this.readRaw(ruleId));
        const all = [...stored, ...(this.buffered.get(ruleId) ?? [])];
        return all.slice(-limit).reverse();
    }

    async stats(ruleId: string): Promise<DeliveryStats> {
        return statsOf(await this.list(ruleId));
    }

    async clear(ruleId: string): Promise<void> {
        this.buffered.delete(ruleId);
        this.written.delete(ruleId);
        await this.kv.delete(keys.log(ruleId));
    }

    private async write(batch: Array<[string, DeliveryLogEntry[]]>): Promise<void> {
        for (const [ruleId, entries] of batch) {
            try {
                if (await this.isGone(ruleId)) continue;
                const append = (current: DeliveryLogEntry[] | null) => [...(current ?? []), ...entries].slice(-this.options.capacity);
                const stored = await updateKnownJson(this.kv, keys.log(ruleId), asEntries, append, this.written.get(ruleId));
                this.written.delete(ruleId); // re-inserted last: the map's first keys are the least recently written
                if (stored) this.written.set(ruleId, stored);
                if (this.written.size > MAX_KNOWN_RINGS) this.written.delete(this.written.keys().next().value!);
            } catch (err) {
                this.written.delete(ruleId);
                // The log is diagnostics: losing a batch must never stop deliveries.
                this.logger.warn('delivery log write failed', {rule_id: ruleId, error: (err as Error).message});
            }
        }
    }

    private async readRaw(ruleId: string): Promise<unknown> {
        const bytes = await this.kv.get(keys.log(ruleId));
        return bytes && bytes.length > 0 ? JSON.parse(Buffer.from(bytes).toString('utf8')) : [];
    }
}

/** What a log entry says about its trigger, so a row reads "who said what" without opening the request. */
/**
 * What every log entry about a stored delivery says: the delivery, its rule and endpoints, the triggering post, and
 * when. Callers add the status and what happened.
 */
export function entryBase(
    r: {id: string; webhook_id: string; rule: {id: string}; endpoints: readonly {id: string}[]; facts: Pick<DeliveryFacts, 'event_type' | 'post' | 'user'>; attempts: number},
    at: number,
) {
    return {
        delivery_id: r.id,
        webhook_id: r.webhook_id,
        rule_id: r.rule.id,
        endpoint_id: r.endpoints.map((e) => e.id).join(','),
        event_type: r.facts.event_type,
        post_id: r.facts.post.id,
        at,
        attempt: r.attempts,
        ...triggerOf(r.facts),
    };
}

export function triggerOf(facts: Pick<DeliveryFacts, 'post' | 'user'>): Pick<DeliveryLogEntry, 'trigger'> {
    const chars = Array.from(facts.post.message);
    const message = chars.length > LOG_MESSAGE_EXCERPT_CHARS ? `${chars.slice(0, LOG_MESSAGE_EXCERPT_CHARS).join('')}…` : facts.post.message;
    return {trigger: {message, user_id: facts.user.id, username: facts.user.username}};
}

/** Success rate over final outcomes; latency percentiles over attempts that got an HTTP answer. */
export function statsOf(entries: readonly DeliveryLogEntry[]): DeliveryStats {
    let succeeded = 0;
    let failed = 0;
    let dropped = 0;
    const latencies: number[] = [];
    for (const e of entries) {
        if (e.async_reply || e.reply_resumed) continue;
        if (e.status === 'succeeded') succeeded++;
        else if (e.status === 'failed') failed++;
        else if (e.status === 'dropped') dropped++;
        if (e.http_status !== undefined && e.latency_ms !== undefined) latencies.push(e.latency_ms);
    }
    latencies.sort((a, b) => a - b);
    const pick = (p: number) => (latencies.length === 0 ? null : latencies[Math.min(latencies.length - 1, Math.ceil(p * latencies.length) - 1)]!);
    return {
        deliveries: succeeded + failed + dropped,
        succeeded,
        failed,
        dropped,
        success_rate: succeeded + failed === 0 ? null : succeeded / (succeeded + failed),
        p50_latency_ms: pick(0.5),
        p95_latency_ms: pick(0.95),
        last_at: entries.reduce<number | null>((max, e) => (max === null || e.at > max ? e.at : max), null),
    };
}
