import {AppError} from '../app_error';
import {fromJs, ifaceFromJs, model as m, toJs, w, type ApiMethodName, type BotJs, type ChannelJs, type ChannelMemberJs, type CommandJs, type FileInfoJs, type GroupJs, type OpenDialogRequestJs, type PostDraftJs, type PostJs, type PostListJs, type ServerConfigJs, type SessionJs, type TeamJs, type UserJs, type WebsocketBroadcastJs} from '../wire';
import {callByName} from './call_by_name';
import {type ApiConnection, type Returns} from './connection';
import {appError, goError, throwIf} from './errors';
import {RpcKVStore} from './kv_store';
import {ApiLogger, type LogLevel, type Redact} from './logger';
import {parsePluginConfiguration} from './plugin_configuration';
import {type KVStore, type Logger, type PostThread, type ServerConfigInfo} from './types';

const post = w.ptr(m.Post);

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
 * Mattermost's plugin API over its RPC, in Mattermost's JSON shapes (the model structs as encoding/json writes them).
 * Model values are converted by the wire declarations; *model.AppError results become AppError. Any method of the
 * API is reachable by name through `call`; the typed methods here are the common ones.
 */
export class MattermostApi {
    readonly kv: KVStore;
    readonly log: Logger & {write(level: LogLevel, message: string, fields?: Record<string, unknown>): Promise<void>};

    constructor(
        private readonly conn: ApiConnection,
        private readonly options: MattermostApiOptions,
    ) {
        this.kv = new RpcKVStore(conn);
        this.log = new ApiLogger(conn, options.fallbackLog, options.redact);
    }

    /** Any API method of the wire table by name, with JSON-shaped arguments (see callByName). */
    call(method: ApiMethodName, args: readonly unknown[]): Promise<unknown> {
        return callByName(this.conn, method, args);
    }

    // ---- configuration ----

    async getConfig(): Promise<ServerConfigJs> {
        const r = await this.conn.call('GetConfig');
        return toJs(m.Config, r.A) as ServerConfigJs;
    }

    async getServerConfig(): Promise<ServerConfigInfo> {
        const s = (await this.getConfig()).ServiceSettings;
        return {
            siteURL: s.SiteURL ?? '',
            allowedUntrustedInternalConnections: (s.AllowedUntrustedInternalConnections ?? '').split(/[\s,]+/).filter(Boolean),
            enableInsecureOutgoingConnections: s.EnableInsecureOutgoingConnections ?? false,
            enablePostUsernameOverride: s.EnablePostUsernameOverride ?? false,
            enablePostIconOverride: s.EnablePostIconOverride ?? false,
        };
    }

    async loadPluginConfiguration(): Promise<Record<string, unknown>> {
        const r = await this.conn.call('LoadPluginConfiguration');
        return parsePluginConfiguration(r.A, this.options.settingKeys ?? []);
    }

    /** Replaces this plugin's settings (PluginSettings.Plugins[id]); Mattermost then calls OnConfigurationChange. */
    async savePluginConfig(config: Record<string, unknown>): Promise<void> {
        throwIf(appError((await this.conn.call('SavePluginConfig', config)).A));
    }

    async getServerVersion(): Promise<string> {
        return String((await this.conn.call('GetServerVersion')).A ?? '');
    }

    // ---- lookups ----

    async getChannel(channelId: string): Promise<ChannelJs> {
        return found(await this.conn.call('GetChannel', channelId), m.Channel, 'channel') as ChannelJs;
    }

    async getChannelMember(channelId: string, userId: string): Promise<ChannelMemberJs | null> {
        try {
            return found(await this.conn.call('GetChannelMember', channelId, userId), m.ChannelMember, 'channel member') as ChannelMemberJs;
        } catch (err) {
            if (err instanceof AppError && err.isNotFound) return null;
            throw err;
        }
    }

    async getChannelMembers(channelId: string, page: number, perPage: number): Promise<ChannelMemberJs[]> {
        const r = await this.conn.call('GetChannelMembers', channelId, page, perPage);
        throwIf(appError(r.B));
        return Array.isArray(r.A) ? r.A.map((member) => toJs(m.ChannelMember, member) as ChannelMemberJs) : [];
    }

    async getDirectChannel(userId1: string, userId2: string): Promise<ChannelJs> {
        return found(await this.conn.call('GetDirectChannel', userId1, userId2), m.Channel, 'channel') as ChannelJs;
    }

    async getUser(userId: string): Promise<UserJs> {
        return found(await this.conn.call('GetUser', userId), m.User, 'user') as UserJs;
    }

    async getUserByUsername(username: string): Promise<UserJs> {
        return found(await this.conn.call('GetUserByUsername', username), m.User, 'user') as UserJs;
    }

    async getTeam(teamId: string): Promise<TeamJs> {
        return found(await this.conn.call('GetTeam', teamId), m.Team, 'team') as TeamJs;
    }

    async getPost(postId: string): Promise<PostJs> {
        return found(await this.conn.call('GetPost', postId), m.Post, 'post') as PostJs;
    }

    async getPostThread(postId: string): Promise<PostThread> {
        const list = found(await this.conn.call('GetPostThread', postId), m.PostList, 'post thread') as PostListJs;
        const posts: Record<string, PostJs> = {};
        for (const [id, p] of Object.entries(list.posts)) if (p) posts[id] = p;
        return {order: list.order, posts};
    }

    async getPostsSince(channelId: string, since: number): Promise<PostThread> {
        const list = found(await this.conn.call('GetPostsSince', channelId, since), m.PostList, 'posts') as PostListJs;
        const posts: Record<string, PostJs> = {};
        for (const [id, p] of Object.entries(list.posts)) if (p) posts[id] = p;
        return {order: list.order, posts};
    }

    async getFileInfo(fileId: string): Promise<FileInfoJs> {
        return found(await this.conn.call('GetFileInfo', fileId), m.FileInfo, 'file') as FileInfoJs;
    }

    async getGroupsForUser(userId: string): Promise<GroupJs[]> {
        const r = await this.conn.call('GetGroupsForUser', userId);
        throwIf(appError(r.B));
        return Array.isArray(r.A) ? r.A.map((g) => toJs(m.Group, g) as GroupJs) : [];
    }

    async getSession(sessionId: string): Promise<SessionJs> {
        return found(await this.conn.call('GetSession', sessionId), m.Session, 'session') as SessionJs;
    }

    // ---- posts ----

    async createPost(draft: PostDraftJs): Promise<PostJs> {
        return found(await this.conn.call('CreatePost', fromJs(post, draft)), m.Post, 'post') as PostJs;
    }

    async updatePost(draft: PostDraftJs & {id: string}): Promise<PostJs> {
        return found(await this.conn.call('UpdatePost', fromJs(post, draft)), m.Post, 'post') as PostJs;
    }

    async sendEphemeralPost(userId: string, draft: PostDraftJs): Promise<PostJs> {
        const r = await this.conn.call('SendEphemeralPost', userId, fromJs(post, draft));
        return (toJs(m.Post, r.A) as PostJs);
    }

    async deletePost(postId: string): Promise<void> {
        throwIf(appError((await this.conn.call('DeletePost', postId)).A));
    }

    // ---- permissions ----

    async hasPermissionTo(userId: string, permission: string): Promise<boolean> {
        return (await this.conn.call('HasPermissionTo', userId, {Id: permission})).A === true;
    }

    async hasPermissionToChannel(userId: string, channelId: string, permission: string): Promise<boolean> {
        return (await this.conn.call('HasPermissionToChannel', userId, channelId, {Id: permission})).A === true;
    }

    async hasPermissionToTeam(userId: string, teamId: string, permission: string): Promise<boolean> {
        return (await this.conn.call('HasPermissionToTeam', userId, teamId, {Id: permission})).A === true;
    }

    // ---- bots, commands, dialogs, events ----

    /** Creates or updates the plugin's bot (Mattermost ≥ 7.1) and returns its user id. */
    async ensureBotUser(bot: Pick<BotJs, 'username'> & Partial<BotJs>): Promise<string> {
        const r = await this.conn.call('EnsureBotUser', fromJs(m.Bot, bot));
        throwIf(goError(r.B));
        return String(r.A ?? '');
    }

    async createBot(bot: {username: string; display_name?: string; description?: string}): Promise<BotJs> {
        return found(await this.conn.call('CreateBot', fromJs(m.Bot, bot)), m.Bot, 'bot') as BotJs;
    }

    async patchBot(botUserId: string, patch: {username?: string; display_name?: string; description?: string}): Promise<BotJs> {
        return found(await this.conn.call('PatchBot', botUserId, fromJs(m.BotPatch, patch)), m.Bot, 'bot') as BotJs;
    }

    async getBot(botUserId: string, includeDeleted: boolean): Promise<BotJs> {
        return found(await this.conn.call('GetBot', botUserId, includeDeleted), m.Bot, 'bot') as BotJs;
    }

    async updateBotActive(botUserId: string, active: boolean): Promise<BotJs> {
        return found(await this.conn.call('UpdateBotActive', botUserId, active), m.Bot, 'bot') as BotJs;
    }

    async setProfileImage(userId: string, data: Uint8Array): Promise<void> {
        throwIf(appError((await this.conn.call('SetProfileImage', userId, data)).A));
    }

    async registerCommand(command: CommandJs): Promise<void> {
        throwIf(goError((await this.conn.call('RegisterCommand', fromJs(m.Command, command))).A));
    }

    async openInteractiveDialog(request: OpenDialogRequestJs): Promise<void> {
        throwIf(appError((await this.conn.call('OpenInteractiveDialog', fromJs(m.OpenDialogRequest, request) ?? {})).A));
    }

    async publishWebSocketEvent(event: string, payload: Record<string, unknown>, broadcast: WebsocketBroadcastJs): Promise<void> {
        await this.conn.call('PublishWebSocketEvent', event, ifaceFromJs(payload) ?? {}, fromJs(m.WebsocketBroadcast, broadcast) ?? {});
    }

    async publishPluginClusterEvent(id: string, data: Uint8Array, sendType: ClusterSendType = 'reliable', targetId = ''): Promise<void> {
        const event = fromJs(m.PluginClusterEvent, {id, data});
        const options = fromJs(m.PluginClusterEventSendOptions, {send_type: sendType, target_id: targetId});
        throwIf(goError((await this.conn.call('PublishPluginClusterEvent', event, options)).A));
    }
}

/** The first result, or the AppError in the second; a nil result without an error reads as 404. */
function found(r: Returns, type: Parameters<typeof toJs>[0], what: string): unknown {
    throwIf(appError(r.B));
    if (r.A == null) throw new AppError(`${what} not found`, 404);
    return toJs(type, r.A);
}
