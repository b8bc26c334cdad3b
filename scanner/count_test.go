package scanner

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// TestCountTree: the progress bar's totals count what Walk sends to the
// scan (and so what keyhound dir scans): regular files, not .git nor
// symlinks.
func TestCountTree(t *testing.T) {
	dir := t.TempDir()
	for rel, s := range map[string]string{"a.txt": "12345", "sub/b.txt": "123", ".git/config": "[core]\n"} {
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(filepath.Join(dir, "a.txt"), filepath.Join(dir, "link")); err != nil {
		t.Skip(err)
	}
	var files, bytes int64
	if err := countTree(context.Background(), []string{dir}, func(n int64) { files++; bytes += n }); err != nil {
		t.Fatal(err)
	}
	if files != 2 || bytes != 8 {
		t.Errorf("counted %d files, %d bytes; want 2, 8", files, bytes)
	}
	items := make(chan Item, 16)
	go func() {
		defer close(items)
		_ = Walk(context.Background(), dir, WalkOptions{}, &Counters{}, items)
	}()
	var walked, walkedBytes int64
	for it := range items {
		walked++
		walkedBytes += it.Size
	}
	if walked != files || walkedBytes != bytes {
		t.Errorf("Walk sends %d files, %d bytes; the count says %d, %d", walked, walkedBytes, files, bytes)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := countTree(ctx, []string{dir}, func(int64) {}); err == nil {
		t.Errorf("a cancelled count reports no error")
	}
	var n int64
	counted := make(chan struct{})
	stop := CountFiles(context.Background(), []string{dir}, func(int64) { n++ }, func() { close(counted) })
	<-counted // a count that never completes fails by the test's timeout
	stop()
	if n != files {
		t.Errorf("CountFiles found %d files, want %d", n, files)
	}
}
