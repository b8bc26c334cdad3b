package scanner

import (
	"encoding/binary"
	"io"
	"unicode/utf16"
	"unicode/utf8"
)

// utf16BOM returns the byte order of UTF-16 text starting with a BOM, or nil.
func utf16BOM(b []byte) binary.ByteOrder {
	if len(b) >= 2 {
		switch {
		case b[0] == 0xFF && b[1] == 0xFE:
			return binary.LittleEndian
		case b[0] == 0xFE && b[1] == 0xFF:
			return binary.BigEndian
		}
	}
	return nil
}

// utf16Reader decodes UTF-16 (without its BOM) into UTF-8 as it is read.
type utf16Reader struct {
	r    io.Reader
	enc  binary.ByteOrder
	in   []byte
	hold []byte // bytes not yet a full code unit
	out  []byte // decoded, not yet returned
	hi   rune   // pending high surrogate, or 0
	err  error
}

func newUTF16Reader(r io.Reader, enc binary.ByteOrder) io.Reader {
	return &utf16Reader{r: r, enc: enc, in: make([]byte, 32<<10)}
}

func (u *utf16Reader) Read(p []byte) (int, error) {
	for len(u.out) == 0 {
		if u.err != nil {
			if u.hi != 0 || len(u.hold) > 0 {
				u.hi, u.hold = 0, nil
				u.out = utf8.AppendRune(u.out, utf8.RuneError)
				continue
			}
			return 0, u.err
		}
		n, err := u.r.Read(u.in)
		u.err = err
		data := append(u.hold, u.in[:n]...)
		i := 0
		for ; i+1 < len(data); i += 2 {
			c := rune(u.enc.Uint16(data[i:]))
			switch {
			case utf16.IsSurrogate(c) && c < 0xDC00:
				if u.hi != 0 {
					u.out = utf8.AppendRune(u.out, utf8.RuneError)
				}
				u.hi = c
			case utf16.IsSurrogate(c):
				if u.hi != 0 {
					u.out = utf8.AppendRune(u.out, utf16.DecodeRune(u.hi, c))
					u.hi = 0
				} else {
					u.out = utf8.AppendRune(u.out, utf8.RuneError)
				}
			default:
				if u.hi != 0 {
					u.out = utf8.AppendRune(u.out, utf8.RuneError)
					u.hi = 0
				}
				u.out = utf8.AppendRune(u.out, c)
			}
		}
		u.hold = append(u.hold[:0], data[i:]...)
	}
	n := copy(p, u.out)
	u.out = u.out[n:]
	return n, nil
}
