package scanner

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"fmt"
	"math/rand"
	"strings"
	"sync"
	"testing"

	"github.com/keyhound/keyhound/archive"
	"github.com/keyhound/keyhound/decode"
	"github.com/keyhound/keyhound/finding"
)

func gzipOf(t *testing.T, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func tarOf(t *testing.T, name string, body []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(body)), Typeflag: tar.TypeReg}); err != nil {
		t.Fatal(err)
	}
	tw.Write(body)
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// textWith is n bytes of log lines with a token on the first line and, when
// late is set, one more on the last.
func textWith(n int, first, late string) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "token in use: %s\n", first)
	line := "2026-01-02T03:04:05Z GET /healthz 200 0.4ms\n"
	for b.Len() < n-len(line)-64 {
		b.WriteString(line)
	}
	if late != "" {
		fmt.Fprintf(&b, "rotated to: %s\n", late)
	}
	return b.Bytes()
}

// TestCompressedStreamBound: a compressed file that holds no archive (a log,
// a dump, a test corpus) is scanned up to Limits.MaxStream decompressed
// bytes — a secret before the bound is found, the rest is not read — and the
// cut is a notice naming the file and a count in Stopped, never silent. A
// stream within the bound, a compressed tar (its members are bounded by the
// archive budget, not this one) and a compressed binary stream are read as
// before and count nothing.
func TestCompressedStreamBound(t *testing.T) {
	const bound = 64 << 10
	m := testMatcher(t)
	tests := []struct {
		name      string
		data      []byte
		want      []string // paths of the findings, in order
		stopped   int64
		noticeHas string
	}{
		{"long log", gzipOf(t, textWith(4*bound, tok(1), tok(2))),
			[]string{"app.log.gz!app.log:1"}, 1, "app.log.gz: stopped at the 65536-byte compressed stream bound; the rest is not scanned"},
		{"short log", gzipOf(t, textWith(bound/2, tok(1), tok(2))),
			[]string{"app.log.gz!app.log:1", "app.log.gz!app.log:last"}, 0, ""},
		{"tar.gz", gzipOf(t, tarOf(t, "var/app.log", textWith(4*bound, tok(1), tok(2)))),
			[]string{"app.log.gz!var/app.log:1", "app.log.gz!var/app.log:last"}, 0, ""},
		{"binary", gzipOf(t, append([]byte("\x00\x01ELF"), textWith(4*bound, tok(1), tok(2))...)), nil, 0, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var notices []string
			w := m.NewWorker()
			w.SetExpand(Expand{ArchiveDepth: 3, Limits: archive.Limits{MaxStream: bound},
				Notice: func(path, msg string) { notices = append(notices, path+": "+msg) }})
			var got []string
			err := w.ScanBytes(tc.data, "app.log.gz", func(f finding.Finding) {
				where := fmt.Sprintf("%s:%d", f.File, f.Line)
				if f.Line > 1 {
					where = f.File + ":last"
				}
				got = append(got, where)
			})
			if err != nil && tc.want != nil {
				t.Fatal(err)
			}
			if strings.Join(got, " ") != strings.Join(tc.want, " ") {
				t.Errorf("findings %q, want %q", got, tc.want)
			}
			if n := w.Stopped(); n != tc.stopped {
				t.Errorf("Stopped() = %d, want %d", n, tc.stopped)
			}
			if n := w.Stopped(); n != 0 {
				t.Errorf("Stopped() again = %d, want 0", n)
			}
			if tc.noticeHas == "" && len(notices) > 0 || tc.noticeHas != "" && (len(notices) != 1 || notices[0] != tc.noticeHas) {
				t.Errorf("notices %q, want %q", notices, tc.noticeHas)
			}
		})
	}
}

// TestExpansionStoppedCounted: the driver adds each bound that stopped an
// expansion (the stream bound, an archive bound, nesting deeper than the
// depth) to the run's counters, which the report's stats show.
func TestExpansionStoppedCounted(t *testing.T) {
	m := testMatcher(t)
	opts := Options{Expand: Expand{ArchiveDepth: 1, Limits: archive.Limits{MaxStream: 1 << 10}}}
	var mu sync.Mutex
	var skipped []string
	opts.OnSkip = func(path, reason string) { skipped = append(skipped, path) }
	var cnt Counters
	d := NewDriver(opts, &cnt)
	w := opts.NewWorker(m, &mu)
	items := []Item{
		{Path: "a.log.gz", Size: -1, Data: gzipOf(t, textWith(8<<10, tok(1), ""))},            // cut
		{Path: "b.log.gz", Size: -1, Data: gzipOf(t, textWith(512, tok(2), ""))},              // whole
		{Path: "c.tgz", Size: -1, Data: gzipOf(t, tarOf(t, "x.gz", gzipOf(t, []byte("hi"))))}, // x.gz nested too deep
	}
	for _, it := range items {
		d.Scan(w, it, func(finding.Finding) {})
	}
	if got := cnt.Stats().ExpansionStopped; got != 2 {
		t.Errorf("ExpansionStopped = %d, want 2 (notices for %q)", got, skipped)
	}
	if strings.Join(skipped, " ") != "a.log.gz c.tgz!x.gz" {
		t.Errorf("notices for %q, want a.log.gz and c.tgz!x.gz", skipped)
	}
}

// TestHasEscape: hasEscape answers as decode.HasEscape, with escapes and
// near-escapes at every place, the content's end among them.
func TestHasEscape(t *testing.T) {
	r := rand.New(rand.NewSource(9))
	alphabet := []byte(`\%nux/"2F0g a`)
	for n := 0; n < 12; n++ {
		for k := 0; k < 2000; k++ {
			b := make([]byte, n)
			for i := range b {
				b[i] = alphabet[r.Intn(len(alphabet))]
			}
			if got, want := hasEscape(b), decode.HasEscape(b); got != want {
				t.Fatalf("hasEscape(%q) = %v, decode.HasEscape %v", b, got, want)
			}
		}
	}
}
