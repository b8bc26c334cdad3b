package cmd

import (
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

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

// ruleListing is one rule in `keyhound rules list --json`.
type ruleListing struct {
	ID          string   `json:"id"`
	Description string   `json:"description"`
	Severity    string   `json:"severity"`
	Keywords    []string `json:"keywords"`
	Tags        []string `json:"tags"`
	Verifier    string   `json:"verifier"` // the provider --verify checks it against; "" for none
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
			reg := verify.Default()
			verifierOf := func(id string) string {
				if v := reg.For(id); v != nil {
					return v.Name
				}
				return ""
			}
			withVerifier := 0
			for _, r := range set.Rules {
				if verifierOf(r.ID) != "" {
					withVerifier++
				}
			}
			if asJSON {
				list := []ruleListing{}
				for _, r := range set.Rules {
					list = append(list, ruleListing{ID: r.ID, Description: r.Description, Severity: r.Severity,
						Keywords: nonNil(r.Keywords), Tags: nonNil(r.Tags), Verifier: verifierOf(r.ID)})
				}
				enc := json.NewEncoder(env.Stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(list)
			}
			tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tSEVERITY\tVERIFIER\tKEYWORDS\tDESCRIPTION")
			for _, r := range set.Rules {
				v := verifierOf(r.ID)
				if v == "" {
					v = "-"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.ID, r.Severity, v, strings.Join(r.Keywords, ","), r.Description)
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			fmt.Fprintf(env.Stderr, "%d rules from %s; %d can be verified live (--verify)\n", len(set.Rules), strings.Join(set.Sources, " + "), withVerifier)
			return nil
		},
	}
	c.Flags().StringVarP(&config, "config", "c", "", "rule file (default: the built-in rules)")
	c.Flags().BoolVar(&asJSON, "json", false, "print the rules as a JSON list, with the verifier of each")
	return c
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
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
