import {type RuleScope} from '@tripwire/common';
import {type Settings} from '../config/settings';
import {type ChannelInfo, type ChannelMemberInfo, PluginApiError, type PluginAPI, type UserInfo} from '../ports';

/**
 * Who may see and change which rules. Checked in a fixed order — membership, then channel type, then the admin
 * level — so a private channel reveals nothing to a non-member: "not found", exactly as if it did not exist.
 *
 * Mattermost permission ids used (default schemes):
 * - `manage_system`: system admins.
 * - `manage_team` on the team: team admins.
 * - `manage_channel_roles` on the channel: channel admins (and, through the scheme hierarchy, team and system
 *   admins). Not `manage_*_channel_properties`: every channel member has those by default.
 */

export type AdminLevel = 'system_admin' | 'team_admin' | 'channel_admin' | 'member';

export type Access =
    /** `orphaned`: a channel the rule names no longer exists (the rule may then only be viewed and deleted). */
    | {ok: true; as: AdminLevel; orphaned?: true}
    | {ok: false; code: 'not_found' | 'forbidden' | 'invalid_input'; reason: string; field?: string};

/** view: list and test rules; manage: create and change; delete: remove (system admins may clean up anywhere). */
export type RuleAction = 'view' | 'manage' | 'delete';

export type PermissionsApi = Pick<
    PluginAPI,
    'getChannel' | 'getChannelMember' | 'getUser' | 'hasPermissionTo' | 'hasPermissionToChannel' | 'hasPermissionToTeam'
>;

const notFound: Access = {ok: false, code: 'not_found', reason: 'channel not found'};
const forbidden = (reason: string, field?: string): Access => ({ok: false, code: 'forbidden', reason, ...(field ? {field} : {})});

function isGuest(user: UserInfo, member?: ChannelMemberInfo | null): boolean {
    return user.roles.split(' ').includes('system_guest') || member?.scheme_guest === true;
}

export class RulePermissions {
    constructor(
        private readonly api: PermissionsApi,
        private readonly settings: () => Settings,
    ) {}

    private async channel(channelId: string): Promise<ChannelInfo | null> {
        const found = await this.channelOrGone(channelId);
        return found === 'gone' ? null : found;
    }

    /** 'gone': deleted for good (not found); null: not visible to the plugin (403). */
    private async channelOrGone(channelId: string): Promise<ChannelInfo | 'gone' | null> {
        try {
            return await this.api.getChannel(channelId);
        } catch (e) {
            if (e instanceof PluginApiError && e.isNotFound) return 'gone';
            if (e instanceof PluginApiError && e.statusCode === 403) return null;
            throw e;
        }
    }

    private isSystemAdmin(userId: string): Promise<boolean> {
        return this.api.hasPermissionTo(userId, 'manage_system');
    }

    /** May `userId` do `action` on the rules watching this channel? */
    async channelAccess(userId: string, channelId: string, action: RuleAction): Promise<Access> {
        const channel = await this.channel(channelId);
        return channel ? this.accessTo(userId, channel, action) : notFound;
    }

    private async accessTo(userId: string, channel: ChannelInfo, action: RuleAction): Promise<Access> {
        const channelId = channel.id;
        const [user, member, sysadmin] = await Promise.all([
            this.api.getUser(userId),
            this.api.getChannelMember(channelId, userId),
            this.isSystemAdmin(userId),
        ]);

        // 1. Membership: private channels and conversations do not exist for non-members.
        const hidden = channel.type === 'P' || channel.type === 'D' || channel.type === 'G';
        if (hidden && !member && !(sysadmin && action !== 'manage')) return notFound;

        // 2. Channel type.
        if (isGuest(user, member)) return forbidden('guests cannot manage Tripwire rules');
        if (channel.delete_at > 0 && action === 'manage') return forbidden('the channel is archived');
        if (channel.type === 'D' || channel.type === 'G') {
            if (!this.settings().EnableDirectMessageRules && action === 'manage') {
                return forbidden('rules in direct and group messages are turned off by the system admin');
            }
            // Any member may add rules to their own conversation: they apply only once every member opted in.
            return {ok: true, as: sysadmin ? 'system_admin' : 'member'};
        }

        // 3. Admin level: channel admin and above.
        if (sysadmin) return {ok: true, as: 'system_admin'};
        if (await this.api.hasPermissionToTeam(userId, channel.team_id, 'manage_team')) {
            // A team admin still has to be in a private channel (checked above) to touch its rules.
            return {ok: true, as: 'team_admin'};
        }
        if (member && (member.scheme_admin || (await this.api.hasPermissionToChannel(userId, channelId, 'manage_channel_roles')))) {
            return {ok: true, as: 'channel_admin'};
        }
        return forbidden('only channel admins (and team or system admins) manage rules in this channel');
    }

    /** May `userId` do `action` on a team-wide rule covering these channel types? */
    async teamAccess(userId: string, teamId: string, channelTypes: readonly string[], action: RuleAction): Promise<Access> {
        const [user, sysadmin] = await Promise.all([this.api.getUser(userId), this.isSystemAdmin(userId)]);
        if (isGuest(user)) return forbidden('guests cannot manage Tripwire rules');
        if (sysadmin) return {ok: true, as: 'system_admin'};
        // Nobody else can see every private channel of a team, so nobody else may watch them all.
        if (channelTypes.includes('P')) return forbidden('only system admins may create team-wide rules on private channels', 'scope.channelTypes');
        if (await this.api.hasPermissionToTeam(userId, teamId, 'manage_team')) return {ok: true, as: 'team_admin'};
        return forbidden(action === 'view' ? 'only team admins see team-wide rules' : 'only team admins manage team-wide rules');
    }

    /** Personal rules over one's own direct and group conversations. */
    async directAccess(userId: string, ownerId: string, action: RuleAction): Promise<Access> {
        const [user, sysadmin] = await Promise.all([this.api.getUser(userId), this.isSystemAdmin(userId)]);
        if (isGuest(user)) return forbidden('guests cannot manage Tripwire rules');
        if (!this.settings().EnableDirectMessageRules && action === 'manage') {
            return forbidden('rules in direct and group messages are turned off by the system admin');
        }
        if (userId === ownerId) return {ok: true, as: sysadmin ? 'system_admin' : 'member'};
        if (sysadmin && action !== 'manage') return {ok: true, as: 'system_admin'};
        return {ok: false, code: 'not_found', reason: 'rule not found'}; // someone else's personal rules are private
    }

    /**
     * May `userId` do `action` on a rule with this scope (and owner)? Every channel it names must pass, and they must
     * all belong to the scope's team. For an update, check the stored rule with 'manage' and the new scope too.
     */
    async ruleAccess(userId: string, scope: RuleScope, ownerId: string, action: RuleAction): Promise<Access> {
        switch (scope.kind) {
            case 'team':
                return this.teamAccess(userId, scope.teamId, scope.channelTypes, action);
            case 'direct':
                return this.directAccess(userId, ownerId, action);
            case 'channels': {
                let weakest: Access | null = null;
                let orphaned = false;
                const order: AdminLevel[] = ['member', 'channel_admin', 'team_admin', 'system_admin'];
                for (const channelId of scope.channelIds) {
                    const channel = await this.channelOrGone(channelId);
                    if (channel === 'gone' && action !== 'manage') {
                        orphaned = true;
                        continue;
                    }
                    if (!channel || channel === 'gone') return notFound;
                    const access = await this.accessTo(userId, channel, action);
                    if (!access.ok) return action !== 'manage' && scope.channelIds.length > 1 ? this.orphanAccess(userId, ownerId, access, scope.channelIds, channelId) : access;
                    if (channel.team_id !== scope.teamId) {
                        return {ok: false, code: 'invalid_input', reason: 'all channels of a rule must belong to its team', field: 'scope.channelIds'};
                    }
                    if (!weakest || (weakest.ok && order.indexOf(access.as) < order.indexOf(weakest.as))) weakest = access;
                }
                if (!orphaned) return weakest ?? notFound;
                if (weakest?.ok) return {...weakest, orphaned: true};
                return this.ownerOrSystemAdmin(userId, ownerId, notFound);
            }
        }
    }

    /**
     * A rule whose channel was deleted stays reachable to its owner and to system admins, to look at and to delete
     * (and so revoke its inbound URL): nobody else can any more, and Mattermost tells plugins nothing.
     */
    private async ownerOrSystemAdmin(userId: string, ownerId: string, otherwise: Access): Promise<Access> {
        if (await this.isSystemAdmin(userId)) return {ok: true, as: 'system_admin', orphaned: true};
        if (userId !== ownerId) return otherwise;
        if (isGuest(await this.api.getUser(userId))) return forbidden('guests cannot manage Tripwire rules');
        return {ok: true, as: 'member', orphaned: true};
    }

    /** A refusal on one channel of a rule: if another of its channels is gone, the owner and system admins still get in. */
    private async orphanAccess(userId: string, ownerId: string, refused: Access, channelIds: readonly string[], refusedOn: string): Promise<Access> {
        for (const id of channelIds) {
            if (id !== refusedOn && (await this.channelOrGone(id)) === 'gone') return this.ownerOrSystemAdmin(userId, ownerId, refused);
        }
        return refused;
    }
}
