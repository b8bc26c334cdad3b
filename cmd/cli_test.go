package cmd

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// cliRules is a small rule set for end-to-end tests, independent of the
// built-in catalog.
const cliRules = `
[[rules]]
id = "kh-test-token"
description = "keyhound test token"
regex = '''\bkhtok_[a-z0-9]{24}\b'''
keywords = ["khtok_"]
severity = "high"
tags = ["test", "token"]
examples = ["khtok_abcdefghijklmnopqrstuvwx"]
negative_examples = ["khtok_short"]

[[rules]]
id = "kh-test-password"
description = "password in a connection URI"
regex = '''[a-z]+://[^:/\s]+:([^@\s]{8,})@[^\s]+'''
secret_group = 1
keywords = ["://"]
entropy = 2.5
severity = "medium"
examples = ["postgres://app:Xy7pQ2vL9sK3@db.internal/app"]
negative_examples = ["https://example.com/path"]
`

func token(seed int64) string {
	r := rand.New(rand.NewSource(seed))
	const alpha = "abcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, 24)
	for i := range b {
		b[i] = alpha[r.Intn(len(alpha))]
	}
	return "khtok_" + string(b)
}

type result struct {
	code           int
	stdout, stderr string
}

func run(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(Env{
		DefaultRules: []byte(cliRules),
		Version:      "test",
		Stdin:        strings.NewReader(stdin),
		Stdout:       &out,
		Stderr:       &errb,
		Getenv:       func(string) string { return "" },
	}, args)
	return result{code, out.String(), errb.String()}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// tree makes a directory with one secret in src/app.go (line 3, column 18) and clean files.
func tree(t *testing.T) (dir, secret string) {
	dir = t.TempDir()
	secret = token(1)
	writeFile(t, filepath.Join(dir, "src/app.go"), "package app\n\n// héllo\tkey := \""+secret+"\"\n")
	writeFile(t, filepath.Join(dir, "README.md"), "# nothing here\n")
	writeFile(t, filepath.Join(dir, ".git/config"), secret+"\n") // never scanned
	return dir, secret
}

func TestExitCodes(t *testing.T) {
	dir, _ := tree(t)
	clean := t.TempDir()
	writeFile(t, filepath.Join(clean, "a.txt"), "nothing\n")
	badTOML := filepath.Join(clean, "bad.toml")
	writeFile(t, badTOML, "[[rules]\nid = 1\n")
	badRegex := filepath.Join(clean, "badre.toml")
	writeFile(t, badRegex, "[[rules]]\nid = \"broken-rule\"\nregex = '''(unclosed'''\nkeywords = [\"x\"]\n")
	unknownKey := filepath.Join(clean, "unknown.toml")
	writeFile(t, unknownKey, "[[rules]]\nid = \"r\"\nregex = 'abcdef'\nkeywrods = [\"abc\"]\n")
	tests := []struct {
		name     string
		args     []string
		code     int
		stderrHa string // stderr must contain this
	}{
		{"findings", []string{"dir", dir}, 1, ": 1 finding (1 high)"},
		{"no findings", []string{"dir", clean}, 0, "0 findings"},
		{"custom exit code", []string{"dir", "--exit-code", "7", dir}, 7, ""},
		{"exit code zero", []string{"dir", "--exit-code", "0", dir}, 0, ""},
		{"missing path", []string{"dir", filepath.Join(clean, "nope")}, 2, "nope: no such file or directory"},
		{"malformed toml", []string{"dir", "-c", badTOML, clean}, 2, "bad.toml: line"},
		{"invalid regex", []string{"dir", "-c", badRegex, clean}, 2, "rule broken-rule: regex"},
		{"unknown key", []string{"dir", "-c", unknownKey, clean}, 2, "unknown key rules.keywrods"},
		{"missing config", []string{"dir", "-c", filepath.Join(clean, "none.toml"), clean}, 2, "none.toml: no such file"},
		{"unknown flag", []string{"dir", "--frobnicate", clean}, 2, "keyhound: dir: unknown flag: --frobnicate\n"},
		{"bad format", []string{"dir", "-f", "xml", clean}, 2, `--format "xml"`},
		{"bad size", []string{"dir", "--max-file-size", "lots", clean}, 2, "--max-file-size"},
		{"unknown command", []string{"scan"}, 2, `unknown command "scan"`},
		{"missing baseline", []string{"dir", "--baseline", filepath.Join(clean, "b.json"), clean}, 2, "b.json"},
		{"output dir missing", []string{"dir", "-o", filepath.Join(clean, "no/such/r.json"), clean}, 2, "--output"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := run(t, "", tc.args...)
			if r.code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", r.code, tc.code, r.stdout, r.stderr)
			}
			if !strings.Contains(r.stderr, tc.stderrHa) {
				t.Errorf("stderr %q does not contain %q", r.stderr, tc.stderrHa)
			}
			if tc.code == 2 && strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 {
				t.Errorf("error is not one line: %q", r.stderr)
			}
		})
	}
}

func TestTextReport(t *testing.T) {
	dir, secret := tree(t)
	r := run(t, "", "dir", dir)
	if !strings.Contains(r.stdout, "src/app.go:3:18: kh-test-token") {
		t.Errorf("text report lacks file:line:col rule: %q", r.stdout)
	}
	if strings.Contains(r.stdout, secret) {
		t.Errorf("text report shows the whole secret: %q", r.stdout)
	}
	if strings.Contains(r.stdout, "\x1b[") {
		t.Errorf("colour codes when not on a terminal")
	}
}

func TestJSONReportFile(t *testing.T) {
	dir, secret := tree(t)
	out := filepath.Join(t.TempDir(), "r.json")
	r := run(t, "", "dir", "-f", "json", "-o", out, "-q", dir)
	if r.code != 1 || r.stdout != "" || r.stderr != "" {
		t.Fatalf("exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
	st, err := os.Stat(out)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("report mode %v, want 0600 (it holds secrets)", st.Mode().Perm())
	}
	data, _ := os.ReadFile(out)
	var rep struct {
		Version  int              `json:"version"`
		Findings []map[string]any `json:"findings"`
		Stats    map[string]any   `json:"stats"`
	}
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Version != 1 || len(rep.Findings) != 1 {
		t.Fatalf("report %s", data)
	}
	f := rep.Findings[0]
	want := map[string]any{"rule_id": "kh-test-token", "file": "src/app.go", "line": 3.0, "column": 18.0,
		"end_line": 3.0, "end_column": 47.0, "secret": secret, "match": secret}
	for k, v := range want {
		if f[k] != v {
			t.Errorf("%s = %v, want %v", k, f[k], v)
		}
	}
	for _, k := range []string{"description", "entropy", "fingerprint", "tags"} {
		if _, ok := f[k]; !ok {
			t.Errorf("finding lacks %s", k)
		}
	}
	if rep.Stats["files"] != 2.0 {
		t.Errorf("stats.files = %v, want 2 (.git skipped)", rep.Stats["files"])
	}
}

func TestEveryFormatAndRedact(t *testing.T) {
	dir, secret := tree(t)
	schema := loadSARIFSchema(t)
	for _, format := range []string{"text", "json", "sarif", "csv", "junit"} {
		for _, redact := range []bool{false, true} {
			args := []string{"dir", "-f", format, dir}
			if redact {
				args = append(args, "--redact")
			}
			r := run(t, "", args...)
			if r.code != 1 {
				t.Fatalf("%s: exit %d: %s", format, r.code, r.stderr)
			}
			if redact && (strings.Contains(r.stdout, secret) || strings.Contains(r.stderr, secret)) {
				t.Errorf("%s --redact: secret in output", format)
			}
			switch format {
			case "json":
				var v map[string]any
				if err := json.Unmarshal([]byte(r.stdout), &v); err != nil {
					t.Errorf("json: %v", err)
				}
				if !redact && !strings.Contains(r.stdout, secret) {
					t.Errorf("json without --redact lacks the secret")
				}
			case "sarif":
				v, err := jsonschema.UnmarshalJSON(strings.NewReader(r.stdout))
				if err != nil {
					t.Fatalf("sarif: %v", err)
				}
				if err := schema.Validate(v); err != nil {
					t.Errorf("sarif does not validate: %v", err)
				}
				if !strings.Contains(r.stdout, `"uri": "src/app.go"`) {
					t.Errorf("sarif lacks the relative uri")
				}
			case "csv":
				rows, err := csv.NewReader(strings.NewReader(r.stdout)).ReadAll()
				if err != nil || len(rows) != 2 {
					t.Errorf("csv: %d rows, %v", len(rows), err)
				}
			case "junit":
				var v struct {
					Tests int `xml:"tests,attr"`
				}
				if err := xml.Unmarshal([]byte(r.stdout), &v); err != nil {
					t.Errorf("junit: %v", err)
				}
			}
		}
	}
}

func loadSARIFSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	s, err := c.Compile("../testdata/sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestStdin(t *testing.T) {
	secret := token(2)
	r := run(t, "line one\nx="+secret+"\n", "stdin", "-f", "json")
	if r.code != 1 || !strings.Contains(r.stdout, `"file": "stdin"`) || !strings.Contains(r.stdout, `"line": 2`) {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	r = run(t, "nothing\n", "stdin")
	if r.code != 0 {
		t.Fatalf("clean stdin: exit %d", r.code)
	}
	r = run(t, secret, "stdin", "--name", "config/app.env", "-f", "json")
	if !strings.Contains(r.stdout, `"file": "config/app.env"`) {
		t.Errorf("--name not used: %s", r.stdout)
	}
}

func TestBaseline(t *testing.T) {
	dir, _ := tree(t)
	base := filepath.Join(t.TempDir(), "base.json")
	if r := run(t, "", "dir", "-f", "json", "-o", base, dir); r.code != 1 {
		t.Fatalf("exit %d", r.code)
	}
	if r := run(t, "", "dir", "--baseline", base, dir); r.code != 0 {
		t.Fatalf("with baseline: exit %d, %s", r.code, r.stdout)
	}
	// A new secret is still reported.
	writeFile(t, filepath.Join(dir, "new.txt"), token(3))
	r := run(t, "", "dir", "--baseline", base, "-f", "json", dir)
	if r.code != 1 || strings.Count(r.stdout, `"rule_id"`) != 1 || !strings.Contains(r.stdout, "new.txt") {
		t.Fatalf("new secret: exit %d %s", r.code, r.stdout)
	}
}

func TestConfigAtRoot(t *testing.T) {
	dir, _ := tree(t)
	writeFile(t, filepath.Join(dir, ".keyhound.toml"), "[extend]\nuse_default = true\n[allowlist]\npaths = ['''^src/''']\n")
	if r := run(t, "", "dir", dir); r.code != 0 {
		t.Fatalf(".keyhound.toml not applied: exit %d %s %s", r.code, r.stdout, r.stderr)
	}
	writeFile(t, filepath.Join(dir, ".keyhound.toml"), "[extend]\nuse_default = true\ndisabled_rules = [\"kh-test-token\"]\n")
	if r := run(t, "", "dir", dir); r.code != 0 {
		t.Fatalf("disabled rule still fires: exit %d", r.code)
	}
	writeFile(t, filepath.Join(dir, ".keyhound.toml"), "[extend]\nuse_default = true\ndisabled_rules = [\"no-such-rule\"]\n")
	if r := run(t, "", "dir", dir); r.code != 2 || !strings.Contains(r.stderr, "no-such-rule") {
		t.Fatalf("unknown disabled rule: exit %d %s", r.code, r.stderr)
	}
}

func TestHostileFiles(t *testing.T) {
	dir := t.TempDir()
	outside := t.TempDir()
	s := func(i int64) string { return token(100 + i) }
	writeFile(t, filepath.Join(outside, "secret.txt"), s(0))
	writeFile(t, filepath.Join(dir, "empty.txt"), "")
	writeFile(t, filepath.Join(dir, "bin.dat"), "\x00\x01\x02"+s(1))
	writeFile(t, filepath.Join(dir, "invalid-utf8.txt"), "\xff\xfe\xfd\xc3 "+s(2)+" \x80\n")
	utf16 := []byte{0xFF, 0xFE}
	for _, c := range "x = " + s(3) {
		utf16 = append(utf16, byte(c), 0)
	}
	writeFile(t, filepath.Join(dir, "utf16.txt"), string(utf16))
	huge := bytes.Repeat([]byte("abcdefgh"), 3<<20) // 24 MiB on one line
	copy(huge[len(huge)-100:], " "+s(4)+" ")
	writeFile(t, filepath.Join(dir, "huge-line.min.js"), string(huge))
	if err := os.Symlink(filepath.Join(outside, "secret.txt"), filepath.Join(dir, "link-out")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(dir, filepath.Join(dir, "loop")); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := run(t, "", "dir", "-f", "json", dir)
	if r.code != 1 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for i, want := range []bool{false, false, true, true, true} {
		if got := strings.Contains(r.stdout, s(int64(i))); got != want {
			t.Errorf("secret %d reported = %v, want %v", i, got, want)
		}
	}
	if !strings.Contains(r.stdout, `"skipped_binary": 1`) || !strings.Contains(r.stdout, `"skipped_other": 3`) {
		t.Errorf("stats: %s", r.stdout[strings.Index(r.stdout, `"stats"`):])
	}
	// --max-file-size skips the huge file with a notice.
	r = run(t, "", "dir", "--max-file-size", "1MiB", dir)
	if !strings.Contains(r.stderr, "huge-line.min.js: larger than --max-file-size") {
		t.Errorf("no notice for a large file: %s", r.stderr)
	}
}

func TestMultipleRoots(t *testing.T) {
	a, _ := tree(t)
	b := t.TempDir()
	writeFile(t, filepath.Join(b, "x.txt"), token(9))
	r := run(t, "", "dir", "-f", "json", a, b)
	if r.code != 1 || strings.Count(r.stdout, `"rule_id"`) != 2 {
		t.Fatalf("exit %d %s", r.code, r.stdout)
	}
	if !strings.Contains(r.stdout, filepath.ToSlash(b)+`/x.txt"`) {
		t.Errorf("with several roots a file is named with its root: %s", r.stdout)
	}
}

func TestRulesCommands(t *testing.T) {
	r := run(t, "", "rules", "list")
	if r.code != 0 || !strings.Contains(r.stdout, "kh-test-token") || !strings.Contains(r.stdout, "kh-test-password") {
		t.Fatalf("rules list: exit %d %s", r.code, r.stdout)
	}
	r = run(t, "", "rules", "test")
	if r.code != 0 || !strings.Contains(r.stdout, "2 rules, 4 examples: all passed") {
		t.Fatalf("rules test: exit %d %s", r.code, r.stdout)
	}
	bad := filepath.Join(t.TempDir(), "bad.toml")
	writeFile(t, bad, `[[rules]]
id = "weak-rule"
regex = '''\bwk_[0-9]{4}\b'''
examples = ["wk_12345", "wk_1234"]
negative_examples = ["wk_9999"]
`)
	r = run(t, "", "rules", "test", "-c", bad)
	if r.code != 1 || !strings.Contains(r.stdout, "rule weak-rule: example 1 produced no finding") ||
		!strings.Contains(r.stdout, "rule weak-rule: negative example 1 produced a finding") {
		t.Fatalf("rules test with failures: exit %d %s", r.code, r.stdout)
	}
}

func TestVersion(t *testing.T) {
	r := run(t, "", "version")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "keyhound test\n") || !strings.Contains(r.stdout, "go1.") {
		t.Fatalf("version: %q", r.stdout)
	}
}

func TestEmptyRuleFileIsAnError(t *testing.T) {
	dir, _ := tree(t)
	cfg := filepath.Join(t.TempDir(), "empty.toml")
	writeFile(t, cfg, "# nothing yet\n")
	r := run(t, "", "dir", "-c", cfg, dir)
	if r.code != 2 || !strings.Contains(r.stderr, "empty.toml: no rules to scan with") {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
}
