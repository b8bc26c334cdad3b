// Package orgs lists the repositories of an organisation on a code host,
// for `keyhound repos`: the clone URLs to scan with `keyhound git
// --repos-file`.
package orgs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// GitHub lists repositories through the GitHub REST API (github.com or
// GitHub Enterprise Server). Pages are followed through the Link header;
// rate limits are waited out: the primary limit until x-ratelimit-reset,
// a secondary limit for its Retry-After (or a minute, doubling on each
// repeat), server errors with a short backoff, up to MaxWait in all.
type GitHub struct {
	BaseURL string       // API root: https://api.github.com, or https://HOST/api/v3
	Token   string       // "": anonymous (public repositories, 60 requests an hour)
	Client  *http.Client // nil: a client with a 30s timeout
	MaxWait time.Duration
	// Notify, when set, is told about each wait ("rate limited: waiting 42s").
	Notify func(msg string)

	// For tests: the clock and the sleep (nil: the real ones).
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
}

// Repo is one repository as the API lists it.
type Repo struct {
	FullName string `json:"full_name"`
	CloneURL string `json:"clone_url"`
	SSHURL   string `json:"ssh_url"`
	Archived bool   `json:"archived"`
	Fork     bool   `json:"fork"`
	Disabled bool   `json:"disabled"`
}

// OrgRepos lists every repository of organisation org the token can see.
func (g *GitHub) OrgRepos(ctx context.Context, org string) ([]Repo, error) {
	return g.list(ctx, "orgs/"+url.PathEscape(org)+"/repos?type=all&per_page=100", "organisation "+org)
}

// UserRepos lists the repositories user owns.
func (g *GitHub) UserRepos(ctx context.Context, user string) ([]Repo, error) {
	return g.list(ctx, "users/"+url.PathEscape(user)+"/repos?type=owner&per_page=100", "user "+user)
}

func (g *GitHub) now() time.Time {
	if g.Now != nil {
		return g.Now()
	}
	return time.Now()
}

func (g *GitHub) sleep(ctx context.Context, d time.Duration) error {
	if g.Sleep != nil {
		return g.Sleep(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func (g *GitHub) list(ctx context.Context, path, what string) ([]Repo, error) {
	base, err := url.Parse(strings.TrimRight(g.BaseURL, "/") + "/")
	if err != nil || (base.Scheme != "https" && base.Scheme != "http") || base.Host == "" {
		return nil, fmt.Errorf("API URL %q: want http(s)://host[/path]", g.BaseURL)
	}
	next, _ := base.Parse(path)
	client := g.Client
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second}
	}
	w := &waiter{g: g}
	var out []Repo
	for page := 1; next != nil; page++ {
		resp, body, err := g.get(ctx, client, next, w)
		if err != nil {
			return nil, fmt.Errorf("%s, page %d: %w", what, page, err)
		}
		switch resp.StatusCode {
		case http.StatusOK:
		case http.StatusNotFound:
			return nil, fmt.Errorf("%s not found (or the token cannot see it)", what)
		case http.StatusUnauthorized:
			return nil, fmt.Errorf("%s: %s: bad or expired token", what, resp.Status)
		default:
			return nil, fmt.Errorf("%s, page %d: %s%s", what, page, resp.Status, apiMessage(body))
		}
		var repos []Repo
		if err := json.Unmarshal(body, &repos); err != nil {
			return nil, fmt.Errorf("%s, page %d: not a list of repositories: %v", what, page, err)
		}
		out = append(out, repos...)
		next = nil
		if n := linkNext(resp.Header.Get("Link")); n != "" {
			u, err := resp.Request.URL.Parse(n)
			if err != nil {
				return nil, fmt.Errorf("%s, page %d: bad Link header: %v", what, page, err)
			}
			// The token goes only to the API's own host.
			if u.Scheme != base.Scheme || u.Host != base.Host {
				return nil, fmt.Errorf("%s, page %d: next page %s is not on %s", what, page, u.Redacted(), base.Host)
			}
			next = u
			// Out of requests with pages to go: wait for the reset now
			// rather than be refused.
			if resp.Header.Get("X-Ratelimit-Remaining") == "0" {
				if err := w.wait(ctx, g.resetWait(resp.Header), "rate limit used up"); err != nil {
					return nil, fmt.Errorf("%s, page %d: %w", what, page+1, err)
				}
			}
		}
	}
	return out, nil
}

// get requests u, waiting out rate limits and retrying server errors.
func (g *GitHub) get(ctx context.Context, client *http.Client, u *url.URL, w *waiter) (*http.Response, []byte, error) {
	secondary := time.Minute
	serverErrors := 0
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
		if err != nil {
			return nil, nil, err
		}
		req.Header.Set("Accept", "application/vnd.github+json")
		req.Header.Set("X-GitHub-Api-Version", "2022-11-28")
		req.Header.Set("User-Agent", "keyhound")
		if g.Token != "" {
			req.Header.Set("Authorization", "Bearer "+g.Token)
		}
		resp, err := client.Do(req)
		if err != nil {
			if ctx.Err() != nil {
				return nil, nil, ctx.Err()
			}
			return nil, nil, scrub(err, g.Token)
		}
		body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
		resp.Body.Close()
		if err != nil {
			return nil, nil, err
		}
		switch {
		case resp.StatusCode == http.StatusForbidden || resp.StatusCode == http.StatusTooManyRequests:
			h := resp.Header
			switch {
			case h.Get("Retry-After") != "":
				// A secondary rate limit (or a 429) says how long.
				d := retryAfter(h.Get("Retry-After"), g.now())
				if err := w.wait(ctx, d, "secondary rate limit"); err != nil {
					return nil, nil, err
				}
				continue
			case h.Get("X-Ratelimit-Remaining") == "0":
				if err := w.wait(ctx, g.resetWait(h), "rate limit exceeded"); err != nil {
					return nil, nil, err
				}
				continue
			case resp.StatusCode == http.StatusTooManyRequests || strings.Contains(strings.ToLower(string(body)), "secondary rate limit"):
				// No header: GitHub asks for at least a minute, then longer.
				if err := w.wait(ctx, secondary, "secondary rate limit"); err != nil {
					return nil, nil, err
				}
				secondary *= 2
				continue
			}
		case resp.StatusCode >= 500 && serverErrors < 3:
			serverErrors++
			if err := w.wait(ctx, time.Duration(1<<serverErrors)*time.Second, resp.Status); err != nil {
				return nil, nil, err
			}
			continue
		}
		return resp, body, nil
	}
}

// resetWait is how long until the primary rate limit resets.
func (g *GitHub) resetWait(h http.Header) time.Duration {
	reset, err := strconv.ParseInt(h.Get("X-Ratelimit-Reset"), 10, 64)
	if err != nil {
		return time.Minute
	}
	d := time.Unix(reset, 0).Sub(g.now()) + time.Second // the reset second itself
	return max(d, time.Second)
}

// retryAfter reads a Retry-After header: seconds or an HTTP date.
func retryAfter(v string, now time.Time) time.Duration {
	if s, err := strconv.Atoi(strings.TrimSpace(v)); err == nil {
		return max(time.Duration(s)*time.Second, 0)
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0)
	}
	return time.Minute
}

// waiter sleeps for rate limits, within the budget MaxWait.
type waiter struct {
	g      *GitHub
	waited time.Duration
}

func (w *waiter) wait(ctx context.Context, d time.Duration, why string) error {
	limit := w.g.MaxWait
	if limit > 0 && w.waited+d > limit {
		return fmt.Errorf("%s: would wait %s more, beyond --max-wait %s", why, d.Round(time.Second), limit)
	}
	if w.g.Notify != nil {
		w.g.Notify(fmt.Sprintf("GitHub API: %s: waiting %s", why, d.Round(time.Second)))
	}
	w.waited += d
	return w.g.sleep(ctx, d)
}

// linkNext returns the rel="next" target of a Link header.
func linkNext(h string) string {
	for _, part := range strings.Split(h, ",") {
		target, params, ok := strings.Cut(strings.TrimSpace(part), ";")
		if !ok {
			continue
		}
		target = strings.TrimSpace(target)
		if !strings.HasPrefix(target, "<") || !strings.HasSuffix(target, ">") {
			continue
		}
		for _, p := range strings.Split(params, ";") {
			k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
			if strings.TrimSpace(k) == "rel" {
				for _, rel := range strings.Fields(strings.Trim(strings.TrimSpace(v), `"`)) {
					if rel == "next" {
						return target[1 : len(target)-1]
					}
				}
			}
		}
	}
	return ""
}

// apiMessage returns ": <message>" from a GitHub error body, if it has one.
func apiMessage(body []byte) string {
	var e struct {
		Message string `json:"message"`
	}
	if json.Unmarshal(body, &e) == nil && e.Message != "" {
		return ": " + e.Message
	}
	return ""
}

// scrub keeps the token out of an error message.
func scrub(err error, token string) error {
	if token == "" || !strings.Contains(err.Error(), token) {
		return err
	}
	return errors.New(strings.ReplaceAll(err.Error(), token, "REDACTED"))
}
