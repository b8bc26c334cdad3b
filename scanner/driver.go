package scanner

import (
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/keyhound/keyhound/finding"
)

// Outcome is what the Driver did with one item.
type Outcome int

// Outcomes of Driver.Scan.
const (
	Scanned  Outcome = iota // matched; its findings were emitted
	Binary                  // binary content, skipped
	TooLarge                // over Options.MaxFileSize, skipped unread
	Failed                  // could not be read; reported to Options.OnError
)

// Driver applies, once for every source, what scanning an item involves
// besides matching: the size limit, binary detection, the byte and file
// counters, error accounting and progress. Every source hands its items to
// one: Run does for a stream of items (a directory, standard input), the git
// history scan for each blob it reads.
//
// Content inside an item (the members of an archive, a decoded span) is
// expanded by the Worker the Driver is given (Options.NewWorker configures
// it with Options.Expand), so that a directory, a git blob and standard
// input get it alike, reported as "outer!member".
//
// A Driver is safe for concurrent use, each goroutine with its own Worker;
// OnError and OnSkip are called from one goroutine at a time.
type Driver struct {
	opts Options
	cnt  *Counters
	mu   sync.Mutex // serialises OnError and OnSkip
}

// NewDriver returns a Driver applying opts and counting into cnt.
func NewDriver(opts Options, cnt *Counters) *Driver {
	return &Driver{opts: opts, cnt: cnt}
}

// Fail counts an item that could not be read and reports it to OnError
// under where.
func (d *Driver) Fail(where string, err error) {
	d.cnt.Errors.Add(1)
	if d.opts.OnError != nil {
		d.mu.Lock()
		d.opts.OnError(where, err)
		d.mu.Unlock()
	}
}

// Scan scans one item with w, emitting each finding, and returns what it did.
// An item whose Size is over the limit is skipped before it is opened (or
// before its Data is looked at).
func (d *Driver) Scan(w *Worker, it Item, emit func(finding.Finding)) Outcome {
	opts, cnt := &d.opts, d.cnt
	if opts.MaxFileSize > 0 && it.Size > opts.MaxFileSize {
		cnt.SkippedLarge.Add(1)
		if opts.OnSkip != nil {
			d.mu.Lock()
			opts.OnSkip(it.where(), fmt.Sprintf("larger than --max-file-size (%d > %d bytes)", it.Size, opts.MaxFileSize))
			d.mu.Unlock()
		}
		if opts.OnProgress != nil {
			opts.OnProgress(it.Size)
		}
		return TooLarge
	}
	var n int64
	var err error
	if it.Open == nil {
		n = int64(len(it.Data))
		if it.Match != nil {
			err = it.Match(w, it.Data, it.Path, emit)
		} else {
			err = w.ScanBytes(it.Data, it.Path, emit)
		}
	} else {
		n, err = d.stream(w, &it, emit)
		if n < 0 {
			d.Fail(it.where(), err)
			return Failed
		}
	}
	cnt.Bytes.Add(n)
	cnt.ExpansionStopped.Add(w.Stopped())
	if opts.OnProgress != nil {
		opts.OnProgress(max(n, it.Size)) // a binary or allowlisted file is done whole
	}
	switch {
	case errors.Is(err, ErrBinary):
		cnt.SkippedBinary.Add(1)
		return Binary
	case err != nil:
		d.Fail(it.where(), err)
		return Failed
	}
	cnt.Files.Add(1)
	return Scanned
}

// stream opens it and scans what it reads; n is -1 when it cannot be opened.
func (d *Driver) stream(w *Worker, it *Item, emit func(finding.Finding)) (n int64, err error) {
	rc, err := it.Open()
	if err != nil {
		return -1, err
	}
	defer rc.Close()
	cr := &countingReader{r: rc}
	var r io.Reader = cr
	switch {
	case it.Size >= 0:
		// A file that grows while it is read (a log) is scanned as it was
		// listed, so the scan always ends.
		r = io.LimitReader(cr, it.Size)
	case d.opts.MaxFileSize > 0:
		r = io.LimitReader(cr, d.opts.MaxFileSize)
	}
	r = withReaderAt(r, rc, it.Size) // a zip on disk is read in place
	err = w.Scan(r, it.Path, emit)
	return cr.n, err
}
