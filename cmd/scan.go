package cmd

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/keyhound/keyhound/finding"
	"github.com/keyhound/keyhound/report"
	"github.com/keyhound/keyhound/report/webhook"
	"github.com/keyhound/keyhound/rules"
	"github.com/keyhound/keyhound/scanner"
)

// scanOptions are the flags every scanning command shares (CONTRACT.md).
type scanOptions struct {
	config      string
	format      string
	output      string
	exitCode    int
	redact      bool
	baseline    string
	workers     int
	noProgress  bool
	maxFileSize string
	webhooks    []string
	webhookDry  bool
	webhookLog  string
	webhookHard bool
	quiet       bool
}

func addScanFlags(c *cobra.Command, o *scanOptions) {
	f := c.Flags()
	f.StringVarP(&o.config, "config", "c", "", "rule file (default: the built-in rules, or .keyhound.toml at the scanned root)")
	f.StringVarP(&o.format, "format", "f", "text", "report format: "+strings.Join(report.Formats(), ", "))
	f.StringVarP(&o.output, "output", "o", "", "write the report to this file (default: standard output)")
	f.IntVar(&o.exitCode, "exit-code", ExitFindings, "exit status when findings exist")
	f.BoolVar(&o.redact, "redact", false, "keep secrets out of every output")
	f.StringVar(&o.baseline, "baseline", "", "an earlier JSON report whose findings are not reported again")
	f.IntVarP(&o.workers, "workers", "j", 0, "scanning goroutines (default: one per CPU)")
	f.BoolVar(&o.noProgress, "no-progress", false, "never show a progress bar")
	f.StringVar(&o.maxFileSize, "max-file-size", "", "skip files larger than this (e.g. 10MB, 1GiB; default: no limit)")
	f.StringArrayVar(&o.webhooks, "webhook", nil, "POST each finding to this URL (repeatable)")
	f.BoolVar(&o.webhookDry, "webhook-dry-run", false, "print the webhook requests instead of sending them")
	f.StringVar(&o.webhookLog, "webhook-log", "", "append one JSON line per webhook attempt to this file")
	f.BoolVar(&o.webhookHard, "webhook-strict", false, "exit 2 when a webhook delivery fails")
	f.BoolVarP(&o.quiet, "quiet", "q", false, "print nothing on stderr but errors")
}

// scanFunc runs a scan, calling emit for each finding (from one goroutine at a time).
type scanFunc func(ctx context.Context, m *scanner.Matcher, run scanner.Options, cnt *scanner.Counters, emit func(finding.Finding)) error

// scanJob is a prepared scan: rules loaded, flags checked, output ready.
type scanJob struct {
	env      *Env
	opts     *scanOptions
	set      *rules.Set
	maxSize  int64
	baseline map[string]bool
	hooks    []webhook.Hook
}

// prepare checks every flag and loads the rules before anything is scanned,
// so that a usage or configuration error exits 2 without scanning.
// root is where a .keyhound.toml is looked for when no --config is given.
func prepare(env *Env, o *scanOptions, root string) (*scanJob, error) {
	j := &scanJob{env: env, opts: o}
	if !contains(report.Formats(), o.format) {
		return nil, fmt.Errorf("--format %q: want one of %s", o.format, strings.Join(report.Formats(), ", "))
	}
	if o.workers < 0 {
		return nil, fmt.Errorf("--workers %d: must be 0 or more", o.workers)
	}
	if o.exitCode < 0 || o.exitCode > 125 {
		return nil, fmt.Errorf("--exit-code %d: want 0..125", o.exitCode)
	}
	if o.maxFileSize != "" {
		n, err := parseSize(o.maxFileSize)
		if err != nil {
			return nil, fmt.Errorf("--max-file-size %q: %w", o.maxFileSize, err)
		}
		j.maxSize = n
	}
	cfg := o.config
	if cfg == "" && root != "" {
		p := filepath.Join(root, ".keyhound.toml")
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			cfg = p
		}
	}
	set, err := rules.Load(rules.LoadOptions{Default: env.DefaultRules, Path: cfg})
	if err != nil {
		return nil, err
	}
	j.set = set
	if o.baseline != "" {
		if j.baseline, err = report.ReadBaseline(o.baseline); err != nil {
			return nil, err
		}
	}
	if j.hooks, err = webhook.Configure(set.Webhooks, o.webhooks, env.Getenv); err != nil {
		return nil, err
	}
	if (o.webhookDry || o.webhookLog != "" || o.webhookHard) && len(j.hooks) == 0 {
		return nil, fmt.Errorf("--webhook-dry-run, --webhook-log and --webhook-strict need a webhook (--webhook URL or [[webhooks]] in the config)")
	}
	return j, nil
}

// run performs the scan and writes the report; it returns the exit status as an error.
func (j *scanJob) run(cmd *cobra.Command, scan scanFunc) error {
	o, env := j.opts, j.env
	out := env.Stdout
	var file *os.File
	if o.output != "" {
		f, err := os.OpenFile(o.output, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
		if err != nil {
			return fmt.Errorf("--output %s: %w", o.output, unwrapErr(err))
		}
		file = f
		out = f
		defer f.Close()
	}
	m := scanner.NewMatcher(j.set)
	var cnt scanner.Counters
	runOpts := scanner.Options{
		Workers:     o.workers,
		MaxFileSize: j.maxSize,
		OnError: func(path string, err error) {
			fmt.Fprintf(env.Stderr, "keyhound: %s: %v (skipped)\n", path, err)
		},
		OnSkip: func(path, reason string) {
			if !o.quiet {
				fmt.Fprintf(env.Stderr, "keyhound: %s: %s (skipped)\n", path, reason)
			}
		},
	}
	if !o.quiet && !o.noProgress && env.IsTerminal(env.Stderr) {
		bar := progressbar.NewOptions64(-1,
			progressbar.OptionSetWriter(env.Stderr),
			progressbar.OptionShowBytes(true),
			progressbar.OptionSetDescription("scanning"),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionClearOnFinish(),
		)
		runOpts.OnProgress = func(n int64) { _ = bar.Add64(n) }
		defer bar.Finish()
	}
	var sender *webhook.Sender
	if len(j.hooks) > 0 {
		wo := webhook.Options{Stderr: env.Stderr}
		if o.webhookDry {
			wo.DryRun = env.Stderr
		}
		if o.webhookLog != "" {
			lf, err := os.OpenFile(o.webhookLog, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
			if err != nil {
				return fmt.Errorf("--webhook-log %s: %w", o.webhookLog, unwrapErr(err))
			}
			defer lf.Close()
			wo.Log = lf
		}
		sender = webhook.NewSender(j.hooks, wo)
	}
	seen := map[string]bool{}
	var found []finding.Finding
	emit := func(f finding.Finding) {
		key := f.Fingerprint + "\x00" + f.Commit + fmt.Sprintf("\x00%d:%d", f.Line, f.Column)
		if seen[key] || j.baseline[f.Fingerprint] {
			return
		}
		seen[key] = true
		found = append(found, f)
		sender.Send(f) // while the scan goes on; the sender redacts unless a hook says include_secret
	}
	start := time.Now()
	scanErr := scan(cmd.Context(), m, runOpts, &cnt, emit)
	hookSummary := sender.Close()
	if scanErr != nil {
		return scanErr
	}
	stats := cnt.Stats()
	stats.Findings = len(found)
	stats.DurationSecond = time.Since(start).Seconds()
	finding.Sort(found)
	if o.redact {
		for i := range found {
			found[i].Redact()
		}
	}
	if found == nil {
		found = []finding.Finding{}
	}
	rep := &finding.Report{Findings: found, Stats: stats, Version: env.Version, Redacted: o.redact}
	for _, r := range j.set.Rules {
		rep.Rules = append(rep.Rules, finding.RuleInfo{ID: r.ID, Description: r.Description, Severity: r.Severity, Tags: r.Tags})
	}
	color := file == nil && o.format == "text" && env.IsTerminal(env.Stdout) && env.Getenv("NO_COLOR") == ""
	if err := report.Write(out, o.format, rep, report.Options{Color: color}); err != nil {
		return fmt.Errorf("writing %s report: %w", o.format, err)
	}
	if file != nil {
		if err := file.Close(); err != nil {
			return fmt.Errorf("--output %s: %w", o.output, err)
		}
	}
	if !o.quiet {
		fmt.Fprintln(env.Stderr, summary(stats))
		for _, h := range hookSummary.Hooks {
			verb := "delivered"
			if o.webhookDry {
				verb = "printed (dry run)"
			}
			fmt.Fprintf(env.Stderr, "keyhound: webhook %s: %d %s, %d failed, %d skipped\n", h.URL, h.Delivered, verb, h.Failed, h.Skipped)
		}
	}
	if o.webhookHard && hookSummary.Failed() > 0 {
		return fmt.Errorf("--webhook-strict: %d webhook deliveries failed", hookSummary.Failed())
	}
	if len(found) > 0 && o.exitCode != 0 {
		return exitError{o.exitCode}
	}
	return nil
}

func summary(s finding.Stats) string {
	var b strings.Builder
	fmt.Fprintf(&b, "keyhound: scanned %d files (%s) in %.2fs: %d findings", s.Files, humanBytes(s.Bytes), s.DurationSecond, s.Findings)
	if s.SkippedBinary > 0 {
		fmt.Fprintf(&b, ", %d binary skipped", s.SkippedBinary)
	}
	if s.SkippedLarge > 0 {
		fmt.Fprintf(&b, ", %d too large skipped", s.SkippedLarge)
	}
	if s.SkippedOther > 0 {
		fmt.Fprintf(&b, ", %d symlinks or special files skipped", s.SkippedOther)
	}
	if s.Errors > 0 {
		fmt.Fprintf(&b, ", %d unreadable", s.Errors)
	}
	return b.String()
}

func newDirCmd(env *Env) *cobra.Command {
	o := &scanOptions{}
	c := &cobra.Command{
		Use:   "dir [PATH...]",
		Short: "Scan files on disk (default: the current directory)",
		Long: "Scan the files under each PATH (default .). .git directories, binary files, symlinks\n" +
			"and special files are skipped; nothing outside PATH is read.",
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				args = []string{"."}
			}
			for _, a := range args {
				if _, err := os.Stat(a); err != nil {
					return fmt.Errorf("path %s: %w", a, unwrapErr(err))
				}
			}
			root := ""
			if st, err := os.Stat(args[0]); err == nil && st.IsDir() {
				root = args[0]
			}
			j, err := prepare(env, o, root)
			if err != nil {
				return err
			}
			return j.run(cmd, func(ctx context.Context, m *scanner.Matcher, run scanner.Options, cnt *scanner.Counters, emit func(finding.Finding)) error {
				items := make(chan scanner.Item, 256)
				errc := make(chan error, 1)
				go func() {
					defer close(items)
					for _, a := range args {
						prefix := ""
						if len(args) > 1 {
							prefix = filepath.ToSlash(filepath.Clean(a))
						}
						if st, err := os.Stat(a); err == nil && !st.IsDir() {
							prefix = "" // a file is reported under the path as given
						}
						if err := scanner.Walk(ctx, a, scanner.WalkOptions{Prefix: prefix, OnError: run.OnError}, cnt, items); err != nil {
							errc <- err
							return
						}
					}
					errc <- nil
				}()
				scanner.Run(ctx, m, items, run, cnt, emit)
				return <-errc
			})
		},
	}
	addScanFlags(c, o)
	return c
}

func newStdinCmd(env *Env) *cobra.Command {
	o := &scanOptions{}
	var name string
	c := &cobra.Command{
		Use:   "stdin",
		Short: "Scan standard input",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			j, err := prepare(env, o, ".")
			if err != nil {
				return err
			}
			return j.run(cmd, func(ctx context.Context, m *scanner.Matcher, run scanner.Options, cnt *scanner.Counters, emit func(finding.Finding)) error {
				items := make(chan scanner.Item, 1)
				items <- scanner.Item{Path: "", Size: -1, Open: func() (io.ReadCloser, error) { return io.NopCloser(env.Stdin), nil }}
				close(items)
				scanner.Run(ctx, m, items, run, cnt, func(f finding.Finding) {
					f.File = name
					f.Fingerprint = finding.Fingerprint(f.RuleID, f.Secret, name)
					emit(f)
				})
				return nil
			})
		},
	}
	addScanFlags(c, o)
	c.Flags().StringVar(&name, "name", "stdin", "the file name findings are reported under")
	return c
}
