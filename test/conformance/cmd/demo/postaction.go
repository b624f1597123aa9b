package main

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path"
	"strings"
	"sync"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/mattermost/mattermost/server/public/plugin"
)

// What the Mattermost server does when a user clicks a button of a post (POST /api/v4/posts/{post_id}/actions/
// {action_id}): app.DoPostActionWithCookie, condensed to the case of a stored post. It builds the
// PostActionIntegrationRequest from the post's action, posts it to the action's integration URL — for /plugins/...
// URLs in process, to the plugin's ServeHTTP as the clicking user (doPluginRequest) — then applies the answer: an
// `update` replaces the post (keeping the retained props, pin and reactions), `ephemeral_text` goes to the user only.

var (
	signingKeyOnce sync.Once
	signingKey     *ecdsa.PrivateKey
)

// actionResult is what a click did, for the narration.
type actionResult struct {
	Status    int
	Response  model.PostActionIntegrationResponse
	Updated   *model.Post
	Ephemeral string
}

// key is the server's key for trigger ids (dialogs opened from a click or a command name the user through it).
func key() *ecdsa.PrivateKey {
	signingKeyOnce.Do(func() { signingKey, _ = ecdsa.GenerateKey(elliptic.P256(), rand.Reader) })
	return signingKey
}

func (d *demo) doPostAction(postID, actionID string, user *model.User, sess *model.Session) (*actionResult, error) {
	post := d.srv.Post(postID)
	if post == nil || post.DeleteAt != 0 {
		return nil, fmt.Errorf("post %s not found", postID)
	}
	ch := d.srv.Channel(post.ChannelId)
	action := post.GetAction(actionID)
	if action == nil || action.Integration == nil {
		return nil, fmt.Errorf("post %s has no action %q with an integration", postID, actionID)
	}
	req := &model.PostActionIntegrationRequest{
		UserId: user.Id, UserName: user.Username, PostId: postID, ChannelId: post.ChannelId, Type: action.Type,
		Context: action.Integration.Context,
	}
	if ch != nil {
		req.ChannelName = ch.Name
		req.TeamId = ch.TeamId
		if ch.TeamId != "" {
			req.TeamName = d.w.Team.Name
		}
	}
	if _, _, appErr := req.GenerateTriggerId(key()); appErr != nil {
		return nil, appErr
	}
	body, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}

	retain := map[string]any{}
	var remove []string
	for _, key := range model.PostActionRetainPropKeys {
		if v, ok := post.GetProps()[key]; ok {
			retain[key] = v
		} else {
			remove = append(remove, key)
		}
	}

	target := path.Clean(action.Integration.URL)
	if !strings.HasPrefix(target, "/plugins/") && !strings.HasPrefix(target, "plugins/") {
		return nil, fmt.Errorf("the demo only follows actions served by a plugin (/plugins/...); this one points at %s", action.Integration.URL)
	}
	if !strings.HasPrefix(target, "/") {
		target = "/" + target
	}
	httpReq := httptest.NewRequest(http.MethodPost, "http://tripwire.test"+target, bytes.NewReader(body))
	httpReq.Header.Set("Mattermost-User-Id", user.Id)
	httpReq.Header.Set(model.HeaderAuth, "Bearer "+sess.Token)
	rec := httptest.NewRecorder()
	d.h.ServeHTTP(rec, httpReq)
	res := &actionResult{Status: rec.Code}
	if data := rec.Body.Bytes(); len(data) > 0 {
		if err := json.Unmarshal(data, &res.Response); err != nil {
			return res, fmt.Errorf("the plugin answered %d with %s, not a PostActionIntegrationResponse", rec.Code, excerpt(string(data), 200))
		}
	}

	server := d.srv.APIFor(&model.Manifest{Id: "mattermost-server"}) // the server's own calls, recorded under that name
	if up := res.Response.Update; up != nil {
		up.Id = postID
		if up.GetProps() == nil {
			up.SetProps(post.GetProps())
		} else {
			for k, v := range retain {
				up.AddProp(k, v)
			}
			for _, k := range remove {
				up.DelProp(k)
			}
		}
		up.IsPinned, up.HasReactions = post.IsPinned, post.HasReactions
		updated, appErr := server.UpdatePost(up)
		if appErr != nil {
			return res, appErr
		}
		res.Updated = updated
		// app.UpdatePost runs MessageHasBeenUpdated for every plugin implementing it.
		d.h.Env.RunMultiPluginHook(func(hooks plugin.Hooks, _ *model.Manifest) bool {
			hooks.MessageHasBeenUpdated(&plugin.Context{RequestId: model.NewId(), SessionId: sess.Id}, updated, post.ForPlugin())
			return true
		}, plugin.MessageHasBeenUpdatedID)
	}
	if text := res.Response.EphemeralText; text != "" {
		root := post.RootId
		if root == "" {
			root = post.Id
		}
		eph := &model.Post{Message: text, ChannelId: post.ChannelId, RootId: root, UserId: user.Id}
		if !res.Response.SkipSlackParsing {
			eph.Message = model.ParseSlackLinksToMarkdown(text)
		}
		server.SendEphemeralPost(user.Id, eph)
		res.Ephemeral = eph.Message
	}
	return res, nil
}
