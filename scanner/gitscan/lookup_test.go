package gitscan

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
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
	names := []string{"a", "b", "a.txt", "a-b", "a0", "lib", "lib.go"}
	randPath := func() string {
		p := names[rnd.Intn(len(names))]
		for d := rnd.Intn(3); d > 0; d-- {
			p += "/" + names[rnd.Intn(len(names))]
		}
		return p
	}
	var trees []hash
	for c := 0; c < 40; c++ {
		for k := 0; k < 1+rnd.Intn(6); k++ {
			p := filepath.Join(r.dir, randPath())
			switch op := rnd.Intn(10); {
			case op < 2:
				os.RemoveAll(p)
			default:
				// A path may have to become a directory or a file: clear
				// whatever stands in the way.
				for d := filepath.Dir(p); d != r.dir; d = filepath.Dir(d) {
					if fi, err := os.Lstat(d); err == nil && !fi.IsDir() {
						os.Remove(d)
					}
				}
				os.RemoveAll(p)
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				content := fmt.Sprintf("v%d", rnd.Intn(4)) // equal blobs at other paths, as symlinks, and back
				var err error
				switch {
				case op == 2:
					err = os.Symlink(content, p) // the same blob as a file holding content
				case op == 3:
					err = os.WriteFile(p, []byte(content), 0o755)
				default:
					err = os.WriteFile(p, []byte(content), 0o644)
				}
				if err != nil {
					t.Fatal(err)
				}
			}
		}
		r.commit(fmt.Sprint(c))
		h, ok := parseHash([]byte(r.git("rev-parse", "HEAD^{tree}")))
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
