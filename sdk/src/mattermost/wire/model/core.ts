// Errors, request context, and the users, channels, teams and sessions the plugin looks up.
import {struct, w} from '../types';

export const AppError = struct('AppError', {
    Id: [w.string, 'id'],
    Message: [w.string, 'message'],
    DetailedError: [w.string, 'detailed_error'],
    RequestId: [w.string, 'request_id,omitempty'],
    StatusCode: [w.int, 'status_code,omitempty'],
    Where: [w.string, '-'],
    SkipTranslation: [w.bool, '-'],
});

export const ErrorString = struct('ErrorString', {
    Code: [w.int, 'code,omitempty'],
    Err: [w.string, 'error'],
});

export const PluginContext = struct('Context', {
    SessionId: [w.string, 'session_id'],
    RequestId: [w.string, 'request_id'],
    IPAddress: [w.string, 'ip_address'],
    AcceptLanguage: [w.string, 'accept_language'],
    UserAgent: [w.string, 'user_agent'],
    ConnectionId: [w.string, 'connection_id,omitempty'],
});

export const User = struct('User', {
    Id: [w.string, 'id'],
    CreateAt: [w.int64, 'create_at,omitempty'],
    UpdateAt: [w.int64, 'update_at,omitempty'],
    DeleteAt: [w.int64, 'delete_at'],
    Username: [w.string, 'username'],
    AuthService: [w.string, 'auth_service'],
    Email: [w.string, 'email'],
    EmailVerified: [w.bool, 'email_verified,omitempty'],
    Nickname: [w.string, 'nickname'],
    FirstName: [w.string, 'first_name'],
    LastName: [w.string, 'last_name'],
    Position: [w.string, 'position'],
    Roles: [w.string, 'roles'],
    Props: [w.stringMap, 'props,omitempty'],
    NotifyProps: [w.stringMap, 'notify_props,omitempty'],
    LastPictureUpdate: [w.int64, 'last_picture_update,omitempty'],
    Locale: [w.string, 'locale'],
    Timezone: [w.stringMap, 'timezone'],
    RemoteId: [w.ptr(w.string), 'remote_id,omitempty'],
    LastActivityAt: [w.int64, 'last_activity_at,omitempty'],
    IsBot: [w.bool, 'is_bot,omitempty'],
    BotDescription: [w.string, 'bot_description,omitempty'],
    DisableWelcomeEmail: [w.bool, 'disable_welcome_email'],
});

export const Channel = struct('Channel', {
    Id: [w.string, 'id'],
    CreateAt: [w.int64, 'create_at'],
    UpdateAt: [w.int64, 'update_at'],
    DeleteAt: [w.int64, 'delete_at'],
    TeamId: [w.string, 'team_id'],
    Type: [w.string, 'type'],
    DisplayName: [w.string, 'display_name'],
    Name: [w.string, 'name'],
    Header: [w.string, 'header'],
    Purpose: [w.string, 'purpose'],
    LastPostAt: [w.int64, 'last_post_at'],
    TotalMsgCount: [w.int64, 'total_msg_count'],
    ExtraUpdateAt: [w.int64, 'extra_update_at'],
    CreatorId: [w.string, 'creator_id'],
    SchemeId: [w.ptr(w.string), 'scheme_id'],
    Props: [w.stringInterface, 'props'],
    GroupConstrained: [w.ptr(w.bool), 'group_constrained'],
    Shared: [w.ptr(w.bool), 'shared'],
    TotalMsgCountRoot: [w.int64, 'total_msg_count_root'],
    PolicyID: [w.ptr(w.string), 'policy_id'],
    LastRootPostAt: [w.int64, 'last_root_post_at'],
});

export const ChannelMember = struct('ChannelMember', {
    ChannelId: [w.string, 'channel_id'],
    UserId: [w.string, 'user_id'],
    Roles: [w.string, 'roles'],
    LastViewedAt: [w.int64, 'last_viewed_at'],
    MsgCount: [w.int64, 'msg_count'],
    MentionCount: [w.int64, 'mention_count'],
    MentionCountRoot: [w.int64, 'mention_count_root'],
    UrgentMentionCount: [w.int64, 'urgent_mention_count'],
    MsgCountRoot: [w.int64, 'msg_count_root'],
    NotifyProps: [w.stringMap, 'notify_props'],
    LastUpdateAt: [w.int64, 'last_update_at'],
    SchemeGuest: [w.bool, 'scheme_guest'],
    SchemeUser: [w.bool, 'scheme_user'],
    SchemeAdmin: [w.bool, 'scheme_admin'],
    ExplicitRoles: [w.string, 'explicit_roles'],
});

/** A user group (LDAP-synced or custom); GetGroupsForUser lists the ones a user belongs to. */
export const Group = struct('Group', {
    Id: [w.string, 'id'],
    Name: [w.ptr(w.string), 'name,omitempty'],
    DisplayName: [w.string, 'display_name'],
    Description: [w.string, 'description'],
    Source: [w.string, 'source'],
    RemoteId: [w.ptr(w.string), 'remote_id'],
    CreateAt: [w.int64, 'create_at'],
    UpdateAt: [w.int64, 'update_at'],
    DeleteAt: [w.int64, 'delete_at'],
    HasSyncables: [w.bool, 'has_syncables'],
    MemberCount: [w.ptr(w.int), 'member_count,omitempty'],
    AllowReference: [w.bool, 'allow_reference'],
});

export const Team = struct('Team', {
    Id: [w.string, 'id'],
    CreateAt: [w.int64, 'create_at'],
    UpdateAt: [w.int64, 'update_at'],
    DeleteAt: [w.int64, 'delete_at'],
    DisplayName: [w.string, 'display_name'],
    Name: [w.string, 'name'],
    Description: [w.string, 'description'],
    Email: [w.string, 'email'],
    Type: [w.string, 'type'],
    CompanyName: [w.string, 'company_name'],
    AllowedDomains: [w.string, 'allowed_domains'],
    InviteId: [w.string, 'invite_id'],
    AllowOpenInvite: [w.bool, 'allow_open_invite'],
    LastTeamIconUpdate: [w.int64, 'last_team_icon_update,omitempty'],
    SchemeId: [w.ptr(w.string), 'scheme_id'],
    GroupConstrained: [w.ptr(w.bool), 'group_constrained'],
    PolicyID: [w.ptr(w.string), 'policy_id'],
    CloudLimitsArchived: [w.bool, 'cloud_limits_archived'],
});

export const TeamMember = struct('TeamMember', {
    TeamId: [w.string, 'team_id'],
    UserId: [w.string, 'user_id'],
    Roles: [w.string, 'roles'],
    DeleteAt: [w.int64, 'delete_at'],
    SchemeGuest: [w.bool, 'scheme_guest'],
    SchemeUser: [w.bool, 'scheme_user'],
    SchemeAdmin: [w.bool, 'scheme_admin'],
    ExplicitRoles: [w.string, 'explicit_roles'],
});

export const Bot = struct('Bot', {
    UserId: [w.string, 'user_id'],
    Username: [w.string, 'username'],
    DisplayName: [w.string, 'display_name,omitempty'],
    Description: [w.string, 'description,omitempty'],
    OwnerId: [w.string, 'owner_id'],
    LastIconUpdate: [w.int64, 'last_icon_update,omitempty'],
    CreateAt: [w.int64, 'create_at'],
    UpdateAt: [w.int64, 'update_at'],
    DeleteAt: [w.int64, 'delete_at'],
});

/** model.BotPatch: a nil field is left as it is. */
export const BotPatch = struct('BotPatch', {
    Username: [w.ptr(w.string), 'username'],
    DisplayName: [w.ptr(w.string), 'display_name'],
    Description: [w.ptr(w.string), 'description'],
});

export const Session = struct('Session', {
    Id: [w.string, 'id'],
    Token: [w.string, 'token'],
    CreateAt: [w.int64, 'create_at'],
    ExpiresAt: [w.int64, 'expires_at'],
    LastActivityAt: [w.int64, 'last_activity_at'],
    UserId: [w.string, 'user_id'],
    DeviceId: [w.string, 'device_id'],
    Roles: [w.string, 'roles'],
    IsOAuth: [w.bool, 'is_oauth'],
    ExpiredNotify: [w.bool, 'expired_notify'],
    Props: [w.stringMap, 'props'],
    TeamMembers: [w.slice(w.ptr(TeamMember)), 'team_members'],
    Local: [w.bool, 'local'],
});

export const Permission = struct('Permission', {
    Id: [w.string, 'id'],
    Name: [w.string, 'name'],
    Description: [w.string, 'description'],
    Scope: [w.string, 'scope'],
});
