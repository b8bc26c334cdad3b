package scanner

import (
	"io/fs"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/keyhound/keyhound/finding"
	"github.com/keyhound/keyhound/rules"
)

// corpus reads up to limit bytes (or KEYHOUND_BENCH_BYTES, for a quick run
// under callgrind) of the Go distribution's own source files: realistic
// source text that every machine with Go has.
func corpus(b testing.TB, limit int) [][]byte {
	b.Helper()
	if n, err := strconv.Atoi(os.Getenv("KEYHOUND_BENCH_BYTES")); err == nil && n > 0 {
		limit = n
	}
	goroot := os.Getenv("GOROOT") // saves running go (and its SIGCHLD, which upsets valgrind)
	if goroot == "" {
		out, err := exec.Command("go", "env", "GOROOT").Output()
		if err != nil {
			b.Fatalf("go env GOROOT: %v", err)
		}
		goroot = strings.TrimSpace(string(out))
	}
	root := filepath.Join(goroot, "src")
	var files [][]byte
	total := 0
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
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

// cpuClock reports, at the end of a benchmark, the process's CPU time per
// operation (cpu-ns/op) and the throughput that makes (cpu-MB/s): on a
// shared machine CPU time is steadier than wall time. Start it after setup.
func cpuClock(b *testing.B, bytesPerOp int64) func() {
	read := func() time.Duration {
		var ru syscall.Rusage
		if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
			b.Fatalf("getrusage: %v", err)
		}
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	start := read()
	return func() {
		per := float64(read()-start) / float64(b.N)
		b.ReportMetric(per, "cpu-ns/op")
		if bytesPerOp > 0 && per > 0 {
			b.ReportMetric(float64(bytesPerOp)/per*1e3, "cpu-MB/s")
		}
	}
}

// defaultMatcher loads the built-in rules as the binary does (their
// generated form, compiled lazily), or the rule file named by
// KEYHOUND_BENCH_RULES as a user's (to compare rule sets).
func defaultMatcher(b testing.TB) *Matcher {
	b.Helper()
	opts := rules.LoadOptions{Path: os.Getenv("KEYHOUND_BENCH_RULES")}
	if opts.Path == "" {
		data, err := os.ReadFile("../rules.toml")
		if err != nil {
			b.Fatal(err)
		}
		opts.Default = data
	}
	set, _, err := rules.Load(opts)
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
	defer cpuClock(b, size)()
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
	defer cpuClock(b, size)()
	for i := 0; i < b.N; i++ {
		for _, f := range files {
			hits = m.prefilter().find(f, hits[:0], &scratch)
			nh += len(hits)
		}
	}
	b.ReportMetric(float64(nh)/float64(b.N), "hits/op")
}

// deltaVersion is a new version of a file, the ranges it copies from the
// old one, and the memo matching the old one left.
type deltaVersion struct {
	data   []byte
	copies []Copy
	memo   *Memo
}

// deltaVersions edits ~8 MB of Go source as git's deltas of real histories
// do (mostly short copies, most under 64 bytes, a few long ones, and short
// inserts between them) and matches the old versions with w.
func deltaVersions(b *testing.B, w *Worker) ([]deltaVersion, int64) {
	files := corpus(b, 8<<20)
	r := rand.New(rand.NewSource(1))
	var vs []deltaVersion
	var size int64
	for _, f := range files {
		if len(f) > chunkSize {
			continue
		}
		memo := &Memo{}
		_ = w.ScanBytesFrom(f, "src/file.go", nil, nil, memo, func(finding.Finding) {})
		var e editor
		for src := 0; src < len(f); {
			n := 16 + r.Intn(48)
			if r.Intn(10) < 3 {
				n = 500 + r.Intn(4500)
			}
			e.copyFrom(f, src, min(n, len(f)-src))
			src += n
			if r.Intn(10) < 4 {
				s := snippets[r.Intn(len(snippets))]
				e.insert([]byte(s[:1+r.Intn(len(s))]))
				src += r.Intn(8)
			}
		}
		vs = append(vs, deltaVersion{e.out, e.copies, memo})
		size += int64(len(e.out))
	}
	return vs, size
}

// BenchmarkScanBytesFrom reports matching (with decoding, as the CLI does)
// of new versions of Go source from their base's memo (see deltaVersions).
func BenchmarkScanBytesFrom(b *testing.B) {
	w := defaultMatcher(b).NewWorker()
	w.SetExpand(Expand{ArchiveDepth: 3, DecodeDepth: 2})
	vs, size := deltaVersions(b, w)
	next := &Memo{}
	b.SetBytes(size)
	b.ResetTimer()
	defer cpuClock(b, size)()
	for i := 0; i < b.N; i++ {
		for _, v := range vs {
			_ = w.ScanBytesFrom(v.data, "src/file.go", v.memo, v.copies, next, func(finding.Finding) {})
		}
	}
}

// BenchmarkDeltaHits reports finding the keyword hits of new versions of Go
// source from their base's (see deltaVersions).
func BenchmarkDeltaHits(b *testing.B) {
	w := defaultMatcher(b).NewWorker()
	vs, size := deltaVersions(b, w)
	c, pf := w.cm, w.m.prefilter()
	b.SetBytes(size)
	b.ResetTimer()
	defer cpuClock(b, size)()
	for i := 0; i < b.N; i++ {
		for _, v := range vs {
			c.base, c.copies = v.memo, v.copies
			c.hits = c.deltaHits(pf, v.data, c.hits[:0])
		}
	}
	c.base, c.copies = nil, nil
}
