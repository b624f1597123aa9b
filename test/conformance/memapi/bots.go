package memapi

import (
	"errors"
	"strings"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/mattermost/mattermost/server/public/plugin"
)

// EnsureBotUser mirrors the server's EnsureBot: the bot's id is kept in the plugin's KV store under
// plugin.BotUserKey ("mmi_botid"), so the same plugin gets the same bot id every time; an existing bot is
// patched (display name, description); an existing bot user with that username is adopted; a regular user
// with that username is an error.
func (a *API) EnsureBotUser(bot *model.Bot) (string, error) {
	a.note("EnsureBotUser")
	if bot == nil || bot.Username == "" {
		return "", errors.New("EnsureBotUser: a bot with a username is required")
	}
	defer a.srv.lock()()
	username := strings.ToLower(bot.Username)

	if e, ok := a.srv.kv[a.pluginID][plugin.BotUserKey]; ok {
		id := string(e.value)
		if existing, ok := a.srv.bots[id]; ok {
			existing.Username = username
			existing.DisplayName = bot.DisplayName
			existing.Description = bot.Description
			existing.UpdateAt = a.srv.millis()
			if u := a.srv.users[id]; u != nil {
				u.Username = username
				u.FirstName = bot.DisplayName
				u.BotDescription = bot.Description
			}
			return id, nil
		}
	}

	if u := a.srv.userByUsernameLocked(username); u != nil {
		if !u.IsBot {
			return "", errors.New("EnsureBotUser: a non-bot user already has the username " + username)
		}
		a.storeBotIDLocked(u.Id)
		return u.Id, nil
	}

	now := a.srv.millis()
	id := model.NewId()
	a.srv.users[id] = &model.User{
		Id: id, Username: username, FirstName: bot.DisplayName, Email: username + "@localhost",
		Roles: model.SystemUserRoleId, IsBot: true, BotDescription: bot.Description, CreateAt: now, UpdateAt: now,
	}
	a.srv.bots[id] = &model.Bot{
		UserId: id, Username: username, DisplayName: bot.DisplayName, Description: bot.Description,
		OwnerId: a.pluginID, CreateAt: now, UpdateAt: now,
	}
	a.storeBotIDLocked(id)
	return id, nil
}

func (a *API) storeBotIDLocked(id string) {
	if a.srv.kv[a.pluginID] == nil {
		a.srv.kv[a.pluginID] = map[string]kvEntry{}
	}
	a.srv.kv[a.pluginID][plugin.BotUserKey] = kvEntry{value: []byte(id)}
}

// AddBot stores a bot account (a user with IsBot plus its Bot record), owned by ownerID.
func (s *Server) AddBot(username, displayName, ownerID string) *model.User {
	u := s.AddUser(&model.User{Username: username, FirstName: displayName, IsBot: true})
	defer s.lock()()
	s.bots[u.Id] = &model.Bot{UserId: u.Id, Username: username, DisplayName: displayName, OwnerId: ownerID,
		CreateAt: u.CreateAt, UpdateAt: u.CreateAt}
	return u
}

// GetBot returns a bot by user id.
func (a *API) GetBot(botUserID string, includeDeleted bool) (*model.Bot, *model.AppError) {
	a.note("GetBot")
	defer a.srv.lock()()
	b, ok := a.srv.bots[botUserID]
	if !ok || (!includeDeleted && b.DeleteAt != 0) {
		return nil, notFound("GetBot", "store.sql_bot.get.missing.app_error", "user_id="+botUserID)
	}
	cp := *b
	return &cp, nil
}
