import type {PluginAPI} from '../ports';

import type {ReplyDrafts} from './to_posts';

/** The one place replies touch Mattermost: posts in order, then ephemeral posts. */
export async function postReplyDrafts(api: Pick<PluginAPI, 'createPost' | 'sendEphemeralPost'>, drafts: ReplyDrafts): Promise<{posts: number; ephemeral: number}> {
    let posts = 0;
    for (const post of drafts.posts) {
        await api.createPost(post);
        posts++;
    }
    let ephemeral = 0;
    for (const {user_id, post} of drafts.ephemerals) {
        await api.sendEphemeralPost(user_id, post);
        ephemeral++;
    }
    return {posts, ephemeral};
}
