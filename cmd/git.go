package cmd

import (
	"fmt"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/keyhound/keyhound/compat"
	"github.com/keyhound/keyhound/gitcache"
	"github.com/keyhound/keyhound/githook"
	"github.com/keyhound/keyhound/pipeline"
	"github.com/keyhound/keyhound/progress"
	"github.com/keyhound/keyhound/scanner/gitscan"
	"github.com/keyhound/keyhound/source"
)

func newGitCmd(env *Env) *cobra.Command {
	o := &scanOptions{}
	var g gitscan.Options
	var m multiOptions
	var hook string
	var hf gitscan.Filter
	var logOpts string
	c := &cobra.Command{
		Use:   "git [REPO...] [-- PATHSPEC...]",
		Short: "Scan the full history of git repositories (default: the current directory)",
		Long: "Scan every commit reachable from any ref of each REPO (default .): branches, remote-tracking\n" +
			"branches, tags, notes and the stash; each distinct file version is read once. REPO may be a\n" +
			"work tree, a bare repository or a URL to clone. One finding per rule, secret and path, with\n" +
			"the commit that introduced it, where else it was committed, the commit that removed it and\n" +
			"whether HEAD still holds it.\n\n" +
			"--staged scans what the index adds over HEAD (for a pre-commit hook); --range A..B,\n" +
			"--since-commit C and --branch R scan only the blobs the selected commits introduce.\n" +
			"--since DATE, --until DATE and -- PATHSPEC report only the secrets added by commits\n" +
			"(committer date) and at paths they select; the history is still read whole.\n\n" +
			"Many repositories: --repos-file F (one per line), scanned concurrently; a repository that\n" +
			"fails is named on stderr and the others go on. --cache-dir DIR keeps bare mirrors of URLs\n" +
			"(later runs fetch only what is new) and a record of the blobs already matched with these\n" +
			"rules (later runs read only new blobs). --shard K/N scans one stable Nth of the list.\n" +
			"https credentials come from $" + gitcache.TokenEnv + ".",
		RunE: func(cmd *cobra.Command, args []string) error {
			if n := cmd.ArgsLenAtDash(); n >= 0 {
				args, hf.Paths = args[:n], args[n:]
			}
			if err := compat.ApplyLogOpts(logOpts, &hf, &g); err != nil {
				return err
			}
			if err := g.SetFilter(hf, time.Now()); err != nil {
				return err
			}
			if err := g.Check(); err != nil {
				return err
			}
			if hook != "" && githook.Refused(hook, "") == "" {
				return fmt.Errorf("--hook %q: want pre-commit or pre-push", hook)
			}
			if g.Staged && hook == "" {
				hook = "pre-commit"
			}
			if m.full && m.cacheDir == "" {
				return fmt.Errorf("--full needs --cache-dir (it rescans what the records there hold)")
			}
			if m.parallel < 0 {
				return fmt.Errorf("--parallel-repos %d: must be 0 or more", m.parallel)
			}
			targets, multi, notice, err := source.RepoList{Args: args, File: m.reposFile, Stdin: env.Stdin, Shard: m.shard}.Targets()
			if err != nil {
				return err
			}
			if notice != "" && !o.quiet {
				fmt.Fprintf(env.Stderr, "keyhound: %s\n", notice)
			}
			roots, err := source.GitRoots(targets, multi, g.Staged)
			if err != nil {
				return err
			}
			if m.cacheDir != "" {
				o.verify.CacheDir = filepath.Join(m.cacheDir, "verify")
			}
			j, err := prepare(env, o, roots...)
			if err != nil {
				return err
			}
			sh := &source.GitShared{Full: m.full, Quiet: o.quiet, Getenv: env.Getenv,
				Say: func(msg string) { fmt.Fprintf(env.Stderr, "keyhound: %s\n", msg) }}
			if err := sh.OpenCache(m.cacheDir, env.Version); err != nil {
				return err
			}
			srcs := pipeline.Sources{KeepGoing: multi, Parallel: 1}
			var bar *progress.Phases
			if j.showProgress() {
				bar = &progress.Phases{W: env.Stderr}
				defer bar.Finish()
			}
			srcs.List, j.run.Workers = source.GitSources(targets, multi, g, sh, o.workers, bar)
			if multi {
				srcs.Parallel = m.parallel
				if srcs.Parallel <= 0 {
					srcs.Parallel = 4
				}
				if bar != nil {
					bar.Phase("repositories", int64(len(targets)))
					srcs.OnSourceDone = func() { bar.Add(1, 0) }
				}
			}
			res, err := j.scan(cmd.Context(), srcs)
			bar.Finish()
			if res != nil && len(res.Found) > 0 && o.exitCode != 0 && !o.quiet && !res.Stats.Interrupted {
				fmt.Fprint(env.Stderr, githook.Refused(hook, progress.Count(int64(len(res.Found)), "finding")))
			}
			if msg := sh.CacheSummary(m.cacheDir, len(targets)); msg != "" {
				fmt.Fprintf(env.Stderr, "keyhound: %s\n", msg)
			}
			if res != nil && res.Failed > 0 {
				fmt.Fprintf(env.Stderr, "keyhound: %d of %d repositories could not be scanned (named above)\n", res.Failed, len(targets))
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
	f.StringVar(&hf.Since, "since", "", "report only secrets added by commits dated from `DATE` on (2024-05-01, \"2 weeks ago\", @UNIX)")
	f.StringVar(&hf.Until, "until", "", "report only secrets added by commits dated up to `DATE` (a bare day: its end)")
	f.StringVar(&logOpts, "log-opts", "", "gitleaks's git log options: --since, --until, A..B, a ref, -- PATHSPEC")
	_ = f.MarkHidden("log-opts")
	f.StringVar(&g.Reader, "git-reader", "pack", "how blobs are read: pack (pack files, delta tree by delta tree) or go-git")
	_ = f.MarkHidden("git-reader")
	f.StringVar(&hook, "hook", "", "run as this git hook (pre-commit, pre-push): on findings, say the commit or push is refused and how to proceed (implied by --staged)")
	_ = f.MarkHidden("hook")
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
