package exposure

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"net/url"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/tripwire/test/conformance/host"
)

// routeTable is common/src/api.ts's route table, as test/demo/routes.mjs prints it.
type routeTable struct {
	APIBase     string           `json:"api_base"`
	PluginRoute string           `json:"plugin_route"`
	Routes      map[string]route `json:"routes"`
	Integration map[string]route `json:"integration"`
}

type route struct {
	Method string `json:"method"`
	Path   string `json:"path"`
	Status int    `json:"status"`
	Access string `json:"access"`
}

func loadRoutes(root string) (*routeTable, error) {
	cmd := exec.Command("node", filepath.Join(root, "test", "demo", "routes.mjs"))
	cmd.Dir = root
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("node test/demo/routes.mjs: %v\n%s", err, stderr.String())
	}
	var t routeTable
	if err := json.Unmarshal(out, &t); err != nil {
		return nil, fmt.Errorf("route table: %w", err)
	}
	return &t, nil
}

// actor is a logged-in user.
type actor struct {
	name  string
	user  *model.User
	token string // session token ("" = no session)
}

// client calls the plugin through the host's HTTP front (what ServePluginRequest does), in process, and records
// every answer as a sink.
type client struct {
	h      *host.Host
	routes *routeTable
	sinks  *sinks

	mu     sync.Mutex
	called map[string]bool // route names called at least once
	seen   []string        // "<label> → <status>", in order
}

// answer is one HTTP answer.
type answer struct {
	status int
	body   []byte
}

func (a answer) json(out any) error { return json.Unmarshal(a.body, out) }

var paramRe = regexp.MustCompile(`:([A-Za-z]+)`)

// call sends one API request by route name as who; body (when not nil) is sent as JSON.
func (c *client) call(who actor, name string, params map[string]string, query url.Values, body any) answer {
	r, ok := c.routes.Routes[name]
	if !ok {
		panic("the route table (common/src/api.ts) has no route " + name)
	}
	p := paramRe.ReplaceAllStringFunc(r.Path, func(m string) string { return url.PathEscape(params[m[1:]]) })
	target := c.routes.PluginRoute + c.routes.APIBase + p
	if len(query) > 0 {
		target += "?" + query.Encode()
	}
	c.mu.Lock()
	c.called[name] = true
	c.mu.Unlock()
	var data []byte
	if body != nil {
		var err error
		if data, err = json.Marshal(body); err != nil {
			panic(err)
		}
	}
	return c.do(fmt.Sprintf("api %s as %s", name, who.name), who, r.Method, target, "application/json", data)
}

// raw sends a request to a path under the plugin route (integration routes, openapi.json).
func (c *client) raw(label string, who actor, method, path, contentType string, body []byte) answer {
	return c.do(label, who, method, c.routes.PluginRoute+path, contentType, body)
}

func (c *client) do(label string, who actor, method, target, contentType string, body []byte) answer {
	req := httptest.NewRequest(method, "http://tripwire.test"+target, bytes.NewReader(body))
	req.RemoteAddr = "127.0.0.1:50000"
	if body != nil && contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if who.token != "" {
		req.Header.Set("Authorization", "Bearer "+who.token)
		req.Header.Set("X-Requested-With", "XMLHttpRequest")
	}
	rec := httptest.NewRecorder()
	c.h.ServeHTTP(rec, req)
	res := rec.Result()
	a := answer{status: res.StatusCode, body: rec.Body.Bytes()}
	c.mu.Lock()
	seen := fmt.Sprintf("%s → %d", label, a.status)
	if a.status >= 400 {
		seen += " " + excerpt(a.body)
	}
	c.seen = append(c.seen, seen)
	c.mu.Unlock()
	c.sinks.add(fmt.Sprintf("%s (%s %s → %d)", label, method, target, a.status), headerText(res.Header)+"\n"+string(a.body))
	return a
}

// summary lists the distinct "<label> → <status>" of the calls made (what the story exercised, for the log).
func (c *client) summary() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	seen := map[string]bool{}
	var out []string
	for _, l := range c.seen {
		if !seen[l] {
			seen[l] = true
			out = append(out, l)
		}
	}
	sort.Strings(out)
	return strings.Join(out, "\n")
}

// uncalled lists the routes of the table never called.
func (c *client) uncalled() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for name := range c.routes.Routes {
		if !c.called[name] {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

func excerpt(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 300 {
		return s[:300] + "…"
	}
	return s
}
