import {type Rule, type RuleSecretsInput, type RuleSpec, type RuleView, type RuleWarning} from '@tripwire/common';
import {ZodError} from 'zod';

import {notifyOriginChange} from '../../dispatch/notices';
import {sealEndpoints} from '../../dispatch/secret_requirements';
import {type SecretEdit} from '../../dispatch/secrets';
import {generateSecret, secretKey} from '../../dispatch/signing';
import {channelStateOf} from '../../ports';
import {RuleBotError} from '../../rules/rule_bots';
import {RuleStoreError, type StoredSpec} from '../../rules/rule_store';
import {regexProblem} from '../../rules/rule_validation';
import {ApiError, apiFieldErrors, forbidden, invalid, notFound} from '../errors';

import {accessError, RequestAccess, type ServiceContext} from './context';
import {destinationWarnings} from './destination_check';
import {createEdit, planUpdate, publicEndpoint, splitSecretHeaders, type OriginChange, type UpdatePlan} from './rule_secrets';
import {withinGuardrails} from './guardrail_check';

function withWarnings(view: RuleView, warnings: RuleWarning[]): RuleView {
    return warnings.length > 0 ? {...view, warnings} : view;
}

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
        const [view] = await this.flagged(access, [await this.load(access, ruleId)]);
        return view!;
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
        return this.flagged(access, await this.visible(access, [...named, ...team]));
    }

    /** The team's team-wide rules (team admins), plus the channel rules of the team whose channel was deleted (their owner, system admins). */
    async listTeam(userId: string, teamId: string): Promise<RuleView[]> {
        const access = this.access(userId);
        const teamAccess = await access.team(teamId, ['O'], 'view');
        const shared = teamAccess.ok ? await this.visible(access, await this.ctx.rules.listByTeam(teamId)) : [];
        const orphans = await this.orphansOf(access, teamId);
        if (!teamAccess.ok && orphans.length === 0) throw accessError(teamAccess);
        return this.flagged(access, [...shared, ...orphans]);
    }

    /**
     * The team's channel rules that a deleted channel left behind and the caller may still reach (their own; all for
     * a system admin): listed nowhere else once the channel is gone, yet their inbound URL must stay revocable.
     */
    private async orphansOf(access: RequestAccess, teamId: string): Promise<Rule[]> {
        const sysadmin = await this.isSystemAdmin(access.userId);
        const candidates = (await this.ctx.rules.listAll()).filter(
            (r) => r.scope.kind === 'channels' && r.scope.teamId === teamId && (sysadmin || r.ownerId === access.userId),
        );
        const channelIds = [...new Set(candidates.flatMap((r) => (r.scope.kind === 'channels' ? r.scope.channelIds : [])))];
        const states = await Promise.all(channelIds.map((id) => channelStateOf(this.ctx.api, id).catch(() => 'open' as const)));
        const gone = new Set(channelIds.filter((_, i) => states[i] === 'gone'));
        const orphans = candidates.filter((r) => r.scope.kind === 'channels' && r.scope.channelIds.some((id) => gone.has(id)));
        return this.visible(access, orphans);
    }

    async listMine(userId: string): Promise<RuleView[]> {
        const access = this.access(userId);
        return this.views(access, await this.ctx.rules.listDirect(userId));
    }

    async listAll(userId: string, page: number, perPage: number): Promise<{rules: RuleView[]; total: number}> {
        await this.requireSystemAdmin(userId);
        const all = await this.ctx.rules.listAll();
        all.sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
        return {rules: await this.flagged(this.access(userId), all.slice(page * perPage, (page + 1) * perPage)), total: all.length};
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
        const {spec: checked, warnings} = await this.checkDestinations(withinGuardrails(spec, this.ctx.settings()));
        return withWarnings(await this.view(access, await this.createStored(checked, userId)), warnings);
    }

    /**
     * An enabled rule whose endpoint the SSRF rules refuse is saved turned off, with a warning at the URL saying which
     * setting to ask for: a channel admin expects "saved, but off, and here is why" rather than a rule that looks on
     * and fails every delivery, or a refusal that loses the edit.
     */
    private async checkDestinations(spec: RuleSpec): Promise<{spec: RuleSpec; warnings: RuleWarning[]}> {
        if (!this.ctx.checkDestination) return {spec, warnings: []};
        const warnings = await destinationWarnings(spec, this.ctx.checkDestination);
        return {spec: warnings.length > 0 && spec.enabled ? {...spec, enabled: false} : spec, warnings};
    }

    /** Stores a new rule (checks done), its secret header values in the secret store rather than in the rule. */
    async createStored(spec: RuleSpec, userId: string): Promise<Rule> {
        const split = splitSecretHeaders(spec);
        const botUserId = await this.ensureBot(spec);
        let rule: Rule;
        try {
            rule = await this.store(() => this.ctx.rules.create({...split.spec, ...(botUserId && {botUserId})}, userId));
        } catch (e) {
            await this.ctx.bots?.retire(botUserId);
            throw e;
        }
        await this.ctx.dispatcher.secrets.edit(rule.id, createEdit(split.supplied));
        return rule;
    }

    // ---- the rule's own bot ----

    /**
     * The user id of the bot the spec asks to post as, created or brought up to date; undefined without one. A rule
     * keeping the bot it has (`current`) needs no permission, so a guardrail turned off later never blocks other edits
     * of it (its replies fall back to Tripwire's bot meanwhile).
     * @throws ApiError invalid_input naming the guardrail when bots are not allowed; conflict when the username is taken.
     */
    private async ensureBot(spec: RuleSpec, current?: Rule): Promise<string | undefined> {
        if (!spec.bot) return undefined;
        const unchanged = current?.bot !== undefined && JSON.stringify(current.bot) === JSON.stringify(spec.bot);
        if (!this.ctx.bots || !this.ctx.settings().AllowRuleBots) {
            if (unchanged) return current.botUserId;
            const message = 'the system admin does not allow rules to post as their own bot (guardrail allow_rule_bots): remove the bot';
            throw invalid({bot: message}, message);
        }
        const username = spec.bot.username;
        const sharing = (await this.ctx.rules.listAll()).find((r) => r.id !== current?.id && r.bot?.username === username);
        if (sharing) throw new ApiError('conflict', `@${username} already posts for another rule: choose another username`, {'bot.username': 'already used by another rule'});
        try {
            return await this.ctx.bots.ensure(spec.bot, spec.name, current);
        } catch (e) {
            if (e instanceof RuleBotError) throw new ApiError(e.code, e.message, {[e.field]: e.message});
            throw e;
        }
    }

    /**
     * Replaces a rule. Secret header values move to the secret store; an endpoint whose origin changed loses its
     * signing secret and secret headers, and the rule its token, unless this request gives them again; the owner is
     * told by DM.
     */
    async update(userId: string, ruleId: string, spec: RuleSpec, revision?: number, secrets?: RuleSecretsInput): Promise<RuleView> {
        const access = this.access(userId);
        const current = await this.load(access, ruleId, 'manage');
        this.checkRegex(spec);
        this.checkSecrets(spec, secrets);
        // The new scope must be one the caller may manage too, or a rule could be moved into someone else's channel.
        await access.require(access.scope(spec.scope, current.ownerId, 'manage'));
        // Checked here too, so a stale edit drops no secret (the store checks again when it writes).
        if (revision !== undefined && revision !== current.revision) throw new ApiError('conflict', 'the rule changed since you loaded it');
        const checked = await this.checkDestinations(withinGuardrails(spec, this.ctx.settings()));
        const store = this.ctx.dispatcher.secrets;
        // A rule saved before header values moved to the store may hold some inline: move them first, so an edit
        // that (like every client) does not send them back keeps them.
        await sealEndpoints(store, ruleId, current.endpoints);
        const split = splitSecretHeaders(checked.spec);
        const plan = planUpdate(current, split.spec, split.supplied, secrets, await store.summary(ruleId));
        const botUserId = await this.ensureBot(checked.spec, current);
        const stored: StoredSpec = {...split.spec, botUserId};
        const save = () => this.store(() => this.ctx.rules.update(ruleId, stored, userId, revision));
        const next = plan.changes.length === 0 ? await save() : await this.saveMoved(ruleId, plan, save);
        await store.edit(ruleId, plan.after);
        if (current.botUserId && current.botUserId !== botUserId) await this.ctx.bots?.retire(current.botUserId);
        if (plan.changes.length > 0) await this.tellOwner(current, userId, plan.changes);
        const kept = new Set(next.endpoints.map((e) => e.id));
        await this.ctx.dispatcher.cancelEndpoints(ruleId, current.endpoints.filter((e) => !kept.has(e.id)).map((e) => e.id));
        return withWarnings(await this.view(access, next), checked.warnings);
    }

    /** Turning a rule on says what the destination check finds, but does as asked: the admin chose to. */
    async setEnabled(userId: string, ruleId: string, enabled: boolean, revision?: number): Promise<RuleView> {
        const access = this.access(userId);
        const rule = await this.load(access, ruleId, 'manage');
        const warnings = enabled && this.ctx.checkDestination ? await destinationWarnings(rule, this.ctx.checkDestination) : [];
        return withWarnings(await this.view(access, await this.store(() => this.ctx.rules.setEnabled(ruleId, enabled, userId, revision))), warnings);
    }

    /** Deletes the rule and everything kept for it: queued deliveries (cancelled), secrets, inbound URL, delivery log. */
    async delete(userId: string, ruleId: string, revision?: number): Promise<void> {
        const access = this.access(userId);
        const rule = await this.load(access, ruleId, 'delete');
        await this.store(() => this.ctx.rules.delete(ruleId, revision));
        // The rule's bot is deactivated, not deleted: what it posted stays, under its name.
        await Promise.all([this.ctx.dispatcher.purgeRule(ruleId), this.ctx.inbound.revoke(ruleId), this.ctx.bots?.retire(rule.botUserId)]);
    }

    // ---- secrets ----

    /** Signing secrets given with an update must be well-formed and name endpoints of the rule. @throws ApiError invalid_input */
    private checkSecrets(spec: RuleSpec, secrets: RuleSecretsInput | undefined): void {
        const fields: Record<string, string> = {};
        for (const [id, secret] of Object.entries(secrets?.signing_secrets ?? {})) {
            if (!spec.endpoints.some((e) => e.id === id)) fields[`secrets.signing_secrets.${id}`] = 'the rule has no such endpoint';
            else if (!secretKey(secret)) fields[`secrets.signing_secrets.${id}`] = 'a signing secret is whsec_ followed by base64 of 24 to 64 bytes';
        }
        if (Object.keys(fields).length > 0) throw invalid(fields);
    }

    /**
     * Saves a rule whose endpoints moved: their secrets are dropped first, so no delivery accepted under the new URL
     * can meet them; if the save fails after all, they go back (the rule still points at the old origins).
     */
    private async saveMoved(ruleId: string, plan: UpdatePlan, save: () => Promise<Rule>): Promise<Rule> {
        const store = this.ctx.dispatcher.secrets;
        const undo = await this.secretsOf(ruleId, plan.changes.map((c) => c.endpointId));
        await store.edit(ruleId, plan.before);
        try {
            return await save();
        } catch (e) {
            await store.edit(ruleId, undo);
            throw e;
        }
    }

    /** The current secrets of some endpoints and the token, as an edit that puts them back. */
    private async secretsOf(ruleId: string, endpointIds: readonly string[]): Promise<SecretEdit> {
        const store = this.ctx.dispatcher.secrets;
        const signing: Record<string, string> = {};
        const headers: NonNullable<SecretEdit['headers']> = {};
        for (const id of endpointIds) {
            const [current] = await store.signingSecrets(ruleId, id);
            if (current) signing[id] = current;
            headers[id] = {keep: [], set: await store.headers(ruleId, id)};
        }
        const token = await store.token(ruleId);
        return {signing, headers, ...(token && {token})};
    }

    /** The owner hears who moved their endpoints and what was dropped; a failed DM does not fail the update. */
    private async tellOwner(rule: Rule, userId: string, changes: OriginChange[]): Promise<void> {
        try {
            const user = await this.ctx.api.getUser(userId);
            await notifyOriginChange(this.ctx.api, this.ctx.botUserId(), {ownerId: rule.ownerId, ruleName: rule.name, changedBy: user.username, changes});
        } catch (err) {
            this.ctx.log.warn('could not tell the rule owner about an endpoint origin change', {rule_id: rule.id, error: String(err)});
        }
    }

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

    /** Revoking is cleanup: whoever may delete the rule may do it (the owner of an orphaned rule, a system admin). */
    async deleteInbound(userId: string, ruleId: string): Promise<void> {
        await this.load(this.access(userId), ruleId, 'delete');
        await this.ctx.inbound.revoke(ruleId);
    }

    // ---- views ----

    async view(access: RequestAccess, rule: Rule): Promise<RuleView> {
        const [secrets, inbound, manage] = await Promise.all([
            this.ctx.dispatcher.secrets.summary(rule.id),
            this.ctx.inbound.exists(rule.id),
            access.rule(rule, 'manage'),
        ]);
        return {
            ...rule,
            endpoints: rule.endpoints.map((e) => publicEndpoint(e, secrets)),
            has_token: secrets.has_token,
            has_inbound: inbound,
            can_manage: manage.ok,
        };
    }

    views(access: RequestAccess, rules: readonly Rule[]): Promise<RuleView[]> {
        return Promise.all(rules.map((r) => this.view(access, r)));
    }

    /** Views, with `orphaned: true` on rules a deleted channel left behind (see RulePermissions.ruleAccess). */
    async flagged(access: RequestAccess, rules: readonly Rule[]): Promise<RuleView[]> {
        const [views, seen] = await Promise.all([this.views(access, rules), Promise.all(rules.map((r) => access.rule(r, 'view')))]);
        return views.map((v, i) => {
            const a = seen[i]!;
            return a.ok && a.orphaned ? {...v, orphaned: true} : v;
        });
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
