// Package decode finds spans of text that may hold an encoded secret —
// base64 (standard or URL-safe, padded or not), hex, percent-encoding and
// JSON/JavaScript string escapes — and decodes them, keeping a map from each
// decoded byte back to where it came from so a finding can be located at the
// encoded span. Decoded bytes that are not text are dropped.
package decode

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"strings"
	"unicode/utf8"
)

// Kind is an encoding.
type Kind uint8

// The encodings a Span can hold.
const (
	Base64 Kind = iota
	Hex
	Percent
	Escape // JSON/JavaScript string escapes: \n, \", \/, \uXXXX, …
)

// String is the name a finding's "decoded" field uses.
func (k Kind) String() string {
	switch k {
	case Base64:
		return "base64"
	case Hex:
		return "hex"
	case Percent:
		return "percent"
	default:
		return "escape"
	}
}

// MinRun is the shortest run of base64 characters worth decoding: 18 bytes,
// shorter than any provider token the rules know.
const MinRun = 24

// minHexRun is the shortest hex run worth decoding (16 bytes).
const minHexRun = 32

// Span is one decoded span of a buffer.
type Span struct {
	Start, End int    // the encoded bytes, offsets in the buffer
	Kind       Kind   // how they were decoded
	Text       []byte // the decoded text
	// offs maps decoded offsets to buffer offsets for escapes (len(Text)+1
	// entries); base64 and hex map arithmetically.
	offs []int32
}

// Encoded returns the encoded bytes [s, e) of the buffer that decoded bytes
// [ds, de) of Text came from.
func (sp *Span) Encoded(ds, de int) (s, e int) {
	switch sp.Kind {
	case Base64:
		s, e = sp.Start+ds/3*4, sp.Start+(de+2)/3*4
	case Hex:
		s, e = sp.Start+2*ds, sp.Start+2*de
	default:
		s, e = int(sp.offs[ds]), int(sp.offs[de])
		if de > ds {
			e = int(sp.offs[de-1]) + sp.width(de-1)
		}
	}
	return max(sp.Start, min(s, sp.End)), max(sp.Start, min(e, sp.End))
}

// width is how many encoded bytes decoded byte i of an escape span took.
func (sp *Span) width(i int) int { return int(sp.offs[i+1] - sp.offs[i]) }

// Escaped reports whether decoded bytes [ds, de) of an escape or percent span
// hold a byte that was escaped (for base64 and hex: always): a match on
// escape-free bytes is found in the buffer as it is.
func (sp *Span) Escaped(ds, de int) bool {
	if sp.Kind == Base64 || sp.Kind == Hex {
		return true
	}
	for i := ds; i < de; i++ {
		if sp.offs[i+1]-sp.offs[i] > 1 {
			return true
		}
	}
	return false
}

// b64 classifies bytes: 1 standard alphabet, 2 URL-safe only, 3 both, 0 neither.
var b64 = func() (t [256]uint8) {
	for c := 'A'; c <= 'Z'; c++ {
		t[c] = 3
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c] = 3
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = 3
	}
	t['+'], t['/'] = 1, 1
	t['-'], t['_'] = 2, 2
	return t
}()

// Runs appends to out the base64 or hex runs of buf that start in [from, to)
// and decode to text. It reads buf eight bytes at a time: a run of MinRun
// characters or more covers two whole consecutive words of any 8-byte grid,
// and ordinary text has a separator (a space, a newline, a parenthesis, a
// quote, a dot, …) in nearly every word, so its few candidates are all that
// is looked at byte by byte.
func Runs(buf []byte, from, to int, out []Span) []Span {
	lastEnd := 0
	word := func(i int) uint64 { return binary.LittleEndian.Uint64(buf[i : i+8]) }
	// Of two consecutive words one is at an even position: look at those
	// first, and at their neighbours only when they are clean.
	for w := from; w+8 <= len(buf) && w < to+16; w += 16 {
		if hasSep(word(w)) {
			continue
		}
		if !(w-8 >= from && !hasSep(word(w-8))) && !(w+16 <= len(buf) && !hasSep(word(w+8))) {
			continue
		}
		// Two clean words: find the runs that cross them.
		k := max(w-8, from)
		for k > max(lastEnd, 0) && b64[buf[k-1]] != 0 {
			k--
		}
		for k < w+16 && k < len(buf) {
			if b64[buf[k]] == 0 {
				k++
				continue
			}
			s, e := k, k+1
			for e < len(buf) && b64[buf[e]] != 0 {
				e++
			}
			if e-s >= MinRun && s >= from && s < to && (s == 0 || !glued(buf[s-1])) {
				if sp, ok := decodeRun(buf, s, e); ok {
					out = append(out, sp)
				}
			}
			k, lastEnd = e, e
		}
		// Go on from the first even word at or after k (k >= w+16).
		w = from + (k-from+15)/16*16 - 16
	}
	return out
}

// RunStart returns where the run of base64 characters that ends just
// before buf[i] starts, looking back no further than floor (i when buf[i-1]
// is not one): Runs from there finds the runs that hold any of buf[i:].
func RunStart(buf []byte, i, floor int) int {
	for i > floor && b64[buf[i-1]] != 0 {
		i--
	}
	return i
}

const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// hasSep reports whether the 8 bytes of x hold a byte below '+' (controls,
// space, quotes, parentheses, …) or a '.': never part of a base64 run.
func hasSep(x uint64) bool {
	dot := x ^ ('.' * ones)
	return ((x-0x2b*ones)&^x|(dot-ones)&^dot)&highs != 0
}

// glued reports whether a run preceded by c is part of something larger
// (a path, an escape such as \u or %2F) rather than a value of its own.
func glued(c byte) bool { return c == '\\' || c == '%' }

// decodeRun decodes buf[s:e] as hex or base64 when it decodes to text.
func decodeRun(buf []byte, s, e int) (Span, bool) {
	run := buf[s:e]
	end := e
	for end < len(buf) && buf[end] == '=' && end-e < 2 {
		end++
	}
	if len(run) >= minHexRun && len(run)%2 == 0 && isHex(run) {
		var head [16]byte
		if _, err := hex.Decode(head[:], run[:32]); err != nil || !IsText(trimRune(head[:])) {
			return Span{}, false
		}
		t := make([]byte, len(run)/2)
		if _, err := hex.Decode(t, run); err == nil && IsText(t) {
			return Span{Start: s, End: e, Kind: Hex, Text: t}, true
		}
		return Span{}, false // a hash, a UUID without dashes: not text
	}
	url, std := false, false
	for _, c := range run {
		switch b64[c] {
		case 1:
			std = true
		case 2:
			url = true
		}
	}
	if url && std {
		return Span{}, false
	}
	enc := base64.RawStdEncoding
	if url {
		enc = base64.RawURLEncoding
	}
	n := len(run)
	if n%4 == 1 {
		n-- // a trailing character of its own decodes to nothing
	}
	// Most runs are identifiers, hashes or images: look at the start
	// before decoding all of it.
	var head [48]byte
	if k, err := enc.Decode(head[:], run[:min(n, 64)&^3]); err != nil || !IsText(trimRune(head[:k])) {
		return Span{}, false
	}
	t := make([]byte, enc.DecodedLen(n))
	k, err := enc.Decode(t, run[:n])
	if err != nil {
		return Span{}, false
	}
	t = t[:k]
	if !IsText(t) {
		return Span{}, false
	}
	return Span{Start: s, End: end, Kind: Base64, Text: t}, true
}

// trimRune drops a multi-byte character cut at the end of b.
func trimRune(b []byte) []byte {
	for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
		if utf8.RuneStart(b[i]) {
			if !utf8.FullRune(b[i:]) {
				return b[:i]
			}
			break
		}
	}
	return b
}

func isHex(b []byte) bool {
	for _, c := range b {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// IsText reports whether b is text: valid UTF-8 without control characters
// other than tab, newline, carriage return and form feed.
func IsText(b []byte) bool {
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' || c == 0x7f {
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError || r < 0xa0 {
			return false
		}
		i += size
	}
	return len(b) > 0
}

// HasEscape reports whether b holds a JSON string escape or a percent escape
// worth decoding.
func HasEscape(b []byte) bool {
	for i := 0; i+2 < len(b); i++ {
		switch b[i] {
		case '\\':
			switch b[i+1] {
			case 'n', 'r', 't', 'u', '/', '"', '\\', 'x':
				return true
			}
		case '%':
			if printable(hexByte(b[i+1 : i+3])) {
				return true
			}
		}
	}
	return false
}

func unhex(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'f':
		return int(c-'a') + 10
	case 'A' <= c && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// printable reports whether c is a printable ASCII character: the only
// bytes a percent or \x escape is decoded to (a format verb such as %02x
// stays as it is).
func printable(c int) bool { return c >= 0x20 && c < 0x7f }

// hexByte returns the byte that the two hex digits at b[0:2] spell, or -1.
func hexByte(b []byte) int {
	h, l := unhex(b[0]), unhex(b[1])
	if h < 0 || l < 0 {
		return -1
	}
	return h<<4 | l
}

// Unescape decodes the JSON/JavaScript string escapes and the percent escapes
// in buf[s:e] (a line around a keyword). It reports false when nothing was
// decoded or the result is not text. Kind is Escape, or Percent when only
// percent escapes were decoded.
func Unescape(buf []byte, s, e int) (Span, bool) {
	var sc Scratch
	sc.Reset(e - s)
	return sc.Unescape(buf, s, e)
}

// Scratch holds the text and offsets of the spans its Unescape decodes, so
// that the many windows of a buffer need no allocation of their own; a Span
// it returned stays valid until Reset.
type Scratch struct {
	text []byte
	offs []int32
}

// maxKeep is the most text a Scratch keeps for reuse across Resets: a buffer
// with many long escaped lines (minified code) is not held on to.
const maxKeep = 256 << 10

// Reset lets the next spans reuse the memory of the earlier ones, and makes
// room for n bytes of text to be decoded without growing.
func (sc *Scratch) Reset(n int) {
	if cap(sc.text) > maxKeep || cap(sc.text) < n {
		sc.text, sc.offs = nil, nil
	}
	if cap(sc.text) < n {
		sc.text, sc.offs = make([]byte, 0, n), make([]int32, 0, n+1)
	}
	sc.text, sc.offs = sc.text[:0], sc.offs[:0]
}

// Unescape is the package's Unescape, decoding into sc.
func (sc *Scratch) Unescape(buf []byte, s, e int) (Span, bool) {
	t0, o0 := len(sc.text), len(sc.offs)
	t, offs := sc.text, sc.offs
	esc, pct := false, false
	for i := s; i < e; {
		c := buf[i]
		d, w := -1, 1
		switch {
		case c == '%' && i+2 < e:
			if d = hexByte(buf[i+1 : i+3]); printable(d) {
				w, pct = 3, true
			} else {
				d = -1
			}
		case c == '\\' && i+1 < e:
			w = 2
			switch buf[i+1] {
			case 'n':
				d = '\n'
			case 'r':
				d = '\r'
			case 't':
				d = '\t'
			case '/', '"', '\\', '\'':
				d = int(buf[i+1])
			case 'x':
				if i+3 < e {
					if d = hexByte(buf[i+2 : i+4]); printable(d) {
						w = 4
					} else {
						d = -1
					}
				}
			case 'u':
				if i+5 < e {
					r := hexByte(buf[i+2 : i+4])
					l := hexByte(buf[i+4 : i+6])
					if r >= 0 && l >= 0 {
						ru := rune(r<<8 | l)
						if utf8.ValidRune(ru) && ru != 0 {
							var enc [utf8.UTFMax]byte
							n := utf8.EncodeRune(enc[:], ru)
							// Every byte maps to the escape's start; the
							// last one spans the whole escape.
							for k := 0; k < n; k++ {
								t = append(t, enc[k])
								offs = append(offs, int32(i))
							}
							i += 6
							esc = true
							continue
						}
					}
				}
			}
			if d >= 0 {
				esc = true
			}
		}
		if d < 0 {
			d, w = int(c), 1
		}
		t = append(t, byte(d))
		offs = append(offs, int32(i))
		i += w
	}
	offs = append(offs, int32(e))
	sc.text, sc.offs = t[:t0], offs[:o0] // what a failed span wrote is dropped
	t, offs = t[t0:len(t):len(t)], offs[o0:len(offs):len(offs)]
	if !esc && !pct || !IsText(t) {
		return Span{}, false
	}
	sc.text, sc.offs = sc.text[:t0+len(t)], sc.offs[:o0+len(offs)]
	k := Escape
	if !esc {
		k = Percent
	}
	return Span{Start: s, End: e, Kind: k, Text: t, offs: offs}, true
}

// Base64Text decodes s when the whole of it is base64 (standard or URL-safe,
// padded or not) of text.
func Base64Text(s string) ([]byte, bool) {
	t := strings.TrimRight(s, "=")
	if len(t) < 4 || len(t)%4 == 1 {
		return nil, false
	}
	for _, enc := range []*base64.Encoding{base64.RawStdEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(t); err == nil && IsText(b) {
			return b, true
		}
	}
	return nil, false
}
