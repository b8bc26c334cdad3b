package gitscan

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// byOffset returns the offsets of p's objects in ascending order and each
// one's position in the pack index. The pack's reverse index (pack-*.rev,
// which git writes by default since 2.41) gives the order without sorting;
// without one, or with one that does not match the index, the offsets
// are sorted.
// It is computed once; callers must not modify what it returns.
func (p *pack) byOffset() (offs []int64, pos []int32, err error) {
	p.orderOnce.Do(func() { p.offs, p.pos, p.orderErr = p.readOrder() })
	return p.offs, p.pos, p.orderErr
}

func (p *pack) readOrder() (offs []int64, pos []int32, err error) {
	x := p.idx
	n := x.n
	offs, pos = make([]int64, n), make([]int32, n)
	if rev := readRevIndex(strings.TrimSuffix(p.path, ".pack")+".rev", n); rev != nil {
		ok := true
		for i := 0; i < n && ok; i++ {
			j := binary.BigEndian.Uint32(rev[4*i:])
			off, good := int64(0), j < uint32(n)
			if good {
				off, good = x.offsetAt(int(j))
			}
			ok = good && (i == 0 || off > offs[i-1])
			offs[i], pos[i] = off, int32(j)
		}
		if ok {
			return offs, pos, nil
		}
	}
	type ent struct {
		off int64
		pos int32
	}
	ents := make([]ent, n)
	for i := 0; i < n; i++ {
		off, ok := x.offsetAt(i)
		if !ok {
			return nil, nil, fmt.Errorf("pack %s: corrupt index offset", filepath.Base(p.path))
		}
		ents[i] = ent{off, int32(i)}
	}
	slices.SortFunc(ents, func(a, b ent) int { return cmp.Compare(a.off, b.off) })
	for i, e := range ents {
		offs[i], pos[i] = e.off, e.pos
	}
	return offs, pos, nil
}

// readRevIndex returns the positions table of a version 1 SHA-1 reverse
// index for n objects, or nil when there is none or it is malformed.
func readRevIndex(path string, n int) []byte {
	data, err := os.ReadFile(path)
	if err != nil || len(data) != 12+4*n+40 || !bytes.Equal(data[:4], []byte("RIDX")) ||
		binary.BigEndian.Uint32(data[4:]) != 1 || binary.BigEndian.Uint32(data[8:]) != 1 {
		return nil
	}
	return data[12 : 12+4*n]
}
