package cmd

import (
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/keyhound/keyhound/finding"
	"github.com/keyhound/keyhound/ignore"
	"github.com/keyhound/keyhound/pipeline"
	"github.com/keyhound/keyhound/report"
	"github.com/keyhound/keyhound/source"
)

func newIgnoreCmd(env *Env) *cobra.Command {
	c := &cobra.Command{
		Use:   "ignore",
		Short: "Manage " + ignore.FileName + ": findings not to report",
		Long: ignore.FileName + " at the scanned root (or --ignore-file) lists findings keyhound does not report.\n" +
			"Entries are keyed by content, never by line: a finding's fingerprint (rule, secret and\n" +
			"path; it survives the line moving) or sha256:<hex SHA-256 of the secret> (that secret\n" +
			"anywhere; a different secret on the same line is still reported, and the file holds no\n" +
			"secret). rule and path (a glob) narrow an entry; reason is required; owner and expires\n" +
			"(a date) say who answers for it and until when. After expires an entry stops\n" +
			"suppressing and every scan says so on stderr.\n\n" +
			"  [[ignore]]\n" +
			"  fingerprint = \"sha256:…\"     # or a fingerprint from a JSON report\n" +
			"  rule = \"aws-access-key-id\"   # optional\n" +
			"  path = \"docs/**/*.md\"        # optional\n" +
			"  reason = \"AWS's documented example key\"\n" +
			"  owner = \"platform-team\"\n" +
			"  expires = 2027-06-30",
	}
	c.AddCommand(newIgnoreAddCmd(env), newIgnoreCheckCmd(env))
	return c
}

func newIgnoreAddCmd(env *Env) *cobra.Command {
	var (
		e           ignore.NewEntry
		expires     string
		file        string
		secretStdin bool
	)
	c := &cobra.Command{
		Use:   "add [FINGERPRINT] --reason TEXT",
		Short: "Append an entry to " + ignore.FileName,
		Long: "Append an entry for FINGERPRINT (the \"fingerprint\" of a finding in a JSON, CSV or SARIF\n" +
			"report, or sha256:<hex SHA-256 of the secret>) to " + ignore.FileName + " in the current\n" +
			"directory (or --ignore-file). With --secret-stdin the secret is read from standard input\n" +
			"(so it stays out of the shell history) and only its SHA-256 is written.",
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var secret io.Reader
			if secretStdin {
				secret = env.Stdin
			}
			if err := e.SetKey(args, secret); err != nil {
				return err
			}
			if err := e.SetExpires(expires, time.Now()); err != nil {
				return err
			}
			if err := ignore.Append(file, e); err != nil {
				return err
			}
			fmt.Fprintf(env.Stderr, "keyhound: added %s to %s\n", e.Fingerprint, file)
			return nil
		},
	}
	f := c.Flags()
	f.StringVar(&e.Reason, "reason", "", "why this finding is not a leak (required)")
	f.StringVar(&e.Owner, "owner", "", "who answers for the entry")
	f.StringVar(&expires, "expires", "", "last day the entry suppresses (YYYY-MM-DD)")
	f.StringVar(&e.Rule, "rule", "", "only findings of this rule")
	f.StringVar(&e.Path, "path", "", "only findings in paths matching this glob (e.g. docs/**/*.md)")
	f.StringVar(&file, "ignore-file", ignore.FileName, "the ignore file to append to")
	f.BoolVar(&secretStdin, "secret-stdin", false, "read the secret from standard input and add its sha256")
	return c
}

func newIgnoreCheckCmd(env *Env) *cobra.Command {
	o := &scanOptions{}
	var (
		strict     bool
		reportFile string
	)
	c := &cobra.Command{
		Use:   "check [PATH...]",
		Short: "List stale and expired entries of " + ignore.FileName,
		Long: "Scan PATH (default .) as 'keyhound dir' does, but without the ignore file, and list each\n" +
			"entry that matched nothing (stale: the secret is gone, the entry can go) or has expired.\n" +
			"With --report FILE no scan is run: the findings are read from a JSON report, which must\n" +
			"come from a scan with --no-ignore (for git history: keyhound git --no-ignore -f json -o FILE).\n" +
			"Exits 0, or with --strict 1 when an entry is stale or expired.",
		RunE: func(cmd *cobra.Command, args []string) error {
			if reportFile != "" && len(args) > 0 {
				return fmt.Errorf("give PATH or --report, not both")
			}
			srcs, roots, err := source.Dirs(args)
			if err != nil {
				return err
			}
			root := roots[0]
			if reportFile != "" {
				root = "."
			}
			file, err := ignore.Find(o.ignoreFile, root)
			if err != nil {
				return err
			}
			var found []finding.Finding
			if reportFile != "" {
				rep, err := report.ReadJSON("--report", reportFile)
				if err != nil {
					return err
				}
				found = rep.Findings
			} else {
				o.noIgnore = true   // every finding, to see what each entry matches
				o.noWebhooks = true // a check sends nothing
				ignoreFile := o.ignoreFile
				o.ignoreFile = ""
				j, err := prepare(env, o, roots...)
				o.ignoreFile = ignoreFile
				if err != nil {
					return err
				}
				if err := j.pipe.CheckIgnoreRules(file, root); err != nil {
					return err
				}
				res, err := j.collect(cmd.Context(), pipeline.Sources{List: srcs})
				if err != nil {
					return err
				}
				found = res.Found
			}
			stale, expired := ignore.Check(env.Stdout, file, found, time.Now())
			if strict && stale+expired > 0 {
				return exitError{ExitFindings}
			}
			return nil
		},
	}
	f := c.Flags()
	f.BoolVar(&strict, "strict", false, "exit 1 when an entry is stale or expired")
	f.StringVar(&reportFile, "report", "", "read findings from this JSON report (written with --no-ignore) instead of scanning")
	f.StringVarP(&o.config, "config", "c", "", "rule file (default: the built-in rules, or .keyhound.toml at the scanned root)")
	f.StringVar(&o.ignoreFile, "ignore-file", "", "ignore file (default: "+ignore.FileName+" at the scanned root)")
	f.IntVarP(&o.workers, "workers", "j", 0, "scanning goroutines (default: one per CPU)")
	f.StringVar(&o.maxFileSize, "max-file-size", "", "skip files larger than this")
	f.BoolVar(&o.noProgress, "no-progress", false, "never show a progress bar")
	f.BoolVarP(&o.quiet, "quiet", "q", false, "print nothing on stderr but errors")
	return c
}
