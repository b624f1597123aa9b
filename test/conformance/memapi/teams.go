package memapi

import (
	"github.com/mattermost/mattermost/server/public/model"
)

// AddTeam stores a team (an id is assigned when empty) and returns a copy.
func (s *Server) AddTeam(t *model.Team) *model.Team {
	defer s.lock()()
	cp := *t
	if cp.Id == "" {
		cp.Id = model.NewId()
	}
	if cp.Type == "" {
		cp.Type = model.TeamOpen
	}
	if cp.CreateAt == 0 {
		cp.CreateAt = s.millis()
		cp.UpdateAt = cp.CreateAt
	}
	s.teams[cp.Id] = &cp
	s.teamMems[cp.Id] = map[string]*model.TeamMember{}
	out := cp
	return &out
}

// TeamRole is a user's role in a team.
type TeamRole int

const (
	TeamUser TeamRole = iota
	TeamAdmin
	TeamGuest
)

// AddTeamMember makes a user a member of a team with a role, the way Mattermost stores it: the scheme flags
// plus the role names in Roles.
func (s *Server) AddTeamMember(teamID, userID string, role TeamRole) *model.TeamMember {
	defer s.lock()()
	m := &model.TeamMember{TeamId: teamID, UserId: userID}
	switch role {
	case TeamAdmin:
		m.SchemeUser, m.SchemeAdmin = true, true
		m.Roles = model.TeamUserRoleId + " " + model.TeamAdminRoleId
	case TeamGuest:
		m.SchemeGuest = true
		m.Roles = model.TeamGuestRoleId
	default:
		m.SchemeUser = true
		m.Roles = model.TeamUserRoleId
	}
	if s.teamMems[teamID] == nil {
		s.teamMems[teamID] = map[string]*model.TeamMember{}
	}
	s.teamMems[teamID][userID] = m
	cp := *m
	return &cp
}

// GetTeam returns a team, or 404 app.team.get.find.app_error.
func (a *API) GetTeam(teamID string) (*model.Team, *model.AppError) {
	a.note("GetTeam")
	defer a.srv.lock()()
	t, ok := a.srv.teams[teamID]
	if !ok {
		return nil, notFound("GetTeam", "app.team.get.find.app_error", "team_id="+teamID)
	}
	cp := *t
	return &cp, nil
}

// GetTeamMember returns a team membership, or 404 app.team.get_member.missing.app_error.
func (a *API) GetTeamMember(teamID, userID string) (*model.TeamMember, *model.AppError) {
	a.note("GetTeamMember")
	defer a.srv.lock()()
	m, ok := a.srv.teamMems[teamID][userID]
	if !ok {
		return nil, notFound("GetTeamMember", "app.team.get_member.missing.app_error", "team_id="+teamID+", user_id="+userID)
	}
	cp := *m
	return &cp, nil
}
