import type {ReplyOutcome, ReplyTarget, ServiceReply} from '@tripwire/common';

import type {Settings} from '../../config/settings';
import type {ChannelState, Clock, KVStore, ServerConfigInfo} from '../../ports';
import {defaultBreakerOptions} from '../circuit_breaker';
import {Dispatcher, type DispatcherOptions} from '../dispatcher';
import type {Notifier} from '../notices';
import type {AttemptListener} from '../types';

import {loopbackSettings, memoryLogger, serverConfig} from './factories';
import {MemoryKV} from './memory_kv';

export interface Harness {
    dispatcher: Dispatcher;
    kv: MemoryKV;
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
    onReply?: (target: ReplyTarget, reply: ServiceReply) => Promise<ReplyOutcome>;
    random?: () => number;
    channelState?: (channelId: string) => Promise<ChannelState>;
    onAttempt?: AttemptListener;
}

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
    const dispatcher = new Dispatcher(
        {
            kv: o.dispatcherKv ?? kv,
            logger,
            clock: o.clock ?? {now: () => Date.now()},
            serverConfig: () => server,
            settings,
            onReply:
                o.onReply ??
                (async (target, reply) => {
                    replies.push({target, reply});
                    return {kind: 'posted', posts: 1, ephemeral: 0, delayed: false};
                }),
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
            while (kv.keys('dx_p_').length > 0 || dispatcher.load.inFlight > 0) {
                if (Date.now() > until) throw new Error(`still pending: ${kv.keys('dx_p_').join(', ')}`);
                await new Promise((r) => setTimeout(r, 5));
            }
            await dispatcher.log.flush();
        },
    };
}
