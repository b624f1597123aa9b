import {GUARDRAILS_SETTING_KEY, type DeliveryHealth, type DirectOptInView, type Guardrails, type GuardrailsInput, type GuardrailsView, type Me} from '@tripwire/common';

import {guardrailsOf, settingsOf, type Settings} from '../../config/settings';
import {type HealthFigures} from '../../ports';
import {ApiError, notFound} from '../errors';

import {type ServiceContext} from './context';
import {type RuleService} from './rule_service';

/** Writes plugin settings (Mattermost's SavePluginConfig): the keys given replace the stored ones. */
export type SaveSettings = (patch: Record<string, unknown>) => Promise<void>;

/** The fields a partial update gives (an absent field and one given as undefined both leave the value alone). */
const definedOnly = <T extends object>(o: T): {[K in keyof T]?: Exclude<T[K], undefined>} => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as {[K in keyof T]?: Exclude<T[K], undefined>};

/** Rows of each list in the health summary. */
const TOP = 10;
const EMPTY_HEALTH: HealthFigures = {
    rules: [],
    endpoints: [],
    queue: {in_flight: 0, scheduled: 0, parked: 0, oldest_age_seconds: 0},
    breakers: {closed: 0, open: 0, half_open: 0},
};

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

    /**
     * The System Console's health summary, from the metrics registry (ports/metrics HealthSource): rules and endpoints
     * that failed, most failures first, named as they are now.
     */
    async deliveryHealth(userId: string): Promise<DeliveryHealth> {
        await this.rules.requireSystemAdmin(userId);
        const figures = (await this.ctx.health?.health()) ?? EMPTY_HEALTH;
        const rules = figures.rules.filter((r) => r.failed + r.dropped > 0).slice(0, TOP);
        const endpoints = figures.endpoints.filter((e) => e.failed + e.retrying > 0).slice(0, TOP);
        const names = new Map<string, string>();
        for (const id of new Set([...rules, ...endpoints].map((r) => r.rule_id))) {
            names.set(id, (await this.ctx.rules.get(id).catch(() => null))?.name ?? '');
        }
        const named = <T extends {rule_id: string}>(row: T) => ({...row, rule_name: names.get(row.rule_id) ?? ''});
        return {rules: rules.map(named), endpoints: endpoints.map(named), queue: figures.queue, breakers: figures.breakers};
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
