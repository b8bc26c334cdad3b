package rules

import (
	"reflect"
	"regexp"
	"testing"
)

// digestSet is a set whose rule and allowlists have every field set.
func digestSet(t *testing.T) *Set {
	t.Helper()
	al := AllowlistSpec{Paths: []string{`^vendor/`}, Regexes: []string{`^EXAMPLE`}, Stopwords: []string{"dummy"}}
	set, err := Compile([]string{"test"}, &File{
		Rules: []RuleSpec{{
			ID: "kw-token", Description: "d", Regex: `kw_([a-z0-9]{16})`, SecretGroup: 1, Keywords: []string{"kw_"},
			Entropy: 2, Validate: "github-checksum", Severity: "high", Tags: []string{"t", "generic"}, Path: `\.env$`,
			Examples: []string{"kw_0123456789abcdef"}, NegativeExamples: []string{"kw_"}, Allowlist: &al,
		}},
		Allowlist: al,
		Webhooks:  []WebhookSpec{{URL: "http://127.0.0.1/"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return set
}

// changed returns a value of v's type that differs from v, or false for a
// type this test does not know (add it here when a field of a new type is added).
func changed(v reflect.Value) (reflect.Value, bool) {
	n := reflect.New(v.Type()).Elem()
	switch {
	case v.Type() == regexpType:
		n.Set(reflect.ValueOf(regexp.MustCompile(`changed`)))
		return n, true
	case v.Type() == regexType:
		n.Set(reflect.ValueOf(lazyRegex(`changed`)))
		return n, true
	case v.Type() == reflect.TypeOf((*Allowlist)(nil)):
		n.Set(reflect.ValueOf(&Allowlist{Stopwords: []string{"changed"}}))
		return n, true
	}
	switch v.Kind() {
	case reflect.String:
		n.SetString(v.String() + "x")
	case reflect.Bool:
		n.SetBool(!v.Bool())
	case reflect.Int:
		n.SetInt(v.Int() + 1)
	case reflect.Float64:
		n.SetFloat(v.Float() + 0.5)
	case reflect.Slice:
		n = reflect.Append(v, reflect.Zero(v.Type().Elem()))
		if v.Type().Elem().Kind() == reflect.String {
			n = reflect.Append(v, reflect.ValueOf("x"))
		}
	case reflect.Func:
		n.Set(reflect.MakeFunc(v.Type(), func(args []reflect.Value) []reflect.Value {
			return []reflect.Value{reflect.ValueOf(true)}
		}))
	default:
		return n, false
	}
	return n, true
}

// TestDigestFields changes each field of a rule, its allowlist, the global
// allowlist and the set in turn: the digest must change unless the field is
// listed in digestSkip (so a new field cannot leave incremental caches
// stale), and every unexported field must be listed either way.
func TestDigestFields(t *testing.T) {
	base := digestSet(t).Digest()
	if again := digestSet(t).Digest(); again != base {
		t.Fatalf("digest not stable: %s, %s", base, again)
	}
	seen := map[string]bool{}
	check := func(name string, get func(*Set) reflect.Value) {
		typ := get(digestSet(t)).Type()
		for i := 0; i < typ.NumField(); i++ {
			f := typ.Field(i)
			key := typ.Name() + "." + f.Name
			seen[key] = true
			if !f.IsExported() {
				if !digestSkip[key] && !digestUnexported[key] {
					t.Errorf("%s: unexported field neither in digestSkip nor in digestUnexported", key)
				}
				continue
			}
			set := digestSet(t)
			fv := get(set).Field(i)
			nv, ok := changed(fv)
			if !ok {
				t.Errorf("%s: no way to change a %s in this test", key, f.Type)
				continue
			}
			fv.Set(nv)
			if moved := set.Digest() != base; moved == digestSkip[key] {
				t.Errorf("%s changed: digest changed %v, want %v", key, moved, !digestSkip[key])
			}
		}
	}
	check("Set", func(s *Set) reflect.Value { return reflect.ValueOf(s).Elem() })
	check("Rule", func(s *Set) reflect.Value { return reflect.ValueOf(s.Rules[0]).Elem() })
	check("Allowlist", func(s *Set) reflect.Value { return reflect.ValueOf(s.Rules[0].Allowlist).Elem() })
	check("Allowlist", func(s *Set) reflect.Value { return reflect.ValueOf(s.Allowlist).Elem() })
	for key := range digestSkip {
		if !seen[key] {
			t.Errorf("digestSkip names %s, which is no field", key)
		}
	}
	// The unexported field the digest includes: the allowlist regexes' sources.
	for _, al := range []func(*Set) *Allowlist{
		func(s *Set) *Allowlist { return s.Rules[0].Allowlist },
		func(s *Set) *Allowlist { return s.Allowlist },
	} {
		set := digestSet(t)
		al(set).regexSrc = append(al(set).regexSrc, "x")
		if set.Digest() == base {
			t.Error("an allowlist regex added: digest unchanged")
		}
	}
	// Rule order decides which finding a generic rule yields to.
	two, err := Compile([]string{"t"}, &File{Rules: []RuleSpec{{ID: "a-b", Regex: "aaa"}, {ID: "b-c", Regex: "bbb"}}})
	if err != nil {
		t.Fatal(err)
	}
	d := two.Digest()
	two.Rules[0], two.Rules[1] = two.Rules[1], two.Rules[0]
	if two.Digest() == d {
		t.Error("rules reordered: digest unchanged")
	}
}

// TestDigestBuiltin: the built-in rules from the generated form (lazily
// compiled) and from parsing rules.toml (compiled in full) have one digest.
func TestDigestBuiltin(t *testing.T) {
	data := readBuiltin(t)
	gen, _, err := Load(LoadOptions{Default: data})
	if err != nil {
		t.Fatal(err)
	}
	f, err := Parse("rules.toml", data)
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := Compile([]string{"rules.toml (built-in)"}, f)
	if err != nil {
		t.Fatal(err)
	}
	if gen.Digest() != parsed.Digest() {
		t.Fatal("the generated built-in rules and the parsed rules.toml have different digests")
	}
	for _, r := range gen.Rules {
		if _, err := r.Regexp(); err != nil {
			t.Fatal(err)
		}
	}
	if gen.Digest() != parsed.Digest() {
		t.Fatal("compiling the built-in rules' regexes changed their digest")
	}
}
