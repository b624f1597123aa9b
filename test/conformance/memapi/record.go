package memapi

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/mattermost/mattermost/server/public/model"
)

// Recorder keeps what plugins did that has no other visible effect: API calls made, log lines, websocket and
// cluster events, dialogs, registered commands and ephemeral posts. Safe for concurrent use.
type Recorder struct {
	mu         sync.Mutex
	calls      []Call
	logs       []LogEntry
	wsEvents   []WebSocketEvent
	cluster    []ClusterEvent
	dialogs    []model.OpenDialogRequest
	commands   []*model.Command
	ephemerals []EphemeralPost
}

// LogEntry is one Log{Debug,Info,Warn,Error} API call.
type LogEntry struct {
	PluginID string
	Level    string // "debug", "info", "warn", "error"
	Message  string
	KV       []any
}

func (l LogEntry) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "[%s] %s: %s", strings.ToUpper(l.Level), l.PluginID, l.Message)
	for i := 0; i+1 < len(l.KV); i += 2 {
		fmt.Fprintf(&b, " %v=%v", l.KV[i], l.KV[i+1])
	}
	if len(l.KV)%2 == 1 {
		fmt.Fprintf(&b, " %v=<missing>", l.KV[len(l.KV)-1])
	}
	return b.String()
}

// Field returns the value logged for key (stringified) and whether it was present.
func (l LogEntry) Field(key string) (string, bool) {
	for i := 0; i+1 < len(l.KV); i += 2 {
		if fmt.Sprint(l.KV[i]) == key {
			return fmt.Sprint(l.KV[i+1]), true
		}
	}
	return "", false
}

// Call is one API call: "<plugin id>.<Method>" and when it reached the server.
type Call struct {
	Name string
	At   time.Time
}

// WebSocketEvent is one PublishWebSocketEvent call; Event is the name clients see (custom_<plugin id>_<event>).
type WebSocketEvent struct {
	PluginID  string
	Event     string
	Payload   map[string]any
	Broadcast *model.WebsocketBroadcast
}

// ClusterEvent is one PublishPluginClusterEvent call.
type ClusterEvent struct {
	PluginID string
	Event    model.PluginClusterEvent
	Options  model.PluginClusterEventSendOptions
}

// EphemeralPost is one SendEphemeralPost call.
type EphemeralPost struct {
	UserID string
	Post   *model.Post
}

func (r *Recorder) call(pluginID, method string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, Call{Name: pluginID + "." + method, At: time.Now()})
}

// Calls returns the API methods called so far, as "<plugin id>.<Method>", in order.
func (r *Recorder) Calls() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]string, len(r.calls))
	for i, c := range r.calls {
		out[i] = c.Name
	}
	return out
}

// TimedCalls returns the API calls so far with the time each reached the server.
func (r *Recorder) TimedCalls() []Call {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Call(nil), r.calls...)
}

// CallCount counts calls of one API method by one plugin.
func (r *Recorder) CallCount(pluginID, method string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, c := range r.calls {
		if c.Name == pluginID+"."+method {
			n++
		}
	}
	return n
}

// Logs returns the log entries so far.
func (r *Recorder) Logs() []LogEntry {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]LogEntry(nil), r.logs...)
}

// FindLog returns the last log entry with that level and message.
func (r *Recorder) FindLog(level, message string) (LogEntry, bool) {
	logs := r.Logs()
	for i := len(logs) - 1; i >= 0; i-- {
		if logs[i].Level == level && logs[i].Message == message {
			return logs[i], true
		}
	}
	return LogEntry{}, false
}

// WebSocketEvents returns the websocket events published so far.
func (r *Recorder) WebSocketEvents() []WebSocketEvent {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]WebSocketEvent(nil), r.wsEvents...)
}

// ClusterEvents returns the cluster events published so far.
func (r *Recorder) ClusterEvents() []ClusterEvent {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]ClusterEvent(nil), r.cluster...)
}

// Dialogs returns the interactive dialogs opened so far.
func (r *Recorder) Dialogs() []model.OpenDialogRequest {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]model.OpenDialogRequest(nil), r.dialogs...)
}

// Commands returns the slash commands registered so far (latest registration of a trigger last).
func (r *Recorder) Commands() []*model.Command {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*model.Command(nil), r.commands...)
}

// Ephemerals returns the ephemeral posts sent so far.
func (r *Recorder) Ephemerals() []EphemeralPost {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]EphemeralPost(nil), r.ephemerals...)
}
