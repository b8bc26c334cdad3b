package cmd

import (
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/keyhound/keyhound/rules"
)

func newRulesConvertCmd(env *Env) *cobra.Command {
	var output string
	c := &cobra.Command{
		Use:   "convert FILE",
		Short: "Print the keyhound rule file equivalent to a gitleaks-format config",
		Long: "Translate a gitleaks or betterleaks configuration (.gitleaks.toml: [[rules]] with regex,\n" +
			"secretGroup, keywords, entropy, path, [[rules.allowlists]], [[allowlists]], [extend]\n" +
			"useDefault, path and disabledRules) into a keyhound rule file. What keyhound cannot\n" +
			"express is named on stderr and in comments at the top of the output; it is always left\n" +
			"out in the direction of reporting more, never less. --config accepts the gitleaks file\n" +
			"as it is, with the same translation; converting makes the result reviewable and editable.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path := args[0]
			data, err := os.ReadFile(path)
			if err != nil {
				return fmt.Errorf("%s: %w", path, unwrapErr(err))
			}
			if !rules.IsGitleaks(data) {
				if _, err := rules.Parse(path, data); err == nil {
					return fmt.Errorf("%s is already a keyhound rule file", path)
				}
				return fmt.Errorf("%s: not a gitleaks-format config (no key only gitleaks has, such as secretGroup, useDefault or [[rules.allowlists]])", path)
			}
			def, err := rules.Parse("rules.toml (built-in)", env.DefaultRules)
			if err != nil {
				return err
			}
			f, notices, err := rules.FromGitleaks(path, data, def)
			if err != nil {
				return err
			}
			// The result must load as keyhound rules before it is printed.
			check := f
			if f.Extend.UseDefault {
				check = rules.Merge(def, f)
			}
			if _, err := rules.Compile([]string{path + " (converted)"}, check); err != nil {
				return err
			}
			comments := []string{"keyhound rule file converted from " + path + " by `keyhound rules convert`."}
			if len(notices) > 0 {
				comments = append(comments, "Differences from the gitleaks config (keyhound reports more, never less):")
				for _, n := range notices {
					comments = append(comments, "- "+n)
				}
			}
			var out io.Writer = env.Stdout
			var file *os.File
			if output != "" {
				if file, err = os.OpenFile(output, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644); err != nil {
					return fmt.Errorf("--output %s: %w", output, unwrapErr(err))
				}
				defer file.Close()
				out = file
			}
			if err := rules.WriteTOML(out, f, comments); err != nil {
				return err
			}
			if file != nil {
				if err := file.Close(); err != nil {
					return fmt.Errorf("--output %s: %w", output, err)
				}
			}
			for _, n := range notices {
				fmt.Fprintf(env.Stderr, "keyhound: notice: %s\n", n)
			}
			fmt.Fprintf(env.Stderr, "keyhound: converted %d rules from %s (%d notices)\n", len(f.Rules), path, len(notices))
			return nil
		},
	}
	c.Flags().StringVarP(&output, "output", "o", "", "write the rule file here instead of standard output")
	return c
}
