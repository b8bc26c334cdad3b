package scanner

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keyhound/keyhound/finding"
	"github.com/keyhound/keyhound/rules"
)

// corpus reads up to limit bytes of the Go distribution's own source files:
// realistic source text that every machine with Go has.
func corpus(b testing.TB, limit int) [][]byte {
	b.Helper()
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		b.Fatalf("go env GOROOT: %v", err)
	}
	root := filepath.Join(strings.TrimSpace(string(out)), "src")
	var files [][]byte
	total := 0
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || total >= limit || strings.Contains(p, "testdata") {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return nil
		}
		files = append(files, data)
		total += len(data)
		return nil
	})
	if err != nil || total == 0 {
		b.Fatalf("reading %s: %v (%d bytes)", root, err, total)
	}
	return files
}

func defaultMatcher(b testing.TB) *Matcher {
	b.Helper()
	set, _, err := rules.Load(rules.LoadOptions{Path: "../rules.toml"})
	if err != nil {
		b.Fatal(err)
	}
	return NewMatcher(set)
}

// BenchmarkMatchGoSource reports single-core matching throughput (MB/s) of
// the default rules over ~64 MB of the Go distribution's source.
func BenchmarkMatchGoSource(b *testing.B) { benchGoSource(b, Expand{}) }

// BenchmarkMatchGoSourceExpand is BenchmarkMatchGoSource with archives
// opened and encodings decoded as the CLI does by default: the decode pass
// must cost little on ordinary code.
func BenchmarkMatchGoSourceExpand(b *testing.B) {
	benchGoSource(b, Expand{ArchiveDepth: 3, DecodeDepth: 2})
}

func benchGoSource(b *testing.B, e Expand) {
	m := defaultMatcher(b)
	files := corpus(b, 64<<20)
	var size int64
	for _, f := range files {
		size += int64(len(f))
	}
	w := m.NewWorker()
	w.SetExpand(e)
	n := 0
	b.SetBytes(size)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, f := range files {
			_ = w.ScanBytes(f, "src/file.go", func(finding.Finding) { n++ })
		}
	}
	b.ReportMetric(float64(n)/float64(b.N), "findings/op")
}

// BenchmarkPrefilter reports the keyword automaton alone.
func BenchmarkPrefilter(b *testing.B) {
	m := defaultMatcher(b)
	files := corpus(b, 64<<20)
	var size int64
	for _, f := range files {
		size += int64(len(f))
	}
	var hits, scratch []hit
	nh := 0
	b.SetBytes(size)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, f := range files {
			hits = m.prefilter().find(f, hits[:0], &scratch)
			nh += len(hits)
		}
	}
	b.ReportMetric(float64(nh)/float64(b.N), "hits/op")
}
