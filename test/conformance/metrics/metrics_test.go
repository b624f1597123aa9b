// Package metrics scrapes the real Tripwire plugin (server/dist/plugin.js) through Mattermost's ServeMetrics hook,
// called as the metrics listener calls it (the hooks RPC client, a response-writer stream), after real deliveries to
// a local service, and parses the answer with Prometheus' own text parser (github.com/prometheus/common/expfmt).
// It also reads the System Console's health summary, which is built from the same figures.
package metrics

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/mattermost/mattermost/server/public/plugin"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	pmodel "github.com/prometheus/common/model"

	"github.com/tripwire/test/conformance/host"
	"github.com/tripwire/test/conformance/host/hosttest"
	"github.com/tripwire/test/conformance/memapi"
)

// The message every trigger post carries: no label value may contain it (labels are ids and enums only).
const probe = "metrics probe 7f3a"

type env struct {
	t     *testing.T
	srv   *memapi.Server
	fx    *memapi.Fixtures
	web   *httptest.Server
	hooks plugin.Hooks
	svc   *hosttest.Service
	admin string // the system admin's session
	owner string // the channel admin's session: owner of the rules
	last  string // the last scrape's text (shown with -v, and when the test fails)
}

func setup(t *testing.T) *env {
	manifest, exe := hosttest.RealPlugin(t)
	srv := memapi.NewServer()
	fx := memapi.Seed(srv)
	// /ok answers 200; /bad answers 503 (retried at once: Retry-After 0).
	svc := hosttest.NewService(t, hosttest.Answer{Status: http.StatusOK, Body: "{}"}) // closed after the host
	svc.Answer("/bad", hosttest.Answer{Status: http.StatusServiceUnavailable, Headers: map[string]string{"Retry-After": "0"}})
	h := hosttest.NewHost(t, hosttest.Scratch(t), srv, hosttest.Options{})
	e := &env{t: t, srv: srv, fx: fx, web: httptest.NewServer(h), svc: svc}
	srv.SetSiteURL(e.web.URL)
	srv.SetPluginConfig(host.RealID, map[string]any{"AllowedHosts": "127.0.0.1/32"})
	t.Cleanup(e.web.Close)
	e.hooks = hosttest.Activate(t, h, manifest, exe)
	e.admin = srv.AddSession(fx.SysAdmin.Id).Token
	e.owner = srv.AddSession(fx.ChanAdmin.Id).Token
	return e
}

// call sends a REST request to /plugins/tripwire/api/v1<path> and checks the status.
func (e *env) call(method, path, token string, in any, want int, out any) {
	e.t.Helper()
	hosttest.CallAPI(e.t, e.web, method, path, token, in, want, out)
}

// rule saves a town-square rule for every message, with one endpoint "main" on the service's path.
func (e *env) rule(name, path string, delivery map[string]any) string {
	e.t.Helper()
	spec := map[string]any{
		"name":      name,
		"scope":     map[string]any{"kind": "channels", "teamId": e.fx.Alpha.Id, "channelIds": []string{e.fx.Public.Id}},
		"trigger":   map[string]any{"mode": "any"},
		"endpoints": []any{map[string]any{"id": "main", "url": e.svc.URL + path}},
		"delivery":  delivery,
	}
	var rule struct{ ID string }
	e.call(http.MethodPost, "/rules", e.owner, spec, http.StatusCreated, &rule)
	return rule.ID
}

func (e *env) post(message string) {
	p, appErr := e.srv.InsertPost(&model.Post{UserId: e.fx.Member.Id, ChannelId: e.fx.Public.Id, Message: message})
	if appErr != nil {
		e.t.Fatal(appErr)
	}
	e.hooks.MessageHasBeenPosted(&plugin.Context{RequestId: model.NewId()}, p)
}

// scrape calls ServeMetrics as Mattermost's metrics listener does and parses the body with Prometheus' parser.
func (e *env) scrape() map[string]*dto.MetricFamily {
	e.t.Helper()
	rec := httptest.NewRecorder()
	e.hooks.ServeMetrics(&plugin.Context{}, rec, httptest.NewRequest(http.MethodGet, "/", nil))
	if rec.Code != http.StatusOK {
		e.t.Fatalf("ServeMetrics = %d %s", rec.Code, rec.Body.String())
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/plain; version=0.0.4") {
		e.t.Fatalf("Content-Type %q, want the Prometheus text format", ct)
	}
	parser := expfmt.NewTextParser(pmodel.LegacyValidation)
	families, err := parser.TextToMetricFamilies(strings.NewReader(rec.Body.String()))
	if err != nil {
		e.t.Fatalf("not Prometheus text: %v\n%s", err, rec.Body.String())
	}
	e.last = rec.Body.String()
	return families
}

// value finds the sample of a counter or gauge (or a histogram's count) whose labels include `labels`.
func value(families map[string]*dto.MetricFamily, name string, labels map[string]string) (float64, bool) {
	f := families[name]
	if f == nil {
		return 0, false
	}
outer:
	for _, m := range f.GetMetric() {
		have := map[string]string{}
		for _, l := range m.GetLabel() {
			have[l.GetName()] = l.GetValue()
		}
		for k, v := range labels {
			if have[k] != v {
				continue outer
			}
		}
		switch f.GetType() {
		case dto.MetricType_COUNTER:
			return m.GetCounter().GetValue(), true
		case dto.MetricType_GAUGE:
			return m.GetGauge().GetValue(), true
		case dto.MetricType_HISTOGRAM:
			return float64(m.GetHistogram().GetSampleCount()), true
		}
	}
	return 0, false
}

func TestMetricsScrape(t *testing.T) {
	e := setup(t)
	ok := e.rule("metrics ok", "/ok", map[string]any{})
	bad := e.rule("metrics bad", "/bad", map[string]any{"max_attempts": 2})
	limited := e.rule("metrics limited", "/limited", map[string]any{"rate_per_rule_per_minute": 1, "rate_overflow": "drop"})

	e.post(probe + " one")
	e.post(probe + " two")

	// Two posts: /ok twice, /bad twice per delivery (503, retried once), /limited once (the second is dropped).
	want := map[string]int{"/ok": 2, "/bad": 4, "/limited": 1}
	var families map[string]*dto.MetricFamily
	deadline := time.Now().Add(10 * time.Second)
	for {
		families = e.scrape()
		failed, _ := value(families, "tripwire_deliveries_total", map[string]string{"rule_id": bad, "outcome": "failed"})
		succeeded, _ := value(families, "tripwire_deliveries_total", map[string]string{"rule_id": ok, "outcome": "succeeded"})
		if (failed == 2 && succeeded == 2) || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if hits := e.svc.Hits(); fmt.Sprint(hits) != fmt.Sprint(want) {
		t.Errorf("the service got %v, want %v", hits, want)
	}

	t.Logf("scrape after the deliveries:\n%s", e.last)
	for _, name := range []string{
		"tripwire_deliveries_total", "tripwire_delivery_attempts_total", "tripwire_delivery_retries_total",
		"tripwire_delivery_attempt_duration_seconds", "tripwire_deliveries_dropped_total", "tripwire_rate_limited_total",
		"tripwire_queue_depth", "tripwire_queue_oldest_age_seconds", "tripwire_breakers", "tripwire_breaker_transitions_total",
		"tripwire_hook_duration_seconds", "tripwire_match_duration_seconds",
	} {
		if families[name] == nil {
			t.Errorf("family %s missing from the scrape", name)
		}
	}
	if f := families["tripwire_delivery_attempt_duration_seconds"]; f != nil && f.GetType() != dto.MetricType_HISTOGRAM {
		t.Errorf("attempt durations are a %v, want a histogram", f.GetType())
	}

	checks := []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"tripwire_deliveries_total", map[string]string{"rule_id": ok, "endpoint_id": "main", "outcome": "succeeded"}, 2},
		{"tripwire_deliveries_total", map[string]string{"rule_id": bad, "endpoint_id": "main", "outcome": "failed"}, 2},
		{"tripwire_deliveries_total", map[string]string{"rule_id": limited, "endpoint_id": "main", "outcome": "succeeded"}, 1},
		{"tripwire_deliveries_total", map[string]string{"rule_id": limited, "endpoint_id": "main", "outcome": "dropped"}, 1},
		{"tripwire_delivery_attempts_total", map[string]string{"rule_id": bad, "endpoint_id": "main", "outcome": "retrying"}, 2},
		{"tripwire_delivery_attempts_total", map[string]string{"rule_id": bad, "endpoint_id": "main", "outcome": "failed"}, 2},
		{"tripwire_delivery_retries_total", map[string]string{"rule_id": bad, "endpoint_id": "main"}, 2},
		{"tripwire_delivery_attempt_duration_seconds", map[string]string{"rule_id": ok, "endpoint_id": "main"}, 2},
		{"tripwire_delivery_attempt_duration_seconds", map[string]string{"rule_id": bad, "endpoint_id": "main"}, 4},
		{"tripwire_deliveries_dropped_total", map[string]string{"rule_id": limited, "reason": "rate_limited"}, 1},
		{"tripwire_rate_limited_total", map[string]string{"rule_id": limited, "action": "dropped"}, 1},
		{"tripwire_hook_duration_seconds", map[string]string{"hook": "MessageHasBeenPosted"}, 2},
		{"tripwire_match_duration_seconds", map[string]string{"event": "posted"}, 2},
		{"tripwire_queue_depth", map[string]string{"state": "scheduled"}, 0},
		{"tripwire_queue_depth", map[string]string{"state": "in_flight"}, 0},
		{"tripwire_queue_oldest_age_seconds", nil, 0},
		// One host for all three endpoints: 4 failures in 9 attempts stays under the breaker's thresholds.
		{"tripwire_breakers", map[string]string{"state": "closed"}, 1},
		{"tripwire_breakers", map[string]string{"state": "open"}, 0},
	}
	for _, c := range checks {
		got, found := value(families, c.name, c.labels)
		if !found || got != c.want {
			t.Errorf("%s%v = %v (found %v), want %v", c.name, c.labels, got, found, c.want)
		}
	}

	// Labels are ids and enums: nothing of the posts' text.
	for name, f := range families {
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if strings.Contains(l.GetValue(), "probe") {
					t.Errorf("%s has label %s=%q from a message", name, l.GetName(), l.GetValue())
				}
			}
		}
	}

	// The System Console's summary: the same figures, most failing first; system admins only.
	var health struct {
		Rules []struct {
			RuleID    string `json:"rule_id"`
			RuleName  string `json:"rule_name"`
			Failed    int    `json:"failed"`
			Succeeded int    `json:"succeeded"`
			Dropped   int    `json:"dropped"`
		} `json:"rules"`
		Endpoints []struct {
			RuleID     string `json:"rule_id"`
			EndpointID string `json:"endpoint_id"`
			Failed     int    `json:"failed"`
			Retrying   int    `json:"retrying"`
		} `json:"endpoints"`
		Queue struct {
			Scheduled        int     `json:"scheduled"`
			OldestAgeSeconds float64 `json:"oldest_age_seconds"`
		} `json:"queue"`
		Breakers struct {
			Open int `json:"open"`
		} `json:"breakers"`
	}
	e.call(http.MethodGet, "/admin/delivery-health", e.admin, nil, http.StatusOK, &health)
	if len(health.Rules) == 0 || health.Rules[0].RuleID != bad || health.Rules[0].Failed != 2 || health.Rules[0].RuleName != "metrics bad" {
		t.Errorf("health rules = %+v, want %q (metrics bad, 2 failed) first", health.Rules, bad)
	}
	if len(health.Endpoints) == 0 || health.Endpoints[0].RuleID != bad || health.Endpoints[0].Failed != 2 || health.Endpoints[0].Retrying != 2 {
		t.Errorf("health endpoints = %+v, want %q/main (2 failed, 2 retrying) first", health.Endpoints, bad)
	}
	e.call(http.MethodGet, "/admin/delivery-health", e.owner, nil, http.StatusForbidden, nil)

	// Deleting a rule drops its series: deleted rules never pile up label values.
	e.call(http.MethodDelete, "/rules/"+bad, e.owner, nil, http.StatusNoContent, nil)
	families = e.scrape()
	for name, f := range families {
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "rule_id" && l.GetValue() == bad {
					t.Errorf("%s still has a series of the deleted rule", name)
				}
			}
		}
	}
	if got, _ := value(families, "tripwire_deliveries_total", map[string]string{"rule_id": ok, "outcome": "succeeded"}); got != 2 {
		t.Errorf("the other rules' series went too: ok succeeded = %v", got)
	}
}
