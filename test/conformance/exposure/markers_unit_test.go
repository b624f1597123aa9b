package exposure

import (
	"encoding/base64"
	"strings"
	"testing"
)

// The scanner itself: every form of a signing secret is found, allowed sinks are told apart, and the report names
// each forbidden sink once with its count.
func TestMarkerScan(t *testing.T) {
	secret, key, forms := newSigningSecret("Unit")
	if !strings.HasPrefix(secret, "whsec_") || len(key) != 32 || base64.StdEncoding.EncodeToString(key) != strings.TrimPrefix(secret, "whsec_") {
		t.Fatalf("newSigningSecret: %q with key %q", secret, key)
	}
	m := &marker{name: "unit", value: secret, forms: forms, allowed: prefixes("api setSigningSecret")}
	all := []sink{
		{"api setSigningSecret as owner", `{"secret":"` + secret + `"}`},
		{"plugin log #1", "key=" + base64.StdEncoding.EncodeToString(key)},
		{"server log line 3", "raw " + string(key) + " bytes"},
		{"server log line 3", "again " + secret},
		{"post 1", "nothing here"},
	}
	allowed, forbidden := m.find(all)
	if len(allowed) != 1 || len(forbidden) != 3 {
		t.Fatalf("allowed %v, forbidden %v; want 1 and 3", allowed, forbidden)
	}
	r := report(m, forbidden)
	for _, want := range []string{"in 2 place(s)", "plugin log #1", "server log line 3 (2 times)"} {
		if !strings.Contains(r, want) {
			t.Errorf("report lacks %q:\n%s", want, r)
		}
	}
	if strings.Contains(r, "post 1") || strings.Contains(r, "api setSigningSecret") {
		t.Errorf("report names a sink without the marker or an allowed one:\n%s", r)
	}
}
