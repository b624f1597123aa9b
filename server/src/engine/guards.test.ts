import {HOPS_PROP, loopProps} from '@tripwire/common';
import {parseSettings} from '../config/settings';
import {matchPost} from '../rules/matcher';
import {channel, id, ids, post, rule, user} from '../rules/testing/factories';
import {MemoryKV} from '../rules/testing/memory_kv';
import {admitPost, Guards} from './guards';
import {CooldownTracker} from './guards_cooldown';

const bots = new Set([ids.bot]);

describe('admitPost', () => {
    it('never lets Tripwire\'s own posts trip a rule', () => {
        expect(admitPost({user_id: ids.bot, props: {}}, bots, 3)).toMatchObject({ok: false, reason: 'own_post'});
        expect(admitPost({user_id: ids.alice, props: {}}, bots, 3)).toEqual({ok: true, hops: 0});
    });

    it("admits Tripwire's posts for services with their hop count, and stops them at the hop limit", () => {
        const forService = (hops: unknown) => ({user_id: ids.bot, props: {from_webhook: 'true', tripwire_rule_id: id('rule1'), [HOPS_PROP]: hops}});
        expect(admitPost(forService(1), bots, 3)).toEqual({ok: true, hops: 1});
        expect(admitPost(forService('2'), bots, 3)).toEqual({ok: true, hops: 2});
        expect(admitPost(forService(3), bots, 3)).toMatchObject({ok: false, reason: 'hop_limit'});
        // Without a hop count, the origin rule or from_webhook it is one of Tripwire's own messages.
        expect(admitPost(forService(0), bots, 3)).toMatchObject({ok: false, reason: 'own_post'});
        expect(admitPost({user_id: ids.bot, props: {from_webhook: 'true', [HOPS_PROP]: 1}}, bots, 3)).toMatchObject({ok: false, reason: 'own_post'});
        expect(admitPost({user_id: ids.bot, props: {tripwire_rule_id: id('rule1'), [HOPS_PROP]: 1}}, bots, 3)).toMatchObject({ok: false, reason: 'own_post'});
    });

    it('stops reply chains at the hop limit, counting through loopProps', () => {
        let p = {user_id: ids.otherBot, props: {} as Record<string, unknown>};
        const admitted: number[] = [];
        for (let i = 0; i < 6; i++) {
            const verdict = admitPost(p, bots, 3);
            if (!verdict.ok) break;
            admitted.push(verdict.hops);
            p = {user_id: ids.otherBot, props: loopProps(p, id('rule1'))}; // the reply a delivery posts
        }
        expect(admitted).toEqual([0, 1, 2]);
        expect(admitPost({user_id: ids.alice, props: {[HOPS_PROP]: '3'}}, bots, 3)).toMatchObject({ok: false, reason: 'hop_limit'});
        expect(admitPost({user_id: ids.alice, props: {[HOPS_PROP]: 'lots'}}, bots, 3)).toMatchObject({ok: true, hops: 0});
    });
});

describe('CooldownTracker', () => {
    it('holds a rule per channel and per author, and lets go when the time is up', () => {
        let now = 0;
        const t = new CooldownTracker({now: () => now});
        const r = {id: id('r1'), cooldown: {channelSeconds: 10, userSeconds: 60}};
        expect(t.tryFire(r, ids.town, ids.alice).ok).toBe(true);
        expect(t.tryFire(r, ids.town, ids.bob)).toMatchObject({ok: false, scope: 'channel', retryAfterMs: 10_000});
        expect(t.tryFire(r, ids.priv, ids.alice)).toMatchObject({ok: false, scope: 'user', retryAfterMs: 60_000});
        expect(t.tryFire(r, ids.priv, ids.bob).ok).toBe(true);
        now = 10_000;
        expect(t.tryFire(r, ids.town, ids.carol).ok).toBe(true);
        expect(t.tryFire({...r, id: id('r2')}, ids.town, ids.alice).ok).toBe(true); // another rule, its own clock
    });

    it('applies a shortened cooldown at once, keeps nothing for rules without one, and can undo', () => {
        let now = 0;
        const t = new CooldownTracker({now: () => now});
        const r = {id: id('r1'), cooldown: {channelSeconds: 100, userSeconds: 0}};
        t.tryFire(r, ids.town, ids.alice);
        now = 5000;
        expect(t.tryFire({...r, cooldown: {channelSeconds: 5, userSeconds: 0}}, ids.town, ids.alice).ok).toBe(true);
        const free = {id: id('r3'), cooldown: {channelSeconds: 0, userSeconds: 0}};
        t.tryFire(free, ids.town, ids.alice);
        expect(t.size).toBe(1);
        const v = t.tryFire({id: id('r4'), cooldown: {channelSeconds: 9, userSeconds: 0}}, ids.town, ids.alice);
        if (v.ok) v.undo();
        expect(t.tryFire({id: id('r4'), cooldown: {channelSeconds: 9, userSeconds: 0}}, ids.town, ids.alice).ok).toBe(true);
    });

    it('stays bounded', () => {
        let now = 0;
        const t = new CooldownTracker({now: () => now}, 100);
        for (let i = 0; i < 1000; i++, now++) t.tryFire({id: id(`r${i}`), cooldown: {channelSeconds: 60, userSeconds: 0}}, ids.town, ids.alice);
        expect(t.size).toBeLessThanOrEqual(100);
    });
});

describe('Guards.release', () => {
    function setup() {
        let now = 0;
        const kv = new MemoryKV(() => now);
        const guards = new Guards({kv, clock: {now: () => now}, settings: () => parseSettings({}), ownBotIds: () => bots});
        return {guards, kv, advance: (ms: number) => (now += ms)};
    }

    it('fires a posted match once and an edited match only if that post never fired', async () => {
        const {guards} = setup();
        const r = rule({events: ['posted', 'edited'], trigger: {mode: 'contains', words: ['urgent']}});
        const original = post('urgent!');
        const posted = matchPost(original, channel(), user(), [r]).matches;
        expect((await guards.release(posted, original, 'posted')).fire).toHaveLength(1);
        // Edited to something else and back: newly matching against the previous text, but this post already fired.
        const edited = post('urgent again', {edit_at: 5});
        const again = matchPost(edited, channel(), user(), [r], {event: 'edited', previousMessage: 'calm'}).matches;
        expect(again).toHaveLength(1);
        expect(await guards.release(again, edited, 'edited')).toMatchObject({fire: [], held: [{reason: 'already_fired'}]});
    });

    it('fires an edit that newly matches exactly once across nodes', async () => {
        const {guards, kv} = setup();
        const other = new Guards({kv, clock: {now: () => 0}, settings: () => parseSettings({}), ownBotIds: () => bots});
        const r = rule({events: ['edited'], trigger: {mode: 'contains', words: ['urgent']}});
        const edited = post('now urgent');
        const matches = matchPost(edited, channel(), user(), [r], {event: 'edited', previousMessage: 'calm'}).matches;
        const [a, b] = await Promise.all([guards.release(matches, edited, 'edited'), other.release(matches, edited, 'edited')]);
        expect(a.fire.length + b.fire.length).toBe(1);
    });

    it('holds matches in cooldown without spending their once-per-post claim', async () => {
        const {guards, kv, advance} = setup();
        const r = rule({events: ['posted', 'edited'], cooldown: {channelSeconds: 30}});
        const p1 = post('a', {id: id('p1')});
        const p2 = post('b', {id: id('p2')});
        expect((await guards.release(matchPost(p1, channel(), user(), [r]).matches, p1, 'posted')).fire).toHaveLength(1);
        const held = await guards.release(matchPost(p2, channel(), user(), [r]).matches, p2, 'posted');
        expect(held).toMatchObject({fire: [], held: [{reason: 'cooldown_channel', retryAfterMs: 30_000}]});
        expect([...kv.data.keys()].filter((k) => k.includes(id('p2')))).toEqual([]);
        advance(30_000);
        expect((await guards.release(matchPost(p2, channel(), user(), [r]).matches, p2, 'posted')).fire).toHaveLength(1);
    });

    it('does not write to the KV store for rules that ignore edits', async () => {
        const {guards, kv} = setup();
        const p = post('x');
        await guards.release(matchPost(p, channel(), user(), [rule()]).matches, p, 'posted');
        expect(kv.writes).toBe(0);
    });

    it('admits by the configured MaxHops', () => {
        const g = new Guards({kv: new MemoryKV(), clock: {now: () => 0}, settings: () => parseSettings({MaxHops: 1}), ownBotIds: () => bots});
        expect(g.admit({user_id: ids.alice, props: {[HOPS_PROP]: 1}})).toMatchObject({ok: false, reason: 'hop_limit'});
    });
});
