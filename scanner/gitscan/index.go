package gitscan

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
)

// indexEntry is one stage-0 entry of the index.
type indexEntry struct {
	name string
	mode uint32
	hash hash
}

// gitIndex is what the staged scan needs from .git/index: its entries and
// the cache-tree extension (the tree hash of every directory whose entries
// did not change since the tree was last written).
type gitIndex struct {
	entries   []indexEntry
	cacheTree map[string]hash // directory ("" the root) -> tree, valid entries only
}

var errIndexCorrupt = errors.New("corrupt index")

// parseIndex parses an index file of version 2, 3 or 4.
func parseIndex(data []byte) (*gitIndex, error) {
	if len(data) < 12+20 || !bytes.Equal(data[:4], []byte("DIRC")) {
		return nil, errors.New("not an index file")
	}
	version := binary.BigEndian.Uint32(data[4:])
	if version < 2 || version > 4 {
		return nil, fmt.Errorf("index version %d not supported", version)
	}
	count := int(binary.BigEndian.Uint32(data[8:]))
	body := data[:len(data)-20]
	p := 12
	idx := &gitIndex{cacheTree: map[string]hash{}}
	var prev []byte
	for i := 0; i < count; i++ {
		start := p
		if p+62 > len(body) {
			return nil, errIndexCorrupt
		}
		mode := binary.BigEndian.Uint32(body[p+24:])
		var h hash
		copy(h[:], body[p+40:p+60])
		flags := binary.BigEndian.Uint16(body[p+60:])
		p += 62
		if flags&0x4000 != 0 {
			if version < 3 || p+2 > len(body) {
				return nil, errIndexCorrupt
			}
			p += 2
		}
		stage := (flags >> 12) & 3
		var name []byte
		if version == 4 {
			strip, n, ok := indexVarint(body, p)
			if !ok || strip > len(prev) {
				return nil, errIndexCorrupt
			}
			p = n
			nul := bytes.IndexByte(body[p:], 0)
			if nul < 0 {
				return nil, errIndexCorrupt
			}
			name = append(append([]byte(nil), prev[:len(prev)-strip]...), body[p:p+nul]...)
			p += nul + 1
		} else {
			nul := bytes.IndexByte(body[p:], 0)
			if nul < 0 {
				return nil, errIndexCorrupt
			}
			name = body[p : p+nul]
			p += nul
			// Entries are padded with 1 to 8 NULs to a multiple of 8 bytes.
			p = start + (p-start+8)&^7
			if p > len(body) {
				return nil, errIndexCorrupt
			}
		}
		prev = name
		if stage == 0 {
			idx.entries = append(idx.entries, indexEntry{name: string(name), mode: mode, hash: h})
		}
	}
	// Extensions.
	for p+8 <= len(body) {
		sig := body[p : p+4]
		size := int(binary.BigEndian.Uint32(body[p+4:]))
		p += 8
		if size < 0 || p+size > len(body) {
			return nil, errIndexCorrupt
		}
		ext := body[p : p+size]
		p += size
		switch string(sig) {
		case "TREE":
			if _, err := parseCacheTree(ext, "", idx.cacheTree); err != nil {
				idx.cacheTree = map[string]hash{} // unusable: compare everything
			}
		case "link":
			return nil, errors.New("split index not supported")
		}
	}
	return idx, nil
}

// indexVarint decodes the offset encoding of index version 4.
func indexVarint(b []byte, p int) (int, int, bool) {
	if p >= len(b) {
		return 0, p, false
	}
	c := b[p]
	p++
	v := int(c & 0x7f)
	for c&0x80 != 0 {
		if p >= len(b) || v > 1<<24 {
			return 0, p, false
		}
		c = b[p]
		p++
		v = ((v + 1) << 7) | int(c&0x7f)
	}
	return v, p, true
}

// parseCacheTree parses one cache-tree node and its subtrees (pre-order),
// recording valid nodes, and returns what is left.
func parseCacheTree(b []byte, parent string, out map[string]hash) ([]byte, error) {
	nul := bytes.IndexByte(b, 0)
	if nul < 0 {
		return nil, errIndexCorrupt
	}
	name := string(b[:nul])
	b = b[nul+1:]
	sp := bytes.IndexByte(b, ' ')
	if sp < 0 {
		return nil, errIndexCorrupt
	}
	n, err := strconv.Atoi(string(b[:sp]))
	if err != nil {
		return nil, errIndexCorrupt
	}
	b = b[sp+1:]
	nl := bytes.IndexByte(b, '\n')
	if nl < 0 {
		return nil, errIndexCorrupt
	}
	subs, err := strconv.Atoi(string(b[:nl]))
	if err != nil || subs < 0 {
		return nil, errIndexCorrupt
	}
	b = b[nl+1:]
	path := name
	if parent != "" {
		path = parent + "/" + name
	}
	if n >= 0 {
		if len(b) < 20 {
			return nil, errIndexCorrupt
		}
		var h hash
		copy(h[:], b[:20])
		b = b[20:]
		out[path] = h
	}
	for i := 0; i < subs; i++ {
		if b, err = parseCacheTree(b, path, out); err != nil {
			return nil, err
		}
	}
	return b, nil
}
