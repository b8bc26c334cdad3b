package source

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"

	"github.com/keyhound/keyhound/finding"
	"github.com/keyhound/keyhound/gitcache"
	"github.com/keyhound/keyhound/scanner/gitscan"
)

// Git is the history of one repository: a local work tree or bare
// repository, or a URL cloned first (into a temporary directory, or a
// mirror kept in the shared cache). With a cache, its incremental record
// spares reading what an earlier run with the same rules has read.
type Git struct {
	Target  string          // a path or a clone URL
	Multi   bool            // one of several: findings name their repository, messages too
	Options gitscan.Options // what part of the history, reader, worker pool
	Shared  *GitShared      // shared by every repository of the run

	textOnce sync.Once
	repo     *git.Repository // opened for Text; nil: not available
}

// GitShared is what the git sources of one run share: the cache, how to
// report, and the counts the run's summary gives.
type GitShared struct {
	Cache  *gitcache.Cache // nil without --cache-dir
	Engine string          // the matching code, part of the records' key
	Full   bool            // --full: read every blob again, rewrite the records
	Quiet  bool
	Getenv func(string) string
	Say    func(msg string) // one line on stderr, safe for concurrent use

	Unchanged atomic.Int64 // repositories whose history was unchanged: findings from the record
	Known     atomic.Int64 // blobs not read: known from the records
	Read      atomic.Int64 // blobs read
	Fetched   atomic.Int64 // mirrors updated
	Cloned    atomic.Int64 // mirrors cloned
}

// Name is the target without the credentials of a URL.
func (g *Git) Name() string { return gitcache.Redact(g.Target) }

// Scan scans one repository: a URL is cloned (or its mirror in the
// cache updated) first; with a cache, a history unchanged since the last
// complete scan with these rules gives that scan's findings without
// reading anything, and otherwise only blobs the record does not know are
// read. Errors name the repository.
func (g *Git) Scan(ctx context.Context, env *Env) error {
	target, gr, opts := g.Target, g.Shared, g.Options
	run, cnt := env.Run, env.Counters
	name := gitcache.Redact(target)
	local, id := target, ""
	say := func(msg string) {
		if local != target {
			msg = strings.ReplaceAll(msg, local, name) // a clone's path means the URL
		}
		if g.Multi && !strings.Contains(msg, name) {
			msg = name + ": " + msg
		}
		gr.Say(msg)
	}
	if g.Multi {
		opts.Repository = name
	}
	// Anything that makes this scan incomplete: a missing or corrupt
	// object (warnings; a tree diff may be partial), a blob that could not
	// be read or was skipped.
	var warnings, problems atomic.Int64
	opts.Warn = func(msg string) { warnings.Add(1); say(msg) }
	opts.Note = nil
	if !gr.Quiet {
		opts.Note = say
	}
	if v := gr.Getenv("GIT_INDEX_FILE"); v != "" && opts.Staged {
		// Inside a pre-commit hook of "git commit -a": the index to scan.
		if abs, err := filepath.Abs(v); err == nil {
			opts.IndexFile = abs
		}
	}
	onError, onSkip := run.OnError, run.OnSkip
	run.OnError = func(path string, err error) {
		problems.Add(1)
		if g.Multi {
			path = name + ": " + path
		}
		if onError != nil {
			onError(path, err)
		}
	}
	run.OnSkip = func(path, reason string) {
		problems.Add(1)
		if g.Multi {
			path = name + ": " + path
		}
		if onSkip != nil {
			onSkip(path, reason)
		}
	}

	if gitscan.IsURL(target) {
		remote := gitcache.NewRemote(target, gr.Getenv)
		id = gitcache.Normalize(remote.URL)
		if gr.Cache != nil {
			unlock, err := gr.Cache.Lock(ctx, id)
			if err != nil {
				return fmt.Errorf("repository %s: %w", name, err)
			}
			defer unlock()
			path, cloned, err := gr.Cache.Mirror(ctx, remote, opts.Note)
			if err != nil {
				return fmt.Errorf("repository %s: %w", name, err)
			}
			if cloned {
				gr.Cloned.Add(1)
			} else {
				gr.Fetched.Add(1)
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
	} else if gr.Cache != nil && !opts.Staged {
		gitDir, _, err := gitscan.Locate(target)
		if err != nil {
			return fmt.Errorf("repository %s: %w", name, unwrapPathError(err))
		}
		id = gitDir
		unlock, err := gr.Cache.Lock(ctx, id)
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
	rc, err := env.Configure(root)
	if err != nil {
		return fmt.Errorf("repository %s: %w", name, err)
	}
	m, emit := rc.Matcher, rc.Emit
	run.Early = rc.Early

	whole := !opts.Staged && opts.Range == "" && opts.SinceCommit == "" && opts.Branch == "" && !opts.Selective()
	var rec *gitcache.Record
	state := ""
	if gr.Cache != nil && !opts.Staged {
		var err error
		if rec, err = gr.Cache.Record(id, rc.RecordKey(gr.Engine)); err != nil {
			say(err.Error())
		}
		if whole {
			state, _ = gitscan.HistoryState(local) // "": never taken as unchanged
		}
		if last := rec.Last(); !gr.Full && state != "" && last != nil && last.History == state {
			// Nothing changed since the last complete scan with these
			// rules: its findings are this scan's.
			for _, f := range last.Findings {
				f.Repository = opts.Repository
				emit(f)
			}
			cnt.Commits.Add(last.Commits)
			gr.Unchanged.Add(1)
			gr.Known.Add(int64(rec.Len()))
			return nil
		}
		if gr.Full {
			opts.Known, opts.Diffs = recordOnly{rec}, recordOnly{rec}
		} else {
			opts.Known, opts.Diffs = rec, rec
		}
	}

	var found []finding.Finding
	res, err := gitscan.Scan(ctx, local, m, run, cnt, func(f finding.Finding) { found = append(found, f) }, opts)
	cnt.Commits.Add(res.Commits) // the summary and stats report them
	cnt.Blobs.Add(res.Blobs)
	gr.Known.Add(res.Known)
	gr.Read.Add(res.Blobs)
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
		if g.Multi && !strings.Contains(err.Error(), name) {
			err = fmt.Errorf("repository %s: %w", name, err)
		}
	}
	return err
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

func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Text returns the text (its first TextMax bytes) of the blob a finding of
// this repository is in, read at its commit; nil for a cloned URL (the clone
// is gone by then), an archive member or staged content.
func (g *Git) Text(f *finding.Finding) []byte {
	if f.Commit == "" || strings.Contains(f.File, "!") || !plumbing.IsHash(f.Commit) || gitscan.IsURL(g.Target) {
		return nil
	}
	if g.Multi && f.Repository != g.Name() {
		return nil
	}
	g.textOnce.Do(func() {
		g.repo, _ = git.PlainOpenWithOptions(g.Target, &git.PlainOpenOptions{DetectDotGit: true})
	})
	if g.repo == nil {
		return nil
	}
	c, err := g.repo.CommitObject(plumbing.NewHash(f.Commit))
	if err != nil {
		return nil
	}
	file, err := c.File(f.File)
	if err != nil {
		return nil
	}
	rd, err := file.Reader()
	if err != nil {
		return nil
	}
	defer rd.Close()
	b, _ := io.ReadAll(io.LimitReader(rd, TextMax))
	return b
}
