package gitscan

import (
	"context"
	"slices"
	"sync"
)

// commitsAhead holds the commits of the mapped packs, decoded by several
// workers before the walk: the walk follows parents one commit at a time,
// so reading each commit as it is reached keeps one core busy only.
// A commit it does not hold (stored as a delta, loose, in a pack that is
// not mapped, or one that failed to decode) is read by the walk as before,
// which also reports it when it is broken.
type commitsAhead struct {
	packs map[*pack]*packCommits
}

// packCommits are one pack's commits, by ascending offset.
type packCommits struct {
	offs []int64
	info []aheadCommit
}

type aheadCommit struct {
	ok      bool
	tree    hash
	parents []hash
	time    int64
}

// lookup returns the commit h when it was decoded ahead.
func (a *commitsAhead) lookup(db *odb, h hash) (aheadCommit, bool) {
	if a == nil {
		return aheadCommit{}, false
	}
	p, off, ok := db.locate(h)
	if !ok {
		return aheadCommit{}, false
	}
	pc := a.packs[p]
	if pc == nil {
		return aheadCommit{}, false
	}
	i, found := slices.BinarySearch(pc.offs, off)
	if !found || !pc.info[i].ok {
		return aheadCommit{}, false
	}
	return pc.info[i], true
}

// count returns how many commits were decoded ahead.
func (a *commitsAhead) count() int {
	if a == nil {
		return 0
	}
	n := 0
	for _, pc := range a.packs {
		n += len(pc.offs)
	}
	return n
}

// commitSpan is one whole (not deltified) commit object of a pack.
type commitSpan struct {
	off, start, end, size int64
}

// decodeCommitsAhead decodes every whole commit object of the mapped packs
// with workers goroutines. It returns nil when there is nothing to gain.
func (db *odb) decodeCommitsAhead(ctx context.Context, workers int) *commitsAhead {
	if workers < 2 {
		return nil
	}
	a := &commitsAhead{packs: map[*pack]*packCommits{}}
	type job struct {
		pc    *packCommits
		p     *pack
		spans []commitSpan
		first int
	}
	var jobs []job
	for _, p := range db.packs {
		if p.data == nil {
			continue // read with pread: the walk reads what it needs
		}
		spans := p.commitSpans()
		if len(spans) == 0 {
			continue
		}
		pc := &packCommits{offs: make([]int64, len(spans)), info: make([]aheadCommit, len(spans))}
		for i, s := range spans {
			pc.offs[i] = s.off
		}
		a.packs[p] = pc
		const chunk = 512
		for i := 0; i < len(spans); i += chunk {
			jobs = append(jobs, job{pc, p, spans[i:min(i+chunk, len(spans))], i})
		}
	}
	if len(jobs) == 0 {
		return nil
	}
	ch := make(chan job)
	var wg sync.WaitGroup
	for k := 0; k < workers; k++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var inf inflater
			var buf []byte
			for j := range ch {
				if ctx.Err() != nil {
					continue
				}
				db.slots.acquire()
				for n, s := range j.spans {
					data, err := inf.inflateBytes(j.p.data[s.start:s.end], s.size, buf)
					if err != nil {
						continue
					}
					buf = data
					c, err := parseCommit(data, false)
					if err != nil {
						continue
					}
					j.pc.info[j.first+n] = aheadCommit{ok: true, tree: c.tree, parents: c.parents, time: c.time}
				}
				db.slots.release()
			}
		}()
	}
	for _, j := range jobs {
		ch <- j
	}
	close(ch)
	wg.Wait()
	return a
}

// commitSpans lists the whole commit objects at the start of p by
// ascending offset, each with the extent of its compressed data (up to the
// next object).
func (p *pack) commitSpans() []commitSpan {
	offs, _, err := p.byOffset()
	if err != nil || len(offs) > 0 && (offs[0] < 12 || offs[len(offs)-1] >= p.size-20) {
		return nil // a corrupt index: leave it all to the walk
	}
	var spans []commitSpan
	for i, off := range offs {
		end := p.size - 20
		if i+1 < len(offs) {
			end = offs[i+1]
		}
		h, err := parseObjHeader(p.data[off:min(end, off+32)], off)
		if err != nil {
			continue
		}
		if h.typ == objTree || h.typ == objBlob {
			// git writes a pack's commits (and tags) first, then its trees and
			// blobs: the commits are all seen. A pack written in another order
			// leaves its later commits to the walk.
			break
		}
		if h.typ != objCommit {
			continue
		}
		spans = append(spans, commitSpan{off: off, start: off + int64(h.hdrLen), end: end, size: h.size})
	}
	return spans
}
