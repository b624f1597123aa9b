// Package interactive drives Tripwire's HTTP surface (server/dist/http-plugin.js: the REST API, buttons, dialogs and
// inbound URLs over the real rule store and dispatcher) through Mattermost's real plugin host: a user clicks a
// button of a Tripwire post and submits the dialog the service asked for, with the requests shaped exactly as
// Mattermost's DoPostActionWithCookie and SubmitInteractiveDialog send them to a plugin URL. The service is a local
// HTTP server; the plugin reaches it because the admin's allow list (AllowedHosts) names 127.0.0.1.
package interactive

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/tripwire/test/conformance/host"
	"github.com/tripwire/test/conformance/host/hosttest"
	"github.com/tripwire/test/conformance/memapi"
)

const signingSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

// verifySignature checks a Standard Webhooks signature as a receiver would.
func verifySignature(t *testing.T, r hosttest.Request) {
	t.Helper()
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(signingSecret, "whsec_"))
	if err != nil {
		t.Fatal(err)
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(r.Header.Get("Webhook-Id") + "." + r.Header.Get("Webhook-Timestamp") + "."))
	mac.Write(r.Body)
	want := "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil))
	if r.Header.Get("Webhook-Signature") != want {
		t.Fatalf("webhook-signature %q, want %q", r.Header.Get("Webhook-Signature"), want)
	}
}

type env struct {
	t   *testing.T
	srv *memapi.Server
	fx  *memapi.Fixtures
	web *httptest.Server
	svc *hosttest.Service
}

func setup(t *testing.T) *env {
	root, err := host.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	bundle := filepath.Join(root, "server", "dist", "http-plugin.js")
	if _, err := os.Stat(bundle); err != nil {
		t.Fatalf("%v (build it with `make server-build`)", err)
	}
	manifest, err := host.RealManifest(root)
	if err != nil {
		t.Fatal(err)
	}
	srv := memapi.NewServer()
	fx := memapi.Seed(srv)
	svc := hosttest.NewService(t, hosttest.Answer{Status: 200}) // closed after the host
	h := hosttest.NewHost(t, hosttest.Scratch(t), srv, hosttest.Options{})
	e := &env{t: t, srv: srv, fx: fx, web: httptest.NewServer(h), svc: svc}
	srv.SetSiteURL(e.web.URL)
	srv.SetPluginConfig(host.RealID, map[string]any{"AllowedHosts": "127.0.0.1"})
	t.Cleanup(e.web.Close)
	hosttest.Activate(t, h, manifest, host.Executable{Bundle: bundle})
	return e
}

// do sends a request to /plugins/tripwire<path> through the host's ServePluginRequest front, as token's user
// (no token: anonymous). A nil contentType sends none, as Mattermost's doPluginRequest does.
func (e *env) do(method, path, token string, contentType string, body []byte) (int, []byte) {
	e.t.Helper()
	req, err := http.NewRequest(method, e.web.URL+"/plugins/"+host.RealID+path, bytes.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	res, err := e.web.Client().Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	return res.StatusCode, data
}

func (e *env) json(method, path, token string, in any, wantStatus int, out any) {
	e.t.Helper()
	var body []byte
	if in != nil {
		body, _ = json.Marshal(in)
	}
	status, data := e.do(method, path, token, "application/json", body)
	if status != wantStatus {
		e.t.Fatalf("%s %s = %d %s, want %d", method, path, status, data, wantStatus)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			e.t.Fatalf("%s %s: %v in %s", method, path, err, data)
		}
	}
}

// buttonPost makes the plugin post a message with one button aimed at the service, through the rule's inbound
// URL, and returns the post as Mattermost stored it.
func (e *env) buttonPost() (*model.Post, string) {
	t := e.t
	admin := e.srv.AddSession(e.fx.ChanAdmin.Id).Token
	spec := map[string]any{
		"name":      "Deploys",
		"scope":     map[string]any{"kind": "channels", "teamId": e.fx.Alpha.Id, "channelIds": []string{e.fx.Public.Id}},
		"trigger":   map[string]any{"mode": "exact", "words": []string{"deploy"}},
		"endpoints": []any{map[string]any{"id": "main", "url": e.svc.URL + "/hook"}},
	}
	var rule struct{ ID string }
	e.json(http.MethodPost, "/api/v1/rules", admin, spec, http.StatusCreated, &rule)
	e.json(http.MethodPut, "/api/v1/rules/"+rule.ID+"/endpoints/main/secret", admin, map[string]any{"secret": signingSecret}, http.StatusOK, nil)
	var inbound struct{ URL string }
	e.json(http.MethodPost, "/api/v1/rules/"+rule.ID+"/inbound", admin, nil, http.StatusCreated, &inbound)

	message := map[string]any{
		"text": "Deploy api to prod?",
		"attachments": []any{map[string]any{"actions": []any{map[string]any{
			"id": "approve", "name": "Approve", "type": "button",
			"integration": map[string]any{"url": e.svc.URL + "/act", "context": map[string]any{"ticket": 42}},
		}}}},
	}
	path := strings.TrimPrefix(inbound.URL, e.web.URL+"/plugins/"+host.RealID)
	body, _ := json.Marshal(message)
	if status, data := e.do(http.MethodPost, path, "", "application/json", body); status != http.StatusOK || string(data) != "ok" {
		t.Fatalf("POST inbound = %d %s", status, data)
	}
	posts := e.srv.Posts()
	if len(posts) == 0 {
		t.Fatal("the inbound URL created no post")
	}
	return posts[len(posts)-1], rule.ID
}

// click does what Mattermost's DoPostActionWithCookie does for a plugin URL: it builds the
// PostActionIntegrationRequest from the stored post's action and POSTs it, without a Content-Type, as the user.
func (e *env) click(post *model.Post, token, triggerID string, context map[string]any) (int, []byte) {
	e.t.Helper()
	action := post.GetAction("approve")
	if action == nil || action.Integration == nil {
		e.t.Fatalf("the post has no approve action: %s", postJSON(post))
	}
	if context == nil {
		context = action.Integration.Context
	}
	request := model.PostActionIntegrationRequest{
		UserId: e.fx.Member.Id, UserName: e.fx.Member.Username, ChannelId: post.ChannelId, ChannelName: "town-square",
		TeamId: e.fx.Alpha.Id, TeamName: "alpha", PostId: post.Id, TriggerId: triggerID, Type: action.Type, Context: context,
	}
	body, _ := json.Marshal(request)
	path := strings.TrimPrefix(action.Integration.URL, "/plugins/"+host.RealID)
	return e.do(http.MethodPost, path, token, "", body)
}

func postJSON(p *model.Post) string {
	data, _ := json.Marshal(p)
	return string(data)
}

func TestButtonClickAndDialogSubmit(t *testing.T) {
	e := setup(t)
	post, _ := e.buttonPost()
	action := post.GetAction("approve")
	if action.Integration.URL != "/plugins/tripwire/interactive/action" {
		t.Fatalf("the button points at %q, want the plugin", action.Integration.URL)
	}
	if _, leaked := action.Integration.Context["ticket"]; leaked || strings.Contains(postJSON(post), e.svc.URL) {
		t.Fatalf("the service's URL or context is readable in the post: %s", postJSON(post))
	}
	member := e.fx.MemberSession.Token

	t.Run("a click is forwarded, signed, and the service's update comes back", func(t *testing.T) {
		e.svc.Answer("/act", hosttest.Answer{Status: 200, Body: `{"update": {"message": "Approved by Mia"}, "ephemeral_text": "Done."}`})
		status, data := e.click(post, member, "trigger-1", nil)
		var answer model.PostActionIntegrationResponse
		if status != http.StatusOK || json.Unmarshal(data, &answer) != nil {
			t.Fatalf("click = %d %s", status, data)
		}
		if answer.Update == nil || answer.Update.Message != "Approved by Mia" || answer.EphemeralText != "Done." {
			t.Fatalf("answer = %s", data)
		}
		got := e.svc.Last(t, "/act")
		verifySignature(t, got)
		var forwarded model.PostActionIntegrationRequest
		if err := json.Unmarshal(got.Body, &forwarded); err != nil {
			t.Fatal(err)
		}
		if forwarded.UserId != e.fx.Member.Id || forwarded.PostId != post.Id || forwarded.TriggerId != "trigger-1" || forwarded.Context["ticket"] != float64(42) {
			t.Fatalf("forwarded %s", got.Body)
		}
		if _, ok := forwarded.Context["tripwire"]; ok {
			t.Fatalf("the plugin's envelope reached the service: %s", got.Body)
		}
	})

	t.Run("the dialog the service asks for is opened with the click's trigger id, and its errors reach the dialog", func(t *testing.T) {
		e.svc.Answer("/act", hosttest.Answer{Status: 200, Body: `{"dialog": {"callback_id": "why", "title": "Why approve?", "state": "svc-state",
			"elements": [{"display_name": "Reason", "name": "reason", "type": "text"}]}, "dialog_url": "` + e.svc.URL + `/submit"}`})
		e.svc.Answer("/submit", hosttest.Answer{Status: 200, Body: `{"errors": {"reason": "Tell us why"}}`})
		if status, data := e.click(post, member, "trigger-2", nil); status != http.StatusOK {
			t.Fatalf("click = %d %s", status, data)
		}
		dialogs := e.srv.Recorder().Dialogs()
		if len(dialogs) != 1 {
			t.Fatalf("%d dialogs opened, want 1", len(dialogs))
		}
		d := dialogs[0]
		if d.TriggerId != "trigger-2" || d.URL != "/plugins/tripwire/interactive/dialog" || d.Dialog.Title != "Why approve?" || d.Dialog.CallbackId != "why" ||
			len(d.Dialog.Elements) != 1 || d.Dialog.Elements[0].Name != "reason" || d.Dialog.State == "svc-state" {
			t.Fatalf("dialog = %+v", d)
		}

		// Mattermost's SubmitInteractiveDialog: the submission goes to the dialog's URL as the submitting user.
		submit := model.SubmitDialogRequest{
			Type: "dialog_submission", CallbackId: d.Dialog.CallbackId, State: d.Dialog.State, UserId: e.fx.Member.Id,
			ChannelId: e.fx.Public.Id, TeamId: e.fx.Alpha.Id, Submission: map[string]any{"reason": ""},
		}
		body, _ := json.Marshal(submit)
		status, data := e.do(http.MethodPost, strings.TrimPrefix(d.URL, "/plugins/"+host.RealID), member, "", body)
		var answer model.SubmitDialogResponse
		if status != http.StatusOK || json.Unmarshal(data, &answer) != nil || answer.Errors["reason"] != "Tell us why" {
			t.Fatalf("submit = %d %s", status, data)
		}
		got := e.svc.Last(t, "/submit")
		verifySignature(t, got)
		var forwarded model.SubmitDialogRequest
		if err := json.Unmarshal(got.Body, &forwarded); err != nil || forwarded.State != "svc-state" || forwarded.UserId != e.fx.Member.Id {
			t.Fatalf("forwarded submission %s", got.Body)
		}

		// Another user cannot submit this dialog.
		other := e.srv.AddSession(e.fx.ChanAdmin.Id).Token
		submit.UserId = e.fx.ChanAdmin.Id
		body, _ = json.Marshal(submit)
		// Mattermost decodes this answer as a SubmitDialogResponse whatever its status: a refusal is its `error` line.
		if status, data := e.do(http.MethodPost, "/interactive/dialog", other, "", body); status != http.StatusOK || !strings.Contains(string(data), `"error":"not a Tripwire dialog`) {
			t.Fatalf("submit as another user = %d %s, want 200 with a SubmitDialogResponse error", status, data)
		}
	})

	t.Run("clicks that are not Mattermost's are refused", func(t *testing.T) {
		before := e.svc.Count()
		if status, _ := e.click(post, "", "trigger-3", nil); status != http.StatusUnauthorized {
			t.Errorf("anonymous click = %d, want 401", status)
		}
		// Refusals answer as a PostActionIntegrationResponse, so the user is told why.
		refused := `"ephemeral_text":"not an action of a Tripwire post"`
		if status, data := e.click(post, member, "trigger-3", map[string]any{"tripwire": "forged.envelope"}); status != http.StatusOK || !strings.Contains(string(data), refused) {
			t.Errorf("forged context = %d %s, want 200 with the refusal as ephemeral text", status, data)
		}
		outsider := e.srv.AddSession(e.fx.Outsider.Id).Token
		// The outsider's click carries the member's request, so it is refused before the channel check: any refusal will do.
		if status, data := e.click(post, outsider, "trigger-3", nil); status != http.StatusOK || !strings.HasPrefix(string(data), `{"ephemeral_text":"`) {
			t.Errorf("click by a user who cannot read the channel = %d %s, want 200 with a refusal as ephemeral text", status, data)
		}
		if e.svc.Count() != before {
			t.Errorf("refused clicks reached the service")
		}
	})
}

func TestRestApiThroughTheHost(t *testing.T) {
	e := setup(t)
	admin := e.srv.AddSession(e.fx.ChanAdmin.Id).Token
	member := e.fx.MemberSession.Token
	outsider := e.srv.AddSession(e.fx.Outsider.Id).Token
	private := map[string]any{
		"name":    "Secret",
		"scope":   map[string]any{"kind": "channels", "teamId": e.fx.Alpha.Id, "channelIds": []string{e.fx.Private.Id}},
		"trigger": map[string]any{"mode": "any"},
		"enabled": false,
	}
	var rule struct {
		ID        string `json:"id"`
		CanManage bool   `json:"can_manage"`
	}
	e.json(http.MethodPost, "/api/v1/rules", admin, private, http.StatusCreated, &rule)
	if !rule.CanManage {
		t.Fatalf("the channel admin cannot manage the rule they created")
	}
	for _, tc := range []struct {
		name   string
		token  string
		status int
	}{
		{"the channel admin", admin, http.StatusOK},
		{"a member", member, http.StatusForbidden},
		{"a non-member of the private channel", outsider, http.StatusNotFound},
		{"nobody (no session)", "", http.StatusUnauthorized},
	} {
		if status, data := e.do(http.MethodGet, "/api/v1/rules/"+rule.ID, tc.token, "", nil); status != tc.status {
			t.Errorf("GET rule as %s = %d %s, want %d", tc.name, status, data, tc.status)
		}
	}
	// A client cannot claim to be someone else: the host drops Mattermost-User-Id from requests.
	req, _ := http.NewRequest(http.MethodGet, e.web.URL+"/plugins/tripwire/api/v1/me", nil)
	req.Header.Set("Mattermost-User-Id", e.fx.SysAdmin.Id)
	res, err := e.web.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusUnauthorized {
		t.Errorf("spoofed Mattermost-User-Id = %d, want 401", res.StatusCode)
	}
}
