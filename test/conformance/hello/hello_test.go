// Package hello runs examples/hello (the SDK's example plugin, examples/hello/dist/plugin.js: `make -C
// examples/hello build`) under Mattermost's real plugin host: it activates and registers /hello, answers the
// command with the caller's username, replies "pong" in the thread of a "ping", and serves GET /plugins/hello/hello
// with the authenticated user. A separate test binary because its manifest is its own.
package hello

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/mattermost/mattermost/server/public/plugin"

	"github.com/tripwire/test/conformance/host"
	"github.com/tripwire/test/conformance/host/hosttest"
	"github.com/tripwire/test/conformance/memapi"
)

func TestHello(t *testing.T) {
	root, err := host.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(root, "examples", "hello")
	bundle := filepath.Join(dir, "dist", "plugin.js")
	if _, err := os.Stat(bundle); err != nil {
		t.Fatalf("examples/hello is not built (make -C examples/hello build): %v", err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "plugin.json"))
	if err != nil {
		t.Fatal(err)
	}
	var manifest model.Manifest
	if err := json.Unmarshal(data, &manifest); err != nil {
		t.Fatal(err)
	}

	srv := memapi.NewServer()
	fx := memapi.Seed(srv)
	h := hosttest.NewHost(t, hosttest.Scratch(t), srv, hosttest.Options{})
	hooks := hosttest.Activate(t, h, &manifest, host.Executable{Bundle: bundle})

	t.Run("/hello is registered and answers with the caller's name", func(t *testing.T) {
		var triggers []string
		for _, c := range srv.Recorder().Commands() {
			triggers = append(triggers, c.Trigger)
		}
		if len(triggers) != 1 || triggers[0] != "hello" {
			t.Fatalf("registered commands %v, want [hello]", triggers)
		}
		resp, appErr := hooks.ExecuteCommand(&plugin.Context{}, &model.CommandArgs{Command: "/hello", UserId: fx.Member.Id, ChannelId: fx.Public.Id, TeamId: fx.Alpha.Id})
		if appErr != nil || resp == nil || resp.ResponseType != model.CommandResponseTypeEphemeral || resp.Text != "Hello, @member!" {
			t.Fatalf("ExecuteCommand = %+v, %v; want ephemeral \"Hello, @member!\"", resp, appErr)
		}
	})

	t.Run("ping gets a pong in its thread, from the plugin's bot, and nothing else does", func(t *testing.T) {
		other, _ := srv.InsertPost(&model.Post{UserId: fx.Member.Id, ChannelId: fx.Public.Id, Message: "hello there"})
		hooks.MessageHasBeenPosted(&plugin.Context{}, other)
		ping, appErr := srv.InsertPost(&model.Post{UserId: fx.Member.Id, ChannelId: fx.Public.Id, Message: "Ping"})
		if appErr != nil {
			t.Fatal(appErr)
		}
		hooks.MessageHasBeenPosted(&plugin.Context{}, ping)
		var replies []*model.Post
		for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			replies = nil
			for _, p := range srv.Posts() {
				if p.Id != other.Id && p.Id != ping.Id {
					replies = append(replies, p)
				}
			}
			if len(replies) > 0 {
				break
			}
		}
		time.Sleep(100 * time.Millisecond) // a second, wrong reply would have arrived by now
		if len(replies) != 1 || replies[0].Message != "pong" || replies[0].RootId != ping.Id || replies[0].ChannelId != fx.Public.Id {
			t.Fatalf("replies %+v, want one \"pong\" in the thread of %s", replies, ping.Id)
		}
		if bot := srv.Bot(replies[0].UserId); bot == nil || bot.Username != "hello-bot" {
			t.Fatalf("pong posted by %s, want the plugin's bot hello-bot", replies[0].UserId)
		}
	})

	t.Run("GET /plugins/hello/hello answers with the authenticated user", func(t *testing.T) {
		for _, tc := range []struct {
			name, auth, path, want string
			status                 int
		}{
			{"signed in", "Bearer " + fx.MemberSession.Token, "/plugins/hello/hello", `{"hello":"` + fx.Member.Id + `"}`, 200},
			{"anonymous", "", "/plugins/hello/hello", `{"hello":"anonymous"}`, 200},
			{"other route", "", "/plugins/hello/nope", "", 404},
		} {
			req := httptest.NewRequest(http.MethodGet, tc.path, nil)
			if tc.auth != "" {
				req.Header.Set("Authorization", tc.auth)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tc.status || rec.Body.String() != tc.want {
				t.Errorf("%s: GET %s = %d %q, want %d %q", tc.name, tc.path, rec.Code, rec.Body.String(), tc.status, tc.want)
			}
		}
	})
}
