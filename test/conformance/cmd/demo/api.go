package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"

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

// loadRoutes starts `node test/demo/routes.mjs` now and returns a function waiting for the table. The process is
// started before returning, so it is never mistaken for the plugin process the host notes during Activate.
func loadRoutes(root string) func() (*routeTable, error) {
	cmd := exec.Command("node", filepath.Join(root, "test", "demo", "routes.mjs"))
	cmd.Dir = root
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		return func() (*routeTable, error) {
			return nil, fmt.Errorf("reading the route table (node test/demo/routes.mjs): %w", err)
		}
	}
	return func() (*routeTable, error) {
		if err := cmd.Wait(); err != nil {
			return nil, fmt.Errorf("reading the route table (node test/demo/routes.mjs): %v\n%s", err, stderr.String())
		}
		var t routeTable
		if err := json.Unmarshal(stdout.Bytes(), &t); err != nil {
			return nil, fmt.Errorf("route table: %w", err)
		}
		return &t, nil
	}
}

// apiClient calls the plugin's REST API through the host's HTTP front (what the server's ServePluginRequest does:
// Bearer session → Mattermost-User-Id, then the plugin's ServeHTTP hook), in process: no port is opened.
type apiClient struct {
	h      *host.Host
	routes *routeTable
	token  string // the acting user's session token
}

// as returns a client acting as another user (session token).
func (c *apiClient) as(token string) *apiClient {
	cp := *c
	cp.token = token
	return &cp
}

// apiError is a call that did not answer the route's success status.
type apiError struct {
	Route  string
	Method string
	Path   string
	Status int
	Body   string
}

func (e *apiError) Error() string {
	body := e.Body
	// express's own 404 page: the plugin has no handler for the route.
	if m := preRe.FindStringSubmatch(body); m != nil {
		body = m[1] + " — the plugin does not serve this route"
	}
	return fmt.Sprintf("%s %s (%s) answered %d: %s", e.Method, e.Path, e.Route, e.Status, excerpt(body, 300))
}

var preRe = regexp.MustCompile(`(?s)<pre>(.*?)</pre>`)

var paramRe = regexp.MustCompile(`:([A-Za-z]+)`)

// path renders a route's path under /plugins/<id>/api/v1 with its parameters.
func (c *apiClient) path(name string, params map[string]string) (route, string, error) {
	r, ok := c.routes.Routes[name]
	if !ok {
		return r, "", fmt.Errorf("the route table (common/src/api.ts) has no route %q", name)
	}
	var missing error
	p := paramRe.ReplaceAllStringFunc(r.Path, func(m string) string {
		v, ok := params[m[1:]]
		if !ok {
			missing = fmt.Errorf("route %s: missing path parameter %s", name, m[1:])
		}
		return url.PathEscape(v)
	})
	return r, c.routes.PluginRoute + c.routes.APIBase + p, missing
}

// call sends one request by route name; body (when not nil) is sent as JSON; out (when not nil) receives the JSON
// answer. A status other than the route's success status is an *apiError.
func (c *apiClient) call(name string, params map[string]string, query url.Values, body, out any) (string, error) {
	r, p, err := c.path(name, params)
	if err != nil {
		return "", err
	}
	target := p
	if len(query) > 0 {
		target += "?" + query.Encode()
	}
	var reader *bytes.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			return "", err
		}
		reader = bytes.NewReader(data)
	} else {
		reader = bytes.NewReader(nil)
	}
	req := httptest.NewRequest(r.Method, "http://tripwire.test"+target, reader)
	req.RemoteAddr = "127.0.0.1:50000"
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("X-Requested-With", "XMLHttpRequest")
	rec := httptest.NewRecorder()
	c.h.ServeHTTP(rec, req)
	res := rec.Result()
	data := rec.Body.Bytes()
	desc := fmt.Sprintf("%s %s → %d", r.Method, p, res.StatusCode)
	want := r.Status
	if want == 0 {
		want = http.StatusOK
	}
	if res.StatusCode != want {
		return desc, &apiError{Route: name, Method: r.Method, Path: p, Status: res.StatusCode, Body: strings.TrimSpace(string(data))}
	}
	if out != nil && len(data) > 0 {
		if err := json.Unmarshal(data, out); err != nil {
			return desc, fmt.Errorf("%s: answer is not the expected JSON: %w (%s)", desc, err, excerpt(string(data), 200))
		}
	}
	return desc, nil
}
