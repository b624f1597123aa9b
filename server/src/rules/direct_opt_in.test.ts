import {DirectOptIns, OPT_IN_CHANGED_EVENT, optedIn} from './direct_opt_in';
import {CachedGroupSource} from './group_resolver';
import {ids} from './testing/factories';
import {MemoryKV} from './testing/memory_kv';

describe('DirectOptIns', () => {
    function setup() {
        const kv = new MemoryKV();
        const events: string[] = [];
        const other = new DirectOptIns(kv, async () => {});
        const store = new DirectOptIns(kv, async (id, data) => {
            events.push(id);
            other.handleClusterEvent(data);
        });
        return {kv, store, other, events};
    }

    it('starts with no consent', async () => {
        const {store} = setup();
        expect(await store.get(ids.alice)).toEqual({all: false, channels: {}});
        expect(await store.allOptedIn(ids.dm, [ids.alice, ids.bob])).toBe(false);
    });

    it('needs every member, globally or for this conversation; a per-conversation answer wins', async () => {
        const {store} = setup();
        await store.set(ids.alice, {all: true});
        expect(await store.allOptedIn(ids.dm, [ids.alice, ids.bob])).toBe(false);
        await store.set(ids.bob, {channel: {id: ids.dm, optedIn: true}});
        expect(await store.allOptedIn(ids.dm, [ids.alice, ids.bob])).toBe(true);
        expect(await store.allOptedIn(ids.gm, [ids.alice, ids.bob])).toBe(false); // bob only said yes to the DM
        await store.set(ids.alice, {channel: {id: ids.dm, optedIn: false}});
        expect(await store.allOptedIn(ids.dm, [ids.alice, ids.bob])).toBe(false);
        expect(await store.allOptedIn(ids.dm, [])).toBe(false);
    });

    it('clears a conversation answer and removes an empty record', async () => {
        const {store, kv} = setup();
        await store.set(ids.alice, {channel: {id: ids.dm, optedIn: true}});
        await store.set(ids.alice, {channel: {id: ids.dm, optedIn: null}});
        expect(kv.data.size).toBe(0);
        expect(optedIn(await store.get(ids.alice), ids.dm)).toBe(false);
    });

    it('tells the other nodes', async () => {
        const {store, other, events} = setup();
        expect((await other.get(ids.alice)).all).toBe(false); // cached on the other node
        await store.set(ids.alice, {all: true});
        expect(events).toEqual([OPT_IN_CHANGED_EVENT]);
        expect((await other.get(ids.alice)).all).toBe(true);
    });
});

describe('CachedGroupSource', () => {
    it('asks again only after the time to live', async () => {
        let now = 0;
        const calls: string[] = [];
        const source = new CachedGroupSource({groupIdsForUser: async (u) => (calls.push(u), [`g-${calls.length}`])}, {now: () => now}, 1000);
        expect(await source.groupIdsForUser(ids.alice)).toEqual(['g-1']);
        now = 999;
        expect(await source.groupIdsForUser(ids.alice)).toEqual(['g-1']);
        now = 1000;
        expect(await source.groupIdsForUser(ids.alice)).toEqual(['g-2']);
    });
});

describe('DirectOptIns without a stored record', () => {
    it('saying no to everything when nothing was ever stored writes nothing and succeeds', async () => {
        const kv = new MemoryKV();
        const store = new DirectOptIns(kv, async () => {});
        expect(await store.set(ids.alice, {all: false})).toEqual({all: false, channels: {}});
        expect(await store.set(ids.alice, {channel: {id: ids.dm, optedIn: null}})).toEqual({all: false, channels: {}});
        expect(kv.data.size).toBe(0);
    });
});
