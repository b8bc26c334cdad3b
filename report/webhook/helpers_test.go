package webhook

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/keyhound/keyhound/finding"
)

// request is what a test receiver saw.
type request struct {
	at     time.Time
	method string
	path   string
	header http.Header
	body   []byte
}

// receiver is an httptest server on 127.0.0.1 that records every request and
// answers with respond (default 200).
type receiver struct {
	*httptest.Server
	mu      sync.Mutex
	reqs    []request
	respond func(w http.ResponseWriter, r *http.Request, body []byte, n int) // n: 1-based count of requests with this delivery id
}

func newReceiver(t *testing.T, respond func(w http.ResponseWriter, r *http.Request, body []byte, n int)) *receiver {
	t.Helper()
	rc := &receiver{respond: respond}
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		rc.reqs = append(rc.reqs, request{time.Now(), r.Method, r.URL.Path, r.Header.Clone(), body})
		n := 0
		for _, q := range rc.reqs {
			if q.header.Get(HeaderDelivery) == r.Header.Get(HeaderDelivery) {
				n++
			}
		}
		rc.mu.Unlock()
		if rc.respond != nil {
			rc.respond(w, r, body, n)
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(rc.Close)
	return rc
}

func (rc *receiver) requests() []request {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]request(nil), rc.reqs...)
}

// byDelivery groups the requests by X-Keyhound-Delivery, in arrival order.
func (rc *receiver) byDelivery() map[string][]request {
	m := map[string][]request{}
	for _, q := range rc.requests() {
		id := q.header.Get(HeaderDelivery)
		m[id] = append(m[id], q)
	}
	return m
}

// mkFinding returns a finding of rule with severity whose secret is secret.
func mkFinding(rule, severity, secret string) finding.Finding {
	f := finding.Finding{
		RuleID:      rule,
		Description: "test rule " + rule,
		Severity:    severity,
		File:        "config/" + rule + ".env",
		Line:        3,
		Column:      7,
		EndLine:     3,
		EndColumn:   7 + len(secret),
		Secret:      secret,
		Match:       "TOKEN=" + secret,
		Entropy:     4.2,
		Tags:        []string{"test", rule},
	}
	f.Fingerprint = finding.Fingerprint(f.RuleID, f.Secret, f.File)
	return f
}

// fastOpts are options with millisecond backoff for tests.
func fastOpts() Options {
	return Options{BaseBackoff: 2 * time.Millisecond, MaxBackoff: 20 * time.Millisecond}
}

// syncBuffer is a bytes.Buffer safe for concurrent writers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func (s *syncBuffer) lines() []string {
	out := strings.TrimRight(s.String(), "\n")
	if out == "" {
		return nil
	}
	return strings.Split(out, "\n")
}

// deadURL returns the URL of a port on 127.0.0.1 that was listened on and
// closed: connections to it are refused.
func deadURL(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(http.NotFoundHandler())
	u := srv.URL
	srv.Close()
	return u + "/hook"
}
