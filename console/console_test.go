package console

import (
	"bytes"
	"io"
	"os"
	"strings"
	"sync"
	"testing"
)

func TestWidth(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	yes := func(any) bool { return true }
	tests := []struct {
		w       io.Writer
		columns string
		want    int
	}{
		{&bytes.Buffer{}, "", 0},
		{&bytes.Buffer{}, "100", 100},
		{&bytes.Buffer{}, "wide", 0},
		{&Locked{W: w}, "72", 72}, // a pipe has no size: $COLUMNS
	}
	for _, tt := range tests {
		getenv := func(k string) string {
			if k == "COLUMNS" {
				return tt.columns
			}
			return ""
		}
		if got := Width(tt.w, yes, getenv); got != tt.want {
			t.Errorf("%T COLUMNS=%q: %d, want %d", tt.w, tt.columns, got, tt.want)
		}
	}
	if IsTerminal(w) || IsTerminal(&Locked{W: w}) || IsTerminal(&bytes.Buffer{}) {
		t.Errorf("a pipe or a buffer is taken for a terminal")
	}
}

// Lines written at once by many goroutines through a Locked stay whole.
func TestLocked(t *testing.T) {
	var b bytes.Buffer
	l := &Locked{W: &b}
	line := strings.Repeat("x", 512) + "\n"
	var wg sync.WaitGroup
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 50; j++ {
				l.Write([]byte(line))
			}
		}()
	}
	wg.Wait()
	for i, got := range strings.SplitAfter(b.String(), "\n") {
		if got != line && got != "" {
			t.Fatalf("line %d torn: %q", i, got)
		}
	}
}
