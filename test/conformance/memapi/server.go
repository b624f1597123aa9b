// Package memapi is an in-memory stand-in for the Mattermost server behind the plugin API: users, teams,
// channels, posts, the plugin KV store, permissions, bots, commands and the events a plugin can emit.
//
// Server holds the shared state (one "Mattermost database"); API is the plugin.API implementation one plugin
// sees (it knows its plugin id and manifest, as the server's PluginAPI does). API embeds the plugin.API
// interface as a nil value, so any method not implemented here panics loudly instead of pretending to work.
//
// Semantics follow Mattermost's server (app/plugin_api.go, sqlstore/plugin_store.go): see each area's file.
package memapi

import (
	"sync"
	"time"

	"github.com/mattermost/mattermost/server/public/model"
)

// Server is the shared in-memory state. All methods are safe for concurrent use (the API RPC server calls
// into it from many goroutines).
type Server struct {
	mu sync.Mutex

	now func() time.Time // the clock; tests move it forward with Advance instead of sleeping

	siteURL       string
	serverVersion string
	pluginDir     string
	pluginConfigs map[string]map[string]any // PluginSettings.Plugins[pluginID], as configured (keys as given)
	configSaved   func(pluginID string)     // run after SavePluginConfig (OnPluginConfigSaved)
	postOverride  [2]bool                   // ServiceSettings.EnablePostUsernameOverride, EnablePostIconOverride

	users     map[string]*model.User
	teams     map[string]*model.Team
	teamMems  map[string]map[string]*model.TeamMember // teamID -> userID -> member
	channels  map[string]*model.Channel
	chanMems  map[string]map[string]*model.ChannelMember // channelID -> userID -> member
	posts     map[string]*model.Post
	postOrder []string                  // post ids in the order they were stored
	sessions  map[string]*model.Session // by id
	bots      map[string]*model.Bot     // by user id
	images    map[string][]byte         // profile images by user id (SetProfileImage)
	kv        map[string]map[string]kvEntry
	groups    map[string]*model.Group    // by id (see groups.go)
	groupMems map[string]map[string]bool // groupID -> userID
	files     map[string]*model.FileInfo // by id (see files.go)

	rec Recorder

	// forward delivers a plugin cluster event published on one node to the other nodes (see ForwardClusterEvents).
	forward func(fromNode string, pluginID string, ev model.PluginClusterEvent)
}

// NewServer returns an empty server with a site URL and a real clock.
func NewServer() *Server {
	return &Server{
		now:           time.Now,
		siteURL:       "http://tripwire.test",
		serverVersion: model.CurrentVersion,
		pluginDir:     "./plugins",
		pluginConfigs: map[string]map[string]any{},
		users:         map[string]*model.User{},
		teams:         map[string]*model.Team{},
		teamMems:      map[string]map[string]*model.TeamMember{},
		channels:      map[string]*model.Channel{},
		chanMems:      map[string]map[string]*model.ChannelMember{},
		posts:         map[string]*model.Post{},
		sessions:      map[string]*model.Session{},
		bots:          map[string]*model.Bot{},
		images:        map[string][]byte{},
		kv:            map[string]map[string]kvEntry{},
		groups:        map[string]*model.Group{},
		groupMems:     map[string]map[string]bool{},
		files:         map[string]*model.FileInfo{},
	}
}

// APIFor returns the plugin.API one plugin sees. It has the signature plugin.NewEnvironment wants (wrap it:
// func(m *model.Manifest) plugin.API { return srv.APIFor(m) }).
func (s *Server) APIFor(manifest *model.Manifest) *API {
	return &API{srv: s, manifest: manifest, pluginID: manifest.Id}
}

// APIForNode is APIFor for a plugin running on one node of a cluster sharing this server's state (KV store,
// posts...): what it publishes with PublishPluginClusterEvent goes to the function set by ForwardClusterEvents.
func (s *Server) APIForNode(manifest *model.Manifest, node string) *API {
	return &API{srv: s, manifest: manifest, pluginID: manifest.Id, node: node}
}

// ForwardClusterEvents makes PublishPluginClusterEvent on a node call f (in its own goroutine, as Mattermost's
// cluster sends asynchronously): f delivers the event to the same plugin on the other nodes.
func (s *Server) ForwardClusterEvents(f func(fromNode string, pluginID string, ev model.PluginClusterEvent)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.forward = f
}

// Advance moves the server clock forward (KV expiry, timestamps).
func (s *Server) Advance(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	prev := s.now
	s.now = func() time.Time { return prev().Add(d) }
}

// SetSiteURL sets ServiceSettings.SiteURL as GetConfig reports it.
func (s *Server) SetSiteURL(u string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.siteURL = u
}

// SetPluginDir sets PluginSettings.Directory (used by GetBundlePath).
func (s *Server) SetPluginDir(dir string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pluginDir = dir
}

// SetPluginConfig replaces PluginSettings.Plugins[pluginID] (what an admin saves in the System Console).
func (s *Server) SetPluginConfig(pluginID string, settings map[string]any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cp := make(map[string]any, len(settings))
	for k, v := range settings {
		cp[k] = v
	}
	s.pluginConfigs[pluginID] = cp
}

// Recorder returns what plugins emitted (logs, events, dialogs, commands, calls).
func (s *Server) Recorder() *Recorder { return &s.rec }

func (s *Server) millis() int64 { return s.now().UnixMilli() }

// lock takes the state lock and returns the unlock function: `defer s.lock()()`.
func (s *Server) lock() func() {
	s.mu.Lock()
	return s.mu.Unlock
}
