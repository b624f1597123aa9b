import {PluginApiClient} from '../../client';
import type * as m from '../../generated/model';
import {Post} from '../../generated/wire';
import {toJson} from '../../json';
import {AppError} from '../app_error';
import {type Draft} from '../model';
import {withAutocompleteTypes} from './autocomplete';
import {callByName, type ApiMethodName} from './call_by_name';
import {type ApiConnection} from './connection';
import {appError, goError, throwIf} from './errors';
import {RpcKVStore} from './kv_store';
import {ApiLogger, type LogLevel, type Redact} from './logger';
import {loadPluginConfiguration} from './plugin_configuration';
import {readServerConfig, serverConfigInfo, type ServerConfig} from './server_config';
import {type KVStore, type Logger, type PostThread, type ServerConfigInfo} from './types';

export interface MattermostApiOptions {
    /** settings_schema keys, to give LoadPluginConfiguration's lower-cased keys their declared case back. */
    settingKeys?: readonly string[];
    /** Where logs go while the API is not connected (before OnActivate): the host's stderr log. */
    fallbackLog: Logger;
    /** Applied to every log line, message and field values (see ApiLogger). */
    redact?: Redact;
}

export type ClusterSendType = 'reliable' | 'best_effort';

/**
 * Mattermost's plugin API in the generated model's JSON shapes: thin typed methods over the generated client
 * (PluginApiClient), where a *model.AppError or `error` result is thrown as AppError and a nil result without one
 * reads as a 404. Any method of the API is reachable by name through `call`; the typed methods are the common ones.
 */
export class MattermostApi {
    readonly kv: KVStore;
    readonly log: Logger & {write(level: LogLevel, message: string, fields?: Record<string, unknown>): Promise<void>};
    private readonly client: PluginApiClient;

    constructor(
        private readonly conn: ApiConnection,
        private readonly options: MattermostApiOptions,
    ) {
        this.client = new PluginApiClient(conn);
        this.kv = new RpcKVStore(this.client);
        this.log = new ApiLogger(conn, options.fallbackLog, options.redact);
    }

    /** Any API method by name, with JSON-shaped arguments (see callByName). */
    call(method: ApiMethodName, args: readonly unknown[]): Promise<unknown> {
        return callByName(this.conn, method, args);
    }

    // ---- configuration ----

    /** ServiceSettings' outgoing-request fields of the server config (decoded alone: see server_config.ts). */
    getConfig(): Promise<ServerConfig> {
        return readServerConfig(this.conn);
    }

    async getServerConfig(): Promise<ServerConfigInfo> {
        return serverConfigInfo(await this.getConfig());
    }

    loadPluginConfiguration(): Promise<Record<string, unknown>> {
        return loadPluginConfiguration(this.client, this.options.settingKeys ?? []);
    }

    /** Replaces this plugin's settings (PluginSettings.Plugins[id]); Mattermost then calls OnConfigurationChange. */
    async savePluginConfig(config: Record<string, unknown>): Promise<void> {
        const [err] = await this.client.call('SavePluginConfig', config);
        throwIf(appError(err));
    }

    async getServerVersion(): Promise<string> {
        const [version] = await this.client.call('GetServerVersion');
        return version;
    }

    // ---- lookups ----

    async getChannel(channelId: string): Promise<m.Channel> {
        return found(await this.client.call('GetChannel', channelId), 'channel');
    }

    /** null when the user is not a member. */
    async getChannelMember(channelId: string, userId: string): Promise<m.ChannelMember | null> {
        try {
            return found(await this.client.call('GetChannelMember', channelId, userId), 'channel member');
        } catch (err) {
            if (err instanceof AppError && err.isNotFound) return null;
            throw err;
        }
    }

    async getChannelMembers(channelId: string, page: number, perPage: number): Promise<m.ChannelMember[]> {
        const [members, err] = await this.client.call('GetChannelMembers', channelId, page, perPage);
        throwIf(appError(err));
        return members;
    }

    async getDirectChannel(userId1: string, userId2: string): Promise<m.Channel> {
        return found(await this.client.call('GetDirectChannel', userId1, userId2), 'channel');
    }

    async getUser(userId: string): Promise<m.User> {
        return found(await this.client.call('GetUser', userId), 'user');
    }

    async getUserByUsername(username: string): Promise<m.User> {
        return found(await this.client.call('GetUserByUsername', username), 'user');
    }

    async getTeam(teamId: string): Promise<m.Team> {
        return found(await this.client.call('GetTeam', teamId), 'team');
    }

    async getPost(postId: string): Promise<m.Post> {
        return found(await this.client.call('GetPost', postId), 'post');
    }

    async getPostThread(postId: string): Promise<PostThread> {
        return thread(found(await this.client.call('GetPostThread', postId), 'post thread'));
    }

    async getPostsSince(channelId: string, since: number): Promise<PostThread> {
        return thread(found(await this.client.call('GetPostsSince', channelId, since), 'posts'));
    }

    async getFileInfo(fileId: string): Promise<m.FileInfo> {
        return found(await this.client.call('GetFileInfo', fileId), 'file');
    }

    async getGroupsForUser(userId: string): Promise<m.Group[]> {
        const [groups, err] = await this.client.call('GetGroupsForUser', userId);
        throwIf(appError(err));
        return groups.filter((g): g is m.Group => g !== null);
    }

    async getSession(sessionId: string): Promise<m.Session> {
        return found(await this.client.call('GetSession', sessionId), 'session');
    }

    // ---- posts ----

    async createPost(draft: Draft<m.Post>): Promise<m.Post> {
        return found(await this.client.call('CreatePost', draft as m.Post), 'post');
    }

    async updatePost(draft: Draft<m.Post> & {id: string}): Promise<m.Post> {
        return found(await this.client.call('UpdatePost', draft as m.Post), 'post');
    }

    /** The ephemeral post as sent (it is not stored, so no error comes back; a nil reply reads as a zero post). */
    async sendEphemeralPost(userId: string, draft: Draft<m.Post>): Promise<m.Post> {
        const [post] = await this.client.call('SendEphemeralPost', userId, draft as m.Post);
        return post ?? (toJson(Post, {}) as m.Post);
    }

    async deletePost(postId: string): Promise<void> {
        const [err] = await this.client.call('DeletePost', postId);
        throwIf(appError(err));
    }

    // ---- permissions ----

    async hasPermissionTo(userId: string, permission: string): Promise<boolean> {
        const [ok] = await this.client.call('HasPermissionTo', userId, {id: permission} as m.Permission);
        return ok;
    }

    async hasPermissionToChannel(userId: string, channelId: string, permission: string): Promise<boolean> {
        const [ok] = await this.client.call('HasPermissionToChannel', userId, channelId, {id: permission} as m.Permission);
        return ok;
    }

    async hasPermissionToTeam(userId: string, teamId: string, permission: string): Promise<boolean> {
        const [ok] = await this.client.call('HasPermissionToTeam', userId, teamId, {id: permission} as m.Permission);
        return ok;
    }

    // ---- bots, commands, dialogs, events ----

    /** Creates or updates the plugin's bot (Mattermost ≥ 7.1) and returns its user id. */
    async ensureBotUser(bot: Draft<m.Bot> & {username: string}): Promise<string> {
        const [id, err] = await this.client.call('EnsureBotUser', bot as m.Bot);
        throwIf(goError(err));
        return id;
    }

    async createBot(bot: {username: string; display_name?: string; description?: string}): Promise<m.Bot> {
        return found(await this.client.call('CreateBot', bot as m.Bot), 'bot');
    }

    /** Changes only the fields given (a nil BotPatch field is left as it is). */
    async patchBot(botUserId: string, patch: {username?: string; display_name?: string; description?: string}): Promise<m.Bot> {
        return found(await this.client.call('PatchBot', botUserId, patch as m.BotPatch), 'bot');
    }

    async getBot(botUserId: string, includeDeleted: boolean): Promise<m.Bot> {
        return found(await this.client.call('GetBot', botUserId, includeDeleted), 'bot');
    }

    async updateBotActive(botUserId: string, active: boolean): Promise<m.Bot> {
        return found(await this.client.call('UpdateBotActive', botUserId, active), 'bot');
    }

    async setProfileImage(userId: string, data: Uint8Array): Promise<void> {
        const [err] = await this.client.call('SetProfileImage', userId, data);
        throwIf(appError(err));
    }

    /** An autocomplete argument's Data may be given as plain JSON: its Type chooses the Go type (see autocomplete.ts). */
    async registerCommand(command: Draft<m.Command>): Promise<void> {
        const [err] = await this.client.call('RegisterCommand', withAutocompleteTypes(command) as m.Command);
        throwIf(goError(err));
    }

    async openInteractiveDialog(request: Draft<m.OpenDialogRequest>): Promise<void> {
        const [err] = await this.client.call('OpenInteractiveDialog', request as m.OpenDialogRequest);
        throwIf(appError(err));
    }

    async publishWebSocketEvent(event: string, payload: Record<string, unknown>, broadcast: Draft<m.WebsocketBroadcast>): Promise<void> {
        await this.client.call('PublishWebSocketEvent', event, payload, broadcast as m.WebsocketBroadcast);
    }

    async publishPluginClusterEvent(id: string, data: Uint8Array, sendType: ClusterSendType = 'reliable', targetId = ''): Promise<void> {
        const [err] = await this.client.call('PublishPluginClusterEvent', {Id: id, Data: data}, {SendType: sendType, TargetId: targetId});
        throwIf(goError(err));
    }
}

/** The first result, or the AppError in the second; a nil result without an error reads as 404. */
function found<T>([value, err]: readonly [T | null, m.AppError | null], what: string): T {
    throwIf(appError(err));
    if (value == null) throw new AppError(`${what} not found`, 404);
    return value;
}

/** A PostList as a thread: nil posts (none in practice) left out. */
function thread(list: m.PostList): PostThread {
    const posts: Record<string, m.Post> = {};
    for (const [id, p] of Object.entries(list.posts ?? {})) if (p) posts[id] = p;
    return {order: list.order, posts};
}
