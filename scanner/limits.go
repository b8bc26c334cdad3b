package scanner

import (
	"fmt"
	"strconv"
	"strings"
)

// Limits are a scan's worker count, size limit and depths as given on the
// command line.
type Limits struct {
	Workers      int    // -j/--workers: 0 or more (0: one per CPU)
	MaxFileSize  string // --max-file-size, as ParseSize reads it; "": no limit
	ArchiveDepth int    // --max-archive-depth: 0..16
	DecodeDepth  int    // --max-decode-depth: 0..4
}

// Apply checks l and sets o's Workers, MaxFileSize and Expand; errors name
// the flag.
func (l Limits) Apply(o *Options) error {
	if l.Workers < 0 {
		return fmt.Errorf("--workers %d: must be 0 or more", l.Workers)
	}
	if l.ArchiveDepth < 0 || l.ArchiveDepth > 16 {
		return fmt.Errorf("--max-archive-depth %d: want 0..16", l.ArchiveDepth)
	}
	if l.DecodeDepth < 0 || l.DecodeDepth > 4 {
		return fmt.Errorf("--max-decode-depth %d: want 0..4", l.DecodeDepth)
	}
	if l.MaxFileSize != "" {
		n, err := ParseSize(l.MaxFileSize)
		if err != nil {
			return fmt.Errorf("--max-file-size %q: %w", l.MaxFileSize, err)
		}
		o.MaxFileSize = n
	}
	o.Workers = l.Workers
	o.Expand = Expand{ArchiveDepth: l.ArchiveDepth, DecodeDepth: l.DecodeDepth}
	return nil
}

// ParseSize reads a size such as 512, 10KB, 10KiB, 1.5MB or 2G (K/M/G are
// powers of 1024, as are KiB/MiB/GiB; KB/MB/GB are powers of 1000).
func ParseSize(s string) (int64, error) {
	t := strings.TrimSpace(strings.ToUpper(s))
	units := []struct {
		suffix string
		mult   float64
	}{
		{"KIB", 1 << 10}, {"MIB", 1 << 20}, {"GIB", 1 << 30}, {"TIB", 1 << 40},
		{"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"TB", 1e12},
		{"K", 1 << 10}, {"M", 1 << 20}, {"G", 1 << 30}, {"T", 1 << 40}, {"B", 1},
	}
	mult := 1.0
	for _, u := range units {
		if strings.HasSuffix(t, u.suffix) {
			mult = u.mult
			t = strings.TrimSpace(strings.TrimSuffix(t, u.suffix))
			break
		}
	}
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || v < 0 || v*mult > 1<<62 {
		return 0, fmt.Errorf("not a size (want e.g. 500KB, 10MiB, 1G)")
	}
	return int64(v * mult), nil
}
