package scanner

import (
	"math/rand"
	"slices"
	"strings"
	"testing"
)

// TestKeywordIndexSameHits: until the automaton is built, the keyword
// index answers; its hits, order included, are the automaton's — for the
// built-in rules' keywords and for sets with keywords that overlap, differ
// only in case, repeat, or hold non-ASCII bytes that must match exactly.
func TestKeywordIndexSameHits(t *testing.T) {
	var builtin []string
	seen := map[string]bool{}
	for _, r := range defaultMatcher(t).set.Rules {
		for _, k := range r.Keywords {
			if !seen[k] {
				seen[k] = true
				builtin = append(builtin, k)
			}
		}
	}
	sets := map[string][]string{
		"built-in": builtin,
		"overlaps": {"he", "she", "his", "hers", "-----begin", "begin", "gin"},
		"case":     {"Pass", "pass", "password=", "PASSWORD", "sk_live_", "sk_"},
		"bytes":    {"\xc3\xa9t\xc3\xa9", "\xc3\x89T\xc3\x89", "x\x00y", "[.*]", "ab"},
	}
	r := rand.New(rand.NewSource(7))
	for name, pats := range sets {
		t.Run(name, func(t *testing.T) {
			lazy, dfa := newPrefilter(pats), newAutomaton(pats)
			lazy.vs = nil // the Go search, in the vectorscan build too
			if lazy.index == nil {
				t.Fatal("no keyword index")
			}
			const alphabet = "abcdefghijklmnopqrstuvwxyz_-=ASKIGHP \n\xc3\xa9\x89\x00"
			for iter := 0; iter < 300; iter++ {
				data := make([]byte, r.Intn(3000))
				for i := range data {
					data[i] = alphabet[r.Intn(len(alphabet))]
				}
				for k := 0; k < 20 && len(data) > 0; k++ {
					pat := pats[r.Intn(len(pats))]
					if len(pat) > len(data) {
						continue
					}
					if k%2 == 0 {
						pat = strings.ToUpper(pat)
					}
					copy(data[r.Intn(len(data)-len(pat)+1):], pat)
				}
				got := lazy.find(data, nil, new([]hit))
				if want := dfa.findOne(data, nil); !slices.Equal(got, want) {
					t.Fatalf("iteration %d: index %v\nautomaton %v\ninput %q", iter, head(got), head(want), data)
				}
			}
			if lazy.dfaBuilt.Load() {
				t.Fatal("the automaton was built within the index's budget")
			}
		})
	}
}

// TestPrefilterBuildsAutomaton: once the index has searched its budget, or
// is handed more at once, the automaton takes over.
func TestPrefilterBuildsAutomaton(t *testing.T) {
	pats := []string{"ghp_", "akia", "password="}
	data := []byte(strings.Repeat("x ghp_ AKIA password= ", 1000))
	want := newAutomaton(pats).findOne(data, nil)
	p := newPrefilter(pats)
	p.vs = nil // the Go search, in the vectorscan build too
	for searched := 0; searched <= indexBudget; searched += len(data) {
		if p.dfaBuilt.Load() {
			t.Fatalf("automaton built after %d bytes", searched)
		}
		if got := p.find(data, nil, new([]hit)); !slices.Equal(got, want) {
			t.Fatalf("after %d bytes: %v\nwant %v", searched, head(got), head(want))
		}
	}
	if !p.dfaBuilt.Load() {
		t.Fatal("no automaton after the budget")
	}
	big := newPrefilter(pats)
	big.vs = nil
	huge := []byte(strings.Repeat("ghp_", indexBudget/4+1))
	if got := big.find(huge, nil, new([]hit)); len(got) != len(huge)/4 || !big.dfaBuilt.Load() {
		t.Fatalf("%d hits, automaton built %v", len(got), big.dfaBuilt.Load())
	}
	if newPrefilter([]string{"a", "bc"}).index != nil {
		t.Error("a one-byte keyword should leave the automaton in charge")
	}
}

// head is the start of a list of hits, for messages.
func head(h []hit) []hit { return h[:min(len(h), 20)] }
