// Package console is keyhound's view of the terminal it writes to: whether
// a writer is one, how wide it is, and a writer that keeps the lines of
// concurrent goroutines whole.
package console

import (
	"io"
	"os"
	"strconv"
	"sync"

	"golang.org/x/term"
)

// Locked serialises writes from concurrent goroutines to W.
type Locked struct {
	mu sync.Mutex
	W  io.Writer
}

// Write writes p to W, one caller at a time.
func (l *Locked) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.W.Write(p)
}

// file is the *os.File behind w (through a Locked), or nil.
func file(w any) *os.File {
	if lw, ok := w.(*Locked); ok {
		w = lw.W
	}
	f, _ := w.(*os.File)
	return f
}

// IsTerminal reports whether w (or the writer a Locked wraps) is a terminal.
func IsTerminal(w any) bool {
	f := file(w)
	return f != nil && term.IsTerminal(int(f.Fd()))
}

// Width is the number of columns w has: the terminal's when isTerminal
// says it is one, else $COLUMNS (from getenv); 0 when neither is known.
func Width(w io.Writer, isTerminal func(any) bool, getenv func(string) string) int {
	if f := file(w); f != nil && isTerminal(f) {
		if cols, _, err := term.GetSize(int(f.Fd())); err == nil && cols > 0 {
			return cols
		}
	}
	if n, err := strconv.Atoi(getenv("COLUMNS")); err == nil && n > 0 {
		return n
	}
	return 0
}
