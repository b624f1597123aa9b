package memapi

import (
	"fmt"

	"github.com/mattermost/mattermost/server/public/model"
)

// OpenInteractiveDialog records a dialog. The server also checks that the trigger id is one it issued and
// is less than 3 minutes old; here any non-empty trigger id and a URL are required (400 otherwise).
func (a *API) OpenInteractiveDialog(dialog model.OpenDialogRequest) *model.AppError {
	a.note("OpenInteractiveDialog")
	if dialog.TriggerId == "" {
		return badRequest("OpenInteractiveDialog", "interactive_message.decode_trigger_id.missing_data", "")
	}
	if dialog.URL == "" {
		return badRequest("OpenInteractiveDialog", "interactive_message.open_dialog.missing_url", "")
	}
	r := &a.srv.rec
	r.mu.Lock()
	defer r.mu.Unlock()
	r.dialogs = append(r.dialogs, dialog)
	return nil
}

// PublishWebSocketEvent records an event under the name clients see: custom_<plugin id>_<event>.
func (a *API) PublishWebSocketEvent(event string, payload map[string]any, broadcast *model.WebsocketBroadcast) {
	a.note("PublishWebSocketEvent")
	r := &a.srv.rec
	r.mu.Lock()
	defer r.mu.Unlock()
	r.wsEvents = append(r.wsEvents, WebSocketEvent{
		PluginID:  a.pluginID,
		Event:     fmt.Sprintf("custom_%s_%s", a.pluginID, event),
		Payload:   payload,
		Broadcast: broadcast,
	})
}

// PublishPluginClusterEvent records a cluster event; a single-node server sends it nowhere, a cluster (see
// Server.ForwardClusterEvents) to the same plugin on the other nodes.
func (a *API) PublishPluginClusterEvent(ev model.PluginClusterEvent, opts model.PluginClusterEventSendOptions) error {
	a.note("PublishPluginClusterEvent")
	r := &a.srv.rec
	r.mu.Lock()
	r.cluster = append(r.cluster, ClusterEvent{PluginID: a.pluginID, Event: ev, Options: opts})
	r.mu.Unlock()
	a.srv.mu.Lock()
	forward := a.srv.forward
	a.srv.mu.Unlock()
	if forward != nil {
		go forward(a.node, a.pluginID, ev)
	}
	return nil
}
