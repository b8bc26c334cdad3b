package cmd

import (
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// TestNonUTF8FileName: a file whose name is not valid UTF-8 (Latin-1
// "café.env") is reported in JSON with "file_bytes", the name's bytes in
// base64, so a script can open it; a valid name has no such field; merge
// keeps the bytes.
func TestNonUTF8FileName(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "darwin" {
		t.Skip("file names must be valid Unicode on this system")
	}
	dir := t.TempDir()
	name := "caf\xe9.env"
	if err := os.WriteFile(filepath.Join(dir, name), []byte("T="+token(7)+"\n"), 0o644); err != nil {
		t.Skip(err)
	}
	writeFile(t, filepath.Join(dir, "ok.env"), "T="+token(8)+"\n")
	type jf struct {
		File      string  `json:"file"`
		FileBytes *string `json:"file_bytes"`
	}
	read := func(out string) map[string]jf {
		var rep struct{ Findings []jf }
		if err := json.Unmarshal([]byte(out), &rep); err != nil {
			t.Fatal(err)
		}
		m := map[string]jf{}
		for _, f := range rep.Findings {
			name := f.File
			if f.FileBytes != nil {
				b, err := base64.StdEncoding.DecodeString(*f.FileBytes)
				if err != nil {
					t.Fatalf("file_bytes %q: %v", *f.FileBytes, err)
				}
				name = string(b)
			}
			m[name] = f
		}
		return m
	}
	r := run(t, "", "dir", "-f", "json", dir)
	got := read(r.stdout)
	if f, ok := got[name]; !ok || f.File != "caf\uFFFD.env" {
		t.Errorf("the non-UTF-8 name is not recoverable: %s", r.stdout)
	}
	if f, ok := got["ok.env"]; !ok || f.FileBytes != nil {
		t.Errorf("a valid name carries file_bytes: %s", r.stdout)
	}

	rep := filepath.Join(t.TempDir(), "r.json")
	writeFile(t, rep, r.stdout)
	m := run(t, "", "merge", "-f", "json", rep)
	if _, ok := read(m.stdout)[name]; !ok {
		t.Errorf("merge lost the name's bytes: %s", m.stdout)
	}
}
