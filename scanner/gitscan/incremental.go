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
