package scanner

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/keyhound/keyhound/finding"
)

func runDir(t *testing.T, root string, opts Options) ([]finding.Finding, []string, *Counters) {
	t.Helper()
	m := testMatcher(t)
	var cnt Counters
	var mu sync.Mutex
	var errs []string
	opts.OnError = func(path string, err error) {
		mu.Lock()
		errs = append(errs, path+": "+err.Error())
		mu.Unlock()
	}
	items := make(chan Item, 16)
	done := make(chan error, 1)
	go func() {
		defer close(items)
		done <- Walk(context.Background(), root, WalkOptions{OnError: opts.OnError}, &cnt, items)
	}()
	var found []finding.Finding
	Run(context.Background(), m, items, opts, &cnt, func(f finding.Finding) { found = append(found, f) })
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	sort.Slice(found, func(i, j int) bool { return found[i].File < found[j].File })
	sort.Strings(errs)
	return found, errs, &cnt
}

func TestWalkSkipsAndReports(t *testing.T) {
	root := t.TempDir()
	write := func(rel, s string) {
		p := filepath.Join(root, rel)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("a/one.txt", tok(1))
	write(".git/objects/x", tok(2))
	write("sub/.git", "gitdir: ../elsewhere\n"+tok(3)) // a .git file (worktree) is content, not a directory
	write("deep/"+strings.Repeat("d/", 60)+"f.txt", tok(4))
	if err := syscall.Mkfifo(filepath.Join(root, "fifo"), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Symlink("/etc/passwd", filepath.Join(root, "link"))
	found, errs, cnt := runDir(t, root, Options{Workers: 2})
	var files []string
	for _, f := range found {
		files = append(files, f.File)
	}
	want := "a/one.txt deep/" + strings.Repeat("d/", 60) + "f.txt sub/.git"
	if strings.Join(files, " ") != want {
		t.Errorf("findings in %v, want %s", files, want)
	}
	if len(errs) != 0 {
		t.Errorf("errors: %v", errs)
	}
	if cnt.SkippedOther.Load() != 2 {
		t.Errorf("skipped other = %d, want 2 (fifo, symlink)", cnt.SkippedOther.Load())
	}
}

// TestOpenFailureKeepsGoing: an item that cannot be opened is reported and
// the other items still yield their findings.
func TestOpenFailureKeepsGoing(t *testing.T) {
	m := testMatcher(t)
	var cnt Counters
	items := make(chan Item, 4)
	dir := t.TempDir()
	good := filepath.Join(dir, "good.txt")
	os.WriteFile(good, []byte(tok(5)), 0o644)
	items <- fileItem(filepath.Join(dir, "vanished.txt"), "vanished.txt", 10)
	items <- fileItem(good, "good.txt", int64(len(tok(5))))
	fifo := filepath.Join(dir, "was-a-file")
	syscall.Mkfifo(fifo, 0o644)
	items <- fileItem(fifo, "was-a-file", 10) // listed as a file, now a FIFO: must not block
	close(items)
	var errs []string
	var found []finding.Finding
	Run(context.Background(), m, items, Options{Workers: 1, OnError: func(p string, err error) { errs = append(errs, p+": "+err.Error()) }}, &cnt,
		func(f finding.Finding) { found = append(found, f) })
	sort.Strings(errs)
	if len(found) != 1 || found[0].File != "good.txt" {
		t.Errorf("found %v", found)
	}
	if strings.Join(errs, "|") != "vanished.txt: no such file or directory|was-a-file: no longer a regular file" || cnt.Errors.Load() != 2 {
		t.Errorf("errors %q (%d)", errs, cnt.Errors.Load())
	}
}

func TestFileGrowingDuringScanIsBounded(t *testing.T) {
	m := testMatcher(t)
	var cnt Counters
	dir := t.TempDir()
	p := filepath.Join(dir, "log.txt")
	os.WriteFile(p, []byte(tok(6)+"\n"), 0o644)
	items := make(chan Item, 1)
	items <- fileItem(p, "log.txt", 25) // listed at 25 bytes; it grows afterwards
	close(items)
	f, _ := os.OpenFile(p, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(tok(7) + "\n")
	f.Close()
	var found []finding.Finding
	Run(context.Background(), m, items, Options{Workers: 1}, &cnt, func(f finding.Finding) { found = append(found, f) })
	if len(found) != 1 || cnt.Bytes.Load() != 25 {
		t.Errorf("found %d, read %d bytes", len(found), cnt.Bytes.Load())
	}
}
