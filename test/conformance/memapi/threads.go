package memapi

import (
	"sort"

	"github.com/mattermost/mattermost/server/public/model"
)

// GetPostThread returns the thread of any of its posts: the root and every reply not deleted, as
// SqlPostStore.Get does. As there, Order starts with the requested post and continues with the others newest
// first; each post carries the thread's reply count. 404 app.post.get.app_error for an unknown or deleted post.
func (a *API) GetPostThread(postID string) (*model.PostList, *model.AppError) {
	a.note("GetPostThread")
	defer a.srv.lock()()
	p, ok := a.srv.posts[postID]
	if !ok || p.DeleteAt != 0 {
		return nil, notFound("GetPostThread", "app.post.get.app_error", "post_id="+postID)
	}
	rootID := p.RootId
	if rootID == "" {
		rootID = p.Id
	}
	var thread []*model.Post
	for _, id := range a.srv.postOrder {
		q := a.srv.posts[id]
		if q.DeleteAt == 0 && (q.Id == rootID || q.RootId == rootID) {
			thread = append(thread, q)
		}
	}
	replies := int64(len(thread) - 1)
	sort.SliceStable(thread, func(i, j int) bool { return thread[i].CreateAt > thread[j].CreateAt })
	list := model.NewPostList()
	list.AddOrder(postID)
	for _, q := range thread {
		cp := q.Clone()
		cp.ReplyCount = replies
		list.AddPost(cp)
		if q.Id != postID {
			list.AddOrder(q.Id)
		}
	}
	return list.ForPlugin(), nil
}

// GetPostsSince returns a channel's posts created or changed at or after `since` (ms), thread replies included and
// deleted ones left out, newest first, as SqlPostStore.GetPostsSince does without collapsed threads.
func (a *API) GetPostsSince(channelID string, since int64) (*model.PostList, *model.AppError) {
	a.note("GetPostsSince")
	defer a.srv.lock()()
	var found []*model.Post
	for _, id := range a.srv.postOrder {
		q := a.srv.posts[id]
		if q.ChannelId == channelID && q.DeleteAt == 0 && (q.CreateAt >= since || q.UpdateAt >= since) {
			found = append(found, q)
		}
	}
	sort.SliceStable(found, func(i, j int) bool { return found[i].CreateAt > found[j].CreateAt })
	list := model.NewPostList()
	for _, q := range found {
		list.AddPost(q.Clone())
		list.AddOrder(q.Id)
	}
	return list, nil
}
