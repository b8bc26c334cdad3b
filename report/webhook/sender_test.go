package webhook

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/keyhound/keyhound/finding"
	"github.com/keyhound/keyhound/rules"
)

const testSecret = "ghp_S3cr3tT0k3nValue0123456789abcdefABCD"

func TestSignatureAndHeaders(t *testing.T) {
	key := []byte("receiver-shared-key")
	rc := newReceiver(t, nil)
	hook := Hook{URL: rc.URL + "/hooks/keyhound", Secret: key, Headers: map[string]string{"Authorization": "Bearer t0k"}}
	s := NewSender([]Hook{hook}, fastOpts())
	f := mkFinding("github-pat", "high", testSecret)
	f.Commit, f.Author, f.Date = "0123456789abcdef0123456789abcdef01234567", "Ada", "2024-05-01T10:00:00Z"
	s.Send(f)
	sum := s.Close()
	if got := sum.Hooks[0]; got.Delivered != 1 || got.Failed != 0 {
		t.Fatalf("summary %+v, want 1 delivered", got)
	}

	reqs := rc.requests()
	if len(reqs) != 1 {
		t.Fatalf("receiver saw %d requests, want 1", len(reqs))
	}
	q := reqs[0]
	// The receiver's own verification: HMAC-SHA256 over the raw body.
	m := hmac.New(sha256.New, key)
	m.Write(q.body)
	want := "sha256=" + hex.EncodeToString(m.Sum(nil))
	if got := q.header.Get(HeaderSignature); !hmac.Equal([]byte(got), []byte(want)) {
		t.Errorf("signature %q, want %q", got, want)
	}
	if !Verify(key, q.body, q.header.Get(HeaderSignature)) {
		t.Error("Verify rejects a genuine signature")
	}
	if Verify([]byte("another key"), q.body, q.header.Get(HeaderSignature)) {
		t.Error("signature verifies under another key")
	}
	tampered := bytes.Replace(q.body, []byte("github-pat"), []byte("github-pet"), 1)
	if Verify(key, tampered, q.header.Get(HeaderSignature)) {
		t.Error("signature verifies over a modified body")
	}

	for name, want := range map[string]string{
		"Content-Type":  "application/json",
		"User-Agent":    "keyhound",
		HeaderEvent:     "secret.detected",
		"Authorization": "Bearer t0k",
	} {
		if got := q.header.Get(name); got != want {
			t.Errorf("header %s = %q, want %q", name, got, want)
		}
	}
	if q.method != http.MethodPost || q.path != "/hooks/keyhound" {
		t.Errorf("request %s %s, want POST /hooks/keyhound", q.method, q.path)
	}
	id := q.header.Get(HeaderDelivery)
	if !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(id) {
		t.Errorf("delivery id %q is not 128-bit hex", id)
	}

	var p struct {
		Event    string          `json:"event"`
		Delivery string          `json:"delivery"`
		Finding  finding.Finding `json:"finding"`
	}
	if err := json.Unmarshal(q.body, &p); err != nil {
		t.Fatalf("body is not JSON: %v\n%s", err, q.body)
	}
	if p.Event != "secret.detected" || p.Delivery != id {
		t.Errorf("event %q delivery %q, want secret.detected and %q", p.Event, p.Delivery, id)
	}
	g := p.Finding
	if g.RuleID != "github-pat" || g.Severity != "high" || g.Fingerprint != f.Fingerprint || g.Commit != f.Commit ||
		g.Author != "Ada" || g.Date != f.Date || g.File != f.File || g.Line != 3 || len(g.Tags) != 2 {
		t.Errorf("finding in body %+v does not carry the original's fields", g)
	}
}

func TestUnsignedWithoutSecret(t *testing.T) {
	rc := newReceiver(t, nil)
	s := NewSender([]Hook{{URL: rc.URL}}, fastOpts())
	s.Send(mkFinding("aws-access-key", "critical", testSecret))
	s.Close()
	reqs := rc.requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests", len(reqs))
	}
	if _, ok := reqs[0].header[HeaderSignature]; ok {
		t.Error("signature header present on a hook without a key")
	}
}

// A receiver answering 503, then 429 with Retry-After: 1, then 200 gets each
// finding exactly once in the end, under one delivery id.
func TestRetry503Then429ThenOK(t *testing.T) {
	rc := newReceiver(t, func(w http.ResponseWriter, r *http.Request, body []byte, n int) {
		switch n {
		case 1:
			w.WriteHeader(http.StatusServiceUnavailable)
		case 2:
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
		default:
			w.WriteHeader(http.StatusOK)
		}
	})
	var log syncBuffer
	opts := fastOpts()
	opts.MaxBackoff = 5 * time.Second // leave room for Retry-After: 1
	opts.Log = &log
	s := NewSender([]Hook{{URL: rc.URL, Secret: []byte("k")}}, opts)
	fs := []finding.Finding{
		mkFinding("github-pat", "high", testSecret),
		mkFinding("slack-token", "medium", "xoxb-1234567890-abcdefghijkl"),
		mkFinding("aws-access-key", "critical", "AKIAABCDEFGHIJKLMNOP"),
	}
	start := time.Now()
	for _, f := range fs {
		s.Send(f)
	}
	sum := s.Close()
	elapsed := time.Since(start)

	if h := sum.Hooks[0]; h.Delivered != len(fs) || h.Failed != 0 || sum.Failed() != 0 {
		t.Fatalf("summary %+v, want %d delivered", h, len(fs))
	}
	groups := rc.byDelivery()
	if len(groups) != len(fs) {
		t.Fatalf("%d distinct delivery ids, want %d", len(groups), len(fs))
	}
	okPerFingerprint := map[string]int{}
	for id, reqs := range groups {
		if len(reqs) != 3 {
			t.Errorf("delivery %s: %d attempts, want 3", id, len(reqs))
			continue
		}
		for _, q := range reqs[1:] {
			if !bytes.Equal(q.body, reqs[0].body) || q.header.Get(HeaderSignature) != reqs[0].header.Get(HeaderSignature) {
				t.Errorf("delivery %s: body or signature changed between retries", id)
			}
		}
		if wait := reqs[2].at.Sub(reqs[1].at); wait < 950*time.Millisecond || wait > 3*time.Second {
			t.Errorf("delivery %s: %v between the 429 and the retry, want Retry-After's 1s", id, wait)
		}
		var p payload
		json.Unmarshal(reqs[2].body, &p)
		okPerFingerprint[p.Finding.Fingerprint]++
	}
	for _, f := range fs {
		if okPerFingerprint[f.Fingerprint] != 1 {
			t.Errorf("finding %s accepted %d times, want once", f.RuleID, okPerFingerprint[f.Fingerprint])
		}
	}
	if n := len(log.lines()); n != 3*len(fs) {
		t.Errorf("log has %d lines, want %d", n, 3*len(fs))
	}
	// Deliveries run concurrently: the three 1s waits overlap.
	if elapsed > 2500*time.Millisecond {
		t.Errorf("took %v; the Retry-After waits should overlap", elapsed)
	}
}

func TestDeadEndpointBoundedAndReported(t *testing.T) {
	url := deadURL(t)
	var stderr syncBuffer
	opts := fastOpts()
	opts.Stderr = &stderr
	live := newReceiver(t, nil)
	hooks := []Hook{
		{URL: url, MaxAttempts: 3, Timeout: time.Second},
		{URL: live.URL}, // a healthy hook next to the dead one still gets everything
	}
	s := NewSender(hooks, opts)
	fs := []finding.Finding{
		mkFinding("github-pat", "high", testSecret),
		mkFinding("aws-access-key", "critical", "AKIAABCDEFGHIJKLMNOP"),
	}
	start := time.Now()
	for _, f := range fs {
		s.Send(f)
	}
	sum := s.Close()
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("a dead endpoint cost %v", d)
	}
	if got := sum.Hooks[0]; got.Failed != 2 || got.Delivered != 0 || got.URL != url {
		t.Errorf("dead hook summary %+v, want 2 failed", got)
	}
	if got := sum.Hooks[1]; got.Delivered != 2 {
		t.Errorf("live hook summary %+v, want 2 delivered", got)
	}
	if sum.Failed() != 2 {
		t.Errorf("Summary.Failed() = %d, want 2", sum.Failed())
	}
	lines := stderr.lines()
	if len(lines) != 2 {
		t.Fatalf("stderr has %d lines, want 2:\n%s", len(lines), stderr.String())
	}
	for _, l := range lines {
		if !strings.Contains(l, url) || !strings.Contains(l, "after 3 attempts") || !strings.Contains(l, "refused") {
			t.Errorf("stderr line %q does not name the hook, the attempts and the reason", l)
		}
	}
	if strings.Contains(stderr.String(), testSecret) || strings.Contains(stderr.String(), "AKIAABCDEFGHIJKLMNOP") {
		t.Error("stderr discloses a secret")
	}
}

func TestTimeoutBounded(t *testing.T) {
	release := make(chan struct{})
	rc := newReceiver(t, func(w http.ResponseWriter, r *http.Request, body []byte, n int) {
		<-release // never answers while the sender waits
	})
	defer close(release)
	var stderr syncBuffer
	opts := fastOpts()
	opts.Stderr = &stderr
	s := NewSender([]Hook{{URL: rc.URL, Timeout: 50 * time.Millisecond, MaxAttempts: 2}}, opts)
	start := time.Now()
	s.Send(mkFinding("github-pat", "high", testSecret))
	sum := s.Close()
	// 2 × (50ms + ≤20ms backoff); the bound only tells a timeout that
	// works from one that does not (the receiver never answers), so it
	// leaves room for a loaded machine.
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("a hanging receiver cost %v", d)
	}
	if sum.Failed() != 1 || !strings.Contains(stderr.String(), "timeout") {
		t.Errorf("summary %+v stderr %q, want one failure naming the timeout", sum, stderr.String())
	}
}

func TestStatusHandling(t *testing.T) {
	tests := []struct {
		status       int
		wantAttempts int
		wantOK       bool
	}{
		{200, 1, true},
		{201, 1, true},
		{204, 1, true},
		{400, 1, false},
		{401, 1, false},
		{403, 1, false},
		{404, 1, false},
		{422, 1, false},
		{429, 3, false},
		{500, 3, false},
		{502, 3, false},
		{503, 3, false},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.status), func(t *testing.T) {
			rc := newReceiver(t, func(w http.ResponseWriter, r *http.Request, body []byte, n int) {
				w.WriteHeader(tt.status)
			})
			var stderr syncBuffer
			opts := fastOpts()
			opts.Stderr = &stderr
			s := NewSender([]Hook{{URL: rc.URL, MaxAttempts: 3}}, opts)
			s.Send(mkFinding("github-pat", "high", testSecret))
			sum := s.Close()
			if n := len(rc.requests()); n != tt.wantAttempts {
				t.Errorf("%d attempts, want %d", n, tt.wantAttempts)
			}
			h := sum.Hooks[0]
			if tt.wantOK && (h.Delivered != 1 || h.Failed != 0) || !tt.wantOK && (h.Delivered != 0 || h.Failed != 1) {
				t.Errorf("summary %+v", h)
			}
			if !tt.wantOK && !strings.Contains(stderr.String(), fmt.Sprint(tt.status)) {
				t.Errorf("stderr %q does not give the status", stderr.String())
			}
		})
	}
}

func TestFilters(t *testing.T) {
	fs := []finding.Finding{
		mkFinding("github-pat", "high", "s1-aaaaaaaaaaaaaaaa"),
		mkFinding("aws-access-key", "critical", "s2-bbbbbbbbbbbbbbbb"),
		mkFinding("slack-token", "medium", "s3-cccccccccccccccc"),
		mkFinding("generic-api-key", "low", "s4-dddddddddddddddd"),
		mkFinding("private-key", "", "s5-eeeeeeeeeeeeeeee"), // no severity: passes min_severity
	}
	tests := []struct {
		name        string
		rules       []string
		minSeverity string
		want        []string
	}{
		{"all", nil, "", []string{"aws-access-key", "generic-api-key", "github-pat", "private-key", "slack-token"}},
		{"rules", []string{"github-pat", "aws-access-key"}, "", []string{"aws-access-key", "github-pat"}},
		{"min high", nil, "high", []string{"aws-access-key", "github-pat", "private-key"}},
		{"min critical", nil, "critical", []string{"aws-access-key", "private-key"}},
		{"min info", nil, "info", []string{"aws-access-key", "generic-api-key", "github-pat", "private-key", "slack-token"}},
		{"rules and severity", []string{"github-pat", "slack-token"}, "HIGH", []string{"github-pat"}},
		{"unknown rule", []string{"nope"}, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rc := newReceiver(t, nil)
			s := NewSender([]Hook{{URL: rc.URL, Rules: tt.rules, MinSeverity: tt.minSeverity}}, fastOpts())
			for _, f := range fs {
				s.Send(f)
			}
			sum := s.Close()
			var got []string
			for _, q := range rc.requests() {
				var p payload
				if err := json.Unmarshal(q.body, &p); err != nil {
					t.Fatal(err)
				}
				got = append(got, p.Finding.RuleID)
			}
			slices.Sort(got)
			if strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("delivered %v, want %v", got, tt.want)
			}
			if h := sum.Hooks[0]; h.Delivered != len(tt.want) || h.Skipped != len(fs)-len(tt.want) {
				t.Errorf("summary %+v, want %d delivered %d skipped", h, len(tt.want), len(fs)-len(tt.want))
			}
		})
	}
}

func TestIncludeSecret(t *testing.T) {
	for _, include := range []bool{false, true} {
		t.Run(fmt.Sprint("include_secret=", include), func(t *testing.T) {
			rc := newReceiver(t, nil)
			s := NewSender([]Hook{{URL: rc.URL, IncludeSecret: include, Secret: []byte("k")}}, fastOpts())
			f := mkFinding("github-pat", "high", testSecret)
			s.Send(f)
			s.Close()
			reqs := rc.requests()
			if len(reqs) != 1 {
				t.Fatalf("%d requests", len(reqs))
			}
			raw := reqs[0].body
			if got := bytes.Contains(raw, []byte(testSecret)); got != include {
				t.Errorf("secret in raw body: %v, want %v\n%s", got, include, raw)
			}
			var p payload
			json.Unmarshal(raw, &p)
			if include {
				if p.Finding.Secret != testSecret || p.Finding.Match != f.Match {
					t.Errorf("secret %q match %q, want the originals", p.Finding.Secret, p.Finding.Match)
				}
			} else if p.Finding.Secret != "REDACTED" || p.Finding.Match != "TOKEN=REDACTED" {
				t.Errorf("secret %q match %q, want redacted", p.Finding.Secret, p.Finding.Match)
			}
			if p.Finding.Fingerprint != f.Fingerprint {
				t.Error("redaction changed the fingerprint")
			}
		})
	}
}

func TestDryRun(t *testing.T) {
	rc := newReceiver(t, nil)
	env := map[string]string{"HOOK_KEY": "k3y", "REVOKE_TOKEN": "Bearer sup3r-s3cret-t0ken"}
	hooks, err := Configure(nil, []string{rc.URL + "/a"}, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	more, err := Configure([]rules.WebhookSpec{{
		URL:       rc.URL + "/b",
		SecretEnv: "HOOK_KEY",
		Headers:   map[string]string{"Authorization": "env:REVOKE_TOKEN"},
	}}, nil, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	hooks = append(hooks, more...)
	var out, log syncBuffer
	opts := fastOpts()
	opts.DryRun = &out
	opts.Log = &log
	s := NewSender(hooks, opts)
	s.Send(mkFinding("github-pat", "high", testSecret))
	s.Send(mkFinding("github-pat", "high", testSecret)) // duplicate: printed once per hook
	sum := s.Close()

	if n := len(rc.requests()); n != 0 {
		t.Fatalf("dry run sent %d requests", n)
	}
	text := out.String()
	if strings.Contains(text, testSecret) || strings.Contains(text, "sup3r-s3cret-t0ken") {
		t.Errorf("dry run output discloses a secret:\n%s", text)
	}
	for _, want := range []string{
		"POST " + rc.URL + "/a\n", "POST " + rc.URL + "/b\n",
		"Content-Type: application/json\n", "User-Agent: keyhound\n", "X-Keyhound-Event: secret.detected\n",
		"X-Keyhound-Delivery: ", "X-Keyhound-Signature-256: sha256=", "Authorization: ********",
		`"secret":"REDACTED"`, `"event":"secret.detected"`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("dry run output lacks %q:\n%s", want, text)
		}
	}
	if n := strings.Count(text, "POST "); n != 2 {
		t.Errorf("%d requests printed, want 2", n)
	}
	for _, h := range sum.Hooks {
		if h.Delivered != 1 || h.Skipped != 1 || h.Failed != 0 {
			t.Errorf("summary %+v", h)
		}
	}
	if log.String() != "" {
		t.Errorf("dry run logged attempts: %s", log.String())
	}
}

func TestLogRecordsEveryAttempt(t *testing.T) {
	rc := newReceiver(t, func(w http.ResponseWriter, r *http.Request, body []byte, n int) {
		var p payload
		json.Unmarshal(body, &p)
		switch {
		case p.Finding.RuleID == "bad-request":
			w.WriteHeader(http.StatusBadRequest)
		case p.Finding.RuleID == "always-down" || n <= 2:
			w.WriteHeader(http.StatusBadGateway)
		default:
			w.WriteHeader(http.StatusOK)
		}
	})
	var log syncBuffer
	opts := fastOpts()
	opts.Log = &log
	s := NewSender([]Hook{{URL: rc.URL, MaxAttempts: 4}}, opts)
	s.Send(mkFinding("github-pat", "high", testSecret))                  // 502, 502, 200
	s.Send(mkFinding("bad-request", "high", "bbbbbbbbbbbbbbbbbbbbbbbb")) // 400
	s.Send(mkFinding("always-down", "high", "cccccccccccccccccccccccc")) // 502 × 4
	s.Close()

	lines := log.lines()
	if len(lines) != 3+1+4 || len(lines) != len(rc.requests()) {
		t.Fatalf("log has %d lines for %d requests, want 8:\n%s", len(lines), len(rc.requests()), log.String())
	}
	type entry struct {
		Time      string   `json:"time"`
		Delivery  string   `json:"delivery"`
		Hook      string   `json:"hook"`
		RuleID    string   `json:"rule_id"`
		Attempt   int      `json:"attempt"`
		Status    int      `json:"status"`
		LatencyMS *float64 `json:"latency_ms"`
		Outcome   string   `json:"outcome"`
		Error     *string  `json:"error"`
	}
	byRule := map[string][]entry{}
	for _, l := range lines {
		var e entry
		if err := json.Unmarshal([]byte(l), &e); err != nil {
			t.Fatalf("log line %q: %v", l, err)
		}
		if _, err := time.Parse(time.RFC3339Nano, e.Time); err != nil {
			t.Errorf("time %q: %v", e.Time, err)
		}
		if e.Hook != rc.URL || len(e.Delivery) != 32 || e.LatencyMS == nil || *e.LatencyMS < 0 || e.Error == nil {
			t.Errorf("log line lacks a field: %s", l)
		}
		byRule[e.RuleID] = append(byRule[e.RuleID], e)
	}
	check := func(rule string, statuses []int, outcomes []string) {
		t.Helper()
		es := byRule[rule]
		if len(es) != len(statuses) {
			t.Errorf("%s: %d log lines, want %d", rule, len(es), len(statuses))
			return
		}
		for i, e := range es {
			if e.Attempt != i+1 || e.Status != statuses[i] || e.Outcome != outcomes[i] || e.Delivery != es[0].Delivery {
				t.Errorf("%s attempt %d: %+v, want status %d outcome %s", rule, i+1, e, statuses[i], outcomes[i])
			}
			if (e.Outcome == "delivered") != (*e.Error == "") {
				t.Errorf("%s attempt %d: error %q with outcome %s", rule, i+1, *e.Error, e.Outcome)
			}
		}
	}
	check("github-pat", []int{502, 502, 200}, []string{"retry", "retry", "delivered"})
	check("bad-request", []int{400}, []string{"failed"})
	check("always-down", []int{502, 502, 502, 502}, []string{"retry", "retry", "retry", "failed"})
	if strings.Contains(log.String(), testSecret) {
		t.Error("log discloses a secret")
	}
}

// A slow receiver does not stall the caller: Send returns at once while
// deliveries are in flight, and no more than Concurrency run at a time.
func TestSlowReceiverDoesNotStallSend(t *testing.T) {
	release := make(chan struct{})
	var inFlight, peak atomic.Int32
	rc := newReceiver(t, func(w http.ResponseWriter, r *http.Request, body []byte, n int) {
		c := inFlight.Add(1)
		for {
			p := peak.Load()
			if c <= p || peak.CompareAndSwap(p, c) {
				break
			}
		}
		<-release
		inFlight.Add(-1)
	})
	opts := fastOpts()
	opts.Concurrency = 3
	s := NewSender([]Hook{{URL: rc.URL}}, opts)
	const n = 30
	start := time.Now()
	for i := range n {
		s.Send(mkFinding(fmt.Sprintf("rule-%02d", i), "high", fmt.Sprintf("secret-%02d-xxxxxxxxxxxx", i)))
	}
	sendTime := time.Since(start)
	// Wait until the workers are busy, then check that the scan went on meanwhile.
	deadline := time.Now().Add(5 * time.Second)
	for inFlight.Load() < 3 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if sendTime > 200*time.Millisecond {
		t.Errorf("%d Sends to a stalled receiver took %v", n, sendTime)
	}
	if got := inFlight.Load(); got != 3 {
		t.Errorf("%d deliveries in flight, want Concurrency = 3", got)
	}
	close(release)
	sum := s.Close()
	if sum.Hooks[0].Delivered != n {
		t.Errorf("summary %+v, want %d delivered", sum.Hooks[0], n)
	}
	if p := peak.Load(); p > 3 {
		t.Errorf("%d deliveries were in flight at once, want at most 3", p)
	}
}

func TestDuplicatesNotRedelivered(t *testing.T) {
	rc := newReceiver(t, nil)
	s := NewSender([]Hook{{URL: rc.URL}}, fastOpts())
	f := mkFinding("github-pat", "high", testSecret)
	f.Commit = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	var wg sync.WaitGroup
	for range 10 { // the same finding from several scanner goroutines
		wg.Go(func() { s.Send(f) })
	}
	wg.Wait()
	moved := f
	moved.Line = 40 // same fingerprint and commit: the same finding
	s.Send(moved)
	other := f
	other.Commit = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb" // same secret in another commit: a new finding
	s.Send(other)
	sum := s.Close()
	if n := len(rc.requests()); n != 2 {
		t.Errorf("receiver saw %d requests, want 2", n)
	}
	if len(rc.byDelivery()) != 2 {
		t.Errorf("want 2 distinct delivery ids")
	}
	if h := sum.Hooks[0]; h.Delivered != 2 || h.Skipped != 10 {
		t.Errorf("summary %+v, want 2 delivered, 10 skipped", h)
	}
}

func TestRedirects(t *testing.T) {
	tests := []struct {
		name          string
		status        int
		crossHost     bool
		wantDelivered bool
	}{
		{"307 to another host", http.StatusTemporaryRedirect, true, false},
		{"308 to another host", http.StatusPermanentRedirect, true, false},
		{"302 to another host", http.StatusFound, true, false},
		{"307 same host", http.StatusTemporaryRedirect, false, true},
		{"308 same host", http.StatusPermanentRedirect, false, true},
		{"302 same host turns POST into GET", http.StatusFound, false, false},
		{"303 same host turns POST into GET", http.StatusSeeOther, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			other := newReceiver(t, nil) // another host: another port on 127.0.0.1
			var rc *receiver
			rc = newReceiver(t, func(w http.ResponseWriter, r *http.Request, body []byte, n int) {
				if r.URL.Path == "/final" {
					if r.Method == http.MethodPost && len(body) > 0 {
						w.WriteHeader(http.StatusOK)
					} else {
						w.WriteHeader(http.StatusMethodNotAllowed)
					}
					return
				}
				target := rc.URL + "/final"
				if tt.crossHost {
					target = other.URL + "/stolen"
				}
				http.Redirect(w, r, target, tt.status)
			})
			var stderr syncBuffer
			opts := fastOpts()
			opts.Stderr = &stderr
			s := NewSender([]Hook{{URL: rc.URL + "/hook", Secret: []byte("k"), IncludeSecret: true}}, opts)
			s.Send(mkFinding("github-pat", "high", testSecret))
			sum := s.Close()
			if n := len(other.requests()); n != 0 {
				t.Errorf("the other host received %d requests", n)
			}
			h := sum.Hooks[0]
			if tt.wantDelivered != (h.Delivered == 1) || tt.wantDelivered == (h.Failed == 1) {
				t.Errorf("summary %+v, want delivered=%v (stderr %q)", h, tt.wantDelivered, stderr.String())
			}
			if !tt.wantDelivered {
				if n := len(rc.requests()); n != 1 {
					t.Errorf("%d requests to the hook, want 1 (a refused redirect is not retried)", n)
				}
				if !strings.Contains(stderr.String(), "redirect") {
					t.Errorf("stderr %q does not name the refused redirect", stderr.String())
				}
			}
		})
	}
}

// After repeated failures a hook gets one attempt per delivery, so that an
// endpoint that is down does not hold the end of a long scan.
func TestDegradedHookGetsOneAttempt(t *testing.T) {
	var log syncBuffer
	opts := fastOpts()
	opts.Concurrency = 1
	opts.Log = &log
	s := NewSender([]Hook{{URL: deadURL(t), MaxAttempts: 3}}, opts)
	for i := range 6 {
		s.Send(mkFinding(fmt.Sprintf("rule-%d", i), "high", fmt.Sprintf("secret-%d-yyyyyyyyyy", i)))
	}
	sum := s.Close()
	if sum.Failed() != 6 {
		t.Errorf("summary %+v", sum)
	}
	if n := len(log.lines()); n != degradeAfter*3+(6-degradeAfter) {
		t.Errorf("%d attempts, want %d", n, degradeAfter*3+(6-degradeAfter))
	}
}

func TestSendAfterCloseAndNilSender(t *testing.T) {
	rc := newReceiver(t, nil)
	s := NewSender([]Hook{{URL: rc.URL}}, fastOpts())
	s.Send(mkFinding("a", "high", "aaaaaaaaaaaaaaaa"))
	first := s.Close()
	s.Send(mkFinding("b", "high", "bbbbbbbbbbbbbbbb")) // ignored, no panic
	if second := s.Close(); second.Hooks[0] != first.Hooks[0] {
		t.Errorf("second Close %+v, first %+v", second, first)
	}
	var nilSender *Sender
	nilSender.Send(mkFinding("a", "high", "aaaaaaaaaaaaaaaa"))
	if sum := nilSender.Close(); len(sum.Hooks) != 0 || sum.Failed() != 0 {
		t.Errorf("nil sender summary %+v", sum)
	}
	empty := NewSender(nil, Options{})
	empty.Send(mkFinding("a", "high", "aaaaaaaaaaaaaaaa"))
	empty.Close()
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"1", time.Second, true},
		{" 120 ", 2 * time.Minute, true},
		{"0", 0, true},
		{"Wed, 01 May 2024 10:00:30 GMT", 30 * time.Second, true},
		{"Wed, 01 May 2024 09:00:00 GMT", 0, true}, // in the past: retry now
		{"", 0, false},
		{"-5", 0, false},
		{"soon", 0, false},
		{"1.5", 0, false},
	}
	for _, tt := range tests {
		got, ok := parseRetryAfter(tt.in, now)
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseRetryAfter(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestBackoffCappedWithJitter(t *testing.T) {
	s := NewSender(nil, Options{BaseBackoff: 100 * time.Millisecond, MaxBackoff: time.Second})
	for n, want := range map[int]time.Duration{1: 100 * time.Millisecond, 2: 200 * time.Millisecond, 4: 800 * time.Millisecond, 5: time.Second, 60: time.Second} {
		for range 20 {
			if d := s.backoff(n, 0, false); d < want/2 || d > want {
				t.Errorf("backoff(%d) = %v, want in [%v, %v]", n, d, want/2, want)
			}
		}
	}
	if d := s.backoff(1, time.Hour, true); d != time.Second {
		t.Errorf("Retry-After of an hour gives %v, want MaxBackoff", d)
	}
	if d := s.backoff(3, 300*time.Millisecond, true); d != 300*time.Millisecond {
		t.Errorf("Retry-After of 300ms gives %v", d)
	}
}
