package webhook_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"

	"github.com/keyhound/keyhound/finding"
	"github.com/keyhound/keyhound/report/webhook"
	"github.com/keyhound/keyhound/rules"
)

// receiver is a minimal keyhound webhook receiver. It checks the signature
// over the raw body before trusting anything in it, deduplicates on the
// delivery id (a retry carries the same id), and answers 2xx once the
// finding is safely handled: any other answer makes keyhound retry (5xx,
// 429) or give up (other 4xx).
func receiver(key []byte) http.Handler {
	var mu sync.Mutex
	seen := map[string]bool{}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			http.Error(w, "cannot read body", http.StatusBadRequest)
			return
		}
		mac := hmac.New(sha256.New, key)
		mac.Write(body)
		want := "sha256=" + hex.EncodeToString(mac.Sum(nil))
		if !hmac.Equal([]byte(r.Header.Get("X-Keyhound-Signature-256")), []byte(want)) {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		var event struct {
			Event    string `json:"event"`
			Delivery string `json:"delivery"`
			Finding  struct {
				RuleID      string `json:"rule_id"`
				Severity    string `json:"severity"`
				File        string `json:"file"`
				Line        int    `json:"line"`
				Secret      string `json:"secret"`
				Fingerprint string `json:"fingerprint"`
			} `json:"finding"`
		}
		if err := json.Unmarshal(body, &event); err != nil || event.Event != "secret.detected" {
			http.Error(w, "not a keyhound event", http.StatusBadRequest)
			return
		}
		mu.Lock()
		dup := seen[event.Delivery]
		seen[event.Delivery] = true
		mu.Unlock()
		if !dup {
			f := event.Finding
			// A real receiver would revoke f.Secret here (sent only with include_secret = true).
			fmt.Printf("verified %s: %s (%s) in %s:%d, secret %s\n", r.Header.Get("X-Keyhound-Event"), f.RuleID, f.Severity, f.File, f.Line, f.Secret)
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

// Example_receiver runs a receiver that verifies signatures and sends it a
// finding, as `keyhound` does for a [[webhooks]] table with
// secret_env = "KEYHOUND_WEBHOOK_SECRET".
func Example_receiver() {
	os.Setenv("KEYHOUND_WEBHOOK_SECRET", "s3cr3t-hmac-key")
	key := []byte(os.Getenv("KEYHOUND_WEBHOOK_SECRET"))
	srv := httptest.NewServer(receiver(key))
	defer srv.Close()

	// What a [[webhooks]] table in the rule file decodes to.
	spec := rules.WebhookSpec{URL: srv.URL + "/hooks/keyhound", SecretEnv: "KEYHOUND_WEBHOOK_SECRET"}
	hooks, err := webhook.Configure([]rules.WebhookSpec{spec}, nil, os.Getenv)
	if err != nil {
		fmt.Println(err) // the CLI exits 2 here, before scanning
		return
	}
	s := webhook.NewSender(hooks, webhook.Options{Stderr: os.Stdout})
	s.Send(finding.Finding{
		RuleID: "github-pat", Severity: "high", File: "deploy/app.env", Line: 3,
		Secret: "ghp_000000000000000000000000000000000000", Match: "TOKEN=ghp_000000000000000000000000000000000000",
		Fingerprint: "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
	})
	sum := s.Close()
	fmt.Printf("delivered %d, failed %d\n", sum.Hooks[0].Delivered, sum.Failed())

	// Output:
	// verified secret.detected: github-pat (high) in deploy/app.env:3, secret REDACTED
	// delivered 1, failed 0
}
