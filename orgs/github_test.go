package orgs

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeGitHub speaks enough of the GitHub REST API for the lister: an
// organisation's repositories, per_page at a time, with Link headers, and
// rate-limit responses scripted per request number.
type fakeGitHub struct {
	t       *testing.T
	repos   int
	perPage int
	token   string
	now     func() time.Time

	mu       sync.Mutex
	requests []string
	// limits[n] is the response to the n-th request (1-based) instead of
	// the page: "primary", "secondary-retry-after", "secondary-no-header",
	// "429", "500", "remaining-0" (a page, but the last request allowed).
	limits map[int]string
}

func (f *fakeGitHub) handler(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.requests = append(f.requests, r.URL.RequestURI())
	n := len(f.requests)
	mode := f.limits[n]
	f.mu.Unlock()
	if f.token != "" && r.Header.Get("Authorization") != "Bearer "+f.token {
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprint(w, `{"message":"Bad credentials"}`)
		return
	}
	if r.Header.Get("X-GitHub-Api-Version") == "" || !strings.Contains(r.Header.Get("Accept"), "github") {
		f.t.Errorf("request %d without the API headers", n)
	}
	reset := strconv.FormatInt(f.now().Add(90*time.Second).Unix(), 10)
	switch mode {
	case "primary":
		w.Header().Set("X-Ratelimit-Limit", "5000")
		w.Header().Set("X-Ratelimit-Remaining", "0")
		w.Header().Set("X-Ratelimit-Reset", reset)
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprint(w, `{"message":"API rate limit exceeded"}`)
		return
	case "secondary-retry-after":
		w.Header().Set("Retry-After", "30")
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprint(w, `{"message":"You have exceeded a secondary rate limit."}`)
		return
	case "secondary-no-header":
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprint(w, `{"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again."}`)
		return
	case "429":
		w.Header().Set("Retry-After", "5")
		w.WriteHeader(http.StatusTooManyRequests)
		return
	case "500":
		w.WriteHeader(http.StatusBadGateway)
		return
	case "forbidden":
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprint(w, `{"message":"Resource protected by organization SAML enforcement."}`)
		return
	}
	if !strings.HasPrefix(r.URL.Path, "/api/v3/orgs/acme/repos") {
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, `{"message":"Not Found"}`)
		return
	}
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	if page == 0 {
		page = 1
	}
	per, _ := strconv.Atoi(r.URL.Query().Get("per_page"))
	if per != 100 {
		f.t.Errorf("per_page %d, want 100", per)
	}
	per = f.perPage // the fake's pages are smaller, to have several
	var out []map[string]any
	for i := (page - 1) * per; i < page*per && i < f.repos; i++ {
		out = append(out, map[string]any{
			"full_name": fmt.Sprintf("acme/r%d", i),
			"clone_url": fmt.Sprintf("https://ghe.example/acme/r%d.git", i),
			"ssh_url":   fmt.Sprintf("git@ghe.example:acme/r%d.git", i),
			"archived":  i%5 == 4,
			"fork":      i%7 == 6,
		})
	}
	last := (f.repos + per - 1) / per
	var links []string
	link := func(p int, rel string) string {
		// Absolute URLs, as GitHub sends (on the API's own host).
		return fmt.Sprintf(`<http://%s/api/v3/organizations/1/repos?per_page=100&type=all&page=%d>; rel="%s"`, r.Host, p, rel)
	}
	if page < last {
		links = append(links, link(page+1, "next"), link(last, "last"))
	}
	if page > 1 {
		links = append(links, link(1, "first"), link(page-1, "prev"))
	}
	if len(links) > 0 {
		w.Header().Set("Link", strings.Join(links, ", "))
	}
	w.Header().Set("X-Ratelimit-Remaining", "100")
	if mode == "remaining-0" {
		w.Header().Set("X-Ratelimit-Remaining", "0")
		w.Header().Set("X-Ratelimit-Reset", reset)
	}
	_ = json.NewEncoder(w).Encode(out)
}

// serve starts the fake; organization URLs (the Link targets) are served
// like the org's.
func (f *fakeGitHub) serve() *httptest.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("/api/v3/organizations/1/repos", func(w http.ResponseWriter, r *http.Request) {
		r.URL.Path = "/api/v3/orgs/acme/repos"
		f.handler(w, r)
	})
	mux.HandleFunc("/", f.handler)
	srv := httptest.NewServer(mux)
	f.t.Cleanup(srv.Close)
	return srv
}

// fakeClock advances only when the lister sleeps.
type fakeClock struct {
	mu    sync.Mutex
	t     time.Time
	slept []time.Duration
}

func (c *fakeClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) sleep(_ context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.slept = append(c.slept, d)
	c.t = c.t.Add(d)
	return nil
}

func newLister(t *testing.T, f *fakeGitHub, token string) (*GitHub, *fakeClock) {
	clock := &fakeClock{t: time.Unix(1_700_000_000, 0)}
	f.t, f.now = t, clock.now
	srv := f.serve()
	return &GitHub{BaseURL: srv.URL + "/api/v3", Token: token, MaxWait: time.Hour, Now: clock.now, Sleep: clock.sleep}, clock
}

func TestPagination(t *testing.T) {
	f := &fakeGitHub{repos: 23, perPage: 10, token: "t0ken"}
	gh, clock := newLister(t, f, "t0ken")
	repos, err := gh.OrgRepos(context.Background(), "acme")
	if err != nil {
		t.Fatal(err)
	}
	if len(repos) != 23 {
		t.Fatalf("%d repositories, want 23", len(repos))
	}
	for i, r := range repos {
		if want := fmt.Sprintf("https://ghe.example/acme/r%d.git", i); r.CloneURL != want {
			t.Errorf("repo %d: %s, want %s", i, r.CloneURL, want)
		}
	}
	if len(f.requests) != 3 || len(clock.slept) != 0 {
		t.Errorf("requests %v, sleeps %v", f.requests, clock.slept)
	}
	if !strings.Contains(f.requests[1], "page=2") || !strings.Contains(f.requests[2], "page=3") {
		t.Errorf("pages not followed through Link: %v", f.requests)
	}
}

// TestRateLimits: each kind of limit is waited out for as long as GitHub
// says (primary: until x-ratelimit-reset; secondary: Retry-After, or a
// minute and then longer; 429; server errors briefly) and the listing
// completes.
func TestRateLimits(t *testing.T) {
	tests := []struct {
		name   string
		limits map[int]string
		sleeps []time.Duration
	}{
		{"primary", map[int]string{2: "primary"}, []time.Duration{91 * time.Second}},
		{"secondary with Retry-After", map[int]string{1: "secondary-retry-after"}, []time.Duration{30 * time.Second}},
		{"secondary without header", map[int]string{2: "secondary-no-header", 3: "secondary-no-header"}, []time.Duration{time.Minute, 2 * time.Minute}},
		{"429", map[int]string{3: "429"}, []time.Duration{5 * time.Second}},
		{"server error", map[int]string{1: "500", 2: "500"}, []time.Duration{2 * time.Second, 4 * time.Second}},
		{"last request before the reset", map[int]string{1: "remaining-0"}, []time.Duration{91 * time.Second}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := &fakeGitHub{repos: 25, perPage: 10, limits: tc.limits}
			gh, clock := newLister(t, f, "")
			var notes []string
			gh.Notify = func(m string) { notes = append(notes, m) }
			repos, err := gh.OrgRepos(context.Background(), "acme")
			if err != nil {
				t.Fatal(err)
			}
			if len(repos) != 25 {
				t.Errorf("%d repositories, want 25", len(repos))
			}
			if fmt.Sprint(clock.slept) != fmt.Sprint(tc.sleeps) {
				t.Errorf("slept %v, want %v", clock.slept, tc.sleeps)
			}
			if len(notes) != len(tc.sleeps) {
				t.Errorf("notes %q", notes)
			}
		})
	}
}

func TestErrors(t *testing.T) {
	t.Run("max wait", func(t *testing.T) {
		f := &fakeGitHub{repos: 25, perPage: 10, limits: map[int]string{2: "primary"}}
		gh, _ := newLister(t, f, "")
		gh.MaxWait = time.Minute
		_, err := gh.OrgRepos(context.Background(), "acme")
		if err == nil || !strings.Contains(err.Error(), "max-wait") {
			t.Errorf("err %v", err)
		}
	})
	t.Run("bad token", func(t *testing.T) {
		f := &fakeGitHub{repos: 5, perPage: 10, token: "right"}
		gh, _ := newLister(t, f, "wrong-token-value")
		_, err := gh.OrgRepos(context.Background(), "acme")
		if err == nil || !strings.Contains(err.Error(), "401") || strings.Contains(err.Error(), "wrong-token-value") {
			t.Errorf("err %v", err)
		}
	})
	t.Run("not found", func(t *testing.T) {
		f := &fakeGitHub{repos: 5, perPage: 10}
		gh, _ := newLister(t, f, "")
		_, err := gh.OrgRepos(context.Background(), "nope")
		if err == nil || !strings.Contains(err.Error(), "organisation nope not found") {
			t.Errorf("err %v", err)
		}
	})
	t.Run("forbidden is not a rate limit", func(t *testing.T) {
		f := &fakeGitHub{repos: 5, perPage: 10, limits: map[int]string{1: "forbidden"}}
		gh, clock := newLister(t, f, "")
		_, err := gh.OrgRepos(context.Background(), "acme")
		if err == nil || !strings.Contains(err.Error(), "SAML") || len(clock.slept) != 0 {
			t.Errorf("err %v, slept %v", err, clock.slept)
		}
	})
	t.Run("next page on another host", func(t *testing.T) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Link", `<https://evil.example/steal?page=2>; rel="next"`)
			fmt.Fprint(w, `[{"clone_url":"https://x/y.git"}]`)
		}))
		defer srv.Close()
		gh := &GitHub{BaseURL: srv.URL, Token: "secret-token"}
		_, err := gh.OrgRepos(context.Background(), "acme")
		if err == nil || !strings.Contains(err.Error(), "not on") {
			t.Errorf("err %v", err)
		}
	})
	t.Run("bad base URL", func(t *testing.T) {
		gh := &GitHub{BaseURL: "ftp://x"}
		if _, err := gh.OrgRepos(context.Background(), "acme"); err == nil {
			t.Error("no error")
		}
	})
}

func TestLinkNext(t *testing.T) {
	for h, want := range map[string]string{
		`<https://api.github.com/x?page=2>; rel="next", <https://api.github.com/x?page=9>; rel="last"`: "https://api.github.com/x?page=2",
		`<https://api.github.com/x?page=1>; rel="prev"`:                                                "",
		`<https://a/b?page=3>; rel="prev next"`:                                                        "https://a/b?page=3",
		``:                                                                                             "",
		`garbage`:                                                                                      "",
	} {
		if got := linkNext(h); got != want {
			t.Errorf("linkNext(%q) = %q, want %q", h, got, want)
		}
	}
}
