import {type DirectOptInView, type GuardrailsInput, type GuardrailsView, type Me} from '@tripwire/common';

import {type Settings} from '../../config/settings';
import {ApiError, notFound} from '../errors';

import {type ServiceContext} from './context';
import {type RuleService} from './rule_service';

/** Writes plugin settings (Mattermost's SavePluginConfig): the keys given replace the stored ones. */
export type SaveSettings = (patch: Partial<Record<keyof Settings, unknown>>) => Promise<void>;

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

    /** Saves the changed guardrails; the new snapshot arrives through OnConfigurationChange, shown here at once. */
    async setGuardrails(userId: string, input: GuardrailsInput): Promise<GuardrailsView> {
        await this.rules.requireSystemAdmin(userId);
        if (!this.saveSettings) throw new ApiError('unavailable', 'this server cannot save plugin settings from here: use the System Console');
        const current = this.ctx.settings();
        const next: Settings = {
            ...current,
            ...(input.allowed_hosts && {AllowedHosts: input.allowed_hosts}),
            ...(input.max_rules_per_channel !== undefined && {MaxRulesPerChannel: input.max_rules_per_channel}),
            ...(input.dm_rules_enabled !== undefined && {EnableDirectMessageRules: input.dm_rules_enabled}),
            ...(input.max_attempts !== undefined && {MaxAttempts: input.max_attempts}),
            ...(input.max_hops !== undefined && {MaxHops: input.max_hops}),
            ...(input.rate_limit_per_minute !== undefined && {RateLimitPerMinute: input.rate_limit_per_minute}),
            ...(input.max_endpoint_timeout_ms !== undefined && {MaxEndpointTimeoutMs: input.max_endpoint_timeout_ms}),
            ...(input.max_endpoint_concurrency !== undefined && {MaxEndpointConcurrency: input.max_endpoint_concurrency}),
            ...(input.max_delivery_age_seconds !== undefined && {MaxDeliveryAgeSeconds: input.max_delivery_age_seconds}),
            ...(input.max_backoff_ms !== undefined && {MaxBackoffMs: input.max_backoff_ms}),
            ...(input.allow_foreign_action_urls !== undefined && {AllowForeignActionUrls: input.allow_foreign_action_urls}),
        };
        // The System Console keeps the host list as one text field. Keys plugin.json does not declare (the newer
        // guardrails) are saved the same way; the System Console keeps them when it saves its own fields.
        await this.saveSettings({...next, AllowedHosts: next.AllowedHosts.join('\n')});
        return this.view(next);
    }

    private view(s: Settings): GuardrailsView {
        return {
            allowed_hosts: [...s.AllowedHosts],
            max_rules_per_channel: s.MaxRulesPerChannel,
            dm_rules_enabled: s.EnableDirectMessageRules,
            max_attempts: s.MaxAttempts,
            max_hops: s.MaxHops,
            rate_limit_per_minute: s.RateLimitPerMinute,
            max_endpoint_timeout_ms: s.MaxEndpointTimeoutMs,
            max_endpoint_concurrency: s.MaxEndpointConcurrency,
            max_delivery_age_seconds: s.MaxDeliveryAgeSeconds,
            max_backoff_ms: s.MaxBackoffMs,
            allow_foreign_action_urls: s.AllowForeignActionUrls,
            editable: this.saveSettings !== undefined,
        };
    }
}
