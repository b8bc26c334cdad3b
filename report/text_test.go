package report

import (
	"strings"
	"testing"

	"github.com/keyhound/keyhound/finding"
)

func TestText(t *testing.T) {
	rep := sampleReport()
	hostile := newFinding("github-pat", "GitHub personal access token (classic)", "high",
		"evil\x1b[2J\nname\u202e.txt", 1, 1, "", secretPAT, nil)
	hostile.Commit = "fedcba9876543210fedcba9876543210fedcba98"
	hostile.Author = "Mallory\x1b]0;pwned\x07"
	for _, tc := range []struct {
		name      string
		rep       *finding.Report
		opts      Options
		wantLines []string // exact lines, in order
		wantIn    []string // substrings
		notIn     []string
	}{
		{
			name: "plain",
			rep:  rep,
			wantLines: []string{
				"config/app.env:3:14: github-pat (high) GitHub personal access token (classic): ghp_********",
				"    fingerprint " + rep.Findings[0].Fingerprint,
				"src/my file.go:12:9: github-pat (high) GitHub personal access token (classic): ghp_********",
				"    commit 0123456 by Zoë Example on 2024-05-06T07:08:09Z in https://example.com/acme/widgets.git",
				"    fingerprint " + rep.Findings[1].Fingerprint,
				"docs/café/ünïcode 🔑 notes.md:7:6: aws-access-key (critical) AWS access key ID: AKIA********",
				"    fingerprint " + rep.Findings[2].Fingerprint,
				"weird:name#1%[x].txt:1:1: my-token (low) In-house token: mine********",
				"    fingerprint " + rep.Findings[3].Fingerprint,
			},
			notIn: []string{"\x1b"},
		},
		{
			name:   "colour",
			rep:    rep,
			opts:   Options{Color: true},
			wantIn: []string{"\x1b[1mconfig/app.env\x1b[0m:3:14: \x1b[31mgithub-pat\x1b[0m (high)"},
		},
		{
			name:      "redacted",
			rep:       redactedReport(),
			wantLines: []string{"config/app.env:3:14: github-pat (high) GitHub personal access token (classic): REDACTED"},
		},
		{
			name: "empty",
			rep:  emptyReport(),
		},
		{
			name: "control characters from scanned content are escaped",
			rep:  &finding.Report{Findings: []finding.Finding{hostile}},
			wantLines: []string{
				`evil\x1b[2J\x0aname\u202e.txt:1:1: github-pat (high) GitHub personal access token (classic): ghp_********`,
				`    commit fedcba9 by Mallory\x1b]0;pwned\x07`,
				"    fingerprint " + hostile.Fingerprint,
			},
			notIn: []string{"\x1b", "\x07", "\u202e"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := render(t, "text", tc.rep, tc.opts)
			if len(tc.rep.Findings) == 0 && out != "" {
				t.Errorf("no findings: output %q, want nothing", out)
			}
			if tc.wantLines != nil {
				lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
				for i, want := range tc.wantLines {
					if i >= len(lines) || lines[i] != want {
						t.Errorf("line %d:\n got %q\nwant %q\nall:\n%s", i+1, at(lines, i), want, out)
					}
				}
			}
			for _, s := range tc.wantIn {
				if !strings.Contains(out, s) {
					t.Errorf("output lacks %q:\n%q", s, out)
				}
			}
			for _, s := range tc.notIn {
				if strings.Contains(out, s) {
					t.Errorf("output contains %q:\n%q", s, out)
				}
			}
			for _, f := range tc.rep.Findings {
				if f.Secret != finding.Redacted && strings.Contains(out, f.Secret) {
					t.Errorf("output contains the secret %q", f.Secret)
				}
			}
		})
	}
}

func at(lines []string, i int) string {
	if i < len(lines) {
		return lines[i]
	}
	return "<missing>"
}

// TestTextPreview: the masked preview says what kind of secret it is
// (a private key, a password in a URI) and never shows the secret.
func TestTextPreview(t *testing.T) {
	key := "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAx7gH3kq9Lw2pR8sT5vY1zB4nC6mD0fE2gH8jK4lM\n-----END RSA PRIVATE KEY-----"
	for _, tc := range []struct {
		name, secret, match, want string
	}{
		{"private key", key, key, "-----BEGIN RSA PRIVATE KEY----- …"},
		{"URI password", "Xy7pQ2vL9sK3", "postgres://app:Xy7pQ2vL9sK3@db.internal:5432/app", "postgres://app:****@db.internal:5432"},
		{"URI password, match ends in the host", "Xy7pQ2vL9sK3", "DATABASE_URL=mysql+pymysql://root:Xy7pQ2vL9sK3@1", "mysql+pymysql://root:****@…"},
		{"URI password, host then a quote", "Xy7pQ2vL9sK3", `"redis://default:Xy7pQ2vL9sK3@cache.internal"`, "redis://default:****@cache.internal"},
		{"a token", secretPAT, "GITHUB_TOKEN=" + secretPAT, "ghp_********"},
		{"not a URI password", "Xy7pQ2vL9sK3", "key:Xy7pQ2vL9sK3@x", "Xy7********"},
	} {
		f := newFinding("r", "", "high", "f", 1, 1, "", tc.secret, nil)
		f.Match = tc.match
		out := render(t, "text", &finding.Report{Findings: []finding.Finding{f}}, Options{})
		line, _, _ := strings.Cut(out, "\n")
		if !strings.HasSuffix(line, ": "+tc.want) || strings.Contains(out, tc.secret) {
			t.Errorf("%s: %q, want the preview %q", tc.name, line, tc.want)
		}
	}
}
