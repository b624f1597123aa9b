import {PluginApiError, type KVSetOptions, type KVStore} from '../ports';

import {keys} from './keys';
import {OutboxStore} from './outbox';
import {REPLY_MAX_TRIES, REPLY_PART_PROP} from './reply_posting';
import {deliveryRequest, endpoint, facts} from './testing/factories';
import {startHarness, type Harness} from './testing/harness';
import {MemoryKV} from './testing/memory_kv';
import {reply, TestReceiver} from './testing/receiver';
import type {ReplyPart, ReplyPoster} from './types';

/** Mattermost's posts, shared by every node (its database). */
interface World {
    posts: Array<{id: string; channel_id: string; props: Record<string, unknown>}>;
}

/** When the process dies: before or after the n-th step (a pending-record write or a CreatePost) takes effect. */
interface Fate {
    step: number;
    at: number;
    when: 'before' | 'after';
    dead: boolean;
}

const died = () => new Error('the process is dead');

/** Counts a step and dies on schedule: `run` is the step's effect, which a death `before` it never has. */
async function step<T>(fate: Fate | undefined, run: () => Promise<T>): Promise<T> {
    if (!fate) return run();
    if (fate.dead) throw died();
    fate.step++;
    if (fate.step === fate.at && fate.when === 'before') {
        fate.dead = true;
        throw died();
    }
    const out = await run();
    if (fate.step === fate.at) {
        fate.dead = true;
        throw died();
    }
    return out;
}

/** The node's view of the shared KV store: once its process is dead, nothing it does reaches the store. */
class NodeKV implements KVStore {
    constructor(
        private readonly base: MemoryKV,
        private readonly fate: Fate,
    ) {}
    private alive(): void {
        if (this.fate.dead) throw died();
    }
    async get(key: string) {
        this.alive();
        return this.base.get(key);
    }
    async set(key: string, value: Uint8Array) {
        this.alive();
        return this.base.set(key, value);
    }
    async setWithOptions(key: string, value: Uint8Array | null, options: KVSetOptions) {
        // Writes of the delivery record are the steps; the rest (index, log, finished copy) only stop with the process.
        if (key.startsWith(keys.pendingPrefix)) return step(this.fate, () => this.base.setWithOptions(key, value, options));
        this.alive();
        return this.base.setWithOptions(key, value, options);
    }
    async delete(key: string) {
        this.alive();
        return this.base.delete(key);
    }
    async list(page: number, perPage: number) {
        this.alive();
        return this.base.list(page, perPage);
    }
    keys(prefix = ''): string[] {
        return this.base.keys(prefix);
    }
    peek(key: string): Uint8Array | null {
        return this.base.peek(key);
    }
}

/** A reply of `parts` posts; CreatePost lands in the world, a step of the fate (if any), failing as `fail` says. */
function poster(world: World, parts: number, fate?: Fate, fail?: (n: number) => Error | undefined): ReplyPoster {
    let calls = 0;
    return {
        prepare: (target) => ({
            kind: 'parts',
            delayed: false,
            parts: Array.from({length: parts}, (_, i): ReplyPart => ({kind: 'post', post: {channel_id: target.channel_id, message: `part ${i}`, props: {tripwire_delivery_id: target.delivery_id}}})),
        }),
        create: (part) =>
            step(fate, async () => {
                const err = fail?.(++calls);
                if (err) throw err;
                const id = `p${world.posts.length + 1}`;
                world.posts.push({id, channel_id: part.post.channel_id, props: structuredClone(part.post.props ?? {})});
                return id;
            }),
        postsSince: async (channelId) => {
            if (fate?.dead) throw died();
            return world.posts.filter((p) => p.channel_id === channelId);
        },
    };
}

const partsOf = (world: World, deliveryId: string) =>
    world.posts
        .filter((p) => p.props.tripwire_delivery_id === deliveryId)
        .map((p) => p.props[REPLY_PART_PROP])
        .sort();

const finishedOf = async (kv: MemoryKV, id: string) => (await new OutboxStore(kv, {succeededSeconds: 60, failedSeconds: 60}).loadFinished(id))?.value;

describe('durable reply posting', () => {
    let receiver: TestReceiver;
    const harnesses: Harness[] = [];
    const start = async (...args: Parameters<typeof startHarness>) => {
        const h = await startHarness(...args);
        harnesses.push(h);
        return h;
    };
    // Short leases, so a dead node's delivery is taken over quickly.
    const timings = {leaseMarginMs: 100, replyLeaseMs: 150, replyRetryBaseMs: 5};
    const ep = () => endpoint({url: receiver.url, timeout_ms: 500});

    beforeEach(async () => {
        receiver = await TestReceiver.start();
        receiver.handler = reply(200, {text: 'done'});
    });
    afterEach(async () => {
        for (const h of harnesses.splice(0)) await h.dispatcher.stop().catch(() => undefined);
        await receiver.close();
    });

    it('posts every part once and records the post ids in the finished delivery', async () => {
        const world: World = {posts: []};
        const h = await start({replyPoster: poster(world, 3), options: timings});
        const [d] = await h.dispatcher.submit(deliveryRequest([ep()]));
        await h.drained();
        expect(partsOf(world, d!.delivery_id)).toEqual([0, 1, 2]);
        const finished = await finishedOf(h.kv, d!.delivery_id);
        expect(finished?.reply).toMatchObject({state: 'posted', done: 3, post_ids: world.posts.map((p) => p.id), parts: []});
        const log = await h.dispatcher.log.list('rule1');
        expect(log.map((e) => [e.status, e.reply])).toEqual([['succeeded', {kind: 'posted', posts: 3, ephemeral: 0, delayed: false}]]);
    });

    // A dry run counts the steps (record writes and CreatePosts); then the process dies before and after each one,
    // and a second node must end with each part exactly once.
    it('gives exactly one reply, never zero, whatever step the process dies at', async () => {
        const counter: Fate = {step: 0, at: 0, when: 'after', dead: false};
        const dry = await start({kv: new NodeKV(new MemoryKV(), counter) as unknown as MemoryKV, replyPoster: poster({posts: []}, 2, counter), options: timings});
        await dry.dispatcher.submit(deliveryRequest([ep()]));
        counter.step = 0;
        await dry.drained();
        const steps = counter.step;
        expect(steps).toBeGreaterThanOrEqual(5); // the attempt's write, 2 creates, the part's record, the finish

        const cases = Array.from({length: steps}, (_, i) => i + 1).flatMap((at) => (['before', 'after'] as const).map((when) => ({at, when})));
        const results = await Promise.all(
            cases.map(async ({at, when}, n) => {
                const kv = new MemoryKV();
                const world: World = {posts: []};
                // Armed once the delivery is accepted (what happens before is the engine's business, not the reply's).
                const fate: Fate = {step: 0, at: 0, when, dead: false};
                const a = await start({kv: new NodeKV(kv, fate) as unknown as MemoryKV, nodeId: `a${n}`, replyPoster: poster(world, 2, fate), options: timings});
                const [d] = await a.dispatcher.submit(deliveryRequest([ep()], {facts: facts({event_id: `e${n}`})}));
                Object.assign(fate, {step: 0, at});
                const until = Date.now() + 5000;
                while (!fate.dead && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
                await a.dispatcher.stop().catch(() => undefined);

                const b = await start({kv, nodeId: `b${n}`, replyPoster: poster(world, 2), options: timings});
                await b.drained(10_000);
                const finished = await finishedOf(kv, d!.delivery_id);
                return {at, when, died: fate.dead, parts: partsOf(world, d!.delivery_id), reply: finished?.reply?.state ?? 'finished copy lost'};
            }),
        );
        for (const r of results) {
            expect({...r, parts: r.parts}).toEqual({at: r.at, when: r.when, died: true, parts: [0, 1], reply: r.reply});
            // Only a death between removing the pending record and writing its finished copy loses that copy.
            expect(['posted', 'finished copy lost']).toContain(r.reply);
        }
        expect(results.filter((r) => r.reply === 'posted').length).toBeGreaterThanOrEqual(results.length - 1);
    }, 60_000);

    it('retries a CreatePost that fails with a 5xx or a network error, and posts once', async () => {
        const world: World = {posts: []};
        const flaky = (n: number) => (n === 1 ? new PluginApiError('database unavailable', 503) : n === 2 ? new Error('connection reset') : undefined);
        const h = await start({replyPoster: poster(world, 1, undefined, flaky), options: timings, random: () => 0});
        const [d] = await h.dispatcher.submit(deliveryRequest([ep()]));
        await h.drained(10_000);
        expect(partsOf(world, d!.delivery_id)).toEqual([0]);
        expect(await finishedOf(h.kv, d!.delivery_id)).toMatchObject({state: 'succeeded', reply: {state: 'posted', tries: 2}});
        const log = await h.dispatcher.log.list('rule1');
        // The attempt's entry is logged at once; the reply's outcome comes in its own entry once it was posted (newest first).
        expect(log.map((e) => [e.status, e.reply?.kind, e.reply_resumed])).toEqual([
            ['succeeded', 'posted', true],
            ['succeeded', undefined, undefined],
        ]);
        expect((await h.dispatcher.log.stats('rule1')).deliveries).toBe(1);
        expect(receiver.requests).toHaveLength(1);
    });

    it('resumes a reply left waiting for a retry when the plugin is stopped and started again', async () => {
        const kv = new MemoryKV();
        const world: World = {posts: []};
        // The first node's Mattermost is down: its try fails and waits a long backoff; it is then stopped.
        const a = await start({kv, nodeId: 'node-a', replyPoster: poster(world, 2, undefined, () => new PluginApiError('unavailable', 503)), options: {...timings, replyRetryBaseMs: 60_000}});
        const [d] = await a.dispatcher.submit(deliveryRequest([ep()]));
        const until = Date.now() + 3000;
        const waiting = () => {
            const bytes = kv.peek(keys.pending(d!.delivery_id));
            return bytes !== null && (JSON.parse(Buffer.from(bytes).toString()) as {reply?: {tries: number}}).reply?.tries === 1;
        };
        while (!waiting() && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
        expect(waiting()).toBe(true);
        await a.dispatcher.stop();

        // Made due again (as an admin's replay does) and picked up by the next start's sweep.
        const b = await start({kv, nodeId: 'node-b', replyPoster: poster(world, 2), options: timings});
        expect(await b.dispatcher.replay(d!.delivery_id)).toBe(true);
        await b.drained();
        expect(partsOf(world, d!.delivery_id)).toEqual([0, 1]);
        expect(await finishedOf(kv, d!.delivery_id)).toMatchObject({reply: {state: 'posted', tries: 1}});
        expect(receiver.requests).toHaveLength(1);
    });

    it('ends the reply as failed on a 4xx (archived channel) without retrying', async () => {
        const world: World = {posts: []};
        let calls = 0;
        const archived = () => (calls++, new PluginApiError('Can not post to a deleted channel', 400));
        const h = await start({replyPoster: poster(world, 2, undefined, archived), options: timings});
        const [d] = await h.dispatcher.submit(deliveryRequest([ep()]));
        await h.drained();
        expect(calls).toBe(1);
        expect(await finishedOf(h.kv, d!.delivery_id)).toMatchObject({state: 'succeeded', reply: {state: 'failed', error: 'Can not post to a deleted channel'}});
        const log = await h.dispatcher.log.list('rule1');
        expect(log.map((e) => e.reply)).toEqual([{kind: 'error', reason: 'posting the reply failed: Can not post to a deleted channel'}]);
    });

    it(`gives up after ${REPLY_MAX_TRIES} transient failures`, async () => {
        const world: World = {posts: []};
        const down = () => new PluginApiError('bad gateway', 502);
        const h = await start({replyPoster: poster(world, 1, undefined, down), options: {...timings, replyRetryBaseMs: 1}});
        const [d] = await h.dispatcher.submit(deliveryRequest([ep()]));
        await h.drained(10_000);
        expect(world.posts).toEqual([]);
        expect(await finishedOf(h.kv, d!.delivery_id)).toMatchObject({reply: {state: 'failed', tries: REPLY_MAX_TRIES}});
    });

    it('drops a stored reply whose rule was deleted before it was posted', async () => {
        const world: World = {posts: []};
        const h = await start({replyPoster: poster(world, 1, undefined, () => new Error('timeout')), options: timings, random: () => 0});
        const [d] = await h.dispatcher.submit(deliveryRequest([ep()]));
        const until = Date.now() + 3000;
        while (!(await h.kv.get(keys.pending(d!.delivery_id)).then((b) => b && JSON.parse(Buffer.from(b).toString()).reply?.tries >= 1)) && Date.now() < until) {
            await new Promise((r) => setTimeout(r, 5));
        }
        await h.dispatcher.purgeRule('rule1');
        await h.drained();
        expect(world.posts).toEqual([]);
        expect(h.kv.keys(keys.pendingPrefix)).toEqual([]);
    });
});
