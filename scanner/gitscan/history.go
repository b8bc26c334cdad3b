// Package gitscan scans git repositories: the whole history reachable from
// every ref, part of it (a range, a branch, what came after a commit), or
// what is staged in the index. Each distinct blob is read and matched once,
// decoded straight from the pack files delta tree by delta tree; findings
// are grouped into one per rule, secret and path, with the commit that
// introduced the secret, where else it was committed, the commit that
// removed it and whether HEAD still holds it.
package gitscan

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/keyhound/keyhound/finding"
	"github.com/keyhound/keyhound/scanner"
)

// Options select what part of a repository is scanned.
type Options struct {
	Staged      bool   // only what the index adds over HEAD
	IndexFile   string // the index to read for Staged ("": the repository's; git hooks set $GIT_INDEX_FILE)
	Range       string // "A..B": commits reachable from B and not from A
	SinceCommit string // commits after this one, up to HEAD (or Branch)
	Branch      string // only commits reachable from this ref

	// Since and Until (zero: open) and Paths (git pathspecs, from the top
	// level) select what is reported: a secret added by a commit whose
	// committer date is within [Since, Until], at a path Paths selects.
	// The history is still read whole, so that a secret added before the
	// selection is not reported as new when a selected commit edits its
	// file.
	Since, Until time.Time
	Paths        []string

	Repository     string           // put on every finding ("" leaves it unset)
	Reader         string           // blob reader: "pack" (default) or "go-git"
	MaxOccurrences int              // occurrences listed per finding (0: 20)
	Warn           func(msg string) // problems that do not stop the scan (a missing or corrupt object)
	Note           func(msg string) // things worth knowing (a shallow clone, an empty repository)
	Progress       Progress         // nil: no progress reporting

	// Known, when set, is the record of an incremental scan: a blob it
	// knows (under the path it would be matched under) is not read, its
	// recorded findings are used, and every blob matched is added to it.
	Known Known
	// Diffs, when set, remembers commits' tree diffs: a commit it knows
	// is not diffed again, and every commit diffed is added to it.
	Diffs Diffs
	// Pool, when set, bounds the CPU work of this scan together with the
	// other scans sharing it.
	Pool *Pool
}

// Progress receives progress reports; calls may come from several goroutines.
type Progress interface {
	// Phase starts a phase ("walking commits", "scanning blobs") whose
	// length is total units (-1 when unknown).
	Phase(name string, total int64)
	// Add reports n more units done and bytes more bytes read.
	Add(n, bytes int64)
}

// Result summarises one repository's scan.
type Result struct {
	Commits int64 // commits walked (or 0 for --staged)
	Blobs   int64 // distinct blobs read
	Known   int64 // blobs not read: their findings came from Options.Known
	// FromBase counts the blobs read that were matched from what matching
	// their delta base left (only what the delta inserted matched anew).
	FromBase int64
	Shallow  bool // the repository is a shallow clone

	// Time spent in each phase.
	WalkTime, DiffTime, ReadTime, ReplayTime time.Duration
}

// Change flags.
const (
	chIntro   = 1 << iota // the blob is new at this path in this commit (vs every parent)
	chDirGone             // a whole directory was deleted
)

// change is one file-level difference of a commit against its first parent.
type change struct {
	path  int32
	blob  int32 // -1: deleted
	old   int32 // the old blob, recorded only where the parent is outside the scan
	flags uint8
}

// Blob flags.
const (
	blobScan    = 1 << iota // introduced by a scanned commit: findings are reported
	blobContext             // the version before a scanned change, outside the scan: findings only suppress
)

type blobInfo struct {
	hash  hash
	first int32 // position in the order of the introducing node, -1 none
	path  int32 // the path it was first seen at (scanned under it)
	flags uint8
}

// session is one repository's scan in progress.
type session struct {
	r    *repo
	opts Options
	warn func(string)
	tc   *treeCache

	g        *graph
	changes  []change
	chStart  []int32 // per position in g.order
	paths    []string
	pathIdx  map[string]int32
	blobs    []blobInfo
	blobIdx  map[hash]int32
	finds    [][]finding.Finding // per blob
	headNode int32               // -1 when HEAD is not in the scanned history
	tips     map[int32][]string  // branch-like refs by their tip node
	staged   bool
	spec     *pathspec // Options.Paths; nil: every path
}

func (s *session) intern(p []byte) int32 {
	if id, ok := s.pathIdx[string(p)]; ok {
		return id
	}
	return s.internString(string(p))
}

func (s *session) internString(p string) int32 {
	if id, ok := s.pathIdx[p]; ok {
		return id
	}
	id := int32(len(s.paths))
	s.paths = append(s.paths, p)
	s.pathIdx[p] = id
	return id
}

func (s *session) blob(h hash) int32 {
	if id, ok := s.blobIdx[h]; ok {
		return id
	}
	id := int32(len(s.blobs))
	s.blobs = append(s.blobs, blobInfo{hash: h, first: -1, path: -1})
	s.blobIdx[h] = id
	return id
}

// Scan scans the repository at target (a path or a clone URL) and emits one
// finding per rule, secret and path.
func Scan(ctx context.Context, target string, m *scanner.Matcher, run scanner.Options, cnt *scanner.Counters, emit func(finding.Finding), opts Options) (Result, error) {
	var res Result
	var missing missingObjects
	warn := func(msg string) {
		cnt.Errors.Add(1)
		if strings.Contains(msg, errNotFound.Error()) {
			missing.add(missingNote{key: msg, msg: msg})
			return
		}
		if opts.Warn != nil {
			opts.Warn(msg)
		}
	}
	onError := run.OnError
	if onError != nil {
		run.OnError = func(path string, err error) {
			if errors.Is(err, errNotFound) {
				missing.add(missingNote{key: path + "\x00" + err.Error(), path: path, err: err})
				return
			}
			onError(path, err)
		}
	}
	defer func() {
		// Named at the end, the same few whatever order workers met them in.
		missing.mu.Lock()
		named := missing.named
		missing.mu.Unlock()
		for _, m := range named {
			switch {
			case m.err != nil && onError != nil:
				onError(m.path, m.err)
			case m.err == nil && opts.Warn != nil:
				opts.Warn(m.msg)
			}
		}
		if msg := missing.summary(); msg != "" && opts.Warn != nil {
			opts.Warn(msg)
		}
	}()
	note := func(msg string) {
		if opts.Note != nil {
			opts.Note(msg)
		}
	}
	r, err := openRepo(ctx, target, note)
	if err != nil {
		return res, err
	}
	defer r.close()
	r.db.slots = opts.Pool
	s := &session{r: r, opts: opts, warn: warn, pathIdx: map[string]int32{}, blobIdx: map[hash]int32{}, headNode: -1, tips: map[int32][]string{}}
	if s.spec, err = parsePathspec(opts.Paths); err != nil {
		return res, err
	}
	if opts.Selective() {
		run.Early = nil // a blob's findings are known to be selected only after the replay
	}
	s.tc = newTreeCache(r.db, 16<<20, warn)
	workers := run.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	t0 := time.Now()
	if opts.Staged {
		if err := s.planStaged(); err != nil {
			return res, err
		}
		res.DiffTime = time.Since(t0)
	} else {
		if err := s.walk(ctx, workers); err != nil {
			return res, err
		}
		res.WalkTime = time.Since(t0)
		t0 = time.Now()
		res.Commits = int64(len(s.g.nodes))
		res.Shallow = s.g.shallow > 0
		if s.g.shallow > 0 {
			note(fmt.Sprintf("repository %s is a shallow clone: history stops at %d commit(s), whose files are attributed to them; older history is not scanned", target, s.g.shallow))
		}
		if opts.Progress != nil {
			opts.Progress.Phase("diffing trees", int64(len(s.g.order)))
		}
		s.diffAll(ctx, workers)
		res.DiffTime = time.Since(t0)
	}
	if ctx.Err() != nil {
		return res, ctx.Err()
	}
	// The trees are all read: what they take is better left to the blobs
	// (the peak of a scan's memory is while blobs are read).
	s.tc = nil
	r.db.cache.clear()
	for _, p := range r.db.packs {
		dropPages(p.data)
	}
	t0 = time.Now()
	n, known, err := s.scanBlobs(ctx, m, run, cnt)
	res.Blobs, res.Known = n, known
	if s.r.db.memos != nil {
		res.FromBase = s.r.db.memos.fromBase.Load()
	}
	res.ReadTime = time.Since(t0)
	if err != nil && ctx.Err() == nil {
		return res, err
	}
	// Interrupted or not, report what the blobs read so far hold.
	t0 = time.Now()
	fs := s.replay()
	res.ReplayTime = time.Since(t0)
	for _, f := range fs {
		emit(f)
	}
	return res, ctx.Err()
}

// Selective reports whether Since, Until or Paths select part of what is found.
func (o *Options) Selective() bool {
	return !o.Since.IsZero() || !o.Until.IsZero() || len(o.Paths) > 0
}

// selects reports whether a secret added by the node at position t, at
// path, is reported (Since, Until, Paths).
func (s *session) selects(t, path int32) bool {
	o := &s.opts
	if !s.staged && (!o.Since.IsZero() || !o.Until.IsZero()) {
		when := s.g.nodes[s.g.order[t]].time
		if !o.Since.IsZero() && when < o.Since.Unix() || !o.Until.IsZero() && when > o.Until.Unix() {
			return false
		}
	}
	return s.spec.match(s.paths[path])
}

// namedMissing is how many missing objects of one repository are named on
// stderr; the rest are summed up in one line.
const namedMissing = 5

// missingObjects counts one repository's missing objects, so that a
// snapshot missing thousands of them does not flood stderr. Every one is
// still counted in the scan's errors; the namedMissing first by key are
// named when the scan ends, so that the same ones are named every run.
type missingObjects struct {
	mu    sync.Mutex
	n     int
	named []missingNote // sorted by key, at most namedMissing
}

// missingNote is a missing object's notice: a warning (msg) or a failed
// path (path, err).
type missingNote struct {
	key, msg, path string
	err            error
}

// add counts one more missing object, keeping it if it is among the
// namedMissing first by key.
func (m *missingObjects) add(note missingNote) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.n++
	i := sort.Search(len(m.named), func(k int) bool { return m.named[k].key > note.key })
	if i == namedMissing {
		return
	}
	m.named = slices.Insert(m.named, i, note)
	if len(m.named) > namedMissing {
		m.named = m.named[:namedMissing]
	}
}

// summary is the line summing up the objects not named ("" if none).
func (m *missingObjects) summary() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.n <= namedMissing {
		return ""
	}
	return fmt.Sprintf("%d missing objects in all, %d not named (the repository is incomplete: a partial clone or a damaged snapshot)", m.n, m.n-namedMissing)
}

// walk selects the roots and the excluded history, and walks the commits
// (decoding the packs' commits ahead with workers when every ref is walked).
func (s *session) walk(ctx context.Context, workers int) error {
	r, o := s.r, s.opts
	var wo walkOptions
	cg, err := openCommitGraph(r.db.dirs[0])
	if err != nil {
		if o.Note != nil {
			o.Note(fmt.Sprintf("commit-graph of %s: %v (reading the commits instead)", r.gitDir, err))
		}
		cg = nil
	}
	defer cg.close()
	wo.graph = cg
	var excl []hash
	tipName := ""
	switch {
	case o.Range != "":
		a, b, ok := strings.Cut(o.Range, "..")
		if !ok || strings.HasPrefix(b, ".") {
			return fmt.Errorf("--range %q: want A..B", o.Range)
		}
		if a == "" {
			a = "HEAD"
		}
		if b == "" {
			b = "HEAD"
		}
		ah, err := r.resolveRev(a)
		if err != nil {
			return r.revErr("--range", err)
		}
		bh, err := r.resolveRev(b)
		if err != nil {
			return r.revErr("--range", err)
		}
		excl, wo.roots, tipName = []hash{ah}, []hash{bh}, b
	case o.SinceCommit != "" || o.Branch != "":
		tip := "HEAD"
		if o.Branch != "" {
			tip = o.Branch
		}
		th, err := r.resolveRev(tip)
		if err != nil {
			if o.Branch != "" {
				return fmt.Errorf("--branch: %w", err)
			}
			return fmt.Errorf("HEAD: %w", err)
		}
		wo.roots, tipName = []hash{th}, tip
		if o.SinceCommit != "" {
			ch, err := r.resolveRev(o.SinceCommit)
			if err != nil {
				return r.revErr("--since-commit", err)
			}
			excl = []hash{ch}
		}
	default:
		// Every ref: nearly every commit of the packs is walked.
		if cg == nil {
			wo.ahead = r.db.decodeCommitsAhead(ctx, workers)
		}
		if o.Reader != "go-git" && o.Known == nil {
			// Nearly every blob is read: plan the packs' decoding
			// while the walk and the diffs run.
			r.db.prepareLayouts()
		}
		wo.names = map[hash]string{}
		byRoot := map[hash][]string{}
		for _, ref := range r.allRefs(s.warn) {
			target, t, _, err := r.peel(ref.hash)
			if err != nil {
				s.warn(fmt.Sprintf("ref %s: %v (not scanned)", ref.name, err))
				continue
			}
			switch t {
			case objCommit, objTree, objBlob:
			default:
				s.warn(fmt.Sprintf("ref %s: points to a %s (not scanned)", ref.name, t))
				continue
			}
			if _, ok := byRoot[target]; !ok {
				wo.roots = append(wo.roots, target)
			}
			if kindOf(ref.name) == refBranch {
				byRoot[target] = append(byRoot[target], ref.name)
			} else if byRoot[target] == nil {
				byRoot[target] = []string{}
			}
			if t != objCommit {
				if _, ok := wo.names[target]; !ok {
					wo.names[target] = ref.name
				}
			}
		}
		defer func() {
			if s.g == nil {
				return
			}
			for h, names := range byRoot {
				if i, ok := s.g.index[h]; ok && len(names) > 0 {
					s.tips[i] = append(s.tips[i], names...)
				}
			}
		}()
	}
	if len(excl) > 0 {
		m, err := r.excludeFrom(ctx, excl, cg, s.warn)
		if err != nil {
			return err
		}
		wo.exclude = m
	}
	var prog func(int64)
	if s.opts.Progress != nil {
		s.opts.Progress.Phase("walking commits", -1)
		prog = func(n int64) { s.opts.Progress.Add(n, 0) }
	}
	g, err := r.walk(ctx, wo, s.warn, prog)
	if err != nil {
		return err
	}
	s.g = g
	if tipName != "" && len(wo.roots) == 1 {
		if i, ok := g.index[wo.roots[0]]; ok {
			s.tips[i] = append(s.tips[i], tipName)
		}
	}
	if h, ok := r.head(); ok {
		if i, ok := g.index[h]; ok {
			s.headNode = i
		}
	}
	return nil
}

// rawChange is a change before its path and blobs are interned.
type rawChange struct {
	path     string
	old, new hash
	kind     int
	intro    bool
}

// diffNode diffs one node against its parents. It only reads shared state
// (the tree cache is safe for concurrent use), so nodes are diffed in parallel.
func (s *session) diffNode(n *node) []rawChange {
	var out []rawChange
	switch {
	case n.kind == nodeBlob:
		name := n.name
		if name == "" {
			name = n.hash.String()
		}
		return []rawChange{{path: name, new: n.tree, kind: diffFile, intro: true}}
	case len(n.parents) == 0:
		s.tc.diffTrees(zeroHash, n.tree, nil, false, func(path []byte, old, new hash, kind int) {
			out = append(out, rawChange{path: string(path), old: old, new: new, kind: kind, intro: !new.IsZero()})
		})
		return out
	}
	p1 := n.parents[0]
	boundary := p1.idx < 0
	s.tc.diffTrees(p1.tree, n.tree, nil, boundary, func(path []byte, old, new hash, kind int) {
		c := rawChange{path: string(path), new: new, kind: kind, intro: !new.IsZero()}
		if boundary {
			c.old = old // the version before, outside the scan: scanned for context
		}
		out = append(out, c)
	})
	if len(n.parents) == 1 {
		return out
	}
	// A merge: a file is introduced only if it differs from every parent's.
	// Looking up the first parent's changes in the other parents costs what
	// those changes do; diffing against the other parents cost what the
	// other branch changed, often far more (a pull request merged into a
	// main branch that moved on since).
	for _, pk := range n.parents[1:] {
		var lk treeLookup
		for i := range out {
			if out[i].intro && lk.sameFile(s.tc, pk.tree, out[i].path, out[i].new) {
				out[i].intro = false
			}
		}
	}
	return out
}

// diffAll diffs every walked node against its parents (in parallel) and
// records, in topological order, its changes and each blob's first
// (commit, path). Workers diff up to diffWindow nodes ahead of the one
// being recorded, so recording overlaps the diffing and a costly node
// holds up no other.
func (s *session) diffAll(ctx context.Context, workers int) {
	g := s.g
	n := len(g.order)
	s.chStart = make([]int32, 0, n+1)
	type result struct {
		pos int
		rc  []rawChange
	}
	// A token lets a worker take one more node; the recorder hands it
	// back once that node is recorded, which bounds the nodes in flight.
	tokens := make(chan struct{}, diffWindow)
	for i := 0; i < diffWindow; i++ {
		tokens <- struct{}{}
	}
	out := make(chan result, diffWindow) // never full: at most diffWindow in flight
	stop := make(chan struct{})
	var next atomic.Int64
	var wg sync.WaitGroup
	for k := 0; k < workers; k++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-tokens:
				case <-stop:
					return
				}
				pos := int(next.Add(1) - 1)
				if pos >= n {
					return
				}
				var rc []rawChange
				if ctx.Err() == nil {
					s.r.db.slots.acquire()
					rc = s.diffRecorded(&g.nodes[g.order[pos]])
					s.r.db.slots.release()
				}
				out <- result{pos, rc}
			}
		}()
	}
	ring := make([][]rawChange, diffWindow)
	have := make([]bool, diffWindow)
	done := 0
	for pos := 0; pos < n && ctx.Err() == nil; {
		r := <-out
		ring[r.pos%diffWindow], have[r.pos%diffWindow] = r.rc, true
		for pos < n && have[pos%diffWindow] {
			s.record(pos, ring[pos%diffWindow])
			ring[pos%diffWindow], have[pos%diffWindow] = nil, false
			pos++
			tokens <- struct{}{}
		}
		if s.opts.Progress != nil && (pos-done >= 256 || pos == n) {
			s.opts.Progress.Add(int64(pos-done), 0)
			done = pos
		}
	}
	close(stop)
	wg.Wait()
	for len(s.chStart) < len(g.order)+1 {
		s.chStart = append(s.chStart, int32(len(s.changes)))
	}
}

// diffWindow is how many nodes the diff workers may be ahead of the recorder.
const diffWindow = 512

// record records the changes of the node at position pos of the order.
func (s *session) record(pos int, rcs []rawChange) {
	s.chStart = append(s.chStart, int32(len(s.changes)))
	for _, rc := range rcs {
		c := change{path: s.internString(rc.path), blob: -1, old: -1}
		if rc.kind == diffDirGone {
			c.flags |= chDirGone
		}
		if !rc.new.IsZero() {
			c.blob = s.blob(rc.new)
		}
		if !rc.old.IsZero() {
			c.old = s.blob(rc.old)
			b := &s.blobs[c.old]
			b.flags |= blobContext
			if b.path < 0 {
				b.path = c.path
			}
		}
		if rc.intro {
			c.flags |= chIntro
			b := &s.blobs[c.blob]
			if b.first < 0 {
				b.first, b.path = int32(pos), c.path
			}
			b.flags |= blobScan
		}
		s.changes = append(s.changes, c)
	}
}

// recorder returns a diff sink appending to s.changes; with boundary, the
// old blob is kept too (the parent is outside the scan).
func (s *session) recorder(boundary bool) diffSink {
	return func(path []byte, old, new hash, kind int) {
		c := change{path: s.intern(path), blob: -1, old: -1}
		if kind == diffDirGone {
			c.flags |= chDirGone
		}
		if !new.IsZero() {
			c.blob = s.blob(new)
		}
		if boundary && !old.IsZero() {
			c.old = s.blob(old)
		}
		s.changes = append(s.changes, c)
	}
}

// scanBlobs reads and matches every blob to scan (and every context blob),
// each once, with the worker pool; findings are kept per blob. Blobs the
// incremental record knows are not read; it returns how many blobs were
// read and how many came from the record.
func (s *session) scanBlobs(ctx context.Context, m *scanner.Matcher, run scanner.Options, cnt *scanner.Counters) (int64, int64, error) {
	want := map[hash]int32{}
	s.finds = make([][]finding.Finding, len(s.blobs))
	known := s.opts.Known
	var nknown int64
	for id := range s.blobs {
		b := &s.blobs[id]
		if b.flags == 0 {
			continue
		}
		if known != nil {
			if fs, ok := known.Lookup(b.hash, s.paths[b.path]); ok {
				s.finds[id] = fs
				nknown++
				continue
			}
		}
		want[b.hash] = int32(id)
	}
	workers := run.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if s.opts.Progress != nil {
		s.opts.Progress.Phase("scanning blobs", int64(len(want)))
	}
	var mu sync.Mutex // serialises reading commits for early findings
	ws := make([]*scanner.Worker, workers)
	for i := range ws {
		ws[i] = run.NewWorker(m, &mu)
	}
	// The driver applies the size limit, binary detection, counters and
	// error accounting as for every other source; the phase progress bar
	// counts blobs instead of bytes.
	drun := run
	drun.OnProgress = nil
	d := scanner.NewDriver(drun, cnt)
	var read atomic.Int64
	sink := func(w int, id int32, data []byte, err error) {
		hint := s.r.db.memos.take(w)
		read.Add(1)
		b := &s.blobs[id]
		path := s.paths[b.path]
		if s.opts.Progress != nil {
			s.opts.Progress.Add(1, int64(len(data)))
		}
		size := int64(len(data))
		var tooLarge errTooLarge
		if errors.As(err, &tooLarge) {
			size, err = tooLarge.size, nil // skipped unread by the pack reader
		}
		if err != nil {
			d.Fail(s.where(id), err)
			return
		}
		var fs []finding.Finding
		it := scanner.Item{Path: path, Size: size, Data: data, Where: func() string { return s.where(id) }, Match: hint.scan}
		switch d.Scan(ws[w], it, func(f finding.Finding) { fs = append(fs, f) }) {
		case scanner.Binary:
			if known != nil {
				known.Add(b.hash, path, nil)
			}
		case scanner.Scanned:
			s.finds[id] = fs
			if run.Early != nil && len(fs) > 0 {
				s.early(run.Early, id, fs, &mu)
			}
			if known != nil {
				known.Add(b.hash, path, fs)
			}
		}
	}
	var err error
	if s.opts.Reader == "go-git" {
		err = s.readBlobsGoGit(ctx, want, workers, sink)
	} else {
		s.r.db.maxBlob = run.MaxFileSize
		s.r.db.memos = newBlobMemos(workers)
		err = s.r.db.readBlobs(ctx, want, len(s.blobs), workers, sink)
	}
	if err != nil && ctx.Err() == nil {
		s.warn(err.Error())
		err = nil
	}
	return read.Load(), nknown, err
}

// early hands a freshly matched blob's findings to the caller before the
// replay settles their provenance: attributed to the commit that introduced
// the blob under this path.
func (s *session) early(send func(finding.Finding), id int32, fs []finding.Finding, mu *sync.Mutex) {
	b := &s.blobs[id]
	var c finding.CommitRef
	if b.first >= 0 && !s.staged {
		mu.Lock() // reading the commit object shares the pack reader's state
		c = s.commitRef(s.g.order[b.first])
		mu.Unlock()
	}
	for _, f := range fs {
		f.Repository = s.opts.Repository
		f.Commit, f.Author, f.Email, f.Date, f.Message = c.Commit, c.Author, c.Email, c.Date, c.Message
		send(f)
	}
}

// where names a blob for a message: its path and the commit that introduced it.
func (s *session) where(id int32) string {
	b := &s.blobs[id]
	w := s.paths[b.path]
	if b.first >= 0 && !s.staged {
		return fmt.Sprintf("%s (blob %s in commit %s)", w, short(b.hash), short(s.g.nodes[s.g.order[b.first]].hash))
	}
	return fmt.Sprintf("%s (blob %s)", w, short(b.hash))
}

func short(h hash) string { return h.String()[:12] }

// commitRef reads a commit's author, date and message for a report.
func (s *session) commitRef(ni int32) finding.CommitRef {
	n := &s.g.nodes[ni]
	if s.staged {
		return finding.CommitRef{}
	}
	if n.kind != nodeCommit {
		return finding.CommitRef{Commit: n.hash.String(), Message: fmt.Sprintf("%s named by %s", map[uint8]string{nodeTree: "tree", nodeBlob: "blob"}[n.kind], n.name)}
	}
	ref := finding.CommitRef{Commit: n.hash.String()}
	t, data, err := s.r.db.read(n.hash)
	if err != nil || t != objCommit {
		return ref
	}
	c, err := parseCommit(data, true)
	if err != nil {
		return ref
	}
	ref.Author, ref.Email, ref.Date, ref.Message = c.author, c.email, rfc3339(c.authorTime, c.authorTZ), c.message
	return ref
}

// sortedNames returns names sorted and without duplicates.
func sortedNames(names []string) []string {
	sort.Strings(names)
	out := names[:0]
	for i, n := range names {
		if i == 0 || n != names[i-1] {
			out = append(out, n)
		}
	}
	return out
}
