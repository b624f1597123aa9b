import {type Rule, type RuleSpec, type RuleView} from '@tripwire/common';
import {ZodError} from 'zod';

import {generateSecret, secretKey} from '../../dispatch/signing';
import {RuleStoreError} from '../../rules/rule_store';
import {regexProblem} from '../../rules/rule_validation';
import {ApiError, apiFieldErrors, forbidden, invalid, notFound} from '../errors';

import {RequestAccess, type ServiceContext} from './context';
import {withinGuardrails} from './guardrail_check';

/** A rule name as one word, as `/tripwire` autocompletes it: lowercase, spaces as `-`. */
export const ruleSlug = (name: string): string => name.trim().toLowerCase().replace(/\s+/g, '-');

/**
 * Rules as the API and the slash command manage them: every method checks the caller's access first (see
 * permissions/rule_permissions.ts for the order of checks), then acts, and answers with views that hold no secret.
 * Errors are ApiErrors with public messages.
 */
export class RuleService {
    constructor(private readonly ctx: ServiceContext) {}

    access(userId: string): RequestAccess {
        return new RequestAccess(this.ctx.permissions, userId);
    }

    // ---- reads ----

    /** A stored rule the caller may see. @throws ApiError not_found, forbidden */
    async load(access: RequestAccess, ruleId: string, action: 'view' | 'manage' | 'delete' = 'view'): Promise<Rule> {
        const rule = await this.ctx.rules.get(ruleId);
        if (!rule) throw notFound('rule not found');
        await access.require(access.rule(rule, action));
        return rule;
    }

    async get(userId: string, ruleId: string): Promise<RuleView> {
        const access = this.access(userId);
        return this.view(access, await this.load(access, ruleId));
    }

    /** The rules naming the channel, plus its team's rules covering this channel type that the caller may see. */
    async listChannel(userId: string, channelId: string): Promise<RuleView[]> {
        const access = this.access(userId);
        await access.require(access.channel(channelId, 'view'));
        const channel = await this.ctx.api.getChannel(channelId);
        const named = await this.ctx.rules.listByChannel(channelId);
        const team =
            channel.team_id && (channel.type === 'O' || channel.type === 'P')
                ? (await this.ctx.rules.listByTeam(channel.team_id)).filter((r) => r.scope.kind === 'team' && r.scope.channelTypes.includes(channel.type as 'O' | 'P'))
                : [];
        // A rule naming this channel and a private one stays hidden from whoever is not in the private one.
        return this.views(access, await this.visible(access, [...named, ...team]));
    }

    async listTeam(userId: string, teamId: string): Promise<RuleView[]> {
        const access = this.access(userId);
        await access.require(access.team(teamId, ['O'], 'view'));
        return this.views(access, await this.visible(access, await this.ctx.rules.listByTeam(teamId)));
    }

    async listMine(userId: string): Promise<RuleView[]> {
        const access = this.access(userId);
        return this.views(access, await this.ctx.rules.listDirect(userId));
    }

    async listAll(userId: string, page: number, perPage: number): Promise<{rules: RuleView[]; total: number}> {
        await this.requireSystemAdmin(userId);
        const all = await this.ctx.rules.listAll();
        all.sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
        return {rules: await this.views(this.access(userId), all.slice(page * perPage, (page + 1) * perPage)), total: all.length};
    }

    async isSystemAdmin(userId: string): Promise<boolean> {
        return this.ctx.api.hasPermissionTo(userId, 'manage_system');
    }

    /** @throws ApiError forbidden */
    async requireSystemAdmin(userId: string): Promise<void> {
        if (!(await this.isSystemAdmin(userId))) throw forbidden('only system admins may do this');
    }

    // ---- writes ----

    async create(userId: string, spec: RuleSpec): Promise<RuleView> {
        const access = this.access(userId);
        this.checkRegex(spec);
        await access.require(access.scope(spec.scope, userId, 'manage'));
        const rule = await this.store(() => this.ctx.rules.create(withinGuardrails(spec, this.ctx.settings()), userId));
        return this.view(access, rule);
    }

    async update(userId: string, ruleId: string, spec: RuleSpec, revision?: number): Promise<RuleView> {
        const access = this.access(userId);
        const current = await this.load(access, ruleId, 'manage');
        this.checkRegex(spec);
        // The new scope must be one the caller may manage too, or a rule could be moved into someone else's channel.
        await access.require(access.scope(spec.scope, current.ownerId, 'manage'));
        const next = await this.store(() => this.ctx.rules.update(ruleId, withinGuardrails(spec, this.ctx.settings()), userId, revision));
        const kept = new Set(next.endpoints.map((e) => e.id));
        for (const e of current.endpoints) if (!kept.has(e.id)) await this.ctx.dispatcher.secrets.removeSigningSecret(ruleId, e.id);
        return this.view(access, next);
    }

    async setEnabled(userId: string, ruleId: string, enabled: boolean, revision?: number): Promise<RuleView> {
        const access = this.access(userId);
        await this.load(access, ruleId, 'manage');
        return this.view(access, await this.store(() => this.ctx.rules.setEnabled(ruleId, enabled, userId, revision)));
    }

    /** Deletes the rule and everything kept for it: secrets, inbound URL, delivery log. */
    async delete(userId: string, ruleId: string, revision?: number): Promise<void> {
        const access = this.access(userId);
        await this.load(access, ruleId, 'delete');
        await this.store(() => this.ctx.rules.delete(ruleId, revision));
        await Promise.all([this.ctx.dispatcher.secrets.deleteRule(ruleId), this.ctx.inbound.revoke(ruleId), this.ctx.dispatcher.log.clear(ruleId)]);
    }

    // ---- secrets ----

    async setSigningSecret(userId: string, ruleId: string, endpointId: string, secret: string | undefined, keepPreviousSeconds: number): Promise<string> {
        const rule = await this.load(this.access(userId), ruleId, 'manage');
        if (!rule.endpoints.some((e) => e.id === endpointId)) throw notFound('the rule has no such endpoint');
        const value = secret ?? generateSecret();
        if (!secretKey(value)) throw invalid({secret: 'a signing secret is whsec_ followed by base64 of 24 to 64 bytes'});
        await this.ctx.dispatcher.secrets.setSigningSecret(ruleId, endpointId, value, keepPreviousSeconds * 1000);
        return value;
    }

    async removeSigningSecret(userId: string, ruleId: string, endpointId: string): Promise<void> {
        const rule = await this.load(this.access(userId), ruleId, 'manage');
        if (!rule.endpoints.some((e) => e.id === endpointId)) throw notFound('the rule has no such endpoint');
        await this.ctx.dispatcher.secrets.removeSigningSecret(ruleId, endpointId);
    }

    async setToken(userId: string, ruleId: string, token: string): Promise<void> {
        await this.load(this.access(userId), ruleId, 'manage');
        await this.ctx.dispatcher.secrets.setToken(ruleId, token);
    }

    async createInbound(userId: string, ruleId: string): Promise<string> {
        const rule = await this.load(this.access(userId), ruleId, 'manage');
        if (rule.scope.kind !== 'channels') {
            throw new ApiError('invalid_input', 'an inbound URL posts into the channels a rule names: this rule names none', {'scope.kind': 'must be channels'});
        }
        return this.ctx.inbound.create(ruleId);
    }

    async deleteInbound(userId: string, ruleId: string): Promise<void> {
        await this.load(this.access(userId), ruleId, 'manage');
        await this.ctx.inbound.revoke(ruleId);
    }

    // ---- views ----

    async view(access: RequestAccess, rule: Rule): Promise<RuleView> {
        const [secrets, inbound, manage] = await Promise.all([
            this.ctx.dispatcher.secrets.summary(rule.id),
            this.ctx.inbound.exists(rule.id),
            access.rule(rule, 'manage'),
        ]);
        const signed = new Set(secrets.endpoints_with_secret);
        return {
            ...rule,
            endpoints: rule.endpoints.map((e) => ({...e, has_secret: signed.has(e.id)})),
            has_token: secrets.has_token,
            has_inbound: inbound,
            can_manage: manage.ok,
        };
    }

    views(access: RequestAccess, rules: readonly Rule[]): Promise<RuleView[]> {
        return Promise.all(rules.map((r) => this.view(access, r)));
    }

    /** The rules the caller may see. */
    async visible(access: RequestAccess, rules: readonly Rule[]): Promise<Rule[]> {
        const ok = await Promise.all(rules.map((r) => access.rule(r, 'view')));
        return rules.filter((_, i) => ok[i]!.ok);
    }

    /** RE2 checks the shared schema cannot make. @throws ApiError invalid_input */
    checkRegex(spec: RuleSpec, prefix = ''): void {
        if (spec.trigger.mode !== 'regex') return;
        const problem = regexProblem(spec.trigger.pattern, spec.trigger);
        if (problem) throw invalid({[`${prefix}trigger.pattern`]: problem}, problem);
    }

    /** Runs a store write, turning its errors into API errors. */
    async store<T>(write: () => Promise<T>): Promise<T> {
        try {
            return await write();
        } catch (e) {
            if (e instanceof RuleStoreError) throw new ApiError(e.code, e.code === 'not_found' ? 'rule not found' : e.message);
            // The store re-validates the whole rule: e.g. enabling a draft that has no endpoint yet.
            if (e instanceof ZodError) throw invalid(apiFieldErrors(e), e.issues[0]?.message);
            throw e;
        }
    }
}
