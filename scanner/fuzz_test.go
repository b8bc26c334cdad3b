package scanner

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/keyhound/keyhound/finding"
)

// differentialRules are the test rules whose matches always contain their
// keyword and that have no entropy, validator or rule allowlist: for them the
// windowed matcher must agree exactly with a whole-input regex scan.
var differentialRules = map[string]bool{"test-token": true, "test-live": true, "test-any-sk": true, "test-pem": true}

// reference runs each differential rule's regex over the whole input and
// positions matches by counting from the start: the slow, obvious path.
func reference(m *Matcher, data []byte) []string {
	var out []string
	for _, r := range m.set.Rules {
		if !differentialRules[r.ID] {
			continue
		}
		re, err := r.Regexp()
		if err != nil {
			panic(err)
		}
		for _, loc := range re.FindAllIndex(data, -1) {
			if m.set.Allowlist.AllowsSecret(string(data[loc[0]:loc[1]])) {
				continue
			}
			line := 1 + strings.Count(string(data[:loc[0]]), "\n")
			ls := strings.LastIndexByte(string(data[:loc[0]]), '\n') + 1
			col := 1 + utf8.RuneCount(data[ls:loc[0]])
			out = append(out, fmt.Sprintf("%s@%d:%d", r.ID, line, col))
		}
	}
	sort.Strings(out)
	return out
}

func FuzzMatcher(f *testing.F) {
	for _, s := range []string{
		"", "kht_abcdefghij0123456789", "x sk_live_ABCDEFGH12345678 y",
		"-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----",
		"\xff\xfe k\x00h\x00t\x00_", "api_secret = \"Zq8xW3pL0vB7nM2k\"", "é\n\r\nkht_", "token = \"QWERTYUIOPASDFGHJ\"",
	} {
		f.Add([]byte(s))
	}
	m := testMatcher(f)
	w := m.NewWorker()
	f.Fuzz(func(t *testing.T, data []byte) {
		var got, also []string
		err := w.ScanBytes(data, "f.txt", func(fd finding.Finding) {
			if fd.Line < 1 || fd.Column < 1 || fd.EndLine < fd.Line || fd.Secret == "" || !strings.Contains(fd.Match, fd.Secret) {
				t.Fatalf("malformed finding %+v", fd)
			}
			if differentialRules[fd.RuleID] {
				got = append(got, fmt.Sprintf("%s@%d:%d", fd.RuleID, fd.Line, fd.Column))
			}
			for _, a := range fd.AlsoRules {
				if differentialRules[a] {
					also = append(also, a) // the same place, found by another rule too
				}
			}
		})
		if err == ErrBinary {
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		if utf16BOM(data) != nil || len(data) >= 3 && string(data[:3]) == "\xef\xbb\xbf" {
			return // decoded or shifted content: positions differ from the raw bytes by design
		}
		if msg := differential(got, also, reference(m, data)); msg != "" {
			t.Fatal(msg)
		}
	})
}

func FuzzPosition(f *testing.F) {
	f.Add([]byte("ab\ncé\n\nx"), 5)
	f.Add([]byte("\xff\xfe\n\xc3"), 3)
	f.Fuzz(func(t *testing.T, data []byte, off int) {
		if len(data) == 0 {
			return
		}
		if off < 0 {
			off = -off
		}
		off %= len(data) + 1
		p := position{line: 1, col: 1}
		// Advance in two steps, as the scanner does across matches and
		// chunks, stopping on a character boundary as they do.
		mid := off / 2
		if mid < len(data) {
			mid = charStart(data, mid)
		}
		p.advance(data, mid)
		p.advance(data, off)
		line := 1 + strings.Count(string(data[:off]), "\n")
		ls := strings.LastIndexByte(string(data[:off]), '\n') + 1
		col := 1 + utf8.RuneCount(data[ls:off])
		if p.line != line || p.col != col {
			t.Fatalf("position at %d = %d:%d, want %d:%d", off, p.line, p.col, line, col)
		}
	})
}

// differential compares the windowed matcher's findings (got, as
// "rule@line:col", and also, the differential rules named in their
// AlsoRules) with the matches of a whole-input scan (want): every match is a
// finding, or is named in the AlsoRules of the finding at its place. It
// returns what differs, or "".
func differential(got, also, want []string) string {
	left := map[string]int{}
	for _, x := range want {
		left[x]++
	}
	for _, x := range got {
		if left[x] == 0 {
			return fmt.Sprintf("windowed %v (also %v), whole-input %v: %s not in the whole-input scan", got, also, want, x)
		}
		left[x]--
	}
	for _, a := range also {
		found := false
		for x, n := range left {
			if n > 0 && strings.HasPrefix(x, a+"@") {
				left[x]--
				found = true
				break
			}
		}
		if !found {
			return fmt.Sprintf("windowed %v (also %v), whole-input %v: %s also reported without a match", got, also, want, a)
		}
	}
	for x, n := range left {
		if n > 0 {
			return fmt.Sprintf("windowed %v (also %v), whole-input %v: %s missing", got, also, want, x)
		}
	}
	return ""
}
