package gitscan

import (
	"encoding/binary"
	"errors"
	"hash/adler32"
	"math/bits"
	"sync"
)

// zinflater decodes a zlib stream held whole in memory into a buffer of the
// size the object header gives. Decoding into the final buffer, which is
// its own window, saves the copy out of a 32 KiB window a streaming
// decoder makes, and its table-driven decoding is faster on the many small
// objects of a history; the stream's adler32 checksum is checked as zlib
// does. Its zero value is ready to use; it is not safe for concurrent use.
type zinflater struct {
	lit  [litTableMax]uint32 // dynamic literal/length table
	dist [distTableMax]uint32
	clen [1 << 7]uint32 // code length code
	lens [maxLitSyms + maxDistSyms]uint8
}

var (
	errZCorrupt  = errors.New("corrupt deflate data")
	errZLong     = errors.New("content longer than its header says")
	errZShort    = errors.New("content shorter than its header says")
	errZTrunc    = errors.New("truncated deflate data")
	errZChecksum = errors.New("zlib checksum mismatch")
	errZHeader   = errors.New("not a zlib stream")
)

const (
	maxLitSyms  = 286
	maxDistSyms = 30

	litBits  = 10 // primary table bits
	distBits = 8

	// Longest codes are 15 bits; a subtable per primary prefix with long
	// codes, at most one per symbol.
	litTableMax  = 1<<litBits + 288<<(15-litBits)
	distTableMax = 1<<distBits + 32<<(15-distBits)
)

// A table entry: bits 0-3 the code's length (0: not a valid code), 4-7 the
// extra bits that follow, 8-9 its kind, 16-31 its value (literal byte,
// base length or distance, or subtable offset).
const (
	kindLit = iota
	kindLen // also distances
	kindEnd
	kindSub // value: subtable offset; extra: the subtable's bits
)

func zentry(kind, length, extra, value int) uint32 {
	return uint32(value)<<16 | uint32(kind)<<8 | uint32(extra)<<4 | uint32(length)
}

var (
	lenBase   = [29]uint16{3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258}
	lenExtra  = [29]uint8{0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0}
	dstBase   = [30]uint16{1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577}
	dstExtra  = [30]uint8{0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13}
	clenOrder = [19]uint8{16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15}
)

// The fixed Huffman code's tables, built once.
var (
	fixedOnce sync.Once
	fixedLit  []uint32
	fixedDist []uint32
)

func fixedTables() ([]uint32, []uint32) {
	fixedOnce.Do(func() {
		var lens [288 + 32]uint8
		for i := 0; i < 288; i++ {
			switch {
			case i < 144:
				lens[i] = 8
			case i < 256:
				lens[i] = 9
			case i < 280:
				lens[i] = 7
			default:
				lens[i] = 8
			}
		}
		for i := 288; i < 320; i++ {
			lens[i] = 5
		}
		lit := make([]uint32, litTableMax)
		dist := make([]uint32, distTableMax)
		// Symbols 286, 287 and distances 30, 31 take part in the code
		// but are invalid: buildTable marks them so.
		n, ok1 := buildTable(lit, lens[:288], litBits, litSyms)
		m, ok2 := buildTable(dist, lens[288:], distBits, distSyms)
		if !ok1 || !ok2 {
			panic("fixed Huffman tables")
		}
		fixedLit, fixedDist = lit[:n], dist[:m]
	})
	return fixedLit, fixedDist
}

// Each symbol's table entry without its code length, or badSymbol.
var litSyms, distSyms, clenSyms = symEntries()

const badSymbol = ^uint32(0)

func symEntries() (lit, dist, clen []uint32) {
	lit, dist, clen = make([]uint32, 288), make([]uint32, 32), make([]uint32, 19)
	for s := range lit {
		switch {
		case s < 256:
			lit[s] = zentry(kindLit, 0, 0, s)
		case s == 256:
			lit[s] = zentry(kindEnd, 0, 0, 0)
		case s < maxLitSyms:
			lit[s] = zentry(kindLen, 0, int(lenExtra[s-257]), int(lenBase[s-257]))
		default:
			lit[s] = badSymbol
		}
	}
	for s := range dist {
		dist[s] = badSymbol
		if s < maxDistSyms {
			dist[s] = zentry(kindLen, 0, int(dstExtra[s]), int(dstBase[s]))
		}
	}
	for s := range clen {
		clen[s] = zentry(kindLit, 0, 0, s)
	}
	return lit, dist, clen
}

// buildTable fills t with the canonical Huffman code of lens (as in RFC
// 1951 3.2.2) for symbols whose entries are syms, and returns the entries
// used: a primary table of 1<<bits entries indexed by the next bits of
// input, then one subtable per primary entry that longer codes start
// with. It fails, as Go's compress/flate does, on a code that is
// over-subscribed or incomplete other than a single one-bit code; an empty
// code gives a table of invalid entries.
func buildTable(t []uint32, lens []uint8, bits int, syms []uint32) (int, bool) {
	var count [16]int
	for _, l := range lens {
		count[l&15]++
	}
	count[0] = 0
	maxLen := 15
	for maxLen > 0 && count[maxLen] == 0 {
		maxLen--
	}
	var next [17]int
	code := 0
	for l := 1; l <= 16; l++ {
		code = (code + count[l-1]) << 1
		next[l] = code
	}
	// Kraft: the code is complete when the codes fill 1<<maxLen.
	used := 0
	for l := 1; l <= maxLen; l++ {
		used += count[l] << (maxLen - l)
	}
	size := 1 << bits
	switch {
	case maxLen == 0:
		clear(t[:size])
		return size, true
	case used > 1<<maxLen:
		return 0, false
	case used < 1<<maxLen:
		if !(used == 1 && maxLen == 1) {
			return 0, false
		}
		clear(t[:size])
	}
	end := size
	sub := 0
	var first int
	if maxLen > bits {
		// A complete canonical code gives the codes up to bits long the
		// first prefixes of bits bits and the longer codes all the
		// others, from first on: one subtable of 1<<sub entries each.
		sub = maxLen - bits
		first = next[bits+1] >> 1
		for p := first; p < size; p++ {
			t[reverse(p, bits)] = zentry(kindSub, bits, sub, end)
			end += 1 << sub
		}
	}
	for s, l := range lens {
		if l == 0 {
			continue
		}
		c := next[l]
		next[l]++
		e := syms[s] | uint32(l)
		if e == badSymbol {
			e = 0
		}
		if int(l) <= bits {
			for i := reverse(c, int(l)); i < size; i += 1 << l {
				t[i] = e
			}
			continue
		}
		off := size + (c>>(int(l)-bits)-first)<<sub
		for i := reverse(c&(1<<(int(l)-bits)-1), int(l)-bits); i < 1<<sub; i += 1 << (int(l) - bits) {
			t[off+i] = e
		}
	}
	return end, true
}

// reverse reverses the low n bits of c.
func reverse(c, n int) int {
	return int(bits.Reverse16(uint16(c)) >> (16 - n))
}

// inflate decodes the zlib stream src into dst, which it must fill
// exactly, and checks its checksum. Bytes after the stream are ignored.
func (z *zinflater) inflate(dst, src []byte) error {
	if len(src) < 2 || src[0]&0x0f != 8 || src[0]>>4 > 7 || binary.BigEndian.Uint16(src)%31 != 0 || src[1]&0x20 != 0 {
		return errZHeader
	}
	d := bitReader{src: src, pos: 2}
	o := 0
	for {
		if err := d.need(3); err != nil {
			return err
		}
		final := d.b&1 != 0
		typ := d.b >> 1 & 3
		d.b >>= 3
		d.nb -= 3
		var err error
		switch typ {
		case 0:
			o, err = d.stored(dst, o)
		case 1:
			lit, dist := fixedTables()
			o, err = d.huffman(dst, o, lit, dist)
		case 2:
			var lit, dist []uint32
			lit, dist, err = z.readTables(&d)
			if err == nil {
				o, err = d.huffman(dst, o, lit, dist)
			}
		default:
			err = errZCorrupt
		}
		if err != nil {
			return err
		}
		if final {
			break
		}
	}
	if o != len(dst) {
		return errZShort
	}
	p, err := d.alignedPos()
	if err != nil {
		return err
	}
	if p+4 > len(src) {
		return errZTrunc
	}
	if binary.BigEndian.Uint32(src[p:]) != adler32.Checksum(dst) {
		return errZChecksum
	}
	return nil
}

// readTables reads a dynamic block's code definitions.
func (z *zinflater) readTables(d *bitReader) (lit, dist []uint32, err error) {
	if err := d.need(14); err != nil {
		return nil, nil, err
	}
	nlit := int(d.b&31) + 257
	ndist := int(d.b>>5&31) + 1
	nclen := int(d.b>>10&15) + 4
	d.b >>= 14
	d.nb -= 14
	if nlit > maxLitSyms || ndist > maxDistSyms {
		return nil, nil, errZCorrupt
	}
	var cl [19]uint8
	for i := 0; i < nclen; i++ {
		if err := d.need(3); err != nil {
			return nil, nil, err
		}
		cl[clenOrder[i]] = uint8(d.b & 7)
		d.b >>= 3
		d.nb -= 3
	}
	if _, ok := buildTable(z.clen[:], cl[:], 7, clenSyms); !ok {
		return nil, nil, errZCorrupt
	}
	lens := z.lens[:nlit+ndist]
	for i := 0; i < len(lens); {
		if err := d.need(7 + 7); err != nil {
			return nil, nil, err
		}
		e := z.clen[d.b&127]
		n := e & 15
		if n == 0 {
			return nil, nil, errZCorrupt
		}
		d.b >>= n
		d.nb -= uint(n)
		s := int(e >> 16)
		if s < 16 {
			lens[i] = uint8(s)
			i++
			continue
		}
		var rep int
		var v uint8
		switch s {
		case 16:
			if i == 0 {
				return nil, nil, errZCorrupt
			}
			rep, v = 3+int(d.b&3), lens[i-1]
			d.b >>= 2
			d.nb -= 2
		case 17:
			rep = 3 + int(d.b&7)
			d.b >>= 3
			d.nb -= 3
		default:
			rep = 11 + int(d.b&127)
			d.b >>= 7
			d.nb -= 7
		}
		if i+rep > len(lens) {
			return nil, nil, errZCorrupt
		}
		for ; rep > 0; rep-- {
			lens[i] = v
			i++
		}
	}
	n, ok := buildTable(z.lit[:], lens[:nlit], litBits, litSyms)
	if !ok {
		return nil, nil, errZCorrupt
	}
	m, ok := buildTable(z.dist[:], lens[nlit:], distBits, distSyms)
	if !ok {
		return nil, nil, errZCorrupt
	}
	return z.lit[:n], z.dist[:m], nil
}

// bitReader reads the bits of src from pos, least significant first. Past
// the end of src it reads zeros, counted in over, so that decoding a
// symbol never needs a bounds check; consuming them is an error found by
// need and alignedPos.
type bitReader struct {
	src  []byte
	pos  int
	b    uint64
	nb   uint
	over int
}

// refill loads bytes until at least 56 bits are buffered. Bits above nb
// may already hold the next byte's low bits (from the 8-byte load), which
// loading that byte again leaves as they are.
func (d *bitReader) refill() error {
	if d.pos+8 <= len(d.src) {
		d.b |= binary.LittleEndian.Uint64(d.src[d.pos:]) << d.nb
		d.pos += int(63-d.nb) >> 3
		d.nb |= 56
		return nil
	}
	for d.nb <= 56 {
		if d.pos < len(d.src) {
			d.b |= uint64(d.src[d.pos]) << d.nb
			d.pos++
		} else {
			if d.over >= 8 {
				return errZTrunc
			}
			d.over++
		}
		d.nb += 8
	}
	return nil
}

// need makes sure n (at most 56) bits are buffered and that they are not
// all past the end of the input.
func (d *bitReader) need(n uint) error {
	if d.nb < n {
		if err := d.refill(); err != nil {
			return err
		}
	}
	if d.over > 0 && int(d.nb)-8*d.over < int(n) {
		return errZTrunc
	}
	return nil
}

// alignedPos drops the bits up to a byte boundary and returns the position
// in src of the next byte, failing if bits past the end were consumed.
func (d *bitReader) alignedPos() (int, error) {
	k := d.nb & 7
	d.b >>= k
	d.nb -= k
	p := d.pos + d.over - int(d.nb/8)
	if p > len(d.src) {
		return 0, errZTrunc
	}
	return p, nil
}

// stored copies a stored block to dst at o.
func (d *bitReader) stored(dst []byte, o int) (int, error) {
	p, err := d.alignedPos()
	if err != nil {
		return o, err
	}
	if p+4 > len(d.src) {
		return o, errZTrunc
	}
	n := int(binary.LittleEndian.Uint16(d.src[p:]))
	if uint16(n) != ^binary.LittleEndian.Uint16(d.src[p+2:]) {
		return o, errZCorrupt
	}
	p += 4
	if p+n > len(d.src) {
		return o, errZTrunc
	}
	if o+n > len(dst) {
		return o, errZLong
	}
	copy(dst[o:], d.src[p:p+n])
	*d = bitReader{src: d.src, pos: p + n}
	return o + n, nil
}

// huffman decodes a compressed block's symbols into dst from o, with the
// given tables, up to its end-of-block code.
func (d *bitReader) huffman(dst []byte, o int, lit, dist []uint32) (int, error) {
	b, nb := d.b, d.nb
	src, pos := d.src, d.pos
	for {
		if nb < 48 {
			if pos+8 <= len(src) {
				b |= binary.LittleEndian.Uint64(src[pos:]) << nb
				pos += int(63-nb) >> 3
				nb |= 56
			} else {
				d.b, d.nb, d.pos = b, nb, pos
				if err := d.refill(); err != nil {
					return o, err
				}
				b, nb, pos = d.b, d.nb, d.pos
			}
		}
		e := lit[b&(1<<litBits-1)]
		if e>>8&3 == kindSub {
			e = lit[int(e>>16)+int(b>>litBits)&(1<<(e>>4&15)-1)]
		}
		n := uint(e & 15)
		if n == 0 {
			return o, errZCorrupt
		}
		b >>= n
		nb -= n
		switch e >> 8 & 3 {
		case kindLit:
			if o >= len(dst) {
				return o, errZLong
			}
			dst[o] = byte(e >> 16)
			o++
			continue
		case kindEnd:
			d.b, d.nb, d.pos = b, nb, pos
			if d.over > 0 && int(nb) < 8*d.over {
				return o, errZTrunc
			}
			return o, nil
		}
		x := uint(e >> 4 & 15)
		length := int(e>>16) + int(b&(1<<x-1))
		b >>= x
		nb -= x
		e = dist[b&(1<<distBits-1)]
		if e>>8&3 == kindSub {
			e = dist[int(e>>16)+int(b>>distBits)&(1<<(e>>4&15)-1)]
		}
		n = uint(e & 15)
		if n == 0 {
			return o, errZCorrupt
		}
		b >>= n
		nb -= n
		x = uint(e >> 4 & 15)
		dd := int(e>>16) + int(b&(1<<x-1))
		b >>= x
		nb -= x
		if dd > o {
			return o, errZCorrupt
		}
		if length > len(dst)-o {
			return o, errZLong
		}
		if dd >= 8 && length <= len(dst)-o-8 {
			// Eight bytes at a time, each read at least eight bytes
			// behind where it is written; the last may write past the
			// copy's end, which later output overwrites.
			for k, s := o, o-dd; k < o+length; k, s = k+8, s+8 {
				binary.LittleEndian.PutUint64(dst[k:], binary.LittleEndian.Uint64(dst[s:]))
			}
			o += length
			continue
		}
		if dd >= length {
			copy(dst[o:o+length], dst[o-dd:])
			o += length
			continue
		}
		// Overlapping: the copy repeats the last dd bytes; each copy
		// doubles the periodic run it copies from.
		start := o - dd
		for end := o + length; o < end; {
			o += copy(dst[o:end], dst[start:o])
		}
	}
}
