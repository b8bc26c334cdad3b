package source

import (
	"context"
	"io"

	"github.com/keyhound/keyhound/scanner"
)

// Stdin is standard input, reported under a name. The name is the item's
// path, so path allowlists and path-scoped rules apply to it exactly as to a
// file of that name in a directory.
type Stdin struct {
	R    io.Reader
	File string // the name findings are reported under ("": stdin)
	Root string // where a .keyhound.toml and .keyhoundignore apply (the current directory)
	Head *Head  // when set, keeps the start of the input for Text (verification)
}

// Name is the name findings are reported under.
func (s Stdin) Name() string {
	if s.File == "" {
		return "stdin"
	}
	return s.File
}

// Scan reads standard input to its end.
func (s Stdin) Scan(ctx context.Context, env *Env) error {
	rc, err := env.Configure(s.Root)
	if err != nil {
		return err
	}
	in := s.R
	if s.Head != nil {
		in = io.TeeReader(in, s.Head)
	}
	return RunItems(ctx, env, rc, func(ctx context.Context, out chan<- scanner.Item) error {
		out <- scanner.Item{Path: s.Name(), Size: -1, Open: func() (io.ReadCloser, error) { return io.NopCloser(in), nil }}
		return nil
	})
}
