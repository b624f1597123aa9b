// Package exposure is the secret-exposure test of issue #13: the real plugin (server/dist/plugin.js) under
// Mattermost's own plugin host, over the in-memory Mattermost. A rule gets every secret-bearing field set to a
// unique marker (signing secret per endpoint, compat token, Authorization, a declared secret header, a
// default-sensitive header, a query-string credential); the test then learns the secrets the plugin issues itself
// (inbound URL token, response_url token) and exercises every REST route as a rule manager, a plain member and a
// system admin, the integration routes, the slash command, real deliveries to local receivers (one answering 500
// with the credentials it got echoed in its body), an endpoint moved to another origin by another admin, replays and
// recovery. Everything that leaves the plugin is collected (API answers, slash answers, ephemerals, posts and DMs,
// websocket and cluster events, plugin Log* calls, the server log with the plugin's stderr, the KV store, every
// request the receivers got), and each marker may appear only where issue #13's secrets contract allows:
//   - secret header values (the endpoint's secret_headers plus default-sensitive names such as Authorization and
//     X-Api-Key), signing secrets and the compat token are write-only: no view, export, import answer, slash answer,
//     delivery log entry, event, post or log line holds them, and the rule record in KV does not either;
//   - the service of the endpoint's origin gets its own credentials; moving an endpoint to another origin drops its
//     signing secret, its secret headers and the rule's token (the owner is told by bot DM), an endpoint left on its
//     origin keeps them, and a delivery replayed after the drop does not carry them;
//   - tokens in paths (inbound URL, response_url) never reach a log, the delivery log included.
//
// A failure lists, per marker, every place it was found, each with an excerpt.
package exposure

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/mattermost/mattermost/server/public/plugin"

	"github.com/tripwire/test/conformance/host"
	"github.com/tripwire/test/conformance/host/hosttest"
	"github.com/tripwire/test/conformance/memapi"
)

// story holds the running world.
type story struct {
	t      *testing.T
	srv    *memapi.Server
	h      *host.Host
	hooks  plugin.Hooks
	api    *client
	sinks  *sinks
	phase  atomic.Int32
	a, b   *receiver // two origins: A is the rule's service, B another host an editor points the rule at
	f      *memapi.Fixtures
	owner  actor // chanadmin: channel admin of town-square, owner of the rule
	editor actor // teamadmin: may manage the channel's rules, is not the owner
	member actor // a plain channel member
	admin  actor // system admin

	triggers map[string]string // trigger post id -> "post 1", "post 2"
}

// ruleView is the part of a rule view the test reads.
type ruleView struct {
	ID        string `json:"id"`
	Revision  int    `json:"revision"`
	HasToken  bool   `json:"has_token"`
	Endpoints []struct {
		ID               string            `json:"id"`
		URL              string            `json:"url"`
		Headers          map[string]string `json:"headers"`
		SecretHeaders    []string          `json:"secret_headers"`
		SecretHeadersSet []string          `json:"secret_headers_set"`
		HasSecret        bool              `json:"has_secret"`
	} `json:"endpoints"`
}

type logEntry struct {
	DeliveryID string `json:"delivery_id"`
	EndpointID string `json:"endpoint_id"`
	PostID     string `json:"post_id"`
	Status     string `json:"status"`
	HTTPStatus int    `json:"http_status"`
	ErrorClass string `json:"error_class"`
	Response   *struct {
		Body string `json:"body"`
	} `json:"response"`
}

func TestSecretExposure(t *testing.T) {
	started := time.Now()
	s := start(t)

	// ---- the markers ----
	sigOK, keyOK, sigOKForms := newSigningSecret("SigOk")
	sigFail, keyFail, sigFailForms := newSigningSecret("SigFail")
	m := struct {
		authOK, deployOK, apiKeyOK, authFail, deployFail, apiKeyFail, token, query, native, personal string
	}{
		newMarker("AuthOk"), newMarker("DeployOk"), newMarker("ApiKeyOk"),
		newMarker("AuthFail"), newMarker("DeployFail"), newMarker("ApiKeyFail"),
		newMarker("Token"), newMarker("Query"), newMarker("Native"), newMarker("Personal"),
	}

	// ---- phase 1: the owner sets the rule up on origin A ----
	s.phase.Store(1)
	spec := map[string]any{
		"name":    "Exposure main",
		"scope":   map[string]any{"kind": "channels", "teamId": s.f.Alpha.Id, "channelIds": []string{s.f.Public.Id}},
		"trigger": map[string]any{"mode": "exact", "words": []string{"exposure"}, "ignoreCase": true},
		"endpoints": []map[string]any{
			{
				"id": "ok", "url": s.a.URL() + "/ok", "payload": "rich", "timeout_ms": 5000,
				"headers":        map[string]string{"Authorization": "Bearer " + m.authOK, "X-Deploy-Key": m.deployOK, "X-Api-Key": m.apiKeyOK, "X-Plain": "visible"},
				"secret_headers": []string{"X-Deploy-Key"},
				"query":          map[string]string{"api_key": m.query},
			},
			{
				"id": "fail", "url": s.a.URL() + "/fail", "payload": "compat", "timeout_ms": 5000,
				"headers":        map[string]string{"Authorization": "Bearer " + m.authFail, "X-Deploy-Key": m.deployFail, "X-Api-Key": m.apiKeyFail},
				"secret_headers": []string{"X-Deploy-Key"},
			},
		},
		"delivery": map[string]any{"max_attempts": 1},
	}
	var rule ruleView
	s.must(s.api.call(s.owner, "createRule", nil, nil, spec), http.StatusCreated, &rule, "create the rule")
	ids := map[string]string{"ruleId": rule.ID}
	for ep, secret := range map[string]string{"ok": sigOK, "fail": sigFail} {
		s.must(s.api.call(s.owner, "setSigningSecret", map[string]string{"ruleId": rule.ID, "endpointId": ep}, nil, map[string]any{"secret": secret}), http.StatusOK, nil, "set the signing secret of "+ep)
	}
	s.must(s.api.call(s.owner, "setToken", ids, nil, map[string]any{"token": m.token}), http.StatusNoContent, nil, "set the compat token")
	var inbound struct {
		URL string `json:"url"`
	}
	s.must(s.api.call(s.owner, "createInboundUrl", ids, nil, nil), http.StatusCreated, &inbound, "create the inbound URL")
	inboundToken := inbound.URL[strings.LastIndex(inbound.URL, "/")+1:]
	if len(inboundToken) < 16 {
		t.Fatalf("inbound URL %q: no token at its end", inbound.URL)
	}

	// A personal rule (the owner's direct messages) with its own credential, so the "me" views hold one; and a rule
	// in ~private-room with an inbound URL, whose channel is archived later.
	personal := map[string]any{
		"name": "Exposure personal", "scope": map[string]any{"kind": "direct", "channelTypes": []string{"D", "G"}},
		"trigger":   map[string]any{"mode": "exact", "words": []string{"personalword"}},
		"endpoints": []map[string]any{{"id": "mine", "url": s.a.URL() + "/personal", "headers": map[string]string{"Authorization": "Bearer " + m.personal}}},
	}
	var personalRule ruleView
	s.must(s.api.call(s.owner, "createRule", nil, nil, personal), http.StatusCreated, &personalRule, "create the personal rule")
	archived := map[string]any{
		"name": "Exposure archived", "scope": map[string]any{"kind": "channels", "teamId": s.f.Alpha.Id, "channelIds": []string{s.f.Private.Id}},
		"trigger":   map[string]any{"mode": "exact", "words": []string{"archivedword"}},
		"endpoints": []map[string]any{{"id": "gone", "url": s.a.URL() + "/archived"}},
	}
	var archivedRule ruleView
	s.must(s.api.call(s.owner, "createRule", nil, nil, archived), http.StatusCreated, &archivedRule, "create the rule of ~private-room")
	var inbound2 struct {
		URL string `json:"url"`
	}
	s.must(s.api.call(s.owner, "createInboundUrl", map[string]string{"ruleId": archivedRule.ID}, nil, nil), http.StatusCreated, &inbound2, "create the inbound URL of ~private-room's rule")
	archivedToken := inbound2.URL[strings.LastIndex(inbound2.URL, "/")+1:]

	// A message trips the rule: one delivery per endpoint.
	trigger1 := s.post(s.f.Member, "exposure first message")
	s.triggers[trigger1.Id] = "post 1"
	reqs, ok := s.a.waitFor(10*time.Second, func(rs []received) bool { return len(byPath(rs, 1, "/ok")) > 0 && len(byPath(rs, 1, "/fail")) > 0 })
	if !ok {
		t.Fatalf("receiver A did not get /ok and /fail within 10 s: %d request(s)\n%s", len(reqs), s.h.Diagnostics())
	}
	entries1 := s.waitLog(rule.ID, func(es []logEntry) bool {
		return final(es, trigger1.Id, "ok") != nil && final(es, trigger1.Id, "fail") != nil
	})
	okEntry, failEntry := final(entries1, trigger1.Id, "ok"), final(entries1, trigger1.Id, "fail")

	// The service of origin A got what it is owed: its own credentials, signed requests, the token.
	okReq, failReq := byPath(reqs, 1, "/ok")[0], byPath(reqs, 1, "/fail")[0]
	s.expectHeaders("phase 1, A /ok", okReq, map[string]string{"Authorization": "Bearer " + m.authOK, "X-Deploy-Key": m.deployOK, "X-Api-Key": m.apiKeyOK})
	s.expectHeaders("phase 1, A /fail", failReq, map[string]string{"Authorization": "Bearer " + m.authFail, "X-Deploy-Key": m.deployFail, "X-Api-Key": m.apiKeyFail})
	if !signedWith(okReq, keyOK) || !signedWith(failReq, keyFail) {
		t.Errorf("phase 1: requests to A are not signed with their endpoint's secret (ok %v, fail %v)", signedWith(okReq, keyOK), signedWith(failReq, keyFail))
	}
	if !strings.Contains(okReq.query, "api_key="+m.query) {
		t.Errorf("phase 1, A /ok: query %q lacks api_key", okReq.query)
	}
	for _, q := range []received{okReq, failReq} {
		if !strings.Contains(q.body, m.token) {
			t.Errorf("phase 1, A %s: the body lacks the compat token: %s", q.path, q.body)
		}
	}
	var rich struct {
		ResponseURL string `json:"response_url"`
	}
	_ = json.Unmarshal([]byte(okReq.body), &rich)
	responseToken := rich.ResponseURL[strings.LastIndex(rich.ResponseURL, "/")+1:]
	if len(responseToken) < 16 {
		t.Errorf("phase 1, A /ok: the rich payload carries no response_url token: %s", okReq.body)
	}
	if failEntry == nil || failEntry.Status != "failed" || failEntry.HTTPStatus != 500 || failEntry.Response == nil || !strings.Contains(failEntry.Response.Body, "upstream exploded") {
		t.Errorf("phase 1: the delivery log should hold the failed /fail attempt with the receiver's 500 answer excerpt (what the redaction is tested on); got %+v", failEntry)
	}
	if okEntry == nil || okEntry.Status != "succeeded" {
		t.Errorf("phase 1: the /ok delivery did not succeed: %+v", okEntry)
	}

	s.kvSinks(" (phase 1)") // the rule record must not hold secret header values (contract)

	// Views: secret header values are write-only; the names with a stored value are listed (contract).
	var view1 ruleView
	s.must(s.api.call(s.owner, "getRule", ids, nil, nil), http.StatusOK, &view1, "get the rule")
	for _, ep := range view1.Endpoints {
		if !sameNames(ep.SecretHeadersSet, []string{"Authorization", "X-Api-Key", "X-Deploy-Key"}) {
			t.Errorf("view of endpoint %s: secret_headers_set = %v, want Authorization, X-Api-Key, X-Deploy-Key (contract: names with a stored value)", ep.ID, ep.SecretHeadersSet)
		}
		if !ep.HasSecret {
			t.Errorf("view of endpoint %s: has_secret = false after setting a signing secret", ep.ID)
		}
	}

	// The service's late reply through its response_url; the inbound URL, valid and invalid posts.
	if responseToken != "" {
		s.api.raw("response_url late reply", actor{name: "service A"}, http.MethodPost, "/r/"+responseToken, "application/json", []byte(`{"text":"late reply from A"}`))
		s.api.raw("response_url bad token", actor{name: "service A"}, http.MethodPost, "/r/"+responseToken+"x", "application/json", []byte(`{"text":"late"}`))
	}
	s.api.raw("inbound post", actor{name: "service"}, http.MethodPost, "/in/"+inboundToken, "application/json", []byte(`{"text":"inbound hello"}`))
	s.api.raw("inbound bad body", actor{name: "service"}, http.MethodPost, "/in/"+inboundToken, "application/json", []byte(`{"text":`))
	s.api.raw("inbound bad token", actor{name: "service"}, http.MethodPost, "/in/"+inboundToken+"x", "application/json", []byte(`{"text":"x"}`))
	// The channel of the second rule is archived: its inbound URL must refuse (4xx) without logging its token.
	gone := *s.f.Private
	gone.DeleteAt = time.Now().UnixMilli()
	s.srv.AddChannel(&gone) // replaces the channel (same id, members kept)
	s.api.raw("inbound post to an archived channel", actor{name: "service"}, http.MethodPost, "/in/"+archivedToken, "application/json", []byte(`{"text":"into the void"}`))
	s.api.raw("inbound form post to an archived channel", actor{name: "service"}, http.MethodPost, "/in/"+archivedToken, "application/x-www-form-urlencoded", []byte(`payload=%7B%22text%22%3A%22x%22%7D`))

	// Every read route, as the owner, a plain member and the system admin.
	s.readEverything(rule.ID, started)
	// The bench and deliveries the owner may start, while the endpoint is still on A.
	s.api.call(s.owner, "testDelivery", ids, nil, map[string]any{"message": "exposure bench", "endpoint_id": "ok"})
	if failEntry != nil {
		s.api.call(s.owner, "replayDelivery", map[string]string{"ruleId": rule.ID, "deliveryId": failEntry.DeliveryID}, nil, nil)
	}
	s.api.call(s.owner, "recoverDeliveries", ids, nil, map[string]any{"since": started.UnixMilli()})
	s.api.call(s.member, "recoverDeliveries", ids, nil, map[string]any{"since": started.UnixMilli()})
	s.slash(s.owner, "/tripwire list", "/tripwire log exposure-main", "/tripwire test exposure hello", "/tripwire help")
	s.slash(s.member, "/tripwire list", "/tripwire log exposure-main", "/tripwire test exposure hello")
	s.transfers(rule.ID, m.native)
	// The bench delivery and the replay reach A before the move (a late one would be counted in phase 2).
	if _, ok := s.a.waitFor(10*time.Second, func(rs []received) bool { return len(byPath(rs, 1, "/ok")) >= 2 && len(byPath(rs, 1, "/fail")) >= 2 }); !ok {
		t.Errorf("phase 1: the bench delivery to /ok and the replay of /fail did not reach receiver A within 10 s")
	}
	s.waitQuiet()

	// ---- phase 2: another admin moves endpoint "ok" to origin B, supplying no secret again ----
	s.phase.Store(2)
	moved := map[string]any{}
	for k, v := range spec {
		moved[k] = v
	}
	moved["endpoints"] = []map[string]any{
		// What a client sends back under the contract: secret header values are write-only, so absent.
		{"id": "ok", "url": s.b.URL() + "/moved", "payload": "rich", "timeout_ms": 5000, "headers": map[string]string{"X-Plain": "visible"},
			"secret_headers": []string{"Authorization", "X-Api-Key", "X-Deploy-Key"}},
		{"id": "fail", "url": s.a.URL() + "/fail", "payload": "compat", "timeout_ms": 5000, "headers": map[string]string{},
			"secret_headers": []string{"Authorization", "X-Api-Key", "X-Deploy-Key"}},
	}
	editor := s.editor
	if a := s.api.call(editor, "updateRule", ids, nil, map[string]any{"rule": moved}); a.status != http.StatusOK {
		t.Logf("the team admin may not edit the rule (%d %s); the owner moves it instead", a.status, excerpt(a.body))
		editor = s.owner
		s.must(s.api.call(editor, "updateRule", ids, nil, map[string]any{"rule": moved}), http.StatusOK, nil, "move endpoint ok to origin B")
	}
	var view2 ruleView
	s.must(s.api.call(s.owner, "getRule", ids, nil, nil), http.StatusOK, &view2, "get the moved rule")
	if view2.HasToken {
		t.Errorf("after moving endpoint ok to another origin the rule still has its compat token (contract: dropped)")
	}
	for _, ep := range view2.Endpoints {
		switch ep.ID {
		case "ok":
			if ep.HasSecret || len(ep.SecretHeadersSet) > 0 {
				t.Errorf("endpoint ok moved to %s keeps has_secret=%v, secret_headers_set=%v (contract: dropped)", s.b.Origin(), ep.HasSecret, ep.SecretHeadersSet)
			}
		case "fail":
			if !ep.HasSecret || !sameNames(ep.SecretHeadersSet, []string{"Authorization", "X-Api-Key", "X-Deploy-Key"}) {
				t.Errorf("endpoint fail (origin unchanged) should keep its secrets: has_secret=%v, secret_headers_set=%v", ep.HasSecret, ep.SecretHeadersSet)
			}
		}
	}
	s.ownerDM(editor, s.a.Origin(), s.b.Origin())

	trigger2 := s.post(s.f.Member, "exposure second message")
	s.triggers[trigger2.Id] = "post 2"
	if _, ok := s.b.waitFor(10*time.Second, func(rs []received) bool { return len(byPath(rs, 2, "/moved")) > 0 }); !ok {
		t.Errorf("phase 2: receiver B got no request within 10 s")
	}
	if _, ok := s.a.waitFor(10*time.Second, func(rs []received) bool { return len(byPath(rs, 2, "/fail")) > 0 }); !ok {
		t.Errorf("phase 2: receiver A got no /fail request within 10 s")
	}
	entries2 := s.waitLog(rule.ID, func(es []logEntry) bool {
		return final(es, trigger2.Id, "ok") != nil && final(es, trigger2.Id, "fail") != nil
	})
	// Replaying the delivery accepted (and signed) while endpoint ok was on origin A, now that its secrets are
	// dropped: it fails closed (contract: secret_missing), never goes out unsigned or with the old credentials.
	if okEntry != nil {
		s.api.call(s.editor, "replayDelivery", map[string]string{"ruleId": rule.ID, "deliveryId": okEntry.DeliveryID}, nil, nil)
		s.api.call(s.owner, "replayDelivery", map[string]string{"ruleId": rule.ID, "deliveryId": okEntry.DeliveryID}, nil, nil)
	}
	s.api.call(s.owner, "testDelivery", ids, nil, map[string]any{"message": "exposure bench two", "endpoint_id": "ok"})
	// A never-saved rule tested from the panel, pointing at B: none of the saved rule's secrets may go with it.
	draft := map[string]any{
		"name":      "Exposure draft",
		"scope":     map[string]any{"kind": "channels", "teamId": s.f.Alpha.Id, "channelIds": []string{s.f.Public.Id}},
		"trigger":   map[string]any{"mode": "exact", "words": []string{"exposure"}},
		"endpoints": []any{map[string]any{"id": "ok", "url": s.b.URL() + "/draft"}},
	}
	s.api.call(s.owner, "testDraftDelivery", map[string]string{"channelId": s.f.Public.Id}, nil, map[string]any{"rule": draft, "message": "exposure draft"})
	s.api.call(s.member, "testDraftDelivery", map[string]string{"channelId": s.f.Public.Id}, nil, map[string]any{"rule": draft, "message": "exposure draft"})
	s.waitQuiet()
	// Whatever the plugin does with the replay (fail closed, or send it bare to the endpoint's new URL), the
	// dropped credentials must not go out with it.
	var replays []string
	for _, r := range []*receiver{s.a, s.b} {
		for _, q := range byPath(r.requests(), 2, "") {
			if q.about(s.triggers) != "post 1" || q.path == "/fail" {
				continue
			}
			if signedWith(q, keyOK) || strings.Contains(headerText(q.header), m.authOK) || strings.Contains(headerText(q.header), m.deployOK) || strings.Contains(headerText(q.header), m.apiKeyOK) {
				replays = append(replays, fmt.Sprintf("receiver %s %s (signed with the old secret: %v; Authorization %q, X-Deploy-Key %q)",
					r.name, q.path, signedWith(q, keyOK), q.header.Get("Authorization"), q.header.Get("X-Deploy-Key")))
			}
		}
	}
	if len(replays) > 0 {
		t.Errorf("phase 2: replaying post 1's delivery to endpoint ok after its secrets were dropped sent them anyway (contract: fails closed, secret_missing): %v", replays)
	}
	for _, q := range byPath(s.b.requests(), 2, "") {
		if signedWith(q, keyOK) {
			t.Errorf("phase 2: receiver B got a request %s signed with endpoint ok's old secret", q.path)
		}
	}
	if fails := byPath(s.a.requests(), 2, "/fail"); len(fails) > 0 {
		s.expectHeaders("phase 2, A /fail (origin unchanged, secrets kept)", fails[0], map[string]string{"Authorization": "Bearer " + m.authFail, "X-Deploy-Key": m.deployFail, "X-Api-Key": m.apiKeyFail})
		if !signedWith(fails[0], keyFail) {
			t.Errorf("phase 2, A /fail: not signed with its (unchanged) endpoint's secret")
		}
	}
	_ = entries2

	// Phase 2 reads: everything again, the slash command, then revoke and delete.
	s.readEverything(rule.ID, started)
	s.slash(s.owner, "/tripwire list", "/tripwire log exposure-main")
	s.kvSinks(" (before the rule is deleted)") // the rule record must not hold secret header values (contract)
	s.api.call(s.owner, "removeSigningSecret", map[string]string{"ruleId": rule.ID, "endpointId": "fail"}, nil, nil)
	s.api.call(s.owner, "deleteInboundUrl", ids, nil, nil)
	s.api.call(s.owner, "setRuleEnabled", ids, nil, map[string]any{"enabled": false})
	s.api.call(s.owner, "deleteRule", ids, nil, nil)
	s.waitQuiet()

	// ---- where did each marker go? ----
	if missing := s.api.uncalled(); len(missing) > 0 {
		t.Errorf("routes of common/src/api.ts the exposure test does not call: %v (add them to the story)", missing)
	}
	s.collect()
	all := s.sinks.snapshot()

	kvStore := prefixes("kv dx_sec_", "kv dx_p_", "kv dx_f_") // the secret store, and queued/finished deliveries
	configViews := func(label string) bool {
		for _, r := range []string{"createRule", "getRule", "listChannelRules", "listTeamRules", "listMyRules", "listAllRules", "updateRule", "setRuleEnabled", "exportRules", "importRules"} {
			if strings.HasPrefix(label, "api "+r+" as ") {
				return true
			}
		}
		return strings.HasPrefix(label, "kv ") && !strings.HasPrefix(label, "kv dx_log_")
	}
	// Endpoint ok's credentials belong to origin A (whatever the phase: a replay that should have failed closed is
	// reported above); origin B never gets them.
	okHeaders := func(label string) bool {
		return strings.HasPrefix(label, "receiver A phase1 /ok header") || strings.HasPrefix(label, "receiver A phase2 /ok header") || kvStore(label)
	}
	failHeaders := func(label string) bool {
		return strings.HasPrefix(label, "receiver A phase1 /fail header") || strings.HasPrefix(label, "receiver A phase2 /fail header") || kvStore(label)
	}
	signing := func(ep string) func(string) bool {
		return func(label string) bool {
			return (strings.HasPrefix(label, "api setSigningSecret as owner") && strings.Contains(label, "/endpoints/"+ep+"/secret")) || strings.HasPrefix(label, "kv dx_sec_")
		}
	}
	markers := []*marker{
		{name: "signing_secret_ok", value: sigOK, forms: sigOKForms, allowed: signing("ok")},
		{name: "signing_secret_fail", value: sigFail, forms: sigFailForms, allowed: signing("fail")},
		{name: "authorization_ok", value: m.authOK, forms: []string{m.authOK}, allowed: okHeaders},
		{name: "secret_header_ok", value: m.deployOK, forms: []string{m.deployOK}, allowed: okHeaders},
		{name: "api_key_header_ok", value: m.apiKeyOK, forms: []string{m.apiKeyOK}, allowed: okHeaders},
		{name: "authorization_fail", value: m.authFail, forms: []string{m.authFail}, allowed: failHeaders},
		{name: "secret_header_fail", value: m.deployFail, forms: []string{m.deployFail}, allowed: failHeaders},
		{name: "api_key_header_fail", value: m.apiKeyFail, forms: []string{m.apiKeyFail}, allowed: failHeaders},
		// The token goes to every endpoint of the rule, and is dropped when one moves to another origin.
		{name: "compat_token", value: m.token, forms: []string{m.token}, allowed: func(l string) bool {
			return prefixes("receiver A phase1 /ok body", "receiver A phase1 /fail body", "kv dx_sec_", "kv dx_p_", "kv dx_f_")(l) ||
				// a delivery accepted before the move, replayed to origin A (which had the token then)
				(strings.HasPrefix(l, "receiver A phase2 ") && strings.HasSuffix(l, " body (post 1)"))
		}},
		{name: "native_import_token", value: m.native, forms: []string{m.native}, allowed: prefixes("kv dx_sec_")},
		// A query parameter is rule configuration (views show it), but it is a credential by its name: never logged.
		{name: "query_api_key", value: m.query, forms: []string{m.query}, allowed: func(l string) bool {
			return strings.HasPrefix(l, "receiver A phase1 /ok url") || strings.HasPrefix(l, "receiver A phase2 /ok url") || configViews(l)
		}},
		// Issued by the plugin: shown once to the manager who creates it / sent to the service it belongs to.
		{name: "inbound_url_token", value: inboundToken, forms: []string{inboundToken}, allowed: prefixes("api createInboundUrl as owner", "kv ")},
		{name: "inbound_url_token_archived", value: archivedToken, forms: []string{archivedToken}, allowed: prefixes("api createInboundUrl as owner", "kv ")},
		{name: "authorization_personal", value: m.personal, forms: []string{m.personal}, allowed: prefixes("receiver A phase1 /personal header", "kv dx_sec_")},
	}
	if responseToken != "" {
		markers = append(markers, &marker{name: "response_url_token", value: responseToken, forms: []string{responseToken},
			allowed: prefixes("receiver A phase1 /ok body", "receiver A phase2 /ok body", "kv ")})
	}
	for _, mk := range markers {
		t.Run(mk.name, func(t *testing.T) {
			allowed, forbidden := mk.find(all)
			if len(forbidden) > 0 {
				t.Error(report(mk, forbidden))
			}
			t.Logf("%s: %d allowed occurrence(s), %d forbidden", mk.name, len(allowed), len(forbidden))
		})
	}
	t.Logf("%d sinks scanned (%s) in %v; the calls made:\n%s", len(all), census(all), time.Since(started).Round(time.Millisecond), s.api.summary())
}

// start runs the real plugin under the host with two receivers (two origins) and logged-in users.
func start(t *testing.T) *story {
	t.Helper()
	root, err := host.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	manifest, exe := hosttest.RealPlugin(t)
	routes, err := loadRoutes(root)
	if err != nil {
		t.Fatal(err)
	}
	dir := hosttest.Scratch(t)
	s := &story{t: t, srv: memapi.NewServer(), sinks: &sinks{}, triggers: map[string]string{}}
	s.f = memapi.Seed(s.srv)
	// Loopback receivers: the SSRF guard refuses them unless the admin allows them (as `make demo` does); personal
	// rules are on, so the "me" views hold one.
	s.srv.SetPluginConfig(host.RealID, map[string]any{"AllowedHosts": "127.0.0.1/32", "EnableDirectMessageRules": true})
	s.owner = actor{name: "owner", user: s.f.ChanAdmin, token: s.srv.AddSession(s.f.ChanAdmin.Id).Token}
	s.editor = actor{name: "editor", user: s.f.TeamAdmin, token: s.srv.AddSession(s.f.TeamAdmin.Id).Token}
	s.member = actor{name: "member", user: s.f.Member, token: s.f.MemberSession.Token}
	s.admin = actor{name: "sysadmin", user: s.f.SysAdmin, token: s.srv.AddSession(s.f.SysAdmin.Id).Token}
	s.a, s.b = startReceiver("A", &s.phase), startReceiver("B", &s.phase)
	t.Cleanup(func() { s.a.close(); s.b.close() })

	s.h = hosttest.NewHost(t, dir, s.srv, hosttest.Options{DiagnosticsEnv: "TRIPWIRE_EXPOSURE_DIAGNOSTICS"})
	s.hooks = hosttest.Activate(t, s.h, manifest, exe)
	s.api = &client{h: s.h, routes: routes, sinks: s.sinks, called: map[string]bool{}}
	return s
}

// must checks an answer's status (fatal otherwise) and decodes it into out.
func (s *story) must(a answer, status int, out any, what string) {
	s.t.Helper()
	if a.status != status {
		s.t.Fatalf("%s: answered %d, want %d: %s", what, a.status, status, excerpt(a.body))
	}
	if out != nil {
		if err := a.json(out); err != nil {
			s.t.Fatalf("%s: %v: %s", what, err, excerpt(a.body))
		}
	}
}

// post stores a user's post in town-square and runs MessageHasBeenPosted, as Mattermost does.
func (s *story) post(user *model.User, message string) *model.Post {
	s.t.Helper()
	p, appErr := s.srv.InsertPost(&model.Post{UserId: user.Id, ChannelId: s.f.Public.Id, Message: message})
	if appErr != nil {
		s.t.Fatal(appErr)
	}
	s.hooks.MessageHasBeenPosted(&plugin.Context{RequestId: model.NewId(), IPAddress: "127.0.0.1"}, p)
	return p
}

// slash runs /tripwire commands in town-square as who, through the ExecuteCommand hook.
func (s *story) slash(who actor, commands ...string) {
	for _, c := range commands {
		res, appErr := s.hooks.ExecuteCommand(&plugin.Context{RequestId: model.NewId()}, &model.CommandArgs{
			UserId: who.user.Id, ChannelId: s.f.Public.Id, TeamId: s.f.Alpha.Id, Command: c, SiteURL: "http://tripwire.test",
		})
		data, _ := json.Marshal(struct {
			Response *model.CommandResponse
			Error    *model.AppError
		}{res, appErr})
		s.sinks.add(fmt.Sprintf("slash %q as %s", c, who.name), string(data))
	}
}

// readEverything calls every read route (and the harmless writes) as the owner, a member and the system admin.
func (s *story) readEverything(ruleID string, since time.Time) {
	ids := map[string]string{"ruleId": ruleID}
	ch := map[string]string{"channelId": s.f.Public.Id}
	for _, who := range []actor{s.owner, s.member, s.editor, s.admin} {
		s.api.call(who, "listChannelRules", ch, nil, nil)
		s.api.call(who, "listTeamRules", map[string]string{"teamId": s.f.Alpha.Id}, nil, nil)
		s.api.call(who, "listMyRules", nil, nil, nil)
		s.api.call(who, "listAllRules", nil, nil, nil)
		s.api.call(who, "getRule", ids, nil, nil)
		s.api.call(who, "listDeliveries", ids, nil, nil)
		s.api.call(who, "listDeliveries", ids, url.Values{"status": {"failed"}}, nil)
		s.api.call(who, "exportRules", nil, nil, map[string]any{"rule_ids": []string{ruleID}})
		s.api.call(who, "testMessage", ch, nil, map[string]any{"message": "exposure from the bench"})
		s.api.call(who, "getMe", nil, nil, nil)
		s.api.call(who, "getDirectOptIn", nil, nil, nil)
		s.api.call(who, "getGuardrails", nil, nil, nil)
		s.api.call(who, "getDeliveryHealth", nil, nil, nil)
		s.api.raw("openapi.json as "+who.name, who, http.MethodGet, s.api.routes.APIBase+"/openapi.json", "", nil)
		s.api.raw("autocomplete as "+who.name, who, http.MethodGet, "/autocomplete/rules?channel_id="+s.f.Public.Id, "", nil)
		s.api.raw("interactive action as "+who.name, who, http.MethodPost, "/interactive/action", "application/json", []byte(`{"post_id":"x","context":{}}`))
		s.api.raw("interactive dialog as "+who.name, who, http.MethodPost, "/interactive/dialog", "application/json", []byte(`{"callback_id":"x","state":"y"}`))
	}
	// A member may not manage the rule: what the refusals say must not help either.
	s.api.call(s.member, "testDelivery", ids, nil, map[string]any{"message": "exposure", "endpoint_id": "ok"})
	s.api.call(s.member, "setToken", ids, nil, map[string]any{"token": "member-try"})
	s.api.call(s.member, "setDirectOptIn", nil, nil, map[string]any{"all": true})
	s.api.call(s.member, "setDirectOptIn", nil, nil, map[string]any{"all": false})
	// An invalid guardrails body: the answer's field errors are scanned without changing the plugin's settings
	// (memapi has no SavePluginConfig).
	s.api.call(s.admin, "setGuardrails", nil, nil, map[string]any{"max_attempts": 0})
	_ = since
}

// transfers exports the rule and imports it back, imports a native outgoing webhook carrying a token, and removes
// what they created.
func (s *story) transfers(ruleID, nativeToken string) {
	var exp map[string]any
	if a := s.api.call(s.owner, "exportRules", nil, nil, map[string]any{"rule_ids": []string{ruleID}}); a.status == http.StatusOK {
		_ = a.json(&exp)
	}
	if exp != nil {
		exp["rules"] = renamed(exp["rules"], "Exposure copy")
		var res struct {
			Created []ruleView `json:"created"`
		}
		a := s.api.call(s.owner, "importRules", nil, nil, exp)
		_ = a.json(&res)
		for _, r := range res.Created {
			for _, ep := range r.Endpoints {
				s.api.call(s.owner, "setSigningSecret", map[string]string{"ruleId": r.ID, "endpointId": ep.ID}, nil, map[string]any{})
			}
			s.api.call(s.owner, "deleteRule", map[string]string{"ruleId": r.ID}, nil, nil)
		}
	}
	hook := map[string]any{
		"id": model.NewId(), "token": nativeToken, "creator_id": s.f.ChanAdmin.Id, "channel_id": s.f.Public.Id, "team_id": s.f.Alpha.Id,
		"trigger_words": []string{"nativeword"}, "trigger_when": 0, "callback_urls": []string{s.a.URL() + "/native"},
		"display_name": "Native hook", "content_type": "application/json",
	}
	s.api.call(s.owner, "importNativeWebhooks", nil, nil, map[string]any{"hooks": []any{hook}, "dry_run": true})
	var native struct {
		Results []struct {
			Rule *ruleView `json:"rule"`
		} `json:"results"`
	}
	a := s.api.call(s.owner, "importNativeWebhooks", nil, nil, map[string]any{"hooks": []any{hook}})
	_ = a.json(&native)
	for _, r := range native.Results {
		if r.Rule != nil {
			s.api.call(s.owner, "getRule", map[string]string{"ruleId": r.Rule.ID}, nil, nil)
			s.api.call(s.owner, "exportRules", nil, nil, map[string]any{"rule_ids": []string{r.Rule.ID}})
			s.api.call(s.owner, "deleteRule", map[string]string{"ruleId": r.Rule.ID}, nil, nil)
		}
	}
}

func renamed(rules any, name string) any {
	list, _ := rules.([]any)
	for _, r := range list {
		if m, ok := r.(map[string]any); ok {
			m["name"] = name
		}
	}
	return list
}

// ownerDM checks that the rule's owner got a bot DM naming the editor and both origins (contract).
func (s *story) ownerDM(editor actor, from, to string) {
	var found []string
	deadline := time.Now().Add(3 * time.Second)
	for time.Now().Before(deadline) {
		found = found[:0]
		for _, p := range s.srv.Posts() {
			ch := s.srv.Channel(p.ChannelId)
			if ch == nil || ch.Type != model.ChannelTypeDirect || !strings.Contains(ch.Name, s.owner.user.Id) || p.UserId == s.owner.user.Id {
				continue
			}
			found = append(found, p.Message)
			named := strings.Contains(p.Message, editor.user.Username) || strings.Contains(p.Message, editor.user.GetFullName()) || strings.Contains(p.Message, editor.user.Id)
			if strings.Contains(p.Message, to) && strings.Contains(p.Message, from) && named {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.t.Errorf("the owner got no DM naming @%s and the move of endpoint ok from %s to %s (contract); DMs to the owner: %q", editor.user.Username, from, to, found)
}

// waitLog polls the rule's delivery log (as the owner) until pred holds, for at most 10 s.
func (s *story) waitLog(ruleID string, pred func([]logEntry) bool) []logEntry {
	var out struct {
		Entries []logEntry `json:"entries"`
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		out.Entries = nil
		a := s.api.call(s.owner, "listDeliveries", map[string]string{"ruleId": ruleID}, nil, nil)
		_ = a.json(&out)
		if pred(out.Entries) || time.Now().After(deadline) {
			return out.Entries
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// waitQuiet waits until neither receiver got a request for 300 ms (deliveries started by the calls have run).
func (s *story) waitQuiet() {
	last := -1
	for i := 0; i < 50; i++ {
		n := len(s.a.requests()) + len(s.b.requests())
		if n == last {
			return
		}
		last = n
		time.Sleep(300 * time.Millisecond)
	}
}

// collect adds what the plugin left elsewhere: posts, ephemerals, events, logs, the KV store, receiver requests.
func (s *story) collect() {
	rec := s.srv.Recorder()
	for _, p := range s.srv.Posts() {
		data, _ := json.Marshal(p)
		s.sinks.add(fmt.Sprintf("post %s in %s by %s", p.Id, s.channelName(p.ChannelId), s.userName(p.UserId)), string(data))
	}
	for _, e := range rec.Ephemerals() {
		data, _ := json.Marshal(e.Post)
		s.sinks.add("ephemeral to "+s.userName(e.UserID), string(data))
	}
	for _, e := range rec.WebSocketEvents() {
		data, _ := json.Marshal(e.Payload)
		to, _ := json.Marshal(e.Broadcast)
		s.sinks.add(fmt.Sprintf("websocket %s to %s", e.Event, to), string(data))
	}
	for _, e := range rec.ClusterEvents() {
		s.sinks.add("cluster event "+e.Event.Id, string(e.Event.Data))
	}
	for _, d := range rec.Dialogs() {
		data, _ := json.Marshal(d)
		s.sinks.add("dialog", string(data))
	}
	for i, l := range rec.Logs() {
		s.sinks.add(fmt.Sprintf("plugin log #%d [%s] %q", i, l.Level, l.Message), l.String())
	}
	for i, line := range strings.Split(s.h.Logs(), "\n") {
		s.sinks.add(fmt.Sprintf("server log line %d", i+1), line)
	}
	s.kvSinks("")
	s.a.sinks(s.sinks, s.triggers)
	s.b.sinks(s.sinks, s.triggers)
}

// kvSinks adds every KV value of the plugin, labelled "kv <key><when>".
func (s *story) kvSinks(when string) {
	for _, k := range s.srv.KVKeys(host.RealID) {
		s.sinks.add("kv "+k+when, string(s.srv.KVValue(host.RealID, k)))
	}
}

// census counts the sinks by kind (the first word of their label), to show what the scan covered.
func census(all []sink) string {
	n := map[string]int{}
	var kinds []string
	for _, s := range all {
		k, _, _ := strings.Cut(s.label, " ")
		if n[k] == 0 {
			kinds = append(kinds, k)
		}
		n[k]++
	}
	var parts []string
	for _, k := range kinds {
		parts = append(parts, fmt.Sprintf("%s %d", k, n[k]))
	}
	return strings.Join(parts, ", ")
}

func (s *story) channelName(id string) string {
	if ch := s.srv.Channel(id); ch != nil {
		if ch.Type == model.ChannelTypeDirect {
			return "a DM"
		}
		return "~" + ch.Name
	}
	return id
}

func (s *story) userName(id string) string {
	if u := s.srv.User(id); u != nil {
		return "@" + u.Username
	}
	return id
}

func (s *story) expectHeaders(where string, q received, want map[string]string) {
	s.t.Helper()
	for name, v := range want {
		if got := q.header.Get(name); got != v {
			s.t.Errorf("%s: header %s = %q, want %q", where, name, got, v)
		}
	}
}

// byPath lists requests of a phase to a path ("" = any).
func byPath(rs []received, phase int, path string) []received {
	var out []received
	for _, r := range rs {
		if r.phase == phase && (path == "" || r.path == path) {
			out = append(out, r)
		}
	}
	return out
}

// final is the log entry of a delivery of post to endpoint that reached a final state.
func final(es []logEntry, postID, endpointID string) *logEntry {
	for i := range es {
		e := &es[i]
		if e.PostID == postID && e.EndpointID == endpointID && (e.Status == "succeeded" || e.Status == "failed" || e.Status == "dropped") {
			return e
		}
	}
	return nil
}

func sameNames(got, want []string) bool {
	if len(got) != len(want) {
		return false
	}
	seen := map[string]bool{}
	for _, g := range got {
		seen[strings.ToLower(g)] = true
	}
	for _, w := range want {
		if !seen[strings.ToLower(w)] {
			return false
		}
	}
	return true
}
