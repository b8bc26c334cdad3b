package gitscan

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// TestDiffTreesMatchesGit checks the files diffTrees reports changed between
// two trees against git diff-tree, on random snapshots whose trees mostly
// start alike (the entries they share are skipped) with nested directories,
// executable bits, symlinks, and files and directories swapping places.
func TestDiffTreesMatchesGit(t *testing.T) {
	r := newTestRepo(t)
	rnd := newRand(11)
	trees := r.randomTrees(rnd, []string{"a", "b", "a.txt", "a-b", "a0", "lib", "lib.go", "z"}, 24, 5, 5)
	rp, err := openRepo(context.Background(), r.dir, func(string) {})
	if err != nil {
		t.Fatal(err)
	}
	defer rp.close()
	tc := newTreeCache(rp.db, 1<<20, func(msg string) { t.Error(msg) })
	empty := r.git("hash-object", "-t", "tree", "-w", "/dev/null")
	pairs := [][2]string{{empty, trees[0]}, {trees[len(trees)-1], empty}}
	for i := 1; i < len(trees); i++ {
		pairs = append(pairs, [2]string{trees[i-1], trees[i]}, [2]string{trees[i], trees[rnd.Intn(len(trees))]})
	}
	for _, pr := range pairs {
		a, _ := parseHash([]byte(pr[0]))
		b, _ := parseHash([]byte(pr[1]))
		if pr[0] == empty {
			a = zeroHash
		}
		if pr[1] == empty {
			b = zeroHash
		}
		for _, prefix := range []string{"", "top/dir"} {
			var got []string
			tc.diffTrees(a, b, []byte(prefix), true, func(path []byte, old, new hash, kind int) {
				got = append(got, fmt.Sprintf("%s %s %s", path, old, new))
			})
			sort.Strings(got)
			want := gitFileChanges(t, r, pr[0], pr[1], prefix)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("diff %s..%s (prefix %q):\ngot  %q\nwant %q", pr[0], pr[1], prefix, got, want)
			}
		}
	}
}

// gitFileChanges lists what git diff-tree reports changed between trees a
// and b as diffTrees does: "path old new", where old and new are the
// regular files' blobs (zero for anything else) and only content changes
// count.
func gitFileChanges(t *testing.T, r *testRepo, a, b, prefix string) []string {
	t.Helper()
	var out []string
	for _, line := range strings.Split(r.git("diff-tree", "-r", "--no-renames", a, b), "\n") {
		meta, path, ok := strings.Cut(line, "\t")
		if !ok {
			continue
		}
		f := strings.Fields(strings.TrimPrefix(meta, ":"))
		if len(f) != 5 {
			t.Fatalf("diff-tree line %q", line)
		}
		old, new := zeroHash.String(), zeroHash.String()
		if strings.HasPrefix(f[0], "100") {
			old = f[2]
		}
		if strings.HasPrefix(f[1], "100") {
			new = f[3]
		}
		if old == new {
			continue // not a regular file on either side, or only its mode changed
		}
		if prefix != "" {
			path = prefix + "/" + path
		}
		out = append(out, fmt.Sprintf("%s %s %s", path, old, new))
	}
	sort.Strings(out)
	return out
}

// TestParseTreeEntries checks that the tree cache's parser reads what
// parseTree reads and rejects what it rejects, with the same error.
func TestParseTreeEntries(t *testing.T) {
	h := strings.Repeat("\x01", 20)
	for _, tc := range []struct{ name, data string }{
		{"empty", ""},
		{"entries", "100644 a.txt\x00" + h + "40000 lib\x00" + h + "120000 z\x00" + h},
		{"hash holding NUL and space", "100644 a\x00" + strings.Repeat("\x00 ", 10) + "40000 b\x00" + h},
		{"mode of 7 digits", "1000644 a\x00" + h},
		{"mode too long", "10000644 a\x00" + h},
		{"no mode", " a\x00" + h},
		{"bad mode digit", "100844 a\x00" + h},
		{"no space", "100644"},
		{"no name", "100644 \x00" + h},
		{"short hash", "100644 a\x00" + h[:19]},
		{"slash in name", "100644 a/b\x00" + h},
	} {
		t.Run(tc.name, func(t *testing.T) { sameAsParseTree(t, []byte(tc.data)) })
	}
}

// parseTree is the plain reading of a tree object (names share data's
// memory) that parseTreeEntries must agree with, entries and errors.
func parseTree(data []byte, out []treeEntry) ([]treeEntry, error) {
	out = out[:0]
	for len(data) > 0 {
		sp := bytes.IndexByte(data, ' ')
		if sp <= 0 || sp > 7 {
			return nil, errors.New("corrupt tree: bad mode")
		}
		var mode uint32
		for _, c := range data[:sp] {
			if c < '0' || c > '7' {
				return nil, errors.New("corrupt tree: bad mode")
			}
			mode = mode<<3 | uint32(c-'0')
		}
		data = data[sp+1:]
		nul := bytes.IndexByte(data, 0)
		if nul <= 0 || nul+21 > len(data) {
			return nil, errors.New("corrupt tree: bad entry")
		}
		e := treeEntry{name: data[:nul:nul], mode: mode}
		copy(e.hash[:], data[nul+1:nul+21])
		data = data[nul+21:]
		if bytes.IndexByte(e.name, '/') >= 0 {
			return nil, fmt.Errorf("corrupt tree: entry name %q has a slash", e.name)
		}
		out = append(out, e)
	}
	return out, nil
}

// compareEntries is compareNames on two entries.
func compareEntries(a, b *treeEntry) int {
	return compareNames(a.name, a.isDir(), b.name, b.isDir())
}

// sameAsParseTree fails t when parseTreeEntries reads data otherwise than
// parseTree: other entries, or another error.
func sameAsParseTree(t *testing.T, data []byte) {
	t.Helper()
	want, wantErr := parseTree(data, nil)
	ents, err := parseTreeEntries(data)
	if fmt.Sprint(err) != fmt.Sprint(wantErr) {
		t.Fatalf("error %v, want %v", err, wantErr)
	}
	tr := &tree{data: data, ents: ents}
	var got []treeEntry
	for i := range ents {
		e := &ents[i]
		got = append(got, treeEntry{name: tr.name(e), mode: e.mode, hash: tr.hash(e)})
	}
	if len(got) != len(want) || len(got) > 0 && !reflect.DeepEqual(got, want) {
		t.Errorf("entries %v, want %v", got, want)
	}
}
