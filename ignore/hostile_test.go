package ignore

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestHugeIgnoreFile: an ignore file (it may come with the scanned
// repository) larger than MaxFileSize is refused without being read whole.
func TestHugeIgnoreFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), FileName)
	if err := os.WriteFile(p, []byte("# sparse\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(p, 2<<30); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err := Load(p)
	if err == nil || !strings.Contains(err.Error(), "larger than 64 MiB") || time.Since(start) > 2*time.Second {
		t.Errorf("2 GiB ignore file: %v after %v", err, time.Since(start))
	}
}

// TestGlobNonASCII: a path glob with non-ASCII characters matches them
// (each byte of the glob used to be read as a character of its own).
func TestGlobNonASCII(t *testing.T) {
	for _, c := range [][2]string{{"docs/café/*.md", "docs/café/x.md"}, {"日本.txt", "a/日本.txt"}, {"[é]", "é"}} {
		if !MatchGlob(c[0], c[1]) {
			t.Errorf("MatchGlob(%q, %q) = false", c[0], c[1])
		}
	}
}
