import type {Bot} from '@mattermost/types/bots';
import type {Channel, ChannelMembership} from '@mattermost/types/channels';
import type {FileInfo} from '@mattermost/types/files';
import type {Group} from '@mattermost/types/groups';
import type {Post} from '@mattermost/types/posts';
import type {Team} from '@mattermost/types/teams';
import type {UserProfile} from '@mattermost/types/users';

/**
 * What the domain needs from Mattermost, in Mattermost's own JSON field names (the shapes of @mattermost/types).
 * The Mattermost client of @tripwire/sdk implements it (server/src/platform adapts it) over the plugin RPC; unit tests implement it in memory. Nothing here knows
 * about gob, RPC or express.
 */

/** The post fields the domain reads; the mattermost layer fills every one it receives. */
export type PostInfo = Pick<
    Post,
    'id' | 'create_at' | 'update_at' | 'edit_at' | 'delete_at' | 'user_id' | 'channel_id' | 'root_id' | 'message' | 'props'
> & {
    /** Any string: plugins and integrations use their own `custom_*` types beyond @mattermost/types' union. */
    type: string;
    file_ids?: string[] | undefined;
    hashtags?: string | undefined;
};

/** A post to create: Mattermost fills id and timestamps. */
export type PostDraft = Pick<Post, 'channel_id' | 'message'> &
    Partial<Pick<Post, 'user_id' | 'root_id' | 'type' | 'props' | 'file_ids'>>;

export type ChannelInfo = Pick<Channel, 'id' | 'team_id' | 'type' | 'name' | 'display_name' | 'delete_at'>;
export type ChannelMemberInfo = Pick<ChannelMembership, 'channel_id' | 'user_id' | 'roles' | 'scheme_admin' | 'scheme_user'> & {
    scheme_guest?: boolean;
};
export type UserInfo = Pick<UserProfile, 'id' | 'username' | 'first_name' | 'last_name' | 'nickname' | 'roles' | 'is_bot' | 'delete_at'> & {
    locale?: string;
};
export type TeamInfo = Pick<Team, 'id' | 'name' | 'display_name'>;
export type GroupInfo = Pick<Group, 'id' | 'display_name' | 'source' | 'delete_at'>;
export type FileMetadata = Pick<FileInfo, 'id' | 'name' | 'extension' | 'size' | 'mime_type' | 'delete_at'> & {post_id?: string | undefined};
/** A thread: every post of it by id, and their ids newest first (as GetPostThread orders them). */
export interface PostThread {
    order: string[];
    posts: Record<string, PostInfo>;
}

/**
 * Marks Mattermost *model.AppErrors across packages: the platform client (@tripwire/sdk's AppError) sets the same
 * registered symbol, so `instanceof PluginApiError` holds for its errors without the domain importing the SDK, and
 * the SDK keeps the id and status of a PluginApiError a hook throws.
 */
const APP_ERROR_BRAND: unique symbol = Symbol.for('mattermost.AppError');

/** A Mattermost *model.AppError (or any failed API call), carried as a JS error. */
export class PluginApiError extends Error {
    readonly [APP_ERROR_BRAND] = true;

    constructor(
        message: string,
        readonly statusCode: number,
        readonly id = '',
        readonly where = '',
    ) {
        super(message);
        this.name = 'PluginApiError';
    }

    /** Any error carrying the brand (and so statusCode, id, where and isNotFound), whichever class made it. */
    static override [Symbol.hasInstance](value: unknown): boolean {
        return typeof value === 'object' && value !== null && (value as {[APP_ERROR_BRAND]?: unknown})[APP_ERROR_BRAND] === true;
    }

    get isNotFound(): boolean {
        return this.statusCode === 404;
    }
}

export interface KVSetOptions {
    /** Compare-and-set against oldValue; oldValue null means "only if absent". */
    atomic?: boolean;
    oldValue?: Uint8Array | null;
    expireInSeconds?: number;
}

/** The plugin's key-value store (Mattermost's database). An empty value deletes, as in Mattermost. */
export interface KVStore {
    get(key: string): Promise<Uint8Array | null>;
    set(key: string, value: Uint8Array): Promise<void>;
    /** Returns false when an atomic compare-and-set lost the race. A null value deletes. */
    setWithOptions(key: string, value: Uint8Array | null, options: KVSetOptions): Promise<boolean>;
    delete(key: string): Promise<void>;
    list(page: number, perPage: number): Promise<string[]>;
}

export interface Logger {
    debug(message: string, fields?: Record<string, unknown>): void;
    info(message: string, fields?: Record<string, unknown>): void;
    warn(message: string, fields?: Record<string, unknown>): void;
    error(message: string, fields?: Record<string, unknown>): void;
}

/** The slice of Mattermost's server config the plugin reads (from GetConfig, secrets masked). */
export interface ServerConfigInfo {
    siteURL: string;
    allowedUntrustedInternalConnections: string[];
    enableInsecureOutgoingConnections: boolean;
    enablePostUsernameOverride: boolean;
    enablePostIconOverride: boolean;
}

export interface DialogElement {
    display_name: string;
    name: string;
    type: string;
    subtype?: string;
    default?: string;
    placeholder?: string;
    help_text?: string;
    optional?: boolean;
    min_length?: number;
    max_length?: number;
    data_source?: string;
    options?: {text: string; value: string}[];
}

export interface OpenDialogRequest {
    trigger_id: string;
    url: string;
    dialog: {
        callback_id?: string;
        title: string;
        introduction_text?: string;
        icon_url?: string;
        submit_label?: string;
        notify_on_cancel?: boolean;
        state?: string;
        elements?: DialogElement[];
    };
}

export interface WebSocketBroadcast {
    user_id?: string;
    channel_id?: string;
    team_id?: string;
}

export interface PluginAPI {
    readonly kv: KVStore;
    readonly log: Logger;

    getServerConfig(): Promise<ServerConfigInfo>;
    /** The plugin's settings as LoadPluginConfiguration returns them (keys case-insensitive). */
    loadPluginConfiguration(): Promise<Record<string, unknown>>;

    getChannel(channelId: string): Promise<ChannelInfo>;
    /** null when the user is not a member. */
    getChannelMember(channelId: string, userId: string): Promise<ChannelMemberInfo | null>;
    /** One page of a channel's members. */
    getChannelMembers(channelId: string, page: number, perPage: number): Promise<ChannelMemberInfo[]>;
    getDirectChannel(userId1: string, userId2: string): Promise<ChannelInfo>;
    getUser(userId: string): Promise<UserInfo>;
    getUserByUsername(username: string): Promise<UserInfo>;
    getTeam(teamId: string): Promise<TeamInfo>;
    getPost(postId: string): Promise<PostInfo>;
    /** The thread a post belongs to: its root and every reply. */
    getPostThread(postId: string): Promise<PostThread>;
    /** A channel's posts created or changed since `since` (ms), thread replies included (GetPostsSince). */
    getPostsSince(channelId: string, since: number): Promise<PostThread>;
    /** An uploaded file's metadata (post.file_ids name them). */
    getFileInfo(fileId: string): Promise<FileMetadata>;
    /** The user groups (LDAP-synced and custom) a user is a member of. */
    getGroupsForUser(userId: string): Promise<GroupInfo[]>;

    createPost(post: PostDraft): Promise<PostInfo>;
    updatePost(post: PostDraft & {id: string}): Promise<PostInfo>;
    sendEphemeralPost(userId: string, post: PostDraft): Promise<PostInfo>;
    deletePost(postId: string): Promise<void>;

    hasPermissionTo(userId: string, permission: string): Promise<boolean>;
    hasPermissionToChannel(userId: string, channelId: string, permission: string): Promise<boolean>;
    hasPermissionToTeam(userId: string, teamId: string, permission: string): Promise<boolean>;

    openInteractiveDialog(request: OpenDialogRequest): Promise<void>;
    /** Sent to the webapp as `custom_tripwire_<event>`. */
    publishWebSocketEvent(event: string, payload: Record<string, unknown>, broadcast: WebSocketBroadcast): Promise<void>;
    /** Reaches this plugin's OnPluginClusterEvent on the other nodes of an HA cluster. */
    publishPluginClusterEvent(id: string, data: Uint8Array): Promise<void>;
}

export type BotInfo = Pick<Bot, 'user_id' | 'username' | 'display_name' | 'description' | 'owner_id' | 'delete_at'>;

/**
 * Mattermost's bot API, for bot accounts beyond the plugin's own (rules that post as a bot of their own). Bots made
 * here are owned by the plugin; deactivating one keeps its posts.
 */
export interface BotAccounts {
    createBot(bot: {username: string; display_name?: string; description?: string}): Promise<BotInfo>;
    /** Changes only the fields given. */
    patchBot(botUserId: string, patch: {username?: string; display_name?: string; description?: string}): Promise<BotInfo>;
    getBot(botUserId: string, includeDeleted: boolean): Promise<BotInfo>;
    /** Deactivating a bot deactivates its user; its posts stay. */
    updateBotActive(botUserId: string, active: boolean): Promise<BotInfo>;
    /** Mattermost decodes and re-encodes the image (PNG, JPEG, GIF, BMP) and refuses anything else. */
    setProfileImage(userId: string, data: Uint8Array): Promise<void>;
}
