//go:build tools

// Command genbuiltin writes rules/builtin_gen.go, the built-in rule file
// parsed and checked at build time (run it with `go generate ./rules`).
package main

import (
	"fmt"
	"go/format"
	"os"

	"github.com/keyhound/keyhound/rules"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: genbuiltin RULES.toml OUT.go")
		os.Exit(2)
	}
	data, err := os.ReadFile(os.Args[1])
	if err == nil {
		var src []byte
		if src, err = rules.GenerateBuiltin(data); err == nil {
			if src, err = format.Source(src); err == nil {
				err = os.WriteFile(os.Args[2], src, 0o644)
			}
		}
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "genbuiltin: %v\n", err)
		os.Exit(2)
	}
}
