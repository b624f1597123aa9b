package main

import (
	"github.com/mattermost/mattermost/server/public/model"

	"github.com/tripwire/test/conformance/memapi"
)

// world is the demo's Mattermost: one team, three channels, an admin, a channel admin and a member.
//
//	team "acme": olivia (channel admin of ~ops and ~town-square), sam (member); admin is the system admin
//	~ops (private):         olivia (channel admin), sam
//	~town-square (public):  olivia (channel admin), sam
//	~random (public):       olivia, sam — no rules watch it
type world struct {
	Admin, Olivia, Sam      *model.User
	Team                    *model.Team
	Ops, TownSquare, Random *model.Channel
	// Sessions, as if each had logged in: the REST API is called with their tokens, hooks carry their session id.
	AdminSession, OliviaSession, SamSession *model.Session
}

func seedWorld(s *memapi.Server) *world {
	w := &world{}
	w.Admin = s.AddUser(&model.User{Username: "admin", FirstName: "Ada", LastName: "Admin",
		Roles: model.SystemAdminRoleId + " " + model.SystemUserRoleId})
	w.Olivia = s.AddUser(&model.User{Username: "olivia", FirstName: "Olivia", LastName: "Ops"})
	w.Sam = s.AddUser(&model.User{Username: "sam", FirstName: "Sam", LastName: "Dev"})

	w.Team = s.AddTeam(&model.Team{Name: "acme", DisplayName: "Acme", Type: model.TeamOpen})
	s.AddTeamMember(w.Team.Id, w.Olivia.Id, memapi.TeamUser)
	s.AddTeamMember(w.Team.Id, w.Sam.Id, memapi.TeamUser)

	w.Ops = s.AddChannel(&model.Channel{TeamId: w.Team.Id, Name: "ops", DisplayName: "Ops", Type: model.ChannelTypePrivate})
	w.TownSquare = s.AddChannel(&model.Channel{TeamId: w.Team.Id, Name: "town-square", DisplayName: "Town Square", Type: model.ChannelTypeOpen})
	w.Random = s.AddChannel(&model.Channel{TeamId: w.Team.Id, Name: "random", DisplayName: "Random", Type: model.ChannelTypeOpen})
	for _, ch := range []*model.Channel{w.Ops, w.TownSquare} {
		s.AddChannelMember(ch.Id, w.Olivia.Id, memapi.ChannelAdmin)
		s.AddChannelMember(ch.Id, w.Sam.Id, memapi.ChannelUser)
	}
	s.AddChannelMember(w.Random.Id, w.Olivia.Id, memapi.ChannelUser)
	s.AddChannelMember(w.Random.Id, w.Sam.Id, memapi.ChannelUser)

	w.AdminSession = s.AddSession(w.Admin.Id)
	w.OliviaSession = s.AddSession(w.Olivia.Id)
	w.SamSession = s.AddSession(w.Sam.Id)
	return w
}
