package cmd

import (
	"bytes"
	"os"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestRulesListWidth: the rules table fits an 80- or 120-column terminal
// ($COLUMNS), wrapping descriptions rather than cutting them; --json keeps
// every field for scripts.
func TestRulesListWidth(t *testing.T) {
	rules, err := os.ReadFile("../rules.toml")
	if err != nil {
		t.Fatal(err)
	}
	for _, cols := range []int{80, 100, 120} {
		var out, errb bytes.Buffer
		code := Main(Env{DefaultRules: rules, Version: "test", Stdout: &out, Stderr: &errb,
			Getenv: func(k string) string {
				if k == "COLUMNS" {
					return strconv.Itoa(cols)
				}
				return ""
			}}, []string{"rules", "list"})
		if code != 0 {
			t.Fatalf("exit %d %s", code, errb.String())
		}
		for i, l := range strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n") {
			if n := utf8.RuneCountInString(l); n > cols {
				t.Errorf("COLUMNS=%d: line %d is %d columns: %q", cols, i+1, n, l)
			}
		}
		// The words of a long description are all there, wrapped.
		if words := strings.Fields(strings.Join(strings.Fields(out.String()), " ")); !strings.Contains(strings.Join(words, " "), "GitHub token of the pre-2021 format (40 hex characters) assigned to a GitHub credential") {
			t.Errorf("COLUMNS=%d: a description lost words:\n%s", cols, out.String()[:2000])
		}
	}
	r := runBuiltin(t, "rules", "list")
	if !strings.Contains(r.stdout, "\ngithub-pat ") || strings.Count(r.stdout, "\n") < 500 {
		t.Errorf("no width known: one line per rule:\n%.500s", r.stdout)
	}
	r = runBuiltin(t, "rules", "list", "--json")
	if !strings.Contains(r.stdout, `"keywords": [`) || !strings.Contains(r.stdout, `"id": "github-pat"`) {
		t.Errorf("--json: %.300s", r.stdout)
	}
}
