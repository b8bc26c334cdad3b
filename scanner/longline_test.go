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
		if i%raceStride != 0 {
			continue
		}
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
	if n := (len(set.Rules) + raceStride - 1) / raceStride; len(gotLong) < n {
		t.Errorf("%d findings in the examples of %d rules", len(gotLong), n)
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

// bundle returns a minified-script-like text: n statements of assignments,
// among them generic passwords and API keys, decoys the generic rules must
// not report (hashed_password, passwordHint, show_password) and filler,
// joined by sep. It also returns the secrets planted for generic-password.
func bundle(n int, sep string, seed int64) ([]byte, map[string]bool) {
	rng := rand.New(rand.NewSource(seed))
	value := func() string {
		const alpha = "bcdfghjkmnpqrstvwxzBCDFGHJKLMNPQRSTVWXZ23456789" // no vowels: no words
		b := make([]byte, 14+rng.Intn(10))
		for i := range b {
			b[i] = alpha[rng.Intn(len(alpha))]
		}
		return string(b) + "9Q"
	}
	planted := map[string]bool{}
	var b strings.Builder
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(sep)
		}
		switch rng.Intn(12) {
		case 0:
			v := value()
			planted[v] = true
			fmt.Fprintf(&b, `password="%s"`, v)
		case 1:
			fmt.Fprintf(&b, `cfg.api_key="%s"`, value())
		case 2:
			fmt.Fprintf(&b, `hashed_password="%s"`, value())
		case 3:
			fmt.Fprintf(&b, `passwordHint="%s"`, value())
		case 4:
			b.WriteString(`show_password=!0`)
		default:
			fmt.Fprintf(&b, `v%d=f(%d,"%s")`, i, rng.Intn(1000), value()[:6])
		}
	}
	return []byte(b.String()), planted
}

// findingSet scans data and returns its findings as rule, secret and match
// (positions differ between a line and lines by design).
func findingSet(t *testing.T, m *Matcher, data []byte) map[string]int {
	t.Helper()
	out := map[string]int{}
	err := m.NewWorker().Scan(bytes.NewReader(data), "bundle.min.js", func(f finding.Finding) {
		out[f.RuleID+"\x00"+f.Secret+"\x00"+f.Match]++
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestLongLineMinifiedBundle: a 5 MB minified bundle on one line (longer
// than a chunk) has exactly the findings of the same statements one per
// line: every statement ends before a space or line break that no rule's
// match crosses, so those are safe places to split. The generic rules,
// the costly ones on long lines, report planted passwords once each and no
// decoy.
func TestLongLineMinifiedBundle(t *testing.T) {
	m := defaultMatcher(t)
	long, planted := bundle(200000, "; ", 1)
	split, _ := bundle(200000, ";\n", 1)
	if len(long) <= chunkSize || bytes.IndexByte(long, '\n') >= 0 {
		t.Fatalf("the bundle should be one line longer than a chunk: %d bytes", len(long))
	}
	gotLong, gotSplit := findingSet(t, m, long), findingSet(t, m, split)
	for k, n := range gotSplit {
		if gotLong[k] != n {
			t.Errorf("split form %d, long line %d: %q", n, gotLong[k], k)
		}
	}
	for k, n := range gotLong {
		if _, ok := gotSplit[k]; !ok {
			t.Errorf("long line only (%d): %q", n, k)
		}
	}
	found := 0
	for k, n := range gotLong {
		if f := strings.Split(k, "\x00"); f[0] == "generic-password" {
			if !planted[f[1]] || n != 1 {
				t.Errorf("generic-password reported %q %d times, not one planted password once", f[2], n)
			}
			found++
		}
	}
	// The password validator turns down the odd random value (xXhq…,
	// looking like a placeholder), as it does in a file of its own.
	if found < len(planted)*99/100 {
		t.Errorf("generic-password found %d of %d planted passwords", found, len(planted))
	}
}

// TestLongLineBoundaries: a planted password straddling, byte by byte, the
// places where matching a long line is cut up (the end of what a chunk
// reports, the start of the next chunk's buffer, the parts the keyword
// automata run over side by side) is found once, whole.
func TestLongLineBoundaries(t *testing.T) {
	m := defaultMatcher(t)
	const secret = "Zq8xW3pL0vB7nM2kQw"
	stmt := `password="` + secret + `"`
	first := chunkSize + overlap // the first chunk's buffer
	for _, b := range []struct {
		name string
		at   int
	}{
		{"chunk's reported end", first - overlap/2},
		{"next chunk's start", chunkSize},
		{"first automaton's part", first / streams},
		{"second automaton's part", 2 * first / streams},
	} {
		for d := 0; d <= len(stmt); d += raceStride {
			data := bytes.Repeat([]byte("a=1; "), (first+chunkSize)/5)
			at := b.at - d
			copy(data[at-2:], "; "+stmt+"; ")
			var got []string
			err := m.NewWorker().Scan(bytes.NewReader(data), "a.min.js", func(f finding.Finding) {
				got = append(got, fmt.Sprintf("%s %s col %d", f.RuleID, f.Secret, f.Column))
			})
			if err != nil {
				t.Fatal(err)
			}
			want := fmt.Sprintf("generic-password %s col %d", secret, at+len(`password="`)+1)
			if len(got) != 1 || got[0] != want {
				t.Fatalf("%s, statement %d bytes before it: %v, want [%s]", b.name, d, got, want)
			}
		}
	}
}

// TestLongLineMatchAfterWidenedWindow: when a match touches its window's
// edge, the window is widened, and may then end inside the next match of
// the same rule, cutting it short so that the widened window does not find
// it. That next match is still reported by its own window, wherever the cut
// falls. (Found on a long line: a near-name rule for 256-hex tokens lost the
// token that followed another one's multi-line match.)
func TestLongLineMatchAfterWidenedWindow(t *testing.T) {
	set, err := rules.Compile([]string{"test"}, &rules.File{Rules: []rules.RuleSpec{{
		ID:          "long-hex",
		Regex:       `(?i)kw[\w.-]{0,20}?[ \t]*[:=]?[ \t]*\r?\n?[ \t]*["']?([a-f0-9]{256})\b`,
		SecretGroup: 1,
		Keywords:    []string{"kw"},
	}}})
	if err != nil {
		t.Fatal(err)
	}
	m := NewMatcher(set)
	hex := func(seed int) string {
		r := rand.New(rand.NewSource(int64(seed)))
		b := make([]byte, 256)
		for i := range b {
			b[i] = "0123456789abcdef"[r.Intn(16)]
		}
		return string(b)
	}
	for gap := 0; gap < 3000; gap += 5 {
		// A multi-line match, then on the next, long line another match
		// after gap bytes of text.
		data := []byte("kw:\n  " + hex(1) + " kw:\n  " + hex(2) + "\n" +
			strings.Repeat("y", gap) + " kw = '" + hex(3) + "' and more text\n")
		var got []string
		for _, f := range scanAll(t, m, data, "a.txt") {
			got = append(got, f.Secret[:4])
		}
		if want := []string{hex(1)[:4], hex(2)[:4], hex(3)[:4]}; fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("%d bytes before the last match: found %v, want %v", gap, got, want)
		}
	}
}
