package decode

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"math/rand"
	"strings"
	"testing"
)

// reference is Runs written the obvious way: every maximal run, byte by byte.
func reference(buf []byte, from, to int) []Span {
	var out []Span
	for i := 0; i < len(buf); {
		if b64[buf[i]] == 0 {
			i++
			continue
		}
		s, e := i, i+1
		for e < len(buf) && b64[buf[e]] != 0 {
			e++
		}
		if e-s >= MinRun && s >= from && s < to && (s == 0 || !glued(buf[s-1])) {
			if sp, ok := decodeRun(buf, s, e); ok {
				out = append(out, sp)
			}
		}
		i = e
	}
	return out
}

func sameSpans(t *testing.T, buf []byte, from, to int) {
	t.Helper()
	got, want := Runs(buf, from, to, nil), reference(buf, from, to)
	if fmt.Sprint(spanKeys(got)) != fmt.Sprint(spanKeys(want)) {
		t.Fatalf("Runs(%q, %d, %d) = %v, want %v", buf, from, to, spanKeys(got), spanKeys(want))
	}
}

func spanKeys(sps []Span) []string {
	var k []string
	for _, s := range sps {
		k = append(k, fmt.Sprintf("%d-%d:%s:%q", s.Start, s.End, s.Kind, s.Text))
	}
	return k
}

func TestRunsAgreeWithReference(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	pieces := []string{" ", "\n", ".", "(", ":", "=", "\\", "%", "_", "-", "/", "+", "é",
		base64.StdEncoding.EncodeToString([]byte("token: ghp_abcdefghijklmnopqrstuvwxyz")),
		base64.RawURLEncoding.EncodeToString([]byte("user:pass-word-long-enough?")),
		hex.EncodeToString([]byte("a secret written in hex")),
		"someVeryLongIdentifierNameHere", "x"}
	for i := 0; i < 3000; i++ {
		var b strings.Builder
		for n := r.Intn(30); n > 0; n-- {
			b.WriteString(pieces[r.Intn(len(pieces))])
		}
		buf := []byte(b.String())
		from := r.Intn(len(buf) + 1)
		to := from + r.Intn(len(buf)-from+1)
		sameSpans(t, buf, 0, len(buf))
		sameSpans(t, buf, from, to)
	}
}

func FuzzRuns(f *testing.F) {
	f.Add([]byte("data:\n  token: "+base64.StdEncoding.EncodeToString([]byte("ghp_0123456789abcdefghijklmnopqrstuvwxyz"))), 0, 100)
	f.Add([]byte("x := someVeryLongIdentifierNameHere.AndAnotherOne()"), 3, 20)
	f.Fuzz(func(t *testing.T, buf []byte, from, to int) {
		if from < 0 || to < from || to > len(buf) {
			return
		}
		sameSpans(t, buf, from, to)
	})
}

func TestDecodeRuns(t *testing.T) {
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	sum := sha256.Sum256([]byte("x"))
	tests := []struct {
		name, in, want string // want: the decoded text of the one span, "" for none
		kind           Kind
	}{
		{"padded", "token: " + b64("ghp_secretsecretsecretsecret") + "\n", "ghp_secretsecretsecretsecret", Base64},
		{"unpadded", "token: " + strings.TrimRight(b64("ghp_secretsecretsecretsecre"), "=") + "\n", "ghp_secretsecretsecretsecre", Base64},
		{"url-safe", "t=" + base64.RawURLEncoding.EncodeToString([]byte("??>>??>>??>> url safe text")), "??>>??>>??>> url safe text", Base64},
		{"hex", "k " + hex.EncodeToString([]byte("plain text hidden in hex")), "plain text hidden in hex", Hex},
		{"placeholder password", "password: cGFzc3dvcmQ=", "", 0},
		{"placeholder changeme", "password: " + b64("changeme"), "", 0},
		{"placeholder REPLACE_ME", "password: " + b64("REPLACE_ME"), "", 0},
		{"sha256 hex", "sum " + hex.EncodeToString(sum[:]), "", 0},
		{"sha512 integrity", `"integrity": "sha512-` + base64.StdEncoding.EncodeToString(append(sum[:], sum[:]...)) + `"`, "", 0},
		{"png data uri", "url(data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==)", "", 0},
		{"identifier", "x := someVeryLongIdentifierNameHereAndMore()", "", 0},
		{"mixed alphabets", "v " + strings.Repeat("ab+c_", 8), "", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sps := Runs([]byte(tc.in), 0, len(tc.in), nil)
			if tc.want == "" {
				if len(sps) != 0 {
					t.Fatalf("decoded %v", spanKeys(sps))
				}
				return
			}
			if len(sps) != 1 || string(sps[0].Text) != tc.want || sps[0].Kind != tc.kind {
				t.Fatalf("got %v, want %q (%s)", spanKeys(sps), tc.want, tc.kind)
			}
		})
	}
}

func TestEncodedMapsBack(t *testing.T) {
	secret := "ghp_secretsecretsecretsecret"
	in := "auth: " + base64.StdEncoding.EncodeToString([]byte("user:"+secret))
	sps := Runs([]byte(in), 0, len(in), nil)
	if len(sps) != 1 {
		t.Fatalf("spans %v", spanKeys(sps))
	}
	s, e := sps[0].Encoded(5, 5+len(secret))
	// The secret's bytes lie in the base64 groups that encode them.
	dec, _ := base64.StdEncoding.DecodeString(in[s-(s-6)%4 : e])
	if !strings.Contains("user:"+secret, string(dec)) || !strings.Contains(string(dec), secret[1:len(secret)-2]) {
		t.Fatalf("encoded span %d-%d decodes to %q", s, e, dec)
	}
}

func TestUnescape(t *testing.T) {
	tests := []struct {
		name, in, want string
		kind           Kind
		ok             bool
	}{
		{"json newline", `"private_key": "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n"`, "\"private_key\": \"-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n\"", Escape, true},
		{"unicode", `"k": "\u0067hp_x\/y"`, `"k": "ghp_x/y"`, Escape, true},
		{"percent", "secret=abc%2Fdef%2Bghi%3D", "secret=abc/def+ghi=", Percent, true},
		{"format verb stays", `fmt.Printf("%02x %d", a)`, "", 0, false},
		{"nothing escaped", "plain text", "", 0, false},
		{"escaped control character is not text", `"a\u001bb\n"`, "", 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sp, ok := Unescape([]byte(tc.in), 0, len(tc.in))
			if ok != tc.ok || ok && (string(sp.Text) != tc.want || sp.Kind != tc.kind) {
				t.Fatalf("Unescape(%q) = %q %s %v, want %q %s %v", tc.in, sp.Text, sp.Kind, ok, tc.want, tc.kind, tc.ok)
			}
			if !ok {
				return
			}
			// Every decoded byte maps back inside the span, in order.
			for i := 0; i < len(sp.Text); i++ {
				s, e := sp.Encoded(i, i+1)
				if s < 0 || e > len(tc.in) || s >= e {
					t.Fatalf("byte %d maps to %d-%d", i, s, e)
				}
			}
		})
	}
}

// TestScratchUnescape: the spans one Scratch decodes stay as Unescape would
// give them until Reset, whatever is decoded (or fails to decode) after them,
// and after Reset the memory is reused.
func TestScratchUnescape(t *testing.T) {
	ins := []string{`"a": "x\ny"`, `fmt.Printf("%02x", a)`, `"a\u001bb\n"`, "s=abc%2Fdef", `"k": "\u0067hp_x\/y"`, strings.Repeat(`\n`, 300)}
	var sc Scratch
	for round := 0; round < 2; round++ {
		sc.Reset(round * 100) // room, or none: the text grows as it must
		var spans []Span
		var oks []bool
		for _, in := range ins {
			sp, ok := sc.Unescape([]byte(in), 0, len(in))
			spans, oks = append(spans, sp), append(oks, ok)
		}
		for i, in := range ins {
			want, ok := Unescape([]byte(in), 0, len(in))
			if oks[i] != ok || string(spans[i].Text) != string(want.Text) || spans[i].Kind != want.Kind {
				t.Errorf("round %d: %q decoded to %q %v, want %q %v", round, in, spans[i].Text, oks[i], want.Text, ok)
			}
			for k := 0; ok && k < len(want.Text); k++ {
				if s, e := spans[i].Encoded(k, k+1); [2]int{s, e} != func() [2]int { s, e := want.Encoded(k, k+1); return [2]int{s, e} }() {
					t.Fatalf("round %d: %q byte %d maps to %d-%d", round, in, k, s, e)
				}
			}
		}
	}
}

func TestIsText(t *testing.T) {
	for in, want := range map[string]bool{"hello\tworld\n": true, "héllo": true, "a\x00b": false, "\xff\xfe": false, "\x1b[31m": false, "": false} {
		if IsText([]byte(in)) != want {
			t.Errorf("IsText(%q) = %v", in, !want)
		}
	}
}

func TestRunStart(t *testing.T) {
	buf := []byte("ab cdEF+/gh-_ij")
	for _, tt := range []struct{ i, floor, want int }{
		{0, 0, 0},    // nothing before
		{3, 0, 3},    // after a space
		{7, 0, 3},    // inside "cdEF+/gh-_ij"
		{15, 0, 3},   // at the end
		{15, 10, 10}, // no further back than floor
		{2, 0, 0},    // just past "ab"
	} {
		if got := RunStart(buf, tt.i, tt.floor); got != tt.want {
			t.Errorf("RunStart(%q, %d, %d) = %d, want %d", buf, tt.i, tt.floor, got, tt.want)
		}
	}
}

// TestRunsAtEveryOffset puts a run of each length near MinRun after ordinary
// text of every length up to a few hundred bytes: Runs looks at such text a
// word at a time, and must not miss the run.
func TestRunsAtEveryOffset(t *testing.T) {
	text := strings.Repeat("the quick (brown) fox. ", 20)
	secret := base64.StdEncoding.EncodeToString([]byte("ghp_abcdefghijklmnopqrstuvwxyz0123456789"))
	found := 0
	for n := MinRun; n <= MinRun+9; n++ {
		run := strings.TrimRight(secret[:n], "=")
		for p := 0; p <= 300; p++ {
			buf := []byte(text[:p] + run + " " + text[:p])
			sameSpans(t, buf, 0, len(buf))
			sameSpans(t, buf, p/2, len(buf)-p/3)
			found += len(Runs(buf, 0, len(buf), nil))
		}
	}
	if found == 0 {
		t.Fatal("no run decoded: the test proves nothing")
	}
}
