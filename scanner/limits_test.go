package scanner

import (
	"strings"
	"testing"
)

func TestParseSize(t *testing.T) {
	tests := []struct {
		in   string
		want int64
	}{
		{"512", 512}, {"10KB", 10_000}, {"10KiB", 10 << 10}, {"1.5MB", 1_500_000},
		{"2G", 2 << 30}, {" 3 mib ", 3 << 20}, {"7B", 7}, {"1TB", 1e12},
	}
	for _, tt := range tests {
		if got, err := ParseSize(tt.in); err != nil || got != tt.want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "MB", "-1KB", "ten", "1e30GB"} {
		if _, err := ParseSize(bad); err == nil {
			t.Errorf("ParseSize(%q): no error", bad)
		}
	}
}

func TestLimits(t *testing.T) {
	tests := []struct {
		l   Limits
		err string
	}{
		{Limits{Workers: 3, MaxFileSize: "1KiB", ArchiveDepth: 16, DecodeDepth: 4}, ""},
		{Limits{Workers: -1}, "--workers -1"},
		{Limits{ArchiveDepth: 17}, "--max-archive-depth 17"},
		{Limits{DecodeDepth: -1}, "--max-decode-depth -1"},
		{Limits{MaxFileSize: "big"}, `--max-file-size "big"`},
	}
	for _, tt := range tests {
		var o Options
		err := tt.l.Apply(&o)
		switch {
		case tt.err != "" && (err == nil || !strings.HasPrefix(err.Error(), tt.err)):
			t.Errorf("%+v: error %v, want %q", tt.l, err, tt.err)
		case tt.err == "" && (err != nil || o.Workers != 3 || o.MaxFileSize != 1024 || o.Expand.ArchiveDepth != 16 || o.Expand.DecodeDepth != 4):
			t.Errorf("%+v: %+v, %v", tt.l, o, err)
		}
	}
}
