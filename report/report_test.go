package report

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/keyhound/keyhound/finding"
)

// fakeToken builds a fake token: prefix followed by n characters from
// [A-Za-z0-9] chosen deterministically from seed. It has the shape of a
// real token but is not one.
func fakeToken(prefix string, n int, seed int) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	b := []byte(prefix)
	x := uint32(seed)*2654435761 + 12345
	for i := 0; i < n; i++ {
		x = x*1103515245 + 12345
		b = append(b, alphabet[(x>>16)%uint32(len(alphabet))])
	}
	return string(b)
}

var (
	secretPAT  = fakeToken("ghp_", 36, 1)
	secretPAT2 = fakeToken("ghp_", 36, 2)
	secretAWS  = "AKIA" + strings.ToUpper(fakeToken("", 16, 3))
	secretMine = fakeToken("mine_", 30, 4)
	allSecrets = []string{secretPAT, secretPAT2, secretAWS, secretMine}
)

// newFinding fills in a finding the way the scanner does: the secret sits
// in match after `prefix`, on one line starting at column col.
func newFinding(rule, desc, sev, file string, line, col int, prefix, secret string, tags []string) finding.Finding {
	n := len([]rune(secret))
	return finding.Finding{
		RuleID:      rule,
		Description: desc,
		Severity:    sev,
		File:        file,
		Line:        line,
		Column:      col,
		EndLine:     line,
		EndColumn:   col + n - 1, // inclusive
		// the match begins with prefix, on the same line
		MatchLine:      line,
		MatchColumn:    col - len([]rune(prefix)),
		MatchEndLine:   line,
		MatchEndColumn: col + n - 1,
		Secret:         secret,
		Match:          prefix + secret,
		Entropy:        4.625,
		Fingerprint:    finding.Fingerprint(rule, secret, file),
		Tags:           tags,
	}
}

// sampleReport has findings in dir and git mode, paths with spaces,
// non-ASCII and URI-reserved characters, a rule not in Rules and nil tags.
func sampleReport() *finding.Report {
	dir := newFinding("github-pat", "GitHub personal access token (classic)", "high",
		"config/app.env", 3, 14, "GITHUB_TOKEN=", secretPAT, []string{"github", "token"})

	git := newFinding("github-pat", "GitHub personal access token (classic)", "high",
		"src/my file.go", 12, 9, `tok := "`, secretPAT2, []string{"github", "token"})
	git.Repository = "https://example.com/acme/widgets.git"
	git.Commit = "0123456789abcdef0123456789abcdef01234567"
	git.Author = "Zoë Example"
	git.Email = "zoe@example.com"
	git.Date = "2024-05-06T07:08:09Z"
	git.Message = "add config, \"temporarily\"\n\nwith a second paragraph"

	uni := newFinding("aws-access-key", "AWS access key ID", "critical",
		"docs/café/ünïcode 🔑 notes.md", 7, 6, "clé: ", secretAWS, []string{"aws", "aws"})

	custom := newFinding("my-token", "In-house token", "low",
		"weird:name#1%[x].txt", 1, 1, "", secretMine, nil)

	return &finding.Report{
		Findings: []finding.Finding{dir, git, uni, custom},
		Stats: finding.Stats{
			Files: 42, Bytes: 123456, SkippedBinary: 2, SkippedLarge: 1, Findings: 4,
			DurationSecond: 1.25, Commits: 17, Blobs: 60,
		},
		Rules: []finding.RuleInfo{
			{ID: "aws-access-key", Description: "AWS access key ID", Severity: "critical", Tags: []string{"aws", "key"}},
			{ID: "github-pat", Description: "GitHub personal access token (classic)", Severity: "high", Tags: []string{"github", "token"}},
			{ID: "slack-webhook", Description: "Slack webhook URL", Severity: "medium", Tags: []string{"slack"}},
		},
		Version: "1.2.3",
	}
}

func emptyReport() *finding.Report {
	return &finding.Report{Version: "1.2.3", Rules: sampleReport().Rules}
}

// redactedReport is sampleReport after --redact.
func redactedReport() *finding.Report {
	rep := sampleReport()
	for i := range rep.Findings {
		rep.Findings[i].Redact()
	}
	rep.Redacted = true
	return rep
}

func render(t *testing.T, format string, rep *finding.Report, opts Options) string {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, format, rep, opts); err != nil {
		t.Fatalf("Write(%s): %v", format, err)
	}
	return buf.String()
}

func TestFormats(t *testing.T) {
	want := []string{"text", "json", "sarif", "csv", "junit"}
	if got := Formats(); !slices.Equal(got, want) {
		t.Fatalf("Formats() = %v, want %v", got, want)
	}
	for _, f := range Formats() {
		for name, rep := range map[string]*finding.Report{"sample": sampleReport(), "empty": emptyReport(), "nil": nil} {
			var buf bytes.Buffer
			if err := Write(&buf, f, rep, Options{}); err != nil {
				t.Errorf("Write(%s, %s report): %v", f, name, err)
			}
		}
	}
}

func TestWriteUnknownFormat(t *testing.T) {
	for _, format := range []string{"xml", "", "JSONL"} {
		var buf bytes.Buffer
		err := Write(&buf, format, sampleReport(), Options{})
		if err == nil {
			t.Fatalf("Write(%q): no error", format)
		}
		if !strings.Contains(err.Error(), `"`+format+`"`) {
			t.Errorf("Write(%q) error %q does not name the format", format, err)
		}
		if buf.Len() != 0 {
			t.Errorf("Write(%q) wrote %q", format, buf.String())
		}
	}
}

// TestSecretsNotDisclosed: text, SARIF and JUnit show only a preview of
// each secret; with --redact no format contains any secret.
func TestSecretsNotDisclosed(t *testing.T) {
	for _, format := range Formats() {
		for _, redacted := range []bool{false, true} {
			rep := sampleReport()
			if redacted {
				rep = redactedReport()
			} else if format == "json" || format == "csv" {
				continue // these carry the secret by design
			}
			out := render(t, format, rep, Options{Color: true})
			for _, s := range allSecrets {
				if strings.Contains(out, s) {
					t.Errorf("%s report (redacted=%v) contains the secret %q", format, redacted, s)
				}
			}
		}
	}
}

// TestWriteDoesNotModifyReport: writers must not change the caller's report.
func TestWriteDoesNotModifyReport(t *testing.T) {
	for _, format := range Formats() {
		rep := sampleReport()
		render(t, format, rep, Options{})
		want := sampleReport()
		for i := range rep.Findings {
			if rep.Findings[i].Tags == nil != (want.Findings[i].Tags == nil) ||
				!slices.Equal(rep.Findings[i].Tags, want.Findings[i].Tags) || rep.Findings[i].Secret != want.Findings[i].Secret {
				t.Errorf("%s: finding %d changed: %+v", format, i, rep.Findings[i])
			}
		}
	}
}
