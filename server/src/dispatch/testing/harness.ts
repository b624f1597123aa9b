import type {ReplyOutcome, ReplyTarget, ServiceReply} from '@tripwire/common';

import type {Settings} from '../../config/settings';
import type {ChannelState, Clock, KVStore, ServerConfigInfo} from '../../ports';
import {defaultBreakerOptions} from '../circuit_breaker';
import {Dispatcher, type DispatcherDeps, type DispatcherOptions} from '../dispatcher';
import {keys} from '../keys';
import type {Notifier} from '../notices';
import type {AttemptListener, ReplyPart, ReplyPoster} from '../types';

import {loopbackSettings, memoryLogger, serverConfig} from './factories';
import {MemoryKV} from './memory_kv';

export interface Harness {
    dispatcher: Dispatcher;
    kv: MemoryKV;
    /** The replies posted, each once per part created (late replies through the response_url included). */
    replies: Array<{target: ReplyTarget; reply: ServiceReply}>;
    disabled: Array<[string, string]>;
    notices: {disabled: Array<Parameters<Notifier['endpointDisabled']>[0]>; dropped: Array<Parameters<Notifier['deliveryDropped']>[0]>};
    logger: ReturnType<typeof memoryLogger>;
    /** Resolves when nothing is left pending in the outbox. */
    drained(timeoutMs?: number): Promise<void>;
}

export interface HarnessOptions {
    kv?: MemoryKV;
    nodeId?: string;
    /** This node across restarts (instead of nodeId): a harness started with the same key reclaims its leases. */
    nodeKey?: string;
    /** What the dispatcher itself talks to (default `kv`): a wrapper can cut a node off as a kill -9 would. */
    dispatcherKv?: KVStore;
    clock?: Clock;
    /** A function when a test changes the guardrails while deliveries are queued. */
    settings?: Settings | (() => Settings);
    server?: Partial<ServerConfigInfo>;
    options?: Partial<DispatcherOptions>;
    /** Stands in for parsing and posting: what it returns is the reply's outcome, and nothing is stored to post. */
    onReply?: (target: ReplyTarget, reply: ServiceReply) => Promise<ReplyOutcome>;
    /** Replaces the recording poster of attempt replies (crash and fault tests). */
    replyPoster?: ReplyPoster;
    random?: () => number;
    channelState?: (channelId: string) => Promise<ChannelState>;
    onAttempt?: AttemptListener;
    metrics?: DispatcherDeps['metrics'];
}

/** The keys of deliveries not finished yet (a finished one keeps its key until it expires). */
export function activeDeliveries(kv: Pick<MemoryKV, 'keys' | 'peek'>): string[] {
    // Polled in tight loops, so no parse: a record is active when it, or its reply, is pending (isActive), and in JSON
    // that key-value pair cannot occur inside a string value (its quotes would be escaped).
    return kv.keys(keys.pendingPrefix).filter((k) => Buffer.from(kv.peek(k)!).includes(ACTIVE));
}
const ACTIVE = Buffer.from('"state":"pending"');

/** A started dispatcher over an in-memory KV, with fast timings, recording what it tells the outside world. */
export async function startHarness(o: HarnessOptions = {}): Promise<Harness> {
    const kv = o.kv ?? new MemoryKV();
    const logger = memoryLogger();
    const replies: Harness['replies'] = [];
    const disabled: Harness['disabled'] = [];
    const notices: Harness['notices'] = {disabled: [], dropped: []};
    const fixed = o.settings ?? loopbackSettings();
    const settings = typeof fixed === 'function' ? fixed : () => fixed;
    const server = serverConfig(o.server);
    const record = async (target: ReplyTarget, reply: ServiceReply): Promise<ReplyOutcome> => {
        replies.push({target, reply});
        return {kind: 'posted', posts: 1, ephemeral: 0, delayed: false};
    };
    const dispatcher = new Dispatcher(
        {
            kv: o.dispatcherKv ?? kv,
            logger,
            clock: o.clock ?? {now: () => Date.now()},
            serverConfig: () => server,
            settings,
            onReply: o.onReply ?? record,
            replyPoster: o.replyPoster ?? recordingPoster(o.onReply, record),
            notifier: {
                endpointDisabled: async (i) => void notices.disabled.push(i),
                deliveryDropped: async (i) => void notices.dropped.push(i),
            },
            onEndpointDisabled: (rule, endpoint) => void disabled.push([rule, endpoint]),
            ...(o.nodeId && {nodeId: o.nodeId}),
            ...(o.nodeKey && {nodeKey: o.nodeKey}),
            ...(o.random && {random: o.random}),
            ...(o.channelState && {channelState: o.channelState}),
            ...(o.onAttempt && {onAttempt: o.onAttempt}),
            ...(o.metrics && {metrics: o.metrics}),
        },
        {
            sweepIntervalMs: 100,
            leaseMarginMs: 1000,
            stopGraceMs: 200,
            log: {capacity: 100, flushMs: 10},
            // Tests that fail on purpose would otherwise open the breaker; the breaker has its own tests.
            breaker: {...defaultBreakerOptions, consecutiveFailures: 1000, minRequests: 1000},
            ...o.options,
        },
    );
    await dispatcher.start();
    return {
        dispatcher,
        kv,
        replies,
        disabled,
        notices,
        logger,
        async drained(timeoutMs = 5000) {
            const until = Date.now() + timeoutMs;
            while (activeDeliveries(kv).length > 0 || dispatcher.load.inFlight > 0) {
                if (Date.now() > until) throw new Error(`still pending: ${activeDeliveries(kv).join(', ')}`);
                await new Promise((r) => setTimeout(r, 5));
            }
            await dispatcher.log.flush();
        },
    };
}

/**
 * Attempt replies as one post each, the service's answer carried in the part so the test sees what was posted; with
 * `onReply`, its outcome instead (nothing to post).
 */
function recordingPoster(onReply: HarnessOptions['onReply'], record: (target: ReplyTarget, reply: ServiceReply) => Promise<ReplyOutcome>): ReplyPoster {
    const posts: Array<{id: string; channel_id: string; props: Record<string, unknown>}> = [];
    return {
        async prepare(target, reply) {
            if (onReply) return {kind: 'outcome', outcome: await onReply(target, reply)};
            const carried = {target, reply: {...reply, body: Buffer.from(reply.body).toString('base64')}};
            return {kind: 'parts', parts: [{kind: 'post', post: {channel_id: target.channel_id, message: '', props: {harness_reply: carried}}}], delayed: false};
        },
        async create(part: ReplyPart) {
            const carried = part.post.props!.harness_reply as {target: ReplyTarget; reply: ServiceReply & {body: string}};
            await record(carried.target, {...carried.reply, body: new Uint8Array(Buffer.from(carried.reply.body, 'base64'))});
            const id = `post${posts.length + 1}`;
            posts.push({id, channel_id: part.post.channel_id, props: part.post.props ?? {}});
            return id;
        },
        async postsSince(channelId) {
            return posts.filter((p) => p.channel_id === channelId);
        },
    };
}
