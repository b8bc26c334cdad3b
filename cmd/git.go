package cmd

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/keyhound/keyhound/finding"
	"github.com/keyhound/keyhound/gitcache"
	"github.com/keyhound/keyhound/scanner"
	"github.com/keyhound/keyhound/scanner/gitscan"
	"github.com/keyhound/keyhound/shard"
)

func newGitCmd(env *Env) *cobra.Command {
	o := &scanOptions{}
	var g gitscan.Options
	var m multiOptions
	c := &cobra.Command{
		Use:   "git [REPO...]",
		Short: "Scan the full history of git repositories (default: the current directory)",
		Long: "Scan every commit reachable from any ref of each REPO (default .): branches, remote-tracking\n" +
			"branches, tags, notes and the stash; each distinct file version is read once. REPO may be a\n" +
			"work tree, a bare repository or a URL to clone. One finding per rule, secret and path, with\n" +
			"the commit that introduced it, where else it was committed, the commit that removed it and\n" +
			"whether HEAD still holds it.\n\n" +
			"--staged scans what the index adds over HEAD (for a pre-commit hook); --range A..B,\n" +
			"--since-commit C and --branch R scan only the blobs the selected commits introduce.\n\n" +
			"Many repositories: --repos-file F (one per line), scanned concurrently; a repository that\n" +
			"fails is named on stderr and the others go on. --cache-dir DIR keeps bare mirrors of URLs\n" +
			"(later runs fetch only what is new) and a record of the blobs already matched with these\n" +
			"rules (later runs read only new blobs). --shard K/N scans one stable Nth of the list.\n" +
			"https credentials come from $" + gitcache.TokenEnv + ".",
		RunE: func(cmd *cobra.Command, args []string) error {
			if g.Range != "" && (g.SinceCommit != "" || g.Branch != "") {
				return fmt.Errorf("--range cannot be combined with --since-commit or --branch")
			}
			if g.Staged && (g.Range != "" || g.SinceCommit != "" || g.Branch != "") {
				return fmt.Errorf("--staged cannot be combined with --range, --since-commit or --branch")
			}
			if m.full && m.cacheDir == "" {
				return fmt.Errorf("--full needs --cache-dir (it rescans what the records there hold)")
			}
			if m.parallel < 0 {
				return fmt.Errorf("--parallel-repos %d: must be 0 or more", m.parallel)
			}
			targets, multi, err := gitTargets(env, args, &m, o.quiet)
			if err != nil {
				return err
			}
			var roots []string // single repository: its configuration is checked before scanning
			for i, a := range targets {
				if gitscan.IsURL(a) {
					if g.Staged {
						return fmt.Errorf("repository %s: --staged needs a local work tree", gitcache.Redact(a))
					}
					continue
				}
				if multi {
					continue // checked when its turn comes: a failure skips only it
				}
				_, wt, err := gitscan.Locate(a)
				if err != nil {
					return fmt.Errorf("repository %s: %w", a, unwrapErr(err))
				}
				if i == 0 {
					roots = append(roots, wt)
				}
			}
			if m.cacheDir != "" {
				o.verify.cacheDir = filepath.Join(m.cacheDir, "verify")
			}
			j, err := prepare(env, o, roots...)
			if err != nil {
				return err
			}
			j.context = gitContext(targets, multi)
			gr := &gitJob{env: env, o: o, g: g, m: m, targets: targets, multi: multi}
			if m.cacheDir != "" {
				if gr.cache, err = gitcache.Open(m.cacheDir); err != nil {
					return fmt.Errorf("--cache-dir: %w", err)
				}
				gr.engine = gitcache.Engine(env.Version)
			}
			err = j.run(cmd, gr.scan)
			gr.report()
			if n := gr.failed.Load(); n > 0 {
				fmt.Fprintf(env.Stderr, "keyhound: %d of %d repositories could not be scanned (named above)\n", n, len(targets))
				if err == nil {
					return exitError{ExitError}
				}
			}
			return err
		},
	}
	addScanFlags(c, o)
	f := c.Flags()
	f.BoolVar(&g.Staged, "staged", false, "scan only what the index adds over HEAD (pre-commit)")
	f.StringVar(&g.Range, "range", "", "scan only commits in A..B (reachable from B, not from A)")
	f.StringVar(&g.SinceCommit, "since-commit", "", "scan only commits after this one (up to HEAD, or --branch)")
	f.StringVar(&g.Branch, "branch", "", "scan only commits reachable from this branch or ref")
	f.StringVar(&g.Reader, "git-reader", "pack", "how blobs are read: pack (pack files, delta tree by delta tree) or go-git")
	_ = f.MarkHidden("git-reader")
	f.StringVar(&m.reposFile, "repos-file", "", "also scan the repositories listed in `FILE`, one path or URL per line (# comments; - for standard input)")
	f.StringVar(&m.cacheDir, "cache-dir", "", "keep bare mirrors of URLs and records of the blobs already matched in `DIR`: later runs fetch and read only what is new")
	f.BoolVar(&m.full, "full", false, "with --cache-dir: read every blob again (the records are rewritten)")
	f.StringVar(&m.shard, "shard", "", "scan only shard `K/N` of the repositories (a stable hash of each URL; the N shards partition the list)")
	f.IntVar(&m.parallel, "parallel-repos", 0, "repositories fetched and scanned at once (default 4); their CPU work shares the -j workers")
	return c
}

// multiOptions are the flags for many repositories.
type multiOptions struct {
	reposFile string
	cacheDir  string
	full      bool
	shard     string
	parallel  int
}

// gitTargets returns the repositories to scan: the arguments and the
// --repos-file entries (default "."), without duplicates, restricted to
// --shard; multi says whether findings name their repository (several
// repositories, a list or a shard) and a failing repository is skipped.
func gitTargets(env *Env, args []string, m *multiOptions, quiet bool) ([]string, bool, error) {
	list := append([]string(nil), args...)
	if m.reposFile != "" {
		entries, err := readReposFile(env, m.reposFile)
		if err != nil {
			return nil, false, err
		}
		list = append(list, entries...)
	}
	if len(list) == 0 && m.reposFile == "" {
		list = []string{"."}
	}
	seen := map[string]bool{}
	var targets []string
	for _, t := range list {
		k := gitcache.Normalize(t)
		if !seen[k] {
			seen[k] = true
			targets = append(targets, t)
		}
	}
	multi := len(targets) > 1 || m.reposFile != "" || m.shard != ""
	if m.shard != "" {
		spec, err := shard.Parse(m.shard)
		if err != nil {
			return nil, false, fmt.Errorf("--shard %w", err)
		}
		all := len(targets)
		targets = shard.Select(targets, spec)
		if !quiet {
			fmt.Fprintf(env.Stderr, "keyhound: shard %s: %d of %d repositories\n", spec, len(targets), all)
		}
	}
	return targets, multi, nil
}

// readReposFile reads a list of repositories: one path or URL a line;
// blank lines and lines starting with # are skipped; "-" is standard input.
func readReposFile(env *Env, path string) ([]string, error) {
	var data []byte
	var err error
	if path == "-" {
		data, err = io.ReadAll(env.Stdin)
	} else {
		data, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, fmt.Errorf("--repos-file %s: %w", path, unwrapErr(err))
	}
	var out []string
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		out = append(out, line)
	}
	return out, nil
}

// gitJob scans the repositories of one keyhound git run.
type gitJob struct {
	env     *Env
	o       *scanOptions
	g       gitscan.Options
	m       multiOptions
	targets []string
	multi   bool
	cache   *gitcache.Cache // nil without --cache-dir
	engine  string          // the matching code, part of the records' key

	failed    atomic.Int64 // repositories that could not be scanned
	unchanged atomic.Int64 // repositories whose history was unchanged: findings from the record
	known     atomic.Int64 // blobs not read: known from the records
	read      atomic.Int64 // blobs read
	fetched   atomic.Int64 // mirrors updated
	cloned    atomic.Int64 // mirrors cloned
}

// scan is the scanFunc of keyhound git: one repository, or many, several
// at once, sharing one pool of CPU workers.
func (gr *gitJob) scan(ctx context.Context, cfgs *configs, run scanner.Options, cnt *scanner.Counters, out sink) error {
	env := gr.env
	var bar *gitProgress
	if run.OnProgress != nil {
		bar = &gitProgress{env: env}
		defer bar.finish()
	}
	if !gr.multi {
		opts := gr.g
		if bar != nil {
			opts.Progress = bar
		}
		return gr.scanOne(ctx, gr.targets[0], cfgs, run, cnt, out, opts)
	}
	workers := run.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	run.Workers = workers
	opts := gr.g
	opts.Pool = gitscan.NewPool(workers)
	if bar != nil {
		bar.Phase("repositories", int64(len(gr.targets)))
	}
	var mu sync.Mutex // emit is called from one goroutine at a time
	locked := out
	locked.emit = func(rc *rootConfig, f finding.Finding) {
		mu.Lock()
		defer mu.Unlock()
		out.emit(rc, f)
	}
	parallel := gr.m.parallel
	if parallel <= 0 {
		parallel = 4
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(parallel, len(gr.targets)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= len(gr.targets) {
					return
				}
				t := gr.targets[i]
				err := gr.scanOne(ctx, t, cfgs, run, cnt, locked, opts)
				if err != nil && ctx.Err() == nil {
					gr.failed.Add(1)
					cnt.Errors.Add(1)
					msg := oneLine(err.Error())
					name := gitcache.Redact(t)
					out.fail(name, strings.TrimPrefix(msg, "repository "+name+": "))
					fmt.Fprintf(env.Stderr, "keyhound: %s (skipped)\n", msg)
				}
				if bar != nil {
					bar.Add(1, 0)
				}
			}
		}()
	}
	wg.Wait()
	return nil
}

// scanOne scans one repository: a URL is cloned (or its mirror in the
// cache updated) first; with a cache, a history unchanged since the last
// complete scan with these rules gives that scan's findings without
// reading anything, and otherwise only blobs the record does not know are
// read. Errors name the repository.
func (gr *gitJob) scanOne(ctx context.Context, target string, cfgs *configs, run scanner.Options, cnt *scanner.Counters, out sink, opts gitscan.Options) error {
	env := gr.env
	name := gitcache.Redact(target)
	local, id := target, ""
	say := func(msg string) {
		if local != target {
			msg = strings.ReplaceAll(msg, local, name) // a clone's path means the URL
		}
		if gr.multi && !strings.Contains(msg, name) {
			msg = name + ": " + msg
		}
		fmt.Fprintf(env.Stderr, "keyhound: %s\n", msg)
	}
	if gr.multi {
		opts.Repository = name
	}
	// Anything that makes this scan incomplete: a missing or corrupt
	// object (warnings; a tree diff may be partial), a blob that could not
	// be read or was skipped.
	var warnings, problems atomic.Int64
	opts.Warn = func(msg string) { warnings.Add(1); say(msg) }
	opts.Note = nil
	if !gr.o.quiet {
		opts.Note = say
	}
	if v := env.Getenv("GIT_INDEX_FILE"); v != "" && opts.Staged {
		// Inside a pre-commit hook of "git commit -a": the index to scan.
		if abs, err := filepath.Abs(v); err == nil {
			opts.IndexFile = abs
		}
	}
	onError, onSkip := run.OnError, run.OnSkip
	run.OnError = func(path string, err error) {
		problems.Add(1)
		if gr.multi {
			path = name + ": " + path
		}
		if onError != nil {
			onError(path, err)
		}
	}
	run.OnSkip = func(path, reason string) {
		problems.Add(1)
		if gr.multi {
			path = name + ": " + path
		}
		if onSkip != nil {
			onSkip(path, reason)
		}
	}

	if gitscan.IsURL(target) {
		remote := gitcache.NewRemote(target, env.Getenv)
		id = gitcache.Normalize(remote.URL)
		if gr.cache != nil {
			unlock, err := gr.cache.Lock(ctx, id)
			if err != nil {
				return fmt.Errorf("repository %s: %w", name, err)
			}
			defer unlock()
			path, cloned, err := gr.cache.Mirror(ctx, remote, opts.Note)
			if err != nil {
				return fmt.Errorf("repository %s: %w", name, err)
			}
			if cloned {
				gr.cloned.Add(1)
			} else {
				gr.fetched.Add(1)
			}
			local = path
		} else {
			path, cleanup, err := gitcache.CloneTemp(ctx, remote, opts.Note)
			if err != nil {
				return fmt.Errorf("repository %s: %w", name, err)
			}
			defer cleanup()
			local = path
		}
	} else if gr.cache != nil && !opts.Staged {
		gitDir, _, err := gitscan.Locate(target)
		if err != nil {
			return fmt.Errorf("repository %s: %w", name, unwrapErr(err))
		}
		id = gitDir
		unlock, err := gr.cache.Lock(ctx, id)
		if err != nil {
			return fmt.Errorf("repository %s: %w", name, err)
		}
		defer unlock()
	}

	// The repository's own .keyhound.toml and .keyhoundignore (at its work
	// tree) apply to it alone; a URL has none.
	root := ""
	if !gitscan.IsURL(target) {
		if _, wt, err := gitscan.Locate(target); err == nil {
			root = wt
		}
	}
	rc, err := cfgs.forRoot(root)
	if err != nil {
		return fmt.Errorf("repository %s: %w", name, err)
	}
	m := rc.matcher
	emit := func(f finding.Finding) { out.emit(rc, f) }
	if out.early != nil && (len(cfgs.hooks) > 0 || len(rc.hooks) > 0) {
		run.Early = func(f finding.Finding) { out.early(rc, f) }
	}

	whole := !opts.Staged && opts.Range == "" && opts.SinceCommit == "" && opts.Branch == ""
	var rec *gitcache.Record
	state := ""
	if gr.cache != nil && !opts.Staged {
		var err error
		if rec, err = gr.cache.Record(id, rc.recordKey(gr.engine)); err != nil {
			say(err.Error())
		}
		if whole {
			state, _ = gitscan.HistoryState(local) // "": never taken as unchanged
		}
		if last := rec.Last(); !gr.m.full && state != "" && last != nil && last.History == state {
			// Nothing changed since the last complete scan with these
			// rules: its findings are this scan's.
			for _, f := range last.Findings {
				f.Repository = opts.Repository
				emit(f)
			}
			cnt.Commits.Add(last.Commits)
			gr.unchanged.Add(1)
			gr.known.Add(int64(rec.Len()))
			return nil
		}
		if gr.m.full {
			opts.Known, opts.Diffs = recordOnly{rec}, recordOnly{rec}
		} else {
			opts.Known, opts.Diffs = rec, rec
		}
	}

	var found []finding.Finding
	res, err := gitscan.Scan(ctx, local, m, run, cnt, func(f finding.Finding) { found = append(found, f) }, opts)
	cnt.Commits.Add(res.Commits) // the summary and stats report them
	cnt.Blobs.Add(res.Blobs)
	gr.known.Add(res.Known)
	gr.read.Add(res.Blobs)
	for _, f := range found {
		emit(f)
	}
	if rec != nil && (err == nil || ctx.Err() != nil) {
		var last *gitcache.LastScan
		if whole && err == nil && ctx.Err() == nil && warnings.Load() == 0 && problems.Load() == 0 && state != "" {
			last = &gitcache.LastScan{History: state, Commits: res.Commits, Findings: found}
		}
		if warnings.Load() > 0 || ctx.Err() != nil {
			rec.DropNewDiffs()
		}
		if last != nil || rec.Added() > 0 {
			if serr := rec.Save(last); serr != nil {
				say(serr.Error())
			}
		}
	}
	if err != nil && ctx.Err() == nil {
		if local != target {
			err = fmt.Errorf("%s", strings.ReplaceAll(err.Error(), local, name))
		}
		if name != target { // never a credential from the URL
			err = fmt.Errorf("%s", strings.ReplaceAll(err.Error(), target, name))
		}
		if gr.multi && !strings.Contains(err.Error(), name) {
			err = fmt.Errorf("repository %s: %w", name, err)
		}
	}
	return err
}

// report names on stderr what the cache saved.
func (gr *gitJob) report() {
	if gr.cache == nil || gr.o.quiet {
		return
	}
	var parts []string
	if n := gr.cloned.Load() + gr.fetched.Load(); n > 0 {
		parts = append(parts, fmt.Sprintf("%d mirrors cloned, %d fetched", gr.cloned.Load(), gr.fetched.Load()))
	}
	if n := gr.unchanged.Load(); n > 0 {
		parts = append(parts, fmt.Sprintf("%d of %d repositories unchanged (findings from the record)", n, len(gr.targets)))
	}
	parts = append(parts, fmt.Sprintf("%d blobs read, %d already matched with these rules", gr.read.Load(), gr.known.Load()))
	fmt.Fprintf(gr.env.Stderr, "keyhound: --cache-dir %s: %s\n", gr.m.cacheDir, strings.Join(parts, "; "))
}

// recordOnly is a record that knows nothing (--full: every commit is
// diffed and every blob read) but records what is done.
type recordOnly struct{ r *gitcache.Record }

func (recordOnly) Lookup(plumbing.Hash, string) ([]finding.Finding, bool) { return nil, false }
func (k recordOnly) Add(blob plumbing.Hash, path string, fs []finding.Finding) {
	k.r.Add(blob, path, fs)
}
func (recordOnly) Diff(plumbing.Hash) ([]gitscan.TreeChange, bool) { return nil, false }
func (k recordOnly) AddDiff(commit plumbing.Hash, changes []gitscan.TreeChange) {
	k.r.AddDiff(commit, changes)
}

// gitProgress shows a progress bar per phase (walking commits, scanning
// blobs) on a terminal.
type gitProgress struct {
	env   *Env
	mu    sync.Mutex
	bar   *progressbar.ProgressBar
	name  string
	bytes atomic.Int64
	last  atomic.Int64 // unix nanos of the last description update
}

func (p *gitProgress) Phase(name string, total int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar != nil {
		_ = p.bar.Finish()
	}
	p.name = name
	p.bytes.Store(0)
	p.bar = progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(p.env.Stderr),
		progressbar.OptionSetDescription(name),
		progressbar.OptionShowCount(),
		progressbar.OptionSetPredictTime(total > 0),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
	)
}

func (p *gitProgress) Add(n, bytes int64) {
	p.mu.Lock()
	bar := p.bar
	p.mu.Unlock()
	if bar == nil {
		return
	}
	if bytes > 0 {
		total := p.bytes.Add(bytes)
		now := time.Now().UnixNano()
		if last := p.last.Load(); now-last > int64(200*time.Millisecond) && p.last.CompareAndSwap(last, now) {
			bar.Describe(fmt.Sprintf("%s (%s)", p.name, humanBytes(total)))
		}
	}
	_ = bar.Add64(n)
}

func (p *gitProgress) finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar != nil {
		_ = p.bar.Finish()
		p.bar = nil
	}
}
