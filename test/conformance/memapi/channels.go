package memapi

import (
	"sort"

	"github.com/mattermost/mattermost/server/public/model"
)

// AddChannel stores a channel (an id is assigned when empty) and returns a copy.
func (s *Server) AddChannel(c *model.Channel) *model.Channel {
	defer s.lock()()
	return s.addChannelLocked(c)
}

func (s *Server) addChannelLocked(c *model.Channel) *model.Channel {
	cp := *c
	if cp.Id == "" {
		cp.Id = model.NewId()
	}
	if cp.DisplayName == "" {
		cp.DisplayName = cp.Name
	}
	if cp.CreateAt == 0 {
		cp.CreateAt = s.millis()
		cp.UpdateAt = cp.CreateAt
	}
	s.channels[cp.Id] = &cp
	if s.chanMems[cp.Id] == nil {
		s.chanMems[cp.Id] = map[string]*model.ChannelMember{}
	}
	out := cp
	return &out
}

// ChannelRole is a user's role in a channel.
type ChannelRole int

const (
	ChannelUser ChannelRole = iota
	ChannelAdmin
	ChannelGuest
)

// AddChannelMember makes a user a member of a channel with a role (scheme flags plus role names in Roles).
func (s *Server) AddChannelMember(channelID, userID string, role ChannelRole) *model.ChannelMember {
	defer s.lock()()
	return s.addChannelMemberLocked(channelID, userID, role)
}

func (s *Server) addChannelMemberLocked(channelID, userID string, role ChannelRole) *model.ChannelMember {
	m := &model.ChannelMember{ChannelId: channelID, UserId: userID, NotifyProps: model.GetDefaultChannelNotifyProps()}
	switch role {
	case ChannelAdmin:
		m.SchemeUser, m.SchemeAdmin = true, true
		m.Roles = model.ChannelUserRoleId + " " + model.ChannelAdminRoleId
	case ChannelGuest:
		m.SchemeGuest = true
		m.Roles = model.ChannelGuestRoleId
	default:
		m.SchemeUser = true
		m.Roles = model.ChannelUserRoleId
	}
	m.LastUpdateAt = s.millis()
	if s.chanMems[channelID] == nil {
		s.chanMems[channelID] = map[string]*model.ChannelMember{}
	}
	s.chanMems[channelID][userID] = m
	cp := *m
	return &cp
}

// Channel returns a copy of a stored channel, or nil.
// ChannelMemberIDs lists a channel's members by user id, sorted.
func (s *Server) ChannelMemberIDs(channelID string) []string {
	defer s.lock()()
	return s.memberIDsLocked(channelID)
}

func (s *Server) memberIDsLocked(channelID string) []string {
	ids := make([]string, 0, len(s.chanMems[channelID]))
	for id := range s.chanMems[channelID] {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

func (s *Server) Channel(id string) *model.Channel {
	defer s.lock()()
	if c, ok := s.channels[id]; ok {
		cp := *c
		return &cp
	}
	return nil
}

// GetChannel returns a channel, or 404 app.channel.get.existing.app_error.
func (a *API) GetChannel(channelID string) (*model.Channel, *model.AppError) {
	a.note("GetChannel")
	defer a.srv.lock()()
	c, ok := a.srv.channels[channelID]
	if !ok {
		return nil, notFound("GetChannel", "app.channel.get.existing.app_error", "channel_id="+channelID)
	}
	cp := *c
	return &cp, nil
}

// GetChannelByName returns a channel of a team by name.
func (a *API) GetChannelByName(teamID, name string, includeDeleted bool) (*model.Channel, *model.AppError) {
	a.note("GetChannelByName")
	defer a.srv.lock()()
	for _, c := range a.srv.channels {
		if c.TeamId == teamID && c.Name == name && (includeDeleted || c.DeleteAt == 0) {
			cp := *c
			return &cp, nil
		}
	}
	return nil, notFound("GetChannelByName", "app.channel.get_by_name.missing.app_error", "name="+name)
}

// GetChannelMembers returns one page of a channel's members ordered by user id, like the server's
// GetChannelMembersPage (an unknown channel has none).
func (a *API) GetChannelMembers(channelID string, page, perPage int) (model.ChannelMembers, *model.AppError) {
	a.note("GetChannelMembers")
	defer a.srv.lock()()
	if page < 0 || perPage <= 0 {
		return nil, badRequest("GetChannelMembers", "api.context.invalid_url_param.app_error", "page/per_page")
	}
	ids := a.srv.memberIDsLocked(channelID)
	out := model.ChannelMembers{}
	for i := page * perPage; i < len(ids) && i < (page+1)*perPage; i++ {
		out = append(out, *a.srv.chanMems[channelID][ids[i]])
	}
	return out, nil
}

// GetChannelMember returns a membership, or 404 app.channel.get_member.missing.app_error.
func (a *API) GetChannelMember(channelID, userID string) (*model.ChannelMember, *model.AppError) {
	a.note("GetChannelMember")
	defer a.srv.lock()()
	m, ok := a.srv.chanMems[channelID][userID]
	if !ok {
		return nil, notFound("GetChannelMember", "app.channel.get_member.missing.app_error", "channel_id="+channelID+", user_id="+userID)
	}
	cp := *m
	return &cp, nil
}

// GetDirectChannel returns the DM channel between two users, creating it (with both as members) if needed,
// like the server's GetOrCreateDirectChannel.
func (a *API) GetDirectChannel(userID1, userID2 string) (*model.Channel, *model.AppError) {
	a.note("GetDirectChannel")
	defer a.srv.lock()()
	for _, id := range []string{userID1, userID2} {
		if _, ok := a.srv.users[id]; !ok {
			return nil, badRequest("GetDirectChannel", "api.channel.create_direct_channel.invalid_user.app_error", "user_id="+id)
		}
	}
	name := model.GetDMNameFromIds(userID1, userID2)
	for _, c := range a.srv.channels {
		if c.Type == model.ChannelTypeDirect && c.Name == name {
			cp := *c
			return &cp, nil
		}
	}
	c := a.srv.addChannelLocked(&model.Channel{Name: name, Type: model.ChannelTypeDirect, CreatorId: userID1})
	a.srv.addChannelMemberLocked(c.Id, userID1, ChannelUser)
	if userID2 != userID1 {
		a.srv.addChannelMemberLocked(c.Id, userID2, ChannelUser)
	}
	return c, nil
}

// GetGroupChannel returns the group message channel of 3–8 users, creating it if needed.
func (a *API) GetGroupChannel(userIDs []string) (*model.Channel, *model.AppError) {
	a.note("GetGroupChannel")
	defer a.srv.lock()()
	if len(userIDs) < model.ChannelGroupMinUsers || len(userIDs) > model.ChannelGroupMaxUsers {
		return nil, badRequest("GetGroupChannel", "api.channel.create_group.bad_size.app_error", "")
	}
	ids := append([]string(nil), userIDs...)
	sort.Strings(ids)
	for _, id := range ids {
		if _, ok := a.srv.users[id]; !ok {
			return nil, badRequest("GetGroupChannel", "api.channel.create_group.bad_user.app_error", "user_id="+id)
		}
	}
	name := model.GetGroupNameFromUserIds(ids)
	for _, c := range a.srv.channels {
		if c.Type == model.ChannelTypeGroup && c.Name == name {
			cp := *c
			return &cp, nil
		}
	}
	c := a.srv.addChannelLocked(&model.Channel{Name: name, Type: model.ChannelTypeGroup})
	for _, id := range ids {
		a.srv.addChannelMemberLocked(c.Id, id, ChannelUser)
	}
	return c, nil
}
