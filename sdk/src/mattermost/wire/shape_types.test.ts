import type {ChannelMemberJs, PostJs} from './index';

// Compile-time checks that the JS shapes are derived from the declarations (tsc runs over test files too).
describe('derived JS shapes', () => {
    it('types posts by their JSON keys', () => {
        const post: PostJs = {
            id: 'p', create_at: 1, update_at: 1, edit_at: 0, delete_at: 0, is_pinned: false, user_id: 'u', channel_id: 'c',
            root_id: '', original_id: '', message: 'hi', type: '', props: {}, hashtags: '', pending_post_id: '',
            reply_count: 0, last_reply_at: 0,
        };
        // @ts-expect-error Go field names are not part of the JS shape
        const wrong: PostJs['ChannelId'] = 'x';
        const member: Pick<ChannelMemberJs, 'scheme_admin'> = {scheme_admin: true};
        expect([post.message, wrong, member.scheme_admin]).toEqual(['hi', 'x', true]);
    });
});
