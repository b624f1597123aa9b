package conformance

import (
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/mattermost/mattermost/server/public/plugin"

	"github.com/tripwire/test/conformance/host"
)

// The hooks the conformance plugin must list in Implemented (OnActivate may be listed or not: the server
// always calls it).
var contractHooks = map[int]string{
	plugin.OnDeactivateID:          "OnDeactivate",
	plugin.OnConfigurationChangeID: "OnConfigurationChange",
	plugin.MessageHasBeenPostedID:  "MessageHasBeenPosted",
	plugin.MessageHasBeenUpdatedID: "MessageHasBeenUpdated",
	plugin.ExecuteCommandID:        "ExecuteCommand",
	plugin.ServeHTTPID:             "ServeHTTP",
	plugin.OnPluginClusterEventID:  "OnPluginClusterEvent",
}

// implementedHooks asks the environment, hook id by hook id, whether the plugin is dispatched for it (the
// server dispatches most hooks with RunMultiPluginHook, which skips plugins that did not list the hook).
func (e *env) implementedHooks() map[int]bool {
	out := map[int]bool{}
	for id := 0; id < plugin.TotalHooksID; id++ {
		host.RunMultiPluginHook(e.h.Env, func(_ plugin.Hooks, m *model.Manifest) bool {
			if m.Id == e.id {
				out[id] = true
			}
			return true
		}, id)
	}
	return out
}

func TestActivation(t *testing.T) {
	e := newEnv(t, envOptions{pluginConfig: map[string]any{"Greeting": "hi"}})
	rec := e.srv.Recorder()

	t.Run("state and health check", func(t *testing.T) {
		if got := e.h.Env.GetPluginState(e.id); got != model.PluginStateRunning {
			t.Fatalf("plugin state = %d, want PluginStateRunning (%d)", got, model.PluginStateRunning)
		}
		if err := e.h.Env.PerformHealthCheck(e.id); err != nil {
			t.Fatalf("health check: %v", err)
		}
	})

	t.Run("implements exactly the contract hooks", func(t *testing.T) {
		got := e.implementedHooks()
		delete(got, plugin.OnActivateID)
		var missing, extra []string
		for id, name := range contractHooks {
			if !got[id] {
				missing = append(missing, name)
			}
		}
		for id := range got {
			if _, ok := contractHooks[id]; !ok {
				extra = append(extra, "hook id "+strconv.Itoa(id))
			}
		}
		sort.Strings(missing)
		sort.Strings(extra)
		if len(missing)+len(extra) > 0 {
			t.Fatalf("Implemented: missing %v, not in the contract %v", missing, extra)
		}
	})

	t.Run("OnActivate loaded the configuration and read the server config", func(t *testing.T) {
		if n := rec.CallCount(e.id, "LoadPluginConfiguration"); n < 1 {
			t.Errorf("LoadPluginConfiguration called %d times during activation, want >= 1", n)
		}
		if n := rec.CallCount(e.id, "GetConfig"); n < 1 {
			t.Errorf("GetConfig called %d times during activation, want >= 1", n)
		}
	})

	t.Run("EnsureBotUser created the bot", func(t *testing.T) {
		id := e.botID()
		u := e.srv.User(id)
		if u == nil || !u.IsBot || u.Username != "conformance-bot" || u.FirstName != "Conformance Bot" {
			t.Fatalf("bot user = %+v, want the bot conformance-bot / Conformance Bot", u)
		}
		bot, appErr := e.srv.APIFor(host.ConformanceManifest()).GetBot(id, false)
		if appErr != nil || bot.OwnerId != e.id || bot.DisplayName != "Conformance Bot" {
			t.Fatalf("bot = %+v, %v; want owner %s, display name Conformance Bot", bot, appErr, e.id)
		}
	})

	t.Run("RegisterCommand registered /conformance with autocomplete", func(t *testing.T) {
		var cmd *model.Command
		for _, c := range rec.Commands() {
			if c.PluginId == e.id && c.Trigger == "conformance" {
				cmd = c
			}
		}
		if cmd == nil {
			t.Fatalf("no /conformance command registered; commands: %+v", rec.Commands())
		}
		if !cmd.AutoComplete {
			t.Error("auto_complete is false")
		}
		ad := cmd.AutocompleteData
		if ad == nil || len(ad.Arguments) != 1 {
			t.Fatalf("autocomplete_data = %+v, want one argument", ad)
		}
		arg := ad.Arguments[0]
		if arg.Type != model.AutocompleteArgTypeText {
			t.Errorf("argument type = %q, want %q", arg.Type, model.AutocompleteArgTypeText)
		}
		if _, ok := arg.Data.(*model.AutocompleteTextArg); !ok {
			t.Errorf("argument data is %T, want *model.AutocompleteTextArg (gob name \"*model.AutocompleteTextArg\")", arg.Data)
		}
	})

	t.Run("LogInfo announced the activation with the bot id", func(t *testing.T) {
		l, ok := rec.FindLog("info", "conformance plugin activated")
		if !ok {
			t.Fatalf("no info log 'conformance plugin activated'; logs:\n%s", e.h.APILogs())
		}
		if v, _ := l.Field("bot_id"); v != e.botID() {
			t.Fatalf("bot_id = %q, want %q (%s)", v, e.botID(), l)
		}
	})

	t.Run("the plugin process and its socket", func(t *testing.T) {
		pid := e.h.PID(e.id)
		if pid == 0 || !host.ProcessAlive(pid) {
			t.Fatalf("plugin process not found (pid %d)", pid)
		}
		if exe := host.ConformanceExecutable(repoRoot); exe.Bundle != "" && !strings.Contains(host.Cmdline(pid), "node") {
			t.Errorf("the plugin process is %q; the launcher must exec node so the server's Kill reaches it", host.Cmdline(pid))
		}
		socks, err := host.UnixSocketPaths(pid)
		if err != nil || len(socks) == 0 {
			t.Fatalf("plugin has no unix socket open: %v %v", socks, err)
		}
		for _, s := range socks {
			if filepath.Dir(s) != e.tmpDir {
				t.Errorf("socket %s is not in $TMPDIR (%s), where go-plugin's os.CreateTemp puts it", s, e.tmpDir)
			}
		}
	})
}

func TestActivationError(t *testing.T) {
	e := newEnv(t, envOptions{pluginConfig: map[string]any{"FailActivation": true}, noActivate: true})
	_, err := e.h.Activate(e.id)
	if err == nil {
		t.Fatal("Activate succeeded; the plugin must refuse with FailActivation=true")
	}
	if !strings.Contains(err.Error(), "activation refused by configuration") {
		t.Fatalf("Activate error = %q, want it to carry 'activation refused by configuration'", err)
	}
	if got := e.h.Env.GetPluginState(e.id); got != model.PluginStateFailedToStart {
		t.Errorf("plugin state = %d, want PluginStateFailedToStart (%d)", got, model.PluginStateFailedToStart)
	}
	if _, err := e.h.Env.HooksForPlugin(e.id); err == nil {
		t.Error("HooksForPlugin works for a plugin that failed to activate")
	}
	// The supervisor was shut down: no plugin process may be left, nor its socket.
	if !waitFor(5*time.Second, func() bool { return len(host.ChildPIDs()) == 0 }) {
		t.Fatalf("plugin processes still running after the failed activation: %v", host.ChildPIDs())
	}
	entries, _ := os.ReadDir(e.tmpDir)
	for _, de := range entries {
		if info, err := de.Info(); err == nil && info.Mode()&os.ModeSocket != 0 {
			t.Errorf("socket left behind in $TMPDIR: %s", de.Name())
		}
	}
}
