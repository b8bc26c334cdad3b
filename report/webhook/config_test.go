package webhook

import (
	"strings"
	"testing"
	"time"

	"github.com/keyhound/keyhound/rules"
)

func TestConfigureErrors(t *testing.T) {
	env := map[string]string{"SET": "env-value-s3cr3t", "EMPTY": ""}
	getenv := func(k string) string { return env[k] }
	const good = "https://revoke.example/hook"
	tests := []struct {
		name  string
		specs []rules.WebhookSpec
		urls  []string
		want  []string // substrings of the error
	}{
		{"ftp url in file", []rules.WebhookSpec{{URL: "ftp://files.example/x"}}, nil,
			[]string{"ftp://files.example/x", "[[webhooks]] #1", "url", `"ftp"`}},
		{"ftp url on the command line", nil, []string{good, "ftp://files.example/x"},
			[]string{"ftp://files.example/x", "--webhook #2", "url"}},
		{"no scheme", nil, []string{"revoke.example/hook"}, []string{"revoke.example/hook", "url", "scheme"}},
		{"unparsable url", []rules.WebhookSpec{{URL: "http://[::1"}}, nil, []string{"http://[::1", "url"}},
		{"no host", []rules.WebhookSpec{{URL: "https:///path"}}, nil, []string{"url", "no host"}},
		{"missing url", []rules.WebhookSpec{{SecretEnv: "SET"}}, nil, []string{"[[webhooks]] #1", "url", "missing"}},
		{"secret_env unset", []rules.WebhookSpec{{URL: good}, {URL: good + "2", SecretEnv: "KEYHOUND_NOPE"}}, nil,
			[]string{good + "2", "[[webhooks]] #2", "secret_env", "KEYHOUND_NOPE"}},
		{"secret_env empty", []rules.WebhookSpec{{URL: good, SecretEnv: "EMPTY"}}, nil, []string{good, "secret_env", "EMPTY"}},
		{"bad timeout", []rules.WebhookSpec{{URL: good, Timeout: "10"}}, nil, []string{good, "timeout", `"10"`}},
		{"negative timeout", []rules.WebhookSpec{{URL: good, Timeout: "-1s"}}, nil, []string{good, "timeout"}},
		{"bad min_severity", []rules.WebhookSpec{{URL: good, MinSeverity: "urgent"}}, nil, []string{good, "min_severity", "urgent"}},
		{"bad min_status", []rules.WebhookSpec{{URL: good, MinStatus: "invalid"}}, nil, []string{good, "min_status", `"invalid"`}},
		{"negative max_attempts", []rules.WebhookSpec{{URL: good, MaxAttempts: -1}}, nil, []string{good, "max_attempts"}},
		{"unknown header env", []rules.WebhookSpec{{URL: good, Headers: map[string]string{"Authorization": "env:REVOKE_TOKEN"}}}, nil,
			[]string{good, "headers.Authorization", "REVOKE_TOKEN"}},
		{"reserved header", []rules.WebhookSpec{{URL: good, Headers: map[string]string{"X-Keyhound-Signature-256": "x"}}}, nil,
			[]string{good, "headers.X-Keyhound-Signature-256"}},
		{"bad header name", []rules.WebhookSpec{{URL: good, Headers: map[string]string{"Bad Header": "x"}}}, nil,
			[]string{good, "headers.Bad Header"}},
		{"header value with newline", []rules.WebhookSpec{{URL: good, Headers: map[string]string{"X-Team": "a\r\nEvil: 1"}}}, nil,
			[]string{good, "headers.X-Team"}},
		{"empty rule id", []rules.WebhookSpec{{URL: good, Rules: []string{"github-pat", ""}}}, nil, []string{good, "rules"}},
		{"password masked", []rules.WebhookSpec{{URL: "ftp://user:hunter2@files.example/"}}, nil, []string{"user:xxxxx@files.example"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hooks, err := Configure(tt.specs, tt.urls, getenv)
			if err == nil {
				t.Fatalf("no error; hooks %+v", hooks)
			}
			msg := err.Error()
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q does not contain %q", msg, w)
				}
			}
			if strings.Contains(msg, "\n") || strings.Contains(msg, "hunter2") || strings.Contains(msg, env["SET"]) {
				t.Errorf("error %q is not one line, or discloses a secret", msg)
			}
		})
	}
}

func TestConfigureResolves(t *testing.T) {
	env := map[string]string{"KEYHOUND_WEBHOOK_SECRET": "hmac-key", "REVOKE_TOKEN": "Bearer abc"}
	specs := []rules.WebhookSpec{{
		URL:           "https://revoke.internal.example/hooks/keyhound",
		SecretEnv:     "KEYHOUND_WEBHOOK_SECRET",
		Rules:         []string{"github-pat", "aws-access-key"},
		MinSeverity:   "High",
		IncludeSecret: true,
		Timeout:       "2s",
		MaxAttempts:   7,
		Headers:       map[string]string{"Authorization": "env:REVOKE_TOKEN", "X-Team": "sec"},
	}}
	hooks, err := Configure(specs, []string{"http://127.0.0.1:9/cli"}, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if len(hooks) != 2 {
		t.Fatalf("%d hooks", len(hooks))
	}
	h := hooks[0]
	if h.Name != "[[webhooks]] #1" || string(h.Secret) != "hmac-key" || h.MinSeverity != "high" || !h.IncludeSecret ||
		h.Timeout != 2*time.Second || h.MaxAttempts != 7 || len(h.Rules) != 2 ||
		h.Headers["Authorization"] != "Bearer abc" || h.Headers["X-Team"] != "sec" || !h.envHeaders["Authorization"] || h.envHeaders["X-Team"] {
		t.Errorf("file hook %+v", h)
	}
	c := hooks[1]
	if c.Name != "--webhook #1" || c.URL != "http://127.0.0.1:9/cli" || c.Secret != nil || c.Rules != nil || c.MinSeverity != "" ||
		c.IncludeSecret || c.Timeout != DefaultTimeout || c.MaxAttempts != DefaultMaxAttempts || c.Headers != nil {
		t.Errorf("command-line hook %+v, want defaults", c)
	}
	if hooks, err := Configure(nil, nil, nil); err != nil || hooks != nil {
		t.Errorf("no hooks: %v %v", hooks, err)
	}
}
