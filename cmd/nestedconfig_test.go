package cmd

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestNestedConfigNotice: a .keyhound.toml below the scanned root is not
// read, and keyhound dir says so on stderr, once per file, naming it.
func TestNestedConfigNotice(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, ".keyhound.toml"), "[extend]\nuse_default = true\n")
	writeFile(t, filepath.Join(dir, "svc", ".keyhound.toml"), "[extend]\nuse_default = true\n")
	writeFile(t, filepath.Join(dir, "svc", "a.txt"), "nothing\n")
	r := run(t, "", "dir", dir)
	want := "keyhound: notice: svc/.keyhound.toml is not read: only the .keyhound.toml of the scanned root applies"
	if r.code != 0 || strings.Count(r.stderr, want) != 1 || strings.Count(r.stderr, ".keyhound.toml is not read") != 1 {
		t.Errorf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
	if r := run(t, "", "dir", "-q", dir); r.stderr != "" {
		t.Errorf("-q: %q", r.stderr)
	}
	// Scanning svc on its own reads it: no notice.
	if r := run(t, "", "dir", filepath.Join(dir, "svc")); strings.Contains(r.stderr, "is not read") {
		t.Errorf("svc as the root: %q", r.stderr)
	}
}
