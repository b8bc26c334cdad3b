package progress

import (
	"bytes"
	"strings"
	"testing"
)

func TestCount(t *testing.T) {
	for _, tc := range []struct {
		n      int64
		noun   string
		plural []string
		want   string
	}{
		{0, "file", nil, "0 files"},
		{1, "file", nil, "1 file"},
		{2, "finding", nil, "2 findings"},
		{1, "repository", []string{"repositories"}, "1 repository"},
		{3, "repository", []string{"repositories"}, "3 repositories"},
	} {
		if got := Count(tc.n, tc.noun, tc.plural...); got != tc.want {
			t.Errorf("Count(%d, %q) = %q, want %q", tc.n, tc.noun, got, tc.want)
		}
	}
}

// TestTree: the directory bar says how many files are done out of how many
// found, with a + while the walk is still counting.
func TestTree(t *testing.T) {
	var buf bytes.Buffer
	tr := Files(&buf)
	for _, n := range []int64{100, 200, 300} {
		tr.Found(n)
	}
	tr.Done(100)
	if got := tr.Describe(); got != "scanning 1/3+ files" {
		t.Errorf("while counting: %q", got)
	}
	tr.Counted()
	tr.Done(200)
	if got := tr.Describe(); got != "scanning 2/3 files" {
		t.Errorf("counted: %q", got)
	}
	tr.Finish()
	if !strings.Contains(buf.String(), "scanning ") {
		t.Errorf("bar output: %q", buf.String())
	}
}
