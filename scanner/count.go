package scanner

import (
	"context"
	"io/fs"
	"path/filepath"
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
