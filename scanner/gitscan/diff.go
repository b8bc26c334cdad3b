package gitscan

import (
	"bytes"
	"container/list"
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
	h       hash
	entries []treeEntry
	cost    int
}

func newTreeCache(db *odb, max int, warn func(string)) *treeCache {
	c := &treeCache{db: db, bad: map[hash]error{}, warn: warn}
	for i := range c.shards {
		c.shards[i].max = max / len(c.shards)
		c.shards[i].items = map[hash]*list.Element{}
	}
	return c
}

// get returns a tree's entries; an unreadable tree is reported once and
// treated as empty.
func (c *treeCache) get(h hash) []treeEntry {
	if h.IsZero() {
		return nil
	}
	sh := &c.shards[h[0]&15]
	sh.mu.Lock()
	if e, ok := sh.items[h]; ok {
		sh.ll.MoveToFront(e)
		it := e.Value.(*treeItem)
		sh.mu.Unlock()
		return it.entries
	}
	sh.mu.Unlock()
	t, data, err := c.db.read(h)
	var entries []treeEntry
	if err == nil && t != objTree {
		err = fmt.Errorf("object %s is a %s, not a tree", h, t)
	}
	if err == nil {
		entries, err = parseTree(data, make([]treeEntry, 0, bytes.Count(data, []byte{0})))
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
		return nil
	}
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if _, ok := sh.items[h]; !ok {
		cost := len(data) + 64*len(entries) + 96
		sh.items[h] = sh.ll.PushFront(&treeItem{h: h, entries: entries, cost: cost})
		sh.size += cost
		for sh.size > sh.max && sh.ll.Len() > 1 {
			e := sh.ll.Back()
			it := e.Value.(*treeItem)
			sh.ll.Remove(e)
			delete(sh.items, it.h)
			sh.size -= it.cost
		}
	}
	return entries
}

// treeLookup finds files in one tree, remembering the directory of the last
// lookup (paths come in tree order, so most share it).
type treeLookup struct {
	set     bool // dir, entries and ok hold a lookup
	dir     string
	entries []treeEntry
	ok      bool // dir exists in the tree
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
		l.set, l.dir, l.entries, l.ok = true, dir, c.get(t), true
		for rest := dir; rest != "" && l.ok; {
			comp := rest
			if i := strings.IndexByte(rest, '/'); i >= 0 {
				comp, rest = rest[:i], rest[i+1:]
			} else {
				rest = ""
			}
			e := findEntry(l.entries, comp, true)
			l.ok = e != nil
			if l.ok {
				l.entries = c.get(e.hash)
			}
		}
	}
	if !l.ok {
		return false
	}
	e := findEntry(l.entries, name, false)
	return e != nil && e.isFile() && e.hash == h
}

// findEntry returns the entry of es (a tree's, in git order) named name
// that is a directory (dir) or is not, or nil.
func findEntry(es []treeEntry, name string, dir bool) *treeEntry {
	key := treeEntry{name: []byte(name), mode: modeFile}
	if dir {
		key.mode = modeDir
	}
	i := sort.Search(len(es), func(k int) bool { return compareEntries(&es[k], &key) >= 0 })
	if i < len(es) && compareEntries(&es[i], &key) == 0 {
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
	if a == b {
		return
	}
	ea, eb := c.get(a), c.get(b)
	i, j := 0, 0
	for i < len(ea) || j < len(eb) {
		var cmp int
		switch {
		case i == len(ea):
			cmp = 1
		case j == len(eb):
			cmp = -1
		default:
			cmp = compareEntries(&ea[i], &eb[j])
		}
		switch {
		case cmp < 0:
			c.removed(&ea[i], prefix, expand, sink)
			i++
		case cmp > 0:
			c.added(&eb[j], prefix, sink)
			j++
		default:
			x, y := &ea[i], &eb[j]
			i++
			j++
			if x.hash == y.hash && x.mode&modeTypeMask == y.mode&modeTypeMask {
				continue
			}
			switch {
			case x.isDir() && y.isDir():
				c.diffTrees(x.hash, y.hash, joinPath(prefix, y.name), expand, sink)
			case x.isFile() && y.isFile():
				sink(joinPath(prefix, y.name), x.hash, y.hash, diffFile)
			default:
				c.removed(x, prefix, expand, sink)
				c.added(y, prefix, sink)
			}
		}
	}
}

func (c *treeCache) removed(e *treeEntry, prefix []byte, expand bool, sink diffSink) {
	switch {
	case e.isFile():
		sink(joinPath(prefix, e.name), e.hash, zeroHash, diffFile)
	case e.isDir() && expand:
		c.diffTrees(e.hash, zeroHash, joinPath(prefix, e.name), true, sink)
	case e.isDir():
		sink(joinPath(prefix, e.name), zeroHash, zeroHash, diffDirGone)
	}
}

func (c *treeCache) added(e *treeEntry, prefix []byte, sink diffSink) {
	switch {
	case e.isFile():
		sink(joinPath(prefix, e.name), zeroHash, e.hash, diffFile)
	case e.isDir():
		c.diffTrees(zeroHash, e.hash, joinPath(prefix, e.name), false, sink)
	}
}

func joinPath(prefix, name []byte) []byte {
	if len(prefix) == 0 {
		return name
	}
	p := make([]byte, 0, len(prefix)+1+len(name))
	p = append(p, prefix...)
	p = append(p, '/')
	return append(p, name...)
}

// compareEntries orders tree entries as git does: by name, a directory
// sorting as if its name ended with '/'. Entries compare equal only when
// both name and directory-ness match.
func compareEntries(a, b *treeEntry) int {
	an, bn := a.name, b.name
	n := min(len(an), len(bn))
	if c := bytes.Compare(an[:n], bn[:n]); c != 0 {
		return c
	}
	ca, cb := nextChar(an, n, a.isDir()), nextChar(bn, n, b.isDir())
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
