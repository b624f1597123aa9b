package host

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"

	"github.com/mattermost/mattermost/server/public/model"
)

// Executable says what the plugin's server executable is.
type Executable struct {
	// Bundle, when set, is a JavaScript bundle: the host writes the launcher script
	// `#!/bin/sh\nexec node <Bundle> "$@"` (exec, so the plugin process is node itself); $TRIPWIRE_NODE, when
	// set, is the node binary used (make bench-hooks: the runtime Tripwire ships with).
	Bundle string
	// Path, when set, is a ready executable (a Go plugin, or later the single-executable Node binary); it is
	// hard-linked (or copied) into the plugin directory, as an installed bundle would carry it.
	Path string
}

// ExecutableRelPath is where the manifest points for this platform, e.g. server/dist/plugin-linux-amd64.
func ExecutableRelPath() string {
	return fmt.Sprintf("server/dist/plugin-%s-%s", runtime.GOOS, runtime.GOARCH)
}

// Install lays out <pluginsDir>/<id>/ as Mattermost has it after installing a bundle: plugin.json and the
// executable the manifest names for this platform.
func Install(pluginsDir string, manifest *model.Manifest, exe Executable) error {
	if manifest.Server == nil {
		manifest.Server = &model.ManifestServer{}
	}
	rel := ExecutableRelPath()
	manifest.Server.Executables = map[string]string{runtime.GOOS + "-" + runtime.GOARCH: rel}
	manifest.Server.Executable = ""

	dir := filepath.Join(pluginsDir, manifest.Id)
	if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(rel)), 0o755); err != nil {
		return err
	}
	data, err := json.MarshalIndent(manifest, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "plugin.json"), data, 0o644); err != nil {
		return err
	}

	target := filepath.Join(dir, rel)
	_ = os.Remove(target)
	switch {
	case exe.Bundle != "":
		bundle, err := filepath.Abs(exe.Bundle)
		if err != nil {
			return err
		}
		if _, err := os.Stat(bundle); err != nil {
			return fmt.Errorf("plugin bundle: %w", err)
		}
		node := "node"
		if n := os.Getenv(EnvNode); n != "" {
			node = n
		}
		// The script passes its own path: what a node's plugin process is started as (the shipped single
		// executable's own path) tells nodes apart when several run on one machine (see dispatch/node_registry.ts).
		script := fmt.Sprintf("#!/bin/sh\nexec %s %s \"$0\" \"$@\"\n", shellQuote(node), shellQuote(bundle))
		return os.WriteFile(target, []byte(script), 0o755)
	case exe.Path != "":
		if _, err := os.Stat(exe.Path); err != nil {
			return fmt.Errorf("plugin executable: %w", err)
		}
		if err := os.Link(exe.Path, target); err == nil {
			return nil
		}
		return copyExecutable(exe.Path, target)
	default:
		return fmt.Errorf("no executable given for plugin %s", manifest.Id)
	}
}

func copyExecutable(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o755)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func shellQuote(s string) string {
	out := "'"
	for _, r := range s {
		if r == '\'' {
			out += `'\''`
		} else {
			out += string(r)
		}
	}
	return out + "'"
}

// SocketDir makes <dir>/tmp and returns it: the directory to point $TMPDIR at, where go-plugin's os.CreateTemp puts
// the plugin's socket (as on a server), so a run's sockets stay in its own scratch directory.
func SocketDir(dir string) (string, error) {
	tmp := filepath.Join(dir, "tmp")
	return tmp, os.MkdirAll(tmp, 0o755)
}
