package scanner

import (
	"context"
	"io"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/keyhound/keyhound/finding"
)

// Item is one piece of content to scan, with the path findings are reported
// under: what every source (a directory, standard input, a git history)
// hands to the Driver.
type Item struct {
	Path  string                        // reported path, relative and /-separated; path-scoped rules and allowlists match it
	Where func() string                 // how messages name the item (nil: Path); e.g. a blob and its commit
	Size  int64                         // -1 when unknown
	Open  func() (io.ReadCloser, error) // opened by a worker when its turn comes (nil when Data is set)
	Data  []byte                        // the content, when the source already holds it in memory
	// Match, when set, matches Data in place of w.ScanBytes (git: from the
	// memo of the blob's delta base, matching only what the blob adds).
	Match func(w *Worker, data []byte, path string, emit func(finding.Finding)) error
}

func (it *Item) where() string {
	if it.Where != nil {
		return it.Where()
	}
	return it.Path
}

// Options configure a scan run.
type Options struct {
	Workers     int                          // 0: one per CPU
	MaxFileSize int64                        // 0: no limit
	OnError     func(path string, err error) // an item could not be read; the scan goes on
	OnSkip      func(path, reason string)    // an item was skipped on purpose (e.g. too large)
	OnProgress  func(bytes int64)            // an item is done: its size (or the bytes read, when unknown)
	// OnNestedConfig is told of each .keyhound.toml a directory walk finds
	// below its root (only the root's is read).
	OnNestedConfig func(path string)
	// Early, when set, receives a finding as soon as it is matched, before a
	// source that aggregates (git history: one finding per secret and path,
	// attributed to its earliest commit) has settled its provenance; the
	// git source sets the commit that introduced the blob. Webhooks use it
	// so revocation does not wait for the end of a long scan. It may be
	// called from several goroutines.
	Early func(finding.Finding)
	// Expand says which archives are opened and which encodings decoded;
	// its Notice, when nil, defaults to OnSkip.
	Expand Expand
	// Explain, when set, receives each candidate a rule's regex matched
	// that is not reported, with the reason (keyhound explain); it may be
	// called from several goroutines. Nil costs nothing.
	Explain func(Rejected)
}

// NewWorker returns a worker of m configured by o: what it opens and
// decodes, its notices going to o.OnSkip (serialised by mu) unless
// o.Expand.Notice is set.
func (o Options) NewWorker(m *Matcher, mu *sync.Mutex) *Worker {
	w := m.NewWorker()
	e := o.Expand
	if e.Notice == nil && o.OnSkip != nil {
		e.Notice = func(path, msg string) {
			mu.Lock()
			defer mu.Unlock()
			o.OnSkip(path, msg)
		}
	}
	w.SetExpand(e)
	w.explain = o.Explain
	return w
}

// Counters are a run's statistics, safe to update concurrently.
type Counters struct {
	Files, Bytes, SkippedBinary, SkippedLarge, SkippedOther, Errors atomic.Int64
	Commits, Blobs                                                  atomic.Int64 // git history only
	ExpansionStopped                                                atomic.Int64 // archives and compressed streams a bound stopped
}

// Stats copies the counters into report stats.
func (c *Counters) Stats() finding.Stats {
	return finding.Stats{
		Files:         c.Files.Load(),
		Bytes:         c.Bytes.Load(),
		SkippedBinary: c.SkippedBinary.Load(),
		SkippedLarge:  c.SkippedLarge.Load(),
		SkippedOther:  c.SkippedOther.Load(),
		Errors:        c.Errors.Load(),
		Commits:       c.Commits.Load(),
		Blobs:         c.Blobs.Load(),

		ExpansionStopped: c.ExpansionStopped.Load(),
	}
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// Run scans every item from items with a pool of workers and calls emit, from
// one goroutine at a time, for each finding. It returns when items is closed
// and drained, or as soon as ctx is done (emit is then never called again).
func Run(ctx context.Context, m *Matcher, items <-chan Item, opts Options, cnt *Counters, emit func(finding.Finding)) {
	n := opts.Workers
	if n <= 0 {
		n = runtime.GOMAXPROCS(0)
	}
	d := NewDriver(opts, cnt)
	var mu sync.Mutex
	stopped := false // set when ctx is done: later findings are dropped
	safeEmit := func(f finding.Finding) {
		mu.Lock()
		defer mu.Unlock()
		if !stopped {
			emit(f)
		}
	}
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := opts.NewWorker(m, &mu)
			for {
				select {
				case <-ctx.Done():
					return
				case it, ok := <-items:
					if !ok {
						return
					}
					d.Scan(w, it, safeEmit)
				}
			}
		}()
	}
	done := make(chan struct{})
	go func() {
		wg.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-ctx.Done():
		// Return promptly even if a worker is stuck in a read (a pipe, a
		// slow network file system); it finishes on its own, emitting nothing.
		mu.Lock()
		stopped = true
		mu.Unlock()
	}
}
