package cmd

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/keyhound/keyhound/compat"
)

// addCompatFlags registers gitleaks's flag names on a scanning command
// (compat.Flags); those that duplicate one of ours are hidden from --help.
func addCompatFlags(c *cobra.Command, o *scanOptions) {
	f := c.Flags()
	co := &o.compat
	co.RedactPct = -1
	f.Var(compat.RedactValue{On: &o.redact, Pct: &co.RedactPct}, "redact", "keep secrets out of every output, webhooks included (overrides include_secret; stderr names each hook overridden)")
	f.Lookup("redact").NoOptDefVal = "true"
	f.StringArrayVarP(&co.ReportPath, "report-path", "r", nil, "gitleaks's name for -o")
	f.StringArrayVar(&co.ReportFormat, "report-format", nil, "gitleaks's name for -f")
	f.StringVarP(&co.BaselinePath, "baseline-path", "b", "", "gitleaks's name for --baseline")
	f.BoolVarP(&co.Verbose, "verbose", "v", false, "also print the findings as text on standard output when the report goes to a file")
	f.BoolVar(&co.NoColor, "no-color", false, "no colour in the text report (as NO_COLOR does)")
	f.BoolVar(&co.NoBanner, "no-banner", false, "keyhound prints no banner")
	f.IntVar(&co.MaxTargetMB, "max-target-megabytes", 0, "gitleaks's --max-file-size in megabytes")
	f.StringVarP(&co.GitleaksIgnore, "gitleaks-ignore-path", "i", "", "a .gitleaksignore `FILE` (or a directory holding one) for every root (default: each scanned root's own)")
	f.StringArrayVar(&co.EnableRules, "enable-rule", nil, "run only the rule with this `ID` (repeatable; keyhound rules list shows the ids)")
	for _, name := range []string{"report-path", "report-format", "baseline-path", "verbose", "no-color", "no-banner", "max-target-megabytes"} {
		_ = f.MarkHidden(name)
	}
}

// applyCompat folds the gitleaks flags given into o; notices go to env's
// stderr.
func applyCompat(env *Env, o *scanOptions) error {
	s := compat.Scan{Formats: o.formats, Outputs: o.outputs, Baseline: o.baseline, MaxFileSize: o.maxFileSize}
	notices, err := o.compat.Apply(&s)
	if err != nil {
		return err
	}
	o.formats, o.outputs, o.baseline, o.maxFileSize = s.Formats, s.Outputs, s.Baseline, s.MaxFileSize
	for _, n := range notices {
		if !o.quiet {
			fmt.Fprintf(env.Stderr, "keyhound: notice: %s\n", n)
		}
	}
	return nil
}

// newLegacyCmd is gitleaks's old detect or protect command: its command
// line is translated (compat.LegacyArgs) and run as keyhound's own command.
func newLegacyCmd(env *Env, name string) *cobra.Command {
	return &cobra.Command{
		Use:                name,
		Short:              "gitleaks's " + name + " (runs as keyhound git, dir or stdin)",
		Hidden:             true,
		DisableFlagParsing: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if contains(args, "-h") || contains(args, "--help") {
				return errors.New(compat.LegacyHelp)
			}
			out, err := compat.LegacyArgs(name, args)
			if err != nil {
				return err
			}
			if !contains(args, "-q") && !contains(args, "--quiet") {
				fmt.Fprintf(env.Stderr, "keyhound: notice: gitleaks's %s runs as: keyhound %s\n", name, strings.Join(out, " "))
			}
			root := newRootCmd(env)
			root.SetArgs(out)
			root.SetIn(cmd.InOrStdin())
			root.SetOut(cmd.OutOrStdout())
			root.SetErr(cmd.ErrOrStderr())
			return root.ExecuteContext(cmd.Context())
		},
	}
}
