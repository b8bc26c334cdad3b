package gitscan

import (
	"errors"

	"github.com/keyhound/keyhound/scanner"
)

var errBadDelta = errors.New("corrupt delta")

// deltaSizes returns the base and result sizes a delta starts with, and the
// offset of its first instruction.
func deltaSizes(delta []byte) (base, result int64, pos int, err error) {
	base, pos, ok := varint(delta, 0)
	if !ok {
		return 0, 0, 0, errBadDelta
	}
	result, pos, ok = varint(delta, pos)
	if !ok || result > maxObjectSize {
		return 0, 0, 0, errBadDelta
	}
	return base, result, pos, nil
}

func varint(b []byte, pos int) (int64, int, bool) {
	var v int64
	shift := uint(0)
	for {
		if pos >= len(b) || shift > 56 {
			return 0, pos, false
		}
		c := b[pos]
		pos++
		v |= int64(c&0x7f) << shift
		shift += 7
		if c&0x80 == 0 {
			return v, pos, true
		}
	}
}

// patchDelta applies a git delta to base, writing the result into dst
// (reallocated unless it has room). Every copy is bounds-checked, so a
// corrupt delta yields an error, never a panic.
func patchDelta(dst, base, delta []byte) ([]byte, error) {
	return patchDeltaCopies(dst, base, delta, nil)
}

// patchDeltaCopies is patchDelta that also sets *copies (when copies is not
// nil) to the ranges of the result copied from base, adjacent copies of
// adjacent ranges joined.
func patchDeltaCopies(dst, base, delta []byte, copies *[]scanner.Copy) ([]byte, error) {
	if copies != nil {
		*copies = (*copies)[:0]
	}
	bsize, rsize, pos, err := deltaSizes(delta)
	if err != nil {
		return nil, err
	}
	if bsize != int64(len(base)) {
		return nil, errors.New("corrupt delta: base size does not match")
	}
	if int64(cap(dst)) < rsize {
		// A corrupt delta may claim any size: reserve what it is likely to
		// produce and let the copies grow the buffer if it really does.
		dst = make([]byte, 0, min(rsize, int64(4*(len(base)+len(delta))+4096)))
	}
	dst = dst[:0]
	for pos < len(delta) {
		cmd := delta[pos]
		pos++
		switch {
		case cmd&0x80 != 0:
			var off, n uint64
			for i := uint(0); i < 4; i++ {
				if cmd&(1<<i) != 0 {
					if pos >= len(delta) {
						return nil, errBadDelta
					}
					off |= uint64(delta[pos]) << (8 * i)
					pos++
				}
			}
			for i := uint(0); i < 3; i++ {
				if cmd&(0x10<<i) != 0 {
					if pos >= len(delta) {
						return nil, errBadDelta
					}
					n |= uint64(delta[pos]) << (8 * i)
					pos++
				}
			}
			if n == 0 {
				n = 0x10000
			}
			if off+n > uint64(len(base)) || int64(len(dst))+int64(n) > rsize {
				return nil, errBadDelta
			}
			if copies != nil {
				cs := *copies
				if k := len(cs) - 1; k >= 0 && cs[k].Dst+cs[k].Len == len(dst) && cs[k].Src+cs[k].Len == int(off) {
					cs[k].Len += int(n)
				} else {
					*copies = append(cs, scanner.Copy{Dst: len(dst), Src: int(off), Len: int(n)})
				}
			}
			dst = append(dst, base[off:off+n]...)
		case cmd != 0:
			n := int(cmd)
			if pos+n > len(delta) || int64(len(dst)+n) > rsize {
				return nil, errBadDelta
			}
			dst = append(dst, delta[pos:pos+n]...)
			pos += n
		default:
			return nil, errors.New("corrupt delta: reserved instruction")
		}
	}
	if int64(len(dst)) != rsize {
		return nil, errors.New("corrupt delta: result size does not match")
	}
	return dst, nil
}
