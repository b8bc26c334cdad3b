package scanner

import (
	"bytes"
	"fmt"
	"math/rand"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/keyhound/keyhound/finding"
	"github.com/keyhound/keyhound/rules"
)

// TestLongMatchOnLongLine: a single-line rule whose shortest match is longer
// than 256 bytes past its keyword is still found: such a rule's window is
// its keyword's whole line (up to maxWiden either side), since a match longer
// than a window finds nothing in it and so could never widen it. (Found by
// the hostile-input work; the differential fuzz rules all match within 256
// bytes.)
func TestLongMatchOnLongLine(t *testing.T) {
	for _, n := range []int{250, 300, 1000} {
		set, err := rules.Compile([]string{"test"}, &rules.File{Rules: []rules.RuleSpec{
			{ID: "long", Regex: `kwx_[a-z]{` + strconv.Itoa(n) + `}`},
		}})
		if err != nil {
			t.Fatal(err)
		}
		var found []finding.Finding
		data := []byte("value = kwx_" + strings.Repeat("q", n) + "\n")
		if err := NewMatcher(set).NewWorker().ScanBytes(data, "a.txt", func(f finding.Finding) { found = append(found, f) }); err != nil {
			t.Fatal(err)
		}
		if len(found) != 1 {
			t.Errorf("kwx_[a-z]{%d}: %d findings in kwx_ + %d letters, want 1", n, len(found), n)
		}
	}
}

// TestLongLineSameFindings: every built-in rule example, set between
// kilobytes of random text, yields the same findings whether that text is
// one very long line or lines of 100 bytes (the example's own bytes are the
// same in both; only the text around it has newlines or not).
func TestLongLineSameFindings(t *testing.T) {
	set, _, err := rules.Load(rules.LoadOptions{Path: "../rules.toml"})
	if err != nil {
		t.Fatal(err)
	}
	m := NewMatcher(set)
	var long, split []byte
	var all strings.Builder // every example, NUL-separated
	for i, r := range set.Rules {
		for j, ex := range r.Examples {
			// The example between random text, on one line with it; in
			// the split form the text has a newline every 100 bytes but
			// the 50 next to the example, in the long form none.
			filler := randomLines(2000, 0, int64(i*100+j))
			long = append(long, filler...)
			for k := 99; k < len(filler)-50; k += 100 {
				filler[k] = '\n'
			}
			split = append(split, filler...)
			long = append(long, " "+ex+" "...)
			split = append(split, " "+ex+" "...)
			all.WriteString(ex + "\x00")
			long = append(long, ex...)
			split = append(split, ex...)
			long = append(long, "\n"...)
			split = append(split, "\n"...)
		}
	}
	inExample := func(data []byte) map[string]bool {
		out := map[string]bool{}
		w := m.NewWorker()
		var fs []finding.Finding
		if err := w.Scan(bytes.NewReader(data), "f.txt", func(f finding.Finding) { fs = append(fs, f) }); err != nil {
			t.Fatal(err)
		}
		for _, f := range fs {
			// Matches that reach into the random text differ by design:
			// only those inside an example are compared.
			if strings.Contains(all.String(), f.Match) {
				out[f.RuleID+"\x00"+f.Match+"\x00"+f.Secret] = true
			}
		}
		return out
	}
	gotLong, gotSplit := inExample(long), inExample(split)
	for k := range gotSplit {
		if !gotLong[k] {
			t.Errorf("split form only: %q", k)
		}
	}
	for k := range gotLong {
		if !gotSplit[k] {
			t.Errorf("long-line form only: %q", k)
		}
	}
	if len(gotLong) < len(set.Rules) {
		t.Errorf("%d findings in the examples of %d rules", len(gotLong), len(set.Rules))
	}
}

// TestLongLineDifferential: on a line of a megabyte with planted tokens, the
// windowed matcher agrees with the whole-input regex scan (FuzzMatcher's
// reference) for the rules whose matches hold their keyword.
func TestLongLineDifferential(t *testing.T) {
	m := testMatcher(t)
	for seed := int64(1); seed <= 3; seed++ {
		data := randomLines(1<<20, 0, seed)
		rng := rand.New(rand.NewSource(seed))
		for i := 0; i < 200; i++ {
			// (No sk_live_ token: test-live and test-any-sk would both
			// match it, and one finding is reported per place.)
			tok := []string{tok(int(seed)*1000 + i), "sk_" + strings.Repeat("x9", 8+i%400)}[i%2]
			at := rng.Intn(len(data) - len(tok))
			copy(data[at:], " "+tok[1:])
			copy(data[at+1:], tok)
		}
		var got []string
		err := m.NewWorker().ScanBytes(data, "f.txt", func(f finding.Finding) {
			if differentialRules[f.RuleID] {
				got = append(got, fmt.Sprintf("%s@%d:%d", f.RuleID, f.Line, f.Column))
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		sort.Strings(got)
		if want := reference(m, data); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("seed %d: windowed %d findings, whole-input %d\n%v\n%v", seed, len(got), len(want), got, want)
		}
		if len(got) < 100 {
			t.Fatalf("seed %d: only %d findings", seed, len(got))
		}
	}
}
