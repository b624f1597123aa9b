package exposure

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// received is one request a receiver got, with the story's phase at that time.
type received struct {
	phase  int
	method string
	path   string
	query  string
	header http.Header
	body   string
}

// receiver is a local external service on its own origin (127.0.0.1:<port>). /fail answers 500 echoing every
// header and the body it got, the way a careless service's error page does; anything else answers 200 with a short
// JSON reply.
type receiver struct {
	name  string
	srv   *httptest.Server
	phase *atomic.Int32

	mu   sync.Mutex
	reqs []received
}

func startReceiver(name string, phase *atomic.Int32) *receiver {
	r := &receiver{name: name, phase: phase}
	r.srv = httptest.NewServer(http.HandlerFunc(r.serve))
	return r
}

func (r *receiver) serve(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(req.Body, 1<<20))
	rec := received{phase: int(r.phase.Load()), method: req.Method, path: req.URL.Path, query: req.URL.RawQuery, header: req.Header.Clone(), body: string(body)}
	r.mu.Lock()
	r.reqs = append(r.reqs, rec)
	r.mu.Unlock()
	if req.URL.Path == "/fail" {
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(http.StatusInternalServerError)
		fmt.Fprintf(w, "upstream exploded; you sent:\n%s\nbody: %s\n", headerText(req.Header), body)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"text": "%s received it"}`, r.name)
}

func (r *receiver) URL() string { return r.srv.URL }

// Origin is host:port, as it appears in URLs and messages.
func (r *receiver) Origin() string { return strings.TrimPrefix(r.srv.URL, "http://") }

func (r *receiver) requests() []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]received(nil), r.reqs...)
}

// waitFor polls until pred holds over the requests so far, or the timeout passes.
func (r *receiver) waitFor(timeout time.Duration, pred func([]received) bool) ([]received, bool) {
	deadline := time.Now().Add(timeout)
	for {
		reqs := r.requests()
		if pred(reqs) {
			return reqs, true
		}
		if time.Now().After(deadline) {
			return reqs, false
		}
		time.Sleep(25 * time.Millisecond)
	}
}

func (r *receiver) close() { r.srv.Close() }

// sinks labels each request "receiver <name> phase<N> <path> header|url|body (<which post>)"; posts names the
// story's trigger posts by id.
func (r *receiver) sinks(s *sinks, posts map[string]string) {
	for _, q := range r.requests() {
		prefix := fmt.Sprintf("receiver %s phase%d %s ", r.name, q.phase, q.path)
		suffix := " (" + q.about(posts) + ")"
		s.add(prefix+"header"+suffix, headerText(q.header))
		s.add(prefix+"url"+suffix, q.path+"?"+q.query)
		s.add(prefix+"body"+suffix, q.body)
	}
}

// about names the trigger post a request is about (its body holds the post id), or "other" (bench deliveries).
func (q received) about(posts map[string]string) string {
	for id, name := range posts {
		if strings.Contains(q.body, id) {
			return name
		}
	}
	return "other"
}

func headerText(h http.Header) string {
	names := make([]string, 0, len(h))
	for n := range h {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, n := range names {
		for _, v := range h[n] {
			fmt.Fprintf(&b, "%s: %s\n", n, v)
		}
	}
	return b.String()
}

// signedWith reports whether a request carries a Standard Webhooks signature (v1, HMAC-SHA256 over
// "<id>.<timestamp>.<body>") made with key.
func signedWith(q received, key []byte) bool {
	id, ts := q.header.Get("Webhook-Id"), q.header.Get("Webhook-Timestamp")
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(id + "." + ts + "." + q.body))
	want := "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil))
	for _, sig := range strings.Fields(q.header.Get("Webhook-Signature")) {
		if hmac.Equal([]byte(sig), []byte(want)) {
			return true
		}
	}
	return false
}
