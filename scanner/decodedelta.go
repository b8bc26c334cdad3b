package scanner

import (
	"bytes"
	"sort"

	"github.com/keyhound/keyhound/decode"
)

// Decoding content that copies ranges of a base reuses what decoding the
// base found, as matching does (see delta.go). What a decoded span yields
// depends only on its kind and decoded text, and which spans a content has
// depends on few bytes around each:
//
//   - a base64 or hex run is a maximal run of base64 characters: it, and
//     whether it decodes to text, depend on its bytes, the byte before it
//     (the run's edge, and not a '\' or '%' gluing it to an escape) and the
//     two after it (its end, and '=' padding);
//   - escape windows lie on the line of a keyword hit, bounded by the line,
//     and are chosen hit by hit along the line: they depend on the line's
//     bytes and the newlines that end it (keywords hold no newline).
//
// A run or line whose bytes and those margins lie inside one copied range
// has the outcome it had in the base, moved; only the others are looked for
// (runs near the edges of copied ranges and in inserted bytes, the hits of
// other lines) and decoded.

// decRec is one decoded span of a content, as its Memo records it.
type decRec struct {
	start  int32 // the encoded span's start (its order among the others)
	lo, hi int32 // every byte the outcome depends on lies in [lo, hi); -1, n+1: the content's edges too
	e0, e1 int32 // what decoding it yielded: Memo.decs[e0:e1]
}

// runMargin is how far past a run's bytes its outcome looks: one byte
// before it, and two after its end (see decRec).
const runMargin = 4

// decMemo is what a content's decoding left in its Memo.
type decMemo struct {
	ok      bool   // the content was decoded whole, as one buffer
	enabled []bool // the rules that applied (nil: all)
	runs    []decRec
	escs    []decRec
	decs    []decoded
	reused  int // spans whose outcome came from the base (for tests)
}

func (d *decMemo) reset() {
	d.ok, d.reused = false, 0
	d.runs, d.escs = d.runs[:0], d.escs[:0]
	clear(d.decs) // drop the strings held
	d.decs = d.decs[:0]
}

// usable reports whether decoding with enabled can reuse d. Only the
// entries of the rules in scoped, those with a path condition, can differ
// between two contents (see Worker.pathRules): comparing a thousand others
// for every blob would cost more than some decodings it saves.
func (d *decMemo) usable(enabled []bool, scoped []int) bool {
	if !d.ok || (enabled == nil) != (d.enabled == nil) || len(enabled) != len(d.enabled) {
		return false
	}
	for _, ri := range scoped {
		if enabled[ri] != d.enabled[ri] {
			return false
		}
	}
	return true
}

// decItem is one span to decode (sp >= 0: spans[sp]) or to reuse from the
// base (rec, moved by d).
type decItem struct {
	start int
	sp    int
	rec   *decRec
	d     int
}

// decodeTop is decodeIn at the top level: when the content copies ranges
// of a base with a usable memo, spans whose outcome cannot differ from the
// base's are not looked for nor decoded; when there is a memo to fill, it
// records what each span yielded.
func (w *Worker) decodeTop(buf []byte, from, to int, enabled []bool, hits []hit, out []decoded) []decoded {
	c := w.cm
	if c.rec == nil && c.base == nil || from != 0 || to != len(buf) {
		return w.decodeIn(buf, from, to, enabled, hits, 0, out)
	}
	var copies []Copy
	var base *decMemo
	if c.base != nil && c.base.dec.usable(enabled, w.m.pathScoped) {
		copies, base = c.copies, &c.base.dec
	}
	var rec *decMemo
	if c.rec != nil {
		rec = &c.rec.dec
		rec.enabled = append(rec.enabled[:0], enabled...)
		if enabled == nil {
			rec.enabled = nil
		}
	}
	dd := deltaDecode{buf: buf, copies: copies}
	if base != nil {
		dd.baseN = c.base.n
	}
	dl := w.decodeAt(0)

	// Runs: those near the edges of copied ranges and in inserted bytes
	// are looked for; the others are the base's.
	spans := dl.spans[:0]
	dirty, lastB := 0, 0 // the stretch not yet looked at starts at dirty; runs starting before lastB are found
	scan := func(a, b int) {
		spans = decode.Runs(buf, decode.RunStart(buf, a, lastB), b, spans)
		lastB = b
	}
	for _, cp := range copies {
		if a, b := cp.Dst+runMargin, cp.Dst+cp.Len-runMargin; a < b {
			if dirty < a {
				scan(dirty, a)
			}
			dirty = b
		}
	}
	if dirty < len(buf) {
		scan(dirty, len(buf))
	}
	items := dl.items[:0]
	for i := range spans {
		if !dd.clean(spans[i].Start-1, spans[i].End+2) {
			items = append(items, decItem{start: spans[i].Start, sp: i})
		}
	}
	if base != nil {
		items = dd.reuse(base.runs, items)
		sortItems(items)
	}

	// Escape windows: those on lines that are not copies of the base's
	// are looked for.
	var wins []span
	escStart := len(items)
	if len(hits) > 0 {
		pf := w.m.prefilter()
		wins = dd.escapeWindows(pf, &pf.bounds().free, hits, dl.wins[:0], base != nil)
		dl.wins = wins
		n0 := len(spans)
		spans = dl.unescape(buf, wins, spans)
		for i := n0; i < len(spans); i++ {
			items = append(items, decItem{start: spans[i].Start, sp: i})
		}
	}
	if base != nil {
		items = dd.reuse(base.escs, items)
		sortItems(items[escStart:])
	}
	dl.spans = spans
	dl.items = items

	for k, it := range items {
		e0 := len(out)
		var lo, hi int
		if it.sp >= 0 {
			sp := &spans[it.sp]
			out = w.decodeSpan(sp, from, to, enabled, 0, out)
			if k < escStart {
				lo, hi = sp.Start-1, sp.End+2
			} else {
				ls, le := lineStart(buf, sp.Start, len(buf)), lineEnd(buf, sp.End, len(buf))
				lo, hi = ls-1, le+1
			}
		} else {
			for _, d := range base.decs[it.rec.e0:it.rec.e1] {
				d.start += it.d
				d.end += it.d
				out = append(out, d)
			}
			lo, hi = int(it.rec.lo)+it.d, int(it.rec.hi)+it.d
			if rec != nil {
				rec.reused++
			}
		}
		if rec != nil && len(out) > e0 { // a span that yields nothing needs no record
			r := decRec{start: int32(it.start), lo: int32(lo), hi: int32(hi), e0: int32(len(rec.decs))}
			rec.decs = append(rec.decs, out[e0:]...)
			r.e1 = int32(len(rec.decs))
			if k < escStart {
				rec.runs = append(rec.runs, r)
			} else {
				rec.escs = append(rec.escs, r)
			}
		}
	}
	if rec != nil {
		rec.ok = true
	}
	return out
}

func sortItems(items []decItem) {
	sort.Slice(items, func(i, j int) bool { return items[i].start < items[j].start })
}

// deltaDecode is the content being decoded and the ranges it copies from
// the base.
type deltaDecode struct {
	buf    []byte
	copies []Copy
	baseN  int
}

// clean reports whether the content's bytes [lo, hi) lie inside one copied
// range (lo < 0: and its start is the base's start; hi > len: and its end
// is the base's end).
func (dd *deltaDecode) clean(lo, hi int) bool {
	cs := dd.copies
	p := max(lo, 0)
	k := sort.Search(len(cs), func(k int) bool { return cs[k].Dst > p }) - 1
	if k < 0 {
		return false
	}
	cp := cs[k]
	d := cp.Dst - cp.Src
	return fits(lo-d, hi-d, cp, dd.baseN, len(dd.buf))
}

// fits reports whether the base's bytes [lo, hi) lie inside copy cp (lo <
// 0: and cp starts both contents; hi > baseN: and cp ends both).
func fits(lo, hi int, cp Copy, baseN, n int) bool {
	if lo < 0 {
		if cp.Src != 0 || cp.Dst != 0 {
			return false
		}
		lo = 0
	}
	if hi > baseN {
		if cp.Src+cp.Len != baseN || cp.Dst+cp.Len != n {
			return false
		}
		hi = baseN
	}
	return lo >= cp.Src && hi <= cp.Src+cp.Len
}

// reuse appends to items the base's recs (sorted by lo) that fit inside a
// copied range, moved to where the range was copied.
func (dd *deltaDecode) reuse(recs []decRec, items []decItem) []decItem {
	for _, cp := range dd.copies {
		i := sort.Search(len(recs), func(i int) bool { return int(recs[i].lo) >= cp.Src-1 })
		d := cp.Dst - cp.Src
		for ; i < len(recs) && int(recs[i].lo) < cp.Src+cp.Len; i++ {
			if r := &recs[i]; fits(int(r.lo), int(r.hi), cp, dd.baseN, len(dd.buf)) {
				items = append(items, decItem{start: int(r.start) + d, sp: -1, rec: r, d: d})
			}
		}
	}
	return items
}

// escapeWindows is the package's escapeWindows for the lines of the
// content that are not copies of the base's lines (reuse: there is a base).
func (dd *deltaDecode) escapeWindows(pf *prefilter, free *[256]bool, hits []hit, out []span, reuse bool) []span {
	buf, cs := dd.buf, dd.copies
	reuse = reuse && free['\n'] // a keyword with a newline would tie lines together
	lines := lineIndex{buf: buf, prevNL: -1, nextNL: -1}
	lastEnd, skipTo := -1, -1
	// The lines between the first and the last newline of copied range k
	// are clean: a hit starting in (zlo, zhi) needs no look at its line.
	k, zlo, zhi := -1, 0, 0
	for _, h := range hits {
		start := h.end - pf.plen[h.pat]
		if start < lastEnd || start <= skipTo {
			continue
		}
		if reuse {
			if k < 0 || start < cs[k].Dst || start >= cs[k].Dst+cs[k].Len {
				if nk := sort.Search(len(cs), func(i int) bool { return cs[i].Dst > start }) - 1; nk != k {
					k, zlo, zhi = nk, 0, 0
					if k >= 0 {
						seg := buf[cs[k].Dst : cs[k].Dst+cs[k].Len]
						if f := bytes.IndexByte(seg, '\n'); f >= 0 {
							zlo, zhi = cs[k].Dst+f, cs[k].Dst+lastNewline(seg)
						}
					}
				}
			}
			if zlo < start && start < zhi {
				continue // a clean line: the base's windows on it are reused
			}
		}
		ls, le := lines.line(start)
		if reuse && dd.clean(ls-1, le+1) {
			skipTo = le // the base's windows on this line are reused
			continue
		}
		ws, we := max(ls, start-4096), min(le, h.end+maxWiden)
		lastEnd = we
		if hasEscape(buf[ws:we]) {
			out = append(out, span{ws, we})
		}
	}
	return out
}
