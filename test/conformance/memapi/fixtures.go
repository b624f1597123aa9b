package memapi

import (
	"github.com/mattermost/mattermost/server/public/model"
)

// Fixtures is the standard population the conformance suite and the benchmark run against.
//
//	team "alpha":  teamadmin (team admin), chanadmin, member, guest (team guest); sysadmin is not a member
//	team "beta":   nobody but sysadmin
//	town-square (public, alpha):   chanadmin (channel admin), member, guest (channel guest), teamadmin, bot
//	private-room (private, alpha): chanadmin (channel admin), member
//	DM member–chanadmin; GM member–chanadmin–teamadmin
//	outsider: a system user in no team; helper-bot: a bot owned by another plugin
type Fixtures struct {
	SysAdmin, TeamAdmin, ChanAdmin, Member, Guest, Outsider, Bot *model.User
	Alpha, Beta                                                  *model.Team
	Public, Private, DM, GM                                      *model.Channel
	MemberSession                                                *model.Session
}

// Seed fills a server with the standard population.
func Seed(s *Server) *Fixtures {
	f := &Fixtures{}
	f.SysAdmin = s.AddUser(&model.User{Username: "sysadmin", FirstName: "Sys", LastName: "Admin",
		Roles: model.SystemAdminRoleId + " " + model.SystemUserRoleId})
	f.TeamAdmin = s.AddUser(&model.User{Username: "teamadmin", FirstName: "Team", LastName: "Admin"})
	f.ChanAdmin = s.AddUser(&model.User{Username: "chanadmin", FirstName: "Channel", LastName: "Admin"})
	f.Member = s.AddUser(&model.User{Username: "member", FirstName: "Mia", LastName: "Member"})
	f.Guest = s.AddUser(&model.User{Username: "guest", FirstName: "Gus", LastName: "Guest", Roles: model.SystemGuestRoleId})
	f.Outsider = s.AddUser(&model.User{Username: "outsider", FirstName: "Otto", LastName: "Outsider"})
	f.Bot = s.AddBot("helper-bot", "Helper Bot", "other-plugin")

	f.Alpha = s.AddTeam(&model.Team{Name: "alpha", DisplayName: "Alpha", Type: model.TeamOpen})
	f.Beta = s.AddTeam(&model.Team{Name: "beta", DisplayName: "Beta", Type: model.TeamInvite})
	s.AddTeamMember(f.Alpha.Id, f.TeamAdmin.Id, TeamAdmin)
	s.AddTeamMember(f.Alpha.Id, f.ChanAdmin.Id, TeamUser)
	s.AddTeamMember(f.Alpha.Id, f.Member.Id, TeamUser)
	s.AddTeamMember(f.Alpha.Id, f.Guest.Id, TeamGuest)
	s.AddTeamMember(f.Alpha.Id, f.Bot.Id, TeamUser)

	f.Public = s.AddChannel(&model.Channel{TeamId: f.Alpha.Id, Name: "town-square", DisplayName: "Town Square", Type: model.ChannelTypeOpen})
	f.Private = s.AddChannel(&model.Channel{TeamId: f.Alpha.Id, Name: "private-room", DisplayName: "Private Room", Type: model.ChannelTypePrivate})
	s.AddChannelMember(f.Public.Id, f.ChanAdmin.Id, ChannelAdmin)
	s.AddChannelMember(f.Public.Id, f.Member.Id, ChannelUser)
	s.AddChannelMember(f.Public.Id, f.Guest.Id, ChannelGuest)
	s.AddChannelMember(f.Public.Id, f.TeamAdmin.Id, ChannelUser)
	s.AddChannelMember(f.Public.Id, f.Bot.Id, ChannelUser)
	s.AddChannelMember(f.Private.Id, f.ChanAdmin.Id, ChannelAdmin)
	s.AddChannelMember(f.Private.Id, f.Member.Id, ChannelUser)

	f.DM = s.AddChannel(&model.Channel{Name: model.GetDMNameFromIds(f.Member.Id, f.ChanAdmin.Id), Type: model.ChannelTypeDirect})
	s.AddChannelMember(f.DM.Id, f.Member.Id, ChannelUser)
	s.AddChannelMember(f.DM.Id, f.ChanAdmin.Id, ChannelUser)
	gm := []string{f.Member.Id, f.ChanAdmin.Id, f.TeamAdmin.Id}
	f.GM = s.AddChannel(&model.Channel{Name: model.GetGroupNameFromUserIds(gm), Type: model.ChannelTypeGroup})
	for _, id := range gm {
		s.AddChannelMember(f.GM.Id, id, ChannelUser)
	}

	f.MemberSession = s.AddSession(f.Member.Id)
	return f
}
