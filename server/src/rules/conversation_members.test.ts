import {type ChannelMemberInfo} from '../ports';
import {ConversationMembers} from './conversation_members';
import {channel, ids} from './testing/factories';

describe('ConversationMembers', () => {
    function setup() {
        let now = 1000;
        const calls: unknown[][] = [];
        let members = [ids.alice, ids.bob, ids.carol];
        const api = {
            getChannelMembers: async (channelId: string, page: number, perPage: number) => {
                calls.push([channelId, page, perPage]);
                return members.map((user_id) => ({channel_id: channelId, user_id, roles: 'channel_user', scheme_admin: false, scheme_user: true}) as ChannelMemberInfo);
            },
        };
        const resolver = new ConversationMembers(api, {now: () => now}, 60_000);
        return {resolver, calls, advance: (ms: number) => (now += ms), setMembers: (m: string[]) => (members = m)};
    }

    it('reads a direct conversation\'s two members from its name, without asking Mattermost', async () => {
        const {resolver, calls} = setup();
        expect(await resolver.of(channel({id: ids.dm, type: 'D', name: `${ids.alice}__${ids.bob}`}))).toEqual([ids.alice, ids.bob]);
        expect(calls).toEqual([]);
    });

    it('asks Mattermost for a group\'s members and keeps them for the TTL', async () => {
        const {resolver, calls, advance, setMembers} = setup();
        const gm = channel({id: ids.gm, type: 'G', name: 'hash'});
        expect(await resolver.of(gm)).toEqual([ids.alice, ids.bob, ids.carol]);
        setMembers([ids.alice, ids.bob]);
        advance(59_000);
        expect(await resolver.of(gm)).toEqual([ids.alice, ids.bob, ids.carol]);
        advance(2_000);
        expect(await resolver.of(gm)).toEqual([ids.alice, ids.bob]);
        expect(calls).toEqual([
            [ids.gm, 0, 100],
            [ids.gm, 0, 100],
        ]);
    });

    it('has no members for other channels', async () => {
        const {resolver, calls} = setup();
        expect(await resolver.of(channel())).toEqual([]);
        expect(calls).toEqual([]);
    });
});
