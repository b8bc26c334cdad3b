package cmd

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/keyhound/keyhound/githook"
)

func newInstallHookCmd(env *Env) *cobra.Command {
	var (
		force     bool
		repo      string
		printOnly bool
	)
	c := &cobra.Command{
		Use:   "install-hook [pre-commit|pre-push]",
		Short: "Install a git hook that runs keyhound (default: pre-commit)",
		Long: "Write a git hook into the repository (core.hooksPath is honoured):\n" +
			"  pre-commit  keyhound git --staged: a commit that adds a secret is refused\n" +
			"  pre-push    keyhound git --range <what is being pushed>: so is a push\n" +
			"An existing hook is never replaced without --force (which keeps it as HOOK.bak); one\n" +
			"keyhound wrote is brought up to date. The hook runs keyhound from PATH, or this\n" +
			"keyhound by its absolute path when there is none on PATH; $KEYHOUND overrides both.\n" +
			"--print writes the hook to standard output instead, for hook managers.",
		Args:      cobra.MaximumNArgs(1),
		ValidArgs: []string{"pre-commit", "pre-push"},
		RunE: func(cmd *cobra.Command, args []string) error {
			kind := "pre-commit"
			if len(args) == 1 {
				kind = args[0]
			}
			if printOnly {
				script, err := githook.Script(kind, "")
				if err != nil {
					return err
				}
				_, err = fmt.Fprint(env.Stdout, script)
				return err
			}
			program, warning := githook.Program()
			msg, err := githook.Install(repo, kind, githook.Options{Force: force, Program: program})
			if err != nil {
				return err
			}
			fmt.Fprintf(env.Stderr, "keyhound: %s\n", msg)
			if warning != "" {
				fmt.Fprintf(env.Stderr, "keyhound: %s\n", warning)
			}
			return nil
		},
	}
	c.Flags().BoolVar(&force, "force", false, "replace an existing hook (it is kept as HOOK.bak)")
	c.Flags().StringVar(&repo, "repo", ".", "the repository")
	c.Flags().BoolVar(&printOnly, "print", false, "print the hook instead of installing it")
	return c
}
