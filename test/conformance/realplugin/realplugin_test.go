// Package realplugin smoke-tests the real Tripwire plugin (server/dist/plugin.js, id "tripwire", the
// repository's plugin.json) under the same host: it activates, answers health checks and stops cleanly.
// It is a separate test binary because the in-memory API panics on methods it does not implement, and the
// real plugin may call any of them.
package realplugin

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/tripwire/test/conformance/host"
	"github.com/tripwire/test/conformance/memapi"
)

func TestRealPluginLifecycle(t *testing.T) {
	root, err := host.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	exe := host.RealExecutable(root)
	if _, err := os.Stat(exe.Bundle + exe.Path); err != nil {
		t.Fatalf("real plugin executable missing (build it with `make server-build`, or set %s): %v", host.EnvRealPluginExecutable, err)
	}
	manifest, err := host.RealManifest(root)
	if err != nil {
		t.Fatal(err)
	}
	if manifest.Id != host.RealID || manifest.SettingsSchema == nil || len(manifest.SettingsSchema.Settings) == 0 {
		t.Fatalf("plugin.json: id %q with %v; want id tripwire with a settings_schema", manifest.Id, manifest.SettingsSchema)
	}

	dir := t.TempDir()
	t.Setenv("TMPDIR", filepath.Join(dir, "tmp"))
	if err := os.MkdirAll(filepath.Join(dir, "tmp"), 0o755); err != nil {
		t.Fatal(err)
	}
	srv := memapi.NewServer()
	memapi.Seed(srv)
	h, err := host.New(dir, srv)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		h.Close()
		if t.Failed() {
			t.Logf("\n%s", h.Diagnostics())
		}
	})
	if err := h.Install(manifest, exe); err != nil {
		t.Fatal(err)
	}

	took, err := h.Activate(host.RealID)
	if err != nil {
		t.Fatalf("Activate: %v", err)
	}
	t.Logf("Activate took %v (plugin process %d: %s)", took, h.PID(host.RealID), host.Cmdline(h.PID(host.RealID)))
	if state := h.Env.GetPluginState(host.RealID); state != model.PluginStateRunning {
		t.Fatalf("state = %d, want running", state)
	}
	if err := h.Env.PerformHealthCheck(host.RealID); err != nil {
		t.Fatalf("health check: %v", err)
	}

	pid := h.PID(host.RealID)
	socks, _ := host.UnixSocketPaths(pid)
	if !h.Env.Deactivate(host.RealID) {
		t.Fatal("Deactivate returned false")
	}
	deadline := time.Now().Add(3 * time.Second)
	for host.ProcessAlive(pid) && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if host.ProcessAlive(pid) {
		t.Fatalf("plugin process %d still running after Deactivate", pid)
	}
	for _, s := range socks {
		if _, err := os.Stat(s); !os.IsNotExist(err) {
			t.Errorf("socket %s left behind", s)
		}
	}
	fmt.Fprintf(os.Stderr, "real plugin: activated in %v, stopped cleanly\n", took)
}
