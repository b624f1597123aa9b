package memapi

import (
	"encoding/json"
	"path/filepath"
	"strings"

	"github.com/mattermost/mattermost/server/public/model"
)

// config builds the server configuration: Mattermost's defaults, the site URL, the plugin directory and the
// plugin settings. Secrets are left at their (empty) defaults, so sanitizing would change nothing.
func (s *Server) configLocked() *model.Config {
	cfg := &model.Config{}
	cfg.SetDefaults()
	cfg.ServiceSettings.SiteURL = model.NewPointer(s.siteURL)
	cfg.PluginSettings.Directory = model.NewPointer(s.pluginDir)
	cfg.ServiceSettings.EnablePostUsernameOverride = model.NewPointer(s.postOverride[0])
	cfg.ServiceSettings.EnablePostIconOverride = model.NewPointer(s.postOverride[1])
	cfg.PluginSettings.Plugins = map[string]map[string]any{}
	for id, settings := range s.pluginConfigs {
		cp := make(map[string]any, len(settings))
		for k, v := range settings {
			cp[k] = v
		}
		cfg.PluginSettings.Plugins[id] = cp
	}
	return cfg
}

// SetPostOverrides sets ServiceSettings.EnablePostUsernameOverride and EnablePostIconOverride (both off by default,
// as in Mattermost) as GetConfig reports them. Like a System Console save, it does not tell plugins: run their
// OnConfigurationChange hook.
func (s *Server) SetPostOverrides(username, icon bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.postOverride = [2]bool{username, icon}
}

// GetConfig returns the (sanitized) server configuration.
func (a *API) GetConfig() *model.Config {
	a.note("GetConfig")
	defer a.srv.lock()()
	return a.srv.configLocked()
}

// GetUnsanitizedConfig returns the server configuration with secrets.
func (a *API) GetUnsanitizedConfig() *model.Config {
	a.note("GetUnsanitizedConfig")
	defer a.srv.lock()()
	return a.srv.configLocked()
}

// GetPluginConfig returns PluginSettings.Plugins[plugin id] as configured (keys as saved), or an empty map.
func (a *API) GetPluginConfig() map[string]any {
	a.note("GetPluginConfig")
	defer a.srv.lock()()
	out := map[string]any{}
	for k, v := range a.srv.pluginConfigs[a.pluginID] {
		out[k] = v
	}
	return out
}

// PluginSettingsJSON is what LoadPluginConfiguration hands a plugin: the defaults of the manifest's
// settings_schema.settings, overlaid with the configured values, every key lower-cased, as JSON.
func (a *API) PluginSettingsJSON() ([]byte, error) {
	final := map[string]any{}
	if a.manifest.SettingsSchema != nil {
		for _, setting := range a.manifest.SettingsSchema.Settings {
			final[strings.ToLower(setting.Key)] = setting.Default
		}
	}
	a.srv.mu.Lock()
	for k, v := range a.srv.pluginConfigs[a.pluginID] {
		final[strings.ToLower(k)] = v
	}
	a.srv.mu.Unlock()
	return json.Marshal(final)
}

// LoadPluginConfiguration unmarshals the plugin settings (see PluginSettingsJSON) into dest. Like the server,
// it returns nil even when dest does not fit the JSON.
func (a *API) LoadPluginConfiguration(dest any) error {
	a.note("LoadPluginConfiguration")
	data, err := a.PluginSettingsJSON()
	if err != nil {
		return nil
	}
	_ = json.Unmarshal(data, dest)
	return nil
}

// GetServerVersion returns the version of the model package this host was built with.
func (a *API) GetServerVersion() string {
	a.note("GetServerVersion")
	defer a.srv.lock()()
	return a.srv.serverVersion
}

// GetBundlePath returns <PluginSettings.Directory>/<plugin id> as an absolute path.
func (a *API) GetBundlePath() (string, error) {
	a.note("GetBundlePath")
	defer a.srv.lock()()
	return filepath.Abs(filepath.Join(a.srv.pluginDir, a.pluginID))
}

// GetPluginID returns the plugin's id.
func (a *API) GetPluginID() string {
	a.note("GetPluginID")
	return a.pluginID
}

// SavePluginConfig replaces the plugin's settings, as the System Console's Save does, then tells the listener
// (OnPluginConfigSaved), which is where the server's config listeners run the plugin's OnConfigurationChange.
func (a *API) SavePluginConfig(config map[string]any) *model.AppError {
	a.note("SavePluginConfig")
	a.srv.SetPluginConfig(a.pluginID, config)
	a.srv.mu.Lock()
	listener := a.srv.configSaved
	a.srv.mu.Unlock()
	if listener != nil {
		// Asynchronously, as on the server: the plugin is still inside its own API call.
		go listener(a.pluginID)
	}
	return nil
}

// OnPluginConfigSaved sets what runs after a plugin saved its settings (e.g. its OnConfigurationChange hook).
func (s *Server) OnPluginConfigSaved(fn func(pluginID string)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.configSaved = fn
}
