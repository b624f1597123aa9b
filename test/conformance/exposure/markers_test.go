package exposure

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"sync"
)

// A marker is one secret value the test plants (or learns, for values the plugin issues: the inbound URL token,
// response_url tokens). forms are the strings searched for: the value itself and, for signing secrets, the base64
// key and the raw key bytes, so a secret logged in another encoding is still found.
type marker struct {
	name    string
	value   string
	forms   []string
	allowed func(sink string) bool // where the value may legitimately appear
}

// newMarker returns an alphanumeric marker (identical raw, URL-encoded and JSON-escaped) naming what it is.
func newMarker(what string) string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return "xpo" + what + hex.EncodeToString(b)
}

// newSigningSecret is a Standard Webhooks secret whose 32 key bytes are an ASCII marker: whsec_ + base64(key).
func newSigningSecret(what string) (secret string, key []byte, forms []string) {
	raw := newMarker(what)
	for len(raw) < 32 {
		raw += "k"
	}
	key = []byte(raw[:32])
	b64 := base64.StdEncoding.EncodeToString(key)
	return "whsec_" + b64, key, []string{"whsec_" + b64, b64, string(key)}
}

// sink is one place text left the plugin (an API answer, a log line, a post, an event, a request a receiver got).
type sink struct {
	label string
	text  string
}

// sinks collects everything observed during the story; safe for concurrent use.
type sinks struct {
	mu  sync.Mutex
	all []sink
}

func (s *sinks) add(label, text string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.all = append(s.all, sink{label: label, text: text})
}

func (s *sinks) snapshot() []sink {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]sink(nil), s.all...)
}

// finding is one occurrence of a marker in a sink.
type finding struct {
	sink    string
	excerpt string
}

// find lists, for a marker, every sink holding one of its forms.
func (m *marker) find(all []sink) (allowed, forbidden []finding) {
	for _, s := range all {
		for _, f := range m.forms {
			i := strings.Index(s.text, f)
			if i < 0 {
				continue
			}
			fd := finding{sink: s.label, excerpt: around(s.text, i, len(f))}
			if m.allowed != nil && m.allowed(s.label) {
				allowed = append(allowed, fd)
			} else {
				forbidden = append(forbidden, fd)
			}
			break
		}
	}
	return allowed, forbidden
}

// around shows ~70 characters either side of a hit, on one line.
func around(text string, at, n int) string {
	from, to := max(0, at-70), min(len(text), at+n+70)
	out := strings.NewReplacer("\n", `\n`, "\r", `\r`, "\t", " ").Replace(text[from:to])
	if from > 0 {
		out = "…" + out
	}
	if to < len(text) {
		out += "…"
	}
	return out
}

// report renders the forbidden findings of a marker, grouped by sink label (at most 3 excerpts per label).
func report(m *marker, forbidden []finding) string {
	byLabel := map[string][]string{}
	for _, f := range forbidden {
		byLabel[f.sink] = append(byLabel[f.sink], f.excerpt)
	}
	labels := make([]string, 0, len(byLabel))
	for l := range byLabel {
		labels = append(labels, l)
	}
	sort.Strings(labels)
	var b strings.Builder
	fmt.Fprintf(&b, "marker %s (%s) found where it must not be, in %d place(s):\n", m.name, m.value, len(labels))
	for _, l := range labels {
		ex := byLabel[l]
		fmt.Fprintf(&b, "  - %s", l)
		if len(ex) > 1 {
			fmt.Fprintf(&b, " (%d times)", len(ex))
		}
		b.WriteString("\n")
		for _, e := range ex[:min(3, len(ex))] {
			fmt.Fprintf(&b, "      %s\n", e)
		}
	}
	return b.String()
}

// prefixes is an allowed-sink predicate: the sink label starts with one of the prefixes.
func prefixes(ps ...string) func(string) bool {
	return func(label string) bool {
		for _, p := range ps {
			if strings.HasPrefix(label, p) {
				return true
			}
		}
		return false
	}
}
