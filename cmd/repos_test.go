package cmd

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// TestReposGitHub lists an organisation through a fake GitHub Enterprise
// API on 127.0.0.1: three pages followed through Link headers, a secondary
// rate limit (Retry-After) on the way, the token from the environment and
// never printed; the output is a --repos-file.
func TestReposGitHub(t *testing.T) {
	const token = "ghp_fake_for_test_only"
	var mu sync.Mutex
	var calls []string
	limited := false
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		calls = append(calls, r.URL.RequestURI())
		if r.Header.Get("Authorization") != "Bearer "+token {
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"message":"Bad credentials"}`)
			return
		}
		if r.URL.Path != "/api/v3/orgs/acme/repos" {
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, `{"message":"Not Found"}`)
			return
		}
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		if page == 0 {
			page = 1
		}
		if page == 2 && !limited {
			limited = true
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprint(w, `{"message":"You have exceeded a secondary rate limit."}`)
			return
		}
		if page < 3 {
			w.Header().Set("Link", fmt.Sprintf(`<http://%s/api/v3/orgs/acme/repos?per_page=100&page=%d>; rel="next", <http://%s/api/v3/orgs/acme/repos?per_page=100&page=3>; rel="last"`, r.Host, page+1, r.Host))
		}
		var items []string
		for i := 0; i < 2; i++ {
			n := (page-1)*2 + i
			items = append(items, fmt.Sprintf(`{"full_name":"acme/r%d","clone_url":"https://ghe.example/acme/r%d.git","ssh_url":"git@ghe.example:acme/r%d.git","archived":%v,"fork":false}`, n, n, n, n == 5))
		}
		fmt.Fprint(w, "["+strings.Join(items, ",")+"]")
	}))
	defer srv.Close()

	k := khRun{env: map[string]string{"GITHUB_TOKEN": token, "GITHUB_API_URL": srv.URL + "/api/v3"}}
	res := k.run(t, "repos", "github", "--org", "acme")
	if res.code != 0 {
		t.Fatalf("exit %d\n%s", res.code, res.stderr)
	}
	var want []string
	for i := 0; i < 6; i++ {
		want = append(want, fmt.Sprintf("https://ghe.example/acme/r%d.git", i))
	}
	if res.stdout != strings.Join(want, "\n")+"\n" {
		t.Errorf("stdout:\n%s", res.stdout)
	}
	if !strings.Contains(res.stderr, "secondary rate limit") || strings.Contains(res.stderr+res.stdout, token) {
		t.Errorf("stderr: %s", res.stderr)
	}
	if len(calls) != 4 {
		t.Errorf("calls %v, want 4 (3 pages, one retried)", calls)
	}

	out := filepath.Join(t.TempDir(), "repos.txt")
	res = k.run(t, "repos", "github", "--org", "acme", "--ssh", "--skip-archived", "--api-url", srv.URL+"/api/v3", "-o", out)
	data, _ := os.ReadFile(out)
	if res.code != 0 || strings.Count(string(data), "\n") != 5 || !strings.HasPrefix(string(data), "git@ghe.example:acme/r0.git\n") || strings.Contains(string(data), "r5") {
		t.Errorf("--ssh --skip-archived: exit %d\n%s\n%s", res.code, data, res.stderr)
	}

	for name, args := range map[string][]string{
		"no org":    {"repos", "github"},
		"not found": {"repos", "github", "--org", "nope"},
	} {
		if res := k.run(t, args...); res.code != 2 || strings.Count(strings.TrimSpace(res.stderr), "\n") != 0 {
			t.Errorf("%s: exit %d, stderr %q", name, res.code, res.stderr)
		}
	}
	bad := khRun{env: map[string]string{"KEYHOUND_GITHUB_TOKEN": "wrong-value-123", "GITHUB_API_URL": srv.URL + "/api/v3"}}
	if res := bad.run(t, "repos", "github", "--org", "acme"); res.code != 2 || strings.Contains(res.stderr, "wrong-value-123") || !strings.Contains(res.stderr, "token") {
		t.Errorf("bad token: exit %d, stderr %q", res.code, res.stderr)
	}
}
