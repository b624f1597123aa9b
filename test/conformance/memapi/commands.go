package memapi

import (
	"errors"
	"strings"

	"github.com/mattermost/mattermost/server/public/model"
)

// RegisterCommand records a slash command. As the server does, the trigger is required, lower-cased and
// must not start with a slash; registering a trigger again replaces it.
func (a *API) RegisterCommand(command *model.Command) error {
	a.note("RegisterCommand")
	if command == nil || strings.TrimSpace(command.Trigger) == "" {
		return errors.New("RegisterCommand: a trigger is required")
	}
	if strings.HasPrefix(command.Trigger, "/") {
		return errors.New("RegisterCommand: the trigger must not start with /")
	}
	cp := *command
	cp.Trigger = strings.ToLower(cp.Trigger)
	cp.PluginId = a.pluginID
	r := &a.srv.rec
	r.mu.Lock()
	defer r.mu.Unlock()
	kept := r.commands[:0]
	for _, c := range r.commands {
		if !(c.PluginId == cp.PluginId && c.Trigger == cp.Trigger && c.TeamId == cp.TeamId) {
			kept = append(kept, c)
		}
	}
	r.commands = append(kept, &cp)
	return nil
}

// UnregisterCommand removes a registered command (no error if it was not registered).
func (a *API) UnregisterCommand(teamID, trigger string) error {
	a.note("UnregisterCommand")
	r := &a.srv.rec
	r.mu.Lock()
	defer r.mu.Unlock()
	kept := r.commands[:0]
	for _, c := range r.commands {
		if !(c.PluginId == a.pluginID && c.Trigger == strings.ToLower(trigger) && c.TeamId == teamID) {
			kept = append(kept, c)
		}
	}
	r.commands = kept
	return nil
}
