import {type Rule, type RuleScope} from '@tripwire/common';

import {type Settings} from '../../config/settings';
import {type Dispatcher} from '../../dispatch/dispatcher';
import {type GuardResult} from '../../dispatch/ssrf/guard';
import {type Access, type RuleAction, type RulePermissions} from '../../permissions/rule_permissions';
import {type Clock, type HealthSource, type Logger, type PluginAPI, type ServerConfigInfo} from '../../ports';
import {type DirectOptIns} from '../../rules/direct_opt_in';
import {type RuleBots} from '../../rules/rule_bots';
import {type RuleStore} from '../../rules/rule_store';
import {ApiError} from '../errors';
import {type InboundUrls} from '../interactive/inbound_urls';

/** The Mattermost calls the http layer makes. */
export type HttpPluginApi = Pick<
    PluginAPI,
    | 'kv'
    | 'getChannel'
    | 'getChannelMember'
    | 'getChannelMembers'
    | 'getUser'
    | 'getTeam'
    | 'getPost'
    | 'getPostThread'
    | 'getFileInfo'
    | 'getGroupsForUser'
    | 'createPost'
    | 'getDirectChannel'
    | 'sendEphemeralPost'
    | 'openInteractiveDialog'
    | 'hasPermissionTo'
    | 'hasPermissionToChannel'
    | 'hasPermissionToTeam'
>;

/** What the http layer uses of the dispatcher. */
export type HttpDispatcher = Pick<Dispatcher, 'log' | 'secrets' | 'replay' | 'recoverFailed' | 'handleAsyncReply' | 'cancelEndpoints' | 'purgeRule'>;

/** Everything the use cases behind the REST API and the slash command need. */
export interface ServiceContext {
    api: HttpPluginApi;
    rules: RuleStore;
    permissions: RulePermissions;
    dispatcher: HttpDispatcher;
    optIns: DirectOptIns;
    inbound: InboundUrls;
    settings: () => Settings;
    serverConfig: () => ServerConfigInfo;
    clock: Clock;
    log: Logger;
    /** Tripwire's bot user (known once the plugin is active). */
    botUserId: () => string;
    /** The SSRF guard deliveries use, asked at save time whether an endpoint's address may be called. */
    checkDestination?: (url: URL) => Promise<GuardResult>;
    /** This node's delivery health, from the metrics registry (the System Console's summary); absent: all zero. */
    health?: HealthSource;
    /** The bot accounts of rules that post as their own bot (absent: no rule may have one). */
    bots?: RuleBots;
}

/** An access verdict as the error the API answers with. */
export function accessError(access: Extract<Access, {ok: false}>): ApiError {
    if (access.code === 'invalid_input') return new ApiError('invalid_input', access.reason, {[access.field ?? '']: access.reason});
    return new ApiError(access.code, access.reason);
}

/**
 * Permission checks for one request, each asked once: a list of rules mostly shares a few scopes, and every check
 * costs Mattermost API calls.
 */
export class RequestAccess {
    private readonly memo = new Map<string, Promise<Access>>();

    constructor(
        private readonly permissions: RulePermissions,
        readonly userId: string,
    ) {}

    rule(rule: Pick<Rule, 'scope' | 'ownerId'>, action: RuleAction): Promise<Access> {
        return this.scope(rule.scope, rule.ownerId, action);
    }

    scope(scope: RuleScope, ownerId: string, action: RuleAction): Promise<Access> {
        return this.once(`r|${JSON.stringify(scope)}|${ownerId}|${action}`, () => this.permissions.ruleAccess(this.userId, scope, ownerId, action));
    }

    channel(channelId: string, action: RuleAction): Promise<Access> {
        return this.once(`c|${channelId}|${action}`, () => this.permissions.channelAccess(this.userId, channelId, action));
    }

    team(teamId: string, channelTypes: readonly string[], action: RuleAction): Promise<Access> {
        return this.once(`t|${teamId}|${channelTypes.join()}|${action}`, () => this.permissions.teamAccess(this.userId, teamId, channelTypes, action));
    }

    /** @throws ApiError unless the access is granted */
    async require(access: Promise<Access>): Promise<Extract<Access, {ok: true}>> {
        const a = await access;
        if (!a.ok) throw accessError(a);
        return a;
    }

    private once(key: string, check: () => Promise<Access>): Promise<Access> {
        let hit = this.memo.get(key);
        if (!hit) {
            hit = check();
            this.memo.set(key, hit);
        }
        return hit;
    }
}
