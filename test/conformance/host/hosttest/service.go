package hosttest

import (
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// Request is one request a Service got.
type Request struct {
	Path   string
	Method string
	Header http.Header
	Body   []byte
}

// Answer is how a Service answers a path.
type Answer struct {
	Status   int
	Body     string
	Delay    time.Duration // before answering
	Location string
	Headers  map[string]string
}

// Service is a rule's external service on loopback: it records every request and answers from a table by path,
// else with its fallback; it also notes the most requests to each path it was answering at once.
type Service struct {
	URL string

	mu       sync.Mutex
	fallback Answer
	requests []Request
	answers  map[string]Answer
	inFlight map[string]int
	peak     map[string]int
}

// NewService starts a Service, closed when the test ends (start it before the host, so it outlives the plugin's
// last deliveries).
func NewService(t testing.TB, fallback Answer) *Service {
	s := &Service{fallback: fallback, answers: map[string]Answer{}, inFlight: map[string]int{}, peak: map[string]int{}}
	srv := httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = srv.URL
	t.Cleanup(srv.Close)
	return s
}

func (s *Service) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	s.requests = append(s.requests, Request{Path: r.URL.Path, Method: r.Method, Header: r.Header.Clone(), Body: body})
	a, ok := s.answers[r.URL.Path]
	s.inFlight[r.URL.Path]++
	s.peak[r.URL.Path] = max(s.peak[r.URL.Path], s.inFlight[r.URL.Path])
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.inFlight[r.URL.Path]--
		s.mu.Unlock()
	}()
	if !ok {
		a = s.fallback
	}
	time.Sleep(a.Delay)
	if a.Location != "" {
		w.Header().Set("Location", a.Location)
	}
	for k, v := range a.Headers {
		w.Header().Set(k, v)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(a.Status)
	_, _ = io.WriteString(w, a.Body)
}

// Answer sets how the service answers path from now on.
func (s *Service) Answer(path string, a Answer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.answers[path] = a
}

// On returns the requests made to a path so far.
func (s *Service) On(path string) []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Request
	for _, r := range s.requests {
		if r.Path == path {
			out = append(out, r)
		}
	}
	return out
}

// Last is the latest request made to a path; fatal when there is none.
func (s *Service) Last(t testing.TB, path string) Request {
	t.Helper()
	got := s.On(path)
	if len(got) == 0 {
		t.Fatalf("the service got no request on %s", path)
	}
	return got[len(got)-1]
}

// Count is how many requests the service got, on any path.
func (s *Service) Count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.requests)
}

// Hits counts the requests by path.
func (s *Service) Hits() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]int{}
	for _, r := range s.requests {
		out[r.Path]++
	}
	return out
}

// Peak is the most requests to path the service was answering at once.
func (s *Service) Peak(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.peak[path]
}
