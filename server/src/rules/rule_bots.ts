import {type Rule, type RuleBot} from '@tripwire/common';

import {PluginApiError, type BotAccounts, type BotInfo, type Logger, type PluginAPI} from '../ports';

/** Why a rule's bot cannot be made as asked: a field and a message the caller can act on. */
export class RuleBotError extends Error {
    constructor(
        readonly code: 'conflict' | 'invalid_input',
        readonly field: string,
        message: string,
    ) {
        super(message);
        this.name = 'RuleBotError';
    }
}

export interface RuleBotsDeps {
    api: Pick<PluginAPI, 'getUserByUsername'> & BotAccounts;
    /** The owner Mattermost records on bots a plugin creates: only bots with this owner are ever adopted. */
    pluginId: string;
    /** Tripwire's shared bot, which no rule may take over. */
    sharedBotUserId: () => string;
    log: Logger;
}

/** The rule as it was before this change, for an update. */
export type PreviousBot = Pick<Rule, 'bot' | 'botUserId'>;

const description = (ruleName: string): string => `Posts the replies of the Tripwire rule “${ruleName}”.`;

/**
 * The bot accounts of rules that post as their own bot (rule.bot): created with Mattermost's bot API, owned by the
 * plugin, kept in step with the rule (username, display name, avatar), and deactivated (never deleted: their posts
 * stay) when the rule drops its bot or is deleted. Idempotent: a deactivated bot of the plugin with the same username
 * is taken back rather than failing on the taken name.
 */
export class RuleBots {
    constructor(private readonly deps: RuleBotsDeps) {}

    /**
     * Makes the rule's bot exist, active and as described; returns its user id.
     * @throws RuleBotError conflict when the username belongs to a user, to another integration's bot or to Tripwire's
     * own bot; invalid_input when Mattermost refuses the avatar.
     */
    async ensure(bot: RuleBot, ruleName: string, previous?: PreviousBot): Promise<string> {
        const kept = previous?.botUserId ? await this.find(previous.botUserId) : null;
        let current = kept ?? (await this.adopt(bot.username));
        let fresh = false;
        if (!current) {
            current = await this.create(bot, ruleName);
            fresh = true;
        } else if (current.username !== bot.username) {
            // The rule renames its bot: the account (and its posts) stays; the new name must be free.
            await this.adopt(bot.username, current.user_id);
        }
        if (current.delete_at !== 0) current = await this.deps.api.updateBotActive(current.user_id, true);
        const patch = {
            ...(current.username !== bot.username && {username: bot.username}),
            ...((current.display_name ?? '') !== bot.display_name && {display_name: bot.display_name}),
            ...((current.description ?? '') !== description(ruleName) && {description: description(ruleName)}),
        };
        if (Object.keys(patch).length > 0) await this.deps.api.patchBot(current.user_id, patch);
        if (bot.icon && (fresh || kept === null || bot.icon !== previous?.bot?.icon)) await this.setIcon(current.user_id, bot.icon);
        return current.user_id;
    }

    /** Deactivates a rule's bot; its posts stay. A bot already gone is no error. */
    async retire(botUserId: string | undefined): Promise<void> {
        if (!botUserId) return;
        try {
            await this.deps.api.updateBotActive(botUserId, false);
        } catch (err) {
            if (err instanceof PluginApiError && err.isNotFound) return;
            this.deps.log.warn('could not deactivate a rule bot', {bot_user_id: botUserId, error: String(err)});
        }
    }

    /** The bot with this user id, if it still exists and is the plugin's. */
    private async find(botUserId: string): Promise<BotInfo | null> {
        try {
            const bot = await this.deps.api.getBot(botUserId, true);
            return bot.owner_id === this.deps.pluginId ? bot : null;
        } catch (err) {
            if (err instanceof PluginApiError && err.isNotFound) return null;
            throw err;
        }
    }

    /**
     * The plugin's bot with this username (to take back), or null when the name is free.
     * @throws RuleBotError conflict when someone else holds the name (`self`: the bot being renamed may).
     */
    private async adopt(username: string, self?: string): Promise<BotInfo | null> {
        let user;
        try {
            user = await this.deps.api.getUserByUsername(username);
        } catch (err) {
            if (err instanceof PluginApiError && err.isNotFound) return null;
            throw err;
        }
        if (user.id === self) return null;
        const taken = (why: string) => new RuleBotError('conflict', 'bot.username', `@${username} ${why}: choose another username`);
        if (user.id === this.deps.sharedBotUserId()) throw taken("is Tripwire's own bot");
        if (!user.is_bot) throw taken('is a user account');
        const bot = await this.find(user.id);
        if (!bot || self) throw taken(bot ? 'is another Tripwire rule bot' : 'is a bot another integration owns');
        return bot;
    }

    private async create(bot: RuleBot, ruleName: string): Promise<BotInfo> {
        try {
            return await this.deps.api.createBot({username: bot.username, display_name: bot.display_name, description: description(ruleName)});
        } catch (err) {
            // Taken between the look-up and the create (another node, a user signing up).
            if (err instanceof PluginApiError && err.statusCode === 400) throw new RuleBotError('conflict', 'bot.username', `@${bot.username} cannot be created: ${err.message}`);
            throw err;
        }
    }

    private async setIcon(botUserId: string, icon: string): Promise<void> {
        const data = Buffer.from(icon.slice(icon.indexOf(',') + 1), 'base64');
        try {
            await this.deps.api.setProfileImage(botUserId, new Uint8Array(data));
        } catch (err) {
            if (err instanceof PluginApiError && err.statusCode === 400) throw new RuleBotError('invalid_input', 'bot.icon', `Mattermost refused the image: ${err.message}`);
            throw err;
        }
    }
}
