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
			f, comments, notices, err := rules.Convert(path, data, env.DefaultRules)
			if err != nil {
				return err
			}
			if err := writeOutput(env, output, func(w io.Writer) error { return rules.WriteTOML(w, f, comments) }); err != nil {
				return err
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
