package gitscan

import (
	"context"
	"reflect"
	"sync"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/keyhound/keyhound/finding"
	"github.com/keyhound/keyhound/scanner"
)

// memKnown is an in-memory Known.
type memKnown struct {
	mu   sync.Mutex
	m    map[string][]finding.Finding
	adds int
}

func (k *memKnown) Lookup(b plumbing.Hash, path string) ([]finding.Finding, bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	fs, ok := k.m[b.String()+" "+path]
	return fs, ok
}

func (k *memKnown) Add(b plumbing.Hash, path string, fs []finding.Finding) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.m[b.String()+" "+path] = fs
	k.adds++
}

// memDiffs is an in-memory Diffs.
type memDiffs struct {
	mu         sync.Mutex
	m          map[plumbing.Hash][]TreeChange
	hits, adds int
}

func (d *memDiffs) Diff(c plumbing.Hash) ([]TreeChange, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	tcs, ok := d.m[c]
	if ok {
		d.hits++
	}
	return tcs, ok
}

func (d *memDiffs) AddDiff(c plumbing.Hash, tcs []TreeChange) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.m[c] = tcs
	d.adds++
}

// TestKnownBlobsAreNotRead: a scan with a record of every blob reads
// nothing and reports exactly what a full scan does; after new commits,
// only their blobs are read, and the provenance of old findings follows
// the new history (the removal shows).
func TestKnownBlobsAreNotRead(t *testing.T) {
	r := newTestRepo(t)
	a, b := token(801), token(802)
	r.write("one.txt", "x = "+a+"\n")
	r.write("two.txt", "plain\n")
	r.commit("one")
	r.write("one.txt", "x = "+a+"\nmore\n")
	r.write("sub/b.txt", b+"\n")
	r.commit("two")
	// A merge whose side branch renames a file holding a secret.
	r.git("checkout", "-q", "-b", "side")
	r.git("mv", "sub/b.txt", "sub/b2.txt")
	r.commit("rename")
	r.git("checkout", "-q", "main")
	r.write("two.txt", "plain\nedited\n")
	r.commit("edit")
	r.git("merge", "-q", "--no-edit", "side")
	r.git("branch", "-d", "side")

	known := &memKnown{m: map[string][]finding.Finding{}}
	diffs := &memDiffs{m: map[plumbing.Hash][]TreeChange{}}
	first := scanRepo(t, r.dir, Options{Known: known, Diffs: diffs})
	if first.res.Blobs == 0 || first.res.Known != 0 || known.adds != int(first.res.Blobs) {
		t.Fatalf("first: read %d, known %d, added %d", first.res.Blobs, first.res.Known, known.adds)
	}
	if diffs.adds != int(first.res.Commits) || diffs.hits != 0 {
		t.Errorf("first: %d diffs added for %d commits, %d known", diffs.adds, first.res.Commits, diffs.hits)
	}
	if full := scanRepo(t, r.dir, Options{}); !reflect.DeepEqual(full.findings, first.findings) {
		t.Errorf("recording changes the findings:\n%+v\n%+v", full.findings, first.findings)
	}
	second := scanRepo(t, r.dir, Options{Known: known, Diffs: diffs, Pool: NewPool(1)})
	if second.res.Blobs != 0 || second.res.Known != first.res.Blobs || second.cnt.Files.Load() != 0 {
		t.Errorf("second: read %d, known %d", second.res.Blobs, second.res.Known)
	}
	if diffs.adds != int(first.res.Commits) || diffs.hits != int(first.res.Commits) {
		t.Errorf("second: %d diffs known of %d commits, %d added", diffs.hits, first.res.Commits, diffs.adds-int(first.res.Commits))
	}
	if !reflect.DeepEqual(second.findings, first.findings) {
		t.Errorf("findings differ:\n%+v\n%+v", first.findings, second.findings)
	}

	r.write("one.txt", "more\n")
	removal := r.commit("remove a")
	adds := diffs.adds
	third := scanRepo(t, r.dir, Options{Known: known, Diffs: diffs})
	if third.res.Blobs != 1 || diffs.adds != adds+1 {
		t.Errorf("after one new commit: read %d blobs, diffed %d commits", third.res.Blobs, diffs.adds-adds)
	}
	full := scanRepo(t, r.dir, Options{})
	if !reflect.DeepEqual(third.findings, full.findings) {
		t.Errorf("incremental and full scans differ:\n%+v\n%+v", third.findings, full.findings)
	}
	if f := third.bySecret(t, a); f.RemovedIn == nil || f.RemovedIn.Commit != removal {
		t.Errorf("removed_in %+v, want %s", f.RemovedIn, removal)
	}
}

// TestHistoryState changes with any ref and with nothing else that
// changes a scan's result.
func TestHistoryState(t *testing.T) {
	r := newTestRepo(t)
	r.write("a.txt", "a\n")
	r.commit("a")
	s1, err := HistoryState(r.dir)
	if err != nil {
		t.Fatal(err)
	}
	r.write("untracked.txt", "x\n") // the work tree is not history
	if s, _ := HistoryState(r.dir); s != s1 {
		t.Error("state changed with the work tree")
	}
	steps := []func(){
		func() { r.git("branch", "b") },
		func() { r.git("tag", "v1") },
		func() { r.git("add", "untracked.txt"); r.git("stash", "-q") },
		func() { r.commit("c") },
	}
	seen := map[string]bool{s1: true}
	for i, step := range steps {
		step()
		s, err := HistoryState(r.dir)
		if err != nil {
			t.Fatal(err)
		}
		if seen[s] {
			t.Errorf("step %d: state unchanged", i)
		}
		seen[s] = true
	}
	// Another branch checked out at the same commit: the same scan result.
	r.git("branch", "b2")
	before, _ := HistoryState(r.dir)
	r.git("checkout", "-q", "b2")
	if s, _ := HistoryState(r.dir); s != before {
		t.Error("state changed with HEAD on another branch at the same commit")
	}
	if _, err := HistoryState(t.TempDir()); err == nil {
		t.Error("not a repository: no error")
	}
}

// TestPoolSharedByConcurrentScans: scans sharing a one-slot pool give the
// findings they give alone.
func TestPoolSharedByConcurrentScans(t *testing.T) {
	var repos []*testRepo
	for i := 0; i < 3; i++ {
		r := newTestRepo(t)
		r.write("s.txt", token(int64(900+i))+"\n")
		r.commit("s")
		repos = append(repos, r)
	}
	pool := NewPool(1)
	var wg sync.WaitGroup
	got := make([][]finding.Finding, len(repos))
	for i, r := range repos {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var cnt scanner.Counters
			_, err := Scan(context.Background(), r.dir, matcher(t), scanner.Options{Workers: 4}, &cnt, func(f finding.Finding) {
				got[i] = append(got[i], f)
			}, Options{Pool: pool})
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	for i := range repos {
		if len(got[i]) != 1 || got[i][0].Secret != token(int64(900+i)) {
			t.Errorf("repo %d: %+v", i, got[i])
		}
	}
}
