//go:build vectorscan

package scanner

import (
	"fmt"
	"math/rand"
	"slices"
	"strings"
	"testing"

	"github.com/keyhound/keyhound/finding"
)

// Every test of this build scans with Vectorscan, not with the Go automaton
// that answers while the database compiles.
func init() { vectorscanSync = true }

// TestVectorscanBackground checks hits are right before, and after, the
// database is ready.
func TestVectorscanBackground(t *testing.T) {
	data := []byte(strings.Repeat("x ghp_ AKIA -----BEGIN password= ", 100))
	p := newPrefilter([]string{"ghp_", "akia", "-----begin", "pass", "password="})
	want := p.findOne(data, nil)
	p.vs = startVectorscan([]string{"ghp_", "akia", "-----begin", "pass", "password="}, p.plen)
	if got := p.find(data, nil, new([]hit)); !slices.Equal(got, want) {
		t.Fatalf("while compiling: %v\nwant %v", head(got), head(want))
	}
	if err := p.vs.wait(); err != nil {
		t.Fatal(err)
	}
	if got, ok := p.vs.find(data, nil); !ok || !slices.Equal(got, want) {
		t.Fatalf("compiled (ok %v): %v\nwant %v", ok, head(got), head(want))
	}
}

// TestVectorscanUsed checks the vectorscan build really runs Vectorscan on
// the default rules (a silent fallback to the Go automaton would pass every
// other test).
func TestVectorscanUsed(t *testing.T) {
	m := defaultMatcher(t)
	if m.prefilter().vs == nil {
		t.Fatal("no Vectorscan prefilter for the default rules")
	}
	if err := m.prefilter().vs.wait(); err != nil {
		t.Fatal(err)
	}
	if p := newPrefilter([]string{"a", ""}); p.vs != nil {
		t.Error("an empty keyword should leave the Go automaton in charge")
	}
}

// sameHits checks Vectorscan's hits on data equal the Go automaton's, order
// included (both the one-automaton and the two-halves path).
func sameHits(t *testing.T, p *prefilter, data []byte, what string) {
	t.Helper()
	if err := p.vs.wait(); err != nil {
		t.Fatal(err)
	}
	got, ok := p.vs.find(data, nil)
	if !ok {
		t.Fatalf("%s: vectorscan scan failed", what)
	}
	want := p.findOne(data, nil)
	if !slices.Equal(got, want) {
		t.Fatalf("%s: vectorscan %d hits %v\ngo %d hits %v", what, len(got), head(got), len(want), head(want))
	}
	vs := p.vs
	p.vs = nil
	halves := p.find(data, nil, new([]hit))
	p.vs = vs
	if !slices.Equal(got, halves) {
		t.Fatalf("%s: vectorscan %v\ngo halves %v", what, head(got), head(halves))
	}
}

// TestVectorscanSameHits runs TestPrefilterHalves' generator, with
// overlapping keywords, keywords that differ only in case, and non-ASCII
// bytes that must match exactly (only ASCII letters fold).
func TestVectorscanSameHits(t *testing.T) {
	r := rand.New(rand.NewSource(3))
	pats := []string{"ghp_", "akia", "-----begin", "xoxb-", "sk_live_", "a", "pass", "password=",
		"Pass", "aa", "begin", "\xc3\xa9t\xc3\xa9", "\xc3\x89T\xc3\x89", "x\x00y", "[.*]"}
	p := newPrefilter(pats)
	const alphabet = "abcdefghijklmnopqrstuvwxyz_-=ASKIGHP\xc3\xa9\x89\x00"
	for iter := 0; iter < 500; iter++ {
		n := 1 + r.Intn(5000)
		data := make([]byte, n)
		for i := range data {
			data[i] = alphabet[r.Intn(len(alphabet))]
		}
		for k := 0; k < 20; k++ {
			pat := pats[r.Intn(len(pats))]
			if len(pat) > n {
				continue
			}
			at := r.Intn(n - len(pat) + 1)
			if k%2 == 0 && n/2 >= len(pat) {
				at = n/2 - len(pat) + r.Intn(len(pat)+1) // around the middle
			}
			if k%3 == 0 {
				pat = strings.ToUpper(pat)
			}
			copy(data[at:], pat)
		}
		sameHits(t, p, data, fmt.Sprintf("iteration %d", iter))
	}
	sameHits(t, p, nil, "empty input")
	sameHits(t, p, []byte(strings.Repeat("a", 100000)), "a run of one keyword")
}

// TestVectorscanSameHitsGoSource compares the default rules' keyword hits
// over the Go distribution's source.
func TestVectorscanSameHitsGoSource(t *testing.T) {
	m := defaultMatcher(t)
	total := 0
	for i, f := range corpus(t, 64<<20) {
		sameHits(t, m.prefilter(), f, fmt.Sprintf("file %d", i))
		total += len(f)
	}
	t.Logf("%d MB of Go source", total>>20)
}

// TestVectorscanSameFindings scans BenchmarkMatchGoSource's inputs, with a
// fake secret planted in every 50th file, with both prefilters and compares
// the findings.
func TestVectorscanSameFindings(t *testing.T) {
	vs, gm := defaultMatcher(t), defaultMatcher(t)
	gm.prefilter().vs = nil
	if err := vs.prefilter().vs.wait(); err != nil {
		t.Fatal(err)
	}
	planted := []string{
		"\ttoken := \"ghp_" + strings.Repeat("aB3", 12) + "\"\n",
		"AWS_ACCESS_KEY_ID=AKIAZ7QRSTUVWXYZ2345\n",
		"slack = \"xoxb-123456789012-1234567890123-" + "aBcDeFgHiJkLmNoPqRsTuVwX\"\n",
		"password = \"hunter2-Correct-Horse-Battery\"\n",
	}
	vw, gw := vs.NewWorker(), gm.NewWorker()
	var got, want []finding.Finding
	for i, f := range corpus(t, 64<<20) {
		if i%50 == 0 {
			f = append(append([]byte(planted[(i/50)%len(planted)]), f...), planted[(i/50+1)%len(planted)]...)
		}
		path := fmt.Sprintf("src/file%d.go", i)
		errV := vw.ScanBytes(f, path, func(x finding.Finding) { got = append(got, x) })
		errG := gw.ScanBytes(f, path, func(x finding.Finding) { want = append(want, x) })
		if fmt.Sprint(errV) != fmt.Sprint(errG) { // e.g. both skip binary content
			t.Fatalf("%s: vectorscan error %v, go error %v", path, errV, errG)
		}
	}
	if len(want) == 0 {
		t.Fatal("no findings at all: the comparison proves nothing")
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("vectorscan: %d findings, go: %d", len(got), len(want))
	}
	t.Logf("%d identical findings", len(got))
}

// BenchmarkVectorscanCompile reports how long the default rules' keyword
// database takes to compile (in the background, while the Go automaton
// answers; not cached).
func BenchmarkVectorscanCompile(b *testing.B) {
	seen := map[string]bool{}
	var pats []string
	var plen []int
	for _, r := range defaultMatcher(b).set.Rules {
		for _, k := range r.Keywords {
			if !seen[k] {
				seen[k] = true
				pats = append(pats, k)
				plen = append(plen, len(k))
			}
		}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := compileVectorscan(pats, plen); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(pats)), "keywords")
}
