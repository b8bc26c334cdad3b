package gitscan

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"sync"

	"github.com/keyhound/keyhound/scanner"
)

// blobSink receives each wanted blob's content (valid only during the call:
// the buffer is reused) or the error that kept it from being read. It is
// called from several goroutines; worker says which (0..workers-1).
type blobSink func(worker int, id int32, data []byte, err error)

// packPlan is what decoding one pack needs: its layout (objects in pack
// order with their delta bases), and which of them are wanted.
type packPlan struct {
	p *pack
	*packLayout
	typ        []objType // the layout's, with ref-delta cycles marked bad: this plan's own copy
	want       []int32   // blob id, or -1
	childStart []int32
	children   []int32
	roots      []int32
}

// packLayout is what planning a pack's decoding needs that does not depend
// on what is wanted: its objects in pack order, their headers and delta
// bases. It is computed once per pack, in the background during the walk
// and the diffs when the whole history is scanned (see prepareLayouts).
type packLayout struct {
	pos     []int32 // the object's position in the pack index
	offs    []int64 // object offsets, ascending
	ends    []int64 // end of each object's compressed data
	size    []int64 // header size (delta size for deltas)
	hdrLen  []uint8
	typ     []objType
	parent  []int32 // delta base (index), -1 none, -2 in another pack (see refBase)
	refBase map[int32]hash
	err     error
}

// layout returns p's layout, computing it on the first call.
func (p *pack) layout() *packLayout {
	p.layoutOnce.Do(func() { p.lay = p.readLayout() })
	return p.lay
}

// prepareLayouts computes every pack's layout in the background; close
// waits for it.
func (db *odb) prepareLayouts() {
	db.bg.Add(1)
	go func() {
		defer db.bg.Done()
		for _, p := range db.packs {
			db.slots.acquire()
			p.layout()
			db.slots.release()
		}
	}()
}

// readLayout reads the index and every object header of p.
func (p *pack) readLayout() *packLayout {
	x := p.idx
	offs, pos, err := p.byOffset()
	if err != nil {
		return &packLayout{err: err}
	}
	n := len(offs)
	lay := &packLayout{pos: pos, offs: offs, ends: make([]int64, n), size: make([]int64, n),
		hdrLen: make([]uint8, n), typ: make([]objType, n), parent: make([]int32, n)}
	end := p.size - 20
	if n > 0 && offs[n-1] >= end {
		return &packLayout{err: fmt.Errorf("pack %s: index offset %d past the end", filepath.Base(p.path), offs[n-1])}
	}
	for i := 0; i < n; i++ {
		if i+1 < n {
			lay.ends[i] = lay.offs[i+1]
		} else {
			lay.ends[i] = end
		}
	}
	// Headers, read sequentially through a window.
	const win = 1 << 20
	var buf []byte
	bufOff, bufLen := int64(-1), 0
	for i := 0; i < n; i++ {
		off := lay.offs[i]
		if p.data != nil {
			buf, bufOff, bufLen = p.data, 0, len(p.data)
		} else if bufOff < 0 || off+32 > bufOff+int64(bufLen) {
			if buf == nil {
				buf = make([]byte, win)
			}
			k, err := p.f.ReadAt(buf, off)
			if k == 0 && err != nil {
				return &packLayout{err: fmt.Errorf("pack %s: %w", filepath.Base(p.path), err)}
			}
			bufOff, bufLen = off, k
		}
		lim := min(int64(bufLen), lay.ends[i]-bufOff)
		h, err := parseObjHeader(buf[off-bufOff:lim], off)
		lay.parent[i] = -1
		if err != nil {
			lay.typ[i] = objBad // fails when decoded, naming itself
			continue
		}
		lay.typ[i], lay.size[i], lay.hdrLen[i] = h.typ, h.size, uint8(h.hdrLen)
		switch h.typ {
		case objOfsDelta:
			j := sort.Search(i, func(k int) bool { return lay.offs[k] >= h.baseOff })
			if j < i && lay.offs[j] == h.baseOff {
				lay.parent[i] = int32(j)
			} else {
				lay.typ[i] = objBad
			}
		case objRefDelta:
			if bp, ok := x.find(h.baseRef); ok {
				boff, _ := x.offsetAt(bp)
				j := sort.Search(n, func(k int) bool { return lay.offs[k] >= boff })
				if j < n && lay.offs[j] == boff && j != i {
					lay.parent[i] = int32(j)
				} else {
					lay.typ[i] = objBad
				}
			} else {
				lay.parent[i] = -2
				if lay.refBase == nil {
					lay.refBase = map[int32]hash{}
				}
				lay.refBase[int32(i)] = h.baseRef
			}
		}
	}
	return lay
}

// planPack plans the decoding of the wanted objects p holds (claiming
// them) and of the delta bases they need.
func (db *odb) planPack(p *pack, want map[hash]int32, claimed []bool) (*packPlan, error) {
	lay := p.layout()
	if lay.err != nil {
		return nil, lay.err
	}
	x := p.idx
	n := len(lay.offs)
	pl := &packPlan{p: p, packLayout: lay, typ: slices.Clone(lay.typ), want: make([]int32, n)}
	// Wanted objects, each claimed by the first pack that has it.
	anyWanted := false
	for i, pos := range lay.pos {
		pl.want[i] = -1
		if id, ok := want[x.hashAt(int(pos))]; ok && !claimed[id] {
			claimed[id] = true
			pl.want[i] = id
			anyWanted = true
		}
	}
	if !anyWanted {
		return pl, nil
	}
	// Mark what is needed: wanted objects and their delta bases.
	need := make([]bool, n)
	for i := 0; i < n; i++ {
		if pl.want[i] < 0 {
			continue
		}
		for j, steps := int32(i), 0; j >= 0 && !need[j]; steps++ {
			if steps > maxChain {
				pl.typ[i] = objBad // a cycle of ref-deltas
				break
			}
			need[j] = true
			j = pl.parent[j]
		}
	}
	pl.childStart = make([]int32, n+1)
	for i := 0; i < n; i++ {
		if need[i] && pl.parent[i] >= 0 {
			pl.childStart[pl.parent[i]+1]++
		}
	}
	for i := 0; i < n; i++ {
		pl.childStart[i+1] += pl.childStart[i]
	}
	pl.children = make([]int32, pl.childStart[n])
	fill := append([]int32(nil), pl.childStart[:n]...)
	for i := 0; i < n; i++ {
		if need[i] {
			if p := pl.parent[i]; p >= 0 {
				pl.children[fill[p]] = int32(i)
				fill[p]++
			} else {
				pl.roots = append(pl.roots, int32(i))
			}
		}
	}
	return pl, nil
}

// packWorker holds one decoding goroutine's buffers.
type packWorker struct {
	id    int
	inf   inflater
	zbuf  []byte
	delta []byte
	bufs  [][]byte // content per delta depth

	memos  *blobMemos     // nil: blobs are matched whole
	copies []scanner.Copy // what the last delta patched copied from its base
}

func (w *packWorker) buf(depth int) []byte {
	for len(w.bufs) <= depth {
		w.bufs = append(w.bufs, nil)
	}
	return w.bufs[depth]
}

// inflate decodes object i's compressed data into dst.
func (pl *packPlan) inflate(w *packWorker, i int32, dst []byte) ([]byte, error) {
	start := pl.offs[i] + int64(pl.hdrLen[i])
	clen := pl.ends[i] - start
	if clen <= 0 || clen > maxObjectSize {
		return nil, errors.New("corrupt object extent")
	}
	if pl.p.data != nil {
		return w.inf.inflateBytes(pl.p.data[start:start+clen], pl.size[i], dst)
	}
	if int64(cap(w.zbuf)) < clen {
		w.zbuf = make([]byte, clen)
	}
	z := w.zbuf[:clen]
	if _, err := pl.p.f.ReadAt(z, start); err != nil {
		return nil, err
	}
	return w.inf.inflateBytes(z, pl.size[i], dst)
}

// decodeRoot decodes delta tree root i and everything needed below it.
func (db *odb) decodeRoot(pl *packPlan, w *packWorker, i int32, sink blobSink) {
	var data []byte
	var typ objType
	var err error
	switch pl.typ[i] {
	case objBlob:
		if id := pl.want[i]; id >= 0 && db.maxBlob > 0 && pl.size[i] > db.maxBlob && pl.childStart[i] == pl.childStart[i+1] {
			sink(w.id, id, nil, errTooLarge{pl.size[i]})
			return
		}
		typ = pl.typ[i]
		data, err = pl.inflate(w, i, w.buf(0))
	case objCommit, objTree, objTag:
		typ = pl.typ[i]
		data, err = pl.inflate(w, i, w.buf(0))
	case objRefDelta:
		var base []byte
		typ, base, err = db.read(pl.refBase[i])
		if err == nil {
			w.delta, err = pl.inflate(w, i, w.delta)
		}
		if err == nil {
			data, err = patchDelta(w.buf(0), base, w.delta)
		}
	default:
		err = errors.New("corrupt object header")
	}
	if err != nil {
		pl.failTree(w, i, fmt.Errorf("%s at %d: %w", filepath.Base(pl.p.path), pl.offs[i], err), sink)
		return
	}
	w.bufs[0] = data
	pl.visit(w, i, data, typ, 0, sink)
}

func (pl *packPlan) visit(w *packWorker, i int32, data []byte, typ objType, depth int, sink blobSink) {
	if id := pl.want[i]; id >= 0 {
		if typ != objBlob {
			sink(w.id, id, nil, fmt.Errorf("is a %s, not a blob", typ))
		} else {
			var copies []scanner.Copy
			if depth > 0 {
				copies = w.copies
			}
			w.memos.announce(w.id, depth, pl, i, copies)
			sink(w.id, id, data, nil)
		}
	}
	var copies *[]scanner.Copy
	if w.memos != nil && typ == objBlob {
		copies = &w.copies
	}
	for _, c := range pl.children[pl.childStart[i]:pl.childStart[i+1]] {
		var out []byte
		var err error
		if pl.typ[c] != objOfsDelta && pl.typ[c] != objRefDelta {
			err = errors.New("corrupt object header")
		} else {
			w.delta, err = pl.inflate(w, c, w.delta)
			if err == nil {
				out, err = patchDeltaCopies(w.buf(depth+1), data, w.delta, copies)
			}
		}
		if err != nil {
			pl.failTree(w, c, fmt.Errorf("%s at %d: %w", filepath.Base(pl.p.path), pl.offs[c], err), sink)
			continue
		}
		w.bufs[depth+1] = out
		pl.visit(w, c, out, typ, depth+1, sink)
		if cap(out) > 8<<20 {
			w.bufs[depth+1] = nil // do not keep huge buffers around
		}
	}
}

// failTree reports every wanted object at or below i as unreadable.
func (pl *packPlan) failTree(w *packWorker, i int32, err error, sink blobSink) {
	stack := []int32{i}
	for len(stack) > 0 {
		j := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if id := pl.want[j]; id >= 0 {
			sink(w.id, id, nil, err)
		}
		stack = append(stack, pl.children[pl.childStart[j]:pl.childStart[j+1]]...)
	}
}

// readBlobs reads every wanted blob exactly once and hands it to sink:
// objects in packs are decoded delta tree by delta tree (a base is inflated
// once and each delta patched onto it while it is in memory), by workers
// in parallel; then loose objects. Wanted blobs found nowhere are reported
// to sink with an error.
func (db *odb) readBlobs(ctx context.Context, want map[hash]int32, nblobs int, workers int, sink blobSink) error {
	if workers < 1 {
		workers = 1
	}
	total := 0
	for _, p := range db.packs {
		total += p.idx.n
	}
	if len(want)*64 < total {
		// A few blobs out of many objects (--staged, a short --range):
		// reading each by random access beats planning whole packs.
		db.readEach(ctx, want, workers, sink)
		return ctx.Err()
	}
	claimed := make([]bool, nblobs)
	type job struct {
		pl   *packPlan
		root int32
	}
	jobs := make(chan job, 256)
	var wg sync.WaitGroup
	for k := 0; k < workers; k++ {
		wg.Add(1)
		go func(k int) {
			defer wg.Done()
			w := &packWorker{id: k, memos: db.memos}
			for j := range jobs {
				if ctx.Err() != nil {
					continue
				}
				db.slots.acquire()
				db.decodeRoot(j.pl, w, j.root, sink)
				db.slots.release()
			}
		}(k)
	}
	var planErr error
	for _, p := range db.packs {
		pl, err := db.planPack(p, want, claimed)
		if err != nil {
			if planErr == nil {
				planErr = err
			}
			continue // its objects are looked for elsewhere (and reported if missing)
		}
		for _, r := range pl.roots {
			if ctx.Err() != nil {
				break
			}
			jobs <- job{pl, r}
		}
	}
	close(jobs)
	wg.Wait()
	if ctx.Err() != nil {
		return ctx.Err()
	}
	// Loose objects (and anything a broken pack could not give).
	var rest []hash
	for h, id := range want {
		if !claimed[id] {
			rest = append(rest, h)
		}
	}
	sort.Slice(rest, func(i, j int) bool { return bytes.Compare(rest[i][:], rest[j][:]) < 0 })
	lj := make(chan hash, 64)
	for k := 0; k < workers; k++ {
		wg.Add(1)
		go func(k int) {
			defer wg.Done()
			for h := range lj {
				db.slots.acquire()
				id := want[h]
				t, data, err := db.readLoose(h)
				if err == nil && t != objBlob {
					err = fmt.Errorf("is a %s, not a blob", t)
				}
				if errors.Is(err, errNotFound) {
					// Maybe in a pack whose plan failed: try a random-access read.
					t, data, err = db.read(h)
					if err == nil && t != objBlob {
						err = fmt.Errorf("is a %s, not a blob", t)
					}
				}
				sink(k, id, data, err)
				db.slots.release()
			}
		}(k)
	}
	for _, h := range rest {
		if ctx.Err() != nil {
			break
		}
		lj <- h
	}
	close(lj)
	wg.Wait()
	if planErr != nil {
		return planErr
	}
	return ctx.Err()
}

// readEach reads every wanted blob by random access, with workers in parallel.
func (db *odb) readEach(ctx context.Context, want map[hash]int32, workers int, sink blobSink) {
	hs := make([]hash, 0, len(want))
	for h := range want {
		hs = append(hs, h)
	}
	slices.SortFunc(hs, func(a, b hash) int { return bytes.Compare(a[:], b[:]) })
	jobs := make(chan hash, 64)
	var wg sync.WaitGroup
	for k := 0; k < workers; k++ {
		wg.Add(1)
		go func(k int) {
			defer wg.Done()
			for h := range jobs {
				db.slots.acquire()
				t, data, err := db.read(h)
				if err == nil && t != objBlob {
					err = fmt.Errorf("is a %s, not a blob", t)
				}
				sink(k, want[h], data, err)
				db.slots.release()
			}
		}(k)
	}
	for _, h := range hs {
		if ctx.Err() != nil {
			break
		}
		jobs <- h
	}
	close(jobs)
	wg.Wait()
}
