package scanner

import (
	"math/rand"
	"strings"
	"testing"

	"github.com/keyhound/keyhound/rules"
)

// TestPathRegexLiterals: the literal prefilter never changes whether a path
// regex matches — for every path regex of the built-in rules and a few
// hand-written ones, over paths built from their own literals, archive
// member paths, upper case and non-ASCII look-alikes (the Kelvin sign folds
// to k in a case-insensitive regex).
func TestPathRegexLiterals(t *testing.T) {
	m := defaultMatcher(t)
	var res []*rules.Regex
	res = append(res, m.set.Allowlist.Paths...)
	for _, sp := range m.pathFilters().scoped {
		if sp.path != nil {
			res = append(res, sp.path.re)
		}
		for _, a := range sp.allow {
			res = append(res, a.re)
		}
	}
	for _, s := range []string{`(?i)(?:^|/)kube/config$`, `secret|(?:tok)+en`, `a{2,}b`, `x?y*`, `(?:^|/)(?:a|)conf$`, `(?i)\.ſh$`, `[._-]conf\.ya?ml$`, `(?i)\bid_[rd]sa\b`, `(?:^|/)\.?(?:x|yz)?rc$`} {
		re, err := rules.CompileRegex(s)
		if err != nil {
			t.Fatal(err)
		}
		res = append(res, re)
	}
	if len(res) < 10 {
		t.Fatalf("only %d path regexes", len(res))
	}
	withLits := 0
	var words []string
	for _, re := range res {
		p := newPathRegex(re)
		if p.lits != nil {
			withLits++
		}
		words = append(words, p.lits...)
	}
	if withLits < len(res)/2 {
		t.Errorf("only %d of %d path regexes have required literals", withLits, len(res))
	}
	words = append(words, "src", "main.go", "a.zip!", "/", ".", "-", "_", "Kube", "\u212Aube", "CONFIG", "ſh", "sh", "aab", "aconf", "conf", "_conf.yml", ".conf.yaml", "id_rsa", "ID_DSA", ".xrc", "yzrc", "rc")
	rng := rand.New(rand.NewSource(1))
	paths := []string{"", "go.sum", "a.zip!go.sum", "x/TestData/y.json", "k8s/\u212Aube/config", "run.ſh", "run.SH"}
	for i := 0; i < 20000; i++ {
		var b strings.Builder
		for n := rng.Intn(5) + 1; n > 0; n-- {
			w := words[rng.Intn(len(words))]
			if rng.Intn(4) == 0 {
				w = strings.ToUpper(w)
			}
			b.WriteString(w)
			if rng.Intn(2) == 0 {
				b.WriteString([]string{"/", "!", ".", ""}[rng.Intn(4)])
			}
		}
		paths = append(paths, b.String())
	}
	matched := 0
	for _, re := range res {
		p := newPathRegex(re)
		for _, path := range paths {
			want := re.MatchString(path)
			if got := p.match(path, asciiLower(path)); got != want {
				t.Errorf("%s on %q: %v, the regex says %v (literals %q)", re, path, got, want, p.lits)
			}
			if want {
				matched++
			}
		}
	}
	if matched < 1000 {
		t.Errorf("only %d matches: the paths do not exercise the regexes", matched)
	}
}
