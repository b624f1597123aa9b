import {PluginApiError, type BotAccounts, type BotInfo, type UserInfo} from '../../ports';

/**
 * Mattermost's bot API in memory, over a users map it shares with a fake plugin API (a bot is a user with is_bot), as
 * the server behaves: a taken username is a 400, deactivation stamps delete_at on bot and user, images are kept.
 */
export class MemoryBots implements BotAccounts {
    readonly bots = new Map<string, BotInfo>();
    readonly images = new Map<string, Uint8Array>();
    private next = 0;

    constructor(
        readonly users: Map<string, UserInfo>,
        private readonly ownerId = 'tripwire',
    ) {}

    async getUserByUsername(username: string): Promise<UserInfo> {
        const u = [...this.users.values()].find((x) => x.username === username);
        if (!u) throw new PluginApiError('user not found', 404);
        return u;
    }

    async createBot(bot: {username: string; display_name?: string; description?: string}): Promise<BotInfo> {
        if ([...this.users.values()].some((u) => u.username === bot.username)) throw new PluginApiError('An account with that username already exists.', 400);
        const id = `bot${String(++this.next).padStart(23, '0')}`;
        this.users.set(id, {id, username: bot.username, first_name: bot.display_name ?? '', last_name: '', nickname: '', roles: 'system_user', is_bot: true, delete_at: 0});
        const made: BotInfo = {user_id: id, username: bot.username, display_name: bot.display_name ?? '', description: bot.description ?? '', owner_id: this.ownerId, delete_at: 0};
        this.bots.set(id, made);
        return {...made};
    }

    /** A bot some other owner (a user, another plugin) made. */
    addForeignBot(id: string, username: string, ownerId: string): void {
        this.users.set(id, {id, username, first_name: '', last_name: '', nickname: '', roles: 'system_user', is_bot: true, delete_at: 0});
        this.bots.set(id, {user_id: id, username, display_name: '', description: '', owner_id: ownerId, delete_at: 0});
    }

    async patchBot(botUserId: string, patch: {username?: string; display_name?: string; description?: string}): Promise<BotInfo> {
        const bot = this.bot(botUserId);
        if (patch.username !== undefined && [...this.users.values()].some((u) => u.username === patch.username && u.id !== botUserId)) {
            throw new PluginApiError('An account with that username already exists.', 400);
        }
        Object.assign(bot, patch);
        const user = this.users.get(botUserId);
        if (user) Object.assign(user, {username: bot.username, first_name: bot.display_name ?? ''});
        return {...bot};
    }

    async getBot(botUserId: string, includeDeleted: boolean): Promise<BotInfo> {
        const bot = this.bot(botUserId);
        if (!includeDeleted && bot.delete_at !== 0) throw new PluginApiError('bot not found', 404);
        return {...bot};
    }

    async updateBotActive(botUserId: string, active: boolean): Promise<BotInfo> {
        const bot = this.bot(botUserId);
        bot.delete_at = active ? 0 : Date.now();
        const user = this.users.get(botUserId);
        if (user) user.delete_at = bot.delete_at;
        return {...bot};
    }

    async setProfileImage(userId: string, data: Uint8Array): Promise<void> {
        if (!this.users.has(userId)) throw new PluginApiError('user not found', 404);
        this.images.set(userId, data);
    }

    private bot(id: string): BotInfo {
        const bot = this.bots.get(id);
        if (!bot) throw new PluginApiError('bot not found', 404);
        return bot;
    }
}
