package ignore

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/keyhound/keyhound/finding"
)

func TestMatchGlob(t *testing.T) {
	tests := []struct {
		glob, path string
		want       bool
	}{
		{"docs/**", "docs/a/b.md", true},
		{"docs/**", "src/docs/a.md", false},
		{"docs/*.md", "docs/a.md", true},
		{"docs/*.md", "docs/x/a.md", false},
		{"**/*.pem", "a/b/c.pem", true},
		{"**/*.pem", "c.pem", true},
		{"*.pem", "deep/dir/c.pem", true}, // no slash: the file name anywhere
		{"src/**/test_*.go", "src/test_a.go", true},
		{"src/**/test_*.go", "src/x/y/test_a.go", true},
		{"src/**/test_*.go", "lib/test_a.go", false},
		{"conf?.ini", "conf1.ini", true},
		{"conf?.ini", "conf12.ini", false},
		{"[ab].txt", "a.txt", true},
		{"[!ab].txt", "a.txt", false},
		{"a.b", "axb", false}, // dots are literal
		{"/top.txt", "top.txt", true},
	}
	for _, tc := range tests {
		if got := MatchGlob(tc.glob, tc.path); got != tc.want {
			t.Errorf("MatchGlob(%q, %q) = %v, want %v", tc.glob, tc.path, got, tc.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	fp := strings.Repeat("ab", 16)
	tests := []struct{ name, content, want string }{
		{"unknown key", "[[ignore]]\nfingerprint = \"" + fp + "\"\nreason = \"x\"\nwhy = \"y\"\n", "unknown key ignore.why"},
		{"bad fingerprint", "\n[[ignore]]\nfingerprint = \"abc\"\nreason = \"x\"\n", ".keyhoundignore:2: fingerprint"},
		{"bad hash", "[[ignore]]\nfingerprint = \"sha256:12\"\nreason = \"x\"\n", "64 lower-case hex"},
		{"no reason", "[[ignore]]\nfingerprint = \"" + fp + "\"\n", "missing reason"},
		{"bad date", "[[ignore]]\nfingerprint = \"" + fp + "\"\nreason = \"x\"\nexpires = \"soon\"\n", "want a date"},
		{"bad glob", "[[ignore]]\nfingerprint = \"" + fp + "\"\nreason = \"x\"\npath = \"[a\"\n", "unclosed"},
		{"syntax", "x = = 1\n", "line 1"},
	}
	for _, tc := range tests {
		_, err := Parse(".keyhoundignore", []byte(tc.content))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want it to contain %q", tc.name, err, tc.want)
		}
	}
}

func TestSuppressAndExpiry(t *testing.T) {
	f := finding.Finding{RuleID: "r", File: "a/b.txt", Secret: "s3cr3t"}
	f.Fingerprint = finding.Fingerprint(f.RuleID, f.Secret, f.File)
	content := `
[[ignore]]
fingerprint = "` + SecretHash("other") + `"
reason = "another secret"

[[ignore]]
fingerprint = "` + SecretHash("s3cr3t") + `"
rule = "r"
path = "a/**"
reason = "fixture"
expires = 2030-01-31
`
	file, err := Parse("x", []byte(content))
	if err != nil {
		t.Fatal(err)
	}
	if file.Entries[1].Line != 6 {
		t.Errorf("line %d, want 6", file.Entries[1].Line)
	}
	day := func(s string) time.Time { d, _ := ParseDate(s); return d.Add(23 * time.Hour) }
	m := NewMatcher(file, day("2030-01-31"))
	if !m.Suppress(&f) || m.Hits[file.Entries[1]] != 1 {
		t.Errorf("not suppressed on the expiry day")
	}
	m = NewMatcher(file, day("2030-02-01"))
	if m.Suppress(&f) || m.Expired[file.Entries[1]] != 1 {
		t.Errorf("an expired entry still suppresses")
	}
	g := f
	g.RuleID = "other-rule"
	if NewMatcher(file, day("2029-01-01")).Suppress(&g) {
		t.Errorf("rule narrowing ignored")
	}
}

func TestAppend(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	fp := strings.Repeat("0f", 16)
	exp, _ := ParseDate("2031-12-24")
	if err := Append(path, NewEntry{Fingerprint: fp, Reason: `test "fixture"` + "\n", Owner: "qa", Expires: exp, Path: "t/**"}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, append(mustRead(t, path), "# trailing comment"...), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Append(path, NewEntry{Fingerprint: SecretHash("x"), Reason: "r2", Rule: "kh-rule"}); err != nil {
		t.Fatal(err)
	}
	if err := Append(path, NewEntry{Fingerprint: fp, Reason: "again", Path: "t/**"}); err == nil || !strings.Contains(err.Error(), "already has") {
		t.Errorf("duplicate entry: %v", err)
	}
	if err := Append(path, NewEntry{Fingerprint: fp}); err == nil {
		t.Errorf("entry without reason accepted")
	}
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Entries) != 2 || f.Entries[0].Reason != `test "fixture"` || !f.Entries[0].Expires.Equal(exp) ||
		f.Entries[1].Rule != "kh-rule" || !strings.Contains(string(mustRead(t, path)), "# trailing comment") {
		t.Errorf("round trip: %+v %+v\n%s", f.Entries[0], f.Entries[1], mustRead(t, path))
	}
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
