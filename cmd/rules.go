package cmd

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/keyhound/keyhound/console"
	"github.com/keyhound/keyhound/rules"
	"github.com/keyhound/keyhound/scanner"
	"github.com/keyhound/keyhound/verify"
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
	var asJSON bool
	c := &cobra.Command{
		Use:   "list",
		Short: "List the loaded rules",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			set, err := loadRules(env, config)
			if err != nil {
				return err
			}
			list, withVerifier := verify.Default().List(set)
			if asJSON {
				enc := json.NewEncoder(env.Stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(list)
			}
			rows := [][]string{{"ID", "SEVERITY", "VERIFIER", "DESCRIPTION"}}
			for _, r := range list {
				rows = append(rows, []string{r.ID, r.Severity, cmp.Or(r.Verifier, "-"), r.Description})
			}
			if _, err := io.WriteString(env.Stdout, console.Table(rows, env.width())); err != nil {
				return err
			}
			fmt.Fprintf(env.Stderr, "%d rules from %s; %d can be verified live (--verify)\n", len(set.Rules), strings.Join(set.Sources, " + "), withVerifier)
			return nil
		},
	}
	c.Flags().StringVarP(&config, "config", "c", "", "rule file (default: the built-in rules)")
	c.Flags().BoolVar(&asJSON, "json", false, "print the rules as a JSON list, with the keywords and verifier of each (for scripts)")
	c.Long = "List the loaded rules: id, severity, the provider --verify checks its secrets against, and\n" +
		"description, fitted to the terminal's width (or $COLUMNS). --json gives every field, keywords\n" +
		"included, for scripts."
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
