// Package hosttest holds what the conformance scenario tests each need to run a plugin under the host: the real
// plugin's manifest and executable, a scratch directory for the sockets, a host closed at the test's end (with its
// diagnostics when the test failed), an activated plugin, and JSON calls to the real plugin's REST API.
package hosttest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/mattermost/mattermost/server/public/plugin"

	"github.com/tripwire/test/conformance/host"
	"github.com/tripwire/test/conformance/memapi"
)

// APIBase is the real plugin's REST API under the server's /plugins/<id> front.
const APIBase = "/plugins/" + host.RealID + "/api/v1"

// RealPlugin is the repository's plugin as an installed bundle has it: plugin.json's manifest and the executable
// (node + server/dist/plugin.js, or $TRIPWIRE_REAL_PLUGIN_EXECUTABLE). Fatal when the executable is missing.
func RealPlugin(t testing.TB) (*model.Manifest, host.Executable) {
	t.Helper()
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
	return manifest, exe
}

// Scratch is a fresh directory for a host, with $TMPDIR pointed at its tmp/ for the test: go-plugin's
// os.CreateTemp puts the plugin's socket there, as on a server, so no run leaves one behind elsewhere.
func Scratch(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	tmp, err := host.SocketDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("TMPDIR", tmp)
	return dir
}

// Options of NewHost.
type Options struct {
	// Node names a cluster node (host.NewNode); empty for a lone server.
	Node string
	// DiagnosticsEnv, when set, is the environment variable that must be set for a failed test to log the host's
	// diagnostics (long, for tests that run several hosts); otherwise a failed test always logs them.
	DiagnosticsEnv string
}

// NewHost is a host over srv in dir, shut down when the test ends.
func NewHost(t testing.TB, dir string, srv *memapi.Server, opts Options) *host.Host {
	t.Helper()
	h, err := host.NewNode(dir, srv, opts.Node)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		h.Close()
		if t.Failed() && (opts.DiagnosticsEnv == "" || os.Getenv(opts.DiagnosticsEnv) != "") {
			t.Logf("\n%s", h.Diagnostics())
		}
	})
	return h
}

// Activate installs a plugin, activates it as the server does and returns its hooks. Fatal on failure, with the
// host's diagnostics.
func Activate(t testing.TB, h *host.Host, manifest *model.Manifest, exe host.Executable) plugin.Hooks {
	t.Helper()
	if err := h.Install(manifest, exe); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Activate(manifest.Id); err != nil {
		t.Fatalf("Activate %s in %s: %v\n%s", manifest.Id, filepath.Base(h.Root), err, h.Diagnostics())
	}
	hooks, err := h.Hooks(manifest.Id)
	if err != nil {
		t.Fatal(err)
	}
	return hooks
}

// CallAPI sends a JSON request to the real plugin's REST API (APIBase + path) through web, the host's HTTP front,
// as the session token's user; fatal unless it answers status want. A non-nil out receives the answer.
func CallAPI(t testing.TB, web *httptest.Server, method, path, token string, in any, want int, out any) {
	t.Helper()
	var body []byte
	if in != nil {
		body, _ = json.Marshal(in)
	}
	req, _ := http.NewRequest(method, web.URL+APIBase+path, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	res, err := web.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		t.Fatalf("%s %s = %d %s, want %d", method, path, res.StatusCode, data, want)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			t.Fatalf("%s %s: %v in %s", method, path, err, data)
		}
	}
}
