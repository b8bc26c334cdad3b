package gitscan

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/keyhound/keyhound/finding"
)

// Known remembers blobs already matched with the current rules (an
// incremental scan's record). A blob's findings depend on its content, the
// rules and the path it is matched under (rules and allowlists can be
// path-specific), so a blob is known only under the path it was recorded
// with.
type Known interface {
	// Lookup returns the findings of blob matched under path, and whether
	// it was matched before. The findings are not modified.
	Lookup(blob plumbing.Hash, path string) ([]finding.Finding, bool)
	// Add records that blob was matched under path, with its findings
	// (nil: none). It is called from several goroutines.
	Add(blob plumbing.Hash, path string, fs []finding.Finding)
}

// TreeChange is one file-level change of a commit against its parents, as
// a scan computes it: a file added, modified or deleted at Path (against
// the first parent), or a whole directory deleted.
type TreeChange struct {
	Path    string
	Blob    plumbing.Hash // the file's new version; zero: deleted
	DirGone bool          // Path is a directory deleted whole
	Intro   bool          // Blob differs from the file at Path in every parent
}

// Diffs remembers the tree diffs of commits (an incremental scan's
// record). A commit's diff depends only on the commit (its tree and its
// parents' trees, all named by their content), so it is valid in any later
// scan in which all of the commit's parents are scanned too; only such
// diffs are looked up or added.
type Diffs interface {
	// Diff returns the changes of commit, and whether they are known.
	Diff(commit plumbing.Hash) ([]TreeChange, bool)
	// AddDiff records the changes of commit. It is called from several
	// goroutines.
	AddDiff(commit plumbing.Hash, changes []TreeChange)
}

// diffRecorded is diffNode through Options.Diffs: a known commit's changes
// come from the record, and a commit diffed is added to it.
func (s *session) diffRecorded(n *node) []rawChange {
	d := s.opts.Diffs
	if d == nil || n.kind != nodeCommit {
		return s.diffNode(n)
	}
	for _, p := range n.parents {
		if p.idx < 0 {
			return s.diffNode(n) // a boundary: the diff also records old versions
		}
	}
	if tcs, ok := d.Diff(n.hash); ok {
		out := make([]rawChange, len(tcs))
		for i, c := range tcs {
			out[i] = rawChange{path: c.Path, new: c.Blob, kind: diffFile, intro: c.Intro}
			if c.DirGone {
				out[i].kind = diffDirGone
			}
		}
		return out
	}
	out := s.diffNode(n)
	tcs := make([]TreeChange, len(out))
	for i, c := range out {
		tcs[i] = TreeChange{Path: c.path, Blob: c.new, DirGone: c.kind == diffDirGone, Intro: c.intro}
	}
	d.AddDiff(n.hash, tcs)
	return out
}

// Pool bounds the CPU work of scans running at the same time: every unit
// of work (diffing a commit's trees, decoding a delta tree and matching
// its blobs, reading and matching one blob) holds one of its slots, so
// several repositories scanned concurrently share one set of workers.
// A nil *Pool bounds nothing.
type Pool struct{ slots chan struct{} }

// NewPool returns a pool of n slots (at least one).
func NewPool(n int) *Pool {
	return &Pool{slots: make(chan struct{}, max(n, 1))}
}

func (p *Pool) acquire() {
	if p != nil {
		p.slots <- struct{}{}
	}
}

func (p *Pool) release() {
	if p != nil {
		<-p.slots
	}
}

// HistoryState returns a digest of what decides a full-history scan of the
// repository at target besides the rules: every ref the scan starts from
// (HEAD, branches, tags, notes, the stash and its reflog, the HEADs of
// linked work trees) with the object it names, and the shallow boundary.
// Objects are named by their content, so an equal digest means an equal
// history and equal exposure fields (present_at_head, present_in,
// removed_in). target is a local path.
func HistoryState(target string) (string, error) {
	gitDir, workTree, err := Locate(target)
	if err != nil {
		return "", fmt.Errorf("repository %s: %w", target, err)
	}
	r, err := openGitDir(gitDir, workTree, target)
	if err != nil {
		return "", err
	}
	defer r.close()
	h := sha256.New()
	fmt.Fprintf(h, "keyhound history state 1\n")
	for _, ref := range r.allRefs(func(string) {}) {
		fmt.Fprintf(h, "%s %s\n", ref.name, ref.hash)
	}
	if c, ok := r.head(); ok {
		fmt.Fprintf(h, "head %s\n", c)
	}
	shallow := make([]hash, 0, len(r.shallow))
	for s := range r.shallow {
		shallow = append(shallow, s)
	}
	sort.Slice(shallow, func(i, j int) bool { return bytes.Compare(shallow[i][:], shallow[j][:]) < 0 })
	for _, s := range shallow {
		fmt.Fprintf(h, "shallow %s\n", s)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
