package scanner

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/rand"
	"regexp"
	"sort"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/keyhound/keyhound/finding"
	"github.com/keyhound/keyhound/rules"
)

const testRules = `
[[rules]]
id = "test-token"
description = "test token"
regex = '''\bkht_[a-z0-9]{20}\b'''
keywords = ["kht_"]
tags = ["test"]

[[rules]]
id = "test-live"
description = "live key with a longer overlapping prefix"
regex = '''\bsk_live_[A-Za-z0-9]{16}\b'''
keywords = ["sk_live_"]

[[rules]]
id = "test-any-sk"
description = "any sk_ key"
regex = '''\bsk_[A-Za-z0-9_]{16,}\b'''
keywords = ["sk_"]

[[rules]]
id = "test-pem"
description = "private key"
regex = '''-----BEGIN[A-Z ]*PRIVATE KEY-----[A-Za-z0-9+/=\s]+-----END[A-Z ]*PRIVATE KEY-----'''
keywords = ["-----begin"]

[[rules]]
id = "test-assign"
description = "secret in an assignment"
regex = '''(?i)api_secret\s*=\s*"([A-Za-z0-9]{12,})"'''
secret_group = 1
keywords = ["api_secret"]
entropy = 3.0
[rules.allowlist]
stopwords = ["dummy"]

[[rules]]
id = "test-generic"
description = "generic"
regex = '''(?i)token\s*[:=]\s*"?([A-Za-z0-9_]{16,})'''
secret_group = 1
keywords = ["token"]
tags = ["generic"]

[[rules]]
id = "test-cfg-only"
description = "only in .cfg files"
regex = '''cfgpass=([a-z]{8})'''
secret_group = 1
keywords = ["cfgpass="]
path = '''\.cfg$'''

[allowlist]
paths = ['''(^|/)vendor/''']
regexes = ['''^kht_0{20}$''']
`

func testMatcher(t testing.TB) *Matcher {
	t.Helper()
	f, err := rules.Parse("test", []byte(testRules))
	if err != nil {
		t.Fatal(err)
	}
	set, err := rules.Compile([]string{"test"}, f)
	if err != nil {
		t.Fatal(err)
	}
	return NewMatcher(set)
}

func scanAll(t testing.TB, m *Matcher, data []byte, path string) []finding.Finding {
	t.Helper()
	var out []finding.Finding
	if err := m.NewWorker().ScanBytes(data, path, func(f finding.Finding) { out = append(out, f) }); err != nil {
		t.Fatalf("scan: %v", err)
	}
	return out
}

func tok(seed int) string {
	r := rand.New(rand.NewSource(int64(seed)))
	const alpha = "abcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, 20)
	for i := range b {
		b[i] = alpha[r.Intn(len(alpha))]
	}
	return "kht_" + string(b)
}

func pem(lines int) string {
	var b strings.Builder
	b.WriteString("-----BEGIN RSA PRIVATE KEY-----\n")
	r := rand.New(rand.NewSource(int64(lines)))
	const alpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	for i := 0; i < lines; i++ {
		for j := 0; j < 64; j++ {
			b.WriteByte(alpha[r.Intn(len(alpha))])
		}
		b.WriteByte('\n')
	}
	b.WriteString("-----END RSA PRIVATE KEY-----")
	return b.String()
}

type want struct {
	rule            string
	line, col       int
	endLine, endCol int
	secretHasPrefix string
}

func TestMatchPositions(t *testing.T) {
	m := testMatcher(t)
	k := tok(1)
	longPEM := pem(200) // ~13 KB: far longer than the first window
	tests := []struct {
		name string
		data string
		path string
		want []want
	}{
		{"at file start", k + " rest", "a.txt", []want{{"test-token", 1, 1, 1, 24, "kht_"}}},
		{"at file end", "x = " + k, "a.txt", []want{{"test-token", 1, 5, 1, 28, "kht_"}}},
		{"whole file", k, "a.txt", []want{{"test-token", 1, 1, 1, 24, "kht_"}}},
		{"multi-byte columns", "héllo ✓ 日本 " + k + "\n", "a.txt", []want{{"test-token", 1, 12, 1, 35, "kht_"}}},
		{"second line after CRLF", "first\r\n  " + k, "a.txt", []want{{"test-token", 2, 3, 2, 26, "kht_"}}},
		{"case-insensitive keyword, exact regex", "KHT_ABC " + k, "a.txt", []want{{"test-token", 1, 9, 1, 32, "kht_"}}},
		// one secret at one place is one finding; equal matches: the earlier rule
		{"overlapping keywords", "sk_live_ABCDEFGH12345678", "a.txt", []want{
			{"test-live", 1, 1, 1, 24, "sk_live"}}},
		{"match longer than the window", "key:\n" + longPEM + "\ntail", "a.pem", []want{{"test-pem", 2, 1, 203, 29, "-----BEGIN"}}},
		{"pem far into a file", strings.Repeat("filler line\n", 1000) + longPEM, "a.pem", []want{{"test-pem", 1001, 1, 1202, 29, "-----BEGIN"}}},
		{"secret group and entropy", `api_secret = "Zq8xW3pL0vB7nM2k"`, "a.go", []want{{"test-assign", 1, 15, 1, 30, "Zq8x"}}}, // the secret's place, not the match's
		{"entropy too low", `api_secret = "aaaaaaaaaaaaaaab"`, "a.go", nil},
		{"rule stopword", `api_secret = "Zq8xW3dummyB7nM2k"`, "a.go", nil},
		{"global regex allowlist", "kht_00000000000000000000", "a.txt", nil},
		{"global path allowlist", k, "vendor/x/a.txt", nil},
		{"inline marker", k + " // keyhound:allow", "a.txt", nil},
		{"gitleaks marker", k + " # gitleaks:allow", "a.txt", nil},
		{"inline marker on another line", k + "\n// keyhound:allow", "a.txt", []want{{"test-token", 1, 1, 1, 24, "kht_"}}},
		{"generic yields to specific", `token = "sk_live_ABCDEFGH12345678"`, "a.txt", []want{
			{"test-live", 1, 10, 1, 33, "sk_live"}}},
		{"generic alone", `token = "QWERTYUIOPASDFGHJ"`, "a.txt", []want{{"test-generic", 1, 10, 1, 26, "QWER"}}},
		{"path rule applies", "cfgpass=abcdefgh", "x.cfg", []want{{"test-cfg-only", 1, 9, 1, 16, "abcd"}}},
		{"path rule does not apply", "cfgpass=abcdefgh", "x.txt", nil},
		{"token inside a longer word", "xkht_" + k[4:] + "z", "a.txt", nil},
		{"invalid utf-8 around", "\xfd\xff\xfe " + k + " \xc3", "a.txt", []want{{"test-token", 1, 5, 1, 28, "kht_"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := scanAll(t, m, []byte(tc.data), tc.path)
			sort.Slice(got, func(i, j int) bool { return got[i].RuleID < got[j].RuleID })
			if len(got) != len(tc.want) {
				t.Fatalf("got %d findings %+v, want %d", len(got), got, len(tc.want))
			}
			for i, w := range tc.want {
				g := got[i]
				if g.RuleID != w.rule || g.Line != w.line || g.Column != w.col || g.EndLine != w.endLine || g.EndColumn != w.endCol || !strings.HasPrefix(g.Secret, w.secretHasPrefix) {
					t.Errorf("finding %d = %s %d:%d-%d:%d %.40q, want %s %d:%d-%d:%d %q…", i, g.RuleID, g.Line, g.Column, g.EndLine, g.EndColumn, g.Secret, w.rule, w.line, w.col, w.endLine, w.endCol, w.secretHasPrefix)
				}
				if g.File != tc.path || g.Fingerprint != finding.Fingerprint(g.RuleID, g.Secret, tc.path) {
					t.Errorf("file/fingerprint = %q/%q", g.File, g.Fingerprint)
				}
			}
		})
	}
}

func TestPrefilter(t *testing.T) {
	p := newPrefilter([]string{"he", "she", "his", "hers", "-----begin"})
	hits := p.find([]byte("uSHErs his -----BEGIN"), nil, new([]hit))
	var got []string
	for _, h := range hits {
		got = append(got, fmt.Sprintf("%d@%d", h.pat, h.end))
	}
	want := "1@4 0@4 3@6 2@10 4@21"
	if strings.Join(got, " ") != want {
		t.Errorf("hits = %v, want %s", got, want)
	}
	if hits := p.find(nil, nil, new([]hit)); len(hits) != 0 {
		t.Errorf("empty input gave %v", hits)
	}
}

// TestChunkBoundaries plants secrets around every chunk boundary of a large
// single-line input and checks each is found exactly once with its column.
func TestChunkBoundaries(t *testing.T) {
	m := testMatcher(t)
	size := 3*chunkSize + 12345
	data := bytes.Repeat([]byte("a"), size)
	var offsets []int
	for _, b := range []int{chunkSize, 2*chunkSize - overlap, 2*chunkSize - overlap/2, 3*chunkSize - 2*overlap} {
		for _, d := range []int{-overlap, -overlap / 2, -30, -24, -12, -1, 0, 1, 17, overlap/2 - 3, overlap / 2} {
			offsets = append(offsets, b+d)
		}
	}
	offsets = append(offsets, 0, size-24)
	sort.Ints(offsets)
	var planted []int
	last := -100
	for _, o := range offsets {
		if o-last < 30 {
			continue
		}
		copy(data[o:], tok(o))
		if o > 0 {
			data[o-1] = ' '
		}
		if o+24 < size {
			data[o+24] = ' '
		}
		planted = append(planted, o)
		last = o
	}
	var got []finding.Finding
	if err := m.NewWorker().Scan(bytes.NewReader(data), "big.txt", func(f finding.Finding) { got = append(got, f) }); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(planted) {
		var cols []int
		for _, f := range got {
			cols = append(cols, f.Column-1)
		}
		t.Fatalf("found %d at %v, planted %d at %v", len(got), cols, len(planted), planted)
	}
	for i, o := range planted {
		if got[i].Column != o+1 || got[i].Secret != tok(o) || got[i].Line != 1 {
			t.Errorf("finding %d at col %d secret %s, want col %d", i, got[i].Column, got[i].Secret, o+1)
		}
	}
}

func TestManyLinesAcrossChunks(t *testing.T) {
	m := testMatcher(t)
	var b bytes.Buffer
	want := map[int]string{}
	for line := 1; b.Len() < 2*chunkSize+overlap; line++ {
		if line%5000 == 0 {
			want[line] = tok(line)
			fmt.Fprintf(&b, "é %s\n", tok(line))
		} else {
			b.WriteString("some ordinary source line with nothing secret in it ✓\n")
		}
	}
	var got []finding.Finding
	if err := m.NewWorker().Scan(&b, "f", func(f finding.Finding) { got = append(got, f) }); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("got %d findings, want %d", len(got), len(want))
	}
	for _, f := range got {
		if want[f.Line] != f.Secret || f.Column != 3 {
			t.Errorf("line %d col %d secret %s", f.Line, f.Column, f.Secret)
		}
	}
}

func encodeUTF16(s string, order binary.AppendByteOrder, bom bool) []byte {
	var out []byte
	if bom {
		out = order.AppendUint16(out, 0xFEFF)
	}
	for _, u := range utf16.Encode([]rune(s)) {
		out = order.AppendUint16(out, u)
	}
	return out
}

func TestEncodings(t *testing.T) {
	m := testMatcher(t)
	k := tok(7)
	text := "ligne 1 😀\nclé = " + k + "\n"
	tests := []struct {
		name   string
		data   []byte
		binary bool
		n      int
	}{
		{"utf-16le bom", encodeUTF16(text, binary.LittleEndian, true), false, 1},
		{"utf-16be bom", encodeUTF16(text, binary.BigEndian, true), false, 1},
		{"utf-8 bom", append([]byte{0xEF, 0xBB, 0xBF}, text...), false, 1},
		{"utf-16 without bom is binary", encodeUTF16(text, binary.LittleEndian, false), true, 0},
		{"nul byte", append([]byte("\x00\x01\x02"), k...), true, 0},
		{"empty", nil, false, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []finding.Finding
			err := m.NewWorker().ScanBytes(tc.data, "f.txt", func(f finding.Finding) { got = append(got, f) })
			if (err == ErrBinary) != tc.binary {
				t.Fatalf("err = %v, binary want %v", err, tc.binary)
			}
			if len(got) != tc.n {
				t.Fatalf("got %d findings, want %d", len(got), tc.n)
			}
			if tc.n == 1 && (got[0].Line != 2 || got[0].Column != 7 || got[0].Secret != k) {
				t.Errorf("finding at %d:%d %q", got[0].Line, got[0].Column, got[0].Secret)
			}
		})
	}
}

// TestWindowsAgreeWithWholeFileRegex is a differential check: on random text
// with planted keywords and tokens, the windowed matcher finds exactly what
// running each rule's regex over the whole input finds (for rules without
// entropy or allowlists, whose matches contain their keyword).
func TestWindowsAgreeWithWholeFileRegex(t *testing.T) {
	m := testMatcher(t)
	r := rand.New(rand.NewSource(42))
	pieces := []string{"kht_", "sk_", "sk_live_", "-----BEGIN RSA PRIVATE KEY-----\n", "-----END RSA PRIVATE KEY-----", "\n", " ", "x", "A", "0", "9", "_", "=", "é"}
	for iter := 0; iter < 300; iter++ {
		var b strings.Builder
		n := r.Intn(3000)
		for b.Len() < n {
			p := pieces[r.Intn(len(pieces))]
			if r.Intn(3) == 0 {
				p = strings.Repeat(string("abcXYZ019"[r.Intn(9)]), r.Intn(40))
			}
			b.WriteString(p)
		}
		data := []byte(b.String())
		var got, also []string
		for _, f := range scanAll(t, m, data, "f") {
			if differentialRules[f.RuleID] {
				got = append(got, fmt.Sprintf("%s@%d:%d", f.RuleID, f.Line, f.Column))
			}
			for _, a := range f.AlsoRules {
				if differentialRules[a] {
					also = append(also, a)
				}
			}
		}
		var want []string
		for _, r := range m.set.Rules {
			if r.ID != "test-token" && r.ID != "test-live" && r.ID != "test-any-sk" && r.ID != "test-pem" {
				continue
			}
			for _, loc := range regexp.MustCompile(r.Expr).FindAllIndex(data, -1) {
				pos := position{line: 1, col: 1}
				pos.advance(data, loc[0])
				want = append(want, fmt.Sprintf("%s@%d:%d", r.ID, pos.line, pos.col))
			}
		}
		if msg := differential(got, also, want); msg != "" {
			t.Fatalf("iteration %d: %s\ninput %q", iter, msg, data)
		}
	}
}

// TestPrefilterStreams checks the side-by-side automata against one
// automaton over the whole input, with keywords planted across the
// boundaries between the streams' parts.
func TestPrefilterStreams(t *testing.T) {
	r := rand.New(rand.NewSource(3))
	pats := []string{"ghp_", "akia", "-----begin", "xoxb-", "sk_live_", "a", "pass", "password="}
	p := newAutomaton(pats)
	var scratch []hit
	for iter := 0; iter < 500; iter++ {
		n := 4096 + r.Intn(8000)
		data := make([]byte, n)
		for i := range data {
			data[i] = "abcdefghijklmnopqrstuvwxyz_-=ASKIGHP"[r.Intn(36)]
		}
		for k := 0; k < 30; k++ {
			pat := pats[r.Intn(len(pats))]
			at := (k%streams)*(n/streams) - len(pat) + r.Intn(2*len(pat)) // across a boundary
			if k%2 == 1 {
				at = r.Intn(n - len(pat))
			}
			at = max(0, min(at, n-len(pat)))
			copy(data[at:], strings.ToUpper(pat))
		}
		got := p.find(data, nil, &scratch)
		want := p.findOne(data, nil)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("iteration %d: streams %v\nwhole %v", iter, got, want)
		}
	}
}

func TestLineIndex(t *testing.T) {
	buf := []byte("ab\ncdef\n\nghi")
	li := lineIndex{buf: buf, prevNL: -1, nextNL: -1}
	for _, off := range []int{0, 1, 4, 3, 7, 8, 9, 12, 5, 2, 10, 0} {
		s, e := li.line(off)
		ws := bytes.LastIndexByte(buf[:off], '\n') + 1
		we := len(buf)
		if i := bytes.IndexByte(buf[off:], '\n'); i >= 0 {
			we = off + i
		}
		if s != ws || e != we {
			t.Errorf("line(%d) = %d,%d, want %d,%d", off, s, e, ws, we)
		}
	}
}

// TestOneFindingPerPlace: when rules of several kinds report the same secret,
// the finding comes from the most specific one (provider over a credential
// format over generic) and names the others.
func TestOneFindingPerPlace(t *testing.T) {
	f, err := rules.Parse("test", []byte(`
[[rules]]
id = "prov"
regex = '''\bkht_[a-z0-9]{20}\b'''
keywords = ["kht_"]
tags = ["test"]

[[rules]]
id = "uri"
regex = '''https://[a-z]+:([a-z0-9_]{8,})@[a-z.]+'''
secret_group = 1
keywords = ["https://"]
tags = ["basic-auth", "password"]

[[rules]]
id = "gen"
regex = '''(?i)pass\s*=\s*(\S{8,})'''
secret_group = 1
keywords = ["pass"]
tags = ["generic"]
`))
	if err != nil {
		t.Fatal(err)
	}
	set, err := rules.Compile([]string{"test"}, f)
	if err != nil {
		t.Fatal(err)
	}
	m := NewMatcher(set)
	tests := []struct {
		name, data string
		rule       string
		also       []string
	}{
		{"provider over uri", "u = https://ci:kht_abcdefghij0123456789@git.acme.io", "prov", []string{"uri"}},
		{"provider over uri and generic", "pass = https://ci:kht_abcdefghij0123456789@git.acme.io", "prov", []string{"gen", "uri"}},
		{"uri over generic", "pass=https://ci:q8w7e6r5t4y3@git.acme.io", "uri", []string{"gen"}},
		{"generic alone", "pass = q8w7e6r5t4y3", "gen", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := scanAll(t, m, []byte(tc.data), "a.txt")
			if len(got) != 1 || got[0].RuleID != tc.rule || fmt.Sprint(got[0].AlsoRules) != fmt.Sprint(tc.also) {
				t.Fatalf("got %+v, want one finding of %s also %v", got, tc.rule, tc.also)
			}
		})
	}
}

// TestLastNewline: lastNewline finds what bytes.LastIndexByte finds, with
// bytes near '\n' and with high bits around it.
func TestLastNewline(t *testing.T) {
	r := rand.New(rand.NewSource(5))
	alphabet := []byte{'\n', 'a', 0x0b, 0x09, 0x8a, 0x00, 0xff, 0x80, 0x7f}
	for n := 0; n < 40; n++ {
		for k := 0; k < 200; k++ {
			b := make([]byte, n)
			for i := range b {
				b[i] = alphabet[r.Intn(len(alphabet))]
				if r.Intn(3) > 0 && b[i] == '\n' {
					b[i] = 'x'
				}
			}
			if got, want := lastNewline(b), bytes.LastIndexByte(b, '\n'); got != want {
				t.Fatalf("lastNewline(%q) = %d, want %d", b, got, want)
			}
		}
	}
}
