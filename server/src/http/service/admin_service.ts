import {GUARDRAILS_SETTING_KEY, type DirectOptInView, type Guardrails, type GuardrailsInput, type GuardrailsView, type Me} from '@tripwire/common';

import {guardrailsOf, settingsOf, type Settings} from '../../config/settings';
import {ApiError, notFound} from '../errors';

import {type ServiceContext} from './context';
import {type RuleService} from './rule_service';

/** Writes plugin settings (Mattermost's SavePluginConfig): the keys given replace the stored ones. */
export type SaveSettings = (patch: Record<string, unknown>) => Promise<void>;

/** The fields a partial update gives (an absent field and one given as undefined both leave the value alone). */
const definedOnly = <T extends object>(o: T): {[K in keyof T]?: Exclude<T[K], undefined>} => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as {[K in keyof T]?: Exclude<T[K], undefined>};

/** The caller, their consent to rules in their conversations, and the system admin's guardrails. */
export class AdminService {
    constructor(
        private readonly ctx: ServiceContext,
        private readonly rules: RuleService,
        private readonly saveSettings: SaveSettings | undefined,
    ) {}

    async me(userId: string): Promise<Me> {
        const s = this.ctx.settings();
        return {
            user_id: userId,
            is_system_admin: await this.rules.isSystemAdmin(userId),
            dm_rules_enabled: s.EnableDirectMessageRules,
            max_rules_per_channel: s.MaxRulesPerChannel,
            allow_rule_bots: s.AllowRuleBots,
        };
    }

    async optIn(userId: string): Promise<DirectOptInView> {
        const o = await this.ctx.optIns.get(userId);
        return {all: o.all, channels: {...o.channels}};
    }

    async setOptIn(userId: string, change: {all?: boolean | undefined; channel?: {id: string; opted_in: boolean | null} | undefined}): Promise<DirectOptInView> {
        if (change.channel) {
            // Consent is per conversation of one's own: anything else does not exist for this caller.
            const member = await this.ctx.api.getChannelMember(change.channel.id, userId);
            const channel = member ? await this.ctx.api.getChannel(change.channel.id) : null;
            if (!channel || (channel.type !== 'D' && channel.type !== 'G')) throw notFound('conversation not found');
        }
        const next = await this.ctx.optIns.set(userId, {
            ...(change.all !== undefined && {all: change.all}),
            ...(change.channel && {channel: {id: change.channel.id, optedIn: change.channel.opted_in}}),
        });
        return {all: next.all, channels: {...next.channels}};
    }

    async guardrails(userId: string): Promise<GuardrailsView> {
        await this.rules.requireSystemAdmin(userId);
        return this.view(this.ctx.settings());
    }

    /**
     * Saves the changed guardrails as the one `Guardrails` object the System Console form saves (every guardrail, so
     * 0.1.0's separate keys no longer apply); the new snapshot arrives through OnConfigurationChange, shown here at once.
     */
    async setGuardrails(userId: string, input: GuardrailsInput): Promise<GuardrailsView> {
        await this.rules.requireSystemAdmin(userId);
        if (!this.saveSettings) throw new ApiError('unavailable', 'this server cannot save plugin settings from here: use the System Console');
        const next: Guardrails = {...guardrailsOf(this.ctx.settings()), ...definedOnly(input)};
        await this.saveSettings({[GUARDRAILS_SETTING_KEY]: next});
        return this.view(settingsOf(next));
    }

    private view(s: Settings): GuardrailsView {
        return {
            ...guardrailsOf(s),
            editable: this.saveSettings !== undefined,
        };
    }
}
