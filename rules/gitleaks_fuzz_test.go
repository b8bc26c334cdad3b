package rules

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode"
)

// normalize makes a rule file comparable after a TOML round trip, which
// cannot tell an empty list or allowlist from an absent one.
func normalize(f *File) {
	list := func(p *[]string) {
		if len(*p) == 0 {
			*p = nil
		}
	}
	al := func(a *AllowlistSpec) {
		list(&a.Paths)
		list(&a.Regexes)
		list(&a.Stopwords)
	}
	list(&f.Extend.DisabledRules)
	al(&f.Allowlist)
	for i := range f.Rules {
		r := &f.Rules[i]
		r.builtin = false
		list(&r.Keywords)
		list(&r.Tags)
		list(&r.Examples)
		list(&r.NegativeExamples)
		if r.Allowlist != nil {
			al(r.Allowlist)
			if emptyAllowlist(r.Allowlist) {
				r.Allowlist = nil
			}
		}
	}
	if len(f.Webhooks) == 0 {
		f.Webhooks = nil
	}
}

// FuzzGitleaks feeds arbitrary files to the gitleaks-config importer: it
// must translate them or return an error, never panic or hang; what it
// returns must be written by `keyhound rules convert` (WriteTOML) as a
// keyhound rule file that parses back to the same rules, and compile or
// fail with an error.
func FuzzGitleaks(f *testing.F) {
	for _, s := range []string{
		"title = \"t\"\n[[rules]]\nid = \"Internal_Token\"\nregex = '''(?i)internal[_-]token\\s*=\\s*\"([a-z0-9]{24})\"'''\nentropy = 3.0\nkeywords = [\"internal\"]\n  [[rules.allowlists]]\n  condition = \"AND\"\n  paths = ['''^test/''']\n  regexes = ['''^0+$''']\n",
		"[extend]\nuseDefault = true\ndisabledRules = [\"builtin-token\", \"nope\"]\n[[rules]]\nid = \"builtin-token\"\n  [rules.allowlist]\n  regexTarget = \"match\"\n  regexes = ['x']\n",
		"[[allowlists]]\ntargetRules = [\"builtin-token\", \"missing\"]\nstopwords = [\"dummy\"]\ncommits = [\"abc\"]\n[extend]\nuseDefault = true\n",
		"[[rules]]\nid = \"no-keywords\"\nregex = '''[a-z]+secretvalue[0-9]{4}'''\nsecretGroup = 0\n[[rules]]\nid = \"no-keywords\"\nregex = '''ab'''\n",
		"[[rules]]\nid = \"p\"\npath = '''\\.pem$'''\nskipReport = true\n[[rules.required]]\nid = \"x\"\n",
		"[extend]\npath = \"base.toml\"\n[[rules]]\nid = \"base-rule\"\nentropy = nan\n",
		"[[rules]]\nid = \"Weird ID ☃\"\nregex = '''x(a{1000}){1000}'''\nkeywords = [\"x\"]\nentropy = inf\n",
		"[[rules]]\nid = \"q\"\nregex = \"tok_'''[0-9]{8}\"\ndescription = \"\\u0000\\n'\"\ntags = [\"\"]\n",
		"[[rules]]\nid = \"Evil\\u001b[2J\\nid\"\nregex = 'x_[0-9]{8}'\n",
	} {
		f.Add([]byte(s))
	}
	def, err := Parse("defaults", []byte(`
[[rules]]
id = "builtin-token"
regex = '''bt_[a-z0-9]{16}'''
keywords = ["bt_"]
[rules.allowlist]
stopwords = ["example"]
[[rules]]
id = "builtin-other"
regex = '''bo_[a-z0-9]{16}'''
`))
	if err != nil {
		f.Fatal(err)
	}
	dir := f.TempDir()
	base := "title = \"base\"\n[[rules]]\nid = \"base-rule\"\nregex = '''br_[a-z0-9]{16}'''\n[allowlist]\npaths = ['''^docs/''']\n"
	if err := os.WriteFile(filepath.Join(dir, "base.toml"), []byte(base), 0o644); err != nil {
		f.Fatal(err)
	}
	name := filepath.Join(dir, "gitleaks.toml")
	f.Fuzz(func(t *testing.T, data []byte) {
		IsGitleaks(data)
		file, notices, err := FromGitleaks(name, data, def)
		if err != nil {
			return // (the CLI prints an error on one line, whatever it holds)
		}
		for _, n := range notices {
			if strings.IndexFunc(n, unicode.IsControl) >= 0 {
				t.Fatalf("notice holds a control character: %q", n)
			}
		}
		var out strings.Builder
		if err := WriteTOML(&out, file, notices); err != nil {
			t.Fatal(err)
		}
		back, err := Parse("converted.toml", []byte(out.String()))
		if err != nil {
			t.Fatalf("converted file does not parse: %v\n%s", err, out.String())
		}
		normalize(file)
		normalize(back)
		if !reflect.DeepEqual(file, back) {
			t.Fatalf("converted file reads back differently:\n%+v\n%+v\n%s", file, back, out.String())
		}
		merged := file
		if file.Extend.UseDefault {
			merged = Merge(def, file)
		}
		if set, err := Compile([]string{name}, merged); err == nil && set == nil {
			t.Fatal("nil set without error")
		}
	})
}
