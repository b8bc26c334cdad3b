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
)

// A record file (records/<repo>/<key>.rec) is
//
//	"KHREC001"                      magic
//	uint64 n                        big endian
//	n entries of 28 bytes, sorted   blob id (20 bytes) + hash of the path it was matched under (8 bytes)
//	JSON                            recordMeta: the findings of the entries that have some, and the last full scan
//
// Most blobs hold no secret, so the sorted array is the record: 28 bytes a
// blob (1.2 MB for the 43,000 blobs of a 20,000-commit history), read in
// one go and searched in place; a lookup is a binary search, with no map
// to build. It is replaced atomically (written aside, renamed), so a
// crash leaves the previous record, never a torn one.
const (
	recMagic   = "KHREC001"
	entrySize  = 28
	metaFormat = 1
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

	mu    sync.Mutex
	hit   []bool // per old entry: looked up in this run
	added []byte
	finds map[string][]finding.Finding // of added entries
}

// Record opens the record of repository id for key, or starts an empty
// one when there is none (or the rules or version changed: records of
// other keys are removed when this one is saved). A record that cannot be
// read is started afresh, and the error says why.
func (c *Cache) Record(id, key string) (*Record, error) {
	r := &Record{
		path:  filepath.Join(c.Dir, "records", slug(id), key+".rec"),
		key:   key,
		repo:  id,
		finds: map[string][]finding.Finding{},
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
		r.old = nil
		r.meta = recordMeta{Format: metaFormat, Key: key, Repository: id, Blobs: map[string][]finding.Finding{}}
		return r, fmt.Errorf("record %s: %w (starting afresh)", r.path, unwrapPath(err))
	}
	r.hit = make([]bool, len(r.old)/entrySize)
	return r, nil
}

func (r *Record) parse(data []byte) error {
	if len(data) < len(recMagic)+8 || string(data[:len(recMagic)]) != recMagic {
		return errors.New("not a keyhound record")
	}
	n := binary.BigEndian.Uint64(data[len(recMagic):])
	start := uint64(len(recMagic) + 8)
	if n > uint64(len(data))/entrySize || start+n*entrySize > uint64(len(data)) {
		return errors.New("truncated")
	}
	ids := data[start : start+n*entrySize]
	for i := entrySize; i < len(ids); i += entrySize {
		if bytes.Compare(ids[i-entrySize:i], ids[i:i+entrySize]) >= 0 {
			return errors.New("entries out of order")
		}
	}
	var m recordMeta
	if err := json.Unmarshal(data[start+n*entrySize:], &m); err != nil {
		return fmt.Errorf("bad metadata: %w", err)
	}
	if m.Format != metaFormat || m.Key != r.key {
		return errors.New("another format or key")
	}
	if m.Blobs == nil {
		m.Blobs = map[string][]finding.Finding{}
	}
	r.old, r.meta = ids, m
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

// Added is the number of blobs added in this run.
func (r *Record) Added() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.added) / entrySize
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
	buf.Grow(len(recMagic) + 8 + len(entries)*entrySize + len(js))
	buf.WriteString(recMagic)
	var nb [8]byte
	binary.BigEndian.PutUint64(nb[:], uint64(len(entries)))
	buf.Write(nb[:])
	for _, e := range entries {
		buf.Write(e)
	}
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
