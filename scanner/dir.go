package scanner

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// WalkOptions configure a directory walk.
type WalkOptions struct {
	Prefix  string                       // prepended to each relative path (for several roots)
	OnError func(path string, err error) // a directory or entry could not be read
	// OnNestedConfig, when set, is told of each .keyhound.toml below the
	// root: only the root's is read, and the user should know.
	OnNestedConfig func(path string)
}

// Walk sends every regular file under root to out, with its path relative to
// root. It skips .git directories, symlinks (so nothing outside root is ever
// read, and no loop is followed) and special files (FIFOs, sockets, devices),
// which are never opened. root may also be a single file.
func Walk(ctx context.Context, root string, opts WalkOptions, cnt *Counters, out chan<- Item) error {
	info, err := os.Stat(root)
	if err != nil {
		return fmt.Errorf("path %s: %w", root, unwrapPathError(err))
	}
	if !info.IsDir() {
		if !info.Mode().IsRegular() {
			return fmt.Errorf("path %s: not a regular file or directory", root)
		}
		name := filepath.ToSlash(filepath.Clean(root))
		return send(ctx, out, fileItem(root, joinPrefix(opts.Prefix, name), info.Size()))
	}
	// A root that is a symlink to a directory is what the user asked for:
	// walk where it points (WalkDir would not follow it).
	if real, err := filepath.EvalSymlinks(root); err == nil {
		root = real
	}
	return filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		rel, _ := filepath.Rel(root, p)
		rel = joinPrefix(opts.Prefix, filepath.ToSlash(rel))
		if err != nil {
			cnt.Errors.Add(1)
			if opts.OnError != nil {
				opts.OnError(rel, unwrapPathError(err))
			}
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if d.IsDir() {
			if d.Name() == ".git" && p != root {
				return fs.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			cnt.SkippedOther.Add(1) // symlink, FIFO, socket or device
			return nil
		}
		info, err := d.Info()
		if err != nil {
			cnt.Errors.Add(1)
			if opts.OnError != nil {
				opts.OnError(rel, unwrapPathError(err))
			}
			return nil
		}
		if opts.OnNestedConfig != nil && d.Name() == ".keyhound.toml" && filepath.Dir(p) != root {
			opts.OnNestedConfig(rel)
		}
		return send(ctx, out, fileItem(p, rel, info.Size()))
	})
}

func joinPrefix(prefix, rel string) string {
	if prefix == "" || prefix == "." {
		return rel
	}
	if rel == "." {
		return prefix
	}
	return prefix + "/" + rel
}

func send(ctx context.Context, out chan<- Item, it Item) error {
	select {
	case out <- it:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func fileItem(p, rel string, size int64) Item {
	return Item{Path: rel, Size: size, Open: func() (io.ReadCloser, error) {
		f, err := openRegular(p)
		if err != nil {
			return nil, err
		}
		return f, nil
	}}
}

func unwrapPathError(err error) error {
	if pe, ok := err.(*fs.PathError); ok {
		return pe.Err
	}
	return err
}
