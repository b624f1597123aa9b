package memapi

import (
	"strings"

	"github.com/mattermost/mattermost/server/public/model"
)

// Permissions, as Mattermost resolves them: a check on a channel looks at the user's channel roles, then
// falls back to the team's roles (for team channels), then to the system roles; a team check looks at team
// roles then system roles. system_admin has every permission.
//
// The role → permission table below is a small excerpt of Mattermost's default roles, enough to tell a
// system admin, a team admin, a channel admin, a member, a guest and a non-member apart.
var rolePermissions = map[string][]string{
	model.SystemUserRoleId: {
		"create_team", "create_direct_channel", "create_group_channel", "list_public_teams", "join_public_teams",
		"view_members",
	},
	model.SystemGuestRoleId: {"create_direct_channel", "create_group_channel"},

	model.TeamUserRoleId: {
		"view_team", "list_team_channels", "join_public_channels", "read_public_channel", "create_public_channel",
		"create_private_channel", "invite_user", "add_user_to_team",
	},
	model.TeamAdminRoleId: {
		"manage_team", "remove_user_from_team", "manage_team_roles", "manage_channel_roles",
		"manage_public_channel_members", "manage_private_channel_members", "delete_others_posts",
		"manage_slash_commands", "manage_others_slash_commands", "manage_incoming_webhooks", "manage_outgoing_webhooks",
	},
	model.TeamGuestRoleId: {"view_team"},

	model.ChannelUserRoleId: {
		"read_channel", "read_channel_content", "create_post", "edit_post", "delete_post", "add_reaction",
		"remove_reaction", "upload_file", "use_channel_mentions", "manage_public_channel_members",
		"manage_private_channel_members", "manage_public_channel_properties", "manage_private_channel_properties",
	},
	model.ChannelAdminRoleId: {"manage_channel_roles", "use_group_mentions"},
	model.ChannelGuestRoleId: {
		"read_channel", "read_channel_content", "create_post", "edit_post", "add_reaction", "remove_reaction",
		"upload_file", "use_channel_mentions",
	},
}

func rolesGrant(roles, permission string) bool {
	for _, role := range strings.Fields(roles) {
		for _, p := range rolePermissions[role] {
			if p == permission {
				return true
			}
		}
	}
	return false
}

func (s *Server) systemPermLocked(userID, permission string) bool {
	u, ok := s.users[userID]
	if !ok || u.DeleteAt != 0 {
		return false
	}
	if u.IsSystemAdmin() {
		return true
	}
	return rolesGrant(u.Roles, permission)
}

func (s *Server) teamPermLocked(userID, teamID, permission string) bool {
	if m, ok := s.teamMems[teamID][userID]; ok && m.DeleteAt == 0 && rolesGrant(m.Roles, permission) {
		return true
	}
	return s.systemPermLocked(userID, permission)
}

func (s *Server) channelPermLocked(userID, channelID, permission string) bool {
	if m, ok := s.chanMems[channelID][userID]; ok && rolesGrant(m.Roles, permission) {
		return true
	}
	if c, ok := s.channels[channelID]; ok && c.TeamId != "" {
		return s.teamPermLocked(userID, c.TeamId, permission)
	}
	return s.systemPermLocked(userID, permission)
}

func permID(p *model.Permission) string {
	if p == nil {
		return ""
	}
	return p.Id
}

// HasPermissionTo reports a system-wide permission (manage_system only for system admins).
func (a *API) HasPermissionTo(userID string, permission *model.Permission) bool {
	a.note("HasPermissionTo")
	defer a.srv.lock()()
	return a.srv.systemPermLocked(userID, permID(permission))
}

// HasPermissionToTeam reports a permission in a team (team roles, then system roles).
func (a *API) HasPermissionToTeam(userID, teamID string, permission *model.Permission) bool {
	a.note("HasPermissionToTeam")
	defer a.srv.lock()()
	return a.srv.teamPermLocked(userID, teamID, permID(permission))
}

// HasPermissionToChannel reports a permission in a channel (channel roles, then team roles, then system).
func (a *API) HasPermissionToChannel(userID, channelID string, permission *model.Permission) bool {
	a.note("HasPermissionToChannel")
	defer a.srv.lock()()
	return a.srv.channelPermLocked(userID, channelID, permID(permission))
}
