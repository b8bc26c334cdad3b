package cmd

import (
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// gitleaksConfig is a team's gitleaks-format config: custom rules, rule and
// global allowlists, a built-in rule extended with an allowlist, a disabled
// built-in rule, and features keyhound cannot express.
const gitleaksConfig = `
title = "acme gitleaks config"

[extend]
useDefault = true
disabledRules = ["kh-test-password"]

[[rules]]
id = "acme-api-key"
description = "ACME API key"
regex = '''\bacme_(?:live|test)_([a-z0-9]{20})\b'''
keywords = ["acme_"]
tags = ["acme"]

[[rules]]
id = "Internal.Password"
description = "internal service password"
regex = '''(?i)(internal_pw)\s*=\s*"([^"\s]{10,})"'''
secretGroup = 2
entropy = 3.0
path = '''\.py$'''
keywords = ["internal_pw"]
  [[rules.allowlists]]
  description = "placeholders"
  stopwords = ["changeme"]
  [[rules.allowlists]]
  commits = ["0123456789abcdef0123456789abcdef01234567"]
  [[rules.allowlists]]
  regexTarget = "line"
  regexes = ['''# pragma: allowlist secret''']

[[rules]]
id = "kh-test-token"
  [[rules.allowlists]]
  paths = ['''^fixtures/''']

[[allowlists]]
description = "third-party code"
paths = ['''(^|/)vendor/''']

[[allowlists]]
targetRules = ["acme-api-key"]
regexes = ['''^x{20}$''']
`

func TestGitleaksConfig(t *testing.T) {
	dir := t.TempDir()
	acme := strings.ToLower(token(50)[6:26])
	tok := token(51)
	files := map[string]string{
		"src/a.go":       "k1 := \"acme_live_" + acme + "\"\nk2 := \"acme_test_xxxxxxxxxxxxxxxxxxxx\"\n",
		"src/b.py":       "internal_pw = \"S3cure!Pass#99\"\nINTERNAL_PW = \"changeme-Xq7Lp2\"\n",
		"docs/pw.md":     "internal_pw = \"S3cure!Pass#99\"\n",
		"fixtures/t.txt": tok + "\n",
		"vendor/lib.go":  "acme_live_" + acme + "\n",
		"main.txt":       "TOKEN=" + tok + "\nDB=postgres://app:Zq8vN3kLp2Xw@db/app\n",
	}
	for p, c := range files {
		writeFile(t, filepath.Join(dir, p), c)
	}
	cfgDir := t.TempDir()
	gl := filepath.Join(cfgDir, ".gitleaks.toml")
	writeFile(t, gl, gitleaksConfig)

	scan := func(cfg string) ([]string, result) {
		fs, r := jsonFindings(t, "-c", cfg, dir)
		var out []string
		for _, f := range fs {
			out = append(out, strings.Join([]string{f["rule_id"].(string), f["file"].(string), jsonNum(f["line"]), jsonNum(f["column"]),
				f["secret"].(string), f["fingerprint"].(string)}, " "))
		}
		sort.Strings(out)
		return out, r
	}
	got, r := scan(gl)
	// positions are the secret's (its capture group), not the match's
	want := []string{"acme-api-key src/a.go 1 18 " + acme, "internal-password src/b.py 1 16 S3cure!Pass#99", "kh-test-token main.txt 1 7 " + tok}
	if len(got) != len(want) {
		t.Fatalf("gitleaks config found %d:\n%s\nwant:\n%s\nstderr: %s", len(got), strings.Join(got, "\n"), strings.Join(want, "\n"), r.stderr)
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]+" ") {
			t.Errorf("finding %d: %s, want %s", i, got[i], want[i])
		}
	}
	for _, n := range []string{
		"keyhound: notice: " + gl + ": rule Internal.Password: id renamed internal-password",
		"rule Internal.Password: allowlist 2: commits are not supported",
		"rule Internal.Password: allowlist 3: regexTarget line is not supported",
	} {
		if !strings.Contains(r.stderr, n) {
			t.Errorf("no notice %q on stderr:\n%s", n, r.stderr)
		}
	}

	// rules convert: the keyhound file finds exactly the same things.
	conv := filepath.Join(cfgDir, "keyhound.toml")
	r = run(t, "", "rules", "convert", gl, "-o", conv)
	if r.code != 0 || !strings.Contains(r.stderr, "converted 3 rules from") {
		t.Fatalf("rules convert: exit %d %s", r.code, r.stderr)
	}
	text := string(readFile(t, conv))
	for _, w := range []string{"# Differences from the gitleaks config", "[extend]\nuse_default = true\ndisabled_rules = ['kh-test-password']", "id = 'internal-password'", "secret_group = 2"} {
		if !strings.Contains(text, w) {
			t.Errorf("converted file lacks %q:\n%s", w, text)
		}
	}
	got2, r2 := scan(conv)
	if strings.Join(got2, "\n") != strings.Join(got, "\n") {
		t.Errorf("the conversion finds\n%s\nthe gitleaks config\n%s", strings.Join(got2, "\n"), strings.Join(got, "\n"))
	}
	if strings.Contains(r2.stderr, "notice") {
		t.Errorf("the converted file still needs translating: %s", r2.stderr)
	}
	if r := run(t, "", "rules", "convert", gl); r.stdout != text {
		t.Errorf("convert to stdout differs from -o")
	}
	if r := run(t, "", "rules", "list", "-c", gl); r.code != 0 || !strings.Contains(r.stdout, "internal-password") || strings.Contains(r.stdout, "kh-test-password") {
		t.Errorf("rules list -c gitleaks: exit %d %s", r.code, r.stdout)
	}

	errs := []struct {
		name, content, want string
	}{
		{"already keyhound", "[[rules]]\nid = \"a-b\"\nregex = 'abcdef'\n", "already a keyhound rule file"},
		{"neither", "[[rules]]\nid = \"a-b\"\nregexx = 'abcdef'\n", "not a gitleaks-format config"},
		{"bad regex", "title = \"x\"\n[[rules]]\nid = \"r\"\nregex = '''(abc'''\nkeywords = [\"abc\"]\n", "rule r: regex"},
	}
	for _, tc := range errs {
		p := filepath.Join(cfgDir, "bad.toml")
		writeFile(t, p, tc.content)
		if r := run(t, "", "rules", "convert", p); r.code != 2 || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("%s: exit %d %s", tc.name, r.code, r.stderr)
		}
	}
}

func jsonNum(v any) string {
	f, _ := v.(float64)
	return strconv.Itoa(int(f))
}
