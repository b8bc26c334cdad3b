package cmd

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/keyhound/keyhound/compat"
	"github.com/keyhound/keyhound/ignore"
	"github.com/keyhound/keyhound/pipeline"
	"github.com/keyhound/keyhound/progress"
	"github.com/keyhound/keyhound/report"
	"github.com/keyhound/keyhound/scanner"
	"github.com/keyhound/keyhound/source"
	"github.com/keyhound/keyhound/verify"
)

// scanOptions are the flags every scanning command shares (CONTRACT.md).
type scanOptions struct {
	config      string
	formats     []string // -f, repeatable: FMT or FMT=FILE
	outputs     []string // -o, repeatable: one per -f without =FILE, in order
	exitCode    int
	redact      bool
	baseline    string
	ignoreFile  string
	noIgnore    bool
	workers     int
	noProgress  bool
	maxFileSize string
	webhooks    []string
	webhookDry  bool
	webhookLog  string
	webhookHard bool
	quiet       bool
	archives    int  // --max-archive-depth
	decodes     int  // --max-decode-depth
	noWebhooks  bool // internal (ignore check): no webhook is configured
	verify      verify.Settings
	compat      compat.Flags // gitleaks's flag names (compat.go)
}

func addScanFlags(c *cobra.Command, o *scanOptions) {
	f := c.Flags()
	f.StringVarP(&o.config, "config", "c", "", "rule file, keyhound or gitleaks format, for every root (default: the built-in rules, or each scanned root's own .keyhound.toml)")
	f.StringArrayVarP(&o.formats, "format", "f", nil, "report format `FMT`: "+strings.Join(report.Formats(), ", ")+" (default text, or what the -o file's extension names: .json, .sarif, .csv, .xml for junit); repeatable, and FMT=FILE writes that report to FILE")
	f.StringArrayVarP(&o.outputs, "output", "o", nil, "write the report to `FILE` (default: standard output); with several -f, one -o per format in order")
	f.IntVar(&o.exitCode, "exit-code", ExitFindings, "exit status when findings exist")
	f.StringVar(&o.baseline, "baseline", "", "an earlier JSON report whose findings are not reported again")
	f.StringVar(&o.ignoreFile, "ignore-file", "", "ignore file for every root (default: each scanned root's own "+ignore.FileName+")")
	f.BoolVar(&o.noIgnore, "no-ignore", false, "do not read "+ignore.FileName+": report every finding")
	f.IntVarP(&o.workers, "workers", "j", 0, "scanning goroutines (default: one per CPU)")
	f.BoolVar(&o.noProgress, "no-progress", false, "never show a progress bar")
	f.StringVar(&o.maxFileSize, "max-file-size", "", "skip files larger than this (e.g. 10MB, 1GiB; default: no limit)")
	f.StringArrayVar(&o.webhooks, "webhook", nil, "POST each finding to this `URL` (repeatable)")
	f.BoolVar(&o.webhookDry, "webhook-dry-run", false, "print the webhook requests instead of sending them")
	f.StringVar(&o.webhookLog, "webhook-log", "", "append one JSON line per webhook attempt to this file")
	f.BoolVar(&o.webhookHard, "webhook-strict", false, "exit 2 when a webhook delivery fails")
	f.BoolVarP(&o.quiet, "quiet", "q", false, "print nothing on stderr but errors")
	f.IntVar(&o.archives, "max-archive-depth", 3, "open archives (zip, jar, tar, gzip, bzip2, xz, …) nested this deep and scan their members; 0: none")
	f.IntVar(&o.decodes, "max-decode-depth", 2, "decode base64, hex, percent and string escapes nested this deep and scan the decoded text; 0: none")
	addVerifyFlags(c, &o.verify)
	addCompatFlags(c, o)
}

// scanJob is a prepared scan: flags checked, configuration loaded, reports named.
type scanJob struct {
	env     *Env
	opts    *scanOptions
	pipe    *pipeline.Pipeline
	reports []report.Output
	run     scanner.Options
	walk    []string // dir: the paths, for a progress bar with totals
}

// prepare checks every flag and loads the configuration of roots before
// anything is scanned, so that a usage or configuration error exits 2
// without scanning. Each root is where its own .keyhound.toml and
// .keyhoundignore are looked for when no --config or --ignore-file is given;
// the configuration of roots scanned later is loaded when their turn comes.
func prepare(env *Env, o *scanOptions, roots ...string) (*scanJob, error) {
	j := &scanJob{env: env, opts: o}
	if err := applyCompat(env, o); err != nil {
		return nil, err
	}
	reps, err := report.ParseOutputs(o.formats, o.outputs)
	if err != nil {
		return nil, err
	}
	if o.compat.Verbose && !slices.ContainsFunc(reps, func(r report.Output) bool { return r.Path == "" }) {
		reps = append(reps, report.Output{Format: "text"}) // gitleaks -v: the findings on stdout too
	}
	j.reports = reps
	if err := (scanner.Limits{Workers: o.workers, MaxFileSize: o.maxFileSize, ArchiveDepth: o.archives, DecodeDepth: o.decodes}).Apply(&j.run); err != nil {
		return nil, err
	}
	if o.exitCode < 0 || o.exitCode > 125 {
		return nil, fmt.Errorf("--exit-code %d: want 0..125", o.exitCode)
	}
	if err := o.verify.Check(); err != nil {
		return nil, err
	}
	popts := pipeline.Options{
		DefaultRules: env.DefaultRules, Config: o.config, IgnoreFile: o.ignoreFile, NoIgnore: o.noIgnore,
		Baseline: o.baseline, Webhooks: o.webhooks, NoWebhooks: o.noWebhooks, Redact: o.redact,
		Quiet: o.quiet, Getenv: env.Getenv, Stderr: env.Stderr,
		WebhookDryRun: o.webhookDry, WebhookLog: o.webhookLog, WebhookStrict: o.webhookHard,
		OnlyVerified: o.verify.Only, EnableRules: o.compat.EnableRules, GitleaksIgnore: o.compat.GitleaksIgnore,
	}
	if o.verify.On {
		popts.Verifier = o.verify.Stage
	}
	if j.pipe, err = pipeline.New(popts, roots...); err != nil {
		return nil, err
	}
	return j, nil
}

// showProgress says whether progress bars are drawn on stderr.
func (j *scanJob) showProgress() bool {
	return !j.opts.quiet && !j.opts.noProgress && j.env.IsTerminal(j.env.Stderr)
}

// collect runs the pipeline over the sources.
func (j *scanJob) collect(ctx context.Context, srcs pipeline.Sources) (*pipeline.Result, error) {
	run := j.run
	switch {
	case j.showProgress() && j.walk != nil:
		bar := progress.Files(j.env.Stderr)
		run.OnProgress = bar.Done
		stop := scanner.CountFiles(ctx, j.walk, bar.Found, bar.Counted)
		defer func() { stop(); bar.Finish() }()
	case j.showProgress():
		add, finish := progress.Bytes(j.env.Stderr)
		run.OnProgress = add
		defer finish()
	}
	return j.pipe.Run(ctx, srcs, run)
}

// scan runs the sources and writes the reports; it returns the result and
// the exit status as an error.
func (j *scanJob) scan(ctx context.Context, srcs pipeline.Sources) (*pipeline.Result, error) {
	o, env := j.opts, j.env
	w, err := report.Open(j.reports, env.Stdout) // before the scan: a bad path fails fast
	if err != nil {
		return nil, err
	}
	defer w.Close()
	res, err := j.collect(ctx, srcs)
	if err != nil {
		return nil, err
	}
	rep := j.pipe.Report(res, env.Version, o.redact)
	color := env.color
	if o.compat.NoColor {
		color = nil
	}
	if err := w.Write(rep, color); err != nil {
		return nil, err
	}
	if !o.quiet {
		fmt.Fprintln(env.Stderr, strings.Join(res.EndLines(time.Now(), o.webhookDry), "\n"))
	}
	if res.Stats.Interrupted {
		fmt.Fprintln(env.Stderr, "keyhound: interrupted: the report holds only what was found before the interruption")
		return res, exitError{ExitInterrupted}
	}
	if o.webhookHard && res.Hooks.Failed() > 0 {
		return res, fmt.Errorf("--webhook-strict: %s failed", progress.Count(int64(res.Hooks.Failed()), "webhook delivery", "webhook deliveries"))
	}
	if len(res.Found) > 0 && o.exitCode != 0 {
		return res, exitError{o.exitCode}
	}
	return res, nil
}

func newDirCmd(env *Env) *cobra.Command {
	o := &scanOptions{}
	c := &cobra.Command{
		Use:   "dir [PATH...]",
		Short: "Scan files on disk (default: the current directory)",
		Long: "Scan the files under each PATH (default .). .git directories, binary files, symlinks\n" +
			"and special files are skipped; nothing outside PATH is read. Each PATH's own\n" +
			".keyhound.toml and .keyhoundignore apply to it alone.",
		RunE: func(cmd *cobra.Command, args []string) error {
			srcs, roots, err := source.Dirs(args)
			if err != nil {
				return err
			}
			j, err := prepare(env, o, roots...)
			if err != nil {
				return err
			}
			j.walk = args
			if len(args) == 0 {
				j.walk = []string{"."}
			}
			if !o.quiet {
				j.run.OnNestedConfig = func(path string) {
					fmt.Fprintf(env.Stderr, "keyhound: notice: %s is not read: only the .keyhound.toml of the scanned root applies (to use this one, scan its directory on its own or pass it with -c)\n", report.CleanText(path))
				}
			}
			_, err = j.scan(cmd.Context(), pipeline.Sources{List: srcs})
			return err
		},
	}
	addScanFlags(c, o)
	addVerifyCacheFlag(c, &o.verify)
	return c
}

func newStdinCmd(env *Env) *cobra.Command {
	o := &scanOptions{}
	var name string
	c := &cobra.Command{
		Use:   "stdin",
		Short: "Scan standard input",
		Long: "Scan standard input as a file named --name: path allowlists and path-scoped rules\n" +
			"apply to that name as 'keyhound dir' applies them to a file of that name.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			j, err := prepare(env, o, ".")
			if err != nil {
				return err
			}
			src := source.Stdin{R: env.Stdin, File: name, Root: "."}
			if o.verify.On {
				src.Head = &source.Head{} // the start of the input, for verification's companion values
			}
			_, err = j.scan(cmd.Context(), pipeline.Sources{List: []source.Source{src}})
			return err
		},
	}
	addScanFlags(c, o)
	addVerifyCacheFlag(c, &o.verify)
	c.Flags().StringVar(&name, "name", "stdin", "the file name findings are reported under")
	return c
}
