// Package cmd holds keyhound's cobra commands: each parses its flags into an
// options struct, calls into the scanning and reporting packages and maps the
// outcome to an exit status.
package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"

	"github.com/keyhound/keyhound/compat"
	"github.com/keyhound/keyhound/console"
	"github.com/keyhound/keyhound/report"
)

// Exit statuses (see CONTRACT.md).
const (
	ExitOK          = 0
	ExitFindings    = 1
	ExitError       = 2
	ExitInterrupted = 130 // SIGINT/SIGTERM: the report holds what was found until then
)

// Env is everything the commands take from the process; tests supply their own.
type Env struct {
	DefaultRules []byte // the embedded rules.toml
	Version      string // "": from the build info
	Stdin        io.Reader
	Stdout       io.Writer
	Stderr       io.Writer
	Getenv       func(string) string // nil: os.Getenv
	IsTerminal   func(w any) bool    // nil: true for a terminal *os.File
	Context      context.Context     // cancelled on SIGINT/SIGTERM; nil: never
}

// color says whether a report in format written to standard output gets
// ANSI colour: text on a terminal, without NO_COLOR.
func (e *Env) color(format string) bool {
	return format == "text" && e.IsTerminal(e.Stdout) && e.Getenv("NO_COLOR") == ""
}

// exitError carries an exit status through cobra without a message.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// Main runs keyhound with args (without the program name) and returns the exit status.
func Main(env Env, args []string) int {
	if env.Getenv == nil {
		env.Getenv = os.Getenv
	}
	if env.IsTerminal == nil {
		env.IsTerminal = console.IsTerminal
	}
	if env.Stdin == nil {
		env.Stdin = strings.NewReader("")
	}
	env.Stderr = &console.Locked{W: env.Stderr}
	if env.Version == "" {
		env.Version = buildVersion()
	}
	root := newRootCmd(&env)
	root.SetArgs(args)
	root.SetIn(env.Stdin)
	root.SetOut(env.Stdout)
	root.SetErr(env.Stderr)
	if env.Context == nil {
		env.Context = context.Background()
	}
	err := root.ExecuteContext(env.Context)
	var ee exitError
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &ee):
		return ee.code
	default:
		// The message may quote scanned content (a .keyhound.toml that came
		// with the repository): no control character reaches the terminal.
		fmt.Fprintf(env.Stderr, "keyhound: %s\n", report.CleanText(oneLine(err.Error())))
		return ExitError
	}
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", " ")), " ")
}

func newRootCmd(env *Env) *cobra.Command {
	root := &cobra.Command{
		Use:           "keyhound",
		Short:         "Find leaked credentials in files, git history and standard input",
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       env.Version,
	}
	root.CompletionOptions.DisableDefaultCmd = true
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		if c == root { // Main prefixes "keyhound: " already
			return compat.FlagHint(err)
		}
		return fmt.Errorf("%s: %w", strings.TrimPrefix(c.CommandPath(), root.Name()+" "), compat.FlagHint(err))
	})
	root.AddCommand(
		newDirCmd(env),
		newStdinCmd(env),
		newGitCmd(env),
		newRulesCmd(env),
		newVersionCmd(env),
		newIgnoreCmd(env),
		newInstallHookCmd(env),
		newExplainCmd(env),
		newMergeCmd(env),
		newReposCmd(env),
		newLegacyCmd(env, "detect"),
		newLegacyCmd(env, "protect"),
	)
	return root
}

func buildVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

func buildCommit() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" {
				return s.Value
			}
		}
	}
	return "unknown"
}

// width is the number of columns standard output has (console.Width).
func (e *Env) width() int { return console.Width(e.Stdout, e.IsTerminal, e.Getenv) }
