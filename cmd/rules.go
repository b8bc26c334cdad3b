package cmd

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/keyhound/keyhound/rules"
	"github.com/keyhound/keyhound/scanner"
)

func newRulesCmd(env *Env) *cobra.Command {
	c := &cobra.Command{
		Use:   "rules",
		Short: "List the loaded rules or check their examples",
	}
	c.AddCommand(newRulesListCmd(env), newRulesTestCmd(env), newRulesConvertCmd(env))
	return c
}

// loadRules loads the rules as a scan does: a gitleaks-format file is
// translated, with its notices on stderr.
func loadRules(env *Env, path string) (*rules.Set, error) {
	set, notices, err := rules.Load(rules.LoadOptions{Default: env.DefaultRules, Path: path})
	for _, n := range notices {
		fmt.Fprintf(env.Stderr, "keyhound: notice: %s\n", n)
	}
	return set, err
}

func newRulesListCmd(env *Env) *cobra.Command {
	var config string
	c := &cobra.Command{
		Use:   "list",
		Short: "List the loaded rules",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			set, err := loadRules(env, config)
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tSEVERITY\tKEYWORDS\tDESCRIPTION")
			for _, r := range set.Rules {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.ID, r.Severity, strings.Join(r.Keywords, ","), r.Description)
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			fmt.Fprintf(env.Stderr, "%d rules from %s\n", len(set.Rules), strings.Join(set.Sources, " + "))
			return nil
		},
	}
	c.Flags().StringVarP(&config, "config", "c", "", "rule file (default: the built-in rules)")
	return c
}

func newRulesTestCmd(env *Env) *cobra.Command {
	var config string
	c := &cobra.Command{
		Use:   "test",
		Short: "Check that every rule finds its examples and none of its negative examples",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			set, err := loadRules(env, config)
			if err != nil {
				return err
			}
			failures := scanner.CheckExamples(set)
			for _, f := range failures {
				fmt.Fprintln(env.Stdout, "FAIL", f)
			}
			nEx := 0
			for _, r := range set.Rules {
				nEx += len(r.Examples) + len(r.NegativeExamples)
			}
			if len(failures) > 0 {
				fmt.Fprintf(env.Stdout, "%d rules, %d examples: %d failed\n", len(set.Rules), nEx, len(failures))
				return exitError{ExitFindings}
			}
			fmt.Fprintf(env.Stdout, "%d rules, %d examples: all passed\n", len(set.Rules), nEx)
			return nil
		},
	}
	c.Flags().StringVarP(&config, "config", "c", "", "rule file (default: the built-in rules)")
	return c
}
