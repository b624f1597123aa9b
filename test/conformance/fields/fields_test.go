// Package fields shows, with the real Tripwire plugin (server/dist/plugin.js) under Mattermost's own plugin host and
// the in-memory Mattermost, that the fields of a rule change what happens: each subtest saves a rule through the
// REST API, posts through MessageHasBeenPosted (or edits through MessageHasBeenUpdated) as Mattermost does, and
// checks which posts reached the service, how, and what was posted back. Each subtest deletes its rule, so rules
// never see each other's posts. The subtest names are what server/test/schema_coverage/registry.ts cites.
package fields

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/mattermost/mattermost/server/public/plugin"

	"github.com/tripwire/test/conformance/host"
	"github.com/tripwire/test/conformance/host/hosttest"
	"github.com/tripwire/test/conformance/memapi"
)

// text is the post message a request carries (compat JSON `text`, or the form field).
func text(r hosttest.Request) string {
	var body struct{ Text string }
	if json.Unmarshal(r.Body, &body) == nil && body.Text != "" {
		return body.Text
	}
	if form, err := url.ParseQuery(string(r.Body)); err == nil {
		return form.Get("text")
	}
	return ""
}

type env struct {
	t     *testing.T
	srv   *memapi.Server
	fx    *memapi.Fixtures
	web   *httptest.Server
	svc   *hosttest.Service
	hooks plugin.Hooks
	admin string // the channel admin's session token: owner of the rules
	n     int
}

func setup(t *testing.T) *env {
	manifest, exe := hosttest.RealPlugin(t)
	srv := memapi.NewServer()
	fx := memapi.Seed(srv)
	svc := hosttest.NewService(t, hosttest.Answer{Status: 200, Body: "{}"}) // closed after the host, which may still be delivering to it
	h := hosttest.NewHost(t, hosttest.Scratch(t), srv, hosttest.Options{})
	e := &env{t: t, srv: srv, fx: fx, web: httptest.NewServer(h), svc: svc}
	srv.SetSiteURL(e.web.URL)
	// MaxHops 2: the reply-chain subtest reaches the limit in two hops.
	// AllowRuleBots: the guardrail that lets a rule post as its own bot (the bot subtest).
	srv.SetPluginConfig(host.RealID, map[string]any{"AllowedHosts": "127.0.0.1/32", "MaxHops": 2, "AllowRuleBots": true})
	t.Cleanup(e.web.Close)
	e.hooks = hosttest.Activate(t, h, manifest, exe)
	e.admin = srv.AddSession(fx.ChanAdmin.Id).Token
	return e
}

// call sends a REST request to /plugins/tripwire/api/v1<path> as token's user and checks the status.
func (e *env) call(t *testing.T, method, path, token string, in any, want int, out any) {
	t.Helper()
	hosttest.CallAPI(t, e.web, method, path, token, in, want, out)
}

// rule saves a town-square rule (the fields given over these defaults: any message, one endpoint on its own path)
// and deletes it when the subtest ends. It returns the rule's id and the endpoint's path.
func (e *env) rule(t *testing.T, fields map[string]any) (string, string) {
	t.Helper()
	return e.ruleAs(t, e.admin, fields)
}

// ruleAs is rule, saved by another user (token).
func (e *env) ruleAs(t *testing.T, token string, fields map[string]any) (string, string) {
	t.Helper()
	e.n++
	path := fmt.Sprintf("/case%d", e.n)
	spec := map[string]any{
		"name":      fmt.Sprintf("case %d", e.n),
		"scope":     map[string]any{"kind": "channels", "teamId": e.fx.Alpha.Id, "channelIds": []string{e.fx.Public.Id}},
		"trigger":   map[string]any{"mode": "any"},
		"endpoints": []any{map[string]any{"id": "main", "url": e.svc.URL + path}},
	}
	for k, v := range fields {
		spec[k] = v
	}
	// Endpoint URLs are written as paths; the service's address goes in front.
	if eps, ok := spec["endpoints"].([]any); ok {
		for _, ep := range eps {
			if m, ok := ep.(map[string]any); ok {
				if u, ok := m["url"].(string); ok && strings.HasPrefix(u, "/") {
					m["url"] = e.svc.URL + u
				}
			}
		}
	}
	var rule struct{ ID string }
	e.call(t, http.MethodPost, "/rules", token, spec, http.StatusCreated, &rule)
	t.Cleanup(func() { e.call(t, http.MethodDelete, "/rules/"+rule.ID, token, nil, http.StatusNoContent, nil) })
	return rule.ID, path
}

type draft struct {
	user    *model.User
	channel string // town-square when empty
	message string
	rootID  string
	props   model.StringInterface
	files   []string
}

// post stores a post in town-square and runs MessageHasBeenPosted, as Mattermost does.
func (e *env) post(d draft) *model.Post {
	e.t.Helper()
	user := d.user
	if user == nil {
		user = e.fx.Member
	}
	channel := d.channel
	if channel == "" {
		channel = e.fx.Public.Id
	}
	p, appErr := e.srv.InsertPost(&model.Post{UserId: user.Id, ChannelId: channel, Message: d.message, RootId: d.rootID, Props: d.props, FileIds: d.files})
	if appErr != nil {
		e.t.Fatal(appErr)
	}
	e.hooks.MessageHasBeenPosted(&plugin.Context{RequestId: model.NewId()}, p)
	return p
}

// edit changes a post's message and runs MessageHasBeenUpdated.
func (e *env) edit(p *model.Post, message string) {
	old := p.Clone()
	p.Message, p.EditAt, p.UpdateAt = message, p.UpdateAt+1, p.UpdateAt+1
	e.hooks.MessageHasBeenUpdated(&plugin.Context{RequestId: model.NewId()}, p, old)
}

// delivered waits until the path got `want` requests (or a moment passed when none are expected, so that a
// delivery that should not happen would have), then returns the messages it got, in order.
func (e *env) delivered(t *testing.T, path string, want int) []string {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for len(e.svc.On(path)) < want && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond)
	var out []string
	for _, r := range e.svc.On(path) {
		out = append(out, text(r))
	}
	return out
}

// expect checks that exactly the posts with these messages reached the path.
func (e *env) expect(t *testing.T, path string, want ...string) {
	t.Helper()
	got := e.delivered(t, path, len(want))
	// Each post is its own delivery, sent concurrently: arrival order is not part of the contract.
	if fmt.Sprint(sortedCopy(got)) != fmt.Sprint(sortedCopy(want)) {
		t.Fatalf("the service got %q, want %q (in any order)", got, want)
	}
}

func sortedCopy(s []string) []string {
	out := append([]string(nil), s...)
	sort.Strings(out)
	return out
}

// log reads a rule's delivery log (newest first).
func (e *env) log(t *testing.T, ruleID string) []struct {
	Status     string `json:"status"`
	ErrorClass string `json:"error_class"`
} {
	t.Helper()
	var page struct {
		Entries []struct {
			Status     string `json:"status"`
			ErrorClass string `json:"error_class"`
		} `json:"entries"`
	}
	e.call(t, http.MethodGet, "/rules/"+ruleID+"/deliveries", e.admin, nil, http.StatusOK, &page)
	return page.Entries
}

// replies returns the messages of the posts the rule's replies created, waiting for `want` of them.
func (e *env) replies(t *testing.T, ruleID string, want int) []*model.Post {
	t.Helper()
	find := func() []*model.Post {
		var out []*model.Post
		for _, p := range e.srv.Posts() {
			if p.GetProp("tripwire_rule_id") == ruleID {
				out = append(out, p)
			}
		}
		return out
	}
	deadline := time.Now().Add(5 * time.Second)
	for len(find()) < want && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond)
	return find()
}

func TestRuleFieldsAct(t *testing.T) {
	e := setup(t)
	f := e.fx

	t.Run("trigger starts_with: the first word starts with a word", func(t *testing.T) {
		_, path := e.rule(t, map[string]any{"trigger": map[string]any{"mode": "starts_with", "words": []string{"dep"}}})
		e.post(draft{message: "deploy now"})
		e.post(draft{message: "redeploy now"})
		e.post(draft{message: "Deploy later"})
		e.expect(t, path, "deploy now")
	})

	t.Run("trigger ignoreCase: exact and starts_with compare without case", func(t *testing.T) {
		_, exact := e.rule(t, map[string]any{"trigger": map[string]any{"mode": "exact", "words": []string{"deploy"}, "ignoreCase": true}})
		_, prefix := e.rule(t, map[string]any{"trigger": map[string]any{"mode": "starts_with", "words": []string{"dep"}, "ignoreCase": true}})
		e.post(draft{message: "DEPLOY it"})
		e.post(draft{message: "undeploy it"})
		e.post(draft{message: "Depot run"})
		e.expect(t, exact, "DEPLOY it")
		e.expect(t, prefix, "DEPLOY it", "Depot run")
	})

	t.Run("trigger contains: anywhere, case ignored by default, case-sensitive when ignoreCase is off", func(t *testing.T) {
		_, loose := e.rule(t, map[string]any{"trigger": map[string]any{"mode": "contains", "words": []string{"prod"}}})
		_, strict := e.rule(t, map[string]any{"trigger": map[string]any{"mode": "contains", "words": []string{"prod"}, "ignoreCase": false}})
		e.post(draft{message: "ship to PROD"})
		e.post(draft{message: "ship to prod"})
		e.post(draft{message: "ship to staging"})
		e.expect(t, loose, "ship to PROD", "ship to prod")
		e.expect(t, strict, "ship to prod")
	})

	t.Run("trigger whole_word: only with no letter or digit around it, case per ignoreCase", func(t *testing.T) {
		_, loose := e.rule(t, map[string]any{"trigger": map[string]any{"mode": "whole_word", "words": []string{"api"}}})
		_, strict := e.rule(t, map[string]any{"trigger": map[string]any{"mode": "whole_word", "words": []string{"api"}, "ignoreCase": false}})
		e.post(draft{message: "rapid fire"})
		e.post(draft{message: "restart API now"})
		e.post(draft{message: "restart api now"})
		e.expect(t, loose, "restart API now", "restart api now")
		e.expect(t, strict, "restart api now")
	})

	t.Run("trigger regex flags: ignoreCase, multiline and dotAll", func(t *testing.T) {
		_, ic := e.rule(t, map[string]any{"trigger": map[string]any{"mode": "regex", "pattern": "^deploy", "ignoreCase": true}})
		_, ml := e.rule(t, map[string]any{"trigger": map[string]any{"mode": "regex", "pattern": "^deploy$", "multiline": true}})
		_, da := e.rule(t, map[string]any{"trigger": map[string]any{"mode": "regex", "pattern": "start.end", "dotAll": true}})
		e.post(draft{message: "DEPLOY api"})
		e.post(draft{message: "please\ndeploy"})
		e.post(draft{message: "start\nend"})
		e.expect(t, ic, "DEPLOY api")
		e.expect(t, ml, "please\ndeploy")
		e.expect(t, da, "start\nend")
	})

	t.Run("trigger any: every message", func(t *testing.T) {
		_, path := e.rule(t, nil)
		e.post(draft{message: "anything at all"})
		e.expect(t, path, "anything at all")
	})

	t.Run("threads: roots or replies only", func(t *testing.T) {
		_, roots := e.rule(t, map[string]any{"threads": "roots"})
		_, replies := e.rule(t, map[string]any{"threads": "replies"})
		root := e.post(draft{message: "a root post"})
		e.post(draft{message: "a thread reply", rootID: root.Id})
		e.expect(t, roots, "a root post")
		e.expect(t, replies, "a thread reply")
	})

	t.Run("events: edited fires when an edit makes the post match", func(t *testing.T) {
		_, path := e.rule(t, map[string]any{"events": []string{"edited"}, "trigger": map[string]any{"mode": "exact", "words": []string{"deploy"}}})
		p := e.post(draft{message: "draft text"})
		e.post(draft{message: "deploy right away"}) // posted, not edited: the rule listens to edits only
		e.edit(p, "deploy after all")
		e.expect(t, path, "deploy after all")
	})

	t.Run("enabled: a disabled rule never fires", func(t *testing.T) {
		_, path := e.rule(t, map[string]any{"enabled": false})
		e.post(draft{message: "nobody listens"})
		e.expect(t, path)
	})

	t.Run("sources: bot and integration posts only where allowed", func(t *testing.T) {
		_, none := e.rule(t, nil)
		_, bots := e.rule(t, map[string]any{"sources": map[string]any{"bots": true}})
		_, integrations := e.rule(t, map[string]any{"sources": map[string]any{"integrations": true}})
		e.post(draft{user: f.Bot, message: "from a bot"})
		e.post(draft{message: "from a webhook", props: model.StringInterface{"from_webhook": "true"}})
		e.post(draft{message: "from a person"})
		e.expect(t, none, "from a person")
		e.expect(t, bots, "from a bot", "from a person")
		e.expect(t, integrations, "from a webhook", "from a person")
	})

	t.Run("cooldown: per channel and per author", func(t *testing.T) {
		_, channel := e.rule(t, map[string]any{"cooldown": map[string]any{"channelSeconds": 60}})
		_, author := e.rule(t, map[string]any{"cooldown": map[string]any{"userSeconds": 60}})
		e.post(draft{message: "first"})
		e.post(draft{message: "second"})
		e.post(draft{user: f.ChanAdmin, message: "third"})
		e.expect(t, channel, "first")
		e.expect(t, author, "first", "third")
	})

	t.Run("conditions user, not, all, any and length", func(t *testing.T) {
		_, user := e.rule(t, map[string]any{"conditions": []any{map[string]any{"type": "user", "userIds": []string{f.Member.Id}}}})
		_, not := e.rule(t, map[string]any{"conditions": []any{map[string]any{"type": "not", "of": map[string]any{"type": "user", "userIds": []string{f.Member.Id}}}}})
		_, all := e.rule(t, map[string]any{"conditions": []any{map[string]any{"type": "all", "of": []any{
			map[string]any{"type": "user", "userIds": []string{f.Member.Id}},
			map[string]any{"type": "length", "min": 10},
		}}}})
		_, anyOf := e.rule(t, map[string]any{"conditions": []any{map[string]any{"type": "any", "of": []any{
			map[string]any{"type": "user", "userIds": []string{f.ChanAdmin.Id}},
			map[string]any{"type": "length", "max": 3},
		}}}})
		e.post(draft{message: "hey"})
		e.post(draft{message: "member, long enough"})
		e.post(draft{user: f.ChanAdmin, message: "admin speaking"})
		e.expect(t, user, "hey", "member, long enough")
		e.expect(t, not, "admin speaking")
		e.expect(t, all, "member, long enough")
		e.expect(t, anyOf, "hey", "admin speaking")
	})

	t.Run("conditions mentions_bot, bot and integration", func(t *testing.T) {
		_, mention := e.rule(t, map[string]any{"conditions": []any{map[string]any{"type": "mentions_bot"}}})
		_, bot := e.rule(t, map[string]any{"sources": map[string]any{"bots": true}, "conditions": []any{map[string]any{"type": "bot"}}})
		_, integration := e.rule(t, map[string]any{"sources": map[string]any{"integrations": true}, "conditions": []any{map[string]any{"type": "integration"}}})
		e.post(draft{message: "hey @tripwire, look"})
		e.post(draft{user: f.Bot, message: "beep"})
		e.post(draft{message: "hook post", props: model.StringInterface{"from_webhook": "true"}})
		e.expect(t, mention, "hey @tripwire, look")
		e.expect(t, bot, "beep")
		e.expect(t, integration, "hook post")
	})

	t.Run("conditions group: the author is in one of the groups", func(t *testing.T) {
		group := e.srv.AddGroup(&model.Group{DisplayName: "Ops"})
		e.srv.AddGroupMember(group.Id, f.Member.Id)
		_, path := e.rule(t, map[string]any{"conditions": []any{map[string]any{"type": "group", "groupIds": []string{group.Id}}}})
		e.post(draft{message: "from ops"})
		e.post(draft{user: f.ChanAdmin, message: "not from ops"})
		e.expect(t, path, "from ops")
	})

	t.Run("conditions has_files: any file, or one of the MIME types", func(t *testing.T) {
		png := e.srv.AddFileInfo(&model.FileInfo{Name: "shot.png", Extension: "png", MimeType: "image/png", Size: 10, CreatorId: f.Member.Id})
		pdf := e.srv.AddFileInfo(&model.FileInfo{Name: "doc.pdf", Extension: "pdf", MimeType: "application/pdf", Size: 10, CreatorId: f.Member.Id})
		_, anyFile := e.rule(t, map[string]any{"conditions": []any{map[string]any{"type": "has_files"}}})
		_, images := e.rule(t, map[string]any{"conditions": []any{map[string]any{"type": "has_files", "mimeTypes": []string{"image/*"}}}})
		e.post(draft{message: "with a png", files: []string{png.Id}})
		e.post(draft{message: "with a pdf", files: []string{pdf.Id}})
		e.post(draft{message: "no file"})
		e.expect(t, anyFile, "with a png", "with a pdf")
		e.expect(t, images, "with a png")
	})

	t.Run("endpoint method, template body and form fields", func(t *testing.T) {
		_, _ = e.rule(t, map[string]any{"endpoints": []any{map[string]any{"id": "main", "url": "/put", "method": "PUT"}}})
		_, _ = e.rule(t, map[string]any{"endpoints": []any{map[string]any{"id": "main", "url": "/tpl", "payload": "template", "body_template": `{"said": "{{post.message}}"}`}}})
		_, _ = e.rule(t, map[string]any{"endpoints": []any{map[string]any{"id": "main", "url": "/form", "payload": "template", "content_type": "form", "form_fields": map[string]string{"said": "{{post.message}}"}}}})
		e.post(draft{message: "shape me"})
		e.delivered(t, "/form", 1)
		if got := e.svc.On("/put"); len(got) != 1 || got[0].Method != http.MethodPut {
			t.Fatalf("/put got %d requests, method %v", len(got), got)
		}
		if got := e.svc.On("/tpl"); len(got) != 1 || string(got[0].Body) != `{"said": "shape me"}` {
			t.Fatalf("/tpl got %v", got)
		}
		if got := e.svc.On("/form"); len(got) != 1 || string(got[0].Body) != "said=shape+me" || !strings.HasPrefix(got[0].Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
			t.Fatalf("/form got %v", got)
		}
	})

	t.Run("endpoint enabled and fan_out failover", func(t *testing.T) {
		_, _ = e.rule(t, map[string]any{"endpoints": []any{
			map[string]any{"id": "off", "url": "/off", "enabled": false},
			map[string]any{"id": "on", "url": "/on"},
		}})
		_, _ = e.rule(t, map[string]any{"delivery": map[string]any{"fan_out": "failover"}, "endpoints": []any{
			map[string]any{"id": "first", "url": "/first"},
			map[string]any{"id": "second", "url": "/second"},
		}})
		_, _ = e.rule(t, map[string]any{"endpoints": []any{
			map[string]any{"id": "p1", "url": "/parallel1"},
			map[string]any{"id": "p2", "url": "/parallel2"},
		}})
		e.post(draft{message: "fan out"})
		e.delivered(t, "/parallel2", 1)
		counts := map[string]int{}
		for _, p := range []string{"/off", "/on", "/first", "/second", "/parallel1", "/parallel2"} {
			counts[p] = len(e.svc.On(p))
		}
		want := map[string]int{"/off": 0, "/on": 1, "/first": 1, "/second": 0, "/parallel1": 1, "/parallel2": 1}
		if fmt.Sprint(counts) != fmt.Sprint(want) {
			t.Fatalf("requests per endpoint %v, want %v", counts, want)
		}
	})

	t.Run("response enabled and accept_any_status; the rule name on the reply", func(t *testing.T) {
		e.svc.Answer("/answers", hosttest.Answer{Status: 200, Body: `{"text": "done"}`})
		e.svc.Answer("/quiet", hosttest.Answer{Status: 200, Body: `{"text": "never shown"}`})
		e.svc.Answer("/broken", hosttest.Answer{Status: 500, Body: `{"text": "it broke"}`})
		e.svc.Answer("/broken-any", hosttest.Answer{Status: 500, Body: `{"text": "it broke, said anyway"}`})
		answers, _ := e.rule(t, map[string]any{"name": "Answering", "endpoints": []any{map[string]any{"id": "main", "url": "/answers"}}})
		quiet, _ := e.rule(t, map[string]any{"response": map[string]any{"enabled": false}, "endpoints": []any{map[string]any{"id": "main", "url": "/quiet"}}})
		once := map[string]any{"max_attempts": 1}
		broken, _ := e.rule(t, map[string]any{"delivery": once, "endpoints": []any{map[string]any{"id": "main", "url": "/broken"}}})
		brokenAny, _ := e.rule(t, map[string]any{"delivery": once, "response": map[string]any{"accept_any_status": true}, "endpoints": []any{map[string]any{"id": "main", "url": "/broken-any"}}})
		e.post(draft{message: "say something"})
		got := e.replies(t, answers, 1)
		if len(got) != 1 || got[0].Message != "done" || got[0].GetProp("webhook_display_name") != "Answering" {
			t.Fatalf("replies of the answering rule: %v", got)
		}
		if got := e.replies(t, brokenAny, 1); len(got) != 1 || got[0].Message != "it broke, said anyway" {
			t.Fatalf("replies of the accept_any_status rule: %v", got)
		}
		for name, id := range map[string]string{"response disabled": quiet, "500 without accept_any_status": broken} {
			if got := e.replies(t, id, 0); len(got) != 0 {
				t.Errorf("%s: replies %v, want none", name, got)
			}
		}
	})

	t.Run("bot: the reply is posted as the rule's own bot; deleting the rule deactivates it and keeps its posts", func(t *testing.T) {
		png := []byte("\x89PNG\r\n\x1a\nconformance-avatar")
		e.svc.Answer("/as-bot", hosttest.Answer{Status: 200, Body: `{"text": "posted by the rule bot"}`})
		spec := map[string]any{
			"name":      "Bot rule",
			"scope":     map[string]any{"kind": "channels", "teamId": f.Alpha.Id, "channelIds": []string{f.Public.Id}},
			"trigger":   map[string]any{"mode": "exact", "words": []string{"ship"}},
			"endpoints": []any{map[string]any{"id": "main", "url": e.svc.URL + "/as-bot"}},
			"bot":       map[string]any{"username": "ship-bot", "display_name": "Ship It", "icon": "data:image/png;base64," + base64.StdEncoding.EncodeToString(png)},
		}
		var rule struct {
			ID        string `json:"id"`
			BotUserID string `json:"botUserId"`
		}
		e.call(t, http.MethodPost, "/rules", e.admin, spec, http.StatusCreated, &rule)
		bot := e.srv.Bot(rule.BotUserID)
		if bot == nil || bot.Username != "ship-bot" || bot.DisplayName != "Ship It" || bot.OwnerId != host.RealID || bot.DeleteAt != 0 {
			t.Fatalf("the rule's bot = %+v, want ship-bot owned by the plugin, active", bot)
		}
		if !bytes.Equal(e.srv.ProfileImage(rule.BotUserID), png) {
			t.Errorf("the bot's avatar is not the rule's icon")
		}
		// A second rule may not take the same bot; a user's username is refused too.
		spec["name"] = "Second"
		e.call(t, http.MethodPost, "/rules", e.admin, spec, http.StatusConflict, nil)
		spec["bot"] = map[string]any{"username": f.Member.Username}
		e.call(t, http.MethodPost, "/rules", e.admin, spec, http.StatusConflict, nil)

		e.post(draft{message: "ship it"})
		got := e.replies(t, rule.ID, 1)
		if len(got) != 1 || got[0].UserId != rule.BotUserID || got[0].Message != "posted by the rule bot" {
			t.Fatalf("replies = %+v, want one posted by the rule's bot %s", got, rule.BotUserID)
		}
		reply := got[0].Id

		e.call(t, http.MethodDelete, "/rules/"+rule.ID, e.admin, nil, http.StatusNoContent, nil)
		if b := e.srv.Bot(rule.BotUserID); b == nil || b.DeleteAt == 0 || e.srv.User(rule.BotUserID).DeleteAt == 0 {
			t.Fatalf("after deleting the rule its bot is %+v, want deactivated (not deleted)", b)
		}
		if p := e.srv.Post(reply); p == nil || p.DeleteAt != 0 || p.UserId != rule.BotUserID {
			t.Fatalf("the bot's reply after the rule was deleted: %+v, want kept", p)
		}
	})

	t.Run("delivery rates: per rule and per user, excess dropped", func(t *testing.T) {
		_, rule := e.rule(t, map[string]any{"delivery": map[string]any{"rate_per_rule_per_minute": 1, "rate_overflow": "drop"}})
		_, user := e.rule(t, map[string]any{"delivery": map[string]any{"rate_per_user_per_minute": 1, "rate_overflow": "drop"}})
		e.post(draft{message: "one"})
		e.post(draft{message: "two"})
		e.post(draft{user: f.ChanAdmin, message: "three"})
		e.expect(t, rule, "one")
		got := e.delivered(t, user, 2)
		sort.Strings(got)
		if fmt.Sprint(got) != fmt.Sprint([]string{"one", "three"}) {
			t.Fatalf("per-user rate: the service got %q, want one and three", got)
		}
	})

	t.Run("scope team: the team's public channels, its private ones only when asked", func(t *testing.T) {
		sysadmin := e.srv.AddSession(f.SysAdmin.Id).Token
		team := func(types ...string) map[string]any {
			return map[string]any{"scope": map[string]any{"kind": "team", "teamId": f.Alpha.Id, "channelTypes": types}}
		}
		_, public := e.ruleAs(t, sysadmin, team("O"))
		_, both := e.ruleAs(t, sysadmin, team("O", "P"))
		e.post(draft{message: "in town-square"})
		e.post(draft{user: f.ChanAdmin, channel: f.Private.Id, message: "in the private room"})
		e.expect(t, public, "in town-square")
		e.expect(t, both, "in town-square", "in the private room")
	})

	t.Run("endpoint follow_redirects: a 3xx is followed only when on", func(t *testing.T) {
		e.svc.Answer("/moved-a", hosttest.Answer{Status: http.StatusFound, Location: e.svc.URL + "/landed-a"})
		e.svc.Answer("/moved-b", hosttest.Answer{Status: http.StatusFound, Location: e.svc.URL + "/landed-b"})
		once := map[string]any{"max_attempts": 1}
		_, _ = e.rule(t, map[string]any{"delivery": once, "endpoints": []any{map[string]any{"id": "main", "url": "/moved-a", "follow_redirects": true}}})
		stays, _ := e.rule(t, map[string]any{"delivery": once, "endpoints": []any{map[string]any{"id": "main", "url": "/moved-b"}}})
		e.post(draft{message: "go there"})
		e.delivered(t, "/landed-a", 1)
		if a, b := len(e.svc.On("/landed-a")), len(e.svc.On("/landed-b")); a != 1 || b != 0 {
			t.Fatalf("followed %d times with follow_redirects on, %d times with it off; want 1 and 0", a, b)
		}
		if log := e.log(t, stays); len(log) == 0 || log[0].Status != "failed" {
			t.Fatalf("the redirect not followed: log %+v, want failed", log)
		}
	})

	t.Run("endpoint timeout_ms: a slower answer is a timeout", func(t *testing.T) {
		e.svc.Answer("/slow", hosttest.Answer{Status: 200, Body: `{"text": "too late"}`, Delay: 1500 * time.Millisecond})
		id, _ := e.rule(t, map[string]any{"delivery": map[string]any{"max_attempts": 1}, "endpoints": []any{map[string]any{"id": "main", "url": "/slow", "timeout_ms": 500}}})
		e.post(draft{message: "hurry"})
		deadline := time.Now().Add(5 * time.Second)
		for len(e.log(t, id)) == 0 && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond)
		}
		if log := e.log(t, id); len(log) == 0 || log[0].Status != "failed" || log[0].ErrorClass != "timeout" {
			t.Fatalf("log %+v, want one failed attempt of class timeout", log)
		}
		if got := e.replies(t, id, 0); len(got) != 0 {
			t.Fatalf("replies %v after a timeout", got)
		}
	})

	t.Run("response stale_after_seconds and stale_action: a late reply is dropped or threaded as delayed", func(t *testing.T) {
		late := hosttest.Answer{Status: 200, Body: `{"text": "late news"}`, Delay: 1300 * time.Millisecond}
		e.svc.Answer("/late-drop", late)
		e.svc.Answer("/late-thread", late)
		stale := func(action, path string) map[string]any {
			return map[string]any{"response": map[string]any{"stale_after_seconds": 1, "stale_action": action}, "endpoints": []any{map[string]any{"id": "main", "url": path}}}
		}
		dropped, _ := e.rule(t, stale("drop", "/late-drop"))
		threaded, _ := e.rule(t, stale("thread", "/late-thread"))
		trigger := e.post(draft{message: "news?"})
		got := e.replies(t, threaded, 1)
		if len(got) != 1 || got[0].RootId != trigger.Id || !strings.Contains(got[0].Message, "Delayed reply") {
			t.Fatalf("threaded stale reply: %v", got)
		}
		if got := e.replies(t, dropped, 0); len(got) != 0 {
			t.Fatalf("a dropped stale reply was posted: %v", got)
		}
	})

	t.Run("response response_url_uses: the late-reply URL works that many times", func(t *testing.T) {
		id, _ := e.rule(t, map[string]any{"response": map[string]any{"response_url_uses": 1}, "endpoints": []any{map[string]any{"id": "main", "url": "/rich", "payload": "rich"}}})
		e.post(draft{message: "reply later"})
		e.delivered(t, "/rich", 1)
		var body struct {
			ResponseURL string `json:"response_url"`
		}
		if err := json.Unmarshal(e.svc.On("/rich")[0].Body, &body); err != nil || body.ResponseURL == "" {
			t.Fatalf("no response_url in %s", e.svc.On("/rich")[0].Body)
		}
		statuses := []int{}
		for _, text := range []string{"first late reply", "second late reply"} {
			res, err := http.Post(body.ResponseURL, "application/json", strings.NewReader(`{"text": "`+text+`"}`))
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			statuses = append(statuses, res.StatusCode)
		}
		if fmt.Sprint(statuses) != "[200 404]" {
			t.Fatalf("response_url answered %v, want [200 404] (one use)", statuses)
		}
		if got := e.replies(t, id, 1); len(got) != 1 || got[0].Message != "first late reply" {
			t.Fatalf("late replies posted: %v", got)
		}
	})

	t.Run("scope channels teamId: every channel must be in the rule's team", func(t *testing.T) {
		// The same channel under another team is refused; under its own team (rule's default scope) it fires.
		elsewhere := map[string]any{
			"name":      "in the wrong team",
			"scope":     map[string]any{"kind": "channels", "teamId": f.Beta.Id, "channelIds": []string{f.Public.Id}},
			"trigger":   map[string]any{"mode": "any"},
			"endpoints": []any{map[string]any{"id": "main", "url": e.svc.URL + "/wrong-team"}},
		}
		var refused struct {
			Error struct {
				Code    string `json:"code"`
				Message string `json:"message"`
			} `json:"error"`
		}
		e.call(t, http.MethodPost, "/rules", e.admin, elsewhere, http.StatusBadRequest, &refused)
		if refused.Error.Code != "invalid_input" || !strings.Contains(refused.Error.Message, "team") {
			t.Fatalf("refusal %+v, want invalid_input naming the team", refused.Error)
		}
		_, path := e.rule(t, nil)
		e.post(draft{message: "right team"})
		e.expect(t, path, "right team")
		e.expect(t, "/wrong-team")
	})

	t.Run("endpoint max_concurrency: 1 never has two requests in flight", func(t *testing.T) {
		slow := hosttest.Answer{Status: 200, Body: "{}", Delay: 600 * time.Millisecond}
		e.svc.Answer("/one-at-a-time", slow)
		e.svc.Answer("/many-at-once", slow)
		_, _ = e.rule(t, map[string]any{"endpoints": []any{map[string]any{"id": "main", "url": "/one-at-a-time", "max_concurrency": 1}}})
		_, _ = e.rule(t, map[string]any{"endpoints": []any{map[string]any{"id": "main", "url": "/many-at-once"}}})
		for _, m := range []string{"one", "two", "three"} {
			e.post(draft{message: m})
		}
		e.delivered(t, "/many-at-once", 3)
		e.delivered(t, "/one-at-a-time", 3)
		one, many := e.svc.Peak("/one-at-a-time"), e.svc.Peak("/many-at-once")
		if n := len(e.svc.On("/one-at-a-time")); n != 3 || one != 1 || many < 2 {
			t.Fatalf("max_concurrency 1: %d requests, at most %d at once; default: at most %d at once (want 3, 1 and at least 2)", n, one, many)
		}
	})

	t.Run("response reply_to: thread or channel, whatever the service's response_type", func(t *testing.T) {
		e.svc.Answer("/plain", hosttest.Answer{Status: 200, Body: `{"text": "plain answer"}`})
		e.svc.Answer("/comment", hosttest.Answer{Status: 200, Body: `{"text": "comment answer", "response_type": "comment"}`})
		placed := func(to, path string) map[string]any {
			fields := map[string]any{"endpoints": []any{map[string]any{"id": "main", "url": path}}}
			if to != "" {
				fields["response"] = map[string]any{"reply_to": to}
			}
			return fields
		}
		threadPlain, _ := e.rule(t, placed("thread", "/plain"))
		servicePlain, _ := e.rule(t, placed("", "/plain"))
		channelComment, _ := e.rule(t, placed("channel", "/comment"))
		serviceComment, _ := e.rule(t, placed("", "/comment"))
		trigger := e.post(draft{message: "where do answers go"})
		for _, c := range []struct {
			name, rule string
			inThread   bool
		}{
			{"reply_to thread, plain answer", threadPlain, true},
			{"reply_to service, plain answer", servicePlain, false},
			{"reply_to channel, comment answer", channelComment, false},
			{"reply_to service, comment answer", serviceComment, true},
		} {
			got := e.replies(t, c.rule, 1)
			if len(got) != 1 {
				t.Fatalf("%s: replies %v, want one", c.name, got)
			}
			if inThread := got[0].RootId == trigger.Id; inThread != c.inThread {
				t.Errorf("%s: posted with root %q, in the trigger's thread = %v, want %v", c.name, got[0].RootId, inThread, c.inThread)
			}
		}
	})

	t.Run("response reply_template: a PagerDuty-style answer becomes the reply post", func(t *testing.T) {
		// Not Mattermost's reply format: without the template this answer posts nothing.
		e.svc.Answer("/pagerduty", hosttest.Answer{Status: 202, Body: `{"status": "success", "message": "Event processed @channel", "dedup_key": "mm-42"}`, Headers: map[string]string{"X-Request-Id": "req-7"}})
		mapped, _ := e.rule(t, map[string]any{
			"endpoints": []any{map[string]any{"id": "main", "url": "/pagerduty"}},
			"response":  map[string]any{"reply_to": "thread", "reply_template": "PagerDuty {{reply.json.status}} ({{reply.status}}, {{reply.headers.x-request-id}}) for \"{{post.message}}\": incident key `{{reply.json.dedup_key}}`; {{reply.json.message}}"},
		})
		trigger := e.post(draft{message: "page the on-call"})
		got := e.replies(t, mapped, 1)
		if len(got) != 1 {
			t.Fatalf("replies %v, want one", got)
		}
		// The service's @channel is text, not a mention: a zero-width space follows its @.
		want := "PagerDuty success (202, req-7) for \"page the on-call\": incident key `mm-42`; Event processed @\u200bchannel"
		if got[0].Message != want || got[0].RootId != trigger.Id {
			t.Errorf("reply %q root %q, want %q in the trigger's thread", got[0].Message, got[0].RootId, want)
		}
	})

	t.Run("response username and icon_url: on replies only when Mattermost allows overrides", func(t *testing.T) {
		e.svc.Answer("/dressed", hosttest.Answer{Status: 200, Body: `{"text": "dressed"}`})
		e.svc.Answer("/plain-dress", hosttest.Answer{Status: 200, Body: `{"text": "plain"}`})
		const icon = "https://icons.example.com/deploy.png"
		dressed, _ := e.rule(t, map[string]any{"response": map[string]any{"username": "Deploy Bot", "icon_url": icon}, "endpoints": []any{map[string]any{"id": "main", "url": "/dressed"}}})
		plain, _ := e.rule(t, map[string]any{"endpoints": []any{map[string]any{"id": "main", "url": "/plain-dress"}}})
		overrides := func(on bool) {
			e.srv.SetPostOverrides(on, on)
			if err := e.hooks.OnConfigurationChange(); err != nil {
				t.Fatal(err)
			}
		}
		t.Cleanup(func() { overrides(false) })
		look := func(p *model.Post) string {
			return fmt.Sprintf("username=%v icon=%v", p.GetProp("override_username"), p.GetProp("override_icon_url"))
		}

		e.post(draft{message: "overrides off"})
		off := e.replies(t, dressed, 1)
		if len(off) != 1 || look(off[0]) != "username=<nil> icon=<nil>" {
			t.Fatalf("overrides off: %v", off)
		}
		overrides(true)
		e.post(draft{message: "overrides on"})
		on := e.replies(t, dressed, 2)
		if len(on) != 2 || look(on[1]) != "username=Deploy Bot icon="+icon {
			t.Fatalf("overrides on, the rule's username and icon: %v", on)
		}
		// Without them, native's fallbacks: "webhook" and no icon.
		if got := e.replies(t, plain, 2); len(got) != 2 || look(got[1]) != "username=webhook icon=<nil>" {
			t.Fatalf("overrides on, a rule without username and icon: %v", got)
		}
	})

	t.Run("delivery backoff_base_ms and backoff_max_ms: the wait before each retry", func(t *testing.T) {
		// A service of its own: its host's circuit breaker sees only these failures.
		flaky := hosttest.NewService(t, hosttest.Answer{Status: 200, Body: "{}"})
		for _, p := range []string{"/fast", "/capped", "/slow"} {
			flaky.Answer(p, hosttest.Answer{Status: 503, Body: "{}"})
		}
		retried := func(path string, policy map[string]any) map[string]any {
			policy["max_attempts"] = 4
			return map[string]any{"delivery": policy, "endpoints": []any{map[string]any{"id": "main", "url": flaky.URL + path}}}
		}
		// Full jitter: the n-th retry waits random(0, min(max, base·2^(n-1))). Base 10 ms: all retries within 80 ms;
		// base an hour capped at 10 ms: the same; base an hour uncapped: the first retry comes after a moment only with
		// odds of (that moment)/(one hour), a few in ten thousand. With the default base (5 s) the first two would take
		// seconds and the third would likely come.
		_, _ = e.rule(t, retried("/fast", map[string]any{"backoff_base_ms": 10}))
		_, _ = e.rule(t, retried("/capped", map[string]any{"backoff_base_ms": 3_600_000, "backoff_max_ms": 10}))
		_, _ = e.rule(t, retried("/slow", map[string]any{"backoff_base_ms": 3_600_000}))
		e.post(draft{message: "try and try again"})
		deadline := time.Now().Add(8 * time.Second)
		for (len(flaky.On("/fast")) < 4 || len(flaky.On("/capped")) < 4) && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		time.Sleep(300 * time.Millisecond)
		got := fmt.Sprintf("fast %d, capped %d, slow %d", len(flaky.On("/fast")), len(flaky.On("/capped")), len(flaky.On("/slow")))
		if got != "fast 4, capped 4, slow 1" {
			t.Fatalf("attempts within 8 s: %s; want fast 4, capped 4, slow 1", got)
		}
	})

	t.Run("delivery max_age_seconds: a retry that would come later is not made, the delivery fails expired", func(t *testing.T) {
		busy := hosttest.NewService(t, hosttest.Answer{Status: 200, Body: "{}"})
		busy.Answer("/busy", hosttest.Answer{Status: 503, Body: "{}", Headers: map[string]string{"Retry-After": "30"}})
		aged := func(seconds int) map[string]any {
			return map[string]any{"delivery": map[string]any{"max_age_seconds": seconds}, "endpoints": []any{map[string]any{"id": "main", "url": busy.URL + "/busy"}}}
		}
		young, _ := e.rule(t, aged(10))
		patient, _ := e.rule(t, aged(60))
		e.post(draft{message: "come back in 30 s"})
		deadline := time.Now().Add(5 * time.Second)
		for (len(e.log(t, young)) == 0 || len(e.log(t, patient)) == 0) && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond)
		}
		if log := e.log(t, young); len(log) == 0 || log[0].Status != "failed" || log[0].ErrorClass != "expired" {
			t.Fatalf("max_age_seconds 10, Retry-After 30: log %+v, want failed, expired", log)
		}
		if log := e.log(t, patient); len(log) == 0 || log[0].Status != "retrying" {
			t.Fatalf("max_age_seconds 60, Retry-After 30: log %+v, want retrying", log)
		}
		if n := len(busy.On("/busy")); n != 2 {
			t.Fatalf("%d attempts, want one per rule", n)
		}
	})

	t.Run("response response_url_ttl_seconds: the late-reply URL expires that long after the delivery", func(t *testing.T) {
		ttl := func(seconds int, path string) map[string]any {
			return map[string]any{"response": map[string]any{"response_url_ttl_seconds": seconds}, "endpoints": []any{map[string]any{"id": "main", "url": path, "payload": "rich"}}}
		}
		short, _ := e.rule(t, ttl(60, "/ttl-short"))
		_, _ = e.rule(t, ttl(7200, "/ttl-long"))
		sent := time.Now()
		e.post(draft{message: "answer within the hour"})
		e.delivered(t, "/ttl-long", 1)
		e.delivered(t, "/ttl-short", 1)
		// The token is <delivery id>.<expiry, ms in base 36>.<signature>: the plugin refuses it from that instant on
		// (unit-tested; this host cannot move the plugin's clock). Here: the expiry each rule's TTL gives.
		expiry := func(path string) (string, time.Duration) {
			var body struct {
				ResponseURL string `json:"response_url"`
			}
			reqs := e.svc.On(path)
			if len(reqs) != 1 || json.Unmarshal(reqs[0].Body, &body) != nil || body.ResponseURL == "" {
				t.Fatalf("%s: no response_url in %v", path, reqs)
			}
			parts := strings.Split(body.ResponseURL[strings.LastIndex(body.ResponseURL, "/")+1:], ".")
			if len(parts) != 3 {
				t.Fatalf("%s: response_url %s", path, body.ResponseURL)
			}
			ms, err := strconv.ParseInt(parts[1], 36, 64)
			if err != nil {
				t.Fatal(err)
			}
			return body.ResponseURL, time.UnixMilli(ms).Sub(sent)
		}
		for path, want := range map[string]time.Duration{"/ttl-short": time.Minute, "/ttl-long": 2 * time.Hour} {
			if _, got := expiry(path); got < want-10*time.Second || got > want+30*time.Second {
				t.Errorf("%s: the response_url expires %v after the post, want about %v", path, got, want)
			}
		}
		// And until then it works.
		link, _ := expiry("/ttl-short")
		res, err := http.Post(link, "application/json", strings.NewReader(`{"text": "within the minute"}`))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if got := e.replies(t, short, 1); res.StatusCode != http.StatusOK || len(got) != 1 || got[0].Message != "within the minute" {
			t.Fatalf("the response_url before its expiry: %d, replies %v", res.StatusCode, got)
		}
	})

	// Mattermost runs MessageHasBeenPosted for the posts plugins create too; the in-memory server does not, so the
	// test hands Tripwire's posts to the hook itself.
	t.Run("reply chains: Tripwire's posts for services are integration posts, one hop further each, stopped by MaxHops", func(t *testing.T) {
		e.svc.Answer("/chain", hosttest.Answer{Status: 200, Body: `{"text": "chained reply"}`})
		integrations := map[string]any{"sources": map[string]any{"integrations": true}}
		chain, _ := e.rule(t, map[string]any{"sources": integrations["sources"], "endpoints": []any{map[string]any{"id": "main", "url": "/chain"}}})
		e.post(draft{message: "start a chain"})
		first := e.replies(t, chain, 1)
		if len(first) != 1 || fmt.Sprint(first[0].GetProp("tripwire_hops")) != "1" || first[0].GetProp("from_webhook") != "true" {
			t.Fatalf("first reply: %v", first)
		}
		e.hooks.MessageHasBeenPosted(&plugin.Context{RequestId: model.NewId()}, first[0])
		second := e.replies(t, chain, 2)
		if len(second) != 2 || fmt.Sprint(second[1].GetProp("tripwire_hops")) != "2" {
			t.Fatalf("the reply did not trigger the rule again, one hop further: %v", second)
		}
		e.hooks.MessageHasBeenPosted(&plugin.Context{RequestId: model.NewId()}, second[1])
		time.Sleep(500 * time.Millisecond)
		if got := e.svc.On("/chain"); len(got) != 2 {
			t.Fatalf("the chain went on past MaxHops: %d deliveries", len(got))
		}

		// An inbound-URL post takes the hops its service passes back: at the limit it triggers nothing; below it, it does.
		id, path := e.rule(t, integrations)
		var inbound struct{ URL string }
		e.call(t, http.MethodPost, "/rules/"+id+"/inbound", e.admin, nil, http.StatusCreated, &inbound)
		for _, hops := range []string{"1", "0"} {
			req, _ := http.NewRequest(http.MethodPost, inbound.URL, strings.NewReader(`{"text": "inbound with `+hops+`"}`))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-Tripwire-Hops", hops)
			res, err := e.web.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusOK {
				t.Fatalf("inbound post = %d", res.StatusCode)
			}
			posts := e.srv.Posts()
			last := posts[len(posts)-1]
			want := map[string]string{"1": "2", "0": "1"}[hops]
			if fmt.Sprint(last.GetProp("tripwire_hops")) != want {
				t.Fatalf("inbound post with X-Tripwire-Hops %s carries hops %v, want %s", hops, last.GetProp("tripwire_hops"), want)
			}
			e.hooks.MessageHasBeenPosted(&plugin.Context{RequestId: model.NewId()}, last)
		}
		e.expect(t, path, "inbound with 0")
	})
}
