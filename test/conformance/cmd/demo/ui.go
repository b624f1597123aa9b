package main

import (
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
// (test/browser/host.html, which supplies what Mattermost's webapp provides: globals, a registry, channels with
// posts, a message box), the real webapp bundle (webapp/dist/main.js), the in-memory Mattermost's chat (chat.go) and,
// under /plugins/tripwire/, the plugin itself through the host's HTTP front — the same ServeHTTP path Mattermost
// uses, as the user picked in the page (the requests carry their session). It runs until Ctrl-C. DEMO_UI_PORT picks
// the port (default: any free one).
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
	// The page's requests carry the session of the user picked in the user switcher (cookie demo_user).
	mux.HandleFunc("/plugins/", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") == "" && r.URL.Query().Get("access_token") == "" {
			r.Header.Set("Authorization", "Bearer "+d.actorOf(r).Session.Token)
		}
		d.h.ServeHTTP(w, r)
	})
	mux.Handle("/webapp/dist/", http.StripPrefix("/webapp/dist/", http.FileServer(http.Dir(filepath.Join(d.root, "webapp", "dist")))))
	// Who and where the page is (see chat.go): @olivia in ~ops, where the story's deploy rule lives, unless switched.
	mux.HandleFunc("GET /demo/context.json", func(w http.ResponseWriter, r *http.Request) {
		d.contextJSON(w, r, "http://"+ln.Addr().String())
	})
	mux.HandleFunc("GET /demo/channels/{id}/posts", d.channelPosts)
	mux.HandleFunc("POST /demo/posts", d.createPost)
	mux.HandleFunc("POST /demo/commands", d.executeCommand)
	mux.HandleFunc("GET /demo/feed", d.feed)
	mux.HandleFunc("POST /demo/dialogs/submit", d.submitDialog)
	// Button clicks on Tripwire posts, as the webapp sends them to Mattermost (see postaction.go).
	mux.HandleFunc("POST /api/v4/posts/{post_id}/actions/{action_id}", func(w http.ResponseWriter, r *http.Request) {
		a := d.actorOf(r)
		res, err := d.doPostAction(r.PathValue("post_id"), r.PathValue("action_id"), a.User, a.Session)
		if err != nil {
			demoError(w, http.StatusBadRequest, "api.post.do_action.action_integration.app_error", err.Error())
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"status": "OK", "trigger_id": "", "plugin_status": res.Status})
	})
	mux.Handle("/", http.FileServer(http.Dir(filepath.Join(d.root, "test", "browser"))))
	mux.Handle("GET /{$}", http.RedirectHandler("/host.html", http.StatusFound))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()

	base := "http://" + ln.Addr().String()
	d.n.title("Playground (DEMO_UI=1)")
	d.n.printf("  %s/host.html — a small Mattermost with the real webapp bundle and the running plugin.\n", base)
	d.n.printf("  Post in a channel (your posts go through MessageHasBeenPosted), try /tripwire help, click the buttons of\n")
	d.n.printf("  replies, switch between @olivia (channel admin), @sam (member) and @admin (System Console). The rules and\n")
	d.n.printf("  deliveries above are live there (channel header → Tripwire). Ctrl-C to stop.\n")
	waitForCtrlC()
	_ = srv.Close()
	d.n.printf("  stopped.\n")
	return nil
}
