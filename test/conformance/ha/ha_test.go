// Package ha runs the real Tripwire plugin on two nodes of one Mattermost cluster: two plugin Environments (each
// with its own plugins directory and plugin process) over one in-memory server (KV store, posts), with plugin
// cluster events forwarded between them as Mattermost's cluster does (PublishPluginClusterEvent on one node →
// OnPluginClusterEvent on the other). A separate test binary, like realplugin/: the real plugin may call any API.
package ha

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/mattermost/mattermost/server/public/plugin"

	"github.com/tripwire/test/conformance/host"
	"github.com/tripwire/test/conformance/host/hosttest"
	"github.com/tripwire/test/conformance/memapi"
)

// receiver records every delivery: per webhook-id, the x-webhook-attempt of each request, in order.
type receiver struct {
	srv      *httptest.Server
	mu       sync.Mutex
	attempts map[string][]int
	paths    map[string]int
	total    atomic.Int64
	delay    atomic.Int64 // ms before each answer
}

func startReceiver() *receiver {
	r := &receiver{attempts: map[string][]int{}, paths: map[string]int{}}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		n, _ := strconv.Atoi(req.Header.Get("x-webhook-attempt"))
		r.mu.Lock()
		id := req.Header.Get("webhook-id")
		r.attempts[id] = append(r.attempts[id], n)
		r.paths[req.URL.Path]++
		r.mu.Unlock()
		r.total.Add(1)
		time.Sleep(time.Duration(r.delay.Load()) * time.Millisecond)
		w.WriteHeader(http.StatusOK)
	}))
	return r
}

func (r *receiver) count(path string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.paths[path]
}

type node struct {
	name  string
	h     *host.Host
	hooks plugin.Hooks
}

type cluster struct {
	t     *testing.T
	srv   *memapi.Server
	f     *memapi.Fixtures
	nodes []*node
	token string // the channel admin's session
	mu    sync.Mutex
}

func startCluster(t *testing.T, names ...string) *cluster {
	t.Helper()
	manifest, exe := hosttest.RealPlugin(t)
	dir := hosttest.Scratch(t)
	c := &cluster{t: t, srv: memapi.NewServer()}
	c.f = memapi.Seed(c.srv)
	c.token = c.srv.AddSession(c.f.ChanAdmin.Id).Token
	// Loopback receivers need the admin's allowlist; the rate guardrail is lifted so 10,000 posts go at once.
	c.srv.SetPluginConfig(host.RealID, map[string]any{"AllowedHosts": "127.0.0.1/32", "RateLimitPerMinute": 1_000_000})
	c.srv.ForwardClusterEvents(func(from, pluginID string, ev model.PluginClusterEvent) {
		for _, n := range c.live() {
			if n.name != from {
				n.hooks.OnPluginClusterEvent(&plugin.Context{RequestId: model.NewId()}, ev)
			}
		}
	})
	for _, name := range names {
		nodeDir := filepath.Join(dir, name)
		if err := os.MkdirAll(nodeDir, 0o755); err != nil {
			t.Fatal(err)
		}
		h := hosttest.NewHost(t, nodeDir, c.srv, hosttest.Options{Node: name, DiagnosticsEnv: "TRIPWIRE_CONFORMANCE_VERBOSE"})
		hooks := hosttest.Activate(t, h, manifest, exe)
		c.mu.Lock()
		c.nodes = append(c.nodes, &node{name: name, h: h, hooks: hooks})
		c.mu.Unlock()
	}
	return c
}

func (c *cluster) live() []*node {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]*node(nil), c.nodes...)
}

// kill sends SIGKILL to a node's plugin process (no OnDeactivate, nothing flushed) and takes the node out.
func (c *cluster) kill(n *node) {
	c.t.Helper()
	pid := n.h.PID(host.RealID)
	if pid == 0 {
		c.t.Fatalf("no plugin process known on %s", n.name)
	}
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		c.t.Fatal(err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, m := range c.nodes {
		if m == n {
			c.nodes = append(c.nodes[:i], c.nodes[i+1:]...)
		}
	}
}

// call makes a REST call through a node's ServeHTTP, as the channel admin.
func (c *cluster) call(n *node, method, path string, body any, want int, out any) {
	c.t.Helper()
	var data []byte
	if body != nil {
		data, _ = json.Marshal(body)
	}
	req := httptest.NewRequest(method, "http://tripwire.test"+hosttest.APIBase+path, bytes.NewReader(data))
	req.RemoteAddr = "127.0.0.1:50000"
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("X-Requested-With", "XMLHttpRequest")
	rec := httptest.NewRecorder()
	n.h.ServeHTTP(rec, req)
	if rec.Code != want {
		c.t.Fatalf("%s %s on %s: %d, want %d: %s", method, path, n.name, rec.Code, want, rec.Body.String())
	}
	if out != nil {
		if err := json.Unmarshal(rec.Body.Bytes(), out); err != nil {
			c.t.Fatal(err)
		}
	}
}

// post stores a post in town-square and runs MessageHasBeenPosted on the node that took the request.
func (c *cluster) post(n *node, message string) {
	p, appErr := c.srv.InsertPost(&model.Post{UserId: c.f.Member.Id, ChannelId: c.f.Public.Id, Message: message})
	if appErr != nil {
		c.t.Error(appErr)
		return
	}
	n.hooks.MessageHasBeenPosted(&plugin.Context{RequestId: model.NewId(), IPAddress: "127.0.0.1"}, p)
}

// outbox describes what is left pending in the KV store (for a failure message). A finished delivery keeps its key,
// in its finished state, until it expires: only records still pending (or with a reply still to post) count.
func (c *cluster) outbox() string {
	indexed := map[string]bool{}
	var pending []string
	for _, k := range c.srv.KVKeys(host.RealID) {
		if strings.HasPrefix(k, "dx_pi_") {
			var ids []string
			_ = json.Unmarshal(c.srv.KVValue(host.RealID, k), &ids)
			for _, id := range ids {
				indexed[id] = true
			}
		} else if strings.HasPrefix(k, "dx_p_") {
			pending = append(pending, strings.TrimPrefix(k, "dx_p_"))
		}
	}
	var b strings.Builder
	for _, id := range pending {
		// The key may have been settled (deleted) since it was listed: then it is no longer pending.
		v := c.srv.KVValue(host.RealID, "dx_p_"+id)
		var record struct {
			State string `json:"state"`
			Reply *struct {
				State string `json:"state"`
			} `json:"reply"`
		}
		if len(v) == 0 || json.Unmarshal(v, &record) == nil && record.State != "pending" && (record.Reply == nil || record.Reply.State != "pending") {
			continue
		}
		fmt.Fprintf(&b, "\n  %s indexed=%v %s", id, indexed[id], v[:min(len(v), 200)])
	}
	return b.String()
}

func ruleSpec(c *cluster, url string) map[string]any {
	return map[string]any{
		"name":      "HA",
		"scope":     map[string]any{"kind": "channels", "teamId": c.f.Alpha.Id, "channelIds": []string{c.f.Public.Id}},
		"trigger":   map[string]any{"mode": "exact", "words": []string{"ship"}},
		"endpoints": []map[string]any{{"id": "main", "url": url, "payload": "compat", "timeout_ms": 5000}},
		"delivery":  map[string]any{"rate_per_rule_per_minute": 1_000_000},
	}
}

// acted posts on n every 20 ms until the receiver has a request on path; it returns how long that took.
func (c *cluster) acted(n *node, r *receiver, path string, limit time.Duration) time.Duration {
	c.t.Helper()
	start := time.Now()
	for r.count(path) == 0 {
		if time.Since(start) > limit {
			c.t.Fatalf("no delivery to %s from %s within %v of the rule change on the other node", path, n.name, limit)
		}
		c.post(n, "ship it")
		time.Sleep(20 * time.Millisecond)
	}
	return time.Since(start)
}

func TestTwoNodes(t *testing.T) {
	c := startCluster(t, "node-a", "node-b")
	a, b := c.nodes[0], c.nodes[1]
	r := startReceiver()
	defer r.srv.Close()

	// Rule changes on one node act on the other within a second (cluster event → cache invalidation).
	var rule struct {
		ID       string `json:"id"`
		Revision int    `json:"revision"`
	}
	c.call(a, http.MethodPost, "/rules", ruleSpec(c, r.srv.URL+"/v1"), http.StatusCreated, &rule)
	t.Logf("rule created on node-a; first delivery from node-b after %v", c.acted(b, r, "/v1", time.Second))
	update := map[string]any{"revision": rule.Revision, "rule": ruleSpec(c, r.srv.URL+"/v2")}
	c.call(b, http.MethodPut, "/rules/"+rule.ID, update, http.StatusOK, nil)
	t.Logf("rule changed on node-b; first delivery to the new URL from node-a after %v", c.acted(a, r, "/v2", time.Second))

	// 10,000 deliveries, posted on both nodes (four posters each). Node B is killed when about 3,000 have arrived.
	const total = 10_000
	warm := int(r.total.Load())
	var posted atomic.Int64
	var stopB atomic.Bool
	var posters sync.WaitGroup
	next := make(chan int, total)
	for i := 0; i < total; i++ {
		next <- i
	}
	close(next)
	for w := 0; w < 8; w++ {
		posters.Add(1)
		go func(w int) {
			defer posters.Done()
			for i := range next {
				n := a
				if w%2 == 1 && !stopB.Load() {
					n = b
				}
				c.post(n, fmt.Sprintf("ship build %d", i))
				posted.Add(1)
			}
		}(w)
	}
	started := time.Now()
	for r.total.Load()-int64(warm) < 3000 {
		time.Sleep(5 * time.Millisecond)
	}
	// The receiver slows down, so node B has requests in flight and more queued behind its endpoint's concurrency
	// limit. B's posters move to node A first (a hook cut off mid-call loses its post in Mattermost too), then B dies.
	r.delay.Store(1000)
	time.Sleep(300 * time.Millisecond)
	stopB.Store(true)
	time.Sleep(50 * time.Millisecond)
	c.kill(b)
	killedAt := time.Now()
	r.delay.Store(0)
	t.Logf("node-b killed after %v, %d requests received", killedAt.Sub(started), r.total.Load()-int64(warm))
	posters.Wait()

	// Node A finishes: its own deliveries, and node B's once B's heartbeat has lapsed (30 s) or its leases expire.
	deadline := time.Now().Add(90 * time.Second)
	for {
		r.mu.Lock()
		got := 0
		for id, as := range r.attempts {
			if id != "" && len(as) > 0 {
				got++
			}
		}
		r.mu.Unlock()
		if got-warm >= total {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d deliveries made 90 s after the kill; %d posts; outbox: %s", got-warm, total, c.srv.PostCount(), c.outbox())
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Logf("all %d delivered %v after the start, %v after the kill", total, time.Since(started), time.Since(killedAt))

	// Each made once; a resend only for what was in flight on node B (at most its concurrency limit, 8), and then
	// as a later attempt, so the receiver can tell.
	time.Sleep(500 * time.Millisecond)
	r.mu.Lock()
	defer r.mu.Unlock()
	resent := 0
	for id, as := range r.attempts {
		if len(as) == 1 {
			continue
		}
		resent++
		for i := 1; i < len(as); i++ {
			if as[i] <= as[i-1] {
				t.Errorf("webhook-id %s resent as x-webhook-attempt %v", id, as)
			}
		}
	}
	if resent > 8 {
		t.Errorf("%d deliveries were sent twice; only those in flight on the killed node (at most 8) may be", resent)
	}
	if resent == 0 {
		t.Errorf("nothing was resent: node-b had no request in flight when it was killed, so the test proved nothing")
	}
	t.Logf("%d resent after the kill (in flight on node-b)", resent)
}

// TestBurst: 10,000 matching posts in 10 s through MessageHasBeenPosted on one node. None is lost, the outbox
// drains, and the plugin's memory stays bounded (its RSS is sampled throughout and reported). How fast the hook took
// them is logged, not asserted: it is the machine's speed as much as the plugin's (a CI run with other test packages
// beside it took 16.6 s), and speed goals live in make bench and make bench-e2e.
func TestBurst(t *testing.T) {
	c := startCluster(t, "node-a")
	a := c.nodes[0]
	r := startReceiver()
	defer r.srv.Close()
	var rule struct {
		ID string `json:"id"`
	}
	c.call(a, http.MethodPost, "/rules", ruleSpec(c, r.srv.URL+"/burst"), http.StatusCreated, &rule)

	pid := a.h.PID(host.RealID)
	rss0, _, _ := host.MemoryKB(pid)
	var peak atomic.Int64
	stopSampling := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		for {
			if kb, _, err := host.MemoryKB(pid); err == nil && int64(kb) > peak.Load() {
				peak.Store(int64(kb))
			}
			select {
			case <-stopSampling:
				return
			case <-time.After(100 * time.Millisecond):
			}
		}
	}()

	// Eight posters, each paced to 125 posts a second: 10,000 in 10 s if the hook keeps up.
	const total, posters = 10_000, 8
	start := time.Now()
	var wg sync.WaitGroup
	for w := 0; w < posters; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < total/posters; i++ {
				if wait := time.Until(start.Add(time.Duration(i) * 8 * time.Millisecond)); wait > 0 {
					time.Sleep(wait)
				}
				c.post(a, fmt.Sprintf("ship burst %d-%d", w, i))
			}
		}(w)
	}
	wg.Wait()
	postedIn := time.Since(start)
	for r.count("/burst") < total {
		if time.Since(start) > 90*time.Second {
			t.Fatalf("%d of %d delivered after 90 s; outbox: %s", r.count("/burst"), total, c.outbox())
		}
		time.Sleep(50 * time.Millisecond)
	}
	deliveredIn := time.Since(start)
	// The outbox drains: nothing pending is left once the last settle has been written.
	for c.outbox() != "" {
		if time.Since(start) > 100*time.Second {
			t.Fatalf("outbox not drained: %s", c.outbox())
		}
		time.Sleep(50 * time.Millisecond)
	}
	close(stopSampling)
	<-sampled
	rssEnd, _, _ := host.MemoryKB(pid)

	r.mu.Lock()
	ids, dupes := len(r.attempts), 0
	for _, as := range r.attempts {
		dupes += len(as) - 1
	}
	r.mu.Unlock()
	if ids != total || dupes != 0 {
		t.Errorf("%d distinct deliveries with %d repeats, want %d and 0", ids, dupes, total)
	}
	t.Logf("posted %d in %v, all delivered after %v; plugin RSS %d MiB before, peak %d MiB, %d MiB after", total, postedIn.Round(time.Millisecond), deliveredIn.Round(time.Millisecond), rss0/1024, peak.Load()/1024, rssEnd/1024)
	if peak.Load() > 512*1024 {
		t.Errorf("plugin RSS peaked at %d MiB during the burst", peak.Load()/1024)
	}
}
