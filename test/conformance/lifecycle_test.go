package conformance

import (
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/tripwire/test/conformance/host"
)

// pluginProcess returns the plugin's pid and the unix socket paths it has open (its listener).
func (e *env) pluginProcess(t *testing.T) (int, []string) {
	t.Helper()
	pid := e.h.PID(e.id)
	if pid == 0 || !host.ProcessAlive(pid) {
		t.Fatalf("no live plugin process (pid %d)", pid)
	}
	socks, err := host.UnixSocketPaths(pid)
	if err != nil || len(socks) == 0 {
		t.Fatalf("plugin %d has no unix socket: %v %v", pid, socks, err)
	}
	return pid, socks
}

// checkGone asserts the process exited and removed its socket files.
func checkGone(t *testing.T, pid int, socks []string) {
	t.Helper()
	if !waitFor(3*time.Second, func() bool { return !host.ProcessAlive(pid) }) {
		t.Fatalf("plugin process %d (%s) still running", pid, host.Cmdline(pid))
	}
	for _, s := range socks {
		if _, err := os.Stat(s); !os.IsNotExist(err) {
			t.Errorf("socket %s still exists after the plugin stopped (stat: %v)", s, err)
		}
	}
}

func TestDeactivate(t *testing.T) {
	e := newEnv(t, envOptions{})
	pid, socks := e.pluginProcess(t)
	start := time.Now()
	if !e.h.Env.Deactivate(e.id) {
		t.Fatal("Deactivate returned false for an active plugin")
	}
	took := time.Since(start)
	t.Logf("Deactivate (OnDeactivate, Control.Quit, wait for exit) took %v", took)
	checkGone(t, pid, socks)
	// The environment calls OnDeactivate (it is in Implemented) and logs any error it returns.
	if logs := e.h.Logs(); strings.Contains(logs, "OnDeactivate() error") || strings.Contains(logs, "OnDeactivate() failed") {
		t.Errorf("OnDeactivate failed:\n%s", logs)
	}
	// go-plugin waits 2 s for the process to exit after a successful Control.Quit, then kills it: a plugin
	// that exits by itself is done well before. (Its "plugin failed to exit gracefully" warning is not a
	// sign: Go plugins too may close the connection before Quit's reply is read.)
	if took >= 2*time.Second {
		t.Errorf("the plugin did not exit by itself after Control.Quit (Deactivate took %v); it was killed", took)
	}
	if e.h.Env.IsActive(e.id) || e.h.Env.GetPluginState(e.id) != model.PluginStateNotRunning {
		t.Errorf("after Deactivate: active %v, state %d", e.h.Env.IsActive(e.id), e.h.Env.GetPluginState(e.id))
	}
	if len(host.ChildPIDs()) != 0 {
		t.Errorf("processes left: %v", host.ChildPIDs())
	}
}

func TestShutdown(t *testing.T) {
	e := newEnv(t, envOptions{})
	pid, socks := e.pluginProcess(t)
	start := time.Now()
	e.h.Env.Shutdown() // what the server does when it stops: OnDeactivate for all (10 s budget), then kill
	t.Logf("Shutdown took %v", time.Since(start))
	checkGone(t, pid, socks)
	if e.h.Env.IsActive(e.id) {
		t.Error("plugin still active after Shutdown")
	}
}

// TestCrashAndRestart kills the plugin process the hard way: the health check must notice, and the restart
// the health-check job would do must bring a working plugin back.
func TestCrashAndRestart(t *testing.T) {
	e := newEnv(t, envOptions{})
	pid, _ := e.pluginProcess(t)
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	if !waitFor(3*time.Second, func() bool { return e.h.Env.PerformHealthCheck(e.id) != nil }) {
		t.Fatal("the health check still passes after the plugin process was killed")
	}
	if err := e.h.Env.RestartPlugin(e.id); err != nil {
		t.Fatalf("RestartPlugin: %v", err)
	}
	if err := e.h.Env.PerformHealthCheck(e.id); err != nil {
		t.Fatalf("health check after the restart: %v", err)
	}
	resp, appErr := e.hooks().ExecuteCommand(e.ctx(), &model.CommandArgs{Command: "/conformance back", UserId: e.fx.Member.Id,
		ChannelId: e.fx.Public.Id, TeamId: e.fx.Alpha.Id})
	if appErr != nil || resp == nil || resp.Text != "ran: back" {
		t.Fatalf("ExecuteCommand after the restart = %+v, %v", resp, appErr)
	}
}
