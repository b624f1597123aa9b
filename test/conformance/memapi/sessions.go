package memapi

import (
	"github.com/mattermost/mattermost/server/public/model"
)

// AddSession creates a session (with a token) for a user, valid for a day, and returns a copy.
func (s *Server) AddSession(userID string) *model.Session {
	defer s.lock()()
	now := s.millis()
	roles := ""
	if u, ok := s.users[userID]; ok {
		roles = u.Roles
	}
	sess := &model.Session{
		Id: model.NewId(), Token: model.NewId(), UserId: userID, Roles: roles,
		CreateAt: now, LastActivityAt: now, ExpiresAt: now + 24*60*60*1000, Props: model.StringMap{},
	}
	s.sessions[sess.Id] = sess
	cp := *sess
	return &cp
}

// SessionByToken returns the unexpired session with that token (what the server does for an
// Authorization: Bearer header), or nil.
func (s *Server) SessionByToken(token string) *model.Session {
	defer s.lock()()
	now := s.millis()
	for _, sess := range s.sessions {
		if sess.Token == token && (sess.ExpiresAt == 0 || sess.ExpiresAt > now) {
			cp := *sess
			return &cp
		}
	}
	return nil
}

// GetSession returns a session by id, or 404 app.session.get.app_error (also for an expired one).
func (a *API) GetSession(sessionID string) (*model.Session, *model.AppError) {
	a.note("GetSession")
	defer a.srv.lock()()
	sess, ok := a.srv.sessions[sessionID]
	if !ok || (sess.ExpiresAt != 0 && sess.ExpiresAt <= a.srv.millis()) {
		return nil, notFound("GetSession", "app.session.get.app_error", "session_id="+sessionID)
	}
	cp := *sess
	return &cp, nil
}
