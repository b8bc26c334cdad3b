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
	archives    int  // --max-archive-depth
	decodes     int  // --max-decode-depth
	noWebhooks  bool // internal (ignore check): no webhook is configured
	verify      verifyOptions

	// Set by prepare from formats and outputs: the first report's format and
	// file ("" for standard output).
	format string
	output string
}

func addScanFlags(c *cobra.Command, o *scanOptions) {
	f := c.Flags()
	f.StringVarP(&o.config, "config", "c", "", "rule file, keyhound or gitleaks format, for every root (default: the built-in rules, or each scanned root's own .keyhound.toml)")
	f.StringArrayVarP(&o.formats, "format", "f", []string{"text"}, "report format `FMT`: "+strings.Join(report.Formats(), ", ")+"; repeatable, and FMT=FILE writes that report to FILE")
	f.StringArrayVarP(&o.outputs, "output", "o", nil, "write the report to `FILE` (default: standard output); with several -f, one -o per format in order")
	f.IntVar(&o.exitCode, "exit-code", ExitFindings, "exit status when findings exist")
	f.BoolVar(&o.redact, "redact", false, "keep secrets out of every output, webhooks included (overrides include_secret; stderr names each hook overridden)")
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
}

// scanFunc runs a scan: each finding goes to out.emit (from one goroutine
// at a time) with the configuration of the root it came from; a source that
// settles provenance late (git history) also gives out.early, when set, each
// finding as soon as it is matched.
type scanFunc func(ctx context.Context, cfgs *configs, run scanner.Options, cnt *scanner.Counters, out sink) error

// sink receives a scan's findings with the configuration of their root.
type sink struct {
	emit  func(*rootConfig, finding.Finding)
	early func(*rootConfig, finding.Finding) // nil: no webhook wants provisional findings
	fail  func(target, err string)           // a target could not be scanned (named in the report)
}

// reportOut is one report to write: a format and a file ("" for standard output).
type reportOut struct {
	format string
	path   string
}

// scanJob is a prepared scan: rules loaded, flags checked, output ready.
type scanJob struct {
	env      *Env
	opts     *scanOptions
	cfgs     *configs
	maxSize  int64
	baseline map[string]bool
	reports  []reportOut
	// context returns the text of a finding's file for --verify's companion
	// values (nil: not available).
	context func(f *finding.Finding) []byte
}

// prepare checks every flag and loads the configuration of roots before
// anything is scanned, so that a usage or configuration error exits 2
// without scanning. Each root is where its own .keyhound.toml and
// .keyhoundignore are looked for when no --config or --ignore-file is given;
// the configuration of roots scanned later is loaded when their turn comes.
func prepare(env *Env, o *scanOptions, roots ...string) (*scanJob, error) {
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
	if o.archives < 0 || o.archives > 16 {
		return nil, fmt.Errorf("--max-archive-depth %d: want 0..16", o.archives)
	}
	if o.decodes < 0 || o.decodes > 4 {
		return nil, fmt.Errorf("--max-decode-depth %d: want 0..4", o.decodes)
	}
	if o.maxFileSize != "" {
		n, err := parseSize(o.maxFileSize)
		if err != nil {
			return nil, fmt.Errorf("--max-file-size %q: %w", o.maxFileSize, err)
		}
		j.maxSize = n
	}
	if err := o.verify.check(); err != nil {
		return nil, err
	}
	if o.noIgnore && o.ignoreFile != "" {
		return nil, fmt.Errorf("--ignore-file and --no-ignore: give one of them")
	}
	if j.cfgs, err = newConfigs(env, o); err != nil {
		return nil, err
	}
	for _, r := range roots {
		if _, err := j.cfgs.forRoot(r); err != nil {
			return nil, err
		}
	}
	if o.baseline != "" {
		if j.baseline, err = report.ReadBaseline(o.baseline); err != nil {
			return nil, err
		}
	}
	if !o.verify.on && !o.quiet {
		for _, h := range j.cfgs.hooks {
			if h.MinStatus != "" {
				fmt.Fprintf(env.Stderr, "keyhound: notice: webhook %s has min_status = %q: without --verify it receives nothing\n", h.URL, h.MinStatus)
			}
		}
	}
	if (o.webhookDry || o.webhookLog != "" || o.webhookHard) && !j.cfgs.anyHooks() {
		return nil, fmt.Errorf("--webhook-dry-run, --webhook-log and --webhook-strict need a webhook (--webhook URL or [[webhooks]] in the config)")
	}
	return j, nil
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
	baselined int            // left out: in the --baseline report
	ignored   int            // left out: suppressed by an ignore file
	ignores   []*ignoreState // the ignore files in use
	verified  bool           // --verify: the summary counts the outcomes
}

// senders starts and holds the webhook senders of a run: one for the
// global hooks (-c, --webhook) and one per root whose own .keyhound.toml
// configures hooks, which receive only that root's findings.
type senders struct {
	opts   webhook.Options
	mu     sync.Mutex
	global *webhook.Sender
	byRoot map[*rootConfig]*webhook.Sender
	order  []*webhook.Sender
}

// send delivers f to the global hooks and to rc's own.
func (s *senders) send(rc *rootConfig, f finding.Finding) {
	s.global.Send(f)
	if len(rc.hooks) == 0 {
		return
	}
	s.mu.Lock()
	snd, ok := s.byRoot[rc]
	if !ok {
		snd = webhook.NewSender(rc.hooks, s.opts)
		s.byRoot[rc] = snd
		s.order = append(s.order, snd)
	}
	s.mu.Unlock()
	snd.Send(f)
}

// close waits for every delivery and sums up.
func (s *senders) close() webhook.Summary {
	sum := s.global.Close()
	for _, snd := range s.order {
		sum.Hooks = append(sum.Hooks, snd.Close().Hooks...)
	}
	return sum
}

// collect runs the scan: findings are deduplicated, those in the baseline or
// their root's ignore file are left out, and the rest go to the webhooks as
// they come.
func (j *scanJob) collect(cmd *cobra.Command, scan scanFunc) (*scanResult, error) {
	o, env := j.opts, j.env
	var cnt scanner.Counters
	var failMu sync.Mutex
	var failed []finding.Failure
	fail := func(target, msg string) {
		failMu.Lock()
		failed = append(failed, finding.Failure{Target: target, Error: msg})
		failMu.Unlock()
	}
	runOpts := scanner.Options{
		Workers:     o.workers,
		MaxFileSize: j.maxSize,
		Expand:      scanner.Expand{ArchiveDepth: o.archives, DecodeDepth: o.decodes},
		OnError: func(path string, err error) {
			msg := report.CleanText(err.Error())
			fail(path, msg)
			fmt.Fprintf(env.Stderr, "keyhound: %s: %s (skipped)\n", report.CleanText(path), msg)
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
	wo := webhook.Options{Stderr: env.Stderr}
	{
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
	}
	snd := &senders{opts: wo, byRoot: map[*rootConfig]*webhook.Sender{}}
	if len(j.cfgs.hooks) > 0 {
		snd.global = webhook.NewSender(j.cfgs.hooks, wo)
	}
	res := &scanResult{verified: o.verify.on}
	seen := map[string]bool{}
	ctx := cmd.Context()
	// With --verify each finding is checked while the scan goes on, and a
	// webhook gets it once its verification is done (within the timeouts).
	stage, err := o.verify.stage(ctx, j.context)
	if err != nil {
		return nil, err
	}
	var verdictMu sync.Mutex
	verdicts := map[int]finding.Verification{}
	// deliver sends f to the webhooks (when send is set) after its
	// verification, and hands the verification to keep (when set).
	deliver := func(rc *rootConfig, f finding.Finding, send bool, keep func(finding.Verification)) {
		if stage == nil {
			if send {
				snd.send(rc, f)
			}
			return
		}
		stage.Check(f, func(v finding.Verification) {
			if keep != nil {
				keep(v)
			}
			f.Verification = v
			if send && (!o.verify.only || v.Status == finding.StatusLive) {
				snd.send(rc, f)
			}
		})
	}
	// Webhooks get a finding as soon as it is matched (git history settles
	// provenance only at the end of a repository); the settled finding is
	// then not delivered again.
	var earlyMu sync.Mutex
	early := map[string]bool{}
	out := sink{fail: fail}
	out.early = func(rc *rootConfig, f finding.Finding) {
		earlyMu.Lock()
		defer earlyMu.Unlock()
		key := f.Repository + "\x00" + f.Fingerprint
		if early[key] || j.baseline[f.Fingerprint] || rc.ignores.Covers(&f) {
			return
		}
		early[key] = true
		deliver(rc, f, true, nil)
	}
	out.emit = func(rc *rootConfig, f finding.Finding) {
		key := f.Repository + "\x00" + f.Fingerprint + "\x00" + f.Commit + fmt.Sprintf("\x00%d:%d", f.Line, f.Column)
		if seen[key] {
			return
		}
		seen[key] = true
		switch {
		case j.baseline[f.Fingerprint]:
			res.baselined++
		case rc.ignores.Suppress(&f):
			res.ignored++
		default:
			idx := len(res.found)
			res.found = append(res.found, f)
			earlyMu.Lock()
			sent := early[f.Repository+"\x00"+f.Fingerprint]
			earlyMu.Unlock()
			// While the scan goes on (unless delivered early); the sender
			// redacts unless a hook says include_secret.
			deliver(rc, f, !sent, func(v finding.Verification) {
				verdictMu.Lock()
				verdicts[idx] = v
				verdictMu.Unlock()
			})
		}
	}
	start := time.Now()
	scanErr := scan(ctx, j.cfgs, runOpts, &cnt, out)
	if stage != nil {
		stage.Close() // every check done: the webhooks have had every finding
		for i, v := range verdicts {
			res.found[i].Verification = v
		}
		if o.verify.only {
			kept := res.found[:0]
			for _, f := range res.found {
				if f.Verification.Status == finding.StatusLive {
					kept = append(kept, f)
				}
			}
			res.found = kept
		}
	}
	res.hooks = snd.close()
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
	failMu.Lock()
	res.stats.Failed = finding.SortFailures(failed)
	failMu.Unlock()
	res.ignores = j.cfgs.ignoreFiles()
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
	for _, r := range j.cfgs.global.set.Rules {
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
		fmt.Fprintln(env.Stderr, summary(res))
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
	for _, st := range res.ignores {
		for _, e := range st.matcher.Entries() {
			if !e.Expired(time.Now()) {
				continue
			}
			n := st.matcher.Expired[e]
			fmt.Fprintf(j.env.Stderr, "keyhound: %s expired on %s: no longer suppresses (%d findings reported); renew or remove it\n",
				e.Describe(st.file.Path), e.Expires.Format(time.DateOnly), n)
		}
	}
}

var severityOrder = []string{"critical", "high", "medium", "low", "info"}

func summary(res *scanResult) string {
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
	if res.verified {
		fmt.Fprintf(&b, "; %s", verifySummary(res.found))
	}
	if res.ignored > 0 {
		var paths []string
		for _, st := range res.ignores {
			paths = append(paths, st.file.Path)
		}
		fmt.Fprintf(&b, ", %d ignored by %s", res.ignored, strings.Join(paths, ", "))
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
			j, err := prepare(env, o, dirRoots(args)...)
			if err != nil {
				return err
			}
			j.context = dirContext(args)
			return j.run(cmd, dirScan(args))
		},
	}
	addScanFlags(c, o)
	addVerifyCacheFlag(c, &o.verify)
	return c
}

// dirRoots are the scanned roots of a dir scan, one per path: the path when
// it is a directory, "" for a file (which has no .keyhound.toml or
// .keyhoundignore of its own).
func dirRoots(args []string) []string {
	roots := make([]string, len(args))
	for i, a := range args {
		if st, err := os.Stat(a); err == nil && st.IsDir() {
			roots[i] = a
		}
	}
	return roots
}

// dirScan scans the files under each of paths, one path after the other,
// each with its own configuration.
func dirScan(paths []string) scanFunc {
	roots := dirRoots(paths)
	return func(ctx context.Context, cfgs *configs, run scanner.Options, cnt *scanner.Counters, out sink) error {
		for i, a := range paths {
			rc, err := cfgs.forRoot(roots[i])
			if err != nil {
				return err
			}
			prefix := ""
			if len(paths) > 1 && roots[i] != "" {
				prefix = filepath.ToSlash(filepath.Clean(a))
			}
			items := make(chan scanner.Item, 256)
			errc := make(chan error, 1)
			go func() {
				defer close(items)
				errc <- scanner.Walk(ctx, a, scanner.WalkOptions{Prefix: prefix, OnError: run.OnError}, cnt, items)
			}()
			scanner.Run(ctx, rc.matcher, items, run, cnt, func(f finding.Finding) { out.emit(rc, f) })
			if err := <-errc; err != nil {
				return err
			}
			if ctx.Err() != nil {
				return nil
			}
		}
		return nil
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
			var in io.Reader = env.Stdin
			if o.verify.on {
				// Keep the start of the input for verification's companion values.
				kept := &headBuffer{max: contextMax}
				in = io.TeeReader(in, kept)
				j.context = func(*finding.Finding) []byte { return kept.buf.Bytes() }
			}
			return j.run(cmd, func(ctx context.Context, cfgs *configs, run scanner.Options, cnt *scanner.Counters, out sink) error {
				rc, err := cfgs.forRoot(".")
				if err != nil {
					return err
				}
				items := make(chan scanner.Item, 1)
				items <- scanner.Item{Path: "", Size: -1, Open: func() (io.ReadCloser, error) { return io.NopCloser(in), nil }}
				close(items)
				scanner.Run(ctx, rc.matcher, items, run, cnt, func(f finding.Finding) {
					f.File = name + f.File // "" or, inside an archive, "!member"
					f.Fingerprint = finding.Fingerprint(f.RuleID, f.Secret, f.File)
					out.emit(rc, f)
				})
				return nil
			})
		},
	}
	addScanFlags(c, o)
	addVerifyCacheFlag(c, &o.verify)
	c.Flags().StringVar(&name, "name", "stdin", "the file name findings are reported under")
	return c
}
