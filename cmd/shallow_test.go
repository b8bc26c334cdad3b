package cmd

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestRangeInShallowClone: --range or --since-commit naming a commit a
// shallow clone does not have says the clone is shallow and how to fetch
// the history, not just "object not found".
func TestRangeInShallowClone(t *testing.T) {
	src := newRepo(t)
	var first string
	for i, name := range []string{"a.txt", "b.txt", "c.txt"} {
		writeFile(t, filepath.Join(src, name), name+"\n")
		mustGit(t, src, "add", name)
		mustGit(t, src, "commit", "-q", "-m", name)
		if i == 0 {
			first = strings.TrimSpace(mustGit(t, src, "rev-parse", "HEAD"))
		}
	}
	clone := filepath.Join(t.TempDir(), "shallow")
	if out, err := gitRun(t, src, "", "clone", "-q", "--depth", "1", "file://"+src, clone); err != nil {
		t.Fatalf("clone: %v %s", err, out)
	}
	for _, args := range [][]string{
		{"git", "--range", "HEAD~1..HEAD", clone},
		{"git", "--range", first + "..HEAD", clone},
		{"git", "--since-commit", first, clone},
	} {
		r := run(t, "", args...)
		if r.code != 2 || !strings.Contains(r.stderr, "shallow clone") || !strings.Contains(r.stderr, "git fetch --unshallow") ||
			strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 {
			t.Errorf("%v: exit %d, stderr %q", args[1:3], r.code, r.stderr)
		}
	}
	// A full clone with a bad revision says nothing about shallowness.
	if r := run(t, "", "git", "--range", "HEAD~9..HEAD", src); r.code != 2 || strings.Contains(r.stderr, "shallow") {
		t.Errorf("full clone: exit %d %q", r.code, r.stderr)
	}
}
