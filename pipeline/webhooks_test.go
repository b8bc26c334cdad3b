package pipeline_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keyhound/keyhound/finding"
	"github.com/keyhound/keyhound/pipeline"
	"github.com/keyhound/keyhound/verify"
)

// New checks the webhook options: dry run, log and strict need a webhook;
// a webhook with min_status receives nothing without verification, and
// stderr says so.
func TestNewWebhookChecks(t *testing.T) {
	for _, o := range []pipeline.Options{{WebhookDryRun: true}, {WebhookLog: "x.log"}, {WebhookStrict: true}} {
		o.DefaultRules = []byte(seamRules)
		if _, err := pipeline.New(o); err == nil || !strings.Contains(err.Error(), "need a webhook") {
			t.Errorf("%+v: %v", o, err)
		}
	}
	cfg := filepath.Join(t.TempDir(), "kh.toml")
	if err := os.WriteFile(cfg, []byte(seamRules+"\n[[webhooks]]\nurl = \"https://127.0.0.1:1/hook\"\nmin_status = \"live\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	verifier := func(context.Context, func(*finding.Finding) []byte) (*verify.Stage, error) { return nil, nil }
	for _, tt := range []struct {
		verify, quiet bool
		notice        bool
	}{{false, false, true}, {true, false, false}, {false, true, false}} {
		var stderr bytes.Buffer
		o := pipeline.Options{Config: cfg, WebhookStrict: true, Quiet: tt.quiet, Stderr: &stderr}
		if tt.verify {
			o.Verifier = verifier
		}
		if _, err := pipeline.New(o); err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(stderr.String(), "without --verify it receives nothing"); got != tt.notice {
			t.Errorf("verify %v quiet %v: stderr %q", tt.verify, tt.quiet, stderr.String())
		}
	}
}
