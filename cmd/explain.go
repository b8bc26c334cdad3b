package cmd

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/keyhound/keyhound/ignore"
	"github.com/keyhound/keyhound/pipeline"
	"github.com/keyhound/keyhound/source"
)

func newExplainCmd(env *Env) *cobra.Command {
	o := &scanOptions{formats: []string{"text"}, noWebhooks: true, quiet: false}
	var name string
	c := &cobra.Command{
		Use:   "explain [PATH...]",
		Short: "Say, for every candidate a rule matched, whether it is reported and why not",
		Long: "Scan PATH (files or directories, default .; - for standard input) as 'keyhound dir' does\n" +
			"and print every candidate a rule's regex matched: reported, or why not — entropy below\n" +
			"the rule's minimum, a failed checksum or structure check, an allowlist regex or stopword\n" +
			"(placeholders, examples), the keyhound:allow comment, an ignore file entry, the baseline —\n" +
			"and each path the allowlist keeps from being scanned. Secrets are masked as in the text\n" +
			"report. Nothing is sent to a webhook or verified. Exit 0, or 2 on an error.",
		RunE: func(cmd *cobra.Command, args []string) error {
			var srcs []source.Source
			var roots []string
			var paths []string
			for _, a := range args {
				if a == "-" {
					srcs = append(srcs, source.Stdin{R: env.Stdin, File: name, Root: "."})
					roots = append(roots, ".")
					continue
				}
				paths = append(paths, a)
			}
			if len(paths) > 0 || len(args) == 0 {
				ds, dr, err := source.Dirs(paths)
				if err != nil {
					return err
				}
				srcs, roots = append(srcs, ds...), append(roots, dr...)
			}
			j, err := prepare(env, o, roots...)
			if err != nil {
				return err
			}
			var ex pipeline.Explanation
			j.run.Explain = ex.Rejected
			j.pipe.Explain(ex.Dropped)
			res, err := j.collect(cmd.Context(), pipeline.Sources{List: srcs})
			if err != nil {
				return err
			}
			ex.Reported(res.Found)
			summary, err := ex.Write(env.Stdout)
			if err != nil {
				return err
			}
			fmt.Fprintln(env.Stderr, summary)
			return nil
		},
	}
	f := c.Flags()
	f.StringVarP(&o.config, "config", "c", "", "rule file, keyhound or gitleaks format (default: the built-in rules, or each scanned root's own .keyhound.toml)")
	f.StringVar(&o.ignoreFile, "ignore-file", "", "ignore file (default: each scanned root's own "+ignore.FileName+")")
	f.BoolVar(&o.noIgnore, "no-ignore", false, "do not read "+ignore.FileName)
	f.StringVar(&o.baseline, "baseline", "", "an earlier JSON report whose findings are not reported again")
	f.IntVar(&o.archives, "max-archive-depth", 3, "open archives nested this deep; 0: none")
	f.IntVar(&o.decodes, "max-decode-depth", 2, "decode encodings nested this deep; 0: none")
	f.StringVar(&name, "name", "stdin", "with -: the file name standard input is scanned as")
	return c
}
