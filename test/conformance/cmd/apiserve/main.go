// Command apiserve serves the real plugin's HTTP surface on 127.0.0.1 for API fuzzing (`make fuzz-api`, which runs
// schemathesis against it). Mattermost's own plugin host code (package host) runs server/dist/plugin.js over the
// in-memory Mattermost with the standard fixtures (memapi.Seed); an HTTP server on a random loopback port forwards
// /plugins/* to the plugin the way Mattermost's ServePluginRequest does (Authorization: Bearer <session token>).
//
// It seeds a few rules (so real ids exist), an inbound URL, a delivery with its response_url, ids that outlived what
// they name (rules of an archived and of a deleted channel, a deleted rule, their inbound URLs), then prints ONE line of
// JSON on stdout: {"url", "tokens": {role: session token}, "ids": {...}}. It stops by itself after -for (default
// 6 minutes, a bound for CI), on SIGINT/SIGTERM, or when its standard input closes; the host's log (with the plugin's
// stderr) goes to -log.
//
//	TRIPWIRE_REAL_PLUGIN_EXECUTABLE=path   run that executable instead of node server/dist/plugin.js
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"sync"
	"syscall"
	"time"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/mattermost/mattermost/server/public/plugin"

	"github.com/tripwire/test/conformance/host"
	"github.com/tripwire/test/conformance/memapi"
)

const (
	pluginID = host.RealID
	apiBase  = "/plugins/" + pluginID + "/api/v1"
)

func main() {
	lifetime := flag.Duration("for", 6*time.Minute, "stop by itself after this long")
	logPath := flag.String("log", "", "write the host's log (with the plugin's stderr) here on exit")
	flag.Parse()
	if err := run(*lifetime, *logPath); err != nil {
		fmt.Fprintln(os.Stderr, "apiserve:", err)
		os.Exit(1)
	}
}

// info is what the fuzzer needs: where to send requests, as whom, and ids that exist.
type info struct {
	URL    string            `json:"url"`
	Tokens map[string]string `json:"tokens"`
	IDs    map[string]string `json:"ids"`
}

func run(lifetime time.Duration, logPath string) error {
	root, err := host.RepoRoot()
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "tripwire-apiserve-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	tmp, err := host.SocketDir(dir)
	if err != nil {
		return err
	}
	os.Setenv("TMPDIR", tmp)

	// Deliveries go to a sink on loopback (allowed by the guardrail below), never off the machine.
	sink := newSink()
	defer sink.Close()

	srv := memapi.NewServer()
	f := memapi.Seed(srv)
	srv.SetPluginConfig(pluginID, map[string]any{"AllowedHosts": "127.0.0.1/32", "EnableDirectMessageRules": true})

	h, err := host.New(dir, srv)
	if err != nil {
		return err
	}
	defer func() {
		h.Close()
		if logPath != "" {
			_ = os.MkdirAll(filepath.Dir(logPath), 0o755)
			_ = os.WriteFile(logPath, []byte(h.Diagnostics()), 0o644)
		}
	}()
	manifest, err := host.RealManifest(root)
	if err != nil {
		return err
	}
	if err := h.Install(manifest, host.RealExecutable(root)); err != nil {
		return err
	}
	// PUT /admin/guardrails saves the plugin settings; the server then runs the plugin's OnConfigurationChange.
	srv.OnPluginConfigSaved(func(id string) {
		if hooks, err := h.Env.HooksForPlugin(id); err == nil {
			_ = hooks.OnConfigurationChange()
		}
	})
	if _, err := h.Activate(pluginID); err != nil {
		return fmt.Errorf("activating the plugin: %w\n%s", err, h.Diagnostics())
	}

	sessions := map[string]*model.Session{
		"system_admin":   srv.AddSession(f.SysAdmin.Id),
		"team_admin":     srv.AddSession(f.TeamAdmin.Id),
		"channel_admin":  srv.AddSession(f.ChanAdmin.Id),
		"channel_member": f.MemberSession,
		"guest":          srv.AddSession(f.Guest.Id),
		"non_member":     srv.AddSession(f.Outsider.Id),
	}
	out := info{Tokens: map[string]string{}, IDs: map[string]string{
		"teamId": f.Alpha.Id, "channelId": f.Public.Id, "privateChannelId": f.Private.Id, "dmChannelId": f.DM.Id,
	}}
	for role, s := range sessions {
		out.Tokens[role] = s.Token
	}
	if err := seed(h, srv, f, sessions, sink, out.IDs); err != nil {
		return fmt.Errorf("seeding: %w\n%s", err, h.Diagnostics())
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.Handle("/plugins/", h)
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = hs.Serve(ln) }()
	defer hs.Close()

	out.URL = "http://" + ln.Addr().String() + "/plugins/" + pluginID
	line, _ := json.Marshal(out)
	fmt.Println(string(line))

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	stdinClosed := make(chan struct{})
	go func() { _, _ = io.Copy(io.Discard, os.Stdin); close(stdinClosed) }()
	select {
	case <-stop:
	case <-stdinClosed:
	case <-time.After(lifetime):
		fmt.Fprintf(os.Stderr, "apiserve: stopping after %s\n", lifetime)
	}
	return nil
}

// seed creates what the fuzzer's path parameters should hit: a channel rule (channel admin) with a signing secret,
// an inbound URL and one delivery (with its response_url token), a team rule (team admin) and a personal rule.
func seed(h *host.Host, srv *memapi.Server, f *memapi.Fixtures, s map[string]*model.Session, sink *sink, ids map[string]string) error {
	call := func(role, method, path string, body any, out any) error {
		return apiCall(h, s[role].Token, method, path, body, out)
	}
	var rule struct {
		ID        string `json:"id"`
		Endpoints []struct {
			ID string `json:"id"`
		} `json:"endpoints"`
	}
	err := call("channel_admin", "POST", "/rules", map[string]any{
		"name":      "Fuzz channel rule",
		"scope":     map[string]any{"kind": "channels", "teamId": f.Alpha.Id, "channelIds": []string{f.Public.Id}},
		"trigger":   map[string]any{"mode": "exact", "words": []string{"fuzz"}, "ignoreCase": true},
		"endpoints": []map[string]any{{"id": "sink", "url": sink.URL + "/hook", "payload": "rich", "timeout_ms": 2000}},
	}, &rule)
	if err != nil {
		return err
	}
	ids["ruleId"], ids["endpointId"] = rule.ID, rule.Endpoints[0].ID
	if err := call("channel_admin", "PUT", "/rules/"+rule.ID+"/endpoints/"+rule.Endpoints[0].ID+"/secret", map[string]any{}, nil); err != nil {
		return err
	}
	var inbound struct {
		URL string `json:"url"`
	}
	if err := call("channel_admin", "POST", "/rules/"+rule.ID+"/inbound", nil, &inbound); err != nil {
		return err
	}
	if m := inboundRe.FindStringSubmatch(inbound.URL); m != nil {
		ids["inboundToken"] = m[1]
	}

	var team struct {
		ID string `json:"id"`
	}
	if err := call("team_admin", "POST", "/rules", map[string]any{
		"name":      "Fuzz team rule",
		"scope":     map[string]any{"kind": "team", "teamId": f.Alpha.Id},
		"trigger":   map[string]any{"mode": "exact", "words": []string{"teamfuzz"}},
		"endpoints": []map[string]any{{"id": "sink", "url": sink.URL + "/team", "payload": "compat"}},
	}, &team); err != nil {
		return err
	}
	ids["teamRuleId"] = team.ID
	// A personal rule needs the system admin's allowance; when refused the fuzzer simply has no id for it.
	var personal struct {
		ID string `json:"id"`
	}
	if err := call("channel_member", "POST", "/rules", map[string]any{
		"name":      "Fuzz personal rule",
		"scope":     map[string]any{"kind": "direct"},
		"trigger":   map[string]any{"mode": "exact", "words": []string{"dmfuzz"}},
		"endpoints": []map[string]any{{"id": "sink", "url": sink.URL + "/dm", "payload": "rich"}},
	}, &personal); err == nil {
		ids["personalRuleId"] = personal.ID
	} else {
		fmt.Fprintln(os.Stderr, "apiserve: no personal rule:", err)
	}

	if err := seedStale(h, srv, f, s, sink, ids); err != nil {
		return err
	}

	// One delivery: a member's post trips the channel rule; the sink sees its response_url.
	p, appErr := srv.InsertPost(&model.Post{UserId: f.Member.Id, ChannelId: f.Public.Id, Message: "fuzz please"})
	if appErr != nil {
		return appErr
	}
	ctx := &plugin.Context{RequestId: model.NewId(), SessionId: s["channel_member"].Id, IPAddress: "127.0.0.1"}
	h.Env.RunMultiPluginHook(func(hooks plugin.Hooks, _ *model.Manifest) bool {
		hooks.MessageHasBeenPosted(ctx, p)
		return true
	}, plugin.MessageHasBeenPostedID)
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		var page struct {
			Entries []struct {
				ID         string `json:"id"`
				DeliveryID string `json:"delivery_id"`
			} `json:"entries"`
		}
		if err := call("channel_admin", "GET", "/rules/"+rule.ID+"/deliveries", nil, &page); err == nil && len(page.Entries) > 0 {
			ids["deliveryId"] = firstNonEmpty(page.Entries[0].DeliveryID, page.Entries[0].ID)
			if tok := sink.responseToken(); tok != "" {
				ids["responseToken"] = tok
				break
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	if ids["deliveryId"] == "" || ids["responseToken"] == "" {
		fmt.Fprintln(os.Stderr, "apiserve: the seeded delivery or its response_url did not show up; fuzzing without them")
	}
	return nil
}

// seedStale leaves ids that outlived what they name: a rule (with its inbound URL) whose channel was archived,
// one whose channel was deleted for good, and a deleted rule with its old inbound URL. Such input must get a
// clear 4xx, never a 5xx.
func seedStale(h *host.Host, srv *memapi.Server, f *memapi.Fixtures, s map[string]*model.Session, sink *sink, ids map[string]string) error {
	ruleWithInbound := func(channelID, name string) (ruleID, token string, err error) {
		var rule struct {
			ID string `json:"id"`
		}
		if err = apiCall(h, s["channel_admin"].Token, "POST", "/rules", map[string]any{
			"name":      name,
			"scope":     map[string]any{"kind": "channels", "teamId": f.Alpha.Id, "channelIds": []string{channelID}},
			"trigger":   map[string]any{"mode": "exact", "words": []string{"stale"}},
			"endpoints": []map[string]any{{"id": "sink", "url": sink.URL + "/stale", "payload": "rich"}},
		}, &rule); err != nil {
			return "", "", err
		}
		var inbound struct {
			URL string `json:"url"`
		}
		if err = apiCall(h, s["channel_admin"].Token, "POST", "/rules/"+rule.ID+"/inbound", nil, &inbound); err != nil {
			return "", "", err
		}
		if m := inboundRe.FindStringSubmatch(inbound.URL); m != nil {
			token = m[1]
		}
		return rule.ID, token, nil
	}
	room := func(name string) *model.Channel {
		c := srv.AddChannel(&model.Channel{TeamId: f.Alpha.Id, Name: name, DisplayName: name, Type: model.ChannelTypeOpen})
		srv.AddChannelMember(c.Id, f.ChanAdmin.Id, memapi.ChannelAdmin)
		srv.AddChannelMember(c.Id, f.Member.Id, memapi.ChannelUser)
		return c
	}
	var err error

	archived := room("archived-room")
	if ids["archivedRuleId"], ids["archivedInboundToken"], err = ruleWithInbound(archived.Id, "Fuzz rule of an archived channel"); err != nil {
		return err
	}
	archived.DeleteAt = time.Now().UnixMilli()
	srv.AddChannel(archived) // same id: replaces it
	ids["archivedChannelId"] = archived.Id

	gone := room("gone-room")
	if ids["orphanRuleId"], ids["orphanInboundToken"], err = ruleWithInbound(gone.Id, "Fuzz rule of a deleted channel"); err != nil {
		return err
	}
	srv.PurgeChannel(gone.Id)
	ids["goneChannelId"] = gone.Id

	if ids["deletedRuleId"], ids["deletedInboundToken"], err = ruleWithInbound(f.Public.Id, "Fuzz deleted rule"); err != nil {
		return err
	}
	return apiCall(h, s["channel_admin"].Token, "DELETE", "/rules/"+ids["deletedRuleId"], nil, nil)
}

var inboundRe = regexp.MustCompile(`/in/([^/?#]+)`)

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// apiCall sends one REST request through the host's HTTP front, in process, and fails on a non-2xx answer.
func apiCall(h *host.Host, token, method, path string, body, out any) error {
	var data []byte
	if body != nil {
		data, _ = json.Marshal(body)
	}
	req := httptest.NewRequest(method, "http://tripwire.test"+apiBase+path, bytes.NewReader(data))
	req.RemoteAddr = "127.0.0.1:50000"
	req.Header.Set("Authorization", "Bearer "+token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code >= 300 {
		return fmt.Errorf("%s %s answered %d: %s", method, path, rec.Code, rec.Body.String())
	}
	if out != nil && rec.Body.Len() > 0 {
		return json.Unmarshal(rec.Body.Bytes(), out)
	}
	return nil
}

// sink is the rules' endpoint: it answers every request 200 with an empty JSON object and remembers the last
// response_url token it saw.
type sink struct {
	*httptest.Server
	mu    sync.Mutex
	token string
}

var responseURLRe = regexp.MustCompile(`/r/([A-Za-z0-9_\-.~%]+)`)

func newSink() *sink {
	s := &sink{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if m := responseURLRe.FindSubmatch(body); m != nil {
			s.mu.Lock()
			s.token = string(m[1])
			s.mu.Unlock()
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte("{}"))
	}))
	return s
}

func (s *sink) responseToken() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.token
}
