package scanner

import (
	"bytes"
	"strings"
	"testing"

	"github.com/keyhound/keyhound/finding"
)

// TestColumnAcrossChunkBoundary: a multi-byte character straddling the
// point where a chunk's tail is carried to the next chunk used to be counted
// twice, putting a later finding on that line one column too far right
// (found by the hardening work's FuzzPosition). The tail now starts on a
// character boundary.
func TestColumnAcrossChunkBoundary(t *testing.T) {
	secret := tok(1)
	var b bytes.Buffer
	b.WriteString(strings.Repeat("a", chunkSize-1))
	b.WriteString("é") // bytes chunkSize-1 and chunkSize: split by the first chunk's keep offset
	b.WriteString(strings.Repeat("b", 100000))
	b.WriteString(" " + secret + "\n")
	var found []finding.Finding
	if err := testMatcher(t).NewWorker().Scan(bytes.NewReader(b.Bytes()), "f.txt", func(f finding.Finding) { found = append(found, f) }); err != nil {
		t.Fatal(err)
	}
	want := chunkSize - 1 + 1 + 100000 + 1 + 1
	if len(found) != 1 || found[0].Line != 1 || found[0].Column != want {
		t.Fatalf("findings %d, column %d, want 1:%d", len(found), func() int {
			if len(found) > 0 {
				return found[0].Column
			}
			return 0
		}(), want)
	}
}
