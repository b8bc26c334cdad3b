package scanner

import (
	"bytes"
	"fmt"
	"math/rand"
	"os"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/keyhound/keyhound/finding"
	"github.com/keyhound/keyhound/rules"
)

// editor builds a new version of content as git's delta does: ranges
// copied from the old version and inserted bytes.
type editor struct {
	out    []byte
	copies []Copy
}

func (e *editor) copyFrom(base []byte, src, n int) {
	if n <= 0 {
		return
	}
	if k := len(e.copies) - 1; k >= 0 {
		if c := &e.copies[k]; c.Dst+c.Len == len(e.out) && c.Src+c.Len == src {
			c.Len += n
			e.out = append(e.out, base[src:src+n]...)
			return
		}
	}
	e.copies = append(e.copies, Copy{Dst: len(e.out), Src: src, Len: n})
	e.out = append(e.out, base[src:src+n]...)
}

func (e *editor) insert(b []byte) { e.out = append(e.out, b...) }

// snippets are inserted by the random edits: secrets whole and in parts (so
// that a secret may be completed by an edit, or cut), keywords, line breaks
// and multi-byte characters (for columns).
var snippets = []string{
	"kht_abcdefghij0123456789", "kht_", "abcdefghij", "0123456789\n", "sk_live_ABCDEFGH12345678", "sk_live_",
	"ABCDEFGH12345678 ", "\n", "\n\n", "é", "日本", "api_secret = \"Zq8xW3pL0vB7nM2k\"", "api_secret", " = \"",
	"token = \"QWERTYUIOPASDFGHJ\"", "token: ", "AKIAZ7Q2MLK4V5TRX3NP ", "ghp_", "password=\"hunter2hunter2x\"\n",
	"-----BEGIN RSA PRIVATE KEY-----\n", "-----END RSA PRIVATE KEY-----\n", "MIIEowIBAAKCAQEA1qK3Zl7bW9dQ+xkPq4\n",
	"keyhound:allow", "gitleaks:allow", "(TOKEN=\"QWERTYUIOPASDFGHJ\")", "API_SECRET = \"Zq8xW3pL0vB7nM2k\"", "\t", "  key: ", "secret: ", "xoxb-123456789012-123456789012-abcdefghijklmnopqrstuvwx",
}

// randomEdit returns a new version of base with a few random edits: bytes
// inserted, ranges deleted, ranges moved or duplicated.
func randomEdit(r *rand.Rand, base []byte, snippets []string) ([]byte, []Copy) {
	var e editor
	pos := 0
	for k := 1 + r.Intn(6); k > 0 && pos < len(base); k-- {
		at := pos + r.Intn(len(base)-pos+1)
		if at > len(base) {
			at = len(base)
		}
		e.copyFrom(base, pos, at-pos)
		pos = at
		switch r.Intn(5) {
		case 0, 1: // insert
			for n := 1 + r.Intn(3); n > 0; n-- {
				e.insert([]byte(snippets[r.Intn(len(snippets))]))
			}
		case 2: // delete
			pos = min(len(base), pos+r.Intn(200))
		case 3: // a range from elsewhere (a moved or duplicated block)
			src := r.Intn(len(base) + 1)
			e.copyFrom(base, src, min(len(base)-src, r.Intn(3000)))
		default: // replace a few bytes
			pos = min(len(base), pos+r.Intn(30))
			e.insert([]byte(snippets[r.Intn(len(snippets))]))
		}
	}
	e.copyFrom(base, pos, len(base)-pos)
	return e.out, e.copies
}

// randomText returns n bytes of lines with secrets and keywords in them.
func randomText(r *rand.Rand, n int, snippets []string) []byte {
	var b bytes.Buffer
	words := []string{"value", "name", "config", "the", "port", "image", "key", "secret", "token", "enabled:", "true", "é"}
	for b.Len() < n {
		switch r.Intn(12) {
		case 0:
			b.WriteString(snippets[r.Intn(len(snippets))])
		case 1:
			b.WriteString(pem(1 + r.Intn(8)))
			b.WriteByte('\n')
		default:
			for w := r.Intn(12); w >= 0; w-- {
				b.WriteString(words[r.Intn(len(words))])
				b.WriteByte(' ')
			}
			b.WriteByte('\n')
		}
	}
	return b.Bytes()
}

var (
	builtinOnce    sync.Once
	builtinMatcher *Matcher
	builtinErr     error
)

// builtinRules returns a matcher of the repository's rules.toml.
func builtinRules(t testing.TB) *Matcher {
	builtinOnce.Do(func() {
		var set *rules.Set
		if _, err := os.Stat("../rules.toml"); err != nil {
			builtinErr = err
			return
		}
		set, _, builtinErr = rules.Load(rules.LoadOptions{Path: "../rules.toml"})
		if builtinErr == nil {
			builtinMatcher = NewMatcher(set)
		}
	})
	if builtinErr != nil {
		t.Fatal(builtinErr)
	}
	return builtinMatcher
}

func collect(t testing.TB, scan func(emit func(finding.Finding)) error) ([]finding.Finding, error) {
	t.Helper()
	var out []finding.Finding
	err := scan(func(f finding.Finding) { out = append(out, f) })
	return out, err
}

// TestScanBytesFromMatchesWholeScan edits content version after version and
// checks that matching each version from the previous one's memo finds
// exactly what matching it whole finds, and that the memo was used.
func TestScanBytesFromMatchesWholeScan(t *testing.T) {
	enc := encodedSnippets(t)
	for _, tc := range []struct {
		name     string
		m        *Matcher
		size     int
		decode   bool
		snippets []string
	}{
		{"test rules, small", testMatcher(t), 3000, false, snippets},
		{"test rules, large", testMatcher(t), 16 << 10, false, snippets},
		{"built-in rules", builtinRules(t), 8 << 10, false, snippets},
		{"test rules, decoding", testMatcher(t), 6000, true, enc},
		{"test rules, decoding, large", testMatcher(t), 24 << 10, true, enc},
		{"built-in rules, decoding", builtinRules(t), 8 << 10, true, enc},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := rand.New(rand.NewSource(int64(tc.size)))
			whole, delta := tc.m.NewWorker(), tc.m.NewWorker()
			if tc.decode {
				whole.SetExpand(Expand{DecodeDepth: 2})
				delta.SetExpand(Expand{DecodeDepth: 2})
			}
			reused, findings, decoded, decReused := 0, 0, 0, 0
			for chain := 0; chain < 4; chain++ {
				data := randomText(r, tc.size, tc.snippets)
				memo, next := &Memo{}, &Memo{}
				if err := delta.ScanBytesFrom(data, "values.yaml", nil, nil, memo, func(finding.Finding) {}); err != nil {
					t.Fatal(err)
				}
				for v := 0; v < 12; v++ {
					nd, copies := randomEdit(r, data, tc.snippets)
					want, werr := collect(t, func(emit func(finding.Finding)) error { return whole.ScanBytes(nd, "values.yaml", emit) })
					got, gerr := collect(t, func(emit func(finding.Finding)) error {
						return delta.ScanBytesFrom(nd, "values.yaml", memo, copies, next, emit)
					})
					if werr != gerr {
						t.Fatalf("chain %d version %d: error %v, whole scan %v", chain, v, gerr, werr)
					}
					if !reflect.DeepEqual(got, want) {
						t.Fatalf("chain %d version %d: from the previous version:\n%s\nwhole:\n%s", chain, v, show(got), show(want))
					}
					findings += len(want)
					for _, f := range want {
						if len(f.Decoded) > 0 {
							decoded++
						}
					}
					reused += next.reused
					decReused += next.dec.reused
					data, memo, next = nd, next, memo
				}
			}
			t.Logf("%d windows reused, %d findings; %d decoded spans reused, %d decoded findings", reused, findings, decReused, decoded)
			if reused == 0 || findings == 0 {
				t.Fatalf("nothing reused (%d windows) or nothing found (%d findings): the test proves nothing", reused, findings)
			}
			if tc.decode && (decReused == 0 || decoded == 0) {
				t.Fatalf("no decoded span reused (%d) or no decoded finding (%d): the test proves nothing", decReused, decoded)
			}
		})
	}
}

func show(fs []finding.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "  %s %d:%d-%d:%d %q\n", f.RuleID, f.Line, f.Column, f.EndLine, f.EndColumn, f.Secret)
	}
	return b.String()
}

// FuzzScanBytesFrom builds a version of base from a script of copies and
// insertions (as a git delta does) and checks that matching it from base's
// memo finds exactly what matching it whole finds.
func FuzzScanBytesFrom(f *testing.F) {
	f.Add([]byte("x kht_abcdefghij0123456789 y\nsk_live_ABCDEFGH12345678\n"), []byte{0, 0, 5, 1, 3, 'k', 'h', 't', 0, 0, 2, 40})
	f.Add([]byte(pem(3)+"\ntoken = \"QWERTYUIOPASDFGHJ\"\n"), []byte{2, 19, 0, 0, 1, 200, 2, 3, 0, 1, 0, 90})
	f.Add([]byte(strings.Repeat("é api_secret = \"Zq8xW3pL0vB7nM2k\"\n", 40)), []byte{0, 0, 0, 255, 2, 7, 0, 0, 30, 255})
	f.Add([]byte("k: "+b64("token = \"QWERTYUIOPASDFGHJ\"\n")+"\nx=\"api_secret\\u003d\\\"Zq8xW3pL0vB7nM2k\\\"\"\n"), []byte{0, 0, 3, 1, 2, 1, '+', 0, 0, 7, 3, 28, 0, 0, 40, 9})
	m := testMatcher(f)
	enc := encodedSnippets(f)
	whole, delta := m.NewWorker(), m.NewWorker()
	wholeDec, deltaDec := m.NewWorker(), m.NewWorker()
	wholeDec.SetExpand(Expand{DecodeDepth: 2})
	deltaDec.SetExpand(Expand{DecodeDepth: 2})
	f.Fuzz(func(t *testing.T, base, script []byte) {
		var e editor
		for i := 0; i < len(script); {
			op := script[i] % 3
			i++
			switch op {
			case 0: // copy: 2 bytes of offset, 1 of length (times 8)
				if i+3 > len(script) || len(base) == 0 {
					i = len(script)
					break
				}
				src := (int(script[i])<<8 | int(script[i+1])) % len(base)
				n := min(len(base)-src, 8*int(script[i+2]))
				e.copyFrom(base, src, n)
				i += 3
			case 1: // literal bytes
				if i >= len(script) {
					break
				}
				n := min(int(script[i]), len(script)-i-1)
				e.insert(script[i+1 : i+1+n])
				i += 1 + n
			default: // a snippet
				if i >= len(script) {
					break
				}
				e.insert([]byte(enc[int(script[i])%len(enc)]))
				i++
			}
		}
		for _, ws := range [][2]*Worker{{whole, delta}, {wholeDec, deltaDec}} {
			whole, delta := ws[0], ws[1]
			memo, next := &Memo{}, &Memo{}
			if err := delta.ScanBytesFrom(base, "f.txt", nil, nil, memo, func(finding.Finding) {}); err != nil && err != ErrBinary {
				t.Fatal(err)
			}
			want, werr := collect(t, func(emit func(finding.Finding)) error { return whole.ScanBytes(e.out, "f.txt", emit) })
			got, gerr := collect(t, func(emit func(finding.Finding)) error {
				return delta.ScanBytesFrom(e.out, "f.txt", memo, e.copies, next, emit)
			})
			if werr != gerr || !reflect.DeepEqual(got, want) {
				t.Fatalf("decoding %d, from base (%v):\n%s\nwhole (%v):\n%s", whole.exp.DecodeDepth, gerr, show(got), werr, show(want))
			}
		}
	})
}

// TestScanBytesFromSeams cuts each secret line at every byte and puts the
// cut on a seam of the new version: the first part inserted before the
// base's copy of the rest, the rest inserted after the base's copy of the
// first part, one byte deleted between two copies, and the line moved
// after other bytes. Keywords and secrets crossing a seam must be found as
// a whole scan finds them.
func TestScanBytesFromSeams(t *testing.T) {
	lines := []string{
		"api_secret = \"Zq8xW3pL0vB7nM2k\"\n", "x kht_abcdefghij0123456789 y\n", "sk_live_ABCDEFGH12345678\n",
		"token: \"QWERTYUIOPASDFGHJ\" é\n", "  cfgpass=abcdefgh\n", pem(2) + "\n",
	}
	m := testMatcher(t)
	whole, delta := m.NewWorker(), m.NewWorker()
	filler := []byte(strings.Repeat("filler line é\n", 50)) // longer than a window's margin
	checked := 0
	for _, line := range lines {
		for k := 0; k <= len(line); k++ {
			// base: filler, the line with its head changed, the line with its tail changed, the line, filler
			head, tail := line[:k], line[k:]
			var base []byte
			base = append(base, filler...)
			base = append(base, "ZZ"+tail...)
			p1 := len(base) - len(tail)
			base = append(base, filler...)
			base = append(base, head+"ZZ\n"...)
			p2 := len(base) - len(head) - 3
			base = append(base, filler...)
			base = append(base, line...)
			p3 := len(base) - len(line)
			base = append(base, filler...)
			var versions []editor
			var e editor // head inserted before a copy of the tail
			e.copyFrom(base, 0, len(filler))
			e.insert([]byte(head))
			e.copyFrom(base, p1, len(base)-p1)
			versions = append(versions, e)
			e = editor{} // tail inserted after a copy of the head
			e.copyFrom(base, 0, p2+len(head))
			e.insert([]byte(tail))
			e.copyFrom(base, p3, len(base)-p3)
			versions = append(versions, e)
			e = editor{} // byte k of the line deleted, or the line moved up
			e.copyFrom(base, 0, p3+k)
			e.copyFrom(base, min(p3+k+1, len(base)), len(base)-min(p3+k+1, len(base)))
			versions = append(versions, e)
			e = editor{}
			e.copyFrom(base, p3, len(base)-p3)
			e.copyFrom(base, p3-k, k)
			e.copyFrom(base, 0, p3)
			versions = append(versions, e)
			memo, next := &Memo{}, &Memo{}
			if err := delta.ScanBytesFrom(base, "f.txt", nil, nil, memo, func(finding.Finding) {}); err != nil {
				t.Fatal(err)
			}
			for vi, v := range versions {
				want, _ := collect(t, func(emit func(finding.Finding)) error { return whole.ScanBytes(v.out, "f.txt", emit) })
				got, _ := collect(t, func(emit func(finding.Finding)) error {
					return delta.ScanBytesFrom(v.out, "f.txt", memo, v.copies, next, emit)
				})
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("line %q cut at %d, version %d: from the base:\n%s\nwhole:\n%s", line, k, vi, show(got), show(want))
				}
				checked += len(want)
			}
		}
	}
	if checked == 0 {
		t.Fatal("no findings: the test proves nothing")
	}
}

// TestScanBytesFromWidenedWindows edits content that a widened window reads
// but the window it started as does not: a secret running far past its
// keyword's window, cut or extended beyond that window.
func TestScanBytesFromWidenedWindows(t *testing.T) {
	run := strings.Repeat("QWERTYUIOPASDFGHJKLZXCVBNM0123456789", 100) // 3,600 bytes, no line break
	filler := strings.Repeat("some other line\n", 80)
	base := []byte(filler + "token = " + run + "\n" + filler)
	at := len(filler) + len("token = ") + 2000 // far past the keyword's window
	m := testMatcher(t)
	whole, delta := m.NewWorker(), m.NewWorker()
	memo := &Memo{}
	if err := delta.ScanBytesFrom(base, "f.txt", nil, nil, memo, func(finding.Finding) {}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		insert string
		del    int
	}{
		{"secret cut by a space", " ", 0},
		{"secret cut by a line break", "\n", 1},
		{"secret lengthened", "abcdef", 0},
		{"secret shortened", "", 100},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var e editor
			e.copyFrom(base, 0, at)
			e.insert([]byte(tc.insert))
			e.copyFrom(base, at+tc.del, len(base)-at-tc.del)
			want, _ := collect(t, func(emit func(finding.Finding)) error { return whole.ScanBytes(e.out, "f.txt", emit) })
			next := &Memo{}
			got, _ := collect(t, func(emit func(finding.Finding)) error {
				return delta.ScanBytesFrom(e.out, "f.txt", memo, e.copies, next, emit)
			})
			if len(want) == 0 || !reflect.DeepEqual(got, want) {
				t.Fatalf("from the base:\n%s\nwhole:\n%s", show(got), show(want))
			}
		})
	}
}

// TestKeywordBoundsDepth checks keywordBounds.depth against the longest
// prefix of a keyword that the bytes buf[lo:q] may end, whatever precedes
// them: deltaHits trusts the automaton started that far before q, and the
// base's hits past such a q.
func TestKeywordBoundsDepth(t *testing.T) {
	for _, m := range []*Matcher{testMatcher(t), builtinRules(t)} {
		pf := m.prefilter()
		kb := pf.bounds()
		r := rand.New(rand.NewSource(3))
		// Text made of pieces of keywords in either case, and other bytes.
		var buf []byte
		for len(buf) < 600 {
			s := pf.patterns[r.Intn(len(pf.patterns))]
			i := r.Intn(len(s))
			piece := []byte(s[i : i+1+r.Intn(len(s)-i)])
			if r.Intn(2) == 0 {
				piece = bytes.ToUpper(piece)
			}
			buf = append(buf, piece...)
			if r.Intn(3) == 0 {
				buf = append(buf, " \n=x_\"'\x00\xff"[r.Intn(9)])
			}
		}
		tight := 0
		for q := 1; q <= len(buf); q++ {
			for _, lo := range []int{0, q - 1, q - 2, q - 5} {
				if lo < 0 {
					continue
				}
				want := 0 // the longest keyword prefix buf[lo:q] may end
				for _, s := range pf.patterns {
					for l := len(s); l > want; l-- {
						known := min(l, q-lo)
						if bytes.EqualFold(buf[q-known:q], []byte(s[l-known:l])) {
							want = l
							break
						}
					}
				}
				got := kb.depth(buf, lo, q)
				if got < want {
					t.Fatalf("depth of %q (after %q) = %d, a keyword prefix of %d bytes ends there", buf[lo:q], buf[max(0, lo-8):lo], got, want)
				}
				if got < pf.maxLen {
					tight++
				}
			}
		}
		if tight == 0 {
			t.Fatal("no depth shorter than the longest keyword: the bound saves nothing")
		}
	}
}

// TestDeltaHitsSeams: around an edit of ordinary text, the automaton
// searches the inserted bytes and a few bytes either side of them, not the
// longest keyword's length.
func TestDeltaHitsSeams(t *testing.T) {
	m := builtinRules(t)
	pf := m.prefilter()
	w := m.NewWorker()
	base := []byte(strings.Repeat("The quick brown fox jumps over the lazy dog (twice).\n", 20))
	memo := &Memo{}
	if err := w.ScanBytesFrom(base, "f.txt", nil, nil, memo, func(finding.Finding) {}); err != nil {
		t.Fatal(err)
	}
	var e editor
	e.copyFrom(base, 0, 500)
	e.insert([]byte("slow"))
	e.copyFrom(base, 505, len(base)-505)
	c := w.cm
	c.base, c.copies = memo, e.copies
	got := c.deltaHits(pf, e.out, nil)
	c.base, c.copies = nil, nil
	if want := pf.find(e.out, nil, new([]hit)); !slices.Equal(got, want) {
		t.Fatalf("hits %v, want %v", got, want)
	}
	searched := 0
	for _, p := range c.pieces {
		if p.rescan {
			searched += p.hi - p.from
		}
	}
	if searched > 4+2*8 || pf.maxLen < 16 {
		t.Fatalf("searched %d bytes around 4 inserted (longest keyword %d)", searched, pf.maxLen)
	}
}

// TestSeekEnd: seekEnd finds the first hit ending at or past x from any
// starting index, past the end and before the start among them.
func TestSeekEnd(t *testing.T) {
	r := rand.New(rand.NewSource(11))
	for n := 0; n < 40; n++ {
		hs := make([]hit, n)
		end := 0
		for k := range hs {
			end += r.Intn(3) // equal ends too
			hs[k].end = end
		}
		for x := -1; x <= end+1; x++ {
			want := sort.Search(n, func(k int) bool { return hs[k].end >= x })
			for i := 0; i <= n+1; i++ {
				if got := seekEnd(hs, i, x); got != want {
					t.Fatalf("seekEnd(%v, %d, %d) = %d, want %d", hs, i, x, got, want)
				}
			}
		}
	}
}
