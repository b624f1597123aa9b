//go:build sea

// TestSEA (make conformance-sea) starts the single-executable app itself — the linux-amd64 executable `make dist`
// ships, not node + a bundle — under Mattermost's plugin host: run by hand it explains itself and exits non-zero;
// under the host it activates, is its own process (no node on the command line), answers the health check and the
// ServeHTTP hook, takes MessageHasBeenPosted when it implements it, and stops cleanly. The executable comes from
// TRIPWIRE_SEA_EXECUTABLE (make conformance-sea passes the cached build of test/demo/build_sea.mjs, shared with
// make demo) or is built here the same way.
package main

import (
	"encoding/json"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/mattermost/mattermost/server/public/plugin"

	"github.com/tripwire/test/conformance/host"
	"github.com/tripwire/test/conformance/memapi"
)

func seaExecutable(t *testing.T, root string) string {
	if p := os.Getenv("TRIPWIRE_SEA_EXECUTABLE"); p != "" {
		return p
	}
	cmd := exec.Command("node", filepath.Join(root, "test", "demo", "build_sea.mjs"))
	cmd.Dir = root
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("building the SEA (node test/demo/build_sea.mjs): %v", err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	return lines[len(lines)-1]
}

func TestSEA(t *testing.T) {
	root, err := host.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	exe := seaExecutable(t, root)
	if data, err := os.ReadFile(exe); err != nil || !strings.HasPrefix(string(data[:4]), "\x7fELF") {
		t.Fatalf("%s is not an ELF executable (err %v)", exe, err)
	}

	t.Run("run by hand", func(t *testing.T) {
		cmd := exec.Command(exe)
		cmd.Env = []string{"PATH=" + os.Getenv("PATH")}
		out, err := cmd.CombinedOutput()
		if err == nil {
			t.Fatalf("exit status 0 without the magic cookie; output %q", out)
		}
		said := string(out)
		if !strings.Contains(said, "Mattermost") && !strings.Contains(said, "MATTERMOST_PLUGIN") {
			t.Errorf("run by hand it should say it is a Mattermost plugin; it said %q", said)
		}
		// Issue 8: "run by hand (no magic cookie) it prints what it is and how to install it".
		lower := strings.ToLower(said)
		if !strings.Contains(said, "Tripwire") || !(strings.Contains(lower, "install") || strings.Contains(lower, "upload")) {
			t.Errorf("run by hand it should say what it is (Tripwire) and how to install it (upload the bundle in the System Console); it said %q", said)
		}
		t.Logf("run by hand (%v): %s", err, strings.TrimSpace(string(out)))
	})

	dir := t.TempDir()
	t.Setenv("TMPDIR", filepath.Join(dir, "tmp"))
	if err := os.MkdirAll(filepath.Join(dir, "tmp"), 0o755); err != nil {
		t.Fatal(err)
	}
	srv := memapi.NewServer()
	fx := memapi.Seed(srv)
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
	manifest, err := host.RealManifest(root)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Install(manifest, host.Executable{Path: exe}); err != nil {
		t.Fatal(err)
	}

	took, err := h.Activate(host.RealID)
	if err != nil {
		t.Fatalf("Activate: %v", err)
	}
	pid := h.PID(host.RealID)
	cmdline := host.Cmdline(pid)
	t.Logf("activated in %v; plugin process %d: %s", took, pid, cmdline)
	if state := h.Env.GetPluginState(host.RealID); state != model.PluginStateRunning {
		t.Fatalf("state = %d, want running", state)
	}
	if strings.Contains(cmdline, "node ") || !strings.HasSuffix(strings.Fields(cmdline)[0], host.ExecutableRelPath()) {
		t.Errorf("the plugin process should be the single executable itself; its command line is %q", cmdline)
	}
	if rss, _, err := host.MemoryKB(pid); err == nil {
		t.Logf("plugin RSS %d MiB", rss/1024)
	}
	// scripts/lib/sea_loader.cjs says so on stderr (a host log line) when V8 refuses the code cache built with the
	// executable: it would still start, only slower.
	if logs := h.Logs(); strings.Contains(logs, "rejected the code cache") {
		t.Errorf("the executable's V8 code cache was rejected:\n%s", logs)
	}
	if err := h.Env.PerformHealthCheck(host.RealID); err != nil {
		t.Fatalf("health check: %v", err)
	}

	// The ServeHTTP hook, through the host's HTTP front (session → Mattermost-User-Id).
	req := httptest.NewRequest("GET", "/plugins/tripwire/api/v1/health", nil)
	req.Header.Set("Authorization", "Bearer "+fx.MemberSession.Token)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var health struct {
		OK      bool   `json:"ok"`
		Version string `json:"version"`
	}
	if rec.Code != 200 || json.Unmarshal(rec.Body.Bytes(), &health) != nil || !health.OK || health.Version != manifest.Version {
		t.Errorf("ServeHTTP GET /api/v1/health = %d %q; want 200 {ok: true, version: %q}", rec.Code, rec.Body.String(), manifest.Version)
	}

	// MessageHasBeenPosted, as the server runs it (only for plugins implementing it); the plugin must stay healthy.
	p, appErr := srv.InsertPost(&model.Post{UserId: fx.Member.Id, ChannelId: fx.Public.Id, Message: "hello from the SEA test"})
	if appErr != nil {
		t.Fatal(appErr)
	}
	start := time.Now()
	ran := false // called back only when the plugin implements the hook
	h.Env.RunMultiPluginHook(func(hooks plugin.Hooks, _ *model.Manifest) bool {
		ran = true
		hooks.MessageHasBeenPosted(&plugin.Context{RequestId: model.NewId(), SessionId: fx.MemberSession.Id}, p)
		return true
	}, plugin.MessageHasBeenPostedID)
	if ran {
		t.Logf("MessageHasBeenPosted returned in %v", time.Since(start))
		if err := h.Env.PerformHealthCheck(host.RealID); err != nil {
			t.Fatalf("health check after MessageHasBeenPosted: %v", err)
		}
	} else {
		t.Logf("the plugin does not implement MessageHasBeenPosted yet: skipped that hook")
	}

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
}
