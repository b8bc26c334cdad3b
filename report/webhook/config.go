package webhook

import (
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/keyhound/keyhound/rules"
)

// Defaults for a hook's fields left unset.
const (
	DefaultTimeout     = 10 * time.Second
	DefaultMaxAttempts = 5
)

// Hook is one configured webhook, with its secret resolved from the environment.
type Hook struct {
	Name          string // where it was configured: "[[webhooks]] #1", "--webhook #2"
	URL           string
	Secret        []byte // HMAC-SHA256 key; nil: requests are not signed
	Rules         []string
	MinSeverity   string // "" (all), info, low, medium, high or critical
	MinStatus     string // "" (all) or "live": only findings verified live
	IncludeSecret bool
	Timeout       time.Duration // per request; 0: DefaultTimeout
	MaxAttempts   int           // 0: DefaultMaxAttempts
	Headers       map[string]string

	// envHeaders names the headers whose values came from the environment;
	// dry runs mask them.
	envHeaders map[string]bool
}

// severities ranks the severity names, lowest first.
var severities = map[string]int{"info": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}

// reserved headers are set by the protocol and cannot be configured.
func reservedHeader(name string) bool {
	n := strings.ToLower(name)
	switch n {
	case "content-type", "content-length", "host", "user-agent", "transfer-encoding", "connection":
		return true
	}
	return strings.HasPrefix(n, "x-keyhound-")
}

// Configure validates the rule file's [[webhooks]] tables and the --webhook
// URLs (which get defaults: no secret, all rules, no secret included) and
// resolves secret_env and "env:NAME" header values with getenv. Errors are
// configuration errors, reported before scanning; each names the hook (its
// URL and where it was configured) and the field. The first error is returned.
func Configure(specs []rules.WebhookSpec, urls []string, getenv func(string) string) ([]Hook, error) {
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	var hooks []Hook
	for i, spec := range specs {
		h, err := configure(fmt.Sprintf("[[webhooks]] #%d", i+1), spec, getenv)
		if err != nil {
			return nil, err
		}
		hooks = append(hooks, h)
	}
	for i, u := range urls {
		h, err := configure(fmt.Sprintf("--webhook #%d", i+1), rules.WebhookSpec{URL: u}, getenv)
		if err != nil {
			return nil, err
		}
		hooks = append(hooks, h)
	}
	return hooks, nil
}

func configure(name string, spec rules.WebhookSpec, getenv func(string) string) (Hook, error) {
	h := Hook{
		Name:          name,
		URL:           strings.TrimSpace(spec.URL),
		IncludeSecret: spec.IncludeSecret,
		Timeout:       DefaultTimeout,
		MaxAttempts:   DefaultMaxAttempts,
	}
	fail := func(field, format string, args ...any) (Hook, error) {
		return Hook{}, fmt.Errorf("webhook %s (%s): %s: %s", displayURL(h.URL), name, field, fmt.Sprintf(format, args...))
	}

	if h.URL == "" {
		return fail("url", "missing")
	}
	u, err := url.Parse(h.URL)
	if err != nil {
		if ue, ok := err.(*url.Error); ok {
			err = ue.Err
		}
		return fail("url", "cannot parse: %v", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		if u.Scheme == "" {
			return fail("url", "no scheme (only http:// and https:// URLs are supported)")
		}
		return fail("url", "scheme %q is not supported (only http and https)", u.Scheme)
	}
	if u.Host == "" || u.Hostname() == "" {
		return fail("url", "no host")
	}
	if u.Fragment != "" {
		return fail("url", "has a fragment")
	}

	if spec.SecretEnv != "" {
		v := getenv(spec.SecretEnv)
		if v == "" {
			return fail("secret_env", "environment variable %s is unset or empty", spec.SecretEnv)
		}
		h.Secret = []byte(v)
	}

	for _, id := range spec.Rules {
		if strings.TrimSpace(id) == "" {
			return fail("rules", "empty rule id")
		}
		h.Rules = append(h.Rules, strings.TrimSpace(id))
	}

	if spec.MinStatus != "" {
		if s := strings.ToLower(strings.TrimSpace(spec.MinStatus)); s != "live" {
			return fail("min_status", "%q is not supported (only \"live\")", spec.MinStatus)
		}
		h.MinStatus = "live"
	}
	if spec.MinSeverity != "" {
		s := strings.ToLower(strings.TrimSpace(spec.MinSeverity))
		if _, ok := severities[s]; !ok {
			return fail("min_severity", "%q is not one of info, low, medium, high, critical", spec.MinSeverity)
		}
		h.MinSeverity = s
	}

	if spec.Timeout != "" {
		d, err := time.ParseDuration(strings.TrimSpace(spec.Timeout))
		if err != nil {
			return fail("timeout", "%q is not a duration such as \"10s\" or \"1m30s\"", spec.Timeout)
		}
		if d <= 0 {
			return fail("timeout", "%q must be positive", spec.Timeout)
		}
		h.Timeout = d
	}

	switch {
	case spec.MaxAttempts < 0:
		return fail("max_attempts", "%d must be at least 1", spec.MaxAttempts)
	case spec.MaxAttempts > 0:
		h.MaxAttempts = spec.MaxAttempts
	}

	names := make([]string, 0, len(spec.Headers))
	for k := range spec.Headers {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		v := spec.Headers[k]
		field := "headers." + k
		if !validHeaderName(k) {
			return fail(field, "not a valid header name")
		}
		if reservedHeader(k) {
			return fail(field, "is set by keyhound and cannot be configured")
		}
		if env, ok := strings.CutPrefix(v, "env:"); ok {
			if env == "" {
				return fail(field, "\"env:\" names no environment variable")
			}
			v = getenv(env)
			if v == "" {
				return fail(field, "environment variable %s is unset or empty", env)
			}
			if h.envHeaders == nil {
				h.envHeaders = map[string]bool{}
			}
			h.envHeaders[k] = true
		}
		if strings.ContainsAny(v, "\r\n\x00") {
			return fail(field, "value contains a line break")
		}
		if h.Headers == nil {
			h.Headers = map[string]string{}
		}
		h.Headers[k] = v
	}
	return h, nil
}

// validHeaderName reports whether s is an RFC 9110 token.
func validHeaderName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// displayURL is raw with any password in it masked, for messages.
func displayURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		if err != nil && strings.Contains(raw, "@") {
			return "<unparsable URL>"
		}
		return raw
	}
	return u.Redacted()
}
