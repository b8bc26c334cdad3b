package cmd

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCountTree: the progress bar's totals count what keyhound dir scans:
// regular files, not .git nor symlinks; the summary agrees.
func TestCountTree(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "a.txt"), "12345")
	writeFile(t, filepath.Join(dir, "sub", "b.txt"), "123")
	writeFile(t, filepath.Join(dir, ".git", "config"), "[core]\n")
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
	if r := run(t, "", "dir", dir); !strings.Contains(r.stderr, "scanned 2 files (8 B)") {
		t.Errorf("dir scans something else: %s", r.stderr)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := countTree(ctx, []string{dir}, func(int64) {}); err == nil {
		t.Errorf("a cancelled count reports no error")
	}
}
