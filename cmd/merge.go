package cmd

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/keyhound/keyhound/progress"
	"github.com/keyhound/keyhound/report"
)

func newMergeCmd(env *Env) *cobra.Command {
	var formats, outputs []string
	var exitCode int
	var redact, quiet bool
	c := &cobra.Command{
		Use:   "merge REPORT.json...",
		Short: "Combine JSON reports (e.g. of the shards of a sweep) into one report",
		Long: "Read keyhound JSON reports and write one report of all their findings, each once:\n" +
			"findings with the same fingerprint and repository are one (the first report's is kept).\n" +
			"Stats are summed (duration: the longest). Exit status as for a scan: 1 (or --exit-code)\n" +
			"when there are findings, 2 when a report cannot be read.",
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			outs, err := report.ParseOutputs(formats, outputs)
			if err != nil {
				return err
			}
			if exitCode < 0 || exitCode > 125 {
				return fmt.Errorf("--exit-code %d: want 0..125", exitCode)
			}
			rep, dups, err := report.Merge(args)
			if err != nil {
				return err
			}
			rep.Version = env.Version
			if redact {
				rep.Redact()
			}
			w, err := report.Open(outs, env.Stdout)
			if err != nil {
				return err
			}
			defer w.Close()
			if err := w.Write(rep, env.color); err != nil {
				return err
			}
			if !quiet {
				fmt.Fprintf(env.Stderr, "keyhound: merged %s: %s (%s left out)\n", progress.Count(int64(len(args)), "report"), progress.Count(int64(len(rep.Findings)), "finding"), progress.Count(int64(dups), "duplicate"))
			}
			if len(rep.Findings) > 0 && exitCode != 0 {
				return exitError{exitCode}
			}
			return nil
		},
	}
	f := c.Flags()
	f.StringArrayVarP(&formats, "format", "f", []string{"json"}, "report format `FMT`: "+strings.Join(report.Formats(), ", ")+"; repeatable, and FMT=FILE writes that report to FILE")
	f.StringArrayVarP(&outputs, "output", "o", nil, "write the report to `FILE` (default: standard output); with several -f, one -o per format in order")
	f.IntVar(&exitCode, "exit-code", ExitFindings, "exit status when findings exist")
	f.BoolVar(&redact, "redact", false, "keep secrets out of the output")
	f.BoolVarP(&quiet, "quiet", "q", false, "print nothing on stderr but errors")
	return c
}
