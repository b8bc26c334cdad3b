package scanner

import (
	"encoding/base64"
	"encoding/hex"
	"math/rand"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/keyhound/keyhound/finding"
	"github.com/keyhound/keyhound/internal/testfixture"
)

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// jsonEscaped is s as the value of a JSON string: newlines and quotes escaped.
func jsonEscaped(s string) string {
	return strings.NewReplacer("\n", `\n`, `"`, `\"`, "/", `\/`).Replace(s)
}

var (
	encOnce sync.Once
	encSnip []string
	encErr  error
)

// encodedSnippets are snippets plus secrets as they appear encoded: base64
// (alone, in a Kubernetes Secret, nested twice, padded or not), hex,
// percent-encoded, JSON-escaped PEM keys and \u escapes, for the test rules
// and, with generated real-format fake tokens and keys, the built-in ones;
// and halves of them, so that edits complete or cut encoded runs.
func encodedSnippets(t testing.TB) []string {
	encOnce.Do(func() {
		ghp := testfixture.GitHubToken("ghp_", "Q7fZ2mKx9LpR4vTn8WcY1bHs6dJg3e")
		npm := testfixture.NPMToken("Hk3nV8qL2pX7rT9mW4zC1bY6sD5fG0")
		keys, err := testfixture.PrivateKeys("deploy")
		if err != nil {
			encErr = err
			return
		}
		key := ""
		for _, k := range keys {
			if strings.Contains(k.Text, "-----BEGIN") && (key == "" || len(k.Text) < len(key)) {
				key = k.Text
			}
		}
		whole := []string{
			"value: " + b64("kht_abcdefghij0123456789") + "\n",
			b64("token = \"QWERTYUIOPASDFGHJ\"\n"),
			b64("x token = \"QWERTYUIOPASDFGHJ\""),
			"apiVersion: v1\nkind: Secret\ndata:\n  stripe: " + b64("sk_live_ABCDEFGH12345678") + "\n  gh: " + b64(ghp) + "\n",
			"nested: " + b64(b64("kht_abcdefghij0123456789")) + " ",
			"hex=" + hex.EncodeToString([]byte("sk_live_ABCDEFGH12345678")) + "\n",
			"q=api_secret%20%3D%20%22Zq8xW3pL0vB7nM2k%22&x=1\n",
			`{"key": "` + jsonEscaped(pem(2)) + `"}` + "\n",
			`{"pk": "` + jsonEscaped(key) + `"}` + "\n",
			`s = "token\u003d\"QWERTYUIOPASDFGHJ\""` + "\n",
			"auth: " + b64("user:"+npm) + "\n",
			"GITHUB_TOKEN_B64=" + b64("GITHUB_TOKEN="+ghp) + "\n",
		}
		encSnip = append(encSnip, snippets...)
		for _, s := range whole {
			encSnip = append(encSnip, s, s[:len(s)/2], s[len(s)/2:])
		}
		encSnip = append(encSnip, "=", "==", "\\", "%", "+/", "-_", "\\n", "\\u00")
	})
	if encErr != nil {
		t.Fatal(encErr)
	}
	return encSnip
}

// TestScanBytesFromCutRuns edits content around and inside encoded
// secrets — a base64 run in a Kubernetes Secret, a hex run, a JSON-escaped
// PEM key, a percent-encoded assignment — at every byte: a byte inserted, a
// byte deleted (a seam with no inserted byte), a line break inserted, the
// content cut there (a run that reaches the end of the content) or started
// there (a run at its start). Decoding the new version from the base's memo
// must find exactly what decoding it whole finds: a run or line reused from
// the base when its edge, padding or kind changed would differ.
func TestScanBytesFromCutRuns(t *testing.T) {
	filler := strings.Repeat("filler line é\n", 20)
	encoded := []string{
		"  password: " + b64("token = \"QWERTYUIOPASDFGHJ\"") + "\n",
		"  key: " + b64("kht_abcdefghij0123456789") + "\n",
		"h=" + hex.EncodeToString([]byte("sk_live_ABCDEFGH12345678")) + "\n",
		`{"key": "` + jsonEscaped(pem(1)) + `"}` + "\n",
		"q=api_secret%20%3D%20%22Zq8xW3pL0vB7nM2k%22\n",
	}
	m := testMatcher(t)
	whole, delta := m.NewWorker(), m.NewWorker()
	whole.SetExpand(Expand{DecodeDepth: 2})
	delta.SetExpand(Expand{DecodeDepth: 2})
	checked, reused := 0, 0
	for _, enc := range encoded {
		base := []byte(filler + enc + filler + enc + filler)
		p := len(filler) // the first copy of enc; the second stays whole
		memo := &Memo{}
		if err := delta.ScanBytesFrom(base, "f.txt", nil, nil, memo, func(finding.Finding) {}); err != nil {
			t.Fatal(err)
		}
		for k := 0; k <= len(enc); k++ {
			at := p + k
			var versions []editor
			for _, ins := range []string{"A", "=", "\n", "\\", "%"} {
				var e editor
				e.copyFrom(base, 0, at)
				e.insert([]byte(ins))
				e.copyFrom(base, at, len(base)-at)
				versions = append(versions, e)
			}
			var e editor // a byte deleted
			e.copyFrom(base, 0, at)
			e.copyFrom(base, at+1, len(base)-at-1)
			versions = append(versions, e)
			e = editor{} // cut there: the content ends
			e.copyFrom(base, 0, at)
			versions = append(versions, e)
			e = editor{} // started there, with the base's start moved after it
			e.copyFrom(base, at, len(base)-at)
			e.copyFrom(base, 0, at)
			versions = append(versions, e)
			for vi, v := range versions {
				want, werr := collect(t, func(emit func(finding.Finding)) error { return whole.ScanBytes(v.out, "f.txt", emit) })
				next := &Memo{}
				got, gerr := collect(t, func(emit func(finding.Finding)) error {
					return delta.ScanBytesFrom(v.out, "f.txt", memo, v.copies, next, emit)
				})
				if werr != gerr || !reflect.DeepEqual(got, want) {
					t.Fatalf("%q edited at %d, version %d: from the base:\n%s\nwhole:\n%s", enc, k, vi, show(got), show(want))
				}
				for _, f := range want {
					if len(f.Decoded) > 0 {
						checked++
					}
				}
				reused += next.dec.reused
			}
		}
	}
	if checked == 0 || reused == 0 {
		t.Fatalf("%d decoded findings, %d decoded spans reused: the test proves nothing", checked, reused)
	}
}

// TestKeywordFree: a byte that a keyword holds, in either case, is never
// taken for one where the automaton is at its root (the delta paths start
// it there and trust hits past such a byte).
func TestKeywordFree(t *testing.T) {
	m := builtinRules(t)
	pf := m.prefilter()
	free := &pf.bounds().free
	for _, s := range pf.patterns {
		for i := 0; i < len(s); i++ {
			for _, b := range []byte{s[i], strings.ToUpper(s[i : i+1])[0], strings.ToLower(s[i : i+1])[0]} {
				if free[b] {
					t.Fatalf("byte %q of keyword %q taken for one no keyword holds", b, s)
				}
			}
		}
	}
	if !free['\n'] || free['k'] || free['K'] {
		t.Fatalf("newline free %v, k free %v, K free %v: want true, false, false", free['\n'], free['k'], free['K'])
	}
}

// TestDeltaHitsMatchWholeSearch compares the keyword hits of versions found
// from their base's (moved, with the inserted bytes and seams searched
// jointly) with a search of each whole version: the same hits in the same
// order, none twice (a duplicate hit would change no finding).
func TestDeltaHitsMatchWholeSearch(t *testing.T) {
	for _, m := range []*Matcher{testMatcher(t), builtinRules(t)} {
		r := rand.New(rand.NewSource(7))
		w := m.NewWorker()
		pf := m.prefilter()
		c := w.cm
		enc := encodedSnippets(t)
		reusedAny := false
		for chain := 0; chain < 6; chain++ {
			data := randomText(r, 6000, enc)
			memo := &Memo{}
			if err := w.ScanBytesFrom(data, "f.txt", nil, nil, memo, func(finding.Finding) {}); err != nil {
				t.Fatal(err)
			}
			for v := 0; v < 20; v++ {
				nd, copies := randomEdit(r, data, enc)
				want := pf.find(nd, nil, new([]hit))
				c.base, c.copies = memo, copies
				got := c.deltaHits(pf, nd, nil)
				c.base, c.copies = nil, nil
				if !slices.Equal(got, want) {
					t.Fatalf("chain %d version %d: %d hits from the base, %d searching the whole:\n%v\n%v", chain, v, len(got), len(want), got, want)
				}
				for _, p := range c.pieces {
					reusedAny = reusedAny || !p.rescan && p.lo > p.from
				}
				next := &Memo{}
				if err := w.ScanBytesFrom(nd, "f.txt", memo, copies, next, func(finding.Finding) {}); err != nil {
					t.Fatal(err)
				}
				data, memo = nd, next
			}
		}
		if !reusedAny {
			t.Fatal("no base hit reused: the test proves nothing")
		}
	}
}

// TestScanBytesFromPathScopedDecode: a base decoded under a path where a
// path-scoped rule applies leaves decoded spans that rule matched; a new
// version under a path where it does not apply (or the other way round)
// must not reuse them.
func TestScanBytesFromPathScopedDecode(t *testing.T) {
	m := testMatcher(t)
	whole, delta := m.NewWorker(), m.NewWorker()
	whole.SetExpand(Expand{DecodeDepth: 2})
	delta.SetExpand(Expand{DecodeDepth: 2})
	filler := strings.Repeat("filler line\n", 10)
	base := []byte(filler + "conf: " + b64("set cfgpass=qwertyui now") + "\n" + filler)
	var e editor
	e.copyFrom(base, 0, 20)
	e.insert([]byte("edited "))
	e.copyFrom(base, 20, len(base)-20)
	for _, paths := range [][2]string{{"a.cfg", "b.txt"}, {"b.txt", "a.cfg"}, {"a.cfg", "c.cfg"}} {
		memo := &Memo{}
		if err := delta.ScanBytesFrom(base, paths[0], nil, nil, memo, func(finding.Finding) {}); err != nil {
			t.Fatal(err)
		}
		want, werr := collect(t, func(emit func(finding.Finding)) error { return whole.ScanBytes(e.out, paths[1], emit) })
		next := &Memo{}
		got, gerr := collect(t, func(emit func(finding.Finding)) error {
			return delta.ScanBytesFrom(e.out, paths[1], memo, e.copies, next, emit)
		})
		if werr != gerr || !reflect.DeepEqual(got, want) {
			t.Fatalf("base at %s, version at %s: from the base:\n%s\nwhole:\n%s", paths[0], paths[1], show(got), show(want))
		}
		if paths[1] == "c.cfg" && (len(want) != 1 || next.dec.reused == 0) {
			t.Fatalf("version at %s: %d findings, %d decoded spans reused: want 1 finding, reused", paths[1], len(want), next.dec.reused)
		}
	}
}
