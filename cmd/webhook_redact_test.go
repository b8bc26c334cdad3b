package cmd

import (
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// hookServer records the raw bodies POSTed to it.
type hookServer struct {
	*httptest.Server
	mu     sync.Mutex
	bodies []string
}

func newHookServer(t *testing.T) *hookServer {
	t.Helper()
	h := &hookServer{}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		h.bodies = append(h.bodies, string(b))
		h.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(h.Close)
	return h
}

func (h *hookServer) take() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	b := h.bodies
	h.bodies = nil
	return b
}

// TestRedactReachesWebhooks: under --redact no webhook receives a secret,
// even one configured with include_secret, and stderr names each hook whose
// include_secret was overridden.
func TestRedactReachesWebhooks(t *testing.T) {
	dir, secret := tree(t)
	srv := newHookServer(t)
	cfg := filepath.Join(t.TempDir(), "hooks.toml")
	writeFile(t, cfg, "[extend]\nuse_default = true\n[[webhooks]]\nurl = \""+srv.URL+"/revoke\"\ninclude_secret = true\n")

	tests := []struct {
		name       string
		args       []string
		wantSecret bool
	}{
		{"include_secret without --redact", []string{"dir", "-c", cfg, dir}, true},
		{"include_secret with --redact", []string{"dir", "-c", cfg, "--redact", dir}, false},
		{"--webhook with --redact", []string{"dir", "--redact", "--webhook", srv.URL + "/plain", dir}, false},
		{"dry run with --redact", []string{"dir", "-c", cfg, "--redact", "--webhook-dry-run", dir}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := run(t, "", tc.args...)
			if r.code != 1 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			bodies := srv.take()
			dry := strings.Contains(tc.name, "dry run")
			if !dry && len(bodies) != 1 {
				t.Fatalf("receiver got %d bodies, want 1: %q", len(bodies), bodies)
			}
			all := strings.Join(bodies, "\n")
			if dry {
				all = r.stderr
			}
			if got := strings.Contains(all, secret); got != tc.wantSecret {
				t.Errorf("secret in the webhook body: %v, want %v\n%s", got, tc.wantSecret, all)
			}
			overridden := strings.Contains(r.stderr, "include_secret overridden") && strings.Contains(r.stderr, srv.URL+"/revoke")
			wantNotice := strings.Contains(strings.Join(tc.args, " "), "--redact") && strings.Contains(strings.Join(tc.args, " "), cfg)
			if overridden != wantNotice {
				t.Errorf("notice naming the overridden hook: %v, want %v\nstderr: %s", overridden, wantNotice, r.stderr)
			}
		})
	}
}

// TestPerRootWebhooks: the webhooks of a root's own .keyhound.toml receive
// that root's findings only; --webhook receives every root's.
func TestPerRootWebhooks(t *testing.T) {
	own, global := newHookServer(t), newHookServer(t)
	a, b := t.TempDir(), t.TempDir()
	ta, tb := token(101), token(102)
	writeFile(t, filepath.Join(a, "a.txt"), ta+"\n")
	writeFile(t, filepath.Join(a, ".keyhound.toml"), "[extend]\nuse_default = true\n[[webhooks]]\nurl = \""+own.URL+"\"\ninclude_secret = true\n")
	writeFile(t, filepath.Join(b, "b.txt"), tb+"\n")
	for _, args := range [][]string{{a, b}, {b, a}} {
		r := run(t, "", append([]string{"dir", "--webhook", global.URL}, args...)...)
		if r.code != 1 {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		ob, gb := own.take(), global.take()
		if len(ob) != 1 || !strings.Contains(ob[0], ta) {
			t.Errorf("A's own hook got %q, want A's finding only", ob)
		}
		if len(gb) != 2 {
			t.Errorf("--webhook got %d findings, want 2", len(gb))
		}
	}
}
