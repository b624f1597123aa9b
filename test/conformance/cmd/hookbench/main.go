// Command hookbench measures MessageHasBeenPosted round trips through Mattermost's real plugin host for the
// Node conformance plugin and the Go baseline plugin, side by side: a no-match message (the bare hook) and
// "echo x" (the hook plus a nested CreatePost awaited before it returns), and both plugins' activation. With
// TRIPWIRE_SEA_EXECUTABLE (make bench-hooks passes the cached build of test/demo/build_sea.mjs) it also
// activates the shipped executable of the real plugin, what an admin waits for. It prints a table and
// ##BENCH lines for scripts/bench.mjs.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/mattermost/mattermost/server/public/plugin"

	"github.com/tripwire/test/conformance/host"
	"github.com/tripwire/test/conformance/memapi"
)

var (
	flagN           = flag.Int("n", 10000, "measured calls per plugin and message kind")
	flagWarmup      = flag.Int("warmup", 2000, "warm-up calls per plugin and message kind")
	flagBlock       = flag.Int("block", 500, "calls per block; blocks alternate between the plugins to spread machine noise evenly")
	flagActivations = flag.Int("activations", 3, "activations per plugin (the median is reported)")
	flagSettle      = flag.Duration("settle", 2*time.Second, "idle time after the shipped executable's last activation before its RSS is read")
)

type subject struct {
	name  string
	id    string
	hooks plugin.Hooks
	pid   int

	activations []time.Duration
	timeline    string // API calls during the last activation, relative to its start
	handshakes  []time.Duration
	exe         string
	bare, echo  []time.Duration
	echoRoot    *model.Post
	rssKB       int
	hwmKB       int
	anonKB      int // RssAnon, fileKB RssFile: the parts of rssKB (SEA only)
	fileKB      int
	prestarts   []time.Duration // from Activate's start to the host starting the process (see prestart)
	launched    []time.Duration // from the host starting the process to Activate's return: activation minus prestart
	cpus        []time.Duration // the process's CPU time when Activate returned (all threads, the main thread): its
	mainCPUs    []time.Duration // start-up work, less subject to machine noise than wall time
}

func main() {
	flag.Parse()
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "hookbench:", err)
		os.Exit(1)
	}
}

func run() error {
	root, err := host.RepoRoot()
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "hookbench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	tmp, err := host.SocketDir(dir)
	if err != nil {
		return err
	}
	os.Setenv("TMPDIR", tmp)

	srv := memapi.NewServer()
	fx := memapi.Seed(srv)
	h, err := host.New(dir, srv)
	if err != nil {
		return err
	}
	defer h.Close()
	fail := func(err error) error {
		fmt.Fprintf(os.Stderr, "%s\n", h.Diagnostics())
		return err
	}

	node := &subject{name: "Node", id: host.ConformanceID}
	gob := &subject{name: "Go", id: host.BaselineID}
	if err := h.Install(host.ConformanceManifest(), host.ConformanceExecutable(root)); err != nil {
		return err
	}
	if err := h.Install(host.BaselineManifest(), host.BaselineExecutable(root)); err != nil {
		return err
	}

	activate := func(s *subject) error {
		for i := 0; i < *flagActivations; i++ {
			if i > 0 {
				h.Env.Deactivate(s.id)
			}
			seen := len(srv.Recorder().TimedCalls())
			start := time.Now()
			took, err := h.Activate(s.id)
			if err != nil {
				return fail(fmt.Errorf("activating %s: %w", s.id, err))
			}
			s.activations = append(s.activations, took)
			if d, ok := prestart(h.Logs(), s.id, start); ok {
				s.prestarts = append(s.prestarts, d)
				s.launched = append(s.launched, took-d)
			}
			if main, all, err := host.CPUTime(h.PID(s.id)); err == nil {
				s.mainCPUs, s.cpus = append(s.mainCPUs, main), append(s.cpus, all)
			}
			// Runs of the same call are one entry: "KVGet ×30 +1539" (the time of the last).
			var parts []string
			prev, run := "", 0
			for _, c := range srv.Recorder().TimedCalls()[seen:] {
				name := strings.TrimPrefix(c.Name, s.id+".")
				at := fmt.Sprintf(" +%.0f", ms(c.At.Sub(start)))
				if name == prev {
					run++
					parts[len(parts)-1] = fmt.Sprintf("%s ×%d%s", name, run, at)
					continue
				}
				prev, run = name, 1
				parts = append(parts, name+at)
			}
			s.timeline = strings.Join(parts, ", ")
		}
		s.pid = h.PID(s.id)
		s.exe = filepath.Join(h.PluginsDir, s.id, host.ExecutableRelPath())
		fmt.Printf("%-4s plugin: pid %d, %s\n", s.name, s.pid, host.Cmdline(s.pid))
		for i := 0; i < *flagActivations; i++ {
			d, err := timeToHandshake(s.exe)
			if err != nil {
				return fail(fmt.Errorf("%s: %w", s.exe, err))
			}
			s.handshakes = append(s.handshakes, d)
		}
		return nil
	}

	subjects := []*subject{node, gob}
	for _, s := range subjects {
		if err := activate(s); err != nil {
			return err
		}
		if s.hooks, err = h.Hooks(s.id); err != nil {
			return fail(err)
		}
	}

	var sea *subject
	if exe := os.Getenv("TRIPWIRE_SEA_EXECUTABLE"); exe != "" {
		manifest, err := host.RealManifest(root)
		if err != nil {
			return err
		}
		installed, err := extractLikeMattermost(exe, dir)
		if err != nil {
			return err
		}
		if err := h.Install(manifest, host.Executable{Path: installed}); err != nil {
			return err
		}
		sea = &subject{name: "SEA", id: host.RealID}
		if err := activate(sea); err != nil {
			return err
		}
		// RSS after activation, what the plugin costs a server that never uses it: read once the work OnActivate
		// started (the dispatcher's first outbox scan) is done and the process is idle.
		time.Sleep(*flagSettle)
		if sea.rssKB, sea.anonKB, sea.fileKB, err = host.MemorySplitKB(sea.pid); err != nil {
			return fail(err)
		}
		h.Env.Deactivate(sea.id)
	}

	bare, appErr := srv.InsertPost(&model.Post{UserId: fx.Member.Id, ChannelId: fx.Public.Id, Message: "just chatting, nothing to see"})
	if appErr != nil {
		return appErr
	}
	for _, s := range subjects {
		if s.echoRoot, appErr = srv.InsertPost(&model.Post{UserId: fx.Member.Id, ChannelId: fx.Public.Id, Message: "echo x"}); appErr != nil {
			return appErr
		}
	}
	ctx := &plugin.Context{RequestId: model.NewId(), SessionId: fx.MemberSession.Id}

	call := func(s *subject, p *model.Post) time.Duration {
		start := time.Now()
		s.hooks.MessageHasBeenPosted(ctx, p)
		return time.Since(start)
	}
	for _, s := range subjects {
		for i := 0; i < *flagWarmup; i++ {
			call(s, bare)
			call(s, s.echoRoot)
		}
	}
	repliesBefore := map[string]int{}
	for _, s := range subjects {
		repliesBefore[s.id] = countReplies(srv, s.echoRoot.Id)
	}

	// Measure in alternating blocks: Go, Node, Node, Go, ... so slow phases of the machine hit both.
	for done, round := 0, 0; done < *flagN; round++ {
		n := min(*flagBlock, *flagN-done)
		order := subjects
		if round%2 == 1 {
			order = []*subject{gob, node}
		}
		for _, s := range order {
			for i := 0; i < n; i++ {
				s.bare = append(s.bare, call(s, bare))
			}
			for i := 0; i < n; i++ {
				s.echo = append(s.echo, call(s, s.echoRoot))
			}
		}
		done += n
	}

	for _, s := range subjects {
		if got := countReplies(srv, s.echoRoot.Id) - repliesBefore[s.id]; got != *flagN {
			return fail(fmt.Errorf("%s plugin created %d echo replies during the measured calls, want %d", s.name, got, *flagN))
		}
		if s.rssKB, s.hwmKB, err = host.MemoryKB(s.pid); err != nil {
			return fail(err)
		}
	}
	if err := h.Env.PerformHealthCheck(node.id); err != nil {
		return fail(fmt.Errorf("node plugin health check after the run: %w", err))
	}

	report(node, gob, sea)
	return nil
}

// extractLikeMattermost writes a copy of the executable into dir the way Mattermost extracts an uploaded bundle
// (channels/app/extract_plugin_tar.go: io.Copy from the tar reader, 32 KiB writes) and returns its path. The
// process's file-backed RSS depends on how the file's pages entered the page cache: the same bytes written in one
// 100 MB write (postject, then a hard link into the plugins directory) measured 60 MB file-backed against 42 MB.
func extractLikeMattermost(exe, dir string) (string, error) {
	in, err := os.Open(exe)
	if err != nil {
		return "", err
	}
	defer in.Close()
	path := filepath.Join(dir, "extracted-"+filepath.Base(exe))
	out, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o755)
	if err != nil {
		return "", err
	}
	// A bare io.Reader, as tar.Reader is: io.Copy cannot take the copy_file_range path and writes 32 KiB at a time.
	if _, err := io.Copy(out, struct{ io.Reader }{in}); err != nil {
		out.Close()
		return "", err
	}
	return path, out.Close()
}

var startingPlugin = regexp.MustCompile(`(?m)^\w+ \[(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}) Z\] starting plugin .*plugin_id=(\S+)`)

// prestart is the time from `start` (Activate's start) to go-plugin's "starting plugin" log line for the plugin, the
// last such line in the host log (millisecond resolution). Before it Mattermost hashes the executable twice
// (plugin.WithExecutableFromManifest computes a sha256 checksum, go-plugin's SecureConfig.Check verifies it), which
// grows with the executable's size and owes nothing to the plugin's code.
func prestart(logs, id string, start time.Time) (time.Duration, bool) {
	var at string
	for _, m := range startingPlugin.FindAllStringSubmatch(logs, -1) {
		if m[2] == id {
			at = m[1]
		}
	}
	t, err := time.Parse("2006-01-02 15:04:05.000", at)
	if err != nil {
		return 0, false
	}
	return t.Sub(start.Round(0).UTC()), true
}

// hashRate says how fast the host hashed: two passes over the executable in the median prestart.
func hashRate(size int64, prestarts []time.Duration) string {
	if len(prestarts) == 0 || medianDur(prestarts) <= 0 {
		return ""
	}
	return fmt.Sprintf(", %.0f MiB/s", 2*float64(size)/(1<<20)/medianDur(prestarts).Seconds())
}

// timeToHandshake starts the plugin executable as go-plugin does (same environment variables) and measures
// the time until its handshake line arrives on stdout, the part of activation before any RPC. The process is
// then killed and its socket removed.
func timeToHandshake(exe string) (time.Duration, error) {
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), "MATTERMOST_PLUGIN=Securely message teams, anywhere.", "PLUGIN_PROTOCOL_VERSIONS=1",
		"PLUGIN_MIN_PORT=10000", "PLUGIN_MAX_PORT=25000")
	out, err := cmd.StdoutPipe()
	if err != nil {
		return 0, err
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	took := time.Since(start)
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	if err != nil {
		return 0, fmt.Errorf("no handshake line: %w", err)
	}
	if parts := strings.Split(strings.TrimSpace(line), "|"); len(parts) >= 4 && parts[2] == "unix" {
		_ = os.Remove(parts[3])
	}
	return took, nil
}

func countReplies(srv *memapi.Server, rootID string) int {
	n := 0
	for _, p := range srv.Posts() {
		if p.RootId == rootID {
			n++
		}
	}
	return n
}

type stats struct{ median, p99, total time.Duration }

func summarize(d []time.Duration) stats {
	sorted := slices.Clone(d)
	slices.Sort(sorted)
	var total time.Duration
	for _, x := range d {
		total += x
	}
	return stats{median: sorted[len(sorted)/2], p99: sorted[min(len(sorted)-1, len(sorted)*99/100)], total: total}
}

func medianDur(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}

// medianMs formats the median, or "?" when the host log gave nothing.
func medianMs(d []time.Duration) string {
	if len(d) == 0 {
		return "?"
	}
	return fmt.Sprintf("%.0f ms", ms(medianDur(d)))
}

func us(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e3 }
func ms(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e6 }

func report(node, gob, sea *subject) {
	nb, ne, gb, ge := summarize(node.bare), summarize(node.echo), summarize(gob.bare), summarize(gob.echo)
	fmt.Printf("\nMessageHasBeenPosted through Mattermost's plugin host (public module %s), %d calls each after %d warm-up\n\n",
		model.CurrentVersion, *flagN, *flagWarmup)
	line := strings.Repeat("-", 84)
	fmt.Printf("%-22s | %10s %10s %10s | %10s %10s %10s\n", "", "Node med", "p99", "total", "Go med", "p99", "total")
	fmt.Printf("%-22s | %10s %10s %10s | %10s %10s %10s\n", "", "µs", "µs", "ms", "µs", "µs", "ms")
	fmt.Println(line)
	row := func(label string, n, g stats) {
		fmt.Printf("%-22s | %10.1f %10.1f %10.1f | %10.1f %10.1f %10.1f\n", label, us(n.median), us(n.p99), ms(n.total), us(g.median), us(g.p99), ms(g.total))
	}
	row("no match (bare hook)", nb, gb)
	row("echo x (+CreatePost)", ne, ge)
	fmt.Println(line)

	ratio := float64(nb.median) / float64(gb.median)
	nestedRatio := float64(ne.median) / float64(ge.median)
	nodeAct, goAct := medianDur(node.activations), medianDur(gob.activations)
	fmt.Printf("ratio Node/Go (median): bare %.2f, nested %.2f\n", ratio, nestedRatio)
	fmt.Printf("activation (Activate call, median of %d): Node %.0f ms %v, Go %.0f ms %v\n", len(node.activations), ms(nodeAct), node.activations, ms(goAct), gob.activations)
	fmt.Printf("  of which before the host starts the process (it hashes the executable): Node %s, Go %s\n", medianMs(node.prestarts), medianMs(gob.prestarts))
	fmt.Printf("  of which start to handshake line (median of %d): Node %.0f ms, Go %.0f ms\n", len(node.handshakes), ms(medianDur(node.handshakes)), ms(medianDur(gob.handshakes)))
	fmt.Printf("  API calls during the last activation (ms after Activate began): Node: %s; Go: %s\n", node.timeline, gob.timeline)
	fmt.Printf("plugin RSS after the run: Node %.1f MB (peak %.1f MB), Go %.1f MB (peak %.1f MB)\n",
		float64(node.rssKB)/1024, float64(node.hwmKB)/1024, float64(gob.rssKB)/1024, float64(gob.hwmKB)/1024)
	if sea != nil {
		size, rate := "", ""
		if st, err := os.Stat(sea.exe); err == nil {
			size, rate = fmt.Sprintf(", %.1f MiB", float64(st.Size())/(1<<20)), hashRate(st.Size(), sea.prestarts)
		}
		fmt.Printf("shipped executable of the real plugin (Node single-executable app%s): spawn to OnActivate done %s %v\n", size, medianMs(sea.launched), sea.launched)
		fmt.Printf("  the whole Activate call %.0f ms %v, which adds what the host does before it spawns the process: %s (it hashes the executable, sha256, twice%s)\n",
			ms(medianDur(sea.activations)), sea.activations, medianMs(sea.prestarts), rate)
		fmt.Printf("  start to handshake line: %.0f ms\n", ms(medianDur(sea.handshakes)))
		fmt.Printf("  CPU time of the process when activated: %s, of which the main thread %s\n", medianMs(sea.cpus), medianMs(sea.mainCPUs))
		fmt.Printf("  API calls during the last activation (ms after Activate began): %s\n", sea.timeline)
		fmt.Printf("  RSS %.0f ms after activation: %.1f MB (anonymous %.1f MB, file-backed %.1f MB)\n",
			ms(*flagSettle), float64(sea.rssKB)/1024, float64(sea.anonKB)/1024, float64(sea.fileKB)/1024)
	}

	goal := func(name string, ok bool, detail string) {
		verdict := "met"
		if !ok {
			verdict = "NOT met"
		}
		fmt.Printf("goal %-28s %-8s (%s)\n", name, verdict, detail)
	}
	fmt.Println()
	goal("bare ratio <= 1.0", ratio <= 1.0, fmt.Sprintf("%.2f", ratio))
	goal("nested ratio <= 1.1", nestedRatio <= 1.1, fmt.Sprintf("%.2f", nestedRatio))
	goal("Node bare p99 <= 1 ms", nb.p99 <= time.Millisecond, fmt.Sprintf("%.3f ms", ms(nb.p99)))
	goal("Node activation <= 300 ms", nodeAct <= 300*time.Millisecond, fmt.Sprintf("%.0f ms", ms(nodeAct)))
	if sea != nil {
		if len(sea.launched) > 0 {
			seaAct := medianDur(sea.launched)
			goal("SEA spawn to OnActivate done <= 300 ms", seaAct <= 300*time.Millisecond, fmt.Sprintf("%.0f ms", ms(seaAct)))
		} else {
			goal("SEA spawn to OnActivate done <= 300 ms", false, "the host's \"starting plugin\" line was not found")
		}
		goal("SEA RSS after activation <= 70 MB", sea.rssKB <= 70*1024, fmt.Sprintf("%.1f MB", float64(sea.rssKB)/1024))
	}

	bench := func(key string, v float64) { fmt.Printf("##BENCH {\"key\":%q,\"value\":%.4g}\n", key, v) }
	bench("hook_ratio_node_over_go", ratio)
	bench("hook_nested_ratio_node_over_go", nestedRatio)
	bench("hook_p99_ms", ms(nb.p99))
	bench("activation_ms", ms(nodeAct))
	bench("plugin_rss_mb", float64(node.rssKB)/1024)
	if sea != nil {
		bench("activation_sea_host_ms", ms(medianDur(sea.activations)))
		bench("plugin_rss_sea_mb", float64(sea.rssKB)/1024)
		if len(sea.prestarts) > 0 {
			bench("activation_sea_ms", ms(medianDur(sea.launched)))
			bench("activation_sea_prestart_ms", ms(medianDur(sea.prestarts)))
		}
		if len(sea.cpus) > 0 {
			bench("activation_sea_cpu_ms", ms(medianDur(sea.cpus)))
			bench("activation_sea_main_cpu_ms", ms(medianDur(sea.mainCPUs)))
		}
	}
}
