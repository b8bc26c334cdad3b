package ignore

import (
	"reflect"
	"strings"
	"testing"

	"github.com/keyhound/keyhound/finding"
	"github.com/keyhound/keyhound/rules"
)

const glCommit = "0123456789abcdef0123456789abcdef01234567"

func TestParseGitleaks(t *testing.T) {
	data := "# reviewed 2026-01\n\n" +
		"config/app.env:generic-api-key:12\n" +
		glCommit + ":src/main.go:github-pat:3\n" +
		"weird:name.txt:Custom Rule:7\n" +
		"  deploy/k8s.yaml:aws-access-token:40  \n"
	f, err := ParseGitleaks(".gitleaksignore", []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	want := []GitleaksEntry{
		{File: "config/app.env", Rule: "generic-api-key", Line: 12, At: 3},
		{Commit: glCommit, File: "src/main.go", Rule: "github-pat", Line: 3, At: 4},
		{File: "weird:name.txt", Rule: "Custom Rule", Line: 7, At: 5},
		{File: "deploy/k8s.yaml", Rule: "aws-access-token", Line: 40, At: 6},
	}
	if !reflect.DeepEqual(f.Entries, want) {
		t.Errorf("entries\n%+v\nwant\n%+v", f.Entries, want)
	}
	for _, bad := range []string{"just-a-word", "file:rule:x", ":rule:3", "file::3"} {
		_, err := ParseGitleaks("gl", []byte("# ok\n"+bad+"\n"))
		if err == nil || !strings.HasPrefix(err.Error(), "gl:2: ") {
			t.Errorf("%q: error %v, want one naming gl:2", bad, err)
		}
	}
}

func TestGitleaksMatcher(t *testing.T) {
	set, _, err := rules.Load(rules.LoadOptions{Default: []byte(`
[[rules]]
id = "github-pat"
description = "x"
regex = '''\bghx_[a-z]{8}\b'''
keywords = ["ghx_"]
`)})
	if err != nil {
		t.Fatal(err)
	}
	f, err := ParseGitleaks("gl", []byte(
		"src/main.go:github-pat:3\n"+ // a rule keyhound has: only that rule
			"docs/a.md:Some-Gitleaks-Rule:5\n"+ // one it has not: any rule
			glCommit+":app.env:generic-api-key:2\n")) // git history: that commit
	if err != nil {
		t.Fatal(err)
	}
	m := NewGitleaksMatcher(f, set)
	fd := func(rule, file string, line int, commit string, also ...string) *finding.Finding {
		return &finding.Finding{RuleID: rule, File: file, Line: line, MatchLine: line, Commit: commit, AlsoRules: also}
	}
	tests := []struct {
		name string
		f    *finding.Finding
		want bool
	}{
		{"known rule, same place", fd("github-pat", "src/main.go", 3, ""), true},
		{"known rule, reported by another with it in also_rules", fd("other", "src/main.go", 3, "", "github-pat"), true},
		{"known rule, another rule", fd("other", "src/main.go", 3, ""), false},
		{"known rule, other line", fd("github-pat", "src/main.go", 4, ""), false},
		{"unknown rule: any rule at the place", fd("anything", "docs/a.md", 5, ""), true},
		{"unknown rule, other file", fd("anything", "docs/b.md", 5, ""), false},
		{"commit entry, that commit", fd("x", "app.env", 2, glCommit), true},
		{"commit entry, committed again there", &finding.Finding{RuleID: "x", File: "app.env", Line: 2, Commit: "ffff" + glCommit[4:],
			Occurrences: []finding.Occurrence{{Commit: glCommit, Path: "app.env"}}}, true},
		{"commit entry, other commit", fd("x", "app.env", 2, "ffff"+glCommit[4:]), false},
		{"commit entry, no history (dir scan)", fd("x", "app.env", 2, ""), false},
	}
	for _, tt := range tests {
		if got := m.Matches(tt.f); got != tt.want {
			t.Errorf("%s: Matches = %v, want %v", tt.name, got, tt.want)
		}
	}
	if (*GitleaksMatcher)(nil).Matches(fd("x", "a", 1, "")) {
		t.Errorf("a nil matcher matched")
	}
}
