package cmd

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

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
			rows := [][]string{{"ID", "SEVERITY", "VERIFIER", "DESCRIPTION"}}
			for _, r := range set.Rules {
				v := verifierOf(r.ID)
				if v == "" {
					v = "-"
				}
				rows = append(rows, []string{r.ID, r.Severity, v, r.Description})
			}
			if _, err := io.WriteString(env.Stdout, table(rows, env.width())); err != nil {
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

// table lays out rows (the first is the header) in columns two spaces
// apart. The last column (a description) is wrapped at word boundaries to
// fit width; when fewer than minLast columns would be left for it, it goes
// on lines of its own below its row, indented. width <= 0: no limit.
func table(rows [][]string, width int) string {
	const gap, minLast, indent = 2, 24, 4
	last := len(rows[0]) - 1
	widths := make([]int, last)
	for _, r := range rows {
		for i := 0; i < last; i++ {
			widths[i] = max(widths[i], utf8.RuneCountInString(r[i]))
		}
	}
	lead := 0
	for _, w := range widths {
		lead += w + gap
	}
	var b strings.Builder
	below := width > 0 && width-lead < minLast
	for _, r := range rows {
		var line strings.Builder
		for i := 0; i < last; i++ {
			line.WriteString(r[i])
			if i < last-1 || !below {
				line.WriteString(strings.Repeat(" ", widths[i]-utf8.RuneCountInString(r[i])+gap))
			}
		}
		switch {
		case width <= 0:
			b.WriteString(line.String() + r[last] + "\n")
		case below:
			b.WriteString(strings.TrimRight(line.String(), " ") + "\n")
			for _, l := range wrap(r[last], width-indent) {
				b.WriteString(strings.Repeat(" ", indent) + l + "\n")
			}
		default:
			for i, l := range wrap(r[last], width-lead) {
				if i == 0 {
					b.WriteString(line.String() + l + "\n")
				} else {
					b.WriteString(strings.Repeat(" ", lead) + l + "\n")
				}
			}
		}
	}
	return b.String()
}

// wrap breaks s into lines of at most width runes at spaces; a word longer
// than width is cut.
func wrap(s string, width int) []string {
	width = max(width, 8)
	var lines []string
	var cur []rune
	for _, word := range strings.Fields(s) {
		w := []rune(word)
		for len(w) > width {
			if len(cur) > 0 {
				lines, cur = append(lines, string(cur)), nil
			}
			lines, w = append(lines, string(w[:width])), w[width:]
		}
		switch {
		case len(cur) == 0:
			cur = w
		case len(cur)+1+len(w) <= width:
			cur = append(append(cur, ' '), w...)
		default:
			lines, cur = append(lines, string(cur)), w
		}
	}
	if len(cur) > 0 || len(lines) == 0 {
		lines = append(lines, string(cur))
	}
	return lines
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
