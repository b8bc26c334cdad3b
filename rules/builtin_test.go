package rules

import (
	"bytes"
	"go/format"
	"os"
	"reflect"
	"strings"
	"testing"
)

func readBuiltin(t *testing.T) []byte {
	t.Helper()
	data, err := os.ReadFile("../rules.toml")
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestBuiltinGenerated: builtin_gen.go is what `go generate ./rules` makes
// of rules.toml (which also compiles every built-in regex eagerly), and the
// literal is exactly what parsing rules.toml gives.
func TestBuiltinGenerated(t *testing.T) {
	data := readBuiltin(t)
	want, err := GenerateBuiltin(data)
	if err == nil {
		want, err = format.Source(want)
	}
	if err != nil {
		t.Fatalf("rules.toml: %v", err)
	}
	got, err := os.ReadFile("builtin_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("rules/builtin_gen.go is stale: rules.toml changed since it was generated; run `%s` and commit rules/builtin_gen.go", GenerateCommand)
	}
	parsed, err := Parse("rules.toml", data)
	if err != nil {
		t.Fatal(err)
	}
	for i := range parsed.Rules {
		parsed.Rules[i].builtin = true
	}
	if !reflect.DeepEqual(*parsed, generated.file) {
		t.Fatal("the generated literal differs from parsing rules.toml (a bug in writeLiteral)")
	}
	if !generated.matches(data) {
		t.Fatal("the generated block hashes do not match rules.toml")
	}
}

// TestBuiltinStale: built-in rules that differ from the generated form in
// any block are parsed, so a stale builtin_gen.go never changes findings.
func TestBuiltinStale(t *testing.T) {
	data := readBuiltin(t)
	extra := "\n[[rules]]\nid = \"stale-check\"\nregex = '''stale_[a-z]{8}'''\n"
	edited := strings.Replace(string(data), "[[rules]]", "[[rules]]\n# an edit", 1)
	// One letter of a description in the middle of the file: same sizes.
	sameSize := []byte(string(data))
	at := len(data)/2 + bytes.Index(data[len(data)/2:], []byte(`description = "`)) + len(`description = "`)
	sameSize[at] ^= 0x20 // A <-> a
	for name, in := range map[string][]byte{
		"rule added":  append(append([]byte{}, data...), extra...),
		"rule edited": []byte(edited),
		"same size":   sameSize,
		"rule gone":   data[:bytes.LastIndex(data, []byte("\n[[rules]]"))+1],
	} {
		t.Run(name, func(t *testing.T) {
			if generated.matches(in) {
				t.Fatal("an edited rules.toml matches the generated form")
			}
			set, _, err := Load(LoadOptions{Default: in})
			if err != nil {
				t.Fatal(err)
			}
			parsed, err := Parse("x", in)
			if err != nil {
				t.Fatal(err)
			}
			if len(set.Rules) != len(parsed.Rules) {
				t.Fatalf("%d rules loaded, rules.toml has %d", len(set.Rules), len(parsed.Rules))
			}
		})
	}
}

// TestBuiltinLazy: the generated built-in rules compile their regexes on
// first use, allowlist regexes with them; a regex that does not compile
// there is an error naming the rule, never a panic.
func TestBuiltinLazy(t *testing.T) {
	set, _, err := Load(LoadOptions{Default: readBuiltin(t)})
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, r := range set.Rules {
		if r.Allowlist == nil || len(r.Allowlist.regexSrc) == 0 {
			continue
		}
		if len(r.Allowlist.Regexes) != 0 {
			t.Fatalf("rule %s: allowlist regexes compiled at load", r.ID)
		}
		if _, err := r.Regexp(); err != nil {
			t.Fatal(err)
		}
		if len(r.Allowlist.Regexes) != len(r.Allowlist.regexSrc) {
			t.Fatalf("rule %s: %d of %d allowlist regexes compiled", r.ID, len(r.Allowlist.Regexes), len(r.Allowlist.regexSrc))
		}
		checked++
	}
	if checked == 0 {
		t.Fatal("no built-in rule has allowlist regexes to check")
	}

	for _, spec := range []RuleSpec{
		{ID: "bad-regex", Regex: `kw_(`, Keywords: []string{"kw_"}, builtin: true},
		{ID: "bad-allowlist", Regex: `kw_[a-z]+`, Allowlist: &AllowlistSpec{Regexes: []string{`(`}}, builtin: true},
	} {
		set, err := Compile([]string{"test"}, &File{Rules: []RuleSpec{spec}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := set.Rules[0].Regexp(); err == nil || !strings.Contains(err.Error(), "rule "+spec.ID) {
			t.Errorf("%s: error %v, want one naming the rule", spec.ID, err)
		}
	}
}
