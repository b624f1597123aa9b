// Package host runs plugins the way the Mattermost server does: Mattermost's own plugin package
// (plugin.NewEnvironment, Activate, HooksForPlugin, health checks, Deactivate, Shutdown) backed by the
// in-memory API of package memapi, plus an HTTP front that does what the server's ServePluginRequest does.
package host

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/mattermost/mattermost/server/public/plugin"
	"github.com/mattermost/mattermost/server/public/shared/mlog"

	"github.com/tripwire/test/conformance/memapi"
)

// Host is one "Mattermost server" with a plugins directory and a plugin environment.
type Host struct {
	Root       string // scratch directory holding plugins/ and client/
	PluginsDir string
	Server     *memapi.Server
	Env        *plugin.Environment
	Logger     *mlog.Logger

	logBuf *mlog.Buffer

	mu   sync.Mutex
	pids map[string]int // plugin id -> process id, found when it was activated
}

// New creates the plugin environment in root (which must exist) over srv. Everything Mattermost logs about
// the plugins, including the plugin's own stderr/stdout lines (source plugin_stderr / plugin_stdout), goes to
// a buffer read by Logs; with TRIPWIRE_CONFORMANCE_VERBOSE=1 it is also written to stderr as it happens.
func New(root string, srv *memapi.Server) (*Host, error) {
	return NewNode(root, srv, "")
}

// NewNode is New for one node of a cluster: several hosts over one memapi.Server are the nodes of one Mattermost
// cluster (one database), each with its own plugins directory and plugin processes; the plugins' API calls name
// the node (memapi.Server.ForwardClusterEvents).
func NewNode(root string, srv *memapi.Server, node string) (*Host, error) {
	logger, err := mlog.NewLogger()
	if err != nil {
		return nil, err
	}
	buf := &mlog.Buffer{}
	if err := mlog.AddWriterTarget(logger, buf, false, mlog.StdAll...); err != nil {
		return nil, err
	}
	if os.Getenv("TRIPWIRE_CONFORMANCE_VERBOSE") != "" {
		if err := mlog.AddWriterTarget(logger, os.Stderr, false, mlog.StdAll...); err != nil {
			return nil, err
		}
	}
	mlog.InitGlobalLogger(logger)

	h := &Host{
		Root:       root,
		PluginsDir: filepath.Join(root, "plugins"),
		Server:     srv,
		Logger:     logger,
		logBuf:     buf,
		pids:       map[string]int{},
	}
	for _, d := range []string{h.PluginsDir, filepath.Join(root, "client")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, err
		}
	}
	srv.SetPluginDir(h.PluginsDir)
	env, err := plugin.NewEnvironment(
		func(m *model.Manifest) plugin.API { return srv.APIForNode(m, node) },
		nil, // no database driver: the contract uses none
		h.PluginsDir,
		filepath.Join(root, "client"),
		logger,
		nil, // no metrics
	)
	if err != nil {
		return nil, err
	}
	h.Env = env
	return h, nil
}

// Install lays out a plugin in the plugins directory (see Install).
func (h *Host) Install(manifest *model.Manifest, exe Executable) error {
	return Install(h.PluginsDir, manifest, exe)
}

// Activate activates a plugin exactly as the server does and returns how long the Activate call took. It
// also notes the plugin's process id (the child process that appeared).
func (h *Host) Activate(id string) (time.Duration, error) {
	before := childPIDs()
	start := time.Now()
	_, activated, err := h.Env.Activate(id)
	elapsed := time.Since(start)
	if err == nil && !activated {
		err = fmt.Errorf("plugin %s was already active", id)
	}
	if err == nil {
		if pid := newChild(before, childPIDs()); pid != 0 {
			h.mu.Lock()
			h.pids[id] = pid
			h.mu.Unlock()
		}
	}
	return elapsed, err
}

// PID returns the process id noted when the plugin was activated (0 if unknown).
func (h *Host) PID(id string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.pids[id]
}

// Hooks returns the hooks of an active plugin (the real hooks RPC client behind Mattermost's timer layer).
func (h *Host) Hooks(id string) (plugin.Hooks, error) {
	return h.Env.HooksForPlugin(id)
}

// Logs returns everything logged so far (flushing the async logger first).
func (h *Host) Logs() string {
	_ = h.Logger.Flush()
	return h.logBuf.String()
}

// APILogs renders the Log* calls the plugins made through the API.
func (h *Host) APILogs() string {
	var b strings.Builder
	for _, l := range h.Server.Recorder().Logs() {
		b.WriteString(l.String())
		b.WriteByte('\n')
	}
	return b.String()
}

// Diagnostics is what to print when something failed: the server log (with the plugin's stderr) and the
// API log lines.
func (h *Host) Diagnostics() string {
	return "---- server log (the plugin's own stderr lines are among go-plugin's, with their [LEVEL]; what it writes to the " +
		"go-plugin stdout/stderr streams has source=plugin_stdout/plugin_stderr) ----\n" +
		h.Logs() + "---- plugin API log calls ----\n" + h.APILogs()
}

// Close shuts the environment down (OnDeactivate for every plugin, then kill) and the logger.
func (h *Host) Close() {
	h.Env.Shutdown()
	_ = h.Logger.Flush()
}

// ChildPIDs lists the direct children of this process (the plugin processes), sorted.
func ChildPIDs() []int {
	var out []int
	for pid := range childPIDs() {
		out = append(out, pid)
	}
	sort.Ints(out)
	return out
}

// childPIDs lists the live (non-zombie) direct children of this process (from /proc).
func childPIDs() map[int]bool {
	out := map[int]bool{}
	me := os.Getpid()
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		var pid int
		if _, err := fmt.Sscanf(e.Name(), "%d", &pid); err != nil {
			continue
		}
		if ppid, ok := parentPID(pid); ok && ppid == me && ProcessAlive(pid) {
			out[pid] = true
		}
	}
	return out
}

func newChild(before, after map[int]bool) int {
	var fresh []int
	for pid := range after {
		if !before[pid] {
			fresh = append(fresh, pid)
		}
	}
	if len(fresh) == 0 {
		return 0
	}
	sort.Ints(fresh)
	return fresh[len(fresh)-1]
}

// parentPID reads the parent of pid from /proc/<pid>/stat (the field after the ")" of the command name).
func parentPID(pid int) (int, bool) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, false
	}
	s := string(data)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, false
	}
	var state string
	var ppid int
	if _, err := fmt.Sscanf(s[i+1:], " %s %d", &state, &ppid); err != nil {
		return 0, false
	}
	return ppid, true
}
