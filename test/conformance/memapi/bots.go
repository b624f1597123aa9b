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

// CreateBot mirrors the server's: the username must be valid and free (400 app.user.save.username_exists.app_error
// otherwise); the owner defaults to the calling plugin.
func (a *API) CreateBot(bot *model.Bot) (*model.Bot, *model.AppError) {
	a.note("CreateBot")
	if bot == nil {
		return nil, badRequest("CreateBot", "api.context.invalid_body_param.app_error", "bot")
	}
	cp := *bot
	if cp.OwnerId == "" {
		cp.OwnerId = a.pluginID
	}
	if err := cp.IsValidCreate(); err != nil {
		return nil, err
	}
	defer a.srv.lock()()
	if a.srv.userByUsernameLocked(cp.Username) != nil {
		return nil, badRequest("CreateBot", "app.user.save.username_exists.app_error", "username="+cp.Username)
	}
	now := a.srv.millis()
	cp.UserId, cp.CreateAt, cp.UpdateAt, cp.DeleteAt = model.NewId(), now, now, 0
	a.srv.users[cp.UserId] = &model.User{Id: cp.UserId, Username: cp.Username, FirstName: cp.DisplayName, Email: cp.Username + "@localhost",
		Roles: model.SystemUserRoleId, IsBot: true, BotDescription: cp.Description, CreateAt: now, UpdateAt: now}
	a.srv.bots[cp.UserId] = &cp
	out := cp
	return &out, nil
}

// PatchBot applies the non-nil fields to the bot and its user.
func (a *API) PatchBot(botUserID string, patch *model.BotPatch) (*model.Bot, *model.AppError) {
	a.note("PatchBot")
	defer a.srv.lock()()
	b, ok := a.srv.bots[botUserID]
	if !ok {
		return nil, notFound("PatchBot", "store.sql_bot.get.missing.app_error", "user_id="+botUserID)
	}
	next := *b
	next.Patch(patch)
	if err := next.IsValid(); err != nil {
		return nil, err
	}
	if other := a.srv.userByUsernameLocked(next.Username); other != nil && other.Id != botUserID {
		return nil, badRequest("PatchBot", "app.user.save.username_exists.app_error", "username="+next.Username)
	}
	next.UpdateAt = a.srv.millis()
	*b = next
	if u := a.srv.users[botUserID]; u != nil {
		u.Username, u.FirstName, u.BotDescription, u.UpdateAt = next.Username, next.DisplayName, next.Description, next.UpdateAt
	}
	out := next
	return &out, nil
}

// UpdateBotActive deactivates (or reactivates) a bot and its user together; their posts stay.
func (a *API) UpdateBotActive(botUserID string, active bool) (*model.Bot, *model.AppError) {
	a.note("UpdateBotActive")
	defer a.srv.lock()()
	b, ok := a.srv.bots[botUserID]
	if !ok {
		return nil, notFound("UpdateBotActive", "store.sql_bot.get.missing.app_error", "user_id="+botUserID)
	}
	now := a.srv.millis()
	deleteAt := int64(0)
	if !active {
		deleteAt = now
	}
	b.DeleteAt, b.UpdateAt = deleteAt, now
	if u := a.srv.users[botUserID]; u != nil {
		u.DeleteAt, u.UpdateAt = deleteAt, now
	}
	out := *b
	return &out, nil
}

// SetProfileImage keeps the image of a known user. The server decodes it and refuses what is no image; here the
// PNG, JPEG and GIF signatures stand in for that.
func (a *API) SetProfileImage(userID string, data []byte) *model.AppError {
	a.note("SetProfileImage")
	defer a.srv.lock()()
	if _, ok := a.srv.users[userID]; !ok {
		return notFound("SetProfileImage", "app.user.missing_account.const", "user_id="+userID)
	}
	if !isImage(data) {
		return badRequest("SetProfileImage", "api.user.upload_profile_user.decode.app_error", "")
	}
	a.srv.images[userID] = append([]byte(nil), data...)
	return nil
}

func isImage(b []byte) bool {
	for _, sig := range []string{"\x89PNG\r\n\x1a\n", "\xff\xd8\xff", "GIF8"} {
		if strings.HasPrefix(string(b), sig) {
			return true
		}
	}
	return false
}

// Bot returns a copy of a stored bot, or nil.
func (s *Server) Bot(userID string) *model.Bot {
	defer s.lock()()
	if b, ok := s.bots[userID]; ok {
		cp := *b
		return &cp
	}
	return nil
}

// ProfileImage returns the image SetProfileImage last stored for a user, or nil.
func (s *Server) ProfileImage(userID string) []byte {
	defer s.lock()()
	return append([]byte(nil), s.images[userID]...)
}
