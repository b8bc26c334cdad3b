package gitscan

import (
	"sync/atomic"

	"github.com/keyhound/keyhound/finding"
	"github.com/keyhound/keyhound/scanner"
)

// blobMemos lets a blob stored in a pack as a delta be matched from what
// matching its delta base left (scanner.Memo): the pack reader decodes a
// delta tree base first, so when a delta reaches the sink its base has just
// been matched by the same worker. Each worker keeps the memos of the
// blobs on its current path down the tree, one per depth; a delta whose base
// was not matched (not wanted, binary, unreadable) is matched whole.
type blobMemos struct {
	workers  []memoWorker
	fromBase atomic.Int64 // blobs matched from their base's memo
}

// objKey names one object of one pack plan.
type objKey struct {
	pl *packPlan
	i  int32
}

type memoWorker struct {
	stack []memoSlot // per delta depth: the last blob matched there

	// What the pack reader announced of the blob it hands to the sink next.
	pending  bool
	depth    int
	key      objKey
	base     objKey // its delta base (pl nil: none)
	copies   []scanner.Copy
	children bool // other objects are deltas on it
}

type memoSlot struct {
	key  objKey
	memo scanner.Memo
}

func newBlobMemos(workers int) *blobMemos {
	return &blobMemos{workers: make([]memoWorker, workers)}
}

// announce tells worker w's sink that the next blob it gets is object i of
// pl at delta depth depth, made from its base with copies (nil: a root).
func (m *blobMemos) announce(w, depth int, pl *packPlan, i int32, copies []scanner.Copy) {
	if m == nil || w >= len(m.workers) {
		return
	}
	mw := &m.workers[w]
	mw.pending, mw.depth, mw.key, mw.copies = true, depth, objKey{pl, i}, copies
	mw.base = objKey{}
	if copies != nil && pl.parent[i] >= 0 {
		mw.base = objKey{pl, pl.parent[i]}
	}
	mw.children = pl.childStart[i] != pl.childStart[i+1]
}

// blobHint is what the sink knows of the blob it got: how to match it.
type blobHint struct {
	m  *blobMemos
	mw *memoWorker
}

// take returns worker w's hint for the blob its sink just got (the zero
// hint when the pack reader announced nothing: a loose object, a blob read
// by random access).
func (m *blobMemos) take(w int) blobHint {
	if m == nil || w >= len(m.workers) || !m.workers[w].pending {
		return blobHint{}
	}
	mw := &m.workers[w]
	mw.pending = false
	return blobHint{m, mw}
}

// scan matches data with sw, from its delta base's memo when there is one,
// leaving its own memo for the deltas on it.
func (h blobHint) scan(sw *scanner.Worker, data []byte, path string, emit func(finding.Finding)) error {
	mw := h.mw
	if mw == nil {
		return sw.ScanBytes(data, path, emit)
	}
	for len(mw.stack) <= mw.depth {
		mw.stack = append(mw.stack, memoSlot{})
	}
	var base *scanner.Memo
	if mw.depth > 0 && mw.base.pl != nil {
		if ps := &mw.stack[mw.depth-1]; ps.key == mw.base && ps.memo.Len() >= 0 {
			base = &ps.memo
			h.m.fromBase.Add(1)
		}
	}
	var rec *scanner.Memo
	slot := &mw.stack[mw.depth]
	slot.key = objKey{}
	if mw.children {
		slot.key, rec = mw.key, &slot.memo
	}
	return sw.ScanBytesFrom(data, path, base, mw.copies, rec, emit)
}
