// Package pipeline runs a scan: sources (package source) yield content, the
// engine (package scanner) matches it, and each finding goes through the
// stages — dedup, baseline, the ignore file of its root, then (to come)
// verification — to the sinks: the report collector and the webhooks. Each
// scanned root has its own configuration (rules, ignore file, webhooks);
// -c, --ignore-file and --webhook apply to all.
package pipeline

import (
	"context"
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/keyhound/keyhound/finding"
	"github.com/keyhound/keyhound/ignore"
	"github.com/keyhound/keyhound/report"
	"github.com/keyhound/keyhound/report/webhook"
	"github.com/keyhound/keyhound/rules"
	"github.com/keyhound/keyhound/scanner"
	"github.com/keyhound/keyhound/source"
	"github.com/keyhound/keyhound/verify"
)

// Options configure a pipeline.
type Options struct {
	DefaultRules []byte // the built-in rules.toml
	Config       string // -c: the rule file of every root ("": each root's own .keyhound.toml, else the built-in rules)
	IgnoreFile   string // --ignore-file: every root's ("": each root's own .keyhoundignore)
	// GitleaksIgnore (-i): every root's .gitleaksignore, or a directory
	// holding one ("": each root's own).
	GitleaksIgnore string
	NoIgnore       bool     // --no-ignore
	Baseline       string   // --baseline: an earlier JSON report
	EnableRules    []string // --enable-rule: only these rule ids run
	Webhooks       []string // --webhook URLs: every root's findings
	NoWebhooks     bool     // configure no webhook at all (ignore check)
	Redact         bool     // --redact: no webhook receives a secret
	Quiet          bool     // no notices on Stderr
	Getenv         func(string) string
	Stderr         io.Writer // notices and errors; safe for concurrent use

	WebhookDryRun bool   // print the requests to Stderr instead of sending them
	WebhookLog    string // append one JSON line per attempt to this file
	WebhookStrict bool   // a failed delivery is an error (New checks there is a webhook)

	// Verifier, when set, returns the run's verification stage (--verify;
	// nil: verification is off): each final finding is checked while the scan goes on,
	// and reaches the webhooks once its verification is done.
	// text gives back the text a finding was found in (see source.Texter).
	Verifier func(ctx context.Context, text func(*finding.Finding) []byte) (*verify.Stage, error)
	// OnlyVerified: report and deliver only findings verified live.
	OnlyVerified bool
}

// Sources are the sources of a run and how they are scanned.
type Sources struct {
	List []source.Source
	// Parallel is the number of sources scanned at once (default 1). With
	// KeepGoing, a source that fails is named on Stderr and in the report's
	// failed targets, and the others go on; without, its error ends the run.
	Parallel  int
	KeepGoing bool
	// OnSourceDone, when set, is called after each source (progress).
	OnSourceDone func()
}

// Pipeline is a prepared run: the configuration of -c and of the roots named
// up front is loaded and checked.
type Pipeline struct {
	opts     Options
	cfgs     *configs
	baseline *report.Baseline
	explain  func(f *finding.Finding, why string) // see Explain
}

// Explain makes Run hand fn each finding the baseline or an ignore file
// leaves out, with the reason (keyhound explain).
func (p *Pipeline) Explain(fn func(f *finding.Finding, why string)) { p.explain = fn }

// New loads the configuration (-c or the built-in rules, the baseline, and
// the configuration of each root given) so that a configuration error is
// reported before anything is scanned. The configuration of roots met later
// is loaded when their turn comes.
func New(opts Options, roots ...string) (*Pipeline, error) {
	if opts.Getenv == nil {
		opts.Getenv = func(string) string { return "" }
	}
	if opts.Stderr == nil {
		opts.Stderr = io.Discard
	}
	if opts.NoIgnore && opts.IgnoreFile != "" {
		return nil, fmt.Errorf("--ignore-file and --no-ignore: give one of them")
	}
	if opts.NoIgnore && opts.GitleaksIgnore != "" {
		return nil, fmt.Errorf("--gitleaks-ignore-path and --no-ignore: give one of them")
	}
	p := &Pipeline{opts: opts}
	var err error
	if p.cfgs, err = newConfigs(&p.opts); err != nil {
		return nil, err
	}
	for _, r := range roots {
		if _, err := p.cfgs.forRoot(r); err != nil {
			return nil, err
		}
	}
	if opts.Baseline != "" {
		if p.baseline, err = report.ReadBaseline(opts.Baseline); err != nil {
			return nil, err
		}
	}
	for _, h := range p.cfgs.hooks {
		if opts.Verifier == nil && !opts.Quiet && h.MinStatus != "" {
			fmt.Fprintf(opts.Stderr, "keyhound: notice: webhook %s has min_status = %q: without --verify it receives nothing\n", h.URL, h.MinStatus)
		}
	}
	if (opts.WebhookDryRun || opts.WebhookLog != "" || opts.WebhookStrict) && !p.cfgs.anyHooks() {
		return nil, fmt.Errorf("--webhook-dry-run, --webhook-log and --webhook-strict need a webhook (--webhook URL or [[webhooks]] in the config)")
	}
	return p, nil
}

// Rules is the rule set of -c, or the built-in one.
func (p *Pipeline) Rules() *rules.Set { return p.cfgs.global.set }

// CheckIgnoreRules checks that every rule id file's entries name is a rule
// of root's rule set (ignore check).
func (p *Pipeline) CheckIgnoreRules(file *ignore.File, root string) error {
	rc, err := p.cfgs.forRoot(root)
	if err != nil {
		return err
	}
	return file.CheckRules(rc.set)
}

// IgnoreUse is an ignore file a run used, with what its entries matched.
type IgnoreUse struct {
	File    *ignore.File
	Matcher *ignore.Matcher
}

// Result is what a run found, before redaction.
type Result struct {
	Found           []finding.Finding // sorted
	Stats           finding.Stats
	Hooks           webhook.Summary
	Baselined       int         // left out: in the --baseline report
	Ignored         int         // left out: suppressed by an ignore file
	GitleaksIgnored int         // left out: in a .gitleaksignore
	Ignores         []IgnoreUse // the ignore files in use, by path
	Failed          int         // sources that could not be scanned (KeepGoing)
	Verified        bool        // --verify: every finding carries its verification
}

// Stage is one step every final finding goes through, in order, from one
// goroutine at a time: dedup, baseline, ignore. Keep returns false to leave
// the finding out (the stage counts why). Verification comes after them and
// is asynchronous (see Run); the sinks come last: the report collector and
// the webhooks.
type Stage interface {
	Keep(root *rootConfig, f *finding.Finding) bool
}

// dedup drops a finding already seen at the same place.
type dedup map[string]bool

func (d dedup) Keep(_ *rootConfig, f *finding.Finding) bool {
	key := f.Repository + "\x00" + f.Fingerprint + "\x00" + f.Commit + fmt.Sprintf("\x00%d:%d", f.Line, f.Column)
	if d[key] {
		return false
	}
	d[key] = true
	return true
}

// baselineStage drops the findings of the --baseline report.
type baselineStage struct {
	set *report.Baseline
	n   int
}

func (b *baselineStage) Keep(_ *rootConfig, f *finding.Finding) bool {
	if b.set.Has(f) {
		b.n++
		return false
	}
	return true
}

// ignoreStage drops what the root's ignore file suppresses.
type ignoreStage struct{ n, gitleaks int }

func (s *ignoreStage) Keep(rc *rootConfig, f *finding.Finding) bool {
	if rc.ignores.Suppress(f) {
		s.n++
		return false
	}
	if rc.gitleaks.Matches(f) {
		s.gitleaks++
		return false
	}
	return true
}

// explainDrop tells the Explain hook why stage s left f out.
func (p *Pipeline) explainDrop(s Stage, rc *rootConfig, f *finding.Finding) {
	switch s.(type) {
	case *baselineStage:
		p.explain(f, "in the --baseline report "+p.opts.Baseline)
	case *ignoreStage:
		if e := rc.gitleaks.Match(f); e != nil && !rc.ignores.Covers(f) {
			p.explain(f, fmt.Sprintf("ignored by %s:%d (a gitleaks fingerprint)", rc.gitleaks.File.Path, e.At))
			return
		}
		h := ignore.SecretHash(f.Secret)
		for _, e := range rc.ignores.Entries() {
			if e.Matches(f, h) && !e.Expired(time.Now()) {
				p.explain(f, "ignored by "+e.Describe(rc.ignore.Path))
				return
			}
		}
		p.explain(f, "ignored by "+rc.ignore.Path)
	}
}

// collector keeps the final findings for the report.
type collector struct{ found []finding.Finding }

func (c *collector) Provisional(*rootConfig, finding.Finding) {}
func (c *collector) Final(_ *rootConfig, f finding.Finding)   { c.found = append(c.found, f) }

// verifier starts the verification stage, nil when off.
func (p *Pipeline) verifier(ctx context.Context, sources []source.Source) (*verify.Stage, error) {
	if p.opts.Verifier == nil {
		return nil, nil
	}
	var texters []source.Texter
	for _, s := range sources {
		if t, ok := s.(source.Texter); ok {
			texters = append(texters, t)
		}
	}
	var text func(*finding.Finding) []byte
	if len(texters) > 0 {
		text = func(f *finding.Finding) []byte {
			for _, t := range texters {
				if b := t.Text(f); b != nil {
					return b
				}
			}
			return nil
		}
	}
	return p.opts.Verifier(ctx, text)
}

// Run scans every source and returns what was found. Interrupted (ctx done),
// it returns what was found until then with Stats.Interrupted set.
// run sets the workers, the size limit and progress; its OnError and OnSkip
// are called after the pipeline's own accounting.
func (p *Pipeline) Run(ctx context.Context, sources Sources, run scanner.Options) (*Result, error) {
	o := &p.opts
	var cnt scanner.Counters
	var failMu sync.Mutex
	var failed []finding.Failure
	fail := func(target, msg string) {
		failMu.Lock()
		failed = append(failed, finding.Failure{Target: target, Error: msg})
		failMu.Unlock()
	}
	onError, onSkip := run.OnError, run.OnSkip
	run.OnError = func(path string, err error) {
		msg := report.CleanText(err.Error())
		fail(path, msg)
		fmt.Fprintf(o.Stderr, "keyhound: %s: %s (skipped)\n", report.CleanText(path), msg)
		if onError != nil {
			onError(path, err)
		}
	}
	run.OnSkip = func(path, reason string) {
		if !o.Quiet {
			fmt.Fprintf(o.Stderr, "keyhound: %s: %s (skipped)\n", report.CleanText(path), report.CleanText(reason))
		}
		if onSkip != nil {
			onSkip(path, reason)
		}
	}

	hooks, err := p.newWebhookSink()
	if err != nil {
		return nil, err
	}
	if hooks.logFile != nil {
		defer hooks.logFile.Close()
	}
	vst, err := p.verifier(ctx, sources.List)
	if err != nil {
		return nil, err
	}
	col := &collector{}
	base := &baselineStage{set: p.baseline}
	ign := &ignoreStage{}
	stages := []Stage{dedup{}, base, ign}
	// Then verification (asynchronous: each finding is checked while the
	// scan goes on) and the sinks: the collector keeps every finding, the
	// webhooks get one once its verification is done.
	var verdictMu sync.Mutex
	verdicts := map[int]finding.Verification{}
	deliver := func(rc *rootConfig, f finding.Finding, send bool, keep func(finding.Verification)) {
		if vst == nil {
			if send {
				hooks.send(rc, f)
			}
			return
		}
		vst.Check(f, func(v finding.Verification) {
			if keep != nil {
				keep(v)
			}
			f.Verification = v
			if send && (!o.OnlyVerified || v.Status == finding.StatusLive) {
				hooks.send(rc, f)
			}
		})
	}

	var mu sync.Mutex // the stages and sinks take one final finding at a time
	final := func(rc *rootConfig, f finding.Finding) {
		mu.Lock()
		defer mu.Unlock()
		for _, s := range stages {
			if !s.Keep(rc, &f) {
				if p.explain != nil {
					p.explainDrop(s, rc, &f)
				}
				return
			}
		}
		idx := len(col.found)
		col.Final(rc, f)
		// While the scan goes on, unless delivered provisionally; the
		// sender redacts unless a hook says include_secret.
		deliver(rc, f, hooks.wants(rc) && !hooks.sentEarly(f), func(v finding.Verification) {
			verdictMu.Lock()
			verdicts[idx] = v
			verdictMu.Unlock()
		})
	}
	// A provisional finding (git history: matched, its provenance not yet
	// settled) goes to the webhooks at once, so that revocation does not
	// wait for the end of a long scan; the final one is then not sent again.
	provisional := func(rc *rootConfig, f finding.Finding) {
		if p.baseline.Has(&f) || rc.ignores.Covers(&f) || rc.gitleaks.Matches(&f) || !hooks.markEarly(f) {
			return
		}
		deliver(rc, f, true, nil)
	}
	env := &source.Env{Run: run, Counters: &cnt}
	env.Configure = func(root string) (*source.Root, error) {
		rc, err := p.cfgs.forRoot(root)
		if err != nil {
			return nil, err
		}
		sr := &source.Root{
			Matcher:   rc.matcher,
			RecordKey: rc.recordKey,
			Emit:      func(f finding.Finding) { final(rc, f) },
		}
		if hooks.wants(rc) {
			sr.Early = func(f finding.Finding) { provisional(rc, f) }
		}
		return sr, nil
	}

	start := time.Now()
	nfailed, err := p.runSources(ctx, sources, env, fail)
	if vst != nil {
		vst.Close() // every check done: the webhooks have had every finding
		for i, v := range verdicts {
			col.found[i].Verification = v
		}
		if o.OnlyVerified {
			kept := col.found[:0]
			for _, f := range col.found {
				if f.Verification.Status == finding.StatusLive {
					kept = append(kept, f)
				}
			}
			col.found = kept
		}
	}
	hsum := hooks.close()
	if ctx.Err() != nil {
		err = nil // interrupted: report what was found so far
	}
	if err != nil {
		return nil, err
	}
	res := &Result{Found: col.found, Hooks: hsum, Baselined: base.n, Ignored: ign.n, GitleaksIgnored: ign.gitleaks, Failed: nfailed, Verified: vst != nil}
	res.Stats = cnt.Stats()
	res.Stats.Interrupted = ctx.Err() != nil
	res.Stats.Findings = len(res.Found)
	res.Stats.DurationSecond = time.Since(start).Seconds()
	failMu.Lock()
	res.Stats.Failed = finding.SortFailures(failed)
	failMu.Unlock()
	for _, st := range p.cfgs.ignoreFiles() {
		res.Ignores = append(res.Ignores, IgnoreUse{File: st.file, Matcher: st.matcher})
	}
	finding.Sort(res.Found)
	return res, nil
}

// runSources scans the sources, srcs.Parallel at once; with KeepGoing a failed
// source is named and counted, else the first error is returned.
func (p *Pipeline) runSources(ctx context.Context, srcs Sources, env *source.Env, fail func(target, msg string)) (int, error) {
	o := &p.opts
	sources := srcs.List
	parallel := max(1, srcs.Parallel)
	var next, nfailed atomic.Int64
	var errOnce sync.Once
	var firstErr error
	var wg sync.WaitGroup
	for range min(parallel, len(sources)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= len(sources) {
					return
				}
				src := sources[i]
				err := src.Scan(ctx, env)
				if err != nil && ctx.Err() == nil {
					if !srcs.KeepGoing {
						errOnce.Do(func() { firstErr = err })
						return
					}
					nfailed.Add(1)
					env.Counters.Errors.Add(1)
					msg := report.CleanText(oneLine(err.Error()))
					fail(src.Name(), trimPrefix(msg, "repository "+src.Name()+": "))
					fmt.Fprintf(o.Stderr, "keyhound: %s (skipped)\n", msg)
				}
				if srcs.OnSourceDone != nil {
					srcs.OnSourceDone()
				}
			}
		}()
	}
	wg.Wait()
	return int(nfailed.Load()), firstErr
}

// webhookSink delivers findings to the global hooks and, for a root whose
// own .keyhound.toml configures hooks, to those, with that root's findings
// only. A finding delivered provisionally is not delivered again.
type webhookSink struct {
	opts    webhook.Options
	global  *webhook.Sender
	anyRoot bool
	logFile *os.File

	mu     sync.Mutex
	byRoot map[*rootConfig]*webhook.Sender
	order  []*webhook.Sender
	early  map[string]bool // repository and fingerprint delivered provisionally
}

func (p *Pipeline) newWebhookSink() (*webhookSink, error) {
	o := &p.opts
	s := &webhookSink{opts: webhook.Options{Stderr: o.Stderr}, byRoot: map[*rootConfig]*webhook.Sender{}, early: map[string]bool{}}
	if o.WebhookDryRun {
		s.opts.DryRun = o.Stderr
	}
	if o.WebhookLog != "" {
		lf, err := os.OpenFile(o.WebhookLog, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
		if err != nil {
			return nil, fmt.Errorf("--webhook-log %s: %w", o.WebhookLog, unwrapPathError(err))
		}
		s.logFile = lf
		s.opts.Log = lf
	}
	if len(p.cfgs.hooks) > 0 {
		s.global = webhook.NewSender(p.cfgs.hooks, s.opts)
	}
	return s, nil
}

// wants reports whether a finding of rc goes to any hook.
func (s *webhookSink) wants(rc *rootConfig) bool { return s.global != nil || len(rc.hooks) > 0 }

func (s *webhookSink) send(rc *rootConfig, f finding.Finding) {
	s.global.Send(f) // the sender redacts unless a hook says include_secret
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

// markEarly records that f is delivered provisionally; false when it
// already was.
func (s *webhookSink) markEarly(f finding.Finding) bool {
	key := f.Repository + "\x00" + f.Fingerprint
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.early[key] {
		return false
	}
	s.early[key] = true
	return true
}

// sentEarly reports whether f was delivered provisionally.
func (s *webhookSink) sentEarly(f finding.Finding) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.early[f.Repository+"\x00"+f.Fingerprint]
}

// close waits for every delivery and sums up.
func (s *webhookSink) close() webhook.Summary {
	sum := s.global.Close()
	for _, snd := range s.order {
		sum.Hooks = append(sum.Hooks, snd.Close().Hooks...)
	}
	return sum
}
