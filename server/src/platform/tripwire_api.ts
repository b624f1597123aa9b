import type {MattermostApi} from '@tripwire/sdk/mattermost';
import type {BotAccounts, BotInfo, ChannelInfo, ChannelMemberInfo, FileMetadata, GroupInfo, PluginAPI, TeamInfo, UserInfo} from '../ports';
import {commandOf, type CommandDefinition} from './command';
import {postInfo, postThread} from './shapes';

/** The SDK's Mattermost client as the domain sees it (the ports), plus the calls beyond them main.ts makes. */
export interface TripwireApi extends PluginAPI, BotAccounts {
    /** Creates or updates the plugin's bot and returns its user id. */
    ensureBotUser(bot: {username: string; display_name?: string; description?: string}): Promise<string>;
    registerCommand(command: CommandDefinition): Promise<void>;
    savePluginConfig(config: Record<string, unknown>): Promise<void>;
}

/**
 * The SDK client through the ports. The SDK types results as encoding/json writes them (a channel's `type` any
 * string, omitempty fields optional); the ports use @mattermost/types' narrower unions, which Mattermost's values
 * satisfy, hence the casts. Posts are completed (shapes.ts), the command's autocomplete tree renamed (command.ts).
 * AppErrors need no mapping: PluginApiError recognises the SDK's AppError by its registered brand.
 */
export function tripwireApi(api: MattermostApi): TripwireApi {
    return {
        kv: api.kv,
        log: api.log,
        getServerConfig: () => api.getServerConfig(),
        loadPluginConfiguration: () => api.loadPluginConfiguration(),
        savePluginConfig: (config) => api.savePluginConfig(config),

        getChannel: (channelId) => api.getChannel(channelId) as Promise<ChannelInfo>,
        getChannelMember: (channelId, userId) => api.getChannelMember(channelId, userId) as Promise<ChannelMemberInfo | null>,
        getChannelMembers: (channelId, page, perPage) => api.getChannelMembers(channelId, page, perPage) as Promise<ChannelMemberInfo[]>,
        getDirectChannel: (userId1, userId2) => api.getDirectChannel(userId1, userId2) as Promise<ChannelInfo>,
        getUser: (userId) => api.getUser(userId) as Promise<UserInfo>,
        getUserByUsername: (username) => api.getUserByUsername(username) as Promise<UserInfo>,
        getTeam: (teamId) => api.getTeam(teamId) as Promise<TeamInfo>,
        getPost: async (postId) => postInfo(await api.getPost(postId)),
        getPostThread: async (postId) => postThread(await api.getPostThread(postId)),
        getPostsSince: async (channelId, since) => postThread(await api.getPostsSince(channelId, since)),
        getFileInfo: (fileId) => api.getFileInfo(fileId) as Promise<FileMetadata>,
        getGroupsForUser: (userId) => api.getGroupsForUser(userId) as Promise<GroupInfo[]>,

        createPost: async (post) => postInfo(await api.createPost(post)),
        updatePost: async (post) => postInfo(await api.updatePost(post)),
        sendEphemeralPost: async (userId, post) => postInfo(await api.sendEphemeralPost(userId, post)),
        deletePost: (postId) => api.deletePost(postId),

        hasPermissionTo: (userId, permission) => api.hasPermissionTo(userId, permission),
        hasPermissionToChannel: (userId, channelId, permission) => api.hasPermissionToChannel(userId, channelId, permission),
        hasPermissionToTeam: (userId, teamId, permission) => api.hasPermissionToTeam(userId, teamId, permission),

        openInteractiveDialog: (request) => api.openInteractiveDialog(request),
        publishWebSocketEvent: (event, payload, broadcast) => api.publishWebSocketEvent(event, payload, broadcast),
        publishPluginClusterEvent: (id, data) => api.publishPluginClusterEvent(id, data),

        ensureBotUser: (bot) => api.ensureBotUser(bot),
        registerCommand: (command) => api.registerCommand(commandOf(command)),
        createBot: (bot) => api.createBot(bot) as Promise<BotInfo>,
        patchBot: (botUserId, patch) => api.patchBot(botUserId, patch) as Promise<BotInfo>,
        getBot: (botUserId, includeDeleted) => api.getBot(botUserId, includeDeleted) as Promise<BotInfo>,
        updateBotActive: (botUserId, active) => api.updateBotActive(botUserId, active) as Promise<BotInfo>,
        setProfileImage: (userId, data) => api.setProfileImage(userId, data),
    };
}
