package cmd

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/keyhound/keyhound/finding"
	"github.com/keyhound/keyhound/ignore"
	"github.com/keyhound/keyhound/report"
	"github.com/keyhound/keyhound/report/webhook"
	"github.com/keyhound/keyhound/rules"
	"github.com/keyhound/keyhound/scanner"
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

	// Set by prepare from formats and outputs: the first report's format and
	// file ("" for standard output).
	format string
	output string
}

func addScanFlags(c *cobra.Command, o *scanOptions) {
	f := c.Flags()
	f.StringVarP(&o.config, "config", "c", "", "rule file, keyhound or gitleaks format (default: the built-in rules, or .keyhound.toml at the scanned root)")
	f.StringArrayVarP(&o.formats, "format", "f", []string{"text"}, "report format `FMT`: "+strings.Join(report.Formats(), ", ")+"; repeatable, and FMT=FILE writes that report to FILE")
	f.StringArrayVarP(&o.outputs, "output", "o", nil, "write the report to `FILE` (default: standard output); with several -f, one -o per format in order")
	f.IntVar(&o.exitCode, "exit-code", ExitFindings, "exit status when findings exist")
	f.BoolVar(&o.redact, "redact", false, "keep secrets out of every output")
	f.StringVar(&o.baseline, "baseline", "", "an earlier JSON report whose findings are not reported again")
	f.StringVar(&o.ignoreFile, "ignore-file", "", "ignore file (default: "+ignore.FileName+" at the scanned root)")
	f.BoolVar(&o.noIgnore, "no-ignore", false, "do not read "+ignore.FileName+": report every finding")
	f.IntVarP(&o.workers, "workers", "j", 0, "scanning goroutines (default: one per CPU)")
	f.BoolVar(&o.noProgress, "no-progress", false, "never show a progress bar")
	f.StringVar(&o.maxFileSize, "max-file-size", "", "skip files larger than this (e.g. 10MB, 1GiB; default: no limit)")
	f.StringArrayVar(&o.webhooks, "webhook", nil, "POST each finding to this `URL` (repeatable)")
	f.BoolVar(&o.webhookDry, "webhook-dry-run", false, "print the webhook requests instead of sending them")
	f.StringVar(&o.webhookLog, "webhook-log", "", "append one JSON line per webhook attempt to this file")
	f.BoolVar(&o.webhookHard, "webhook-strict", false, "exit 2 when a webhook delivery fails")
	f.BoolVarP(&o.quiet, "quiet", "q", false, "print nothing on stderr but errors")
}

// scanFunc runs a scan, calling emit for each finding (from one goroutine at a time).
type scanFunc func(ctx context.Context, m *scanner.Matcher, run scanner.Options, cnt *scanner.Counters, emit func(finding.Finding)) error

// reportOut is one report to write: a format and a file ("" for standard output).
type reportOut struct {
	format string
	path   string
}

// scanJob is a prepared scan: rules loaded, flags checked, output ready.
type scanJob struct {
	env      *Env
	opts     *scanOptions
	set      *rules.Set
	maxSize  int64
	baseline map[string]bool
	hooks    []webhook.Hook
	reports  []reportOut
	ignore   *ignore.File // nil: no ignore file
	notices  []string     // what translating a gitleaks-format config left out
}

// prepare checks every flag and loads the rules before anything is scanned,
// so that a usage or configuration error exits 2 without scanning.
// root is where a .keyhound.toml and a .keyhoundignore are looked for when
// no --config or --ignore-file is given.
func prepare(env *Env, o *scanOptions, root string) (*scanJob, error) {
	j := &scanJob{env: env, opts: o}
	reps, err := reportOuts(o.formats, o.outputs)
	if err != nil {
		return nil, err
	}
	j.reports = reps
	o.format, o.output = reps[0].format, reps[0].path
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
	set, notices, err := rules.LoadNotices(rules.LoadOptions{Default: env.DefaultRules, Path: cfg})
	if err != nil {
		return nil, err
	}
	j.set, j.notices = set, notices
	if !o.quiet {
		for _, n := range notices {
			fmt.Fprintf(env.Stderr, "keyhound: notice: %s\n", n)
		}
	}
	if o.baseline != "" {
		if j.baseline, err = report.ReadBaseline(o.baseline); err != nil {
			return nil, err
		}
	}
	if j.ignore, err = loadIgnore(o, root); err != nil {
		return nil, err
	}
	if err := j.ignore.CheckRules(set); err != nil {
		return nil, err
	}
	if j.hooks, err = webhook.Configure(set.Webhooks, o.webhooks, env.Getenv); err != nil {
		return nil, err
	}
	if (o.webhookDry || o.webhookLog != "" || o.webhookHard) && len(j.hooks) == 0 {
		return nil, fmt.Errorf("--webhook-dry-run, --webhook-log and --webhook-strict need a webhook (--webhook URL or [[webhooks]] in the config)")
	}
	return j, nil
}

// loadIgnore reads --ignore-file, or the .keyhoundignore at root if there is one.
func loadIgnore(o *scanOptions, root string) (*ignore.File, error) {
	if o.noIgnore {
		if o.ignoreFile != "" {
			return nil, fmt.Errorf("--ignore-file and --no-ignore: give one of them")
		}
		return nil, nil
	}
	p := o.ignoreFile
	if p == "" && root != "" {
		c := filepath.Join(root, ignore.FileName)
		if st, err := os.Stat(c); err == nil && st.Mode().IsRegular() {
			p = c
		}
	}
	if p == "" {
		return nil, nil
	}
	return ignore.Load(p)
}

// reportOuts pairs the -f and -o flags: a format given as FMT=FILE goes to
// FILE, the others take the -o flags in order, and at most one report goes
// to standard output.
func reportOuts(formats, outputs []string) ([]reportOut, error) {
	if len(formats) == 0 {
		formats = []string{"text"}
	}
	var outs []reportOut
	var plain []int
	for _, f := range formats {
		name, path, hasPath := strings.Cut(f, "=")
		if !contains(report.Formats(), name) {
			return nil, fmt.Errorf("--format %q: want one of %s (optionally FMT=FILE)", f, strings.Join(report.Formats(), ", "))
		}
		if hasPath && path == "" {
			return nil, fmt.Errorf("--format %q: no file after =", f)
		}
		if !hasPath {
			plain = append(plain, len(outs))
		}
		outs = append(outs, reportOut{format: name, path: path})
	}
	if len(outputs) > len(plain) {
		return nil, fmt.Errorf("--output %s: more -o (%d) than formats without =FILE (%d); give one -o per -f, in order", outputs[len(plain)], len(outputs), len(plain))
	}
	for i, p := range outputs {
		if p == "" {
			return nil, fmt.Errorf("--output: empty file name")
		}
		outs[plain[i]].path = p
	}
	var stdout []string
	files := map[string]string{}
	for _, r := range outs {
		if r.path == "" {
			stdout = append(stdout, r.format)
			continue
		}
		abs, err := filepath.Abs(r.path)
		if err != nil {
			abs = r.path
		}
		if prev, ok := files[abs]; ok {
			return nil, fmt.Errorf("--format %s and %s both write to %s", prev, r.format, r.path)
		}
		files[abs] = r.format
	}
	if len(stdout) > 1 {
		return nil, fmt.Errorf("--format %s: %d reports would go to standard output; give all but one a file (-f FMT=FILE or -o FILE)", strings.Join(stdout, ", "), len(stdout))
	}
	return outs, nil
}

// scanResult is what a scan found, before redaction.
type scanResult struct {
	found     []finding.Finding // sorted
	stats     finding.Stats
	hooks     webhook.Summary
	baselined int             // left out: in the --baseline report
	ignored   int             // left out: suppressed by the ignore file
	ignores   *ignore.Matcher // which ignore entries matched
}

// collect runs the scan: findings are deduplicated, those in the baseline or
// the ignore file are left out, and the rest go to the webhooks as they come.
func (j *scanJob) collect(cmd *cobra.Command, scan scanFunc) (*scanResult, error) {
	o, env := j.opts, j.env
	m := scanner.NewMatcher(j.set)
	var cnt scanner.Counters
	runOpts := scanner.Options{
		Workers:     o.workers,
		MaxFileSize: j.maxSize,
		OnError: func(path string, err error) {
			fmt.Fprintf(env.Stderr, "keyhound: %s: %s (skipped)\n", report.CleanText(path), report.CleanText(err.Error()))
		},
		OnSkip: func(path, reason string) {
			if !o.quiet {
				fmt.Fprintf(env.Stderr, "keyhound: %s: %s (skipped)\n", report.CleanText(path), report.CleanText(reason))
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
				return nil, fmt.Errorf("--webhook-log %s: %w", o.webhookLog, unwrapErr(err))
			}
			defer lf.Close()
			wo.Log = lf
		}
		sender = webhook.NewSender(j.hooks, wo)
	}
	res := &scanResult{ignores: ignore.NewMatcher(j.ignore, time.Now())}
	seen := map[string]bool{}
	// Webhooks get a finding as soon as it is matched (git history settles
	// provenance only at the end of a repository); the settled finding is
	// then not delivered again.
	var earlyMu sync.Mutex
	early := map[string]bool{}
	if sender != nil {
		runOpts.Early = func(f finding.Finding) {
			earlyMu.Lock()
			defer earlyMu.Unlock()
			key := f.Repository + "\x00" + f.Fingerprint
			if early[key] || j.baseline[f.Fingerprint] || res.ignores.Covers(&f) {
				return
			}
			early[key] = true
			sender.Send(f)
		}
	}
	emit := func(f finding.Finding) {
		key := f.Repository + "\x00" + f.Fingerprint + "\x00" + f.Commit + fmt.Sprintf("\x00%d:%d", f.Line, f.Column)
		if seen[key] {
			return
		}
		seen[key] = true
		switch {
		case j.baseline[f.Fingerprint]:
			res.baselined++
		case res.ignores.Suppress(&f):
			res.ignored++
		default:
			res.found = append(res.found, f)
			earlyMu.Lock()
			sent := early[f.Repository+"\x00"+f.Fingerprint]
			earlyMu.Unlock()
			if !sent {
				sender.Send(f) // while the scan goes on; the sender redacts unless a hook says include_secret
			}
		}
	}
	start := time.Now()
	ctx := cmd.Context()
	scanErr := scan(ctx, m, runOpts, &cnt, emit)
	res.hooks = sender.Close()
	if ctx.Err() != nil {
		scanErr = nil // interrupted: report what was found so far
	}
	if scanErr != nil {
		return nil, scanErr
	}
	res.stats = cnt.Stats()
	res.stats.Interrupted = ctx.Err() != nil
	res.stats.Findings = len(res.found)
	res.stats.DurationSecond = time.Since(start).Seconds()
	finding.Sort(res.found)
	return res, nil
}

// run performs the scan and writes the reports; it returns the exit status as an error.
func (j *scanJob) run(cmd *cobra.Command, scan scanFunc) error {
	o, env := j.opts, j.env
	// Every report file is opened before the scan, so a bad path fails fast.
	files := make([]*os.File, len(j.reports))
	for i, r := range j.reports {
		if r.path == "" {
			continue
		}
		f, err := os.OpenFile(r.path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
		if err != nil {
			return fmt.Errorf("--output %s: %w", r.path, unwrapErr(err))
		}
		defer f.Close()
		files[i] = f
	}
	res, err := j.collect(cmd, scan)
	if err != nil {
		return err
	}
	found := res.found
	if o.redact {
		for i := range found {
			found[i].Redact()
		}
	}
	if found == nil {
		found = []finding.Finding{}
	}
	rep := &finding.Report{Findings: found, Stats: res.stats, Version: env.Version, Redacted: o.redact}
	for _, r := range j.set.Rules {
		rep.Rules = append(rep.Rules, finding.RuleInfo{ID: r.ID, Description: r.Description, Severity: r.Severity, Tags: r.Tags})
	}
	for i, r := range j.reports {
		var out io.Writer = env.Stdout
		if files[i] != nil {
			out = files[i]
		}
		color := files[i] == nil && r.format == "text" && env.IsTerminal(env.Stdout) && env.Getenv("NO_COLOR") == ""
		if err := report.Write(out, r.format, rep, report.Options{Color: color}); err != nil {
			return fmt.Errorf("writing %s report: %w", r.format, err)
		}
		if files[i] != nil {
			if err := files[i].Close(); err != nil {
				return fmt.Errorf("--output %s: %w", r.path, err)
			}
		}
	}
	if !o.quiet {
		j.reportIgnores(res)
		fmt.Fprintln(env.Stderr, summary(res, j.ignore))
		for _, h := range res.hooks.Hooks {
			verb := "delivered"
			if o.webhookDry {
				verb = "printed (dry run)"
			}
			fmt.Fprintf(env.Stderr, "keyhound: webhook %s: %d %s, %d failed, %d skipped\n", h.URL, h.Delivered, verb, h.Failed, h.Skipped)
		}
	}
	if res.stats.Interrupted {
		fmt.Fprintln(env.Stderr, "keyhound: interrupted: the report holds only what was found before the interruption")
		return exitError{ExitInterrupted}
	}
	if o.webhookHard && res.hooks.Failed() > 0 {
		return fmt.Errorf("--webhook-strict: %d webhook deliveries failed", res.hooks.Failed())
	}
	if len(found) > 0 && o.exitCode != 0 {
		return exitError{o.exitCode}
	}
	return nil
}

// reportIgnores names on stderr every expired ignore entry: it no longer
// suppresses anything.
func (j *scanJob) reportIgnores(res *scanResult) {
	for _, e := range res.ignores.Entries() {
		if !e.Expired(time.Now()) {
			continue
		}
		n := res.ignores.Expired[e]
		fmt.Fprintf(j.env.Stderr, "keyhound: %s expired on %s: no longer suppresses (%d findings reported); renew or remove it\n",
			e.Describe(j.ignore.Path), e.Expires.Format(time.DateOnly), n)
	}
}

var severityOrder = []string{"critical", "high", "medium", "low", "info"}

func summary(res *scanResult, ign *ignore.File) string {
	s := res.stats
	var b strings.Builder
	if s.Commits > 0 {
		fmt.Fprintf(&b, "keyhound: scanned %d commits, %d blobs (%s) in %.2fs: %d findings", s.Commits, max(s.Blobs, s.Files), humanBytes(s.Bytes), s.DurationSecond, s.Findings)
	} else {
		fmt.Fprintf(&b, "keyhound: scanned %d files (%s) in %.2fs: %d findings", s.Files, humanBytes(s.Bytes), s.DurationSecond, s.Findings)
	}
	if len(res.found) > 0 {
		by := map[string]int{}
		for i := range res.found {
			by[res.found[i].Severity]++
		}
		var parts []string
		for _, sev := range severityOrder {
			if by[sev] > 0 {
				parts = append(parts, fmt.Sprintf("%d %s", by[sev], sev))
				delete(by, sev)
			}
		}
		for sev, n := range by { // a severity outside the known ones
			if sev == "" {
				sev = "unrated"
			}
			parts = append(parts, fmt.Sprintf("%d %s", n, sev))
		}
		fmt.Fprintf(&b, " (%s)", strings.Join(parts, ", "))
	}
	if res.ignored > 0 {
		fmt.Fprintf(&b, ", %d ignored by %s", res.ignored, ign.Path)
	}
	if res.baselined > 0 {
		fmt.Fprintf(&b, ", %d in the baseline", res.baselined)
	}
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
			j, err := prepare(env, o, dirRoot(args))
			if err != nil {
				return err
			}
			return j.run(cmd, dirScan(args))
		},
	}
	addScanFlags(c, o)
	return c
}

// dirRoot is the scanned root of a dir scan: the first path when it is a
// directory ("" for a file), where .keyhound.toml and .keyhoundignore are read.
func dirRoot(args []string) string {
	if st, err := os.Stat(args[0]); err == nil && st.IsDir() {
		return args[0]
	}
	return ""
}

// dirScan scans the files under each of paths.
func dirScan(paths []string) scanFunc {
	return func(ctx context.Context, m *scanner.Matcher, run scanner.Options, cnt *scanner.Counters, emit func(finding.Finding)) error {
		items := make(chan scanner.Item, 256)
		errc := make(chan error, 1)
		go func() {
			defer close(items)
			for _, a := range paths {
				prefix := ""
				if len(paths) > 1 {
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
	}
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
