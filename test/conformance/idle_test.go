//go:build idle

package conformance

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"
)

// TestIdle leaves the plugin idle for longer than yamux's StreamOpenTimeout (75 s) with the server's health
// check job running (a Control.Ping every 30 s) and yamux keepalive pings going both ways. A plugin that
// leaves a host-opened stream un-ACKed, or does not answer pings, loses its session here; the health-check
// job would then restart it, so the process must still be the same one afterwards.
// Run with `make conformance-idle` (go test -tags idle).
func TestIdle(t *testing.T) {
	e := newEnv(t, envOptions{})
	pid := e.h.PID(e.id)
	e.h.Env.TogglePluginHealthCheckJob(true)
	defer e.h.Env.TogglePluginHealthCheckJob(false)

	const idle = 85 * time.Second
	t.Logf("idling %v", idle)
	time.Sleep(idle)

	if err := e.h.Env.PerformHealthCheck(e.id); err != nil {
		t.Fatalf("health check after %v idle: %v", idle, err)
	}
	if got := e.h.PID(e.id); got != pid || !e.h.Env.IsActive(e.id) {
		t.Fatalf("the plugin was restarted or deactivated while idle (pid %d -> %d, active %v)", pid, got, e.h.Env.IsActive(e.id))
	}
	resp, appErr := e.hooks().ExecuteCommand(e.ctx(), &model.CommandArgs{Command: "/conformance still here", UserId: e.fx.Member.Id,
		ChannelId: e.fx.Public.Id, TeamId: e.fx.Alpha.Id})
	if appErr != nil || resp == nil || resp.Text != "ran: still here" {
		t.Fatalf("ExecuteCommand after idle = %+v, %v", resp, appErr)
	}
	// The API connection (opened by the plugin at activation) must have survived too.
	before := e.srv.PostCount()
	p := e.post(e.fx.Member.Id, e.fx.Public.Id, "", "echo after idle")
	e.messageHasBeenPosted(p)
	if got := newPostsSince(e, before+1); len(got) != 1 || got[0].Message != "echo: after idle" {
		t.Fatalf("echo after idle produced %d posts", len(got))
	}
	if res := e.do(http.MethodGet, "/whoami", nil, nil); res.Status != http.StatusOK {
		t.Fatalf("GET /whoami after idle = %d %s", res.Status, res.Body)
	}
	if logs := e.h.Logs(); strings.Contains(logs, "yamux") || strings.Contains(logs, "Health check failed") {
		t.Fatalf("the server logged session trouble while the plugin was idle:\n%s", logs)
	}
}
