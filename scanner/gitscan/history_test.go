package gitscan

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestAddedThenRemoved(t *testing.T) {
	r := newTestRepo(t)
	r.write("README", "hello\n")
	r.commit("init")
	s := token(1)
	r.write("config.txt", "key = "+s+"\n")
	intro := r.commit("add config")
	r.write("config.txt", "key = from-env\n")
	removed := r.commit("remove the key")
	sr := scanRepo(t, r.dir, Options{})
	f := sr.bySecret(t, s)
	if f.Commit != intro || f.File != "config.txt" || f.Line != 1 || f.Column != 7 {
		t.Errorf("finding: commit %s file %s line %d col %d, want %s config.txt 1 7", f.Commit, f.File, f.Line, f.Column, intro)
	}
	if f.Author != "Test Author" || f.Email != "author@example.com" || f.Message != "add config" || !strings.HasSuffix(f.Date, "+01:00") {
		t.Errorf("provenance: %q %q %q %q", f.Author, f.Email, f.Message, f.Date)
	}
	if f.RemovedIn == nil || f.RemovedIn.Commit != removed || f.RemovedIn.Message != "remove the key" {
		t.Errorf("removed_in = %+v, want %s", f.RemovedIn, removed)
	}
	if f.PresentAtHead == nil || *f.PresentAtHead {
		t.Errorf("present_at_head = %v, want false", f.PresentAtHead)
	}
	if f.OccurrenceCount != 1 || len(f.Occurrences) != 1 || f.Occurrences[0].Commit != intro {
		t.Errorf("occurrences = %d %+v", f.OccurrenceCount, f.Occurrences)
	}
	if sr.res.Commits != 3 {
		t.Errorf("commits = %d, want 3", sr.res.Commits)
	}
}

func TestHidingPlaces(t *testing.T) {
	tests := []struct {
		name  string
		build func(r *testRepo) (secret, commit string)
		check func(t *testing.T, r *testRepo, sr scanResult, secret, commit string)
	}{
		{
			name: "unmerged branch",
			build: func(r *testRepo) (string, string) {
				r.write("a.txt", "a\n")
				r.commit("init")
				r.git("checkout", "-q", "-b", "feature")
				s := token(2)
				r.write("b.txt", s+"\n")
				c := r.commit("feature work")
				r.git("checkout", "-q", "main")
				r.write("a.txt", "a2\n")
				r.commit("main work")
				return s, c
			},
			check: func(t *testing.T, r *testRepo, sr scanResult, s, c string) {
				f := sr.bySecret(t, s)
				if !reflect.DeepEqual(f.PresentIn, []string{"refs/heads/feature"}) || *f.PresentAtHead || f.RemovedIn != nil {
					t.Errorf("present_in %v at_head %v removed %+v", f.PresentIn, *f.PresentAtHead, f.RemovedIn)
				}
			},
		},
		{
			name: "commit reachable only from an annotated tag",
			build: func(r *testRepo) (string, string) {
				r.write("a.txt", "a\n")
				r.commit("init")
				s := token(3)
				r.write("a.txt", "a\n"+s+"\n")
				c := r.commit("release with key")
				r.git("tag", "-a", "-m", "v1", "v1")
				r.git("reset", "-q", "--hard", "HEAD~1")
				return s, c
			},
		},
		{
			name: "stash",
			build: func(r *testRepo) (string, string) {
				r.write("a.txt", "a\n")
				r.commit("init")
				s := token(4)
				r.write("a.txt", "a\n"+s+"\n")
				r.git("stash", "push", "-q")
				return s, r.git("rev-parse", "refs/stash")
			},
		},
		{
			name: "older stash entry, only in the stash reflog",
			build: func(r *testRepo) (string, string) {
				r.write("a.txt", "a\n")
				r.commit("init")
				s := token(5)
				r.write("a.txt", "a\n"+s+"\n")
				r.git("stash", "push", "-q")
				c := r.git("rev-parse", "refs/stash")
				r.write("a.txt", "b\n")
				r.git("stash", "push", "-q")
				return s, c
			},
		},
		{
			name: "renamed file",
			build: func(r *testRepo) (string, string) {
				s := token(6)
				r.write("a.txt", "x = "+s+"\n")
				c := r.commit("add")
				r.git("mv", "a.txt", "b.txt")
				r.commit("rename")
				return s, c
			},
			check: func(t *testing.T, r *testRepo, sr scanResult, s, c string) {
				f := sr.bySecret(t, s)
				if f.File != "a.txt" || f.OccurrenceCount != 2 || f.Occurrences[1].Path != "b.txt" || !*f.PresentAtHead || f.RemovedIn != nil {
					t.Errorf("renamed: %+v", f)
				}
			},
		},
		{
			name: "renamed and edited in one commit",
			build: func(r *testRepo) (string, string) {
				s := token(7)
				r.write("a.txt", "one\ntwo\nx = "+s+"\n")
				c := r.commit("add")
				r.git("mv", "a.txt", "b.txt")
				r.write("b.txt", "one\ntwo\nthree\nx = "+s+"\n")
				r.commit("rename and edit")
				return s, c
			},
			check: func(t *testing.T, r *testRepo, sr scanResult, s, c string) {
				f := sr.bySecret(t, s)
				if f.File != "a.txt" || f.OccurrenceCount != 2 || !*f.PresentAtHead {
					t.Errorf("renamed and edited: %+v", f)
				}
			},
		},
		{
			name: "deleted file",
			build: func(r *testRepo) (string, string) {
				r.write("keep.txt", "k\n")
				s := token(8)
				r.write("dir/secret.env", "TOKEN="+s+"\n")
				c := r.commit("add")
				r.git("rm", "-q", "-r", "dir")
				r.commit("delete")
				return s, c
			},
			check: func(t *testing.T, r *testRepo, sr scanResult, s, c string) {
				f := sr.bySecret(t, s)
				if f.File != "dir/secret.env" || f.RemovedIn == nil || f.RemovedIn.Message != "delete" || *f.PresentAtHead {
					t.Errorf("deleted: %+v", f)
				}
			},
		},
		{
			name: "only in a merge commit's conflict resolution (evil merge)",
			build: func(r *testRepo) (string, string) {
				r.write("conf.txt", "v = 0\n")
				r.commit("init")
				r.git("checkout", "-q", "-b", "other")
				r.write("conf.txt", "v = 1\n")
				r.commit("other side")
				r.git("checkout", "-q", "main")
				r.write("conf.txt", "v = 2\n")
				r.commit("main side")
				// The merge conflicts; resolve it with content neither side had.
				runGitAllowFail(r, "merge", "-q", "other")
				s := token(9)
				r.write("conf.txt", "v = "+s+"\n")
				r.git("add", "conf.txt")
				r.git("commit", "-q", "--no-edit")
				return s, r.git("rev-parse", "HEAD")
			},
			check: func(t *testing.T, r *testRepo, sr scanResult, s, c string) {
				f := sr.bySecret(t, s)
				if !strings.HasPrefix(f.Message, "Merge branch 'other'") {
					t.Errorf("evil merge attributed to %q", f.Message)
				}
			},
		},
		{
			name: "merge that brings a branch's secret in is not a new introduction",
			build: func(r *testRepo) (string, string) {
				r.write("a.txt", "a\n")
				r.commit("init")
				r.git("checkout", "-q", "-b", "topic")
				s := token(10)
				r.write("t.txt", s+"\n")
				c := r.commit("topic adds key")
				r.git("checkout", "-q", "main")
				r.write("a.txt", "a2\n")
				r.commit("main moves")
				r.git("merge", "-q", "--no-edit", "topic")
				return s, c
			},
			check: func(t *testing.T, r *testRepo, sr scanResult, s, c string) {
				f := sr.bySecret(t, s)
				if f.OccurrenceCount != 1 || !*f.PresentAtHead {
					t.Errorf("merged: %+v", f)
				}
			},
		},
		{
			name: "git notes",
			build: func(r *testRepo) (string, string) {
				r.write("a.txt", "a\n")
				r.commit("init")
				s := token(11)
				r.git("notes", "add", "-m", "deploy with "+s)
				return s, r.git("rev-parse", "refs/notes/commits")
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := newTestRepo(t)
			s, c := tc.build(r)
			for _, packed := range []bool{false, true} {
				if packed {
					r.git("repack", "-adq")
				}
				for _, reader := range []string{"pack", "go-git"} {
					sr := scanRepo(t, r.dir, Options{Reader: reader})
					if len(sr.warnings) > 0 || len(sr.errs) > 0 {
						t.Errorf("packed=%v reader=%s: warnings %v errors %v", packed, reader, sr.warnings, sr.errs)
					}
					f := sr.bySecret(t, s)
					if f.Commit != c {
						t.Errorf("packed=%v reader=%s: commit %s, want %s", packed, reader, f.Commit, c)
					}
					if tc.check != nil {
						tc.check(t, r, sr, s, c)
					}
				}
			}
		})
	}
}

func runGitAllowFail(r *testRepo, args ...string) {
	defer func() { _ = recover() }()
	r.t.Helper()
	tt := &failOK{TB: r.t}
	runGit(tt, r.dir, &r.when, args...)
}

// failOK turns Fatalf into a panic that the caller recovers from.
type failOK struct{ testing.TB }

func (f *failOK) Fatalf(string, ...any) { panic("git failed") }
func (f *failOK) Helper()               {}

func TestSecretKeptThroughEdits(t *testing.T) {
	r := newTestRepo(t)
	s := token(20)
	r.write("app/settings.py", "DEBUG = False\nAPI_TOKEN = '"+s+"'\n")
	intro := r.commit("settings")
	content := "DEBUG = False\nAPI_TOKEN = '" + s + "'\n"
	for i := 0; i < 10; i++ {
		content = "# edit " + strings.Repeat("x", i) + "\n" + content
		r.write("app/settings.py", content)
		r.commit("edit")
	}
	sr := scanRepo(t, r.dir, Options{MaxOccurrences: 5})
	if len(sr.findings) != 1 {
		t.Fatalf("want one finding, got %d: %+v", len(sr.findings), sr.findings)
	}
	f := sr.findings[0]
	if f.Commit != intro || f.Line != 2 || f.Message != "settings" {
		t.Errorf("attributed to %s line %d, want %s line 2", f.Commit, f.Line, intro)
	}
	if f.OccurrenceCount != 11 || len(f.Occurrences) != 5 || f.Occurrences[0].Commit != intro {
		t.Errorf("occurrences: count %d list %d first %+v", f.OccurrenceCount, len(f.Occurrences), f.Occurrences)
	}
	if !*f.PresentAtHead || f.RemovedIn != nil || !reflect.DeepEqual(f.PresentIn, []string{"HEAD", "refs/heads/main"}) {
		t.Errorf("present_at_head %v removed %+v present_in %v", *f.PresentAtHead, f.RemovedIn, f.PresentIn)
	}
	if sr.res.Blobs != 11 {
		t.Errorf("blobs read = %d, want 11 (each version once)", sr.res.Blobs)
	}
}

func TestEachBlobOnce(t *testing.T) {
	r := newTestRepo(t)
	s := token(21)
	r.write("a/x.txt", s+"\n")
	r.write("b/x.txt", s+"\n") // the same blob at two paths
	r.commit("two copies")
	r.git("checkout", "-q", "-b", "b1")
	r.write("c.txt", "c\n")
	r.commit("b1")
	r.git("checkout", "-q", "main")
	r.git("cherry-pick", "b1")
	sr := scanRepo(t, r.dir, Options{})
	if sr.res.Blobs != 2 || sr.cnt.Files.Load() != 2 {
		t.Errorf("blobs read %d, files %d; want 2", sr.res.Blobs, sr.cnt.Files.Load())
	}
	// Two paths: two findings (identity is rule + secret + path).
	if got := len(sr.findings); got != 2 {
		t.Errorf("findings = %d, want 2", got)
	}
}

func TestStagedRangeSinceBranch(t *testing.T) {
	r := newTestRepo(t)
	s1, s2, s3, s4, s5 := token(31), token(32), token(33), token(34), token(35)
	r.write("f.txt", "one = "+s1+"\n")
	c1 := r.commit("c1")
	r.write("f.txt", "one = "+s1+"\ntwo = "+s2+"\n") // keeps s1, adds s2
	c2 := r.commit("c2")
	r.write("g.txt", "three = "+s3+"\n")
	r.git("mv", "f.txt", "h.txt")
	c3 := r.commit("c3")
	r.git("checkout", "-q", "-b", "side", c2)
	r.write("side.txt", s4+"\n")
	r.commit("side")
	r.git("checkout", "-q", "main")
	_ = c3

	tests := []struct {
		name string
		opts Options
		want []string
	}{
		{"range c1..main", Options{Range: c1 + "..main"}, sorted(s2, s3)},
		{"range c2..main", Options{Range: c2 + "..main"}, sorted(s3)},
		{"range c1.. (to HEAD)", Options{Range: c1[:10] + ".."}, sorted(s2, s3)},
		{"since-commit c1", Options{SinceCommit: c1}, sorted(s2, s3)},
		{"since-commit c1 on branch side", Options{SinceCommit: c1, Branch: "side"}, sorted(s2, s4)},
		{"branch side", Options{Branch: "side"}, sorted(s1, s2, s4)},
		{"branch main", Options{Branch: "main"}, sorted(s1, s2, s3)},
		{"everything", Options{}, sorted(s1, s2, s3, s4)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sr := scanRepo(t, r.dir, tc.opts)
			if got := sr.secrets(); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("secrets = %v, want %v", got, tc.want)
			}
		})
	}

	// Staged: a new file and an edit that keeps an old secret.
	r.write("h.txt", "one = "+s1+"\ntwo = "+s2+"\nfive = "+s5+"\n")
	r.write("new/deep/n.txt", "n = "+s4+"\n")
	r.git("add", "-A")
	sr := scanRepo(t, r.dir, Options{Staged: true})
	if got, want := sr.secrets(), sorted(s4, s5); !reflect.DeepEqual(got, want) {
		t.Errorf("staged secrets = %v, want %v", got, want)
	}
	for _, f := range sr.findings {
		if f.Commit != "" || f.PresentAtHead != nil {
			t.Errorf("staged finding has commit data: %+v", f)
		}
		if f.Secret == s5 && (f.File != "h.txt" || f.Line != 3) {
			t.Errorf("staged s5 at %s:%d", f.File, f.Line)
		}
	}
	if sr.res.Blobs != 3 { // two staged blobs and HEAD's h.txt for context
		t.Errorf("staged blobs read = %d, want 3", sr.res.Blobs)
	}
	// Nothing staged: nothing found.
	r.commit("c4")
	if sr := scanRepo(t, r.dir, Options{Staged: true}); len(sr.findings) != 0 || sr.res.Blobs != 0 {
		t.Errorf("clean index: %d findings, %d blobs", len(sr.findings), sr.res.Blobs)
	}
	// Bad revisions are errors naming the revision.
	for _, o := range []Options{{Range: "nope..main"}, {Range: "main"}, {SinceCommit: "nope"}, {Branch: "nope"}} {
		if _, err := tryScan(r.dir, o); err == nil || !strings.Contains(err.Error(), "nope") && !strings.Contains(err.Error(), "A..B") {
			t.Errorf("%+v: err = %v", o, err)
		}
	}
}

func TestStagedInUnbornRepository(t *testing.T) {
	r := newTestRepo(t)
	s := token(36)
	r.write("a.txt", s+"\n")
	r.git("add", "a.txt")
	sr := scanRepo(t, r.dir, Options{Staged: true})
	if got := sr.secrets(); !reflect.DeepEqual(got, []string{s}) {
		t.Errorf("secrets = %v", got)
	}
	// A full scan of a repository without commits finds nothing and does not fail.
	if sr := scanRepo(t, r.dir, Options{}); len(sr.findings) != 0 {
		t.Errorf("unborn full scan: %+v", sr.findings)
	}
}

func TestCorruptAndMissingObjects(t *testing.T) {
	r := newTestRepo(t)
	good, bad, gone := token(40), token(41), token(42)
	r.write("good.txt", good+"\n")
	r.write("bad.txt", bad+"\n")
	r.write("gone.txt", gone+"\n")
	r.commit("three files")
	objPath := func(file string) (string, string) {
		h := r.git("rev-parse", "HEAD:"+file)
		return h, filepath.Join(r.dir, ".git", "objects", h[:2], h[2:])
	}
	badHash, badPath := objPath("bad.txt")
	goneHash, gonePath := objPath("gone.txt")
	if err := os.Chmod(badPath, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(badPath, []byte("this is not zlib data"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(gonePath); err != nil {
		t.Fatal(err)
	}
	sr := scanRepo(t, r.dir, Options{})
	if got := sr.secrets(); !reflect.DeepEqual(got, []string{good}) {
		t.Errorf("secrets = %v, want only %s", got, good)
	}
	all := strings.Join(sr.errs, "\n")
	for _, want := range []string{"bad.txt", badHash[:12], "gone.txt", goneHash[:12], "not found"} {
		if !strings.Contains(all, want) {
			t.Errorf("errors do not mention %q:\n%s", want, all)
		}
	}
	if sr.cnt.Errors.Load() != 2 {
		t.Errorf("errors counted = %d, want 2", sr.cnt.Errors.Load())
	}
}

func TestCorruptPack(t *testing.T) {
	r := newTestRepo(t)
	good, bad := token(43), token(44)
	r.write("good.txt", strings.Repeat("filler line\n", 50)+good+"\n")
	r.write("bad.txt", strings.Repeat("other filler\n", 50)+bad+"\n")
	r.commit("two files")
	r.git("repack", "-adq")
	badHash := r.git("rev-parse", "HEAD:bad.txt")
	// Flip bytes in the middle of bad.txt's compressed data.
	r.corruptPacked("HEAD:bad.txt", func(data []byte, x packedExtent) {
		for i := x.off + 6; i < x.off+12; i++ {
			data[i] ^= 0x55
		}
	})
	sr := scanRepo(t, r.dir, Options{})
	if got := sr.secrets(); !reflect.DeepEqual(got, []string{good}) {
		t.Errorf("secrets = %v, want only %s", got, good)
	}
	if all := strings.Join(sr.errs, "\n"); !strings.Contains(all, "bad.txt") || !strings.Contains(all, badHash[:12]) {
		t.Errorf("errors do not name bad.txt: %s", all)
	}
}

func TestMissingCommitKeepsTheRest(t *testing.T) {
	r := newTestRepo(t)
	s1, s2 := token(45), token(46)
	r.write("a.txt", s1+"\n")
	first := r.commit("first")
	r.write("b.txt", s2+"\n")
	r.commit("second")
	if err := os.Remove(filepath.Join(r.dir, ".git", "objects", first[:2], first[2:])); err != nil {
		t.Fatal(err)
	}
	sr := scanRepo(t, r.dir, Options{})
	// The second commit's tree still holds both files: both are found.
	if got := sr.secrets(); !reflect.DeepEqual(got, sorted(s1, s2)) {
		t.Errorf("secrets = %v", got)
	}
	if !strings.Contains(strings.Join(sr.warnings, "\n"), first) {
		t.Errorf("warnings do not name the missing commit: %v", sr.warnings)
	}
}

func TestShallowBareAndURL(t *testing.T) {
	r := newTestRepo(t)
	var secrets []string
	for i := 0; i < 5; i++ {
		s := token(int64(50 + i))
		secrets = append(secrets, s)
		r.write("f"+string(rune('0'+i))+".txt", s+"\n")
		r.commit("commit")
	}
	url := "file://" + r.dir

	t.Run("shallow clone", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "shallow")
		var when int64
		runGit(t, filepath.Dir(dir), &when, "clone", "-q", "--depth", "2", url, dir)
		sr := scanRepo(t, dir, Options{})
		if !sr.res.Shallow || len(sr.notes) != 1 || !strings.Contains(sr.notes[0], "shallow") {
			t.Errorf("shallow not reported: %+v %v", sr.res, sr.notes)
		}
		if len(sr.warnings) > 0 {
			t.Errorf("warnings: %v", sr.warnings)
		}
		if got := sr.secrets(); !reflect.DeepEqual(got, sorted(secrets...)) {
			t.Errorf("secrets = %v", got)
		}
		if sr.res.Commits != 2 {
			t.Errorf("commits = %d, want 2", sr.res.Commits)
		}
	})
	t.Run("bare repository", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "bare.git")
		var when int64
		runGit(t, filepath.Dir(dir), &when, "clone", "-q", "--bare", r.dir, dir)
		sr := scanRepo(t, dir, Options{})
		if got := sr.secrets(); !reflect.DeepEqual(got, sorted(secrets...)) {
			t.Errorf("secrets = %v", got)
		}
		if _, err := tryScan(dir, Options{Staged: true}); err == nil || !strings.Contains(err.Error(), "bare") {
			t.Errorf("--staged on a bare repository: %v", err)
		}
	})
	t.Run("file URL", func(t *testing.T) {
		sr := scanRepo(t, url, Options{})
		if got := sr.secrets(); !reflect.DeepEqual(got, sorted(secrets...)) {
			t.Errorf("secrets = %v", got)
		}
		f := sr.findings[0]
		if f.Commit == "" || f.PresentAtHead == nil || !*f.PresentAtHead {
			t.Errorf("clone finding: %+v", f)
		}
	})
	t.Run("subdirectory of a work tree", func(t *testing.T) {
		sub := filepath.Join(r.dir, "sub")
		if err := os.MkdirAll(sub, 0o755); err != nil {
			t.Fatal(err)
		}
		sr := scanRepo(t, sub, Options{})
		if len(sr.findings) != 5 {
			t.Errorf("findings = %d", len(sr.findings))
		}
	})
	t.Run("not a repository", func(t *testing.T) {
		for _, target := range []string{t.TempDir(), filepath.Join(t.TempDir(), "missing"), "file://" + filepath.Join(t.TempDir(), "nope")} {
			if _, err := tryScan(target, Options{}); err == nil || !strings.Contains(err.Error(), target) {
				t.Errorf("%s: err = %v", target, err)
			}
		}
	})
}

func TestLinkedWorktreeHead(t *testing.T) {
	r := newTestRepo(t)
	r.write("a.txt", "a\n")
	base := r.commit("init")
	wt := filepath.Join(t.TempDir(), "wt")
	r.git("worktree", "add", "-q", "--detach", wt, base)
	s := token(80)
	if err := os.WriteFile(filepath.Join(wt, "w.txt"), []byte(s+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	runGit(t, wt, &r.when, "add", "w.txt")
	runGit(t, wt, &r.when, "commit", "-q", "-m", "only in the detached work tree")
	// From the main work tree and from the linked one: the commit is found.
	for _, dir := range []string{r.dir, wt} {
		sr := scanRepo(t, dir, Options{})
		f := sr.bySecret(t, s)
		if f.Message != "only in the detached work tree" {
			t.Errorf("%s: %+v", dir, f)
		}
	}
}

func TestStagedWithTemporaryIndex(t *testing.T) {
	r := newTestRepo(t)
	r.write("a.txt", "a\n")
	r.commit("init")
	s := token(81)
	r.write("a.txt", "a\n"+s+"\n")
	// What "git commit -a" does before running the pre-commit hook.
	tmp := filepath.Join(t.TempDir(), "index.tmp")
	cmd := exec.Command("git", "update-index", "--add", "a.txt")
	cmd.Dir = r.dir
	cmd.Env = append(os.Environ(), "GIT_INDEX_FILE="+tmp)
	if err := exec.Command("cp", filepath.Join(r.dir, ".git", "index"), tmp).Run(); err != nil {
		t.Fatal(err)
	}
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if sr := scanRepo(t, r.dir, Options{Staged: true}); len(sr.findings) != 0 {
		t.Errorf("the repository's index has nothing staged, got %v", sr.secrets())
	}
	if sr := scanRepo(t, r.dir, Options{Staged: true, IndexFile: tmp}); !reflect.DeepEqual(sr.secrets(), []string{s}) {
		t.Errorf("with the temporary index: %v", sr.secrets())
	}
}

func TestTagNamingATreeOrABlob(t *testing.T) {
	r := newTestRepo(t)
	r.write("a.txt", "a\n")
	r.commit("init")
	s1, s2 := token(82), token(83)
	blobFile := filepath.Join(t.TempDir(), "loose.txt")
	if err := os.WriteFile(blobFile, []byte(s1+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	blob := r.git("hash-object", "-w", blobFile)
	r.git("tag", "blob-tag", blob)
	r.write("dir/t.txt", s2+"\n")
	r.git("add", "dir/t.txt")
	tree := r.git("write-tree")
	r.git("tag", "-a", "-m", "a tree", "tree-tag", tree)
	r.git("reset", "-q")
	sr := scanRepo(t, r.dir, Options{})
	f := sr.bySecret(t, s1)
	if f.File != "refs/tags/blob-tag" || f.Commit != blob {
		t.Errorf("blob tag: %+v", f)
	}
	f = sr.bySecret(t, s2)
	if f.File != "dir/t.txt" || f.Commit != tree || !strings.Contains(f.Message, "refs/tags/tree-tag") {
		t.Errorf("tree tag: %+v", f)
	}
}

func TestRemovedFromTheLastBranchHoldingIt(t *testing.T) {
	r := newTestRepo(t)
	s := token(84)
	r.write("k.txt", s+"\n")
	r.commit("add")
	r.git("branch", "keep")
	r.write("k.txt", "gone\n")
	onMain := r.commit("remove on main")
	sr := scanRepo(t, r.dir, Options{})
	f := sr.bySecret(t, s)
	if f.RemovedIn != nil || !reflect.DeepEqual(f.PresentIn, []string{"refs/heads/keep"}) || *f.PresentAtHead {
		t.Errorf("while a branch holds it: removed %+v present_in %v", f.RemovedIn, f.PresentIn)
	}
	r.git("checkout", "-q", "keep")
	r.git("rm", "-q", "k.txt")
	onKeep := r.commit("remove on keep")
	r.git("checkout", "-q", "main")
	f = scanRepo(t, r.dir, Options{}).bySecret(t, s)
	if f.RemovedIn == nil || f.RemovedIn.Commit != onKeep || len(f.PresentIn) != 0 {
		t.Errorf("removed everywhere: removed_in %+v (main removed it in %s), present_in %v", f.RemovedIn, onMain, f.PresentIn)
	}
}

// A snapshot with many missing objects names a few of them and sums up the
// rest in one line, yet counts every one.
func TestManyMissingObjectsSummarised(t *testing.T) {
	r := newTestRepo(t)
	const files = 40
	for i := 0; i < files; i++ {
		r.write(fmt.Sprintf("f%02d.txt", i), token(int64(100+i))+"\n")
	}
	r.commit("many files")
	for i := 0; i < files; i++ {
		h := r.git("rev-parse", fmt.Sprintf("HEAD:f%02d.txt", i))
		if err := os.Remove(filepath.Join(r.dir, ".git", "objects", h[:2], h[2:])); err != nil {
			t.Fatal(err)
		}
	}
	sr := scanRepo(t, r.dir, Options{})
	if got := sr.cnt.Errors.Load(); got != files {
		t.Errorf("errors counted = %d, want %d", got, files)
	}
	if len(sr.errs) != namedMissing {
		t.Errorf("%d missing objects named, want %d:\n%s", len(sr.errs), namedMissing, strings.Join(sr.errs, "\n"))
	}
	want := fmt.Sprintf("%d missing objects in all, %d not named", files, files-namedMissing)
	var summaries int
	for _, w := range sr.warnings {
		if strings.Contains(w, want) {
			summaries++
		}
	}
	if summaries != 1 {
		t.Errorf("want one summary line %q, warnings:\n%s", want, strings.Join(sr.warnings, "\n"))
	}
	// The same ones are named whatever order the workers meet them in:
	// the first by path.
	for i, e := range sr.errs {
		if want := fmt.Sprintf("f%02d.txt", i); !strings.HasPrefix(e, want) {
			t.Errorf("named missing object %d: %q, want one of %s", i, e, want)
		}
	}
	for _, workers := range []int{1, 3, 8} {
		other, err := tryScanWorkers(r.dir, Options{}, workers)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(other.errs, sr.errs) {
			t.Errorf("-j %d names other missing objects:\n%s\nthan -j 2:\n%s", workers, strings.Join(other.errs, "\n"), strings.Join(sr.errs, "\n"))
		}
	}
}
