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
	parsed.builtin = true
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

// TestBuiltinPathsLazy: the generated built-in rules' path regexes and the
// global allowlist's regexes are compiled on first use, and then match as
// their source says; a user's are compiled at load, so a bad one is an
// error naming it before any scan.
func TestBuiltinPathsLazy(t *testing.T) {
	set, _, err := Load(LoadOptions{Default: readBuiltin(t)})
	if err != nil {
		t.Fatal(err)
	}
	var paths []*Regex
	paths = append(paths, set.Allowlist.Paths...)
	for _, r := range set.Rules {
		if r.Path != nil {
			paths = append(paths, r.Path)
		}
		if r.Allowlist != nil {
			paths = append(paths, r.Allowlist.Paths...)
		}
	}
	if len(paths) < 10 || len(set.Allowlist.regexSrc) == 0 {
		t.Fatalf("%d path regexes, %d global allowlist regexes", len(paths), len(set.Allowlist.regexSrc))
	}
	for _, x := range paths {
		if x.re != nil {
			t.Fatalf("path regex %s compiled at load", x)
		}
	}
	if len(set.Allowlist.Regexes) != 0 {
		t.Fatal("global allowlist regexes compiled at load")
	}
	if !set.Allowlist.Paths[0].MatchString("sub/go.sum") || set.Allowlist.Paths[0].MatchString("go.summary") {
		t.Errorf("allowlist path %s: wrong matches", set.Allowlist.Paths[0])
	}
	set.Allowlist.AllowsSecret("x")
	if len(set.Allowlist.Regexes) != len(set.Allowlist.regexSrc) {
		t.Fatal("global allowlist regexes not compiled by AllowsSecret")
	}

	rule := "[[rules]]\nid = \"u\"\nregex = '''kw_[a-z]{8}'''\n"
	for name, tc := range map[string]struct{ toml, want string }{
		"rule path":         {rule + "path = '''(?:x'''\n", "rule u: path: "},
		"rule allowlist":    {rule + "[rules.allowlist]\npaths = ['''a)''']\n", "rule u: allowlist: paths"},
		"global path":       {rule + "[allowlist]\npaths = ['''[z-a]''']\n", "allowlist: paths"},
		"global regex":      {rule + "[allowlist]\nregexes = ['''a**''']\n", "allowlist: regexes"},
		"extends built-ins": {"[extend]\nuse_default = true\n[allowlist]\npaths = ['''(''']\n", "allowlist: paths"},
	} {
		cfg := t.TempDir() + "/k.toml"
		if err := os.WriteFile(cfg, []byte(tc.toml), 0o644); err != nil {
			t.Fatal(err)
		}
		_, _, err := Load(LoadOptions{Default: readBuiltin(t), Path: cfg})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one with %q", name, err, tc.want)
		}
	}
}
