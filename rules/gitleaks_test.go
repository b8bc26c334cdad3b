package rules

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestIsGitleaks(t *testing.T) {
	tests := []struct {
		name, content string
		want          bool
	}{
		{"title", "title = \"x\"\n", true},
		{"useDefault", "[extend]\nuseDefault = true\n", true},
		{"secretGroup", "[[rules]]\nid = \"a\"\nregex = 'x(y)'\nsecretGroup = 1\n", true},
		{"rules.allowlists", "[[rules]]\nid = \"a\"\nregex = 'xyz'\n[[rules.allowlists]]\npaths = ['a']\n", true},
		{"global allowlists", "[[allowlists]]\npaths = ['a']\n", true},
		{"regexTarget", "[allowlist]\nregexTarget = \"match\"\nregexes = ['a']\n", true},
		{"keyhound", "[extend]\nuse_default = true\n[[rules]]\nid = \"a\"\nregex = 'xyz'\nsecret_group = 0\n", false},
		{"common subset", "[[rules]]\nid = \"a\"\nregex = 'xyz'\nkeywords = ['xyz']\n", false},
		{"mixed: keyhound wins", "[extend]\nuse_default = true\nuseDefault = true\n", false},
		{"not toml", "[[rules]\n", false},
	}
	for _, tc := range tests {
		if got := IsGitleaks([]byte(tc.content)); got != tc.want {
			t.Errorf("%s: IsGitleaks = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestRegexCanContain(t *testing.T) {
	tests := []struct {
		re, kw string
		want   bool
	}{
		{`\bghp_[A-Za-z0-9]{36}\b`, "ghp_", true},
		{`gh[pousr]_[A-Za-z0-9]{36}`, "ghp_", true},
		{`gh[pousr]_[A-Za-z0-9]{36}`, "ghx_", false},
		{`(?i)api[_-]?key\s*=\s*([a-z0-9]{32})`, "APIKEY", true},
		{`(?i)api[_-]?key\s*=\s*([a-z0-9]{32})`, "token", true}, // the value part can spell it
		{`api_key=([0-9]{32})`, "token", false},
		{`(?:AKIA|ASIA)[A-Z0-9]{16}`, "asia", true},
		{`x(ab)*y`, "aa", false},
		{`x(ab)*y`, "abab", true},
	}
	for _, tc := range tests {
		if got := regexCanContain(tc.re, tc.kw); got != tc.want {
			t.Errorf("regexCanContain(%q, %q) = %v, want %v", tc.re, tc.kw, got, tc.want)
		}
	}
}

func TestRequiredLiterals(t *testing.T) {
	tests := []struct {
		re   string
		want []string
	}{
		{`[a-z]+://[^:\s]+:([^@\s]{8,})@`, []string{"://"}},
		{`\b[0-9a-f]{8}-(?:prod|stage)-token\b`, []string{"-token"}},
		{`[A-Z0-9]{20}`, nil},
		{`[0-9]+ab[0-9]+`, nil}, // too short to find anything by
	}
	for _, tc := range tests {
		if got := requiredLiterals(tc.re); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("requiredLiterals(%q) = %q, want %q", tc.re, got, tc.want)
		}
	}
}

const glDefaults = `
[[rules]]
id = "builtin-token"
regex = '''\bbt_[a-z0-9]{20}\b'''
keywords = ["bt_"]
examples = ["bt_abcdefghijklmnopqrst"]

[[rules]]
id = "builtin-other"
regex = '''\bbo_[a-z0-9]{20}\b'''
keywords = ["bo_"]
`

func TestFromGitleaks(t *testing.T) {
	def, err := Parse("defaults", []byte(glDefaults))
	if err != nil {
		t.Fatal(err)
	}
	src := `
title = "team config"
minVersion = "v8.25.0"

[extend]
useDefault = true
disabledRules = ["builtin-other", "generic-api-key"]

[[rules]]
id = "Internal_Token"
description = "internal token"
regex = '''(?i)internal[_-]token\s*=\s*"([a-z0-9]{24})"'''
entropy = 3.0
keywords = ["internal"]
tags = ["internal"]
  [[rules.allowlists]]
  stopwords = ["example"]
  [[rules.allowlists]]
  condition = "AND"
  paths = ['''^test/''']
  regexes = ['''^0+$''']
  [[rules.allowlists]]
  regexTarget = "line"
  regexes = ['''nosecret''']
  commits = ["abc123"]

[[rules]]
id = "uri-password"
regex = '''[a-z]+://[^:/\s]+:([^@\s]{8,})@'''
secretGroup = 1

[[rules]]
id = "builtin-token"
  [rules.allowlist]
  paths = ['''^fixtures/''']

[[rules]]
id = "gitleaks-only-rule"

[[rules]]
id = "pem-file"
path = '''\.pem$'''

[[rules]]
id = "composite"
regex = '''cmp_[a-z]{10}'''
  [[rules.required]]
  id = "uri-password"

[[allowlists]]
description = "vendored code"
paths = ['''(^|/)vendor/''']

[[allowlists]]
targetRules = ["uri-password"]
stopwords = ["localhost"]
`
	f, notes, err := FromGitleaks("gl.toml", []byte(src), def)
	if err != nil {
		t.Fatal(err)
	}
	all := strings.Join(notes, "\n")
	for _, want := range []string{
		"useDefault: extends keyhound's built-in rules",
		"rule Internal_Token: id renamed internal-token",
		"rule Internal_Token: allowlist 2: condition AND over several criteria",
		"rule Internal_Token: allowlist 3: commits are not supported",
		"rule Internal_Token: allowlist 3: regexTarget line is not supported",
		"rule uri-password: no keywords: using ://",
		"rule gitleaks-only-rule: no regex, and keyhound has no rule gitleaks-only-rule",
		"rule pem-file: a rule with a path and no regex",
		"rule composite: [[rules.required]]",
		"disabledRules: keyhound has no rule generic-api-key",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("no notice %q in:\n%s", want, all)
		}
	}
	if !strings.HasPrefix(notes[0], "gl.toml: ") {
		t.Errorf("notices do not name the file: %q", notes[0])
	}
	if !f.Extend.UseDefault || !reflect.DeepEqual(f.Extend.DisabledRules, []string{"builtin-other"}) {
		t.Errorf("extend: %+v", f.Extend)
	}
	byID := map[string]RuleSpec{}
	for _, r := range f.Rules {
		byID[r.ID] = r
	}
	it := byID["internal-token"]
	if it.SecretGroup != 1 || it.Entropy != 3 || it.Allowlist == nil || !reflect.DeepEqual(it.Allowlist.Stopwords, []string{"example"}) ||
		len(it.Allowlist.Paths) != 0 || len(it.Allowlist.Regexes) != 0 {
		t.Errorf("internal-token: %+v %+v", it, it.Allowlist)
	}
	if bt := byID["builtin-token"]; bt.Regex != `\bbt_[a-z0-9]{20}\b` || bt.Allowlist == nil || bt.Allowlist.Paths[0] != `^fixtures/` {
		t.Errorf("extension of a built-in rule: %+v", bt)
	}
	if up := byID["uri-password"]; up.Allowlist == nil || up.Allowlist.Stopwords[0] != "localhost" {
		t.Errorf("targetRules allowlist not attached: %+v", up)
	}
	if _, ok := byID["pem-file"]; ok {
		t.Errorf("path-only rule kept")
	}
	if !reflect.DeepEqual(f.Allowlist.Paths, []string{`(^|/)vendor/`}) {
		t.Errorf("global allowlist: %+v", f.Allowlist)
	}

	// The translation compiles, and writes out as a strict keyhound file that
	// reads back the same.
	if _, err := Compile([]string{"x"}, Merge(def, f)); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := WriteTOML(&b, f, []string{"converted", "line two"}); err != nil {
		t.Fatal(err)
	}
	back, err := Parse("converted.toml", []byte(b.String()))
	if err != nil {
		t.Fatalf("%v\n%s", err, b.String())
	}
	var again strings.Builder
	if err := WriteTOML(&again, back, []string{"converted", "line two"}); err != nil {
		t.Fatal(err)
	}
	if again.String() != b.String() {
		t.Errorf("round trip differs:\n%s\n---\n%s", b.String(), again.String())
	}
	if !strings.HasPrefix(b.String(), "# converted\n# line two\n") {
		t.Errorf("comments: %s", b.String())
	}
}

func TestGitleaksExtendPath(t *testing.T) {
	dir := t.TempDir()
	base := `
title = "base"
[[rules]]
id = "base-rule"
regex = '''br_[a-z0-9]{16}'''
[[rules]]
id = "unwanted"
regex = '''uw_[a-z0-9]{16}'''
[allowlist]
paths = ['''^docs/''']
`
	if err := os.WriteFile(filepath.Join(dir, "base.toml"), []byte(base), 0o644); err != nil {
		t.Fatal(err)
	}
	top := `
[extend]
path = "base.toml"
disabledRules = ["unwanted"]
[[rules]]
id = "base-rule"
  [[rules.allowlists]]
  stopwords = ["dummy"]
`
	p := filepath.Join(dir, "top.toml")
	f, _, err := FromGitleaks(p, []byte(top), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Rules) != 1 || f.Rules[0].ID != "base-rule" || f.Rules[0].Allowlist == nil ||
		f.Rules[0].Allowlist.Stopwords[0] != "dummy" || f.Allowlist.Paths[0] != `^docs/` || f.Extend.UseDefault {
		t.Errorf("extend path: %+v", f)
	}
	self := filepath.Join(dir, "self.toml")
	if err := os.WriteFile(self, []byte("[extend]\npath = \"self.toml\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(self)
	if _, _, err := FromGitleaks(self, data, nil); err == nil || !strings.Contains(err.Error(), "nested deeper") {
		t.Errorf("extend cycle: %v", err)
	}
}
