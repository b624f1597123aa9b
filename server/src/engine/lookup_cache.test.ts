import {type ChannelInfo} from '../ports';
import {channel, ids, user} from '../rules/testing/factories';

import {LookupCache} from './lookup_cache';

function setup(options: ConstructorParameters<typeof LookupCache>[2] = {}) {
    let now = 1_700_000_000_000;
    const clock = {now: () => now};
    const calls: string[] = [];
    const channels: Record<string, ChannelInfo> = {[ids.town]: channel()};
    let failNext = false;
    const api = {
        getChannel: async (id: string) => {
            calls.push(`channel ${id}`);
            if (failNext) {
                failNext = false;
                throw new Error('rpc down');
            }
            return channels[id] ?? Promise.reject(new Error('no channel'));
        },
        getUser: async (id: string) => {
            calls.push(`user ${id}`);
            return user({id});
        },
        getTeam: async (id: string) => {
            calls.push(`team ${id}`);
            return {id, name: 'eng', display_name: 'Engineering'};
        },
    };
    const cache = new LookupCache(api, clock, {channelTtlMs: 1000, userTtlMs: 1000, teamTtlMs: 5000, maxEntries: 3, ...options});
    return {cache, calls, channels, advance: (ms: number) => (now += ms), failNextChannel: () => (failNext = true)};
}

describe('LookupCache', () => {
    it('asks once per TTL, and once for concurrent callers', async () => {
        const {cache, calls, advance} = setup();
        await Promise.all([cache.getChannel(ids.town), cache.getChannel(ids.town), cache.getUser(ids.alice), cache.getUser(ids.alice)]);
        await cache.getTeam(ids.team);
        advance(999);
        await Promise.all([cache.getChannel(ids.town), cache.getUser(ids.alice), cache.getTeam(ids.team)]);
        expect(calls).toEqual([`channel ${ids.town}`, `user ${ids.alice}`, `team ${ids.team}`]);
        advance(1);
        await Promise.all([cache.getChannel(ids.town), cache.getUser(ids.alice), cache.getTeam(ids.team)]);
        expect(calls.slice(3)).toEqual([`channel ${ids.town}`, `user ${ids.alice}`]);
    });

    it('never caches an archived channel, so a restore is seen on the next post', async () => {
        const {cache, calls, channels} = setup();
        channels[ids.town] = channel({delete_at: 5});
        expect((await cache.getChannel(ids.town)).delete_at).toBe(5);
        channels[ids.town] = channel();
        expect((await cache.getChannel(ids.town)).delete_at).toBe(0);
        expect(calls).toHaveLength(2);
    });

    it('forgets a channel on a system message and does not cache it again for a TTL', async () => {
        const {cache, calls, channels, advance} = setup();
        await cache.getChannel(ids.town);
        cache.notePost({type: '', channel_id: ids.town});
        await cache.getChannel(ids.town);
        expect(calls).toHaveLength(1);

        cache.notePost({type: 'system_channel_deleted', channel_id: ids.town});
        await cache.getChannel(ids.town); // read before Mattermost stored delete_at
        channels[ids.town] = channel({delete_at: 7});
        expect((await cache.getChannel(ids.town)).delete_at).toBe(7);
        expect(calls).toHaveLength(3);

        channels[ids.town] = channel();
        advance(1000);
        await cache.getChannel(ids.town);
        await cache.getChannel(ids.town);
        expect(calls).toHaveLength(4); // cached again once the quiet time is over
    });

    it('does not cache failures, and drops a value loaded across a forget', async () => {
        const {cache, calls, failNextChannel} = setup();
        failNextChannel();
        await expect(cache.getChannel(ids.town)).rejects.toThrow('rpc down');
        await cache.getChannel(ids.town);
        expect(calls).toHaveLength(2);

        cache.forgetChannel(ids.town);
        const loading = cache.getChannel(ids.town);
        cache.forgetChannel(ids.town);
        await loading;
        await cache.getChannel(ids.town);
        expect(calls).toHaveLength(4);
    });

    it('stays bounded: the oldest entry goes first', async () => {
        const {cache, calls} = setup();
        for (const u of ['u1', 'u2', 'u3', 'u4']) await cache.getUser(u);
        expect(cache.sizes.users).toBe(3);
        await cache.getUser('u4');
        await cache.getUser('u1');
        expect(calls.filter((c) => c === 'user u1')).toHaveLength(2);
        expect(calls.filter((c) => c === 'user u4')).toHaveLength(1);
    });
});
