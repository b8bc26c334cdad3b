package gitscan

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"os/exec"
	"sync/atomic"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/keyhound/keyhound/finding"
	"github.com/keyhound/keyhound/rules"
	"github.com/keyhound/keyhound/scanner"
)

// BenchmarkReadBlobs compares the two ways of reading every blob of the
// repository named by $KEYHOUND_BENCH_REPO (scripts/bench-git.sh sets it):
// pack files decoded delta tree by delta tree, with one and two workers,
// and go-git's generic object iteration. Only decoding is measured.
func BenchmarkReadBlobs(b *testing.B) {
	path := os.Getenv("KEYHOUND_BENCH_REPO")
	if path == "" {
		b.Skip("KEYHOUND_BENCH_REPO is not set")
	}
	r, err := openRepo(context.Background(), path, func(string) {})
	if err != nil {
		b.Fatal(err)
	}
	defer r.close()
	out, err := exec.Command("git", "-C", path, "cat-file", "--batch-all-objects", "--batch-check=%(objectname) %(objecttype) %(objectsize)").Output()
	if err != nil {
		b.Fatal(err)
	}
	want := map[hash]int32{}
	var total int64
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := bytes.Fields(sc.Bytes())
		if len(f) == 3 && string(f[1]) == "blob" {
			h, _ := parseHash(f[0])
			want[h] = int32(len(want))
			var n int64
			for _, c := range f[2] {
				n = n*10 + int64(c-'0')
			}
			total += n
		}
	}
	for _, workers := range []int{1, 2} {
		b.Run("pack-workers-"+string(rune('0'+workers)), func(b *testing.B) {
			b.SetBytes(total)
			for i := 0; i < b.N; i++ {
				var got, bytes atomic.Int64
				err := r.db.readBlobs(context.Background(), want, len(want), workers, func(_ int, _ int32, data []byte, err error) {
					if err != nil {
						b.Error(err)
					}
					got.Add(1)
					bytes.Add(int64(len(data)))
				})
				if err != nil || got.Load() != int64(len(want)) || bytes.Load() != total {
					b.Fatalf("read %d of %d blobs, %d of %d bytes: %v", got.Load(), len(want), bytes.Load(), total, err)
				}
			}
		})
	}
	b.Run("go-git-iteration", func(b *testing.B) {
		b.SetBytes(total)
		for i := 0; i < b.N; i++ {
			var got int
			err := iterBlobsGoGit(context.Background(), r.gg.Storer, func(plumbing.Hash) bool { return true }, func(_ plumbing.Hash, data []byte) { got++ })
			if err != nil || got != len(want) {
				b.Fatalf("read %d of %d blobs: %v", got, len(want), err)
			}
		}
	})
}

// BenchmarkScan runs a whole history scan of $KEYHOUND_BENCH_REPO with the
// built-in rules.
func BenchmarkScan(b *testing.B) {
	path := os.Getenv("KEYHOUND_BENCH_REPO")
	if path == "" {
		b.Skip("KEYHOUND_BENCH_REPO is not set")
	}
	rulesPath := os.Getenv("KEYHOUND_BENCH_RULES")
	if rulesPath == "" {
		rulesPath = "../../rules.toml"
	}
	def, err := os.ReadFile(rulesPath)
	if err != nil {
		b.Skip("no rules.toml")
	}
	set, _, err := rules.Load(rules.LoadOptions{Default: def})
	if err != nil {
		b.Fatal(err)
	}
	m := scanner.NewMatcher(set)
	for i := 0; i < b.N; i++ {
		var cnt scanner.Counters
		n := 0
		res, err := Scan(context.Background(), path, m, scanner.Options{}, &cnt, func(finding.Finding) { n++ }, Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(res.WalkTime.Seconds(), "walk-s")
		b.ReportMetric(res.DiffTime.Seconds(), "diff-s")
		b.ReportMetric(res.ReadTime.Seconds(), "read+match-s")
		b.ReportMetric(res.ReplayTime.Seconds(), "replay-s")
		b.SetBytes(cnt.Bytes.Load())
		b.ReportMetric(float64(n), "findings")
	}
}
