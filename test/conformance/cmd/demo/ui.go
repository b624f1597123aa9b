package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

// serveUI (DEMO_UI=1) serves the webapp playground on 127.0.0.1 after the story: the browser host page
// (test/browser/host.html, which supplies what Mattermost's webapp provides: globals and a registry), the real webapp
// bundle (webapp/dist/main.js) and, under /plugins/tripwire/, the plugin itself through the host's HTTP front — the
// same ServeHTTP path Mattermost uses, signed in as @olivia (the page's requests carry her session). It runs until
// Ctrl-C. DEMO_UI_PORT picks the port (default: any free one).
func (d *demo) serveUI() error {
	page := filepath.Join(d.root, "test", "browser", "host.html")
	if _, err := os.Stat(page); err != nil {
		return errors.New("test/browser/host.html (the browser host page) is missing")
	}
	bundle := filepath.Join(d.root, "webapp", "dist", "main.js")
	if _, err := os.Stat(bundle); err != nil {
		return errors.New("webapp/dist/main.js is missing: run `make webapp-build`")
	}
	// The page's own script (globals and registry) is built from test/browser/host_page.tsx; esbuild, under a second.
	build := exec.Command("node", filepath.Join(d.root, "test", "browser", "build_host.mjs"))
	build.Dir = d.root
	if out, err := build.CombinedOutput(); err != nil {
		return fmt.Errorf("building the host page script (node test/browser/build_host.mjs): %v\n%s", err, out)
	}
	addr := "127.0.0.1:" + orDefault(os.Getenv("DEMO_UI_PORT"), "0")
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/plugins/", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") == "" && r.URL.Query().Get("access_token") == "" {
			r.Header.Set("Authorization", "Bearer "+d.w.OliviaSession.Token)
		}
		d.h.ServeHTTP(w, r)
	})
	mux.Handle("/webapp/dist/", http.StripPrefix("/webapp/dist/", http.FileServer(http.Dir(filepath.Join(d.root, "webapp", "dist")))))
	// Who and where the page is: @olivia in ~ops, where the story's deploy rule lives.
	mux.HandleFunc("/demo/context.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]string{
			"user_id": d.w.Olivia.Id, "username": d.w.Olivia.Username, "team_id": d.w.Team.Id,
			"channel_id": d.w.Ops.Id, "channel_name": d.w.Ops.Name, "channel_display_name": d.w.Ops.DisplayName,
			"channel_type": string(d.w.Ops.Type), "site_url": "http://" + ln.Addr().String(),
		})
	})
	// Button clicks on Tripwire posts, as the webapp sends them to Mattermost (see postaction.go).
	mux.HandleFunc("POST /api/v4/posts/{post_id}/actions/{action_id}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		res, err := d.doPostAction(r.PathValue("post_id"), r.PathValue("action_id"), d.w.Olivia, d.w.OliviaSession)
		if err != nil {
			w.WriteHeader(http.StatusBadRequest)
			_ = json.NewEncoder(w).Encode(map[string]any{"id": "api.post.do_action.action_integration.app_error", "message": err.Error(), "status_code": 400})
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"status": "OK", "trigger_id": "", "plugin_status": res.Status})
	})
	mux.Handle("/", http.FileServer(http.Dir(filepath.Join(d.root, "test", "browser"))))
	mux.Handle("GET /{$}", http.RedirectHandler("/host.html", http.StatusFound))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()

	base := "http://" + ln.Addr().String()
	d.n.title("Playground (DEMO_UI=1)")
	d.n.printf("  %s/host.html — the real webapp bundle on a host page, talking to the running plugin as @olivia.\n", base)
	d.n.printf("  The rules and deliveries above are live there (channel header → Tripwire). Ctrl-C to stop.\n")
	waitForCtrlC()
	_ = srv.Close()
	d.n.printf("  stopped.\n")
	return nil
}
