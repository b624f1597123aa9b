import type * as m from '../../generated/model';
import {type Draft} from '../model';
import type {NodeHandler} from '../serve_http/in_memory_http';

type Awaitable<T> = T | Promise<T>;

/**
 * What a plugin implements, all optional, in the generated model's JSON shapes (encoding/json's keys). Only the hooks given are listed in
 * Plugin.Implemented, so Mattermost never calls the others (OnActivate is always called).
 *
 * Errors: OnActivate, OnDeactivate and OnConfigurationChange report failure by throwing (a PluginApiError travels as
 * *model.AppError, anything else as *plugin.ErrorString with its message); throwing from OnActivate refuses
 * activation. ExecuteCommand throws a PluginApiError to answer with that AppError. Errors thrown by the other hooks
 * are logged; a hook never takes the process down.
 */
export interface PluginHooks {
    onActivate?(): Awaitable<void>;
    onDeactivate?(): Awaitable<void>;
    onConfigurationChange?(): Awaitable<void>;
    messageHasBeenPosted?(context: m.PluginContext, post: m.Post): Awaitable<void>;
    messageHasBeenUpdated?(context: m.PluginContext, newPost: m.Post, oldPost: m.Post): Awaitable<void>;
    executeCommand?(context: m.PluginContext, args: m.CommandArgs): Awaitable<Draft<m.CommandResponse>>;
    onPluginClusterEvent?(context: m.PluginContext, event: m.PluginClusterEvent): Awaitable<void>;
    reactionHasBeenAdded?(context: m.PluginContext, reaction: m.Reaction): Awaitable<void>;
    reactionHasBeenRemoved?(context: m.PluginContext, reaction: m.Reaction): Awaitable<void>;
    /** `actor` is who added the user, null when they joined by themselves. */
    userHasJoinedChannel?(context: m.PluginContext, member: m.ChannelMember, actor: m.User | null): Awaitable<void>;
    /** `actor` is who removed the user, null when they left by themselves. */
    userHasLeftChannel?(context: m.PluginContext, member: m.ChannelMember, actor: m.User | null): Awaitable<void>;
    /**
     * HTTP requests to /plugins/<id>/…, with that prefix removed from the URL (Mattermost strips it). Any Node
     * (req, res) handler, e.g. an express app. Mattermost-User-Id is set only for authenticated requests;
     * `requestContext(req)` gives the plugin.Context.
     */
    serveHTTP?: NodeHandler;
    /**
     * Mattermost's metrics listener (`/plugins/<id>/metrics` on MetricsSettings.ListenAddress), bridged like serveHTTP:
     * the handler answers with Prometheus text. The listener has no session, so no Mattermost-User-Id.
     */
    serveMetrics?: NodeHandler;
}

/** The Go hook name each PluginHooks member implements. */
export const HOOK_NAMES = {
    onActivate: 'OnActivate',
    onDeactivate: 'OnDeactivate',
    onConfigurationChange: 'OnConfigurationChange',
    messageHasBeenPosted: 'MessageHasBeenPosted',
    messageHasBeenUpdated: 'MessageHasBeenUpdated',
    executeCommand: 'ExecuteCommand',
    onPluginClusterEvent: 'OnPluginClusterEvent',
    reactionHasBeenAdded: 'ReactionHasBeenAdded',
    reactionHasBeenRemoved: 'ReactionHasBeenRemoved',
    userHasJoinedChannel: 'UserHasJoinedChannel',
    userHasLeftChannel: 'UserHasLeftChannel',
    serveHTTP: 'ServeHTTP',
    serveMetrics: 'ServeMetrics',
} as const satisfies Record<keyof PluginHooks, string>;

/** Plugin.Implemented's reply: exactly the hooks provided, in a stable order. */
export function implementedHooks(hooks: PluginHooks): string[] {
    return (Object.keys(HOOK_NAMES) as Array<keyof PluginHooks>).filter((k) => typeof hooks[k] === 'function').map((k) => HOOK_NAMES[k]);
}
