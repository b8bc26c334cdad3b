package source

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"

	"github.com/keyhound/keyhound/gitcache"
	"github.com/keyhound/keyhound/progress"
	"github.com/keyhound/keyhound/scanner/gitscan"
	"github.com/keyhound/keyhound/shard"
)

// RepoList is what keyhound git is asked to scan: its arguments, a list
// file (--repos-file) and a shard of them (--shard).
type RepoList struct {
	Args  []string
	File  string    // one path or URL a line; "-": Stdin
	Stdin io.Reader // for File "-"
	Shard string    // K/N; "": all
}

// Targets returns the repositories to scan: the arguments and the list
// file's entries (default "."), without duplicates, restricted to the
// shard; multi says whether findings name their repository (several
// repositories, a list or a shard) and a failing repository is skipped.
// notice says what the shard holds ("" without one).
func (l RepoList) Targets() (targets []string, multi bool, notice string, err error) {
	list := append([]string(nil), l.Args...)
	if l.File != "" {
		entries, err := l.read()
		if err != nil {
			return nil, false, "", err
		}
		list = append(list, entries...)
	}
	if len(list) == 0 && l.File == "" {
		list = []string{"."}
	}
	seen := map[string]bool{}
	for _, t := range list {
		k := gitcache.Normalize(t)
		if !seen[k] {
			seen[k] = true
			targets = append(targets, t)
		}
	}
	multi = len(targets) > 1 || l.File != "" || l.Shard != ""
	if l.Shard != "" {
		spec, err := shard.Parse(l.Shard)
		if err != nil {
			return nil, false, "", fmt.Errorf("--shard %w", err)
		}
		all := len(targets)
		targets = shard.Select(targets, spec)
		notice = fmt.Sprintf("shard %s: %d of %d repositories", spec, len(targets), all)
	}
	return targets, multi, notice, nil
}

// read reads the list file: one path or URL a line; blank lines and lines
// starting with # are skipped.
func (l RepoList) read() ([]string, error) {
	var data []byte
	var err error
	if l.File == "-" {
		data, err = io.ReadAll(l.Stdin)
	} else {
		data, err = os.ReadFile(l.File)
	}
	if err != nil {
		return nil, fmt.Errorf("--repos-file %s: %w", l.File, unwrapPathError(err))
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

// CacheSummary says what the cache in dir saved a run over repos
// repositories; "" without a cache or when Quiet.
func (sh *GitShared) CacheSummary(dir string, repos int) string {
	if sh.Cache == nil || sh.Quiet {
		return ""
	}
	var parts []string
	if n := sh.Cloned.Load() + sh.Fetched.Load(); n > 0 {
		parts = append(parts, fmt.Sprintf("%s cloned, %d fetched", progress.Count(sh.Cloned.Load(), "mirror"), sh.Fetched.Load()))
	}
	if n := sh.Unchanged.Load(); n > 0 {
		parts = append(parts, fmt.Sprintf("%d of %d repositories unchanged (findings from the record)", n, repos))
	}
	parts = append(parts, fmt.Sprintf("%s read, %d already matched with these rules", progress.Count(sh.Read.Load(), "blob"), sh.Known.Load()))
	return fmt.Sprintf("--cache-dir %s: %s", dir, strings.Join(parts, "; "))
}

// GitRoots checks the targets before a scan: a URL cannot be scanned
// --staged and, for a single repository (not multi: there a failure skips
// only that one when its turn comes), a path must be a repository. It
// returns the work tree of a single local repository, whose configuration
// is then loaded before scanning.
func GitRoots(targets []string, multi, staged bool) ([]string, error) {
	var roots []string
	for i, a := range targets {
		if gitscan.IsURL(a) {
			if staged {
				return nil, fmt.Errorf("repository %s: --staged needs a local work tree", gitcache.Redact(a))
			}
			continue
		}
		if multi {
			continue
		}
		_, wt, err := gitscan.Locate(a)
		if err != nil {
			return nil, fmt.Errorf("repository %s: %w", a, unwrapPathError(err))
		}
		if i == 0 {
			roots = append(roots, wt)
		}
	}
	return roots, nil
}

// OpenCache sets sh's cache to the one in dir ("": none), its records
// keyed to the matching code of version.
func (sh *GitShared) OpenCache(dir, version string) error {
	if dir == "" {
		return nil
	}
	var err error
	if sh.Cache, err = gitcache.Open(dir); err != nil {
		return fmt.Errorf("--cache-dir: %w", err)
	}
	sh.Engine = gitcache.Engine(version)
	return nil
}

// GitSources are one Git source per target, all sharing sh and g. Several
// (multi) share one pool of workers CPU workers (<= 0: one per CPU), the
// count the run is to use, which is returned; a single one reports its
// phases to bar (nil: none) and workers is returned as it is.
func GitSources(targets []string, multi bool, g gitscan.Options, sh *GitShared, workers int, bar *progress.Phases) ([]Source, int) {
	if multi {
		if workers <= 0 {
			workers = runtime.GOMAXPROCS(0)
		}
		g.Pool = gitscan.NewPool(workers)
	} else if bar != nil {
		g.Progress = bar
	}
	var srcs []Source
	for _, t := range targets {
		srcs = append(srcs, &Git{Target: t, Multi: multi, Options: g, Shared: sh})
	}
	return srcs, workers
}
