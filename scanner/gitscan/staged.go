package gitscan

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// planStaged plans a scan of what the index adds over HEAD: the files whose
// staged version differs from HEAD's, with HEAD's versions as context so
// that a secret already committed is not reported again. Directories whose
// cache-tree hash equals HEAD's are skipped unread, so the cost follows the
// size of the change, not of the history or the tree.
func (s *session) planStaged() error {
	r := s.r
	if r.workTree == "" {
		return fmt.Errorf("--staged: repository %s is bare (it has no index)", r.gitDir)
	}
	indexPath := filepath.Join(r.gitDir, "index")
	if s.opts.IndexFile != "" {
		// git runs a pre-commit hook of "git commit -a" or "git commit
		// <paths>" with a temporary index, named by $GIT_INDEX_FILE.
		indexPath = s.opts.IndexFile
	}
	data, err := os.ReadFile(indexPath)
	var idx *gitIndex
	switch {
	case os.IsNotExist(err):
		idx = &gitIndex{cacheTree: map[string]hash{}}
	case err != nil:
		return fmt.Errorf("--staged: index %s: %w", indexPath, unwrapPath(err))
	default:
		if idx, err = parseIndex(data); err != nil {
			return fmt.Errorf("--staged: index %s: %w", indexPath, err)
		}
	}
	var headTree hash
	n := node{kind: nodeCommit}
	if h, ok := r.head(); ok {
		t, data, err := r.db.read(h)
		if err != nil || t != objCommit {
			return fmt.Errorf("--staged: HEAD: %w", errOrType(err, t, objCommit))
		}
		c, err := parseCommit(data, false)
		if err != nil {
			return fmt.Errorf("--staged: HEAD %s: %w", h, err)
		}
		headTree = c.tree
		n.parents = []parentRef{{idx: -1, tree: headTree}}
	}
	s.staged = true
	s.g = &graph{nodes: []node{n}, index: map[hash]int32{}, order: []int32{0}}
	s.chStart = []int32{0}
	s.stagedDir("", headTree, idx.entries, idx.cacheTree, s.recorder(true))
	s.chStart = append(s.chStart, int32(len(s.changes)))
	for i := range s.changes {
		c := &s.changes[i]
		if c.blob >= 0 {
			c.flags |= chIntro
			b := &s.blobs[c.blob]
			if b.first < 0 {
				b.first, b.path = 0, c.path
			}
			b.flags |= blobScan
		}
		if c.old >= 0 {
			b := &s.blobs[c.old]
			b.flags |= blobContext
			if b.path < 0 {
				b.path = c.path
			}
		}
	}
	return nil
}

// stagedDir compares the index entries under dir (sorted, full paths) with
// HEAD's tree for dir.
func (s *session) stagedDir(dir string, tree hash, entries []indexEntry, valid map[string]hash, sink diffSink) {
	if h, ok := valid[dir]; ok && h == tree && !tree.IsZero() {
		return
	}
	head := s.tc.get(tree)
	byName := make(map[string]*treeEntry, len(head))
	for i := range head {
		byName[string(head[i].name)] = &head[i]
	}
	seen := make(map[string]bool, len(head))
	join := func(name string) string {
		if dir == "" {
			return name
		}
		return dir + "/" + name
	}
	skip := len(dir)
	if dir != "" {
		skip++
	}
	for i := 0; i < len(entries); {
		e := &entries[i]
		if len(e.name) < skip {
			i++
			continue
		}
		rel := e.name[skip:]
		slash := strings.IndexByte(rel, '/')
		if slash < 0 || (slash == len(rel)-1 && e.mode&modeTypeMask == modeDir) {
			// A file (or a sparse index's directory entry).
			i++
			name := strings.TrimSuffix(rel, "/")
			seen[name] = true
			he := byName[name]
			path := []byte(join(name))
			if e.mode&modeTypeMask == modeDir {
				var old hash
				if he != nil && he.isDir() {
					old = he.hash
				} else if he != nil && he.isFile() {
					sink(path, he.hash, zeroHash, diffFile)
				}
				s.tc.diffTrees(old, e.hash, path, true, sink)
				continue
			}
			if he != nil && he.isDir() {
				s.tc.diffTrees(he.hash, zeroHash, path, true, sink)
				he = nil
			}
			if e.mode&modeTypeMask != modeFile {
				if he != nil && he.isFile() {
					sink(path, he.hash, zeroHash, diffFile) // a file became a symlink or submodule
				}
				continue
			}
			if he != nil && he.isFile() && he.hash == e.hash {
				continue
			}
			var old hash
			if he != nil && he.isFile() {
				old = he.hash
			}
			sink(path, old, e.hash, diffFile)
			continue
		}
		sub := rel[:slash]
		j := i + 1
		for j < len(entries) && len(entries[j].name) > skip && strings.HasPrefix(entries[j].name[skip:], sub+"/") {
			j++
		}
		seen[sub] = true
		var subTree hash
		if he := byName[sub]; he != nil {
			if he.isDir() {
				subTree = he.hash
			} else if he.isFile() {
				sink([]byte(join(sub)), he.hash, zeroHash, diffFile)
			}
		}
		s.stagedDir(join(sub), subTree, entries[i:j], valid, sink)
		i = j
	}
	for i := range head {
		he := &head[i]
		name := string(he.name)
		if seen[name] {
			continue
		}
		switch {
		case he.isFile():
			sink([]byte(join(name)), he.hash, zeroHash, diffFile)
		case he.isDir():
			s.tc.diffTrees(he.hash, zeroHash, []byte(join(name)), true, sink)
		}
	}
}
