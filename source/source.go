// Package source holds the sources keyhound scans — a directory, standard
// input, a git history — behind one interface, Source. A source yields
// content (scanner.Item) to a scanner.Driver, which applies the size limit,
// binary detection, counters and progress the same way for every source; the
// findings go to the pipeline's stages through the Root their content
// belongs to.
package source

import (
	"context"

	"github.com/keyhound/keyhound/finding"
	"github.com/keyhound/keyhound/scanner"
)

// Source is where content comes from. Concurrency contract:
//   - Scan may send findings to a Root's Emit and Early from several
//     goroutines at once (they are safe for concurrent use), and returns only
//     after the last one.
//   - Scan stops promptly when ctx is done; what it found until then counts.
//   - A part that cannot be read (a file, a blob) goes to Env.Run.OnError and
//     the scan goes on; a returned error means the source as a whole could
//     not be scanned, and names it.
//   - Several sources of one run may be scanned at once (Env is shared).
type Source interface {
	// Name names the source in messages and in the report's failed targets
	// (a path, a repository without the credentials of its URL).
	Name() string
	// Scan scans the source's content.
	Scan(ctx context.Context, env *Env) error
}

// Env is what a run gives its sources.
type Env struct {
	// Configure returns the configuration of the content under root, a
	// directory whose own .keyhound.toml and .keyhoundignore apply to it
	// ("" for content with no root of its own: a single file, a URL).
	Configure func(root string) (*Root, error)
	Run       scanner.Options   // workers, size limit, error and progress callbacks
	Counters  *scanner.Counters // the run's statistics
}

// Root is the configuration of one scanned root, as a source sees it.
type Root struct {
	Matcher *scanner.Matcher
	// RecordKey is the key of incremental records matched with this
	// root's rules by the engine (git --cache-dir).
	RecordKey func(engine string) string
	// Emit hands a finding to the pipeline's stages (dedup, baseline, the
	// root's ignore file, sinks). Safe for concurrent use.
	Emit func(finding.Finding)
	// Early, when not nil, takes a provisional finding as soon as it is
	// matched, before a source that aggregates (git history) settles its
	// provenance: webhooks then need not wait for the end of a long scan.
	// Safe for concurrent use.
	Early func(finding.Finding)
}

// RunItems scans the items that produce sends with root's matcher through
// one Driver, emitting to root. produce runs in its own goroutine and must
// stop when ctx is done; its error is returned.
func RunItems(ctx context.Context, env *Env, root *Root, produce func(ctx context.Context, out chan<- scanner.Item) error) error {
	items := make(chan scanner.Item, 256)
	errc := make(chan error, 1)
	go func() {
		defer close(items)
		errc <- produce(ctx, items)
	}()
	scanner.Run(ctx, root.Matcher, items, env.Run, env.Counters, root.Emit)
	if ctx.Err() != nil {
		return nil // interrupted: what was found counts
	}
	return <-errc
}
