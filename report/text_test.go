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
				"src/my file.go:12:9: github-pat (high) GitHub personal access token (classic): ghp_********",
				"    commit 0123456 by Zoë Example on 2024-05-06T07:08:09Z in https://example.com/acme/widgets.git",
				"docs/café/ünïcode 🔑 notes.md:7:6: aws-access-key (critical) AWS access key ID: AKIA********",
				"weird:name#1%[x].txt:1:1: my-token (low) In-house token: mine********",
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
