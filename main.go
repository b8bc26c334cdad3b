// Command keyhound finds leaked credentials in files, git history and standard input.
package main

import (
	"context"
	_ "embed"
	"os"
	"os/signal"
	"syscall"

	"github.com/keyhound/keyhound/cmd"
)

//go:embed rules.toml
var defaultRules []byte

func main() {
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
