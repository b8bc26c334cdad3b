// Command keyhound finds leaked credentials in files, git history and standard input.
package main

import (
	"context"
	_ "embed"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/keyhound/keyhound/cmd"
)

//go:embed rules.toml
var defaultRules []byte

func main() {
	holdGC(os.Getenv, startupWindow)
	// The first SIGINT or SIGTERM stops the scan and writes what was found;
	// a second one ends the process at once.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop()
	}()
	code := cmd.Main(cmd.Env{
		DefaultRules: defaultRules,
		Stdin:        os.Stdin,
		Stdout:       os.Stdout,
		Stderr:       os.Stderr,
		Context:      ctx,
	}, os.Args[1:])
	stop()
	os.Exit(code)
}

// startupWindow is how long holdGC holds the garbage collector off.
const startupWindow = 250 * time.Millisecond

// startupHeap bounds the heap while the collector is held off.
const startupHeap = 64 << 20

// holdGC holds the garbage collector off for the first window of the run,
// unless GOGC or GOMEMLIMIT is set: a short run (a pre-commit hook's
// `git --staged`) ends before its garbage is worth collecting, and the
// collections it used to start cost it about a fifth of its CPU time. The
// heap is bounded meanwhile by a soft limit of startupHeap (the collector
// runs when it is reached), and the usual settings return after window.
func holdGC(getenv func(string) string, window time.Duration) {
	if getenv("GOGC") != "" || getenv("GOMEMLIMIT") != "" {
		return
	}
	percent := debug.SetGCPercent(-1)
	limit := debug.SetMemoryLimit(startupHeap)
	time.AfterFunc(window, func() {
		debug.SetMemoryLimit(limit)
		debug.SetGCPercent(percent)
	})
}
