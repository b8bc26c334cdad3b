package progress

import "testing"

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
