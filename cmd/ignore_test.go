package cmd

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/keyhound/keyhound/ignore"
)

// jsonFindings runs a dir scan with -f json and returns the findings.
func jsonFindings(t *testing.T, args ...string) ([]map[string]any, result) {
	t.Helper()
	r := run(t, "", append([]string{"dir", "-f", "json"}, args...)...)
	if r.code != 0 && r.code != 1 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var rep struct {
		Findings []map[string]any `json:"findings"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("%v: %s", err, r.stdout)
	}
	return rep.Findings, r
}

func secretsOf(fs []map[string]any) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f["secret"].(string))
	}
	return out
}

func ignoreEntry(key string, extra ...string) string {
	return "\n[[ignore]]\nfingerprint = \"" + key + "\"\nreason = \"test fixture\"\n" + strings.Join(extra, "\n") + "\n"
}

func TestIgnoreFile(t *testing.T) {
	a, b := token(21), token(22)
	// Two secrets on one line, the first again in another file.
	files := map[string]string{
		"src/config.go": "package x\n\nvar keys = []string{\"" + a + "\", \"" + b + "\"}\n",
		"docs/setup.md": "use " + a + "\n",
	}
	fpA := func(path string) string {
		dir := t.TempDir()
		for p, c := range files {
			writeFile(t, filepath.Join(dir, p), c)
		}
		fs, _ := jsonFindings(t, dir)
		for _, f := range fs {
			if f["secret"] == a && f["file"] == path {
				return f["fingerprint"].(string)
			}
		}
		t.Fatalf("no finding of a in %s", path)
		return ""
	}(("src/config.go"))

	tests := []struct {
		name    string
		entries string
		edit    func(dir string) // applied after the ignore file is written
		want    []string         // secrets reported, as "secret@file"
	}{
		{"no ignore file", "", nil, []string{a + "@docs/setup.md", a + "@src/config.go", b + "@src/config.go"}},
		{"hash: only that secret, everywhere", ignoreEntry(ignore.SecretHash(a)), nil, []string{b + "@src/config.go"}},
		{"hash narrowed by path glob", ignoreEntry(ignore.SecretHash(a), `path = "docs/**"`), nil,
			[]string{a + "@src/config.go", b + "@src/config.go"}},
		{"hash narrowed by rule", ignoreEntry(ignore.SecretHash(a), `rule = "kh-test-password"`), nil,
			[]string{a + "@docs/setup.md", a + "@src/config.go", b + "@src/config.go"}},
		{"fingerprint: that secret in that file", ignoreEntry(fpA), nil, []string{a + "@docs/setup.md", b + "@src/config.go"}},
		{"fingerprint survives the line moving", ignoreEntry(fpA), func(dir string) {
			p := filepath.Join(dir, "src/config.go")
			old, _ := os.ReadFile(p)
			writeFile(t, p, "// moved down\n\n\n"+strings.Replace(string(old), "\", \"", "\",\n\t\"", 1))
		}, []string{a + "@docs/setup.md", b + "@src/config.go"}},
		{"hash survives the file moving", ignoreEntry(ignore.SecretHash(a), `path = "**/*.go"`), func(dir string) {
			if err := os.Rename(filepath.Join(dir, "src"), filepath.Join(dir, "lib")); err != nil {
				t.Fatal(err)
			}
		}, []string{a + "@docs/setup.md", b + "@lib/config.go"}},
		{"expired entry stops suppressing", ignoreEntry(ignore.SecretHash(a), "expires = 2001-02-03"), nil,
			[]string{a + "@docs/setup.md", a + "@src/config.go", b + "@src/config.go"}},
		{"entry not yet expired", ignoreEntry(ignore.SecretHash(a), "expires = 2999-12-31"), nil, []string{b + "@src/config.go"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for p, c := range files {
				writeFile(t, filepath.Join(dir, p), c)
			}
			if tc.entries != "" {
				writeFile(t, filepath.Join(dir, ".keyhoundignore"), tc.entries)
			}
			if tc.edit != nil {
				tc.edit(dir)
			}
			fs, r := jsonFindings(t, dir)
			var got []string
			for _, f := range fs {
				got = append(got, f["secret"].(string)+"@"+f["file"].(string))
			}
			if strings.Join(got, " ") != strings.Join(tc.want, " ") {
				t.Errorf("reported %q\nwant     %q", got, tc.want)
			}
			if n := 3 - len(tc.want); n > 0 && !strings.Contains(r.stderr, fmt.Sprintf(", %d ignored by %s", n, filepath.Join(dir, ".keyhoundignore"))) {
				t.Errorf("summary does not count ignored findings: %s", r.stderr)
			}
			if strings.HasPrefix(tc.name, "expired") {
				if !strings.Contains(r.stderr, ".keyhoundignore:2 (sha256:") || !strings.Contains(r.stderr, "expired on 2001-02-03: no longer suppresses (2 findings reported)") {
					t.Errorf("expired entry not named on stderr: %s", r.stderr)
				}
			} else if strings.Contains(r.stderr, "expired on") {
				t.Errorf("stderr: %s", r.stderr)
			}
			if strings.Contains(r.stderr+r.stdout, "sha256:"+a) {
				t.Errorf("secret printed")
			}
		})
	}
}

func TestIgnoreFlags(t *testing.T) {
	dir, secret := tree(t)
	other := filepath.Join(t.TempDir(), "team.ignore")
	writeFile(t, other, ignoreEntry(ignore.SecretHash(secret)))
	writeFile(t, filepath.Join(dir, ".keyhoundignore"), ignoreEntry(ignore.SecretHash(secret)))
	bad := filepath.Join(t.TempDir(), "bad.ignore")
	writeFile(t, bad, "[[ignore]]\nfingerprint = \"nothex\"\nreason = \"x\"\n")
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"root file applies", []string{"dir", dir}, 0, "1 ignored by"},
		{"--no-ignore reports all", []string{"dir", "--no-ignore", dir}, 1, "1 finding (1 high)"},
		{"--ignore-file", []string{"dir", "--ignore-file", other, filepath.Join(dir, "src")}, 0, "1 ignored by " + other},
		{"invalid ignore file", []string{"dir", "--ignore-file", bad, dir}, 2, "bad.ignore:1: fingerprint \"nothex\""},
		{"missing ignore file", []string{"dir", "--ignore-file", bad + ".none", dir}, 2, "no such file"},
		{"both flags", []string{"dir", "--no-ignore", "--ignore-file", other, dir}, 2, "--ignore-file and --no-ignore"},
		{"stdin reads ./.keyhoundignore only if asked", []string{"stdin", "--ignore-file", other}, 0, "1 ignored"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := run(t, "x = "+secret+"\n", tc.args...)
			if r.code != tc.code || !strings.Contains(r.stderr, tc.stderr) {
				t.Fatalf("exit %d (want %d), stderr %q (want %q)", r.code, tc.code, r.stderr, tc.stderr)
			}
			if tc.code == 2 && strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 {
				t.Errorf("error is not one line: %q", r.stderr)
			}
		})
	}
}

func TestIgnoreCheck(t *testing.T) {
	dir, secret := tree(t)
	gone := token(30)
	writeFile(t, filepath.Join(dir, ".keyhoundignore"),
		ignoreEntry(ignore.SecretHash(secret), `owner = "qa"`)+ // in use
			ignoreEntry(ignore.SecretHash(gone), `owner = "ops"`)+ // stale: that secret is gone
			ignoreEntry(ignore.SecretHash(secret), `path = "elsewhere/**"`)+ // stale: narrowed away
			ignoreEntry(ignore.SecretHash(secret), "expires = 2002-02-02")) // expired
	r := run(t, "", "ignore", "check", dir)
	if r.code != 0 {
		t.Fatalf("without --strict: exit %d %s %s", r.code, r.stdout, r.stderr)
	}
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	want := []string{
		":7 (sha256:", "owner ops", "stale: matched nothing",
		":12 (sha256:", "path elsewhere/**", "stale",
		":17 (sha256:", "expired on 2002-02-02 (matches 1 finding)",
		"4 entries: 1 in use, 2 stale, 1 expired",
	}
	for _, w := range want {
		if !strings.Contains(r.stdout, w) {
			t.Errorf("ignore check output lacks %q:\n%s", w, r.stdout)
		}
	}
	if len(lines) != 4 || strings.Contains(r.stdout, ":2 (") {
		t.Errorf("want 3 entries listed and a summary:\n%s", r.stdout)
	}
	if r := run(t, "", "ignore", "check", "--strict", dir); r.code != 1 {
		t.Errorf("--strict with stale entries: exit %d", r.code)
	}

	// From a JSON report written with --no-ignore (e.g. of git history).
	rep := filepath.Join(t.TempDir(), "all.json")
	if r := run(t, "", "dir", "--no-ignore", "-f", "json", "-o", rep, dir); r.code != 1 {
		t.Fatalf("exit %d", r.code)
	}
	r = run(t, "", "ignore", "check", "--report", rep, "--ignore-file", filepath.Join(dir, ".keyhoundignore"))
	if r.code != 0 || !strings.Contains(r.stdout, "4 entries: 1 in use, 2 stale, 1 expired") {
		t.Errorf("--report: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// A redacted report cannot tell whether a hash entry is stale.
	if r := run(t, "", "dir", "--no-ignore", "--redact", "-f", "json", "-o", rep, dir); r.code != 1 {
		t.Fatalf("exit %d", r.code)
	}
	r = run(t, "", "ignore", "check", "--strict", "--report", rep, "--ignore-file", filepath.Join(dir, ".keyhoundignore"))
	if r.code != 1 || !strings.Contains(r.stdout, "cannot tell: the report is redacted") || !strings.Contains(r.stdout, "0 stale, 1 expired, 3 undecided") {
		t.Errorf("redacted report: exit %d\n%s", r.code, r.stdout)
	}

	// All entries in use: --strict passes.
	writeFile(t, filepath.Join(dir, ".keyhoundignore"), ignoreEntry(ignore.SecretHash(secret)))
	if r := run(t, "", "ignore", "check", "--strict", dir); r.code != 0 || !strings.Contains(r.stdout, "1 entry: 1 in use, 0 stale, 0 expired") {
		t.Errorf("clean: exit %d %s", r.code, r.stdout)
	}
	if r := run(t, "", "ignore", "check", t.TempDir()); r.code != 2 || !strings.Contains(r.stderr, "no .keyhoundignore in") {
		t.Errorf("no ignore file: exit %d %s", r.code, r.stderr)
	}
}

func TestIgnoreAdd(t *testing.T) {
	dir, secret := tree(t)
	fs, _ := jsonFindings(t, dir)
	fp := fs[0]["fingerprint"].(string)
	file := filepath.Join(dir, ".keyhoundignore")
	tests := []struct {
		name   string
		stdin  string
		args   []string
		code   int
		stderr string
	}{
		{"no reason", "", []string{fp}, 2, "--reason is required"},
		{"bad fingerprint", "", []string{"xyz", "--reason", "r"}, 2, `fingerprint "xyz"`},
		{"past expiry", "", []string{fp, "--reason", "r", "--expires", "2001-01-01"}, 2, "in the past"},
		{"bad expiry", "", []string{fp, "--reason", "r", "--expires", "next week"}, 2, "YYYY-MM-DD"},
		{"fingerprint", "", []string{fp, "--reason", "fixture", "--owner", "qa", "--expires", "2999-01-01"}, 0, "added " + fp},
		{"duplicate", "", []string{fp, "--reason", "again"}, 2, "already has this entry"},
		{"secret from stdin", secret + "\n", []string{"--secret-stdin", "--reason", "fixture", "--path", "src/**"}, 0, "added " + ignore.SecretHash(secret)},
		{"empty stdin", "", []string{"--secret-stdin", "--reason", "x"}, 2, "standard input is empty"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := run(t, tc.stdin, append([]string{"ignore", "add", "--ignore-file", file}, tc.args...)...)
			if r.code != tc.code || !strings.Contains(r.stderr, tc.stderr) {
				t.Fatalf("exit %d (want %d), stderr %q (want %q)", r.code, tc.code, r.stderr, tc.stderr)
			}
		})
	}
	data, _ := os.ReadFile(file)
	if strings.Contains(string(data), secret) {
		t.Errorf("the ignore file holds the secret:\n%s", data)
	}
	if r := run(t, "", "dir", dir); r.code != 0 || !strings.Contains(r.stderr, "1 ignored by") {
		t.Errorf("added entries do not suppress: exit %d %s\n%s", r.code, r.stderr, data)
	}
	// check weighs each entry on its own: both designate the finding.
	if r := run(t, "", "ignore", "check", "--strict", dir); r.code != 0 || !strings.Contains(r.stdout, "2 entries: 2 in use, 0 stale, 0 expired") {
		t.Errorf("check after add: exit %d %s", r.code, r.stdout)
	}
}

// TestBaselineIgnoreWebhooks: what the baseline or the ignore file leaves out
// is neither reported nor sent to a webhook, and the summary says how many.
func TestBaselineIgnoreWebhooks(t *testing.T) {
	dir, _ := tree(t)
	base := filepath.Join(t.TempDir(), "baseline.json")
	if r := run(t, "", "dir", "--redact", "-f", "json", "-o", base, dir); r.code != 1 {
		t.Fatalf("exit %d", r.code)
	}
	ignored, fresh := token(70), token(71)
	writeFile(t, filepath.Join(dir, "more.txt"), ignored+"\n"+fresh+"\n")
	writeFile(t, filepath.Join(dir, ".keyhoundignore"), ignoreEntry(ignore.SecretHash(ignored)))

	var mu sync.Mutex
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, string(b))
		mu.Unlock()
	}))
	defer srv.Close()
	fs, r := jsonFindings(t, "--baseline", base, "--webhook", srv.URL, dir)
	if s := secretsOf(fs); len(s) != 1 || s[0] != fresh {
		t.Fatalf("reported %q, want only the new secret", s)
	}
	if !strings.Contains(r.stderr, "1 finding (1 high), 1 ignored by "+filepath.Join(dir, ".keyhoundignore")+", 1 in the baseline") {
		t.Errorf("summary: %s", r.stderr)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 1 || !strings.Contains(got[0], fs[0]["fingerprint"].(string)) || strings.Contains(got[0], "src/app.go") {
		t.Errorf("webhook deliveries: %d %q", len(got), got)
	}
}
