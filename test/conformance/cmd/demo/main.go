// Command demo is `make demo`: Tripwire end to end with no Mattermost server. Mattermost's own plugin host code
// (plugin.NewEnvironment, from the server/public module) launches the real plugin executable — by default the
// linux-amd64 single-executable app `make dist` ships — over an in-memory Mattermost (memapi). A demo external
// service runs on 127.0.0.1 (test/demo/receiver.mjs). A channel admin creates two rules through the plugin's own REST
// API; a user posts messages through the MessageHasBeenPosted hook; the demo prints, step by step, what happened:
// match, signed request, failed attempts and retries, delivery, the reply posted by the bot. Every step is checked:
// the exit status is 0 only if all of them happened, otherwise the missing ones are listed.
//
//	DEMO_FAST=1                          run node + server/dist/plugin.js instead of the single-executable app
//	DEMO_UI=1                            afterwards, serve the webapp playground on 127.0.0.1 until Ctrl-C
//	TRIPWIRE_REAL_PLUGIN_EXECUTABLE=path run that executable
//	TRIPWIRE_CONFORMANCE_VERBOSE=1       stream the host's log (with the plugin's stderr) to stderr
package main

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/mattermost/mattermost/server/public/plugin"

	"github.com/tripwire/test/conformance/host"
	"github.com/tripwire/test/conformance/memapi"
)

const pluginID = host.RealID

func main() {
	os.Exit(run())
}

type demo struct {
	n      *narrator
	root   string
	srv    *memapi.Server
	h      *host.Host
	w      *world
	hooks  plugin.Hooks
	recv   *receiver
	api    *apiClient // as olivia, the channel admin
	secret string

	deployRule  *ruleView
	buttonsRule *ruleView
	triggers    []string     // ids of the posts the demo made as users
	echoed      atomic.Int32 // plugin posts handed back to MessageHasBeenPosted
}

func run() int {
	started := time.Now()
	n := newNarrator(os.Stdout)
	root, err := host.RepoRoot()
	if err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		return 2
	}
	n.printf("%s\n", n.paint("1", "Tripwire demo — the real plugin under Mattermost's own plugin host (server/public "+moduleVersion()+"),"))
	n.printf("%s\n", n.paint("1", "an in-memory Mattermost and a demo service on 127.0.0.1. No Mattermost server needed."))

	n.title("Setup")
	exe, exeDesc, err := pluginExecutable(root, n)
	if err != nil {
		n.check(false, "plugin executable", err.Error())
		return finish(n, nil, started)
	}
	n.info("plugin executable: %s", exeDesc)

	dir, err := os.MkdirTemp("", "tripwire-demo-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		return 2
	}
	defer os.RemoveAll(dir)
	tmp, err := host.SocketDir(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		return 2
	}
	os.Setenv("TMPDIR", tmp)

	srv := memapi.NewServer()
	w := seedWorld(srv)
	n.info("Mattermost (in memory): team %q; ~ops (private) and ~town-square with @olivia as channel admin and @sam;", w.Team.Name)
	n.detail("~random (public, no rules); @admin is the system admin")
	// What an admin saves in System Console → Plugins → Tripwire before enabling it: the demo service is on
	// loopback, which the SSRF guard refuses unless allowed.
	srv.SetPluginConfig(pluginID, map[string]any{"AllowedHosts": "127.0.0.1/32", "guardrails": map[string]any{"allow_rule_bots": true}})
	n.info("@admin set Tripwire's \"Allowed destination hosts\" to 127.0.0.1/32 (plugin settings), so rules may call loopback")
	n.detail("and allowed rules to post as bots of their own (guardrail allow_rule_bots)")

	h, err := host.New(dir, srv)
	if err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		return 2
	}
	d := &demo{n: n, root: root, srv: srv, h: h, w: w, secret: newSecret()}
	defer func() {
		h.Close()
		writeLog(root, h)
	}()
	manifest, err := host.RealManifest(root)
	if err != nil {
		n.check(false, "plugin.json", err.Error())
		return finish(n, h, started)
	}
	if err := h.Install(manifest, exe); err != nil {
		n.check(false, "plugin installed", err.Error())
		return finish(n, h, started)
	}

	// The route table (esbuild over common/src/api.ts) loads while the service and the plugin start.
	waitRoutes := loadRoutes(root)

	d.recv, err = startReceiver(root, d.secret)
	if err != nil {
		n.check(false, "demo service started", err.Error())
		return finish(n, h, started)
	}
	defer d.recv.stop()
	n.info("demo service (test/demo/receiver.mjs) listening on %s; it verifies signatures with the standardwebhooks library", d.recv.URL)

	took, err := h.Activate(pluginID)
	if !n.check(err == nil, "plugin activated by plugin.Environment", activationSeen(h, took, err)) {
		return finish(n, h, started)
	}
	if hc := h.Env.PerformHealthCheck(pluginID); hc != nil {
		n.check(false, "health check", hc.Error())
	}
	if d.hooks, err = h.Hooks(pluginID); err != nil {
		n.check(false, "plugin hooks", err.Error())
		return finish(n, h, started)
	}
	stopEcho := d.echoPluginPosts()
	defer stopEcho()

	routes, err := waitRoutes()
	if err != nil {
		n.check(false, "REST route table (common/src/api.ts)", err.Error())
		return finish(n, h, started)
	}
	d.api = &apiClient{h: h, routes: routes, token: w.OliviaSession.Token}

	d.createRules()
	d.storyDeploy()
	d.storyButtons()
	d.storyQuiet()

	code := finish(n, h, started)
	if os.Getenv("DEMO_UI") != "" {
		if err := d.serveUI(); err != nil {
			n.check(false, "DEMO_UI playground", err.Error())
			return 1
		}
	}
	return code
}

// finish prints the verdict: exit 0 only when every expected step happened.
func finish(n *narrator, h *host.Host, started time.Time) int {
	n.title("Result")
	if !n.failed() {
		n.printf("  %s every expected step happened (%d checks) in %s.\n", n.paint("32;1", "PASS"), n.passed, seconds(time.Since(started)))
		return 0
	}
	n.printf("  %s %d of %d expected steps did not happen:\n", n.paint("31;1", "FAIL"), len(n.missed), len(n.missed)+n.passed)
	for _, m := range n.missed {
		n.printf("    - %s\n", m)
	}
	if h != nil {
		n.printf("  The host's log (go-plugin, the plugin's stderr, its Log* calls) is in test-output/demo/demo.log. Tail:\n")
		lines := strings.Split(strings.TrimSpace(h.Diagnostics()), "\n")
		if len(lines) > 25 {
			lines = lines[len(lines)-25:]
		}
		for _, l := range lines {
			n.printf("    %s\n", excerpt(l, 220))
		}
	}
	return 1
}

func writeLog(root string, h *host.Host) {
	dir := filepath.Join(root, "test-output", "demo")
	if os.MkdirAll(dir, 0o755) == nil {
		_ = os.WriteFile(filepath.Join(dir, "demo.log"), []byte(h.Diagnostics()), 0o644)
	}
}

func activationSeen(h *host.Host, took time.Duration, err error) string {
	if err != nil {
		return err.Error()
	}
	pid := h.PID(pluginID)
	return fmt.Sprintf("Activate took %s; plugin process %d: %s", seconds(took), pid, excerpt(host.Cmdline(pid), 100))
}

// newSecret is a Standard Webhooks secret: whsec_ + base64 of 32 random bytes. The demo sets it on both endpoints
// through the API and gives it to the demo service, which verifies every request with it.
func newSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return "whsec_" + base64.StdEncoding.EncodeToString(b)
}

func moduleVersion() string {
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, dep := range info.Deps {
			if dep.Path == "github.com/mattermost/mattermost/server/public" {
				return dep.Version
			}
		}
	}
	return "module"
}

// post stores a user's post and runs MessageHasBeenPosted, as Mattermost does after saving a post.
func (d *demo) post(user *model.User, sess *model.Session, ch *model.Channel, message string) (*model.Post, time.Duration, error) {
	p, appErr := d.srv.InsertPost(&model.Post{UserId: user.Id, ChannelId: ch.Id, Message: message})
	if appErr != nil {
		return nil, 0, appErr
	}
	d.triggers = append(d.triggers, p.Id)
	start := time.Now()
	ctx := &plugin.Context{RequestId: model.NewId(), SessionId: sess.Id, IPAddress: "127.0.0.1"}
	ran := false // RunMultiPluginHook calls back only for plugins that implement the hook
	d.h.Env.RunMultiPluginHook(func(hooks plugin.Hooks, _ *model.Manifest) bool {
		ran = true
		hooks.MessageHasBeenPosted(ctx, p)
		return true
	}, plugin.MessageHasBeenPostedID)
	if !ran {
		return p, 0, errors.New("the post was saved, but the plugin does not implement MessageHasBeenPosted (its Plugin.Implemented list), so Mattermost never tells it")
	}
	return p, time.Since(start), nil
}

// echoPluginPosts does what Mattermost does with posts a plugin creates: it runs MessageHasBeenPosted for them too
// (app.CreatePost runs the hook for every post). Tripwire must ignore its own replies; the quiet story checks that
// they caused no request.
func (d *demo) echoPluginPosts() func() {
	stop := make(chan struct{})
	var wg sync.WaitGroup
	seen := map[string]bool{}
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
			}
			for _, p := range d.srv.Posts() {
				if seen[p.Id] || p.GetProp(model.PostPropsFromPlugin) != "true" {
					continue
				}
				seen[p.Id] = true
				d.echoed.Add(1)
				wg.Add(1)
				go func(p *model.Post) {
					defer wg.Done()
					d.h.Env.RunMultiPluginHook(func(hooks plugin.Hooks, _ *model.Manifest) bool {
						hooks.MessageHasBeenPosted(&plugin.Context{RequestId: model.NewId()}, p.ForPlugin())
						return true
					}, plugin.MessageHasBeenPostedID)
				}(p)
			}
		}
	}()
	return func() { close(stop); wg.Wait() }
}

// waitForCtrlC blocks until SIGINT or SIGTERM.
func waitForCtrlC() {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	<-ch
	signal.Stop(ch)
}
