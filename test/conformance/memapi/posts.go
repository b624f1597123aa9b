package memapi

import (
	"github.com/mattermost/mattermost/server/public/model"
)

const maxPostSize = model.PostMessageMaxRunesV2

// InsertPost stores a post as if a user had posted it (no plugin hooks run) and returns the copy a plugin
// would receive (ForPlugin). The channel must exist; RootId, when set, must name a post in the same channel.
func (s *Server) InsertPost(p *model.Post) (*model.Post, *model.AppError) {
	defer s.lock()()
	return s.savePostLocked(p, "InsertPost")
}

// savePostLocked applies the server's checks for a new post: existing channel and user, a root post in the
// same channel, then the model's own validation (ids, sizes, type).
func (s *Server) savePostLocked(in *model.Post, where string) (*model.Post, *model.AppError) {
	p := in.Clone()
	ch, ok := s.channels[p.ChannelId]
	if !ok {
		return nil, badRequest(where, "api.post.create_post.channel.app_error", "channel_id="+p.ChannelId)
	}
	if ch.DeleteAt != 0 {
		return nil, badRequest(where, "api.post.create_post.can_not_post_to_deleted.error", "channel_id="+p.ChannelId)
	}
	if _, ok := s.users[p.UserId]; !ok {
		return nil, badRequest(where, "model.post.is_valid.user_id.app_error", "user_id="+p.UserId)
	}
	if p.RootId != "" {
		root, ok := s.posts[p.RootId]
		if !ok || root.DeleteAt != 0 {
			return nil, badRequest(where, "api.post.create_post.root_id.app_error", "root_id="+p.RootId)
		}
		if root.ChannelId != p.ChannelId {
			return nil, badRequest(where, "api.post.create_post.channel_root_id.app_error", "root_id="+p.RootId)
		}
	}
	p.Id = ""
	p.CreateAt = s.millis()
	p.PreSave()
	if err := p.IsValid(maxPostSize); err != nil {
		return nil, err
	}
	s.posts[p.Id] = p
	s.postOrder = append(s.postOrder, p.Id)
	ch.LastPostAt = p.CreateAt
	ch.TotalMsgCount++
	if p.RootId != "" {
		root := s.posts[p.RootId]
		root.ReplyCount++
		root.LastReplyAt = p.CreateAt
	}
	return p.ForPlugin(), nil
}

// Post returns a copy of a stored post (deleted ones too), or nil.
func (s *Server) Post(id string) *model.Post {
	defer s.lock()()
	if p, ok := s.posts[id]; ok {
		return p.Clone()
	}
	return nil
}

// Posts returns copies of all stored posts (deleted ones too) in the order they were stored.
func (s *Server) Posts() []*model.Post {
	defer s.lock()()
	out := make([]*model.Post, 0, len(s.postOrder))
	for _, id := range s.postOrder {
		out = append(out, s.posts[id].Clone())
	}
	return out
}

// PostCount returns the number of stored posts.
func (s *Server) PostCount() int {
	defer s.lock()()
	return len(s.posts)
}

// propFromPlugin is model.PostPropsFromPlugin, which the 9.11 public module does not declare yet (its server wrote
// the same key as a literal).
const propFromPlugin = "from_plugin"

// CreatePost stores a post from the plugin. As the server does, it adds the prop from_plugin="true" and
// returns the saved post (with id and timestamps) as plugins see it.
func (a *API) CreatePost(post *model.Post) (*model.Post, *model.AppError) {
	a.note("CreatePost")
	if post == nil {
		return nil, badRequest("CreatePost", "api.context.invalid_body_param.app_error", "post")
	}
	p := post.Clone()
	p.AddProp(propFromPlugin, "true")
	defer a.srv.lock()()
	return a.srv.savePostLocked(p, "CreatePost")
}

// UpdatePost replaces a post's message, props, file ids and type; EditAt is set when the message changes.
// 404 app.post.get.app_error for an unknown or deleted post.
func (a *API) UpdatePost(post *model.Post) (*model.Post, *model.AppError) {
	a.note("UpdatePost")
	if post == nil {
		return nil, badRequest("UpdatePost", "api.context.invalid_body_param.app_error", "post")
	}
	defer a.srv.lock()()
	old, ok := a.srv.posts[post.Id]
	if !ok || old.DeleteAt != 0 {
		return nil, notFound("UpdatePost", "app.post.get.app_error", "post_id="+post.Id)
	}
	p := old.Clone()
	now := a.srv.millis()
	if p.Message != post.Message {
		p.EditAt = now
	}
	p.Message = post.Message
	p.FileIds = post.FileIds
	p.Type = post.Type
	p.SetProps(post.GetProps())
	p.UpdateAt = now
	if err := p.IsValid(maxPostSize); err != nil {
		return nil, err
	}
	a.srv.posts[p.Id] = p
	return p.ForPlugin(), nil
}

// SendEphemeralPost records an ephemeral post for one user (nothing is stored) and returns it with an id,
// type system_ephemeral and a creation time.
func (a *API) SendEphemeralPost(userID string, post *model.Post) *model.Post {
	a.note("SendEphemeralPost")
	p := &model.Post{}
	if post != nil {
		p = post.Clone()
	}
	p.Type = model.PostTypeEphemeral
	if p.Id == "" {
		p.Id = model.NewId()
	}
	a.srv.mu.Lock()
	if p.CreateAt == 0 {
		p.CreateAt = a.srv.millis()
	}
	a.srv.mu.Unlock()
	a.srv.rec.mu.Lock()
	a.srv.rec.ephemerals = append(a.srv.rec.ephemerals, EphemeralPost{UserID: userID, Post: p.Clone()})
	a.srv.rec.mu.Unlock()
	return p.ForPlugin()
}

// DeletePost soft-deletes a post; 404 app.post.get.app_error if unknown or already deleted.
func (a *API) DeletePost(postID string) *model.AppError {
	a.note("DeletePost")
	defer a.srv.lock()()
	p, ok := a.srv.posts[postID]
	if !ok || p.DeleteAt != 0 {
		return notFound("DeletePost", "app.post.get.app_error", "post_id="+postID)
	}
	p.DeleteAt = a.srv.millis()
	p.UpdateAt = p.DeleteAt
	return nil
}

// GetPost returns a post that is not deleted, or 404 app.post.get.app_error.
func (a *API) GetPost(postID string) (*model.Post, *model.AppError) {
	a.note("GetPost")
	defer a.srv.lock()()
	p, ok := a.srv.posts[postID]
	if !ok || p.DeleteAt != 0 {
		return nil, notFound("GetPost", "app.post.get.app_error", "post_id="+postID)
	}
	return p.ForPlugin(), nil
}
