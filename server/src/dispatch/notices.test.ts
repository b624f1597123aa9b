import type {PostDraft} from '../ports';

import {notifyOriginChange, pluginNotifier} from './notices';

function fakeApi() {
    const posts: PostDraft[] = [];
    const ephemeral: Array<[string, PostDraft]> = [];
    const post = (p: PostDraft) => ({...p, id: 'x', create_at: 0, update_at: 0, edit_at: 0, delete_at: 0, user_id: '', root_id: '', type: '' as const, props: {}});
    return {
        posts,
        ephemeral,
        api: {
            getDirectChannel: async (a: string, b: string) => ({id: `dm_${a}_${b}`, team_id: '', type: 'D' as const, name: '', display_name: '', delete_at: 0}),
            createPost: async (p: PostDraft) => (posts.push(p), post(p)),
            sendEphemeralPost: async (u: string, p: PostDraft) => (ephemeral.push([u, p]), post(p)),
        },
    };
}

describe('pluginNotifier', () => {
    it('DMs the rule owner from the bot when an endpoint is disabled', async () => {
        const fake = fakeApi();
        await pluginNotifier(fake.api, 'bot1').endpointDisabled({ownerId: 'owner1', ruleName: 'Deploys', endpointId: 'main', url: 'https://svc/x'});
        expect(fake.posts).toEqual([expect.objectContaining({channel_id: 'dm_bot1_owner1', user_id: 'bot1', message: expect.stringContaining('410 Gone')})]);
    });

    it('tells only the triggering user when a delivery is dropped, in the thread', async () => {
        const fake = fakeApi();
        await pluginNotifier(fake.api, 'bot1').deliveryDropped({userId: 'u1', channelId: 'c1', rootId: 'r1', ruleName: 'Deploys', retryInMs: 1500});
        expect(fake.ephemeral).toEqual([['u1', expect.objectContaining({channel_id: 'c1', root_id: 'r1', user_id: 'bot1', message: expect.stringContaining('2 s')})]]);
    });

    it('DMs the owner who moved which endpoint from which origin to which, and what was dropped', async () => {
        const fake = fakeApi();
        await notifyOriginChange(fake.api, 'bot1', {
            ownerId: 'owner1',
            ruleName: 'Deploys',
            changedBy: 'mallory',
            changes: [
                {endpointId: 'main', from: 'https://ci.example.com', to: 'https://evil.example.net', dropped: ['signing secret', 'token']},
                {endpointId: 'backup', from: 'https://a.example.com', to: 'https://b.example.com', dropped: []},
            ],
        });
        const [dm] = fake.posts;
        expect(dm).toMatchObject({channel_id: 'dm_bot1_owner1', user_id: 'bot1', props: {tripwire_notice: 'endpoint_origin_changed'}});
        expect(dm!.message).toContain('@mallory changed where your rule **Deploys** sends deliveries');
        expect(dm!.message).toContain('endpoint `main`: from https://ci.example.com to https://evil.example.net; dropped: signing secret, token');
        expect(dm!.message).toMatch(/endpoint `backup`: .*nothing was dropped/);
    });
});
