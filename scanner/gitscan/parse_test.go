package gitscan

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
)

func TestPatchDelta(t *testing.T) {
	base := []byte("hello, world\n")
	// result size 17: copy "hello, " (off 0, len 7), insert "brave ", copy "world\n" (off 7, len 6) -> "hello, brave world\n" is 19
	delta := []byte{byte(len(base)), 19,
		0x80 | 0x01 | 0x10, 0, 7, // copy off 0 len 7
		6, 'b', 'r', 'a', 'v', 'e', ' ', // insert 6
		0x80 | 0x01 | 0x10, 7, 6, // copy off 7 len 6
	}
	got, err := patchDelta(nil, base, delta)
	if err != nil || string(got) != "hello, brave world\n" {
		t.Fatalf("patchDelta = %q, %v", got, err)
	}
	bad := map[string][]byte{
		"empty":             {},
		"base size":         {3, 19},
		"copy out of range": {byte(len(base)), 5, 0x80 | 0x01 | 0x10, 10, 5},
		"insert too long":   {byte(len(base)), 2, 5, 'a', 'b'},
		"result too short":  {byte(len(base)), 30, 0x80 | 0x10, 5},
		"reserved":          {byte(len(base)), 1, 0},
		"truncated copy":    {byte(len(base)), 5, 0x80 | 0x01 | 0x02},
		"truncated varint":  {0x80},
	}
	for name, d := range bad {
		if _, err := patchDelta(nil, base, d); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func FuzzPatchDelta(f *testing.F) {
	f.Add([]byte("hello, world\n"), []byte{13, 19, 0x91, 0, 7, 6, 'b', 'r', 'a', 'v', 'e', ' ', 0x91, 7, 6})
	f.Add([]byte{}, []byte{0, 0})
	f.Fuzz(func(t *testing.T, base, delta []byte) {
		out, err := patchDelta(nil, base, delta)
		if err == nil {
			_, size, _, _ := deltaSizes(delta)
			if int64(len(out)) != size {
				t.Fatalf("result %d bytes, delta says %d", len(out), size)
			}
		}
	})
}

func FuzzParsers(f *testing.F) {
	f.Add([]byte("100644 a.txt\x00aaaaaaaaaaaaaaaaaaaa40000 d\x00bbbbbbbbbbbbbbbbbbbb"))
	f.Add([]byte("tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\nparent 4b825dc642cb6eb9a060e54bf8d69288fbee4904\nauthor A <a@b> 1700000000 +0130\ncommitter A <a@b> 1700000000 -0500\n\nmsg\n"))
	f.Add([]byte("object 4b825dc642cb6eb9a060e54bf8d69288fbee4904\ntype commit\ntag v1\ntagger T <t@t> 1 +0000\n\nm"))
	f.Add([]byte("DIRC\x00\x00\x00\x02\x00\x00\x00\x00TREE\x00\x00\x00\x06\x00-1 0\n01234567890123456789"))
	f.Add([]byte{0x95, 0x0a, 0x20})
	f.Fuzz(func(t *testing.T, b []byte) {
		sameAsParseTree(t, b)
		_, _ = parseCommit(b, true)
		_, _ = parseTag(b)
		_, _ = parseIndex(b)
		_, _ = parseObjHeader(b, 100)
		_, _, _, _ = parseSignature(b)
		_, _ = parseCacheTree(b, "", map[string]hash{})
	})
}

func TestCompareEntries(t *testing.T) {
	// git's order: a directory sorts as if its name ended with '/'.
	names := []struct {
		name string
		dir  bool
	}{{"a", false}, {"a-b", false}, {"a", true}, {"a.c", false}, {"a0", false}, {"b", true}}
	entries := make([]treeEntry, len(names))
	for i, n := range names {
		entries[i] = treeEntry{name: []byte(n.name), mode: modeFile}
		if n.dir {
			entries[i].mode = modeDir
		}
	}
	sort.SliceStable(entries, func(i, j int) bool { return compareEntries(&entries[i], &entries[j]) < 0 })
	var got []string
	for _, e := range entries {
		s := string(e.name)
		if e.isDir() {
			s += "/"
		}
		got = append(got, s)
	}
	want := []string{"a", "a-b", "a.c", "a/", "a0", "b/"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("order %v, want %v", got, want)
	}
	a, d := treeEntry{name: []byte("x"), mode: modeFile}, treeEntry{name: []byte("x"), mode: modeDir}
	if compareEntries(&a, &d) == 0 || compareEntries(&a, &a) != 0 {
		t.Error("a file and a directory of the same name must differ")
	}
}

func TestParseIndexVersions(t *testing.T) {
	for _, version := range []string{"2", "3", "4"} {
		t.Run("v"+version, func(t *testing.T) {
			r := newTestRepo(t)
			r.write("a.txt", "a\n")
			r.write("dir/sub/b.txt", "b\n")
			r.write("dir/c.txt", "c\n")
			r.write("dir/sub/a-very-long-name-to-exercise-prefix-compression.txt", "d\n")
			r.commit("init")
			r.git("update-index", "--index-version", version)
			if version == "3" {
				r.write("later.txt", "x\n")
				r.git("add", "--intent-to-add", "later.txt") // sets an extended flag
			}
			data, err := os.ReadFile(filepath.Join(r.dir, ".git", "index"))
			if err != nil {
				t.Fatal(err)
			}
			idx, err := parseIndex(data)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, e := range idx.entries {
				got = append(got, e.name+" "+e.hash.String())
			}
			var want []string
			for _, line := range strings.Split(r.git("ls-files", "-s"), "\n") {
				f := strings.Fields(line)
				want = append(want, f[3]+" "+f[1])
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("entries\n%v\nwant\n%v", got, want)
			}
			if version != "3" {
				tree := r.git("rev-parse", "HEAD^{tree}")
				if h, ok := idx.cacheTree[""]; !ok || h.String() != tree {
					t.Errorf("cache tree root = %v %v, want %s", h, ok, tree)
				}
				sub := r.git("rev-parse", "HEAD:dir/sub")
				if h := idx.cacheTree["dir/sub"]; h.String() != sub {
					t.Errorf("cache tree dir/sub = %v, want %s", h, sub)
				}
			}
		})
	}
	if _, err := parseIndex([]byte("DIRC\x00\x00\x00\x07" + strings.Repeat("\x00", 24))); err == nil {
		t.Error("version 7 accepted")
	}
	if _, err := parseIndex(bytes.Repeat([]byte{1}, 40)); err == nil {
		t.Error("garbage accepted")
	}
}

// TestRandomCorruptionNeverPanics flips random bytes of a packed
// repository's pack and index files and scans it each time: errors are
// expected, panics and hangs are not.
func TestRandomCorruptionNeverPanics(t *testing.T) {
	r := newTestRepo(t)
	for i := 0; i < 6; i++ {
		r.write("f.txt", strings.Repeat("line of text number "+strings.Repeat("x", i)+"\n", 40)+token(int64(70+i))+"\n")
		r.write("d/g.txt", strings.Repeat("other\n", i*10))
		r.commit("c")
	}
	r.git("repack", "-adq")
	packs, _ := filepath.Glob(filepath.Join(r.dir, ".git", "objects", "pack", "pack-*"))
	orig := map[string][]byte{}
	for _, p := range packs {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		orig[p] = b
		_ = os.Chmod(p, 0o644)
	}
	rnd := newRand(1)
	for iter := 0; iter < 60; iter++ {
		for p, b := range orig {
			c := append([]byte(nil), b...)
			if strings.HasSuffix(p, ".pack") || iter%3 == 0 {
				for k := 0; k < 1+rnd.Intn(4); k++ {
					c[rnd.Intn(len(c))] ^= byte(1 + rnd.Intn(255))
				}
			}
			if err := os.WriteFile(p, c, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		_, _ = tryScan(r.dir, Options{})
		_, _ = tryScan(r.dir, Options{Staged: true})
	}
}
