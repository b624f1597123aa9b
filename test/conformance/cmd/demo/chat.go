package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/mattermost/mattermost/server/public/plugin"
)

// The playground's chat (DEMO_UI=1): what the Mattermost server and its websocket give the webapp, condensed to what
// trying Tripwire needs. The Go host owns the in-memory Mattermost (memapi); the host page polls it.
//
//	GET  /demo/context.json              who the page acts as (cookie demo_user), the users to switch to, the channels
//	GET  /demo/channels/{id}/posts       the channel's posts, with the acting user's ephemeral posts
//	POST /demo/posts                     {channel_id, message, root_id?}: stored, then MessageHasBeenPosted runs
//	POST /demo/commands                  {channel_id, command}: ExecuteCommand; the answer is shown as Mattermost does
//	GET  /demo/feed?events=N&dialogs=M   websocket events and interactive dialogs for the acting user after N and M
//	POST /demo/dialogs/submit            a dialog's submission, posted to its URL (the plugin) as the acting user

// actor is a playground user and the session the page's requests carry.
type actor struct {
	User    *model.User
	Session *model.Session
	Role    string // what the user switcher says
}

func (d *demo) actors() []actor {
	return []actor{
		{d.w.Olivia, d.w.OliviaSession, "channel admin"},
		{d.w.Sam, d.w.SamSession, "member"},
		{d.w.Admin, d.w.AdminSession, "system admin"},
	}
}

// actorOf reads the demo_user cookie the user switcher sets; @olivia when there is none.
func (d *demo) actorOf(r *http.Request) actor {
	all := d.actors()
	if c, err := r.Cookie("demo_user"); err == nil {
		for _, a := range all {
			if a.User.Username == c.Value {
				return a
			}
		}
	}
	return all[0]
}

// channelsOf lists the channels a user sees in the sidebar: those they belong to; a system admin sees all of them.
func (d *demo) channelsOf(a actor) []*model.Channel {
	var out []*model.Channel
	for _, ch := range []*model.Channel{d.w.TownSquare, d.w.Ops, d.w.Random} {
		if a.User.IsSystemAdmin() || d.isMember(ch.Id, a.User.Id) {
			out = append(out, ch)
		}
	}
	return out
}

func (d *demo) isMember(channelID, userID string) bool {
	for _, id := range d.srv.ChannelMemberIDs(channelID) {
		if id == userID {
			return true
		}
	}
	return false
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// demoError answers like the Mattermost API does (an AppError's JSON).
func demoError(w http.ResponseWriter, status int, id, message string) {
	writeJSON(w, status, map[string]any{"id": id, "message": message, "status_code": status})
}

func (d *demo) contextJSON(w http.ResponseWriter, r *http.Request, siteURL string) {
	a := d.actorOf(r)
	chans := d.channelsOf(a)
	current := chans[0]
	if want := r.URL.Query().Get("channel"); want != "" {
		for _, ch := range chans {
			if ch.Name == want || ch.Id == want {
				current = ch
			}
		}
	} else if d.isMember(d.w.Ops.Id, a.User.Id) {
		current = d.w.Ops // where the story's deploy rule lives
	}
	users := map[string]any{}
	var switcher []map[string]string
	for _, x := range d.actors() {
		switcher = append(switcher, map[string]string{"username": x.User.Username, "role": x.Role, "id": x.User.Id})
	}
	for _, p := range d.srv.Posts() {
		if _, ok := users[p.UserId]; !ok {
			if u := d.srv.User(p.UserId); u != nil {
				users[p.UserId] = map[string]any{"id": u.Id, "username": u.Username, "is_bot": u.IsBot}
			}
		}
	}
	for _, x := range d.actors() {
		users[x.User.Id] = map[string]any{"id": x.User.Id, "username": x.User.Username, "roles": x.User.Roles}
	}
	var channels []map[string]string
	for _, ch := range chans {
		channels = append(channels, map[string]string{"id": ch.Id, "name": ch.Name, "display_name": ch.DisplayName, "type": string(ch.Type), "team_id": ch.TeamId})
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"user_id": a.User.Id, "username": a.User.Username, "roles": a.User.Roles, "is_system_admin": a.User.IsSystemAdmin(),
		"team_id": d.w.Team.Id, "channel_id": current.Id, "channel_name": current.Name,
		"channel_display_name": current.DisplayName, "channel_type": string(current.Type), "site_url": siteURL,
		"channels": channels, "switcher": switcher, "users": users,
	})
}

// channelPosts: the channel's stored posts and the acting user's ephemeral ones, oldest first.
func (d *demo) channelPosts(w http.ResponseWriter, r *http.Request) {
	a := d.actorOf(r)
	id := r.PathValue("id")
	ch := d.srv.Channel(id)
	if ch == nil || !(a.User.IsSystemAdmin() || d.isMember(id, a.User.Id)) {
		demoError(w, http.StatusNotFound, "app.channel.get.existing.app_error", "channel not found")
		return
	}
	var posts []*model.Post
	for _, p := range d.srv.Posts() {
		if p.ChannelId == id && p.DeleteAt == 0 {
			posts = append(posts, p)
		}
	}
	for _, e := range d.srv.Recorder().Ephemerals() {
		if e.UserID == a.User.Id && e.Post.ChannelId == id {
			posts = append(posts, e.Post)
		}
	}
	sort.SliceStable(posts, func(i, j int) bool { return posts[i].CreateAt < posts[j].CreateAt })
	users := map[string]string{}
	for _, p := range posts {
		if u := d.srv.User(p.UserId); u != nil {
			users[p.UserId] = u.Username
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"posts": posts, "usernames": users})
}

type newPost struct {
	ChannelID string `json:"channel_id"`
	Message   string `json:"message"`
	RootID    string `json:"root_id"`
	Command   string `json:"command"`
}

func (d *demo) readPost(w http.ResponseWriter, r *http.Request, a actor) (*newPost, *model.Channel, bool) {
	var in newPost
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10)).Decode(&in); err != nil {
		demoError(w, http.StatusBadRequest, "api.context.invalid_body_param.app_error", "the body is not JSON: "+err.Error())
		return nil, nil, false
	}
	ch := d.srv.Channel(in.ChannelID)
	if ch == nil || !(a.User.IsSystemAdmin() || d.isMember(in.ChannelID, a.User.Id)) {
		demoError(w, http.StatusForbidden, "api.context.permissions.app_error", "@"+a.User.Username+" is not a member of that channel")
		return nil, nil, false
	}
	return &in, ch, true
}

// createPost stores the user's post and runs MessageHasBeenPosted, as app.CreatePost does.
func (d *demo) createPost(w http.ResponseWriter, r *http.Request) {
	a := d.actorOf(r)
	in, ch, ok := d.readPost(w, r, a)
	if !ok {
		return
	}
	if strings.TrimSpace(in.Message) == "" {
		demoError(w, http.StatusBadRequest, "api.post.create_post.message.app_error", "message: type something to post")
		return
	}
	p, appErr := d.srv.InsertPost(&model.Post{UserId: a.User.Id, ChannelId: ch.Id, Message: in.Message, RootId: in.RootID})
	if appErr != nil {
		demoError(w, appErr.StatusCode, appErr.Id, appErr.Error())
		return
	}
	ctx := &plugin.Context{RequestId: model.NewId(), SessionId: a.Session.Id, IPAddress: "127.0.0.1"}
	d.h.Env.RunMultiPluginHook(func(hooks plugin.Hooks, _ *model.Manifest) bool {
		hooks.MessageHasBeenPosted(ctx, p)
		return true
	}, plugin.MessageHasBeenPostedID)
	writeJSON(w, http.StatusCreated, p)
}

// executeCommand runs a slash command through the plugin's ExecuteCommand hook and applies the answer: an ephemeral
// text goes to the user only, an in_channel one is posted (as the server does, by the user).
func (d *demo) executeCommand(w http.ResponseWriter, r *http.Request) {
	a := d.actorOf(r)
	in, ch, ok := d.readPost(w, r, a)
	if !ok {
		return
	}
	trigger := strings.TrimPrefix(strings.Fields(in.Command + " x")[0], "/")
	registered := false
	for _, c := range d.srv.Recorder().Commands() {
		if c.Trigger == strings.ToLower(trigger) {
			registered = true
		}
	}
	if !strings.HasPrefix(in.Command, "/") || !registered {
		demoError(w, http.StatusNotFound, "api.command.execute_command.not_found.app_error", "Command with a trigger of '/"+trigger+"' not found.")
		return
	}
	triggerID, _, appErr := model.GenerateTriggerId(a.User.Id, key())
	if appErr != nil {
		demoError(w, http.StatusInternalServerError, appErr.Id, appErr.Error())
		return
	}
	args := &model.CommandArgs{UserId: a.User.Id, ChannelId: ch.Id, TeamId: ch.TeamId, RootId: in.RootID, Command: in.Command, TriggerId: triggerID, SiteURL: "http://" + r.Host}
	ctx := &plugin.Context{RequestId: model.NewId(), SessionId: a.Session.Id, IPAddress: "127.0.0.1"}
	res, appErr := d.hooks.ExecuteCommand(ctx, args)
	if appErr != nil {
		demoError(w, appErr.StatusCode, appErr.Id, appErr.Error())
		return
	}
	if res == nil {
		res = &model.CommandResponse{}
	}
	server := d.srv.APIFor(&model.Manifest{Id: "mattermost-server"})
	if res.Text != "" {
		if res.ResponseType == model.CommandResponseTypeInChannel {
			_, _ = d.srv.InsertPost(&model.Post{UserId: a.User.Id, ChannelId: ch.Id, Message: res.Text, RootId: in.RootID})
		} else {
			server.SendEphemeralPost(a.User.Id, &model.Post{UserId: a.User.Id, ChannelId: ch.Id, Message: res.Text, RootId: in.RootID})
		}
	}
	writeJSON(w, http.StatusOK, res)
}

// feed is the page's stand-in for the websocket: the plugin's events for this user, and dialogs opened for them.
func (d *demo) feed(w http.ResponseWriter, r *http.Request) {
	a := d.actorOf(r)
	evAfter, _ := strconv.Atoi(r.URL.Query().Get("events"))
	dlAfter, _ := strconv.Atoi(r.URL.Query().Get("dialogs"))
	all := d.srv.Recorder().WebSocketEvents()
	events := []map[string]any{}
	for i := max(evAfter, 0); i < len(all); i++ {
		if d.eventFor(all[i].Broadcast, a) {
			events = append(events, map[string]any{"event": all[i].Event, "data": all[i].Payload})
		}
	}
	dialogs := []map[string]any{}
	ds := d.srv.Recorder().Dialogs()
	for i := max(dlAfter, 0); i < len(ds); i++ {
		if _, uid, err := model.DecodeAndVerifyTriggerId(ds[i].TriggerId, key(), 15*time.Minute); err == nil && uid == a.User.Id {
			dialogs = append(dialogs, map[string]any{"url": ds[i].URL, "dialog": ds[i].Dialog})
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"events": events, "events_next": len(all), "dialogs": dialogs, "dialogs_next": len(ds)})
}

func (d *demo) eventFor(b *model.WebsocketBroadcast, a actor) bool {
	if b == nil {
		return true
	}
	if b.OmitUsers[a.User.Id] || (b.UserId != "" && b.UserId != a.User.Id) {
		return false
	}
	return b.ChannelId == "" || d.isMember(b.ChannelId, a.User.Id) || a.User.IsSystemAdmin()
}

type dialogSubmission struct {
	URL        string         `json:"url"`
	CallbackID string         `json:"callback_id"`
	State      string         `json:"state"`
	ChannelID  string         `json:"channel_id"`
	Submission map[string]any `json:"submission"`
	Cancelled  bool           `json:"cancelled"`
}

// submitDialog does what POST /api/v4/actions/dialogs/submit does for a dialog a plugin opened: the submission goes
// to the dialog's URL, in process, as the submitting user; the plugin's answer (field errors) goes back to the page.
func (d *demo) submitDialog(w http.ResponseWriter, r *http.Request) {
	a := d.actorOf(r)
	var in dialogSubmission
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10)).Decode(&in); err != nil {
		demoError(w, http.StatusBadRequest, "api.context.invalid_body_param.app_error", "the body is not JSON: "+err.Error())
		return
	}
	target := path.Clean("/" + strings.TrimPrefix(in.URL, "/"))
	if !strings.HasPrefix(target, "/plugins/") {
		demoError(w, http.StatusBadRequest, "api.dialog.submit.url", "url: the playground only submits dialogs a plugin serves (/plugins/...)")
		return
	}
	body, _ := json.Marshal(model.SubmitDialogRequest{Type: "dialog_submission", URL: in.URL, CallbackId: in.CallbackID, State: in.State,
		UserId: a.User.Id, ChannelId: in.ChannelID, TeamId: d.w.Team.Id, Submission: in.Submission, Cancelled: in.Cancelled})
	req := httptest.NewRequest(http.MethodPost, "http://tripwire.test"+target, bytes.NewReader(body))
	req.Header.Set("Mattermost-User-Id", a.User.Id)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(model.HeaderAuth, "Bearer "+a.Session.Token)
	rec := httptest.NewRecorder()
	d.h.ServeHTTP(rec, req)
	var answer map[string]any
	if rec.Body.Len() > 0 {
		if err := json.Unmarshal(rec.Body.Bytes(), &answer); err != nil {
			demoError(w, http.StatusBadGateway, "api.dialog.submit.answer", errors.New("the plugin's answer is not JSON").Error())
			return
		}
	}
	writeJSON(w, rec.Code, answer)
}
