package scanner

import (
	"context"
	"fmt"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
)

// CountFiles counts, in the background, the files a walk of paths will
// send (for a progress bar's totals): found is called with each one's size,
// then counted when the count is complete. stop ends the count early and
// waits for it.
func CountFiles(ctx context.Context, paths []string, found func(size int64), counted func()) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if countTree(ctx, paths, found) == nil {
			counted()
		}
	}()
	return func() {
		cancel()
		<-done
	}
}

// countTree walks paths as Walk does (regular files, no .git
// directory, no symlink followed below a root) and calls found with the
// size of each file. It returns ctx's error if ctx ends first.
func countTree(ctx context.Context, paths []string, found func(size int64)) error {
	for _, root := range paths {
		if real, err := filepath.EvalSymlinks(root); err == nil {
			root = real
		}
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			switch {
			case ctx.Err() != nil:
				return ctx.Err()
			case err != nil:
				return nil // the scan names it
			case d.IsDir() && d.Name() == ".git" && p != root:
				return fs.SkipDir
			case !d.Type().IsRegular():
				return nil
			}
			if info, err := d.Info(); err == nil {
				found(info.Size())
			}
			return nil
		})
		if ctx.Err() != nil {
			return ctx.Err()
		}
		_ = err // a root that cannot be read: the scan names it
	}
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
