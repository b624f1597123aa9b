package memapi

import (
	"sort"

	"github.com/mattermost/mattermost/server/public/model"
)

// AddGroup stores a user group (custom unless Source is set) and returns a copy with id and timestamps.
func (s *Server) AddGroup(g *model.Group) *model.Group {
	defer s.lock()()
	cp := *g
	if cp.Id == "" {
		cp.Id = model.NewId()
	}
	if cp.Source == "" {
		cp.Source = model.GroupSourceCustom
	}
	cp.CreateAt = s.millis()
	cp.UpdateAt = cp.CreateAt
	s.groups[cp.Id] = &cp
	out := cp
	return &out
}

// AddGroupMember makes a user a member of a group.
func (s *Server) AddGroupMember(groupID, userID string) {
	defer s.lock()()
	if s.groupMems[groupID] == nil {
		s.groupMems[groupID] = map[string]bool{}
	}
	s.groupMems[groupID][userID] = true
}

// DeleteGroup archives a group (DeleteAt set); its memberships stay, as in the server.
func (s *Server) DeleteGroup(groupID string) {
	defer s.lock()()
	if g, ok := s.groups[groupID]; ok {
		g.DeleteAt = s.millis()
	}
}

// GetGroupsForUser lists the groups a user is a member of, ordered by id. Like the server's
// SqlGroupStore.GetByUser it filters on the membership only, so archived groups are listed too (with
// DeleteAt set); an unknown user simply has none.
func (a *API) GetGroupsForUser(userID string) ([]*model.Group, *model.AppError) {
	a.note("GetGroupsForUser")
	defer a.srv.lock()()
	out := []*model.Group{}
	for id, members := range a.srv.groupMems {
		if g, ok := a.srv.groups[id]; ok && members[userID] {
			cp := *g
			out = append(out, &cp)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Id < out[j].Id })
	return out, nil
}
