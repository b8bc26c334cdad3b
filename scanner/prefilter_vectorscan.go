//go:build vectorscan

package scanner

/*
// Debian's libvectorscan-dev or libhyperscan-dev (5.2 or later); elsewhere
// point CGO_CFLAGS/CGO_LDFLAGS at the library's prefix.
#cgo LDFLAGS: -lhs
#include <stdlib.h>
#include <string.h>
#include <hs/hs.h>

// kh_hit mirrors the Go hit: one keyword occurrence.
typedef struct {
	unsigned long long end;
	unsigned int pat;
} kh_hit;

// kh_ctx is one scan's hit buffer, grown in C so that the match callback
// never calls into Go.
typedef struct {
	kh_hit *buf;
	size_t n, cap;
	int oom;
} kh_ctx;

static int kh_on_match(unsigned int id, unsigned long long from,
                       unsigned long long to, unsigned int flags, void *p) {
	kh_ctx *c = p;
	if (c->n == c->cap) {
		size_t nc = c->cap ? 2 * c->cap : 4096;
		kh_hit *nb = realloc(c->buf, nc * sizeof(kh_hit));
		if (!nb) {
			c->oom = 1;
			return 1; // stop scanning
		}
		c->buf = nb;
		c->cap = nc;
	}
	c->buf[c->n].end = to;
	c->buf[c->n].pat = id;
	c->n++;
	return 0;
}

// kh_scan runs db over data, leaving every hit in c.
static hs_error_t kh_scan(const hs_database_t *db, hs_scratch_t *s, kh_ctx *c,
                          const char *data, unsigned int len) {
	c->n = 0;
	c->oom = 0;
	return hs_scan(db, data, len, 0, s, kh_on_match, c);
}

// kh_compile builds a block-mode database of n caseless literals, laid end
// to end in text with their lengths in lens; their ids are their indexes.
static hs_error_t kh_compile(const char *text, const size_t *lens, unsigned n,
                             hs_database_t **db, char **msg) {
	const char **lits = malloc(n * sizeof(char *));
	unsigned *flags = malloc(n * sizeof(unsigned));
	unsigned *ids = malloc(n * sizeof(unsigned));
	if (!lits || !flags || !ids) {
		free(lits);
		free(flags);
		free(ids);
		return HS_NOMEM;
	}
	for (unsigned i = 0; i < n; i++) {
		lits[i] = text;
		text += lens[i];
		flags[i] = HS_FLAG_CASELESS; // never SINGLEMATCH: every occurrence counts
		ids[i] = i;
	}
	hs_compile_error_t *err = NULL;
	hs_error_t rc = hs_compile_lit_multi(lits, flags, ids, lens, n,
	                                     HS_MODE_BLOCK, NULL, db, &err);
	free(lits);
	free(flags);
	free(ids);
	if (err) {
		*msg = err->message ? strdup(err->message) : NULL;
		hs_free_compile_error(err);
	}
	return rc;
}
*/
import "C"

import (
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"unsafe"
)

// vsPrefilter finds the same keyword occurrences as the Go automaton with
// one Vectorscan (Hyperscan) block-mode database of every keyword as a
// caseless literal.
//
// The database compiles in the background (~30 ms for the default rules'
// 770 keywords): until it is ready the Go automaton answers, which gives
// the same hits, so a run that scans little (an empty directory, one staged
// file) never waits for it.
type vsPrefilter struct {
	db   atomic.Pointer[vsDB]
	done chan struct{} // closed once compiling has ended
	err  error         // why there is no database, once done
}

// vsDB is a compiled database, shared by every worker, with a pool of
// scratch space: each concurrent scan needs its own.
type vsDB struct {
	db      *C.hs_database_t
	proto   *C.hs_scratch_t
	plen    []int
	scratch sync.Pool // *vsScratch
}

// vsHandles are what a dropped vsDB frees.
type vsHandles struct {
	db    *C.hs_database_t
	proto *C.hs_scratch_t
}

// vsScratch is one scanner's Vectorscan scratch and hit buffer (C memory,
// freed when the pool drops it).
type vsScratch struct {
	s   *C.hs_scratch_t
	ctx *C.kh_ctx
}

// vectorscanSync makes newVectorscan wait for the database: the tests set
// it, so that every scan of theirs runs Vectorscan.
var vectorscanSync = false

// newVectorscan starts compiling patterns, or returns nil when the Go
// automaton must do the job alone: there are no keywords, or one is empty
// (Vectorscan has no empty literal).
func newVectorscan(patterns []string, plen []int) *vsPrefilter {
	v := startVectorscan(patterns, plen)
	if v != nil && vectorscanSync {
		_ = v.wait()
	}
	return v
}

// startVectorscan compiles patterns in the background.
func startVectorscan(patterns []string, plen []int) *vsPrefilter {
	if len(patterns) == 0 || slices.Contains(patterns, "") {
		return nil
	}
	v := &vsPrefilter{done: make(chan struct{})}
	pats := slices.Clone(patterns)
	go func() {
		defer close(v.done)
		db, err := compileVectorscan(pats, plen)
		if err != nil {
			v.err = err
			return
		}
		v.db.Store(db)
	}()
	return v
}

// wait blocks until the database is compiled and reports why there is
// none, if so.
func (v *vsPrefilter) wait() error {
	<-v.done
	return v.err
}

// compileVectorscan builds the database of patterns.
func compileVectorscan(patterns []string, plen []int) (*vsDB, error) {
	n := len(patterns)
	// The literals end to end, and their lengths: Go memory without
	// pointers, which C may read during the call.
	var text []byte
	lens := make([]C.size_t, n)
	for i, s := range patterns {
		if s == "" {
			return nil, fmt.Errorf("vectorscan: empty keyword")
		}
		text = append(text, s...)
		lens[i] = C.size_t(len(s))
	}
	var db *C.hs_database_t
	var msg *C.char
	if rc := C.kh_compile((*C.char)(unsafe.Pointer(&text[0])), &lens[0], C.uint(n), &db, &msg); rc != C.HS_SUCCESS {
		err := fmt.Errorf("vectorscan: compiling %d keywords: error %d", n, int(rc))
		if msg != nil {
			err = fmt.Errorf("vectorscan: compiling %d keywords: %s", n, C.GoString(msg))
			C.free(unsafe.Pointer(msg))
		}
		return nil, err
	}
	var proto *C.hs_scratch_t
	if rc := C.hs_alloc_scratch(db, &proto); rc != C.HS_SUCCESS {
		C.hs_free_database(db)
		return nil, fmt.Errorf("vectorscan: allocating scratch: error %d", int(rc))
	}
	v := &vsDB{db: db, proto: proto, plen: plen}
	v.scratch.New = v.newScratch
	runtime.AddCleanup(v, func(h vsHandles) {
		C.hs_free_scratch(h.proto)
		C.hs_free_database(h.db)
	}, vsHandles{db, proto})
	return v, nil
}

func (v *vsDB) newScratch() any {
	ctx := (*C.kh_ctx)(C.calloc(1, C.size_t(unsafe.Sizeof(C.kh_ctx{}))))
	var scratch *C.hs_scratch_t
	if ctx == nil || C.hs_clone_scratch(v.proto, &scratch) != C.HS_SUCCESS {
		C.free(unsafe.Pointer(ctx))
		return nil
	}
	s := &vsScratch{s: scratch, ctx: ctx}
	runtime.AddCleanup(s, func(c vsScratch) {
		C.hs_free_scratch(c.s)
		C.free(unsafe.Pointer(c.ctx.buf))
		C.free(unsafe.Pointer(c.ctx))
	}, *s)
	return s
}

// find appends every keyword occurrence in data to hits in the Go
// automaton's order (see cmp). ok is false when Vectorscan did not scan
// data (not compiled yet, or an error): the caller then runs the Go
// automaton.
func (p *vsPrefilter) find(data []byte, hits []hit) (_ []hit, ok bool) {
	v := p.db.Load()
	if v == nil || len(data) > math.MaxUint32 {
		return hits, false
	}
	if len(data) == 0 {
		return hits, true
	}
	s, _ := v.scratch.Get().(*vsScratch)
	if s == nil {
		return hits, false
	}
	defer v.scratch.Put(s)
	rc := C.kh_scan(v.db, s.s, s.ctx, (*C.char)(unsafe.Pointer(&data[0])), C.uint(len(data)))
	if rc != C.HS_SUCCESS || s.ctx.oom != 0 {
		return hits, false
	}
	n := int(s.ctx.n)
	if n == 0 {
		return hits, true
	}
	base := len(hits)
	for _, h := range unsafe.Slice(s.ctx.buf, n) {
		hits = append(hits, hit{pat: int(h.pat), end: int(h.end)})
	}
	// Vectorscan reports literals by end offset, and those ending together
	// by index: move longer keywords first within each such run. (The
	// caller does not depend on the order within a run; matching the Go
	// automaton exactly keeps the two builds' hits comparable.)
	out := hits[base:]
	for i := 1; i < len(out); i++ {
		if out[i].end < out[i-1].end { // not seen: sort it all
			slices.SortFunc(out, v.cmp)
			break
		}
		for j := i; j > 0 && out[j].end == out[j-1].end && v.cmp(out[j], out[j-1]) < 0; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return hits, true
}

// cmp orders hits as the Go automaton reports them: by end offset, then
// longest keyword first, then by keyword index.
func (v *vsDB) cmp(a, b hit) int {
	if a.end != b.end {
		return a.end - b.end
	}
	if la, lb := v.plen[a.pat], v.plen[b.pat]; la != lb {
		return lb - la
	}
	return a.pat - b.pat
}
