package conformance

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"
)

// hostForwardsFlush tells whether the host's response-writer RPC server has Flush: the public module of
// Mattermost 11.1 (v0.1.21) has not, that of 11.4 (v0.1.22) has.
func hostForwardsFlush() bool {
	var major, minor int
	if _, err := fmt.Sscanf(model.CurrentVersion, "%d.%d", &major, &minor); err != nil {
		return true
	}
	return major > 11 || (major == 11 && minor >= 4)
}

func TestServeHTTP(t *testing.T) {
	e := newEnv(t, envOptions{})

	t.Run("whoami gets the authenticated user from the server", func(t *testing.T) {
		for _, tc := range []struct {
			name   string
			header map[string]string
			want   string
		}{
			{"bearer token", map[string]string{"Authorization": "Bearer " + e.fx.MemberSession.Token}, e.fx.Member.Id},
			{"anonymous", nil, ""},
			{"spoofed header is dropped", map[string]string{"Mattermost-User-Id": e.fx.SysAdmin.Id}, ""},
			{"invalid token", map[string]string{"Authorization": "Bearer " + model.NewId()}, ""},
		} {
			res := e.do(http.MethodGet, "/whoami", nil, tc.header)
			var body struct {
				UserID *string `json:"user_id"`
			}
			if res.Status != http.StatusOK || json.Unmarshal(res.Body, &body) != nil || body.UserID == nil || *body.UserID != tc.want {
				t.Errorf("%s: GET /whoami = %d %s, want 200 {\"user_id\":%q}", tc.name, res.Status, res.Body, tc.want)
			}
		}
	})

	t.Run("upload of 1 MiB is read whole", func(t *testing.T) {
		data := make([]byte, 1<<20)
		if _, err := rand.Read(data); err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(data)
		res := e.do(http.MethodPost, "/upload", bytes.NewReader(data), map[string]string{"Content-Type": "application/octet-stream"})
		var body struct {
			Bytes  int64  `json:"bytes"`
			SHA256 string `json:"sha256"`
		}
		if res.Status != http.StatusOK || json.Unmarshal(res.Body, &body) != nil {
			t.Fatalf("POST /upload = %d %s", res.Status, res.Body)
		}
		if body.Bytes != int64(len(data)) || body.SHA256 != hex.EncodeToString(sum[:]) {
			t.Fatalf("POST /upload = %+v, want %d bytes with sha256 %x", body, len(data), sum)
		}
	})

	t.Run("stream flushes each chunk as it is written", func(t *testing.T) {
		// Lockstep: the plugin writes chunk i+1 only after this client acknowledged chunk i (GET /stream/ack). If
		// anything on the way (the plugin's response writer, the runtime, the host) buffered the response, no chunk
		// could be acknowledged and the plugin would end the response short after 10 s. No timing is measured.
		const chunks, size = 5, 1000
		flushing := hostForwardsFlush()
		query := fmt.Sprintf("chunks=%d&size=%d", chunks, size)
		if flushing {
			query += "&lockstep=" + model.NewId()
		}
		req, _ := http.NewRequest(http.MethodGet, fmt.Sprintf("%s/plugins/%s/stream?%s", e.http.URL, e.id, query), nil)
		res, err := e.http.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		if res.StatusCode != http.StatusOK {
			b, _ := io.ReadAll(res.Body)
			t.Fatalf("GET /stream = %d %s", res.StatusCode, b)
		}
		acked := 0
		buf := make([]byte, 4096)
		var total int
		for {
			n, err := res.Body.Read(buf)
			for i := 0; i < n; i++ {
				if want := byte((total / size) % 256); buf[i] != want {
					t.Fatalf("byte %d = %d, want %d (chunk %d)", total, buf[i], want, total/size)
				}
				total++
				if flushing && total%size == 0 && total < chunks*size {
					// Chunk total/size-1 is complete before the next one was written: acknowledge it.
					ack := fmt.Sprintf("%s/plugins/%s/stream/ack?key=%s&n=%d", e.http.URL, e.id, req.URL.Query().Get("lockstep"), total/size-1)
					if r, err := e.http.Client().Get(ack); err != nil || r.StatusCode != http.StatusNoContent {
						t.Fatalf("ack of chunk %d: %v %v", total/size-1, err, r)
					} else {
						r.Body.Close()
					}
					acked++
				}
			}
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("reading the stream: %v", err)
			}
		}
		if total != chunks*size {
			t.Fatalf("got %d bytes, want %d (the plugin ends the stream short when a chunk is never acknowledged: the response was buffered, not flushed)", total, chunks*size)
		}
		if !flushing {
			// The plugin's Flush reaches this host as "rpc: can't find method Plugin.Flush": the plugin must
			// carry on (checked above: status 200, every byte), but the server buffers until the end.
			t.Logf("this host (Mattermost %s) has no Plugin.Flush on the response writer (added in 11.2–11.4): incremental delivery cannot happen and is not checked", model.CurrentVersion)
			return
		}
		if acked != chunks-1 {
			t.Fatalf("acknowledged %d chunks before the end, want %d", acked, chunks-1)
		}
	})

	t.Run("action endpoint", func(t *testing.T) {
		token := model.NewId()
		body := fmt.Sprintf(`{"user_id":%q,"channel_id":%q,"post_id":"p1","context":{"n":1,"token":%q}}`, e.fx.Member.Id, e.fx.Public.Id, token)
		res := e.do(http.MethodPost, "/action", strings.NewReader(body), map[string]string{"Content-Type": "application/json"})
		var got map[string]any
		if res.Status != http.StatusOK || json.Unmarshal(res.Body, &got) != nil {
			t.Fatalf("POST /action = %d %s", res.Status, res.Body)
		}
		if v, ok := got["update"]; !ok || v != nil || got["ephemeral_text"] != "clicked" {
			t.Fatalf("POST /action = %s, want {\"update\": null, \"ephemeral_text\": \"clicked\"}", res.Body)
		}
		found := false
		for _, l := range e.srv.Recorder().Logs() {
			if l.Level == "info" && strings.Contains(l.String(), token) {
				found = true
			}
		}
		if !found {
			t.Fatalf("the action body was not logged with LogInfo; logs:\n%s", e.h.APILogs())
		}
	})

	t.Run("unknown path is 404", func(t *testing.T) {
		for _, path := range []string{"/nope", "/api/v1/whatever", "/"} {
			if res := e.do(http.MethodGet, path, nil, nil); res.Status != http.StatusNotFound {
				t.Errorf("GET %s = %d, want 404", path, res.Status)
			}
		}
	})
}
