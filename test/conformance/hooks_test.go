package conformance

import (
	"bytes"
	"net/http"
	"reflect"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/mattermost/mattermost/server/public/plugin"

	"github.com/tripwire/test/conformance/host"
)

// propFromPlugin is the prop the server's CreatePost adds to a plugin's post (model.PostPropsFromPlugin, which the
// 9.11 public module does not declare yet; that server wrote the same key).
const propFromPlugin = "from_plugin"

// newPostsSince returns the posts stored after the first n.
func newPostsSince(e *env, n int) []*model.Post {
	all := e.srv.Posts()
	if n > len(all) {
		return nil
	}
	return all[n:]
}

// messageHasBeenPosted dispatches the hook the way the server does (RunMultiPluginHook, which only calls
// plugins that implement it) and reports whether our plugin was called.
func (e *env) messageHasBeenPosted(p *model.Post) bool {
	called := false
	host.RunMultiPluginHook(e.h.Env, func(hooks plugin.Hooks, m *model.Manifest) bool {
		if m.Id == e.id {
			called = true
			hooks.MessageHasBeenPosted(e.ctx(), p)
		}
		return true
	}, plugin.MessageHasBeenPostedID)
	return called
}

// checkEchoReply checks a reply to "echo <text>" against the contract.
func checkEchoReply(t *testing.T, e *env, reply *model.Post, channelID, rootID, text string) {
	t.Helper()
	if reply.ChannelId != channelID || reply.RootId != rootID || reply.UserId != e.botID() || reply.Message != "echo: "+text {
		t.Fatalf("reply = {channel %s, root %s, user %s, message %q}, want {%s, %s, bot %s, %q}",
			reply.ChannelId, reply.RootId, reply.UserId, reply.Message, channelID, rootID, e.botID(), "echo: "+text)
	}
	props := reply.GetProps()
	if props["from_conformance"] != true {
		t.Errorf("props.from_conformance = %#v, want true (a bool)", props["from_conformance"])
	}
	if n, ok := num(props["hops"]); !ok || n != 1 {
		t.Errorf("props.hops = %#v, want the number 1", props["hops"])
	}
	if props[propFromPlugin] != "true" {
		t.Errorf("props.from_plugin = %#v, want \"true\" (set by the server's CreatePost)", props[propFromPlugin])
	}
	// Attachments must arrive as a real list of values, not as a JSON string.
	raw := props["attachments"]
	if k := reflect.ValueOf(raw).Kind(); k != reflect.Slice {
		t.Fatalf("props.attachments is %T (%#v), want a list of attachments", raw, raw)
	}
	atts := reply.Attachments()
	if len(atts) != 1 || atts[0].Text != "att" || len(atts[0].Actions) != 1 {
		t.Fatalf("attachments = %#v, want one with text att and one action", raw)
	}
	a := atts[0].Actions[0]
	if a.Id != "ok" || a.Name != "OK" || a.Type != "button" || a.Integration == nil ||
		a.Integration.URL != "/plugins/tripwire-conformance/action" {
		t.Fatalf("action = %+v (integration %+v), want ok/OK/button -> /plugins/tripwire-conformance/action", a, a.Integration)
	}
	if n, ok := num(a.Integration.Context["n"]); !ok || n != 1 {
		t.Errorf("action context n = %#v, want 1", a.Integration.Context["n"])
	}
}

func TestMessageHasBeenPosted(t *testing.T) {
	e := newEnv(t, envOptions{})

	t.Run("echo creates a reply before the hook returns", func(t *testing.T) {
		before := e.srv.PostCount()
		p := e.post(e.fx.Member.Id, e.fx.Public.Id, "", "echo hello world")
		if !e.messageHasBeenPosted(p) {
			t.Fatal("the plugin was not dispatched MessageHasBeenPosted (not in Implemented?)")
		}
		// Checked right after the hook returned: the nested CreatePost must have completed by then (as a
		// Go plugin's would), which is also what the hook benchmark measures.
		got := newPostsSince(e, before+1)
		if len(got) != 1 {
			t.Fatalf("want exactly one reply when the hook returned, got %d", len(got))
		}
		checkEchoReply(t, e, got[0], e.fx.Public.Id, p.Id, "hello world")
	})

	t.Run("echo in a thread replies to the thread root", func(t *testing.T) {
		root := e.post(e.fx.Member.Id, e.fx.Private.Id, "", "a thread")
		before := e.srv.PostCount()
		p := e.post(e.fx.ChanAdmin.Id, e.fx.Private.Id, root.Id, "echo in thread")
		e.messageHasBeenPosted(p)
		got := newPostsSince(e, before+1)
		if len(got) != 1 {
			t.Fatalf("want one reply, got %d", len(got))
		}
		checkEchoReply(t, e, got[0], e.fx.Private.Id, root.Id, "in thread")
	})

	t.Run("echo in a DM and a GM", func(t *testing.T) {
		for _, ch := range []*model.Channel{e.fx.DM, e.fx.GM} {
			before := e.srv.PostCount()
			p := e.post(e.fx.Member.Id, ch.Id, "", "echo "+string(ch.Type))
			e.messageHasBeenPosted(p)
			got := newPostsSince(e, before+1)
			if len(got) != 1 {
				t.Fatalf("channel type %s: want one reply, got %d", ch.Type, len(got))
			}
			checkEchoReply(t, e, got[0], ch.Id, p.Id, string(ch.Type))
		}
	})

	t.Run("ephemeral answers only the poster", func(t *testing.T) {
		before, eph := e.srv.PostCount(), len(e.srv.Recorder().Ephemerals())
		p := e.post(e.fx.Guest.Id, e.fx.Public.Id, "", "ephemeral just for me")
		e.messageHasBeenPosted(p)
		if n := e.srv.PostCount(); n != before+1 {
			t.Errorf("an ephemeral answer stored %d posts", n-before-1)
		}
		all := e.srv.Recorder().Ephemerals()
		if len(all) != eph+1 {
			t.Fatalf("want one ephemeral post when the hook returned, got %d", len(all)-eph)
		}
		got := all[eph]
		if got.UserID != e.fx.Guest.Id || got.Post.ChannelId != e.fx.Public.Id || got.Post.Message != "ephemeral: just for me" {
			t.Fatalf("ephemeral = user %s %+v, want user %s channel %s message %q", got.UserID, got.Post, e.fx.Guest.Id, e.fx.Public.Id, "ephemeral: just for me")
		}
	})

	t.Run("no match does nothing", func(t *testing.T) {
		calls := len(e.srv.Recorder().Calls())
		before, eph := e.srv.PostCount(), len(e.srv.Recorder().Ephemerals())
		p := e.post(e.fx.Member.Id, e.fx.Public.Id, "", "just chatting, echo later")
		e.messageHasBeenPosted(p)
		time.Sleep(200 * time.Millisecond) // anything asynchronous would show up by now
		if n := e.srv.PostCount(); n != before+1 {
			t.Errorf("no-match message produced %d posts", n-before-1)
		}
		if n := len(e.srv.Recorder().Ephemerals()); n != eph {
			t.Errorf("no-match message produced %d ephemeral posts", n-eph)
		}
		if got := e.srv.Recorder().Calls()[calls:]; len(got) != 0 {
			t.Errorf("no-match message made API calls: %v", got)
		}
	})
}

func TestMessageHasBeenUpdated(t *testing.T) {
	e := newEnv(t, envOptions{})
	old := e.post(e.fx.Member.Id, e.fx.Public.Id, "", "original text")
	updated := old.Clone()
	updated.Message = "changed text"
	updated.EditAt = updated.CreateAt + 1000
	before := e.srv.PostCount()
	e.hooks().MessageHasBeenUpdated(e.ctx(), updated, old)
	var got []*model.Post
	if !waitFor(2*time.Second, func() bool { got = newPostsSince(e, before); return len(got) > 0 }) {
		t.Fatal("no post created for MessageHasBeenUpdated")
	}
	want := "edited: changed text (was: original text)"
	if len(got) != 1 || got[0].Message != want || got[0].RootId != old.Id || got[0].ChannelId != old.ChannelId {
		t.Fatalf("got %d posts, first {root %s channel %s %q}; want one {root %s channel %s %q}",
			len(got), got[0].RootId, got[0].ChannelId, got[0].Message, old.Id, old.ChannelId, want)
	}
}

func TestExecuteCommand(t *testing.T) {
	e := newEnv(t, envOptions{})
	args := func(cmd string) *model.CommandArgs {
		return &model.CommandArgs{Command: cmd, UserId: e.fx.Member.Id, ChannelId: e.fx.Public.Id, TeamId: e.fx.Alpha.Id,
			TriggerId: model.NewId(), SiteURL: e.http.URL}
	}
	// The server health-checks the plugin around every slash command (plugin_commands.go).
	health := func() {
		t.Helper()
		if err := e.h.Env.PerformHealthCheck(e.id); err != nil {
			t.Fatalf("health check: %v", err)
		}
	}

	t.Run("response", func(t *testing.T) {
		health()
		resp, appErr := e.hooks().ExecuteCommand(e.ctx(), args("/conformance hello there"))
		health()
		if appErr != nil {
			t.Fatalf("ExecuteCommand returned %v", appErr)
		}
		if resp == nil || resp.ResponseType != model.CommandResponseTypeEphemeral || resp.Text != "ran: hello there" {
			t.Fatalf("response = %+v, want ephemeral 'ran: hello there'", resp)
		}
	})

	t.Run("AppError", func(t *testing.T) {
		resp, appErr := e.hooks().ExecuteCommand(e.ctx(), args("/conformance error"))
		if appErr == nil {
			t.Fatalf("want an AppError, got response %+v", resp)
		}
		if appErr.Id != "conformance.error" || appErr.Message != "asked to fail" || appErr.StatusCode != http.StatusBadRequest {
			t.Fatalf("AppError = {id %q message %q status %d}, want {conformance.error, asked to fail, 400}", appErr.Id, appErr.Message, appErr.StatusCode)
		}
	})
}

func TestOnPluginClusterEvent(t *testing.T) {
	e := newEnv(t, envOptions{})
	data := []byte{0, 1, 2, 0xfe, 0xff, 'o', 'k'}
	e.hooks().OnPluginClusterEvent(e.ctx(), model.PluginClusterEvent{Id: "ev-42", Data: data})
	var got []byte
	if !waitFor(2*time.Second, func() bool { got = e.srv.KVValue(e.id, "cluster:ev-42"); return got != nil }) {
		t.Fatal("KV key cluster:ev-42 not set after OnPluginClusterEvent")
	}
	if !bytes.Equal(got, data) {
		t.Fatalf("cluster:ev-42 = %v, want the event data %v", got, data)
	}
}

func TestOnConfigurationChange(t *testing.T) {
	e := newEnv(t, envOptions{pluginConfig: map[string]any{"Greeting": "hi"}})
	rec := e.srv.Recorder()
	loads := rec.CallCount(e.id, "LoadPluginConfiguration")
	e.srv.SetPluginConfig(e.id, map[string]any{"Greeting": "bonjour", "MaxItems": 9})
	if err := e.hooks().OnConfigurationChange(); err != nil {
		t.Fatalf("OnConfigurationChange: %v", err)
	}
	if n := rec.CallCount(e.id, "LoadPluginConfiguration"); n <= loads {
		t.Errorf("LoadPluginConfiguration not called again (%d calls before and after)", n)
	}
	if _, ok := rec.FindLog("info", "configuration changed"); !ok {
		t.Errorf("no info log 'configuration changed'; logs:\n%s", e.h.APILogs())
	}
	var cfg map[string]any
	e.call("LoadPluginConfiguration").ok(t, "LoadPluginConfiguration", &cfg)
	if cfg["greeting"] != "bonjour" || cfg["maxitems"] != float64(9) {
		t.Errorf("configuration after the change = %v, want greeting bonjour, maxitems 9", cfg)
	}
}
