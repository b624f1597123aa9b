package conformance

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/mattermost/mattermost/server/public/plugin"

	"github.com/tripwire/test/conformance/host"
	"github.com/tripwire/test/conformance/memapi"
)

// The suite drives the conformance plugin (node + server/dist/conformance-plugin.js, or the executable in
// TRIPWIRE_PLUGIN_EXECUTABLE) through Mattermost's real plugin package. Each top-level test gets its own
// "server": a fresh in-memory API, a plugins directory, a $TMPDIR for the plugin's socket, and an HTTP
// front; when a test fails, the server log (with the plugin's stderr) and the plugin's API log lines are
// printed.

var repoRoot string

func TestMain(m *testing.M) {
	root, err := host.RepoRoot()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	repoRoot = root
	exe := host.ConformanceExecutable(root)
	target := exe.Bundle + exe.Path
	if _, err := os.Stat(target); err != nil {
		fmt.Fprintf(os.Stderr, "conformance plugin executable missing: %v\n(build it with `make server-build`, or set %s)\n", err, host.EnvPluginExecutable)
		os.Exit(2)
	}
	fmt.Fprintf(os.Stderr, "conformance: plugin under test = %s; Mattermost plugin package = %s\n", target, model.CurrentVersion)
	os.Exit(m.Run())
}

// env is one test's server.
type env struct {
	t      *testing.T
	h      *host.Host
	srv    *memapi.Server
	fx     *memapi.Fixtures
	tmpDir string // the plugin's $TMPDIR
	http   *httptest.Server
	id     string
}

type envOptions struct {
	pluginConfig map[string]any // PluginSettings.Plugins[id] before activation
	noActivate   bool
}

func newEnv(t *testing.T, opts envOptions) *env {
	t.Helper()
	root := t.TempDir()
	tmp := filepath.Join(root, "tmp")
	if err := os.MkdirAll(tmp, 0o755); err != nil {
		t.Fatal(err)
	}
	// The plugin inherits the server's environment; go-plugin (and os.tmpdir() in Node) put the socket here.
	t.Setenv("TMPDIR", tmp)

	srv := memapi.NewServer()
	fx := memapi.Seed(srv)
	h, err := host.New(root, srv)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, h: h, srv: srv, fx: fx, tmpDir: tmp, id: host.ConformanceID}
	e.http = httptest.NewServer(h)
	srv.SetSiteURL(e.http.URL)
	if opts.pluginConfig != nil {
		srv.SetPluginConfig(e.id, opts.pluginConfig)
	}
	if err := h.Install(host.ConformanceManifest(), host.ConformanceExecutable(repoRoot)); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		e.http.Close()
		h.Close()
		if t.Failed() {
			t.Logf("\n%s", h.Diagnostics())
		}
	})
	if !opts.noActivate {
		elapsed, err := h.Activate(e.id)
		if err != nil {
			t.Fatalf("Activate: %v", err)
		}
		t.Logf("Activate took %v", elapsed)
	}
	return e
}

func (e *env) hooks() plugin.Hooks {
	e.t.Helper()
	hooks, err := e.h.Hooks(e.id)
	if err != nil {
		e.t.Fatalf("HooksForPlugin: %v", err)
	}
	return hooks
}

// botID is the id the plugin's bot got at activation (EnsureBotUser stores it under mmi_botid).
func (e *env) botID() string {
	e.t.Helper()
	id := string(e.srv.KVValue(e.id, plugin.BotUserKey))
	if id == "" {
		e.t.Fatal("the plugin has no bot (EnsureBotUser was not called during activation)")
	}
	return id
}

// post stores a post as a user would create it and returns what plugins receive.
func (e *env) post(userID, channelID, rootID, message string) *model.Post {
	e.t.Helper()
	p, appErr := e.srv.InsertPost(&model.Post{UserId: userID, ChannelId: channelID, RootId: rootID, Message: message})
	if appErr != nil {
		e.t.Fatalf("InsertPost: %v", appErr)
	}
	return p
}

// ctx is the plugin.Context the server passes with hooks.
func (e *env) ctx() *plugin.Context {
	return &plugin.Context{SessionId: e.fx.MemberSession.Id, RequestId: model.NewId(), IPAddress: "127.0.0.1",
		AcceptLanguage: "en", UserAgent: "conformance"}
}

// ---- HTTP through the host's ServePluginRequest emulation ----

type httpResult struct {
	Status int
	Header http.Header
	Body   []byte
}

func (e *env) do(method, path string, body io.Reader, header map[string]string) httpResult {
	e.t.Helper()
	res, err := e.tryDo(method, path, body, header)
	if err != nil {
		e.t.Fatal(err)
	}
	return res
}

// tryDo is do without failing the test (for use from other goroutines).
func (e *env) tryDo(method, path string, body io.Reader, header map[string]string) (httpResult, error) {
	req, err := http.NewRequest(method, e.http.URL+"/plugins/"+e.id+path, body)
	if err != nil {
		return httpResult{}, err
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := e.http.Client().Do(req)
	if err != nil {
		return httpResult{}, fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		return httpResult{}, fmt.Errorf("%s %s: reading body: %w", method, path, err)
	}
	return httpResult{Status: res.StatusCode, Header: res.Header, Body: data}, nil
}

type apiError struct {
	ID         string `json:"id"`
	Message    string `json:"message"`
	StatusCode int    `json:"status_code"`
}

type callResult struct {
	Status int
	Result json.RawMessage
	Error  *apiError
	Raw    string
}

// call makes the plugin call one PluginAPI method through POST /api/call/<Method> with JSON arguments.
func (e *env) call(method string, args ...any) callResult {
	e.t.Helper()
	c, err := e.tryCall(method, args...)
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// tryCall is call without failing the test (for use from other goroutines).
func (e *env) tryCall(method string, args ...any) (callResult, error) {
	if args == nil {
		args = []any{}
	}
	body, err := json.Marshal(args)
	if err != nil {
		return callResult{}, err
	}
	res, err := e.tryDo(http.MethodPost, "/api/call/"+method, bytes.NewReader(body), map[string]string{"Content-Type": "application/json"})
	if err != nil {
		return callResult{}, err
	}
	var parsed struct {
		Result json.RawMessage `json:"result"`
		Error  *apiError       `json:"error"`
	}
	if err := json.Unmarshal(res.Body, &parsed); err != nil {
		return callResult{}, fmt.Errorf("/api/call/%s: status %d, body is not JSON: %q", method, res.Status, res.Body)
	}
	return callResult{Status: res.Status, Result: parsed.Result, Error: parsed.Error, Raw: string(res.Body)}, nil
}

// ok asserts a 200 answer without error and decodes the result into dst (when dst is not nil).
func (c callResult) ok(t *testing.T, method string, dst any) {
	t.Helper()
	if c.Status != http.StatusOK || c.Error != nil {
		t.Fatalf("%s: want 200 with a result, got %d: %s", method, c.Status, c.Raw)
	}
	if dst != nil {
		if err := json.Unmarshal(c.Result, dst); err != nil {
			t.Fatalf("%s: result %s does not decode into %T: %v", method, c.Result, dst, err)
		}
	}
}

// appErr asserts an AppError answer: the HTTP status and error.status_code are status, error.id is id.
func (c callResult) appErr(t *testing.T, method string, status int, id string) {
	t.Helper()
	if c.Status != status || c.Error == nil || c.Error.StatusCode != status || c.Error.ID != id {
		t.Fatalf("%s: want status %d with error id %q, got %d: %s", method, status, id, c.Status, c.Raw)
	}
}

func (c callResult) isNull() bool {
	return len(bytes.TrimSpace(c.Result)) == 0 || string(bytes.TrimSpace(c.Result)) == "null"
}

// waitFor polls cond until it holds or the timeout passes.
func waitFor(timeout time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(timeout)
	for {
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// num reads a JSON-ish number (float64, int, int64, ...) as float64.
func num(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case float32:
		return float64(n), true
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	case int32:
		return float64(n), true
	case uint64:
		return float64(n), true
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	}
	return 0, false
}

// jsonEqual compares two values by their JSON form (numbers compare by value).
func jsonEqual(t *testing.T, a, b any) bool {
	t.Helper()
	norm := func(v any) any {
		data, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("marshal %#v: %v", v, err)
		}
		var out any
		if err := json.Unmarshal(data, &out); err != nil {
			t.Fatal(err)
		}
		return out
	}
	x, _ := json.Marshal(norm(a))
	y, _ := json.Marshal(norm(b))
	return bytes.Equal(x, y)
}
