import type {model} from '@tripwire/sdk/mattermost';
import type {PostInfo, PostThread, UserInfo} from '../ports';

/**
 * The SDK's JSON shapes (encoding/json's, from the generated model) as the ports read them. Where they differ:
 * gob leaves an empty map out, so a post without props arrives with `props: null` (encoding/json's nil map), and the
 * ports promise an object; structs without json tags (PluginClusterEvent) have Go-named keys.
 */

/** A post as the ports read it. The SDK's object is fresh per call, so it is completed in place (the hot path). */
export function postInfo(post: model.Post): PostInfo {
    post.props ??= {};
    return post as PostInfo;
}

export function postThread(thread: {order: string[]; posts: Record<string, model.Post>}): PostThread {
    for (const post of Object.values(thread.posts)) postInfo(post);
    return thread as PostThread;
}

/** A hook's *model.User as the engine reads users (`is_bot` is omitted on the wire when false). */
export function userInfo(user: model.User): UserInfo {
    return {...user, is_bot: user.is_bot === true} as UserInfo;
}

/** model.PluginClusterEvent (no json tags: Id, Data) as the rule store and opt-ins take it. */
export function clusterEvent(event: model.PluginClusterEvent): {id: string; data: Uint8Array} {
    return {id: event.Id, data: event.Data ?? new Uint8Array()};
}
