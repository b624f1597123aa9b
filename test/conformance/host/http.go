package host

import (
	"net"
	"net/http"
	"strings"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/mattermost/mattermost/server/public/plugin"
)

// ServeHTTP handles /plugins/<id>/... the way the server's ServePluginRequest does
// (server/channels/app/plugin_requests.go): it drops any client-supplied Mattermost-User-Id and
// Mattermost-Plugin-ID, removes access_token from the query, authenticates an "Authorization: Bearer|Token"
// header (or access_token) against the sessions of the in-memory server, strips "/plugins/<id>" from
// URL.Path (RequestURI keeps the original), sets Mattermost-User-Id and Context.SessionId for a valid
// session and drops the Authorization header, then calls the plugin's ServeHTTP hook.
func (h *Host) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rest, ok := strings.CutPrefix(r.URL.Path, "/plugins/")
	if !ok {
		http.NotFound(w, r)
		return
	}
	pluginID, _, _ := strings.Cut(rest, "/")
	hooks, err := h.Env.HooksForPlugin(pluginID)
	if err != nil {
		http.NotFound(w, r)
		return
	}

	ip, _, _ := net.SplitHostPort(r.RemoteAddr)
	ctx := &plugin.Context{
		RequestId:      model.NewId(),
		IPAddress:      ip,
		AcceptLanguage: r.Header.Get("Accept-Language"),
		UserAgent:      r.UserAgent(),
	}

	var token string
	auth := r.Header.Get(model.HeaderAuth)
	switch {
	case strings.HasPrefix(strings.ToUpper(auth), model.HeaderBearer+" "):
		token = auth[len(model.HeaderBearer)+1:]
	case strings.HasPrefix(strings.ToLower(auth), model.HeaderToken+" "):
		token = auth[len(model.HeaderToken)+1:]
	default:
		token = r.URL.Query().Get("access_token")
	}

	r.Header.Del("Mattermost-Plugin-ID")
	r.Header.Del("Mattermost-User-Id")
	r.Header.Del("Referer")
	q := r.URL.Query()
	q.Del("access_token")
	r.URL.RawQuery = q.Encode()
	r.URL.Path = strings.TrimPrefix(r.URL.Path, "/plugins/"+pluginID)

	if token != "" {
		if sess := h.Server.SessionByToken(token); sess != nil {
			r.Header.Del(model.HeaderAuth)
			r.Header.Set("Mattermost-User-Id", sess.UserId)
			ctx.SessionId = sess.Id
		}
	}
	hooks.ServeHTTP(ctx, w, r)
}
