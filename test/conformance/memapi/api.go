package memapi

import (
	"net/http"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/mattermost/mattermost/server/public/plugin"
)

// API is the plugin.API of one plugin. Methods outside the conformance contract are not implemented: the
// embedded interface is nil, so calling one panics (with the method name in the stack trace).
type API struct {
	plugin.API // nil on purpose

	srv      *Server
	manifest *model.Manifest
	pluginID string
	node     string // the cluster node this plugin runs on ("" on a single-node server)
}

var _ plugin.API = (*API)(nil)

// Server returns the shared state behind this API.
func (a *API) Server() *Server { return a.srv }

func (a *API) note(method string) { a.srv.rec.call(a.pluginID, method) }

func notFound(where, id, details string) *model.AppError {
	return model.NewAppError(where, id, nil, details, http.StatusNotFound)
}

func badRequest(where, id, details string) *model.AppError {
	return model.NewAppError(where, id, nil, details, http.StatusBadRequest)
}

func forbidden(where, id, details string) *model.AppError {
	return model.NewAppError(where, id, nil, details, http.StatusForbidden)
}
