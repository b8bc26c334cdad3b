package cmd

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestWebhooksEndToEnd(t *testing.T) {
	dir, secret := tree(t)
	var mu sync.Mutex
	var bodies []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies = append(bodies, string(b))
		mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()

	r := run(t, "", "dir", "--webhook", srv.URL, dir)
	if r.code != 1 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	mu.Lock()
	got := append([]string{}, bodies...)
	bodies = nil
	mu.Unlock()
	if len(got) != 1 || !strings.Contains(got[0], `"secret.detected"`) || !strings.Contains(got[0], "kh-test-token") {
		t.Fatalf("receiver got %q", got)
	}
	if strings.Contains(got[0], secret) {
		t.Errorf("secret sent without include_secret")
	}
	if !strings.Contains(r.stderr, "1 delivered, 0 failed") {
		t.Errorf("no delivery summary: %s", r.stderr)
	}

	// Configured in the rule file with include_secret and a signing key from the environment.
	cfg := filepath.Join(t.TempDir(), "hooks.toml")
	writeFile(t, cfg, "[extend]\nuse_default = true\n[[webhooks]]\nurl = \""+srv.URL+"\"\nsecret_env = \"KH_TEST_HOOK_KEY\"\ninclude_secret = true\n")
	r = run(t, "", "dir", "-c", cfg, dir)
	if r.code != 2 || !strings.Contains(r.stderr, "KH_TEST_HOOK_KEY") {
		t.Fatalf("unset secret_env: exit %d %s", r.code, r.stderr)
	}
	mu.Lock()
	if len(bodies) != 0 {
		t.Errorf("a configuration error still sent %d requests", len(bodies))
	}
	mu.Unlock()

	// Dry run prints and sends nothing.
	r = run(t, "", "dir", "--webhook", srv.URL, "--webhook-dry-run", dir)
	mu.Lock()
	if len(bodies) != 0 || !strings.Contains(r.stderr, "POST "+srv.URL) {
		t.Errorf("dry run: %d sent, stderr %s", len(bodies), r.stderr)
	}
	mu.Unlock()

	// A dead endpoint loses no finding; --webhook-strict turns the failure into exit 2.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + l.Addr().String() + "/hook"
	l.Close()
	deadCfg := filepath.Join(t.TempDir(), "dead.toml")
	writeFile(t, deadCfg, "[extend]\nuse_default = true\n[[webhooks]]\nurl = \""+dead+"\"\nmax_attempts = 2\ntimeout = \"2s\"\n")
	r = run(t, "", "dir", "-f", "json", "-c", deadCfg, dir)
	if r.code != 1 || !strings.Contains(r.stdout, "kh-test-token") || !strings.Contains(r.stderr, "1 failed") {
		t.Fatalf("dead hook: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	r = run(t, "", "dir", "-c", deadCfg, "--webhook-strict", dir)
	if r.code != 2 {
		t.Fatalf("--webhook-strict with a failed delivery: exit %d", r.code)
	}
	r = run(t, "", "dir", "--webhook", "ftp://example.invalid/x", dir)
	if r.code != 2 {
		t.Fatalf("ftp webhook: exit %d", r.code)
	}
}

// TestGitWebhooksOncePerFinding: in git mode a finding goes to the webhook
// as soon as a blob holding it is matched and is not delivered again when
// the history's findings are settled: one delivery per finding, naming a
// commit that holds the secret (the report names the earliest).
func TestGitWebhooksOncePerFinding(t *testing.T) {
	r := newCLIRepo(t)
	s1 := gitToken(71)
	r.write("app.env", "TOKEN="+s1+"\n")
	holders := map[string]bool{r.commit("add token"): true}
	for i := 0; i < 3; i++ { // later versions of the file still hold it
		r.write("app.env", "TOKEN="+s1+"\n"+strings.Repeat("x\n", i+1))
		holders[r.commit("edit")] = true
	}
	var mu sync.Mutex
	var bodies []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		mu.Lock()
		bodies = append(bodies, string(b))
		mu.Unlock()
	}))
	defer srv.Close()
	res := runGitCmd(t, "--config", gitRulesFile(t), "--webhook", srv.URL, r.dir)
	if res.code != 1 {
		t.Fatalf("exit %d: %s", res.code, res.stderr)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(bodies) != 1 {
		t.Fatalf("%d deliveries, want 1: %q", len(bodies), bodies)
	}
	var p struct {
		Finding struct {
			Commit string `json:"commit"`
			File   string `json:"file"`
		} `json:"finding"`
	}
	if err := json.Unmarshal([]byte(bodies[0]), &p); err != nil || !holders[p.Finding.Commit] || p.Finding.File != "app.env" {
		t.Errorf("delivery does not name a commit holding the secret: %s (%v)", bodies[0], err)
	}
}
