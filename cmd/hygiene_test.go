package cmd

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// TestRedactKeepsSecretsOutOfEveryChannel scans files with known secrets
// with --redact, every report format at once, a webhook (without
// include_secret), its attempt log and a dry run, and greps everything
// keyhound wrote for the secrets.
func TestRedactKeepsSecretsOutOfEveryChannel(t *testing.T) {
	dir := t.TempDir()
	var secrets []string
	for i := int64(0); i < 5; i++ {
		s := token(500 + i)
		secrets = append(secrets, s)
		writeFile(t, filepath.Join(dir, "f"+string(rune('a'+i))+".txt"), "key = "+s+"\n")
	}
	pw := "Xy7pQ2vL9sK3zz"
	secrets = append(secrets, pw)
	writeFile(t, filepath.Join(dir, "db.env"), "DATABASE_URL=postgres://app:"+pw+"@db.internal/app\n")

	var mu sync.Mutex
	var received strings.Builder
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		received.Write(b)
		for k, v := range r.Header {
			received.WriteString(k + ": " + strings.Join(v, ",") + "\n")
		}
		mu.Unlock()
	}))
	defer srv.Close()

	out := t.TempDir()
	args := []string{"dir", "--redact", "--webhook", srv.URL, "--webhook-log", filepath.Join(out, "hooks.log")}
	for _, f := range []string{"json", "sarif", "csv", "junit", "text"} {
		args = append(args, "-f", f+"="+filepath.Join(out, "report."+f))
	}
	args = append(args, "-f", "json", dir) // and one report on stdout
	r := run(t, "", args...)
	if r.code != 1 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	dry := run(t, "", "dir", "--redact", "--webhook", srv.URL, "--webhook-dry-run", dir)

	channels := map[string]string{"stdout": r.stdout, "stderr": r.stderr, "dry-run stderr": dry.stderr + dry.stdout}
	mu.Lock()
	channels["webhook requests"] = received.String()
	mu.Unlock()
	entries, _ := os.ReadDir(out)
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(out, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		channels[e.Name()] = string(b)
		if st, _ := os.Stat(filepath.Join(out, e.Name())); st.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600", e.Name(), st.Mode().Perm())
		}
	}
	if len(entries) != 6 || !strings.Contains(channels["webhook requests"], "REDACTED") {
		t.Fatalf("expected 5 reports + a log and a delivery, got %d files; requests %q", len(entries), channels["webhook requests"])
	}
	for name, text := range channels {
		for _, s := range secrets {
			if strings.Contains(text, s) {
				t.Errorf("%s contains the secret %s", name, s)
			}
		}
	}
}
