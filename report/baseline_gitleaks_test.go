package report

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/keyhound/keyhound/finding"
)

func TestGitleaksBaseline(t *testing.T) {
	const secret = "khtok_0123456789abcdefghijklmn"
	const commit = "0123456789abcdef0123456789abcdef01234567"
	at := func(file string, line int, commit string) *finding.Finding {
		return &finding.Finding{RuleID: "kh-test-token", File: file, Line: line, MatchLine: line, Secret: secret, Commit: commit, Fingerprint: "fp"}
	}
	tests := []struct {
		name   string
		report string
		f      *finding.Finding
		want   bool
	}{
		{"same secret, file and line", `[{"RuleID": "generic-api-key", "File": "app.env", "StartLine": 2, "Secret": "` + secret + `"}]`, at("app.env", 2, ""), true},
		{"scanned directory in front", `[{"File": "./src/app.env", "StartLine": 2, "Secret": "` + secret + `"}]`, at("app.env", 2, ""), true},
		{"other line", `[{"File": "app.env", "StartLine": 3, "Secret": "` + secret + `"}]`, at("app.env", 2, ""), false},
		{"other file", `[{"File": "other.env", "StartLine": 2, "Secret": "` + secret + `"}]`, at("app.env", 2, ""), false},
		{"other secret", `[{"File": "app.env", "StartLine": 2, "Secret": "khtok_zzzzzzzzzzzzzzzzzzzzzzzz"}]`, at("app.env", 2, ""), false},
		{"redacted, same commit", `[{"File": "app.env", "StartLine": 2, "Secret": "REDACTED", "Commit": "` + commit + `"}]`, at("app.env", 2, commit), true},
		{"redacted, other commit", `[{"File": "app.env", "StartLine": 2, "Secret": "REDACTED", "Commit": "` + commit + `"}]`, at("app.env", 2, "ffff456789abcdef0123456789abcdef01234567"), false},
		{"redacted, no commit", `[{"File": "app.env", "StartLine": 2, "Secret": "REDACTED"}]`, at("app.env", 2, ""), true},
		{"partly redacted, same start", `[{"File": "app.env", "StartLine": 2, "Secret": "khtok_0123..."}]`, at("app.env", 2, ""), true},
		{"partly redacted, other start", `[{"File": "app.env", "StartLine": 2, "Secret": "khtok_9999..."}]`, at("app.env", 2, ""), false},
		{"empty report", `[]`, at("app.env", 2, ""), false},
	}
	dir := t.TempDir()
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(dir, itoa(i)+".json")
			if err := os.WriteFile(p, []byte(tt.report), 0o600); err != nil {
				t.Fatal(err)
			}
			b, err := ReadBaseline(p)
			if err != nil {
				t.Fatal(err)
			}
			if !b.Gitleaks() {
				t.Errorf("not read as a gitleaks report")
			}
			if got := b.Has(tt.f); got != tt.want {
				t.Errorf("Has = %v, want %v", got, tt.want)
			}
		})
	}
}

func itoa(i int) string { return string(rune('a'+i%26)) + string(rune('a'+i/26)) }
