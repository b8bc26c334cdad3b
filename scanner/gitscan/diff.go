package gitscan

import (
	"bytes"
	"container/list"
	"encoding/binary"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
)

// treeCache keeps recently parsed trees, bounded in bytes. It is sharded
// by hash so that the diffing goroutines rarely wait for each other.
type treeCache struct {
	db     *odb
	shards [16]treeShard
	badMu  sync.Mutex
	bad    map[hash]error // trees that could not be read, reported once
	warn   func(string)
}

type treeShard struct {
	mu    sync.Mutex
	max   int
	size  int
	ll    list.List
	items map[hash]*list.Element
}

type treeItem struct {
	h    hash
	t    *tree
	cost int
}

// tree is a parsed tree object: its data and where each entry lies in it.
// The entries hold no pointers, so the collector does not scan them.
type tree struct {
	data []byte
	ents []tent
}

// tent is one entry of a tree: its name is data[name:end] and its hash the
// 20 bytes after the NUL at end.
type tent struct {
	name, end, mode uint32
}

func (e *tent) isDir() bool  { return e.mode&modeTypeMask == modeDir }
func (e *tent) isFile() bool { return e.mode&modeTypeMask == modeFile }

func (t *tree) name(e *tent) []byte { return t.data[e.name:e.end] }
func (t *tree) hash(e *tent) hash   { return hash(t.data[e.end+1 : e.end+21]) }

// sameHash reports whether entry x of t and entry y of u name the same object.
func sameHash(t *tree, x *tent, u *tree, y *tent) bool {
	return string(t.data[x.end+1:x.end+21]) == string(u.data[y.end+1:y.end+21])
}

// parseTreeEntries parses a tree object into entries that point into data
// by offset.
func parseTreeEntries(data []byte) ([]tent, error) {
	if int64(len(data)) >= 1<<32-21 {
		return nil, errors.New("corrupt tree: too large")
	}
	out := make([]tent, 0, bytes.Count(data, []byte{0}))
	for off := 0; off < len(data); {
		sp := -1
		var mode uint32
		for i := off; i < len(data) && i <= off+7; i++ {
			c := data[i]
			if c == ' ' {
				sp = i
				break
			}
			if c < '0' || c > '7' {
				return nil, errors.New("corrupt tree: bad mode")
			}
			mode = mode<<3 | uint32(c-'0')
		}
		if sp <= off {
			return nil, errors.New("corrupt tree: bad mode")
		}
		name := sp + 1
		nul := bytes.IndexByte(data[name:], 0)
		if nul <= 0 || name+nul+21 > len(data) {
			return nil, errors.New("corrupt tree: bad entry")
		}
		end := name + nul
		if bytes.IndexByte(data[name:end], '/') >= 0 {
			return nil, fmt.Errorf("corrupt tree: entry name %q has a slash", data[name:end])
		}
		out = append(out, tent{name: uint32(name), end: uint32(end), mode: mode})
		off = end + 21
	}
	return out, nil
}

func newTreeCache(db *odb, max int, warn func(string)) *treeCache {
	c := &treeCache{db: db, bad: map[hash]error{}, warn: warn}
	for i := range c.shards {
		c.shards[i].max = max / len(c.shards)
		c.shards[i].items = map[hash]*list.Element{}
	}
	return c
}

var emptyTree = &tree{}

// get returns a tree's entries; an unreadable tree is reported once and
// treated as empty.
func (c *treeCache) get(h hash) []treeEntry {
	t := c.tree(h)
	out := make([]treeEntry, len(t.ents))
	for i := range t.ents {
		e := &t.ents[i]
		out[i] = treeEntry{name: t.name(e), mode: e.mode, hash: t.hash(e)}
	}
	return out
}

// tree returns a parsed tree (never nil); an unreadable tree is reported
// once and treated as empty.
func (c *treeCache) tree(h hash) *tree {
	if h.IsZero() {
		return emptyTree
	}
	sh := &c.shards[h[0]&15]
	sh.mu.Lock()
	if e, ok := sh.items[h]; ok {
		sh.ll.MoveToFront(e)
		it := e.Value.(*treeItem)
		sh.mu.Unlock()
		return it.t
	}
	sh.mu.Unlock()
	typ, data, err := c.db.read(h)
	var ents []tent
	if err == nil && typ != objTree {
		err = fmt.Errorf("object %s is a %s, not a tree", h, typ)
	}
	if err == nil {
		ents, err = parseTreeEntries(data)
		if err != nil {
			err = fmt.Errorf("tree %s: %w", h, err)
		}
	}
	if err != nil {
		c.badMu.Lock()
		if _, ok := c.bad[h]; !ok {
			c.bad[h] = err
			c.warn(fmt.Sprintf("%v (its files are not scanned)", err))
		}
		c.badMu.Unlock()
		return emptyTree
	}
	t := &tree{data: data, ents: ents}
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if _, ok := sh.items[h]; !ok {
		cost := len(data) + 12*len(ents) + 128
		sh.items[h] = sh.ll.PushFront(&treeItem{h: h, t: t, cost: cost})
		sh.size += cost
		for sh.size > sh.max && sh.ll.Len() > 1 {
			e := sh.ll.Back()
			it := e.Value.(*treeItem)
			sh.ll.Remove(e)
			delete(sh.items, it.h)
			sh.size -= it.cost
		}
	}
	return t
}

// treeLookup finds files in one tree, remembering the directory of the last
// lookup (paths come in tree order, so most share it).
type treeLookup struct {
	set bool // dir, t and ok hold a lookup
	dir string
	t   *tree
	ok  bool // dir exists in the tree
}

// sameFile reports whether tree t holds at path a regular file with blob h:
// exactly when diffTrees(t, other, …) reports no file change at path for a
// tree other holding that file there (an equal subtree, or an equal entry
// of the same type, is what it skips).
func (l *treeLookup) sameFile(c *treeCache, t hash, path string, h hash) bool {
	dir, name := "", path
	if i := strings.LastIndexByte(path, '/'); i >= 0 {
		dir, name = path[:i], path[i+1:]
	}
	if !l.set || dir != l.dir {
		l.set, l.dir, l.t, l.ok = true, dir, c.tree(t), true
		for rest := dir; rest != "" && l.ok; {
			comp := rest
			if i := strings.IndexByte(rest, '/'); i >= 0 {
				comp, rest = rest[:i], rest[i+1:]
			} else {
				rest = ""
			}
			e := findEntry(l.t, comp, true)
			l.ok = e != nil
			if l.ok {
				l.t = c.tree(l.t.hash(e))
			}
		}
	}
	if !l.ok {
		return false
	}
	e := findEntry(l.t, name, false)
	return e != nil && e.isFile() && l.t.hash(e) == h
}

// findEntry returns the entry of t (in git order) named name that is a
// directory (dir) or is not, or nil.
func findEntry(t *tree, name string, dir bool) *tent {
	key := []byte(name)
	es := t.ents
	i := sort.Search(len(es), func(k int) bool { return compareNames(t.name(&es[k]), es[k].isDir(), key, dir) >= 0 })
	if i < len(es) && compareNames(t.name(&es[i]), es[i].isDir(), key, dir) == 0 {
		return &es[i]
	}
	return nil
}

// Kinds of diff records.
const (
	diffFile    = iota // a file added, modified or deleted (zero new hash)
	diffDirGone        // a whole directory deleted (when not expanded)
)

// diffSink receives one difference: path, old and new blob (zero when
// absent). path is only valid during the call.
type diffSink func(path []byte, old, new hash, kind int)

// diffTrees reports the file-level differences from tree a to tree b,
// skipping every subtree whose hash is unchanged. Deleted directories are
// reported as one diffDirGone record unless expand is set, in which case
// each deleted file is reported.
func (c *treeCache) diffTrees(a, b hash, prefix []byte, expand bool, sink diffSink) {
	path := make([]byte, len(prefix), len(prefix)+128)
	copy(path, prefix)
	c.diff(a, b, path, expand, sink)
}

// diff is diffTrees with path as the prefix; the paths handed to sink are
// built by appending to it (its bytes past len(path) are overwritten).
func (c *treeCache) diff(a, b hash, path []byte, expand bool, sink diffSink) {
	if a == b {
		return
	}
	ta, tb := c.tree(a), c.tree(b)
	ea, eb := ta.ents, tb.ents
	// The entries lying wholly in the bytes both trees start with are the
	// same entries: skip them (most of a changed tree is unchanged).
	i := 0
	if len(ea) > 0 && len(eb) > 0 {
		n := uint32(commonPrefix(ta.data, tb.data))
		i = sort.Search(len(ea), func(k int) bool { return ea[k].end+21 > n })
	}
	j := i
	for i < len(ea) || j < len(eb) {
		var cmp int
		switch {
		case i == len(ea):
			cmp = 1
		case j == len(eb):
			cmp = -1
		default:
			cmp = compareNames(ta.name(&ea[i]), ea[i].isDir(), tb.name(&eb[j]), eb[j].isDir())
		}
		switch {
		case cmp < 0:
			c.removed(ta, &ea[i], path, expand, sink)
			i++
		case cmp > 0:
			c.added(tb, &eb[j], path, sink)
			j++
		default:
			x, y := &ea[i], &eb[j]
			i++
			j++
			if x.mode&modeTypeMask == y.mode&modeTypeMask && sameHash(ta, x, tb, y) {
				continue
			}
			switch {
			case x.isDir() && y.isDir():
				c.diff(ta.hash(x), tb.hash(y), appendName(path, tb.name(y)), expand, sink)
			case x.isFile() && y.isFile():
				sink(appendName(path, tb.name(y)), ta.hash(x), tb.hash(y), diffFile)
			default:
				c.removed(ta, x, path, expand, sink)
				c.added(tb, y, path, sink)
			}
		}
	}
}

func (c *treeCache) removed(t *tree, e *tent, path []byte, expand bool, sink diffSink) {
	switch {
	case e.isFile():
		sink(appendName(path, t.name(e)), t.hash(e), zeroHash, diffFile)
	case e.isDir() && expand:
		c.diff(t.hash(e), zeroHash, appendName(path, t.name(e)), true, sink)
	case e.isDir():
		sink(appendName(path, t.name(e)), zeroHash, zeroHash, diffDirGone)
	}
}

func (c *treeCache) added(t *tree, e *tent, path []byte, sink diffSink) {
	switch {
	case e.isFile():
		sink(appendName(path, t.name(e)), zeroHash, t.hash(e), diffFile)
	case e.isDir():
		c.diff(zeroHash, t.hash(e), appendName(path, t.name(e)), false, sink)
	}
}

// appendName appends "/name" (or name, to an empty path) to path.
func appendName(path, name []byte) []byte {
	if len(path) > 0 {
		path = append(path, '/')
	}
	return append(path, name...)
}

// commonPrefix returns how many bytes a and b start with in common.
func commonPrefix(a, b []byte) int {
	n := min(len(a), len(b))
	i := 0
	for i+8 <= n && binary.LittleEndian.Uint64(a[i:]) == binary.LittleEndian.Uint64(b[i:]) {
		i += 8
	}
	for i < n && a[i] == b[i] {
		i++
	}
	return i
}

// compareNames orders tree entries as git does, given their names and
// whether they are directories: by name, a directory sorting as if its name
// ended with '/'. Entries compare equal only when both name and
// directory-ness match.
func compareNames(an []byte, aDir bool, bn []byte, bDir bool) int {
	n := min(len(an), len(bn))
	if c := bytes.Compare(an[:n], bn[:n]); c != 0 {
		return c
	}
	ca, cb := nextChar(an, n, aDir), nextChar(bn, n, bDir)
	switch {
	case ca < cb:
		return -1
	case ca > cb:
		return 1
	}
	if len(an) != len(bn) {
		if len(an) < len(bn) {
			return -1
		}
		return 1
	}
	return 0
}

func nextChar(name []byte, n int, dir bool) int {
	if n < len(name) {
		return int(name[n])
	}
	if dir {
		return '/'
	}
	return 0
}
