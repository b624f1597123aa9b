import {type ChannelInfo, type ChannelMemberInfo, PluginApiError, type UserInfo} from '../../ports';
import {type PermissionsApi} from '../rule_permissions';

/**
 * The permission-relevant slice of Mattermost in memory, following its default schemes: system admins have every
 * permission; team admins have manage_team and, on their team's channels, manage_channel_roles; channel admins
 * (scheme_admin) have manage_channel_roles on their channel; members and guests have neither.
 */
export class FakePermissionsApi implements PermissionsApi {
    readonly users = new Map<string, UserInfo>();
    readonly channels = new Map<string, ChannelInfo>();
    /** channelId → userId → membership */
    readonly members = new Map<string, Map<string, ChannelMemberInfo>>();
    /** teamId → ids of its team admins */
    readonly teamAdmins = new Map<string, Set<string>>();
    calls = 0;

    addUser(id: string, roles = 'system_user'): this {
        this.users.set(id, {id, username: id.slice(0, 8), first_name: '', last_name: '', nickname: '', roles, is_bot: false, delete_at: 0});
        return this;
    }

    addChannel(channel: ChannelInfo): this {
        this.channels.set(channel.id, channel);
        return this;
    }

    addMember(channelId: string, userId: string, as: 'member' | 'admin' | 'guest' = 'member'): this {
        const list = this.members.get(channelId) ?? new Map<string, ChannelMemberInfo>();
        list.set(userId, {
            channel_id: channelId,
            user_id: userId,
            roles: as === 'admin' ? 'channel_user channel_admin' : as === 'guest' ? 'channel_guest' : 'channel_user',
            scheme_admin: as === 'admin',
            scheme_user: as !== 'guest',
            scheme_guest: as === 'guest',
        });
        this.members.set(channelId, list);
        return this;
    }

    makeTeamAdmin(teamId: string, userId: string): this {
        this.teamAdmins.set(teamId, new Set([...(this.teamAdmins.get(teamId) ?? []), userId]));
        return this;
    }

    private sysadmin(userId: string): boolean {
        return this.users.get(userId)?.roles.split(' ').includes('system_admin') ?? false;
    }

    async getChannel(channelId: string): Promise<ChannelInfo> {
        this.calls++;
        const c = this.channels.get(channelId);
        if (!c) throw new PluginApiError('channel not found', 404, 'app.channel.get.existing.app_error');
        return c;
    }

    async getChannelMember(channelId: string, userId: string): Promise<ChannelMemberInfo | null> {
        this.calls++;
        return this.members.get(channelId)?.get(userId) ?? null;
    }

    async getChannelMembers(channelId: string, page: number, perPage: number): Promise<ChannelMemberInfo[]> {
        this.calls++;
        return [...(this.members.get(channelId)?.values() ?? [])].slice(page * perPage, (page + 1) * perPage);
    }

    async getUser(userId: string): Promise<UserInfo> {
        this.calls++;
        const u = this.users.get(userId);
        if (!u) throw new PluginApiError('user not found', 404);
        return u;
    }

    async hasPermissionTo(userId: string, permission: string): Promise<boolean> {
        this.calls++;
        return this.sysadmin(userId) && permission.length > 0;
    }

    async hasPermissionToTeam(userId: string, teamId: string, permission: string): Promise<boolean> {
        this.calls++;
        if (this.sysadmin(userId)) return true;
        return permission === 'manage_team' && (this.teamAdmins.get(teamId)?.has(userId) ?? false);
    }

    async hasPermissionToChannel(userId: string, channelId: string, permission: string): Promise<boolean> {
        this.calls++;
        if (this.sysadmin(userId)) return true;
        if (permission !== 'manage_channel_roles') return false;
        const c = this.channels.get(channelId);
        if (c && this.teamAdmins.get(c.team_id)?.has(userId)) return true;
        return this.members.get(channelId)?.get(userId)?.scheme_admin ?? false;
    }
}
