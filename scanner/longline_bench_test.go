package scanner

import (
	"bytes"
	"math/rand"
	"testing"

	"github.com/keyhound/keyhound/finding"
)

// randomLines returns n bytes of random printable text: words of letters
// and digits, punctuation and spaces; with lineLen > 0 a newline replaces
// the byte every lineLen bytes.
func randomLines(n, lineLen int, seed int64) []byte {
	const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-=:\"'./+ "
	rng := rand.New(rand.NewSource(seed))
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[rng.Intn(len(alphabet))]
		if lineLen > 0 && i%lineLen == lineLen-1 {
			b[i] = '\n'
		}
	}
	return b
}

// BenchmarkLongLine reports matching throughput (MB/s) of the default rules
// over 8 MB of random text as one line and as 100-byte lines.
func BenchmarkLongLine(b *testing.B) {
	m := defaultMatcher(b)
	for _, c := range []struct {
		name    string
		lineLen int
	}{{"one-line", 0}, {"lines-100", 100}} {
		data := randomLines(8<<20, c.lineLen, 1)
		b.Run(c.name, func(b *testing.B) {
			w := m.NewWorker()
			n := 0
			b.SetBytes(int64(len(data)))
			defer cpuClock(b, int64(len(data)))()
			for i := 0; i < b.N; i++ {
				_ = w.Scan(bytes.NewReader(data), "random.txt", func(finding.Finding) { n++ })
			}
			b.ReportMetric(float64(n)/float64(b.N), "findings/op")
		})
	}
}
