package cmd

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/keyhound/keyhound/finding"
	"github.com/keyhound/keyhound/scanner"
	"github.com/keyhound/keyhound/scanner/gitscan"
)

func newGitCmd(env *Env) *cobra.Command {
	o := &scanOptions{}
	var g gitscan.Options
	c := &cobra.Command{
		Use:   "git [REPO...]",
		Short: "Scan the full history of git repositories (default: the current directory)",
		Long: "Scan every commit reachable from any ref of each REPO (default .): branches, remote-tracking\n" +
			"branches, tags, notes and the stash; each distinct file version is read once. REPO may be a\n" +
			"work tree, a bare repository or a URL to clone. One finding per rule, secret and path, with\n" +
			"the commit that introduced it, where else it was committed, the commit that removed it and\n" +
			"whether HEAD still holds it.\n\n" +
			"--staged scans what the index adds over HEAD (for a pre-commit hook); --range A..B,\n" +
			"--since-commit C and --branch R scan only the blobs the selected commits introduce.",
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				args = []string{"."}
			}
			if g.Range != "" && (g.SinceCommit != "" || g.Branch != "") {
				return fmt.Errorf("--range cannot be combined with --since-commit or --branch")
			}
			if g.Staged && (g.Range != "" || g.SinceCommit != "" || g.Branch != "") {
				return fmt.Errorf("--staged cannot be combined with --range, --since-commit or --branch")
			}
			root := ""
			for i, a := range args {
				if gitscan.IsURL(a) {
					if g.Staged {
						return fmt.Errorf("repository %s: --staged needs a local work tree", a)
					}
					continue
				}
				_, wt, err := gitscan.Locate(a)
				if err != nil {
					return fmt.Errorf("repository %s: %w", a, unwrapErr(err))
				}
				if i == 0 {
					root = wt
				}
			}
			j, err := prepare(env, o, root)
			if err != nil {
				return err
			}
			return j.run(cmd, func(ctx context.Context, m *scanner.Matcher, run scanner.Options, cnt *scanner.Counters, emit func(finding.Finding)) error {
				opts := g
				if v := env.Getenv("GIT_INDEX_FILE"); v != "" && g.Staged {
					// Inside a pre-commit hook of "git commit -a": the index to scan.
					if abs, err := filepath.Abs(v); err == nil {
						opts.IndexFile = abs
					}
				}
				opts.Warn = func(msg string) { fmt.Fprintf(env.Stderr, "keyhound: %s\n", msg) }
				if !o.quiet {
					opts.Note = opts.Warn
				}
				var bar *gitProgress
				if run.OnProgress != nil {
					bar = &gitProgress{env: env}
					opts.Progress = bar
					defer bar.finish()
				}
				for _, a := range args {
					if len(args) > 1 {
						opts.Repository = a
					}
					res, err := gitscan.Scan(ctx, a, m, run, cnt, emit, opts)
					if err != nil {
						return err
					}
					cnt.Commits.Add(res.Commits) // the summary and stats report them
					cnt.Blobs.Add(res.Blobs)
				}
				if bar != nil {
					bar.finish()
				}
				return nil
			})
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
	return c
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
