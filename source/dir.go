package source

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/keyhound/keyhound/scanner"
)

// Dir is a directory (or a single file) on disk.
type Dir struct {
	Path string
	// Prefixed: report paths as Path/relative (several directories in one
	// run) rather than relative to Path.
	Prefixed bool
}

// Name is the path as given.
func (d Dir) Name() string { return d.Path }

// Root is Path when it is a directory, "" for a file.
func (d Dir) Root() string {
	if st, err := os.Stat(d.Path); err == nil && st.IsDir() {
		return d.Path
	}
	return ""
}

// Scan walks the directory with its root's configuration.
func (d Dir) Scan(ctx context.Context, env *Env) error {
	root := d.Root()
	rc, err := env.Configure(root)
	if err != nil {
		return err
	}
	prefix := ""
	if d.Prefixed && root != "" {
		prefix = filepath.ToSlash(filepath.Clean(d.Path))
	}
	return RunItems(ctx, env, rc, func(ctx context.Context, out chan<- scanner.Item) error {
		return scanner.Walk(ctx, d.Path, scanner.WalkOptions{Prefix: prefix, OnError: env.Run.OnError, OnNestedConfig: env.Run.OnNestedConfig}, env.Counters, out)
	})
}

// Dirs are the sources of a dir scan, one per path (default .), each
// checked to exist, and their roots ("" for a file).
func Dirs(paths []string) ([]Source, []string, error) {
	if len(paths) == 0 {
		paths = []string{"."}
	}
	var srcs []Source
	var roots []string
	for _, a := range paths {
		if _, err := os.Stat(a); err != nil {
			return nil, nil, fmt.Errorf("path %s: %w", a, unwrapPathError(err))
		}
		d := Dir{Path: a, Prefixed: len(paths) > 1}
		srcs, roots = append(srcs, d), append(roots, d.Root())
	}
	return srcs, roots, nil
}
