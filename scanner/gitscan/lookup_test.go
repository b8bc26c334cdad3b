package gitscan

import (
	"context"
	"testing"
)

// TestSameFileMatchesDiff checks treeLookup.sameFile, which merges use to
// tell whether another parent holds a file, against what it replaced:
// a file of tree b is unchanged from tree a exactly when diffTrees(a, b)
// reports no file change at its path. The trees are random snapshots with
// nested directories, executable bits, symlinks, and files and directories
// swapping places.
func TestSameFileMatchesDiff(t *testing.T) {
	r := newTestRepo(t)
	rnd := newRand(7)
	var trees []hash
	for _, id := range r.randomTrees(rnd, []string{"a", "b", "a.txt", "a-b", "a0", "lib", "lib.go"}, 40, 6, 4) {
		h, ok := parseHash([]byte(id))
		if !ok {
			t.Fatal("no tree")
		}
		trees = append(trees, h)
	}
	rp, err := openRepo(context.Background(), r.dir, func(string) {})
	if err != nil {
		t.Fatal(err)
	}
	defer rp.close()
	tc := newTreeCache(rp.db, 1<<20, func(msg string) { t.Error(msg) })
	checked, same := 0, 0
	for _, a := range trees {
		for _, b := range trees {
			changed := map[string]bool{}
			tc.diffTrees(a, b, nil, false, func(path []byte, _, new hash, kind int) {
				if kind == diffFile && !new.IsZero() {
					changed[string(path)] = true
				}
			})
			var lk treeLookup
			tc.diffTrees(zeroHash, b, nil, false, func(path []byte, _, new hash, _ int) {
				got := lk.sameFile(tc, a, string(path), new)
				if got == changed[string(path)] {
					t.Errorf("tree %s, file %s of %s: sameFile %v, diff reports a change %v", a, path, b, got, changed[string(path)])
				}
				checked++
				if got {
					same++
				}
			})
		}
	}
	if same == 0 || same == checked {
		t.Fatalf("%d of %d files the same: the trees do not exercise both answers", same, checked)
	}
}
