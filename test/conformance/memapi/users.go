package memapi

import (
	"strings"

	"github.com/mattermost/mattermost/server/public/model"
)

// AddUser stores a user (an id is assigned when empty) and returns a copy. Roles are space-separated system
// roles, e.g. "system_user", "system_admin system_user", "system_guest".
func (s *Server) AddUser(u *model.User) *model.User {
	defer s.lock()()
	cp := *u
	if cp.Id == "" {
		cp.Id = model.NewId()
	}
	if cp.Roles == "" {
		cp.Roles = model.SystemUserRoleId
	}
	if cp.CreateAt == 0 {
		cp.CreateAt = s.millis()
		cp.UpdateAt = cp.CreateAt
	}
	if cp.Email == "" {
		cp.Email = cp.Username + "@tripwire.test"
	}
	s.users[cp.Id] = &cp
	out := cp
	return &out
}

// User returns a copy of a stored user, or nil.
func (s *Server) User(id string) *model.User {
	defer s.lock()()
	if u, ok := s.users[id]; ok {
		cp := *u
		return &cp
	}
	return nil
}

func (s *Server) userByUsernameLocked(name string) *model.User {
	name = strings.ToLower(strings.TrimPrefix(name, "@"))
	for _, u := range s.users {
		if u.Username == name {
			return u
		}
	}
	return nil
}

// GetUser returns a user, or 404 app.user.missing_account.const (Mattermost's id for an unknown user).
func (a *API) GetUser(userID string) (*model.User, *model.AppError) {
	a.note("GetUser")
	defer a.srv.lock()()
	u, ok := a.srv.users[userID]
	if !ok {
		return nil, notFound("GetUser", "app.user.missing_account.const", "user_id="+userID)
	}
	cp := *u
	cp.Password = "" // the server never hands password hashes to plugins
	return &cp, nil
}

// GetUserByUsername returns a user by username, or 404.
func (a *API) GetUserByUsername(name string) (*model.User, *model.AppError) {
	a.note("GetUserByUsername")
	defer a.srv.lock()()
	u := a.srv.userByUsernameLocked(name)
	if u == nil {
		return nil, notFound("GetUserByUsername", "app.user.get_by_username.app_error", "username="+name)
	}
	cp := *u
	cp.Password = ""
	return &cp, nil
}
