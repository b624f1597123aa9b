package host

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"

	"github.com/mattermost/mattermost/server/public/model"
)

// The plugins this host runs, and where their executables come from.

const (
	ConformanceID = "tripwire-conformance"
	RealID        = "tripwire"
	BaselineID    = "tripwire-baseline"
)

// Environment variables that choose the executables (see README.md):
const (
	// EnvPluginExecutable replaces the conformance plugin's launcher (node + server/dist/conformance-plugin.js)
	// with a ready executable, e.g. the single-executable Node binary or the Go reference plugin.
	EnvPluginExecutable = "TRIPWIRE_PLUGIN_EXECUTABLE"
	// EnvRealPluginExecutable does the same for the real plugin (default: node + server/dist/plugin.js).
	EnvRealPluginExecutable = "TRIPWIRE_REAL_PLUGIN_EXECUTABLE"
	// EnvBaselineExecutable is the Go baseline plugin binary (default: test/conformance/bin/baseline).
	EnvBaselineExecutable = "TRIPWIRE_BASELINE_EXECUTABLE"
	// EnvNode is the node binary the launchers of JavaScript bundles run (default: node on PATH).
	EnvNode = "TRIPWIRE_NODE"
	// EnvRepoRoot overrides the repository root (default: found by walking up from the working directory).
	EnvRepoRoot = "TRIPWIRE_REPO_ROOT"
)

// RepoRoot finds the repository root: the nearest parent directory holding plugin.json and server/.
func RepoRoot() (string, error) {
	if r := os.Getenv(EnvRepoRoot); r != "" {
		return filepath.Abs(r)
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if isFile(filepath.Join(dir, "plugin.json")) && isDir(filepath.Join(dir, "server")) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("repository root not found (no parent directory has plugin.json and server/); set " + EnvRepoRoot)
		}
		dir = parent
	}
}

func isFile(p string) bool { st, err := os.Stat(p); return err == nil && st.Mode().IsRegular() }
func isDir(p string) bool  { st, err := os.Stat(p); return err == nil && st.IsDir() }

// ConformanceManifest is the manifest of the conformance plugin. Its settings exercise
// LoadPluginConfiguration: defaults of several JSON types, overlaid with configured values, keys lower-cased.
func ConformanceManifest() *model.Manifest {
	return &model.Manifest{
		Id:          ConformanceID,
		Name:        "Tripwire conformance",
		Description: "Drives the Tripwire runtime and Mattermost layer through every hook and API call of the conformance contract.",
		Version:     "0.0.1",
		SettingsSchema: &model.PluginSettingsSchema{
			Settings: []*model.PluginSetting{
				{Key: "FailActivation", DisplayName: "Fail activation", Type: "bool", Default: false},
				{Key: "Greeting", DisplayName: "Greeting", Type: "text", Default: "hello"},
				{Key: "MaxItems", DisplayName: "Maximum items", Type: "number", Default: 3},
			},
		},
	}
}

// ConformanceExecutable is node + server/dist/conformance-plugin.js, unless TRIPWIRE_PLUGIN_EXECUTABLE is set.
func ConformanceExecutable(repoRoot string) Executable {
	if p := os.Getenv(EnvPluginExecutable); p != "" {
		return Executable{Path: p}
	}
	return Executable{Bundle: filepath.Join(repoRoot, "server", "dist", "conformance-plugin.js")}
}

// RealManifest is the repository's plugin.json (id, name, version, min_server_version, settings_schema),
// without the webapp part (the host serves no webapp).
func RealManifest(repoRoot string) (*model.Manifest, error) {
	data, err := os.ReadFile(filepath.Join(repoRoot, "plugin.json"))
	if err != nil {
		return nil, err
	}
	var m model.Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, err
	}
	m.Webapp = nil
	m.Server = nil
	return &m, nil
}

// RealExecutable is node + server/dist/plugin.js, unless TRIPWIRE_REAL_PLUGIN_EXECUTABLE is set.
func RealExecutable(repoRoot string) Executable {
	if p := os.Getenv(EnvRealPluginExecutable); p != "" {
		return Executable{Path: p}
	}
	return Executable{Bundle: filepath.Join(repoRoot, "server", "dist", "plugin.js")}
}

// BaselineManifest is the manifest of the Go baseline plugin.
func BaselineManifest() *model.Manifest {
	return &model.Manifest{Id: BaselineID, Name: "Tripwire Go baseline", Version: "0.0.1"}
}

// BaselineExecutable is test/conformance/bin/baseline, unless TRIPWIRE_BASELINE_EXECUTABLE is set.
func BaselineExecutable(repoRoot string) Executable {
	if p := os.Getenv(EnvBaselineExecutable); p != "" {
		return Executable{Path: p}
	}
	return Executable{Path: filepath.Join(repoRoot, "test", "conformance", "bin", "baseline")}
}
