package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/tripwire/test/conformance/host"
)

// pluginExecutable picks what the host launches:
//   - TRIPWIRE_REAL_PLUGIN_EXECUTABLE: that executable, as given;
//   - DEMO_FAST=1: node + server/dist/plugin.js (make server-build), the host's launcher script;
//   - otherwise the linux-amd64 single-executable app, built by scripts/dist.mjs through test/demo/build_sea.mjs
//     and cached by the hash of its inputs (what a Mattermost server would run).
func pluginExecutable(root string, n *narrator) (host.Executable, string, error) {
	if p := os.Getenv(host.EnvRealPluginExecutable); p != "" {
		return host.Executable{Path: p}, p + " (" + host.EnvRealPluginExecutable + ")", nil
	}
	if os.Getenv("DEMO_FAST") != "" {
		bundle := filepath.Join(root, "server", "dist", "plugin.js")
		if _, err := os.Stat(bundle); err != nil {
			return host.Executable{}, "", fmt.Errorf("DEMO_FAST=1 runs server/dist/plugin.js, which is missing: run `make server-build`")
		}
		return host.Executable{Bundle: bundle}, "node server/dist/plugin.js (DEMO_FAST=1)", nil
	}
	cmd := exec.Command("node", filepath.Join(root, "test", "demo", "build_sea.mjs"))
	cmd.Dir = root
	// Progress of a build goes through as it happens; the one line saying the cache was used does not.
	cached := false
	stderr := lineFilter(func(line string) {
		if strings.HasPrefix(line, "build_sea: cached") {
			cached = true
			return
		}
		fmt.Fprintln(os.Stderr, line)
	})
	cmd.Stderr = stderr
	out, err := cmd.Output()
	stderr.Flush()
	if err != nil {
		return host.Executable{}, "", fmt.Errorf("building the single-executable plugin (node test/demo/build_sea.mjs): %w", err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	p := lines[len(lines)-1]
	rel, _ := filepath.Rel(root, p)
	size := ""
	if st, err := os.Stat(p); err == nil {
		size = fmt.Sprintf(", %.1f MiB", float64(st.Size())/(1<<20))
	}
	how := "built now"
	if cached {
		how = "cached build"
	}
	return host.Executable{Path: p}, rel + " (Node single-executable app" + size + ", " + how + ")", nil
}

// lineWriter is an io.Writer calling fn for each complete line written to it (Flush hands over a last partial one).
type lineWriter struct {
	fn  func(line string)
	buf []byte
}

func lineFilter(fn func(line string)) *lineWriter { return &lineWriter{fn: fn} }

func (w *lineWriter) Write(p []byte) (int, error) {
	w.buf = append(w.buf, p...)
	for {
		i := bytes.IndexByte(w.buf, '\n')
		if i < 0 {
			return len(p), nil
		}
		w.fn(string(w.buf[:i]))
		w.buf = w.buf[i+1:]
	}
}

func (w *lineWriter) Flush() {
	if len(w.buf) > 0 {
		w.fn(string(w.buf))
		w.buf = nil
	}
}
