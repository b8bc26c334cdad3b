package decode

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// goSource reads up to limit bytes of the Go distribution's source.
func goSource(b *testing.B, limit int) [][]byte {
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		b.Fatalf("go env GOROOT: %v", err)
	}
	var files [][]byte
	total := 0
	filepath.WalkDir(filepath.Join(strings.TrimSpace(string(out)), "src"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || total >= limit || !strings.HasSuffix(p, ".go") {
			return nil
		}
		if data, err := os.ReadFile(p); err == nil {
			files = append(files, data)
			total += len(data)
		}
		return nil
	})
	if total == 0 {
		b.Fatal("no Go source")
	}
	return files
}

// BenchmarkRunsGoSource is the cost of looking for encoded runs in ordinary
// code, where there are almost none.
func BenchmarkRunsGoSource(b *testing.B) {
	files := goSource(b, 32<<20)
	var size int64
	for _, f := range files {
		size += int64(len(f))
	}
	b.SetBytes(size)
	b.ResetTimer()
	n := 0
	var out []Span
	for i := 0; i < b.N; i++ {
		for _, f := range files {
			out = Runs(f, 0, len(f), out[:0])
			n += len(out)
		}
	}
	b.ReportMetric(float64(n)/float64(b.N), "spans/op")
}
