package webhook

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	mrand "math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/keyhound/keyhound/finding"
)

// Event is the value of the "event" field and of the X-Keyhound-Event header.
const Event = "secret.detected"

// Protocol header names.
const (
	HeaderEvent     = "X-Keyhound-Event"
	HeaderDelivery  = "X-Keyhound-Delivery"
	HeaderSignature = "X-Keyhound-Signature-256"
)

// Option defaults.
const (
	DefaultConcurrency = 4
	DefaultBaseBackoff = 500 * time.Millisecond
	DefaultMaxBackoff  = 30 * time.Second
)

// degradeAfter is the number of consecutive failed deliveries (failed on a
// retryable error) after which a hook gets a single attempt per delivery,
// until a delivery to it succeeds again.
const degradeAfter = 3

// Options tunes a Sender. The zero value sends with the defaults.
type Options struct {
	// DryRun, when non-nil, receives each request (method, URL, headers,
	// body; the body redacted unless the hook includes the secret) instead of
	// its being sent.
	DryRun io.Writer
	// Log, when non-nil, receives one JSON line per attempt: time, delivery
	// id, hook URL, attempt, status, latency_ms, error.
	Log io.Writer
	// Stderr, when non-nil, receives one line per failed delivery naming it
	// and the reason (never the secret).
	Stderr io.Writer
	// Concurrency is the number of deliveries in flight at once (default 4).
	Concurrency int
	// Client sends the requests (default: a client over a clone of
	// http.DefaultTransport). Its CheckRedirect is always replaced.
	Client *http.Client
	// BaseBackoff is the first retry delay (default 500ms); it doubles on
	// each retry, with jitter.
	BaseBackoff time.Duration
	// MaxBackoff caps every retry delay, Retry-After included (default 30s).
	MaxBackoff time.Duration
}

// Summary counts, per hook, what happened to the findings sent to it.
type Summary struct {
	Hooks []HookSummary
}

// HookSummary is one hook's share of a Summary. Delivered counts 2xx answers
// (in a dry run: requests printed); Failed, deliveries given up; Skipped,
// findings the hook's filters rejected and repeats of a finding already sent.
type HookSummary struct {
	URL       string
	Delivered int
	Failed    int
	Skipped   int
}

// Failed is the number of failed deliveries over all hooks.
func (s Summary) Failed() int {
	n := 0
	for _, h := range s.Hooks {
		n += h.Failed
	}
	return n
}

// Sender delivers findings to hooks in the background. Create it with
// NewSender, call Send for each finding as it is found, and Close at the end.
// A nil *Sender accepts Send and Close and does nothing.
type Sender struct {
	hooks  []Hook
	state  []*hookState
	opts   Options
	client *http.Client

	mu     sync.RWMutex // Send holds it for reading; Close for writing
	closed bool
	queue  chan *delivery
	wg     sync.WaitGroup

	outMu sync.Mutex // serialises writes to DryRun, Log and Stderr

	once    sync.Once
	summary Summary
}

type hookState struct {
	mu                         sync.Mutex
	seen                       map[string]bool
	delivered, failed, skipped int
	consecutiveFailures        int
	display                    string // URL with any password masked
	timeout                    time.Duration
	maxAttempts                int
}

type delivery struct {
	hook  *Hook
	state *hookState
	id    string
	f     finding.Finding // as sent (redacted unless IncludeSecret)
	body  []byte
	err   error // the body could not be built
}

// NewSender starts the workers that deliver to hooks. The hooks normally come
// from Configure.
func NewSender(hooks []Hook, opts Options) *Sender {
	if opts.Concurrency <= 0 {
		opts.Concurrency = DefaultConcurrency
	}
	if opts.BaseBackoff <= 0 {
		opts.BaseBackoff = DefaultBaseBackoff
	}
	if opts.MaxBackoff <= 0 {
		opts.MaxBackoff = DefaultMaxBackoff
	}
	if opts.BaseBackoff > opts.MaxBackoff {
		opts.BaseBackoff = opts.MaxBackoff
	}
	s := &Sender{
		hooks: slices.Clone(hooks),
		opts:  opts,
	}
	for i := range s.hooks {
		h := &s.hooks[i]
		h.MinSeverity = strings.ToLower(h.MinSeverity)
		st := &hookState{
			seen:        map[string]bool{},
			display:     displayURL(h.URL),
			timeout:     h.Timeout,
			maxAttempts: h.MaxAttempts,
		}
		if st.timeout <= 0 {
			st.timeout = DefaultTimeout
		}
		if st.maxAttempts <= 0 {
			st.maxAttempts = DefaultMaxAttempts
		}
		s.state = append(s.state, st)
	}

	var c http.Client
	if opts.Client != nil {
		c = *opts.Client
	} else {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConnsPerHost = opts.Concurrency
		c.Transport = t
	}
	c.CheckRedirect = checkRedirect
	s.client = &c

	if len(s.hooks) > 0 && opts.DryRun == nil {
		s.queue = make(chan *delivery, max(64, 16*opts.Concurrency))
		for range opts.Concurrency {
			s.wg.Add(1)
			go s.worker()
		}
	}
	return s
}

// Send queues f for every hook whose filters accept it and returns without
// waiting for delivery; it blocks only while the bounded queue is full. It is
// safe for concurrent use. The same finding (by fingerprint and commit) is
// never delivered twice to a hook in one run. Findings sent after Close are
// ignored. In a dry run the requests are printed before Send returns.
func (s *Sender) Send(f finding.Finding) {
	if s == nil || len(s.hooks) == 0 {
		return
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return
	}
	if f.Fingerprint == "" {
		f.Fingerprint = finding.Fingerprint(f.RuleID, f.Secret, f.File)
	}
	key := f.Fingerprint + "\x00" + f.Commit
	for i := range s.hooks {
		h, st := &s.hooks[i], s.state[i]
		st.mu.Lock()
		if !h.accepts(&f) || st.seen[key] {
			st.skipped++
			st.mu.Unlock()
			continue
		}
		st.seen[key] = true
		st.mu.Unlock()

		d := newDelivery(h, st, f)
		if s.opts.DryRun != nil {
			s.printRequest(d)
			continue
		}
		s.queue <- d
	}
}

// Close waits for every queued delivery to finish or give up, and returns the
// per-hook counts. Calling it again returns the same Summary.
func (s *Sender) Close() Summary {
	if s == nil {
		return Summary{}
	}
	s.once.Do(func() {
		s.mu.Lock()
		s.closed = true
		if s.queue != nil {
			close(s.queue)
		}
		s.mu.Unlock()
		s.wg.Wait()
		for _, st := range s.state {
			st.mu.Lock()
			s.summary.Hooks = append(s.summary.Hooks, HookSummary{
				URL: st.display, Delivered: st.delivered, Failed: st.failed, Skipped: st.skipped,
			})
			st.mu.Unlock()
		}
	})
	return s.summary
}

// accepts reports whether h's filters let f through. A finding whose
// severity is empty or unknown passes any min_severity.
func (h *Hook) accepts(f *finding.Finding) bool {
	if len(h.Rules) > 0 && !slices.Contains(h.Rules, f.RuleID) {
		return false
	}
	if h.MinStatus == "live" && f.Verification.Status != "live" {
		return false
	}
	if h.MinSeverity != "" {
		min, ok := severities[h.MinSeverity]
		sev, known := severities[strings.ToLower(f.Severity)]
		if ok && known && sev < min {
			return false
		}
	}
	return true
}

// payload is the JSON body of a request.
type payload struct {
	Event    string          `json:"event"`
	Delivery string          `json:"delivery"`
	Finding  finding.Finding `json:"finding"`
}

func newDelivery(h *Hook, st *hookState, f finding.Finding) *delivery {
	var id [16]byte
	rand.Read(id[:]) // never fails (crypto/rand)
	d := &delivery{hook: h, state: st, id: hex.EncodeToString(id[:])}
	f.Tags = slices.Clone(f.Tags)
	if f.Tags == nil {
		f.Tags = []string{}
	}
	if !h.IncludeSecret {
		f.Redact()
	}
	d.f = f
	f.WithFileBytes()
	d.body, d.err = json.Marshal(payload{Event: Event, Delivery: d.id, Finding: f})
	return d
}

// header builds the request headers of d; custom headers come first so that
// the protocol's cannot be replaced.
func (d *delivery) header() http.Header {
	hd := http.Header{}
	for k, v := range d.hook.Headers {
		hd.Set(k, v)
	}
	hd.Set("Content-Type", "application/json")
	hd.Set("User-Agent", "keyhound")
	hd.Set(HeaderEvent, Event)
	hd.Set(HeaderDelivery, d.id)
	if len(d.hook.Secret) > 0 {
		hd.Set(HeaderSignature, Sign(d.hook.Secret, d.body))
	}
	return hd
}

// Sign returns the X-Keyhound-Signature-256 value for body under key:
// "sha256=" and the hex HMAC-SHA256.
func Sign(key, body []byte) string {
	m := hmac.New(sha256.New, key)
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// Verify reports whether signature (an X-Keyhound-Signature-256 value) is
// the signature of body under key, in constant time. Receivers written in Go
// can use it.
func Verify(key, body []byte, signature string) bool {
	return hmac.Equal([]byte(signature), []byte(Sign(key, body)))
}

func (s *Sender) printRequest(d *delivery) {
	st := d.state
	if d.err != nil {
		s.fail(d, 0, d.err.Error(), false)
		return
	}
	hd := d.header()
	names := make([]string, 0, len(hd))
	for k := range hd {
		names = append(names, k)
	}
	sort.Strings(names)
	var b bytes.Buffer
	fmt.Fprintf(&b, "POST %s\n", st.display)
	for _, k := range names {
		v := hd.Get(k)
		for name := range d.hook.envHeaders {
			if http.CanonicalHeaderKey(name) == k {
				v = "******** (from the environment)"
			}
		}
		fmt.Fprintf(&b, "%s: %s\n", k, v)
	}
	b.WriteByte('\n')
	b.Write(d.body)
	b.WriteString("\n\n")
	s.outMu.Lock()
	s.opts.DryRun.Write(b.Bytes())
	s.outMu.Unlock()
	st.mu.Lock()
	st.delivered++
	st.mu.Unlock()
}

func (s *Sender) worker() {
	defer s.wg.Done()
	for d := range s.queue {
		s.deliver(d)
	}
}

// deliver makes up to maxAttempts attempts at d.
func (s *Sender) deliver(d *delivery) {
	st := d.state
	if d.err != nil {
		s.fail(d, 0, d.err.Error(), false)
		return
	}
	attempts := st.maxAttempts
	st.mu.Lock()
	degraded := st.consecutiveFailures >= degradeAfter
	st.mu.Unlock()
	if degraded {
		attempts = 1
	}
	for attempt := 1; ; attempt++ {
		r, status, latency := s.attempt(d)
		outcome := "delivered"
		switch {
		case r.ok:
		case r.retryable && attempt < attempts:
			outcome = "retry"
		default:
			outcome = "failed"
		}
		s.log(d, attempt, status, latency, outcome, r.reason)
		if r.ok {
			st.mu.Lock()
			st.delivered++
			st.consecutiveFailures = 0
			st.mu.Unlock()
			return
		}
		if !r.retryable || attempt >= attempts {
			reason := r.reason
			if degraded {
				reason += fmt.Sprintf(" (one attempt only: the hook's last %d or more deliveries failed)", degradeAfter)
			}
			s.fail(d, attempt, reason, r.retryable)
			return
		}
		time.Sleep(s.backoff(attempt, r.retryAfter, r.hasRetryAfter))
	}
}

// fail records a failed delivery and names it on Stderr.
func (s *Sender) fail(d *delivery, attempts int, reason string, retryable bool) {
	st := d.state
	st.mu.Lock()
	st.failed++
	if retryable {
		st.consecutiveFailures++
	} else if attempts > 0 {
		st.consecutiveFailures = 0 // the receiver answered
	}
	st.mu.Unlock()
	if s.opts.Stderr == nil {
		return
	}
	where := d.f.File
	if d.f.Line > 0 {
		where += ":" + strconv.Itoa(d.f.Line)
	}
	if d.f.Commit != "" {
		where += " in commit " + short(d.f.Commit)
	}
	after := ""
	switch {
	case attempts == 1:
		after = " after 1 attempt"
	case attempts > 1:
		after = fmt.Sprintf(" after %d attempts", attempts)
	}
	line := fmt.Sprintf("keyhound: webhook %s: delivery %s (%s at %s) failed%s: %s\n",
		st.display, d.id, d.f.RuleID, where, after, oneLine(reason))
	s.outMu.Lock()
	io.WriteString(s.opts.Stderr, line)
	s.outMu.Unlock()
}

type result struct {
	ok            bool
	retryable     bool
	reason        string
	retryAfter    time.Duration
	hasRetryAfter bool
}

// attempt makes one request; status is 0 when there was no answer.
func (s *Sender) attempt(d *delivery) (r result, status int, latency time.Duration) {
	st := d.state
	ctx, cancel := context.WithTimeout(context.Background(), st.timeout)
	defer cancel()
	start := time.Now()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.hook.URL, bytes.NewReader(d.body))
	if err == nil {
		req.Header = d.header()
		var resp *http.Response
		resp, err = s.client.Do(req)
		if err == nil {
			status = resp.StatusCode
			// Drain a little so that the connection can be reused.
			io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
			resp.Body.Close()
			r = classify(resp)
		} else if resp != nil {
			status = resp.StatusCode // a redirect checkRedirect refused; body already closed
		}
	}
	latency = time.Since(start)
	if err != nil {
		r = result{retryable: true, reason: errReason(err, ctx, st.timeout)}
		if errors.Is(err, errRedirect) {
			r.retryable = false
		}
	}
	return r, status, latency
}

// classify turns an answer into a result.
func classify(resp *http.Response) result {
	code := resp.StatusCode
	reason := "HTTP " + resp.Status
	if resp.Status == "" {
		reason = "HTTP " + strconv.Itoa(code)
	}
	switch {
	case code >= 200 && code < 300:
		return result{ok: true}
	case code == http.StatusTooManyRequests || code >= 500:
		r := result{retryable: true, reason: reason}
		r.retryAfter, r.hasRetryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
		return r
	case code >= 300 && code < 400:
		return result{reason: reason + " (redirect not followed)"}
	default:
		return result{reason: reason}
	}
}

// parseRetryAfter reads a Retry-After value: seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		if secs > int64(math.MaxInt64/time.Second) {
			return time.Duration(math.MaxInt64), true
		}
		return time.Duration(secs) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// backoff is the delay before the retry that follows attempt n: Retry-After
// when the receiver gave one, else BaseBackoff·2^(n-1) with equal jitter;
// always at most MaxBackoff.
func (s *Sender) backoff(n int, retryAfter time.Duration, has bool) time.Duration {
	maxB := s.opts.MaxBackoff
	if has {
		return min(retryAfter, maxB)
	}
	d := s.opts.BaseBackoff
	for i := 1; i < n && d < maxB; i++ {
		d *= 2
	}
	d = min(d, maxB)
	half := d / 2
	return half + mrand.N(d-half+1)
}

// errRedirect marks a redirect the sender refuses to follow.
var errRedirect = errors.New("redirect refused")

// checkRedirect follows a redirect only to the same host, keeping or
// upgrading to https, and only while the request stays a POST with its body
// (307, 308): the body, which may hold the secret, never goes elsewhere.
func checkRedirect(req *http.Request, via []*http.Request) error {
	orig := via[0].URL
	to := req.URL
	sameOrigin := strings.EqualFold(to.Host, orig.Host) && to.Scheme == orig.Scheme
	upgrade := orig.Scheme == "http" && to.Scheme == "https" &&
		strings.EqualFold(to.Hostname(), orig.Hostname()) && (to.Port() == "" || to.Port() == "443")
	if !sameOrigin && !upgrade {
		return fmt.Errorf("%w: %s://%s is not the hook's host", errRedirect, to.Scheme, to.Host)
	}
	if req.Method != http.MethodPost {
		code := 0
		if req.Response != nil {
			code = req.Response.StatusCode
		}
		return fmt.Errorf("%w: HTTP %d would turn the POST into a %s without its body", errRedirect, code, req.Method)
	}
	if len(via) >= 10 {
		return fmt.Errorf("%w: more than 10 redirects", errRedirect)
	}
	return nil
}

// errReason describes a failed request without the URL (already named).
func errReason(err error, ctx context.Context, timeout time.Duration) string {
	if errors.Is(err, errRedirect) {
		var ue *url.Error
		if errors.As(err, &ue) {
			return ue.Err.Error()
		}
		return err.Error()
	}
	if errors.Is(ctx.Err(), context.DeadlineExceeded) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Sprintf("no answer within the %s timeout", timeout)
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return err.Error()
}

type logLine struct {
	Time        string  `json:"time"`
	Delivery    string  `json:"delivery"`
	Hook        string  `json:"hook"`
	RuleID      string  `json:"rule_id"`
	Fingerprint string  `json:"fingerprint"`
	Commit      string  `json:"commit,omitempty"`
	Attempt     int     `json:"attempt"`
	Status      int     `json:"status"` // 0: no answer
	LatencyMS   float64 `json:"latency_ms"`
	Outcome     string  `json:"outcome"` // delivered, retry or failed
	Error       string  `json:"error"`   // "" when delivered
}

func (s *Sender) log(d *delivery, n, status int, latency time.Duration, outcome, reason string) {
	if s.opts.Log == nil {
		return
	}
	b, err := json.Marshal(logLine{
		Time:        time.Now().UTC().Format(time.RFC3339Nano),
		Delivery:    d.id,
		Hook:        d.state.display,
		RuleID:      d.f.RuleID,
		Fingerprint: d.f.Fingerprint,
		Commit:      d.f.Commit,
		Attempt:     n,
		Status:      status,
		LatencyMS:   math.Round(float64(latency.Microseconds())) / 1000,
		Outcome:     outcome,
		Error:       reason,
	})
	if err != nil {
		return
	}
	b = append(b, '\n')
	s.outMu.Lock()
	s.opts.Log.Write(b)
	s.outMu.Unlock()
}

func short(commit string) string {
	if len(commit) > 12 {
		return commit[:12]
	}
	return commit
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
