// Package progress draws progress bars on a terminal: the bytes of a scan,
// and the phases of a git history scan.
package progress

import (
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/schollz/progressbar/v3"
)

// Bytes starts a bar counting the bytes scanned on w; it returns the
// function to count with and the one that clears the bar.
func Bytes(w io.Writer) (add func(n int64), finish func()) {
	bar := progressbar.NewOptions64(-1,
		progressbar.OptionSetWriter(w),
		progressbar.OptionShowBytes(true),
		progressbar.OptionSetDescription("scanning"),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
	)
	return func(n int64) { _ = bar.Add64(n) }, func() { _ = bar.Finish() }
}

// Tree is the progress bar of a directory scan: files and bytes done out
// of the total, which a walk ahead of the scan counts (Found) while the
// scan goes on (Done), and the time left. Safe for concurrent use.
type Tree struct {
	bar                   *progressbar.ProgressBar
	files, bytes, done    atomic.Int64 // found files and bytes, files done
	counted               atomic.Bool  // the walk is over: the totals are final
	lastMax, lastDescribe atomic.Int64 // unix nanos of the last update
}

// Files starts a Tree bar on w.
func Files(w io.Writer) *Tree {
	return &Tree{bar: progressbar.NewOptions64(-1,
		progressbar.OptionSetWriter(w),
		progressbar.OptionShowBytes(true),
		progressbar.OptionShowCount(), // with ShowBytes: bytes done/total
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionSetDescription("scanning"),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
	)}
}

// Found counts a file of size bytes the walk found.
func (t *Tree) Found(size int64) {
	t.files.Add(1)
	t.bytes.Add(size)
	if t.due(&t.lastMax) {
		t.bar.ChangeMax64(max(t.bytes.Load(), 1))
	}
}

// Counted says the walk is over: the totals are final.
func (t *Tree) Counted() {
	t.counted.Store(true)
	t.bar.ChangeMax64(max(t.bytes.Load(), 1))
	t.describe()
}

// Done counts a file of size bytes scanned (or skipped).
func (t *Tree) Done(size int64) {
	t.done.Add(1)
	if t.due(&t.lastDescribe) {
		t.describe()
	}
	_ = t.bar.Add64(size)
}

// Finish clears the bar.
func (t *Tree) Finish() { _ = t.bar.Finish() }

// Describe is the bar's text: "scanning 120/4812 files", with a + while
// the walk is still counting.
func (t *Tree) Describe() string {
	more := ""
	if !t.counted.Load() {
		more = "+"
	}
	return fmt.Sprintf("scanning %d/%d%s files", t.done.Load(), t.files.Load(), more)
}

func (t *Tree) describe() { t.bar.Describe(t.Describe()) }

// due reports whether 200ms passed since *last, and claims the update.
func (t *Tree) due(last *atomic.Int64) bool {
	now := time.Now().UnixNano()
	l := last.Load()
	return now-l > int64(200*time.Millisecond) && last.CompareAndSwap(l, now)
}

// Phases shows a progress bar per phase (walking commits, scanning blobs,
// repositories) on a terminal. A nil *Phases draws nothing.
type Phases struct {
	W     io.Writer // where the bar is drawn
	mu    sync.Mutex
	bar   *progressbar.ProgressBar
	name  string
	bytes atomic.Int64
	last  atomic.Int64 // unix nanos of the last description update
}

// Phase starts a phase of total steps (-1: unknown).
func (p *Phases) Phase(name string, total int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar != nil {
		_ = p.bar.Finish()
	}
	p.name = name
	p.bytes.Store(0)
	p.bar = progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(p.W),
		progressbar.OptionSetDescription(name),
		progressbar.OptionShowCount(),
		progressbar.OptionSetPredictTime(total > 0),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
	)
}

// Add counts n steps and bytes of the current phase.
func (p *Phases) Add(n, bytes int64) {
	p.mu.Lock()
	bar := p.bar
	p.mu.Unlock()
	if bar == nil {
		return
	}
	if bytes > 0 {
		total := p.bytes.Add(bytes)
		now := time.Now().UnixNano()
		if last := p.last.Load(); now-last > int64(200*time.Millisecond) && p.last.CompareAndSwap(last, now) {
			bar.Describe(fmt.Sprintf("%s (%s)", p.name, HumanBytes(total)))
		}
	}
	_ = bar.Add64(n)
}

// Finish clears the bar.
func (p *Phases) Finish() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar != nil {
		_ = p.bar.Finish()
		p.bar = nil
	}
}

// HumanBytes writes a byte count as B, KiB, MiB or GiB.
func HumanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.2f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// Count writes "1 file", "2 files": n and the noun, singular for 1. The
// plural is noun+"s" unless given.
func Count(n int64, noun string, plural ...string) string {
	if n == 1 {
		return "1 " + noun
	}
	if len(plural) > 0 {
		return fmt.Sprintf("%d %s", n, plural[0])
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
