package scanner

import (
	"bytes"
	"sort"

	"github.com/keyhound/keyhound/finding"
)

// Matching content that is mostly a copy of content already matched (the
// next version of a file in git history) reuses what matching the earlier
// content found, where it cannot differ:
//
//   - keyword hits: the automaton's output at an offset depends only on the
//     prefilter's longest keyword's length of bytes before it, so a hit
//     ending at least that far inside a copied range is the base's hit,
//     moved; the automaton runs only over the other bytes (what was
//     inserted, and the seams between copied ranges);
//   - regex windows: a rule's regex, and the widening of its window, read
//     only the bytes of an "examined" range around the window; a window
//     whose examined range lies inside one copied range has the outcome it
//     had in the base, moved.
//
// Everything else (which windows a rule gets, which matches survive,
// allowlists, line and column) is worked out on the new content as for any
// other, so the findings are exactly those of matching it whole.

// Copy says the content's bytes [Dst, Dst+Len) are the base's [Src, Src+Len).
type Copy struct{ Dst, Src, Len int }

// Memo is what matching one content left for matching another that copies
// ranges of it: its keyword hits and the outcome of each regex window.
type Memo struct {
	valid bool
	n     int // length of the content it describes
	hits  []hit
	wins  map[winKey]winMemo
	quads []int32 // per window: (start, end, secret start, secret end) of each match, relative to the final window

	dec decMemo

	reused int // windows whose outcome came from the base (for tests)
}

type winKey struct {
	rule       int32
	start, end int32 // the window before any widening
}

type winMemo struct {
	final      span  // after widening
	lo, hi     int32 // every byte the outcome depends on lies in [lo, hi)
	q0, q1     int32 // its matches: quads[q0:q1]
	mayContain bool  // false: the rule's needed run is absent, the regex did not run
}

// Len returns the length of the content m describes, or -1 when m holds
// nothing reusable.
func (m *Memo) Len() int {
	if m == nil || !m.valid {
		return -1
	}
	return m.n
}

func (m *Memo) reset(n int) {
	m.valid, m.n, m.reused = false, n, 0
	m.hits = m.hits[:0]
	if m.wins == nil {
		m.wins = map[winKey]winMemo{}
	} else {
		clear(m.wins)
	}
	m.quads = m.quads[:0]
	m.dec.reset()
}

// ScanBytesFrom is ScanBytes for content data that copies ranges of a base
// already matched into base (copies sorted by Dst, not overlapping; nil
// base: no base), with the same findings. When rec is not nil it is filled
// with what matching data leaves for content that copies ranges of data (it
// holds nothing reusable when data was not matched as one buffer: binary,
// UTF-16, larger than a chunk, or starting with a byte order mark).
func (w *Worker) ScanBytesFrom(data []byte, path string, base *Memo, copies []Copy, rec *Memo, emit func(finding.Finding)) error {
	if rec != nil {
		rec.reset(len(data))
	}
	if len(data) > chunkSize || isUTF16(data) || bytes.HasPrefix(data, utf8BOM) || w.isArchive(data) {
		return w.ScanBytes(data, path, emit)
	}
	enabled, any := w.pathRules(path)
	if !any {
		return nil
	}
	if isBinary(data) {
		return ErrBinary
	}
	cm := w.cm
	if base != nil && base.valid && copiesFit(copies, base.n, len(data)) {
		cm.base, cm.copies = base, copies
	}
	cm.rec = rec
	pos := position{line: 1, col: 1}
	w.matchChunk(data, 0, len(data), enabled, path, &pos, emit)
	cm.base, cm.copies, cm.rec = nil, nil, nil
	if rec != nil {
		rec.valid = true
	}
	return nil
}

// copiesFit reports whether copies are sorted, disjoint and within both
// contents.
func copiesFit(copies []Copy, baseLen, n int) bool {
	end := 0
	for _, c := range copies {
		if c.Len <= 0 || c.Dst < end || c.Src < 0 || c.Src+c.Len > baseLen || c.Dst+c.Len > n {
			return false
		}
		end = c.Dst + c.Len
	}
	return true
}

// keywordHits returns every keyword hit in buf, in order of end offset
// (the slice is reused by the next call), reusing the base's where it can
// and recording them for the next content.
func (c *chunkMatcher) keywordHits(pf *prefilter, buf []byte) []hit {
	var hits []hit
	if c.base == nil {
		hits = pf.find(buf, c.hits[:0], &c.hits2)
	} else {
		hits = c.deltaHits(pf, buf, c.hits[:0])
	}
	if c.rec != nil {
		c.rec.hits = append(c.rec.hits[:0], hits...)
	}
	return hits
}

// deltaHits appends buf's keyword hits to out: those that lie inside a
// copied range are the base's, moved; the automaton finds the others.
//
// A hit ending at e holds the bytes [e-len, e) of its keyword, and len is
// at most the automaton's depth at e: the length of the longest suffix of
// buf[:e] that begins a keyword, which keywordBounds.depth bounds from the
// two bytes before e. So past the first offset q of a copied range where
// that depth is at most q's distance from the range's start, every hit
// ending inside the range lies inside it; and the automaton started at its
// root depth(q) bytes before q is in its true state from q on.
//
// The stretches to search (inserted bytes and the seams around them, a few
// bytes each) are searched at once, joined by a byte no keyword holds: one
// long search runs several times faster per byte than many short ones.
func (c *chunkMatcher) deltaHits(pf *prefilter, buf []byte, out []hit) []hit {
	kb := pf.bounds()
	bh := c.base.hits
	ps := c.pieces[:0]
	next := 1                // hits ending before next are planned
	rescan := func(hi int) { // hits ending in [next, hi]
		if hi < next {
			return
		}
		rs := max(0, next-pf.maxLen)
		for q := next; q > rs; q-- {
			rs = max(rs, q-kb.depth(buf, 0, q))
		}
		ps = append(ps, deltaPiece{rescan: true, from: rs, lo: next, hi: hi})
		next = hi + 1
	}
	i := 0 // base hits before i end before the last copy's clean ends
	for _, cp := range c.copies {
		b := cp.Dst + cp.Len // clean ends: [a, b]
		a := cp.Dst + pf.maxLen
		for q := cp.Dst + 1; q < a && q <= b; q++ {
			// Only the range's own bytes, as the base's bytes before
			// it are not these.
			if kb.depth(buf, cp.Dst, q) <= q-cp.Dst {
				a = q // a hit ending at or past q starts in the range, in both contents
				break
			}
		}
		if a = max(a, next); a > b {
			continue // too short to hold a clean end: rescanned
		}
		rescan(a - 1)
		d := cp.Dst - cp.Src
		i = seekEnd(bh, i, a-d)
		i0 := i
		for i < len(bh) && bh[i].end <= b-d {
			i++
		}
		ps = append(ps, deltaPiece{from: i0, lo: i, hi: d})
		next = b + 1
	}
	rescan(len(buf))
	c.pieces = ps

	// Search the stretches, joined by sep (one that no keyword holds).
	sep := -1
	if kb.free['\n'] {
		sep = '\n'
	} else {
		for b := range kb.free {
			if kb.free[b] {
				sep = b
				break
			}
		}
	}
	if sep < 0 {
		return c.rescanEach(pf, buf, out) // no joint: search each on its own
	}
	cat := c.cat[:0]
	for k := range ps {
		if p := &ps[k]; p.rescan {
			p.off = len(cat)
			cat = append(cat, buf[p.from:p.hi]...)
			cat = append(cat, byte(sep))
		}
	}
	c.cat = cat
	found := pf.find(cat, c.tmpHits[:0], &c.hits2)
	c.tmpHits = found
	for _, p := range ps {
		if !p.rescan {
			for _, h := range bh[p.from:p.lo] {
				out = append(out, hit{pat: h.pat, end: h.end + p.hi})
			}
			continue
		}
		end := p.off + p.hi - p.from
		for len(found) > 0 && found[0].end <= end {
			h := found[0]
			found = found[1:]
			if h.end += p.from - p.off; h.end >= p.lo {
				out = append(out, h)
			}
		}
	}
	return out
}

// seekEnd returns the index of the first hit of hs (sorted by end) that
// ends at or past x, looking outwards from i: copies mostly follow each
// other in the base too, so it is usually at i or a few hits after.
func seekEnd(hs []hit, i, x int) int {
	i = min(i, len(hs))
	lo, hi := 0, len(hs) // it lies in [lo, hi]
	if i < len(hs) && hs[i].end < x {
		lo = i + 1
		for step := 1; i+step < len(hs); step *= 2 {
			if hs[i+step].end >= x {
				hi = i + step
				break
			}
			lo = i + step + 1
		}
	} else {
		hi = i
		for step := 1; i-step >= 0; step *= 2 {
			if hs[i-step].end < x {
				lo = i - step + 1
				break
			}
			hi = i - step
		}
	}
	return lo + sort.Search(hi-lo, func(k int) bool { return hs[lo+k].end >= x })
}

// deltaPiece is one step of deltaHits' plan: report the hits of
// buf[from:hi] that end in [lo, hi] (rescan; off: where it lies in the
// joined search), or the base's hits [from, lo), moved by hi.
type deltaPiece struct {
	rescan            bool
	from, lo, hi, off int
}

// rescanEach carries out deltaHits' plan searching each stretch on its own.
func (c *chunkMatcher) rescanEach(pf *prefilter, buf []byte, out []hit) []hit {
	bh := c.base.hits
	for _, p := range c.pieces {
		if !p.rescan {
			for _, h := range bh[p.from:p.lo] {
				out = append(out, hit{pat: h.pat, end: h.end + p.hi})
			}
			continue
		}
		c.tmpHits = pf.find(buf[p.from:p.hi], c.tmpHits[:0], &c.hits2)
		for _, h := range c.tmpHits {
			if h.end += p.from; h.end >= p.lo {
				out = append(out, h)
			}
		}
	}
	return out
}

// keywordBounds is what deltaHits and decodeTop need to know of the
// keywords' bytes, built once per prefilter when first needed.
type keywordBounds struct {
	// free: the bytes that no keyword holds, in either case: the automaton
	// is at its root past any of them (none when a keyword is empty).
	free [256]bool
	// pair[x<<8|y] bounds the automaton's depth past the bytes x, y: the
	// longest prefix of a keyword that ends with them, or with y alone
	// (saturated at 255: then maxLen bounds it).
	pair [1 << 16]uint8
	// col[y] bounds it past y, whatever precedes it.
	col    [256]uint8
	maxLen int
}

// bounds returns pf's keywordBounds, building them on first use.
func (pf *prefilter) bounds() *keywordBounds {
	pf.boundsOnce.Do(func() { pf.kb = newKeywordBounds(pf.patterns, pf.maxLen) })
	return pf.kb
}

func newKeywordBounds(patterns []string, maxLen int) *keywordBounds {
	kb := &keywordBounds{maxLen: maxLen}
	for i := range kb.free {
		kb.free[i] = true
	}
	// Every case of a lower-cased byte.
	cases := func(b byte) []byte {
		if b = lower(b); 'a' <= b && b <= 'z' {
			return []byte{b, b - 'a' + 'A'}
		}
		return []byte{b}
	}
	raise := func(x, y byte, d int) {
		v := uint8(min(d, 255))
		for _, x := range cases(x) {
			for _, y := range cases(y) {
				kb.pair[int(x)<<8|int(y)] = max(kb.pair[int(x)<<8|int(y)], v)
			}
		}
	}
	var first [256]uint8 // 1: a keyword starts with the byte
	for _, s := range patterns {
		if s == "" {
			// A keyword hit everywhere: no byte is free of them, and
			// the depth is bounded by nothing shorter than maxLen.
			kb.free = [256]bool{}
			for i := range kb.pair {
				kb.pair[i], kb.col[i&0xff] = 255, 255
			}
			return kb
		}
		for i := 0; i < len(s); i++ {
			for _, b := range cases(s[i]) {
				kb.free[b] = false
			}
			if i == 0 {
				for _, b := range cases(s[0]) {
					first[b] = 1
				}
			} else {
				raise(s[i-1], s[i], i+1)
			}
		}
	}
	for i := range kb.pair {
		kb.pair[i] = max(kb.pair[i], first[i&0xff])
		kb.col[i&0xff] = max(kb.col[i&0xff], kb.pair[i])
	}
	return kb
}

// depth bounds the automaton's depth past buf[lo:q] (lo <= q <=
// len(buf)), from those bytes alone: the length of the longest suffix of
// buf[:q] that begins a keyword, when what precedes buf[lo] is unknown.
func (kb *keywordBounds) depth(buf []byte, lo, q int) int {
	var d int
	switch q - lo {
	case 0:
		return kb.maxLen
	case 1:
		d = int(kb.col[buf[q-1]])
	default:
		d = int(kb.pair[int(buf[q-2])<<8|int(buf[q-1])])
	}
	if d == 255 {
		return kb.maxLen
	}
	return d
}

// recallWindow returns the outcome of rule ri's window w when the base had
// the same window over the same bytes, and records it for the next content.
func (c *chunkMatcher) recallWindow(ri int, w span) (final span, quads []int, mayContain, ok bool) {
	cs := c.copies
	k := sort.Search(len(cs), func(k int) bool { return cs[k].Dst > w.start }) - 1
	if k < 0 {
		return span{}, nil, false, false
	}
	cp := cs[k]
	if w.end > cp.Dst+cp.Len {
		return span{}, nil, false, false
	}
	d := cp.Dst - cp.Src
	m, found := c.base.wins[winKey{int32(ri), int32(w.start - d), int32(w.end - d)}]
	if !found || int(m.lo) < cp.Src || int(m.hi) > cp.Src+cp.Len {
		return span{}, nil, false, false
	}
	c.quads = c.quads[:0]
	for _, q := range c.base.quads[m.q0:m.q1] {
		c.quads = append(c.quads, int(q))
	}
	final = span{m.final.start + d, m.final.end + d}
	if c.rec != nil {
		c.rec.reused++
	}
	c.rememberWindow(ri, w, final, c.quads, m.mayContain, int(m.lo)+d, int(m.hi)+d)
	return final, c.quads, m.mayContain, true
}

// rememberWindow records the outcome of rule ri's window w, which depends
// only on the bytes [lo, hi).
func (c *chunkMatcher) rememberWindow(ri int, w, final span, quads []int, mayContain bool, lo, hi int) {
	r := c.rec
	if r == nil {
		return
	}
	q0 := len(r.quads)
	for _, q := range quads {
		r.quads = append(r.quads, int32(q))
	}
	r.wins[winKey{int32(ri), int32(w.start), int32(w.end)}] = winMemo{final: final, lo: int32(lo), hi: int32(hi),
		q0: int32(q0), q1: int32(len(r.quads)), mayContain: mayContain}
}
