// Command keyhound finds leaked credentials in files, git history and standard input.
package main

import (
	_ "embed"
	"os"

	"github.com/keyhound/keyhound/cmd"
)

//go:embed rules.toml
var defaultRules []byte

func main() {
	os.Exit(cmd.Main(cmd.Env{
		DefaultRules: defaultRules,
		Stdin:        os.Stdin,
		Stdout:       os.Stdout,
		Stderr:       os.Stderr,
	}, os.Args[1:]))
}
