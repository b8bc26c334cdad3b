package gitcache

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/keyhound/keyhound/finding"
	"github.com/keyhound/keyhound/scanner/gitscan"
)

// A record file (records/<repo>/<key>.rec) is
//
//	"KHREC002"                       magic
//	uint64 n, n blob entries         sorted; 28 bytes: blob id (20) + hash of the path it was matched under (8)
//	uint64 p, p paths                uvarint length + bytes: the paths of the tree diffs
//	uint64 c, c commit entries       sorted; 28 bytes: commit id (20) + first change (uint32) + number of changes (uint32)
//	uint64 d, d change entries       25 bytes: path index (uint32) + blob id (20) + flags (1: directory deleted, 2: introduced)
//	JSON                             recordMeta: the findings of the blobs that have some, the last full scan
//
// Most blobs hold no secret, so the sorted array is most of the record: 28
// bytes a blob (1.2 MB for the 43,000 blobs of a 20,000-commit history),
// read in one go and searched in place; a lookup is a binary search, with
// no map to build. The commits' tree diffs spare a re-run with new commits
// diffing the old ones again. Integers are big endian. The file is
// replaced atomically (written aside, renamed), so a crash leaves the
// previous record, never a torn one.
const (
	recMagic    = "KHREC002"
	entrySize   = 28
	commitSize  = 28
	changeSize  = 25
	metaFormat  = 2
	flagDirGone = 1
	flagIntro   = 2
)

// recordMeta is the JSON part of a record.
type recordMeta struct {
	Format     int    `json:"format"`
	Key        string `json:"key"`
	Repository string `json:"repository"`
	Updated    string `json:"updated"`
	// Blobs holds the findings of recorded blobs that have some, by
	// "<blob id>:<path hash>" (hex), as the matcher reported them.
	Blobs map[string][]finding.Finding `json:"blobs"`
	// Last is the result of the last complete scan of the whole history.
	Last *LastScan `json:"last,omitempty"`
}

// LastScan is the result of a complete scan of a repository's whole
// history: with an unchanged history (the same HistoryState) and the same
// key, it is the result of scanning it again.
type LastScan struct {
	History  string            `json:"history"`
	Commits  int64             `json:"commits"`
	Findings []finding.Finding `json:"findings"`
}

// Record is the incremental-scan record of one repository for one rule set
// and keyhound version (the key). It implements gitscan.Known; Lookup and
// Add are safe for concurrent use.
type Record struct {
	path string
	key  string
	repo string

	old  []byte // sorted entries read from disk
	meta recordMeta

	// Tree diffs read from disk.
	paths   []string
	commits []byte // sorted commit entries
	changes []byte

	mu        sync.Mutex
	hit       []bool // per old entry: looked up in this run
	added     []byte
	finds     map[string][]finding.Finding // of added entries
	diffHit   []bool                       // per commit entry: looked up in this run
	diffAdded map[plumbing.Hash][]gitscan.TreeChange
}

// Record opens the record of repository id for key, or starts an empty
// one when there is none (or the rules or version changed: records of
// other keys are removed when this one is saved). A record that cannot be
// read is started afresh, and the error says why.
func (c *Cache) Record(id, key string) (*Record, error) {
	r := &Record{
		path:      filepath.Join(c.Dir, "records", slug(id), key+".rec"),
		key:       key,
		repo:      id,
		finds:     map[string][]finding.Finding{},
		diffAdded: map[plumbing.Hash][]gitscan.TreeChange{},
	}
	r.meta = recordMeta{Format: metaFormat, Key: key, Repository: id, Blobs: map[string][]finding.Finding{}}
	data, err := os.ReadFile(r.path)
	if errors.Is(err, os.ErrNotExist) {
		return r, nil
	}
	if err == nil {
		err = r.parse(data)
	}
	if err != nil {
		r.old, r.paths, r.commits, r.changes = nil, nil, nil, nil
		r.meta = recordMeta{Format: metaFormat, Key: key, Repository: id, Blobs: map[string][]finding.Finding{}}
		return r, fmt.Errorf("record %s: %w (starting afresh)", r.path, unwrapPath(err))
	}
	r.hit = make([]bool, len(r.old)/entrySize)
	r.diffHit = make([]bool, len(r.commits)/commitSize)
	return r, nil
}

// reader reads the sections of a record, failing on anything out of bounds.
type reader struct {
	b   []byte
	err error
}

func (rd *reader) uint64() uint64 {
	if rd.err != nil || len(rd.b) < 8 {
		rd.fail("truncated")
		return 0
	}
	v := binary.BigEndian.Uint64(rd.b)
	rd.b = rd.b[8:]
	return v
}

func (rd *reader) fail(msg string) {
	if rd.err == nil {
		rd.err = errors.New(msg)
	}
}

// array reads a count and that many fixed-size entries.
func (rd *reader) array(size int) []byte {
	n := rd.uint64()
	if rd.err != nil || n > uint64(len(rd.b))/uint64(size) {
		rd.fail("truncated")
		return nil
	}
	out := rd.b[:n*uint64(size)]
	rd.b = rd.b[n*uint64(size):]
	return out
}

// sorted checks that a section's entries are in strictly increasing order
// of their first key bytes.
func sortedEntries(b []byte, size, key int) bool {
	for i := size; i < len(b); i += size {
		if bytes.Compare(b[i-size:i-size+key], b[i:i+key]) >= 0 {
			return false
		}
	}
	return true
}

func (r *Record) parse(data []byte) error {
	if len(data) < len(recMagic) || string(data[:len(recMagic)]) != recMagic {
		return errors.New("not a keyhound record of this version")
	}
	rd := &reader{b: data[len(recMagic):]}
	ids := rd.array(entrySize)
	np := rd.uint64()
	if rd.err == nil && np > uint64(len(rd.b)) {
		rd.fail("truncated")
	}
	var paths []string
	for i := uint64(0); rd.err == nil && i < np; i++ {
		n, k := binary.Uvarint(rd.b)
		if k <= 0 || n > uint64(len(rd.b)-k) {
			rd.fail("truncated")
			break
		}
		paths = append(paths, string(rd.b[k:k+int(n)]))
		rd.b = rd.b[k+int(n):]
	}
	commits := rd.array(commitSize)
	changes := rd.array(changeSize)
	if rd.err != nil {
		return rd.err
	}
	if !sortedEntries(ids, entrySize, entrySize) || !sortedEntries(commits, commitSize, 20) {
		return errors.New("entries out of order")
	}
	nch := uint64(len(changes) / changeSize)
	for i := 0; i < len(commits); i += commitSize {
		first := uint64(binary.BigEndian.Uint32(commits[i+20:]))
		count := uint64(binary.BigEndian.Uint32(commits[i+24:]))
		if first+count > nch {
			return errors.New("a commit's changes out of bounds")
		}
	}
	for i := 0; i < len(changes); i += changeSize {
		if uint64(binary.BigEndian.Uint32(changes[i:])) >= uint64(len(paths)) {
			return errors.New("a change's path out of bounds")
		}
	}
	var m recordMeta
	if err := json.Unmarshal(rd.b, &m); err != nil {
		return fmt.Errorf("bad metadata: %w", err)
	}
	if m.Format != metaFormat || m.Key != r.key {
		return errors.New("another format or key")
	}
	if m.Blobs == nil {
		m.Blobs = map[string][]finding.Finding{}
	}
	r.old, r.meta, r.paths, r.commits, r.changes = ids, m, paths, commits, changes
	return nil
}

// Len is the number of blobs recorded (as read from disk).
func (r *Record) Len() int { return len(r.old) / entrySize }

// Last returns the result of the last complete whole-history scan, or nil.
func (r *Record) Last() *LastScan { return r.meta.Last }

func entryOf(blob plumbing.Hash, path string) [entrySize]byte {
	var e [entrySize]byte
	copy(e[:20], blob[:])
	ph := sha256.Sum256([]byte(path))
	copy(e[20:], ph[:8])
	return e
}

func entryKey(e []byte) string {
	return hex.EncodeToString(e[:20]) + ":" + hex.EncodeToString(e[20:entrySize])
}

// find returns the index of entry e among the old entries, or -1.
func (r *Record) find(e []byte) int {
	lo, hi := 0, len(r.old)/entrySize
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		switch c := bytes.Compare(r.old[m*entrySize:(m+1)*entrySize], e); {
		case c == 0:
			return m
		case c < 0:
			lo = m + 1
		default:
			hi = m
		}
	}
	return -1
}

// Lookup implements gitscan.Known.
func (r *Record) Lookup(blob plumbing.Hash, path string) ([]finding.Finding, bool) {
	e := entryOf(blob, path)
	i := r.find(e[:])
	if i < 0 {
		return nil, false
	}
	r.mu.Lock()
	r.hit[i] = true
	r.mu.Unlock()
	fs := r.meta.Blobs[entryKey(e[:])]
	return slices.Clone(fs), true
}

// Add implements gitscan.Known.
func (r *Record) Add(blob plumbing.Hash, path string, fs []finding.Finding) {
	e := entryOf(blob, path)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.added = append(r.added, e[:]...)
	if len(fs) > 0 {
		r.finds[entryKey(e[:])] = fs
	}
}

// Diff implements gitscan.Diffs.
func (r *Record) Diff(commit plumbing.Hash) ([]gitscan.TreeChange, bool) {
	lo, hi := 0, len(r.commits)/commitSize
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		switch c := bytes.Compare(r.commits[m*commitSize:m*commitSize+20], commit[:]); {
		case c == 0:
			r.mu.Lock()
			r.diffHit[m] = true
			r.mu.Unlock()
			return r.diffAt(m), true
		case c < 0:
			lo = m + 1
		default:
			hi = m
		}
	}
	return nil, false
}

// AddDiff implements gitscan.Diffs.
func (r *Record) AddDiff(commit plumbing.Hash, changes []gitscan.TreeChange) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.diffAdded[commit] = changes
}

// DropNewDiffs forgets the diffs added in this run (a run that met a
// missing or corrupt object may have diffed a commit only in part).
func (r *Record) DropNewDiffs() {
	r.mu.Lock()
	defer r.mu.Unlock()
	clear(r.diffAdded)
}

// Added is the number of blobs and commit diffs added in this run.
func (r *Record) Added() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.added)/entrySize + len(r.diffAdded)
}

// Save writes the record: the blobs recorded before and those added in
// this run. With last (a complete scan of the whole history), the record
// keeps only the blobs that scan looked up or added, so blobs of history
// that is gone (a force-push, a deleted branch) do not accumulate, and
// last is kept for the next run. Records of other keys are removed.
func (r *Record) Save(last *LastScan) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := len(r.added) / entrySize
	entries := make([][]byte, 0, len(r.old)/entrySize+n)
	blobs := map[string][]finding.Finding{}
	for i := 0; i < len(r.old)/entrySize; i++ {
		if last != nil && !r.hit[i] {
			continue
		}
		e := r.old[i*entrySize : (i+1)*entrySize]
		entries = append(entries, e)
		if fs, ok := r.meta.Blobs[entryKey(e)]; ok {
			blobs[entryKey(e)] = fs
		}
	}
	for i := 0; i < n; i++ {
		entries = append(entries, r.added[i*entrySize:(i+1)*entrySize])
	}
	for k, fs := range r.finds {
		blobs[k] = fs
	}
	slices.SortFunc(entries, bytes.Compare)
	entries = slices.CompactFunc(entries, bytes.Equal)

	meta := r.meta
	meta.Blobs = blobs
	meta.Updated = time.Now().UTC().Format(time.RFC3339)
	if last != nil {
		meta.Last = last
	}
	js, err := json.Marshal(meta)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	buf.Grow(len(recMagic) + 8 + len(entries)*entrySize + len(r.commits) + len(r.changes) + len(js) + 1<<16)
	buf.WriteString(recMagic)
	u64 := func(v int) {
		var nb [8]byte
		binary.BigEndian.PutUint64(nb[:], uint64(v))
		buf.Write(nb[:])
	}
	u64(len(entries))
	for _, e := range entries {
		buf.Write(e)
	}
	r.writeDiffs(&buf, u64, last != nil)
	buf.Write(js)

	dir := filepath.Dir(r.path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("record: %w", unwrapPath(err))
	}
	if err := writeAtomic(r.path, buf.Bytes()); err != nil {
		return fmt.Errorf("record: %w", unwrapPath(err))
	}
	// Records of other rule sets or versions are stale: a changed rule set
	// rescans everything, and nothing would ever read them again.
	if names, err := os.ReadDir(dir); err == nil {
		for _, d := range names {
			if strings.HasSuffix(d.Name(), ".rec") && d.Name() != filepath.Base(r.path) {
				os.Remove(filepath.Join(dir, d.Name()))
			}
		}
	}
	return nil
}

// writeDiffs writes the paths, commits and changes sections: the diffs
// read from disk (with prune, only those looked up in this run) and those
// added.
func (r *Record) writeDiffs(buf *bytes.Buffer, u64 func(int), prune bool) {
	type commitDiff struct {
		commit  plumbing.Hash
		changes []gitscan.TreeChange
	}
	var all []commitDiff
	for i := 0; i < len(r.commits)/commitSize; i++ {
		if prune && !r.diffHit[i] {
			continue
		}
		var h plumbing.Hash
		copy(h[:], r.commits[i*commitSize:])
		if _, ok := r.diffAdded[h]; ok {
			continue
		}
		all = append(all, commitDiff{h, r.diffAt(i)})
	}
	for h, tcs := range r.diffAdded {
		all = append(all, commitDiff{h, tcs})
	}
	slices.SortFunc(all, func(a, b commitDiff) int { return bytes.Compare(a.commit[:], b.commit[:]) })
	pathIdx := map[string]uint32{}
	var paths []string
	for _, cd := range all {
		for _, c := range cd.changes {
			if _, ok := pathIdx[c.Path]; !ok {
				pathIdx[c.Path] = uint32(len(paths))
				paths = append(paths, c.Path)
			}
		}
	}
	u64(len(paths))
	var vb [binary.MaxVarintLen64]byte
	for _, p := range paths {
		buf.Write(vb[:binary.PutUvarint(vb[:], uint64(len(p)))])
		buf.WriteString(p)
	}
	u64(len(all))
	var e [commitSize]byte
	n := 0
	for _, cd := range all {
		copy(e[:20], cd.commit[:])
		binary.BigEndian.PutUint32(e[20:], uint32(n))
		binary.BigEndian.PutUint32(e[24:], uint32(len(cd.changes)))
		buf.Write(e[:])
		n += len(cd.changes)
	}
	u64(n)
	var ch [changeSize]byte
	for _, cd := range all {
		for _, c := range cd.changes {
			binary.BigEndian.PutUint32(ch[:], pathIdx[c.Path])
			copy(ch[4:24], c.Blob[:])
			ch[24] = 0
			if c.DirGone {
				ch[24] |= flagDirGone
			}
			if c.Intro {
				ch[24] |= flagIntro
			}
			buf.Write(ch[:])
		}
	}
}

// diffAt decodes the changes of commit entry i (read-only data: no lock).
func (r *Record) diffAt(i int) []gitscan.TreeChange {
	e := r.commits[i*commitSize : (i+1)*commitSize]
	first := int(binary.BigEndian.Uint32(e[20:]))
	count := int(binary.BigEndian.Uint32(e[24:]))
	out := make([]gitscan.TreeChange, count)
	for k := range out {
		ch := r.changes[(first+k)*changeSize : (first+k+1)*changeSize]
		out[k].Path = r.paths[binary.BigEndian.Uint32(ch)]
		copy(out[k].Blob[:], ch[4:24])
		out[k].DirGone = ch[24]&flagDirGone != 0
		out[k].Intro = ch[24]&flagIntro != 0
	}
	return out
}

// writeAtomic writes data to a temporary file next to path (mode 0600),
// syncs it and renames it over path.
func writeAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-"+filepath.Base(path)+"-")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}
