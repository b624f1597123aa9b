package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// receiver runs test/demo/receiver.mjs, the demo's external service, and collects the request lines it prints.
type receiver struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	URL   string

	mu       sync.Mutex
	requests []request
	changed  chan struct{} // closed and replaced on every new request
	stderr   strings.Builder
}

// request is one line the receiver logged for a request it answered.
type request struct {
	At               int64    `json:"at"`
	Method           string   `json:"method"`
	Path             string   `json:"path"`
	WebhookID        string   `json:"webhook_id"`
	WebhookTimestamp string   `json:"webhook_timestamp"`
	Attempt          int      `json:"attempt"`
	Signature        string   `json:"signature"`
	ContentType      string   `json:"content_type"`
	UserAgent        string   `json:"user_agent"`
	BodyBytes        int      `json:"body_bytes"`
	BodyKeys         []string `json:"body_keys"`
	BodyExcerpt      string   `json:"body_excerpt"`
	Fields           *struct {
		PostID      string            `json:"post_id"`
		ChannelName string            `json:"channel_name"`
		UserName    string            `json:"user_name"`
		Text        string            `json:"text"`
		TriggerWord string            `json:"trigger_word"`
		Groups      map[string]string `json:"groups"`
		EventType   string            `json:"event_type"`
		Context     map[string]any    `json:"context"`
	} `json:"fields"`
	Status       int    `json:"status"`
	ReplyExcerpt string `json:"reply_excerpt"`
}

func (r request) postID() string {
	if r.Fields == nil {
		return ""
	}
	return r.Fields.PostID
}

func startReceiver(root, secret string) (*receiver, error) {
	cmd := exec.Command("node", filepath.Join(root, "test", "demo", "receiver.mjs"))
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "DEMO_SIGNING_SECRET="+secret)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	r := &receiver{cmd: cmd, stdin: stdin, changed: make(chan struct{})}
	cmd.Stderr = &lockedWriter{mu: &r.mu, b: &r.stderr}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting the demo service (node test/demo/receiver.mjs): %w", err)
	}
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			var line struct {
				Event string `json:"event"`
				URL   string `json:"url"`
			}
			if json.Unmarshal(sc.Bytes(), &line) != nil {
				continue
			}
			switch line.Event {
			case "listening":
				ready <- line.URL
			case "request":
				var req request
				if json.Unmarshal(sc.Bytes(), &req) == nil {
					r.mu.Lock()
					r.requests = append(r.requests, req)
					close(r.changed)
					r.changed = make(chan struct{})
					r.mu.Unlock()
				}
			}
		}
		close(ready)
	}()
	select {
	case url, ok := <-ready:
		if !ok || url == "" {
			r.stop()
			return nil, fmt.Errorf("the demo service exited before listening: %s", r.stderrText())
		}
		r.URL = url
		return r, nil
	case <-time.After(15 * time.Second):
		r.stop()
		return nil, errors.New("the demo service did not start listening within 15 s: " + r.stderrText())
	}
}

func (r *receiver) stderrText() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.TrimSpace(r.stderr.String())
}

// Requests returns the requests answered so far.
func (r *receiver) Requests() []request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]request(nil), r.requests...)
}

// waitFor waits until pred holds over the requests so far, or the deadline passes; it returns the last snapshot.
func (r *receiver) waitFor(timeout time.Duration, pred func([]request) bool) ([]request, bool) {
	deadline := time.After(timeout)
	for {
		r.mu.Lock()
		reqs := append([]request(nil), r.requests...)
		changed := r.changed
		r.mu.Unlock()
		if pred(reqs) {
			return reqs, true
		}
		select {
		case <-changed:
		case <-deadline:
			return reqs, false
		}
	}
}

// stop closes the service's stdin (it exits on EOF) and waits for it, killing it after a second.
func (r *receiver) stop() {
	if r.cmd.Process == nil {
		return
	}
	_ = r.stdin.Close()
	done := make(chan struct{})
	go func() { _ = r.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(time.Second):
		_ = r.cmd.Process.Kill()
		<-done
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	b  *strings.Builder
}

func (w *lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}
