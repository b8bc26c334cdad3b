package verify

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Defaults of ClientOptions.
const (
	DefaultTimeout  = 10 * time.Second
	DefaultAttempts = 3
	DefaultPerHost  = 4
	maxBody         = 1 << 20
)

// ClientOptions configure a Client.
type ClientOptions struct {
	// Transport carries the requests; nil: a clone of Go's default
	// transport, which honours HTTPS_PROXY, NO_PROXY, SSL_CERT_FILE and
	// SSL_CERT_DIR.
	Transport http.RoundTripper
	Timeout   time.Duration // per request; 0: DefaultTimeout
	Attempts  int           // per check, on network errors, 429 and 5xx; 0: DefaultAttempts
	Backoff   time.Duration // first retry delay, doubled each time; 0: 500ms
	PerHost   int           // requests in flight per host; 0: DefaultPerHost
	UserAgent string
}

// Client sends verifiers' requests under the rules of this package: HTTPS
// to port 443 of an allowed host only, no redirects, bounded time and
// concurrency, errors that never carry the URL (which may hold the secret).
type Client struct {
	hc       *http.Client
	opts     ClientOptions
	mu       sync.Mutex
	hostSems map[string]chan struct{}
	failures map[string]int // consecutive failed requests per host
}

// breakerAfter is how many requests in a row may fail (network error,
// timeout, 429 or 5xx after the retries) before the host's remaining
// checks fail at once: an outage costs a few timeouts, not one per secret.
const breakerAfter = 3

// NewClient returns a Client.
func NewClient(o ClientOptions) *Client {
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.Attempts <= 0 {
		o.Attempts = DefaultAttempts
	}
	if o.Backoff <= 0 {
		o.Backoff = 500 * time.Millisecond
	}
	if o.PerHost <= 0 {
		o.PerHost = DefaultPerHost
	}
	if o.UserAgent == "" {
		o.UserAgent = "keyhound-verify"
	}
	rt := o.Transport
	if rt == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
		rt = t
	}
	return &Client{
		hc: &http.Client{
			Transport: rt,
			// A verifier never follows a redirect: the answer is read as it is.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		opts:     o,
		hostSems: map[string]chan struct{}{},
		failures: map[string]int{},
	}
}

// HTTP is a Client bound to one verifier's hosts.
type HTTP struct {
	c     *Client
	hosts []string
}

// Request is one request of a verifier.
type Request struct {
	Method string
	URL    string
	Header http.Header
	Body   []byte
}

// Response is an answer, its body read (at most 1 MiB).
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// hostAllowed reports whether host is one of the allowed hosts or matches a
// "*.suffix" entry with exactly one extra label.
func hostAllowed(host string, allowed []string) bool {
	host = strings.ToLower(host)
	for _, a := range allowed {
		if suffix, ok := strings.CutPrefix(a, "*."); ok {
			label, rest, found := strings.Cut(host, ".")
			if found && rest == suffix && validLabel(label) {
				return true
			}
			continue
		}
		if host == a {
			return true
		}
	}
	return false
}

func validLabel(s string) bool {
	if s == "" || len(s) > 63 || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// check validates a request's URL against the rules: https, port 443, an
// allowed host, no user info. The error names only the host.
func (h *HTTP) check(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, errors.New("request URL does not parse")
	}
	if u.Scheme != "https" {
		return nil, fmt.Errorf("refused: scheme %q (only https)", u.Scheme)
	}
	if u.User != nil {
		return nil, errors.New("refused: user info in the URL")
	}
	if p := u.Port(); p != "" && p != "443" {
		return nil, fmt.Errorf("refused: port %s (only 443)", p)
	}
	if !hostAllowed(u.Hostname(), h.hosts) {
		return nil, fmt.Errorf("refused: host %q is not one of the verifier's hosts", u.Hostname())
	}
	return u, nil
}

func (c *Client) hostSem(host string) chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.hostSems[host]
	if s == nil {
		s = make(chan struct{}, c.opts.PerHost)
		c.hostSems[host] = s
	}
	return s
}

// Do sends r, retrying network errors, 429 (after Retry-After) and 5xx. A
// 429 or 5xx left after the last attempt is returned as a Response. Errors
// name the method and host, never the URL's path or query.
func (h *HTTP) Do(ctx context.Context, r Request) (*Response, error) {
	u, err := h.check(r.URL)
	if err != nil {
		return nil, err
	}
	c := h.c
	host := u.Hostname()
	method := r.Method
	if method == "" {
		method = http.MethodGet
	}
	c.mu.Lock()
	down := c.failures[host] >= breakerAfter
	c.mu.Unlock()
	if down {
		return nil, fmt.Errorf("%s %s: not sent: the host failed %d requests in a row", method, host, breakerAfter)
	}
	resp, err := h.do(ctx, method, u, r)
	if ctx.Err() == nil {
		c.mu.Lock()
		if err != nil || resp.Status == http.StatusTooManyRequests || resp.Status >= 500 {
			c.failures[host]++
		} else {
			c.failures[host] = 0
		}
		c.mu.Unlock()
	}
	return resp, err
}

// do sends r with the retries.
func (h *HTTP) do(ctx context.Context, method string, u *url.URL, r Request) (*Response, error) {
	c := h.c
	host := u.Hostname()
	sem := c.hostSem(host)
	var last *Response
	var lastErr error
	for attempt := 1; attempt <= c.opts.Attempts; attempt++ {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			return nil, fmt.Errorf("%s %s: %s", method, host, ctxReason(ctx))
		}
		resp, err := c.once(ctx, method, u, r)
		<-sem
		wait := c.opts.Backoff << (attempt - 1)
		wait = wait/2 + rand.N(wait/2+1)
		switch {
		case err != nil:
			if ctx.Err() != nil {
				return nil, fmt.Errorf("%s %s: %s", method, host, ctxReason(ctx))
			}
			lastErr, last = fmt.Errorf("%s %s: %s", method, host, err), nil
		case resp.Status == http.StatusTooManyRequests || resp.Status >= 500:
			last, lastErr = resp, nil
			if d, ok := retryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
				wait = min(d, c.opts.Timeout)
			}
		default:
			return resp, nil
		}
		if attempt == c.opts.Attempts {
			break
		}
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			if last != nil {
				return last, nil
			}
			return nil, fmt.Errorf("%s %s: %s", method, host, ctxReason(ctx))
		}
	}
	if last != nil {
		return last, nil
	}
	return nil, lastErr
}

// once sends one attempt with the per-request timeout.
func (c *Client) once(ctx context.Context, method string, u *url.URL, r Request) (*Response, error) {
	ctx, cancel := context.WithTimeout(ctx, c.opts.Timeout)
	defer cancel()
	var body io.Reader
	if r.Body != nil {
		body = bytes.NewReader(r.Body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), body)
	if err != nil {
		return nil, errors.New("cannot build the request")
	}
	for k, vs := range r.Header {
		req.Header[k] = vs
	}
	req.Header.Set("User-Agent", c.opts.UserAgent)
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, errors.New(netReason(ctx, err, c.opts.Timeout))
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return nil, errors.New("reading the answer: " + netReason(ctx, err, c.opts.Timeout))
	}
	return &Response{Status: resp.StatusCode, Header: resp.Header, Body: b}, nil
}

// netReason describes a transport error without the request URL.
func netReason(ctx context.Context, err error, timeout time.Duration) string {
	if ctx.Err() == context.DeadlineExceeded {
		return fmt.Sprintf("timeout after %s", timeout)
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	var dns *net.DNSError
	var ua x509.UnknownAuthorityError
	var hn x509.HostnameError
	var ci x509.CertificateInvalidError
	switch {
	case errors.As(err, &dns):
		return "cannot resolve " + dns.Name
	case errors.As(err, &ua), errors.As(err, &hn), errors.As(err, &ci):
		return "TLS certificate not trusted"
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Sprintf("timeout after %s", timeout)
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return fmt.Sprintf("timeout after %s", timeout)
	}
	var op *net.OpError
	if errors.As(err, &op) {
		return op.Op + ": " + op.Err.Error()
	}
	return err.Error()
}

func ctxReason(ctx context.Context) string {
	if ctx.Err() == context.DeadlineExceeded {
		return "timed out"
	}
	return "cancelled"
}

// retryAfter parses a Retry-After header: seconds or an HTTP date.
func retryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if n, err := strconv.Atoi(v); err == nil && n >= 0 {
		return time.Duration(n) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}
