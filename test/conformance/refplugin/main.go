// Command refplugin is the conformance contract implemented in Go with Mattermost's own plugin SDK. It is
// not the thing under test: it shows the suite's expectations are what a real Go plugin does, and lets the
// suite run before the TypeScript plugin exists (make conformance-ref). Build it into bin/refplugin and run
// the suite with TRIPWIRE_PLUGIN_EXECUTABLE=bin/refplugin.
package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/mattermost/mattermost/server/public/plugin"
)

// streamAcks holds the lockstep /stream waits, keyed "<lockstep>:<chunk>".
var streamAcks sync.Map

type Plugin struct {
	plugin.MattermostPlugin
	botID    string
	settings map[string]any
}

func main() { plugin.ClientMain(&Plugin{}) }

func (p *Plugin) loadSettings() {
	settings := map[string]any{}
	_ = p.API.LoadPluginConfiguration(&settings)
	p.settings = settings
}

func (p *Plugin) OnConfigurationChange() error {
	p.loadSettings()
	if p.botID != "" { // after activation; the SDK also calls this just before OnActivate
		p.API.LogInfo("configuration changed")
	}
	return nil
}

func (p *Plugin) OnActivate() error {
	p.loadSettings()
	for k, v := range p.settings {
		if strings.EqualFold(k, "failactivation") && v == true {
			return errors.New("activation refused by configuration")
		}
	}
	p.API.GetConfig()
	botID, err := p.API.EnsureBotUser(&model.Bot{Username: "conformance-bot", DisplayName: "Conformance Bot"})
	if err != nil {
		return err
	}
	p.botID = botID
	ac := model.NewAutocompleteData("conformance", "[text]", "Conformance command")
	ac.AddTextArgument("Anything", "[text]", "")
	if err := p.API.RegisterCommand(&model.Command{Trigger: "conformance", AutoComplete: true, AutocompleteData: ac}); err != nil {
		return err
	}
	p.API.LogInfo("conformance plugin activated", "bot_id", botID)
	return nil
}

func (p *Plugin) OnDeactivate() error { return nil }

func (p *Plugin) MessageHasBeenPosted(_ *plugin.Context, post *model.Post) {
	switch {
	case strings.HasPrefix(post.Message, "echo "):
		root := post.RootId
		if root == "" {
			root = post.Id
		}
		_, _ = p.API.CreatePost(&model.Post{
			ChannelId: post.ChannelId, RootId: root, UserId: p.botID,
			Message: "echo: " + strings.TrimPrefix(post.Message, "echo "),
			Props: model.StringInterface{
				"from_conformance": true,
				"hops":             float64(1),
				"attachments": []any{map[string]any{
					"text": "att",
					"actions": []any{map[string]any{
						"id": "ok", "name": "OK", "type": "button",
						"integration": map[string]any{"url": "/plugins/tripwire-conformance/action", "context": map[string]any{"n": float64(1)}},
					}},
				}},
			},
		})
	case strings.HasPrefix(post.Message, "ephemeral "):
		p.API.SendEphemeralPost(post.UserId, &model.Post{ChannelId: post.ChannelId,
			Message: "ephemeral: " + strings.TrimPrefix(post.Message, "ephemeral ")})
	}
}

func (p *Plugin) MessageHasBeenUpdated(_ *plugin.Context, newPost, oldPost *model.Post) {
	_, _ = p.API.CreatePost(&model.Post{ChannelId: newPost.ChannelId, RootId: newPost.Id, UserId: p.botID,
		Message: fmt.Sprintf("edited: %s (was: %s)", newPost.Message, oldPost.Message)})
}

func (p *Plugin) ExecuteCommand(_ *plugin.Context, args *model.CommandArgs) (*model.CommandResponse, *model.AppError) {
	rest := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(args.Command), "/conformance"))
	if rest == "error" {
		return nil, &model.AppError{Id: "conformance.error", Message: "asked to fail", StatusCode: http.StatusBadRequest, Where: "ExecuteCommand"}
	}
	return &model.CommandResponse{ResponseType: model.CommandResponseTypeEphemeral, Text: "ran: " + rest}, nil
}

func (p *Plugin) OnPluginClusterEvent(_ *plugin.Context, ev model.PluginClusterEvent) {
	_ = p.API.KVSet("cluster:"+ev.Id, ev.Data)
}

func (p *Plugin) ServeHTTP(_ *plugin.Context, w http.ResponseWriter, r *http.Request) {
	switch {
	case r.Method == http.MethodPost && strings.HasPrefix(r.URL.Path, "/api/call/"):
		p.serveCall(w, r, strings.TrimPrefix(r.URL.Path, "/api/call/"))
	case r.Method == http.MethodGet && r.URL.Path == "/whoami":
		writeJSON(w, 200, map[string]string{"user_id": r.Header.Get("Mattermost-User-Id")})
	case r.Method == http.MethodPost && r.URL.Path == "/upload":
		h := sha256.New()
		n, err := io.Copy(h, r.Body)
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		writeJSON(w, 200, map[string]any{"bytes": n, "sha256": hex.EncodeToString(h.Sum(nil))})
	case r.Method == http.MethodGet && r.URL.Path == "/stream":
		q := r.URL.Query()
		chunks, _ := strconv.Atoi(q.Get("chunks"))
		size, _ := strconv.Atoi(q.Get("size"))
		lockstep := q.Get("lockstep")
		w.Header().Set("Content-Type", "application/octet-stream")
		w.WriteHeader(200)
		for i := 0; i < chunks; i++ {
			var acked chan struct{}
			if lockstep != "" && i < chunks-1 {
				acked = make(chan struct{})
				streamAcks.Store(fmt.Sprintf("%s:%d", lockstep, i), acked)
			}
			chunk := make([]byte, size)
			for j := range chunk {
				chunk[j] = byte(i % 256)
			}
			_, _ = w.Write(chunk)
			w.(http.Flusher).Flush()
			if acked != nil {
				select {
				case <-acked:
				case <-time.After(10 * time.Second):
					return // never acknowledged: the response was buffered; end it short
				}
			}
		}
	case r.Method == http.MethodGet && r.URL.Path == "/stream/ack":
		q := r.URL.Query()
		if ch, ok := streamAcks.LoadAndDelete(q.Get("key") + ":" + q.Get("n")); ok {
			close(ch.(chan struct{}))
			w.WriteHeader(http.StatusNoContent)
			return
		}
		w.WriteHeader(http.StatusNotFound)
	case r.Method == http.MethodPost && r.URL.Path == "/action":
		body, _ := io.ReadAll(r.Body)
		p.API.LogInfo("action", "body", string(body))
		writeJSON(w, 200, map[string]any{"update": nil, "ephemeral_text": "clicked"})
	default:
		http.NotFound(w, r)
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (p *Plugin) serveCall(w http.ResponseWriter, r *http.Request, method string) {
	var raw []json.RawMessage
	if err := json.NewDecoder(r.Body).Decode(&raw); err != nil {
		writeJSON(w, 400, map[string]any{"error": map[string]any{"id": "bad_request", "message": err.Error(), "status_code": 400}})
		return
	}
	arg := func(i int, dst any) {
		if i < len(raw) {
			_ = json.Unmarshal(raw[i], dst)
		}
	}
	str := func(i int) string { var s string; arg(i, &s); return s }
	perm := func(i int) *model.Permission { var pm model.Permission; arg(i, &pm); return &pm }
	post := func(i int) *model.Post { var pt model.Post; arg(i, &pt); return &pt }

	var result any
	var appErr *model.AppError
	var err error
	api := p.API
	switch method {
	case "LoadPluginConfiguration":
		cfg := map[string]any{}
		err = api.LoadPluginConfiguration(&cfg)
		result = cfg
	case "GetConfig":
		result = api.GetConfig()
	case "CreatePost":
		result, appErr = api.CreatePost(post(0))
	case "UpdatePost":
		result, appErr = api.UpdatePost(post(0))
	case "SendEphemeralPost":
		result = api.SendEphemeralPost(str(0), post(1))
	case "DeletePost":
		appErr = api.DeletePost(str(0))
	case "GetPost":
		result, appErr = api.GetPost(str(0))
	case "GetChannel":
		result, appErr = api.GetChannel(str(0))
	case "GetChannelMembers":
		var page, perPage int
		arg(1, &page)
		arg(2, &perPage)
		result, appErr = api.GetChannelMembers(str(0), page, perPage)
	case "GetPostThread":
		result, appErr = api.GetPostThread(str(0))
	case "GetFileInfo":
		result, appErr = api.GetFileInfo(str(0))
	case "GetGroupsForUser":
		result, appErr = api.GetGroupsForUser(str(0))
	case "GetChannelMember":
		result, appErr = api.GetChannelMember(str(0), str(1))
	case "GetDirectChannel":
		result, appErr = api.GetDirectChannel(str(0), str(1))
	case "GetUser":
		result, appErr = api.GetUser(str(0))
	case "GetUserByUsername":
		result, appErr = api.GetUserByUsername(str(0))
	case "GetTeam":
		result, appErr = api.GetTeam(str(0))
	case "HasPermissionTo":
		result = api.HasPermissionTo(str(0), perm(1))
	case "HasPermissionToChannel":
		result = api.HasPermissionToChannel(str(0), str(1), perm(2))
	case "HasPermissionToTeam":
		result = api.HasPermissionToTeam(str(0), str(1), perm(2))
	case "KVGet":
		var v []byte
		v, appErr = api.KVGet(str(0))
		result = v
	case "KVSet":
		var v []byte
		arg(1, &v)
		appErr = api.KVSet(str(0), v)
	case "KVSetWithOptions":
		var v []byte
		var o model.PluginKVSetOptions
		arg(1, &v)
		arg(2, &o)
		result, appErr = api.KVSetWithOptions(str(0), v, o)
	case "KVDelete":
		appErr = api.KVDelete(str(0))
	case "KVList":
		var page, perPage int
		arg(0, &page)
		arg(1, &perPage)
		result, appErr = api.KVList(page, perPage)
	case "EnsureBotUser":
		var bot model.Bot
		arg(0, &bot)
		result, err = api.EnsureBotUser(&bot)
	case "CreateBot":
		var bot model.Bot
		arg(0, &bot)
		result, appErr = api.CreateBot(&bot)
	case "PatchBot":
		var patch model.BotPatch
		arg(1, &patch)
		result, appErr = api.PatchBot(str(0), &patch)
	case "GetBot", "UpdateBotActive":
		var flag bool
		arg(1, &flag)
		if method == "GetBot" {
			result, appErr = api.GetBot(str(0), flag)
		} else {
			result, appErr = api.UpdateBotActive(str(0), flag)
		}
	case "SetProfileImage":
		var data []byte
		arg(1, &data)
		appErr = api.SetProfileImage(str(0), data)
	case "RegisterCommand":
		var cmd model.Command
		arg(0, &cmd)
		err = api.RegisterCommand(&cmd)
	case "OpenInteractiveDialog":
		var d model.OpenDialogRequest
		arg(0, &d)
		appErr = api.OpenInteractiveDialog(d)
	case "PublishWebSocketEvent":
		var payload map[string]any
		var b model.WebsocketBroadcast
		arg(1, &payload)
		arg(2, &b)
		api.PublishWebSocketEvent(str(0), payload, &b)
	case "PublishPluginClusterEvent":
		var ev model.PluginClusterEvent
		var o model.PluginClusterEventSendOptions
		arg(0, &ev)
		arg(1, &o)
		err = api.PublishPluginClusterEvent(ev, o)
	case "LogDebug", "LogInfo", "LogWarn", "LogError":
		var kv []any
		for i := 1; i < len(raw); i++ {
			var v any
			arg(i, &v)
			kv = append(kv, v)
		}
		map[string]func(string, ...any){"LogDebug": api.LogDebug, "LogInfo": api.LogInfo, "LogWarn": api.LogWarn, "LogError": api.LogError}[method](str(0), kv...)
	case "GetSession":
		result, appErr = api.GetSession(str(0))
	default:
		writeJSON(w, 404, map[string]any{"error": map[string]any{"id": "unknown_method", "message": "unknown method " + method, "status_code": 404}})
		return
	}
	if appErr != nil {
		status := appErr.StatusCode
		if status == 0 {
			status = 500
		}
		writeJSON(w, status, map[string]any{"error": map[string]any{"id": appErr.Id, "message": appErr.Message, "status_code": appErr.StatusCode}})
		return
	}
	if err != nil {
		writeJSON(w, 500, map[string]any{"error": map[string]any{"id": "", "message": err.Error(), "status_code": 500}})
		return
	}
	writeJSON(w, 200, map[string]any{"result": result})
}
