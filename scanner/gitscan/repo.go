package gitscan

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/transport"
)

// repo is an opened repository.
type repo struct {
	gg        *git.Repository
	gitDir    string // HEAD, index and this work tree's refs
	commonDir string // objects, shared refs, logs of shared refs
	workTree  string // "" when bare
	db        *odb
	shallow   map[hash]bool
	tmp       string // a temporary clone to remove on close
}

func (r *repo) close() {
	if r.db != nil {
		r.db.close()
	}
	if r.tmp != "" {
		os.RemoveAll(r.tmp)
	}
}

var scpLike = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9._~-]+@[A-Za-z0-9.-]+:`) })

// IsURL reports whether target names a remote repository to clone rather
// than a local path.
func IsURL(target string) bool {
	return strings.Contains(target, "://") || scpLike().MatchString(target)
}

// Locate finds the repository holding path (a work tree, a directory inside
// one, or a bare repository) and returns its git directory and work tree
// root ("" when bare).
func Locate(path string) (gitDir, workTree string, err error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", "", err
	}
	st, err := os.Stat(abs)
	if err != nil {
		return "", "", unwrapPath(err)
	}
	if !st.IsDir() {
		return "", "", errors.New("not a directory")
	}
	if isGitDir(abs) && !isDir(filepath.Join(abs, ".git")) {
		return abs, "", nil // bare, or a git directory given directly
	}
	for dir := abs; ; {
		dg := filepath.Join(dir, ".git")
		if fi, err := os.Stat(dg); err == nil {
			if fi.IsDir() {
				if !isGitDir(dg) {
					return "", "", fmt.Errorf("%s is not a git directory", dg)
				}
				return dg, dir, nil
			}
			// A .git file names the git directory (worktrees, submodules).
			// Anything else — a FIFO, a link to a device — is never read.
			if !fi.Mode().IsRegular() {
				return "", "", fmt.Errorf("%s is neither a directory nor a gitdir file", dg)
			}
			b, err := readHead(dg, 64<<10)
			if err != nil {
				return "", "", unwrapPath(err)
			}
			line, _, _ := strings.Cut(string(b), "\n")
			gd, ok := strings.CutPrefix(strings.TrimSpace(line), "gitdir:")
			if !ok {
				return "", "", fmt.Errorf("%s: not a gitdir file", dg)
			}
			gd = strings.TrimSpace(gd)
			if !filepath.IsAbs(gd) {
				gd = filepath.Join(dir, gd)
			}
			if !isGitDir(gd) {
				return "", "", fmt.Errorf("%s points to %s, which is not a git directory", dg, gd)
			}
			return filepath.Clean(gd), dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", "", errors.New("not a git repository")
		}
		dir = parent
	}
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

// isGitDir reports whether dir looks like a git directory: HEAD and either
// objects/ or a commondir file (a linked work tree's git directory).
func isGitDir(dir string) bool {
	if st, err := os.Stat(filepath.Join(dir, "HEAD")); err != nil || st.IsDir() {
		return false
	}
	if isDir(filepath.Join(dir, "objects")) && isDir(filepath.Join(dir, "refs")) {
		return true
	}
	_, err := os.Stat(filepath.Join(dir, "commondir"))
	return err == nil
}

// openRepo opens a local repository, or clones a URL into a temporary bare
// repository first.
func openRepo(ctx context.Context, target string, warn func(string)) (*repo, error) {
	if IsURL(target) {
		return cloneRepo(ctx, target, warn)
	}
	gitDir, workTree, err := Locate(target)
	if err != nil {
		return nil, fmt.Errorf("repository %s: %w", target, err)
	}
	return openGitDir(gitDir, workTree, target)
}

func openGitDir(gitDir, workTree, name string) (*repo, error) {
	r := &repo{gitDir: gitDir, commonDir: gitDir, workTree: workTree}
	if b, err := os.ReadFile(filepath.Join(gitDir, "commondir")); err == nil {
		cd := strings.TrimSpace(string(b))
		if !filepath.IsAbs(cd) {
			cd = filepath.Join(gitDir, cd)
		}
		r.commonDir = filepath.Clean(cd)
	}
	openAt := gitDir
	if workTree != "" {
		openAt = workTree
	}
	gg, err := git.PlainOpenWithOptions(openAt, &git.PlainOpenOptions{EnableDotGitCommonDir: true})
	if err != nil {
		return nil, fmt.Errorf("repository %s: %w", name, err)
	}
	r.gg = gg
	if r.db, err = openODB(filepath.Join(r.commonDir, "objects")); err != nil {
		return nil, fmt.Errorf("repository %s: %w", name, err)
	}
	r.shallow = map[hash]bool{}
	if b, err := os.ReadFile(filepath.Join(r.commonDir, "shallow")); err == nil {
		for _, line := range strings.Fields(string(b)) {
			if h, ok := parseHash([]byte(line)); ok {
				r.shallow[h] = true
			}
		}
	}
	return r, nil
}

// cloneRepo clones url (every ref, as a mirror) into a temporary bare repository.
func cloneRepo(ctx context.Context, url string, warn func(string)) (*repo, error) {
	tmp, err := os.MkdirTemp("", "keyhound-clone-")
	if err != nil {
		return nil, fmt.Errorf("repository %s: %w", url, err)
	}
	_, err = git.PlainCloneContext(ctx, tmp, true, &git.CloneOptions{URL: url, Mirror: true, Tags: git.AllTags})
	if err != nil && !errors.Is(err, transport.ErrEmptyRemoteRepository) {
		os.RemoveAll(tmp)
		return nil, fmt.Errorf("repository %s: clone: %w", url, err)
	}
	if err != nil {
		warn(fmt.Sprintf("repository %s is empty", url))
	}
	r, err := openGitDir(tmp, "", url)
	if err != nil {
		os.RemoveAll(tmp)
		return nil, err
	}
	r.tmp = tmp
	return r, nil
}

// refKind classifies refs for the exposure window: a secret is still
// "held" while a branch-like ref (HEAD, a local or remote-tracking branch)
// has it in its tip.
type refKind int

const (
	refOther refKind = iota
	refBranch
	refTag
	refStash
)

func kindOf(name string) refKind {
	switch {
	case name == "HEAD" || strings.HasPrefix(name, "refs/heads/") || strings.HasPrefix(name, "refs/remotes/") ||
		(strings.HasPrefix(name, "worktrees/") && strings.HasSuffix(name, "/HEAD")):
		return refBranch
	case strings.HasPrefix(name, "refs/tags/"):
		return refTag
	case name == "refs/stash" || strings.HasPrefix(name, "refs/stash@"):
		return refStash
	}
	return refOther
}

// refTip is a ref and the object it points to (not yet peeled).
type refTip struct {
	name string
	hash hash
}

// allRefs lists every ref with its target: HEAD, branches, remote-tracking
// branches, tags, notes, the stash and the older stash entries of its reflog.
func (r *repo) allRefs(warn func(string)) []refTip {
	var out []refTip
	seen := map[string]bool{}
	iter, err := r.gg.Storer.IterReferences()
	if err != nil {
		warn(fmt.Sprintf("listing refs: %v", err))
		return nil
	}
	_ = iter.ForEach(func(ref *plumbing.Reference) error {
		name := ref.Name().String()
		if seen[name] {
			return nil
		}
		seen[name] = true
		h := ref.Hash()
		if ref.Type() == plumbing.SymbolicReference {
			res, err := r.gg.Reference(ref.Name(), true)
			if err != nil {
				if name != "HEAD" { // an unborn HEAD is normal in a new repository
					warn(fmt.Sprintf("ref %s: %v", name, err))
				}
				return nil
			}
			h = res.Hash()
		}
		if h.IsZero() {
			return nil
		}
		out = append(out, refTip{name, h})
		return nil
	})
	// The HEADs of the other work trees (a commit may be checked out only there).
	heads, _ := filepath.Glob(filepath.Join(r.commonDir, "worktrees", "*", "HEAD"))
	if r.gitDir != r.commonDir {
		heads = append(heads, filepath.Join(r.commonDir, "HEAD"))
	}
	sort.Strings(heads)
	for _, p := range heads {
		if filepath.Dir(p) == r.gitDir {
			continue // this work tree's HEAD is listed already
		}
		name := "worktrees/" + filepath.Base(filepath.Dir(p)) + "/HEAD"
		if filepath.Dir(p) == r.commonDir {
			name = "worktrees/(main)/HEAD"
		}
		if h, ok := r.readHead(p); ok && !seen[name] {
			seen[name] = true
			out = append(out, refTip{name, h})
		}
	}
	// Older stash entries live only in the stash's reflog.
	if f, err := os.Open(filepath.Join(r.commonDir, "logs", "refs", "stash")); err == nil {
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		var entries []hash
		for sc.Scan() {
			fields := bytes.Fields(sc.Bytes())
			if len(fields) >= 2 {
				if h, ok := parseHash(fields[1]); ok && !h.IsZero() {
					entries = append(entries, h)
				}
			}
		}
		f.Close()
		// The newest entry is refs/stash itself, stash@{0}.
		for i := len(entries) - 1; i >= 0; i-- {
			out = append(out, refTip{fmt.Sprintf("refs/stash@{%d}", len(entries)-1-i), entries[i]})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// readHead reads a HEAD file: a symbolic ref or a commit id.
func (r *repo) readHead(path string) (hash, bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return zeroHash, false
	}
	line := strings.TrimSpace(string(b))
	if target, ok := strings.CutPrefix(line, "ref:"); ok {
		ref, err := r.gg.Reference(plumbing.ReferenceName(strings.TrimSpace(target)), true)
		if err != nil {
			return zeroHash, false // unborn
		}
		return ref.Hash(), !ref.Hash().IsZero()
	}
	return parseHash([]byte(line))
}

// resolveRev resolves a revision (a ref name, a short ref such as a branch
// or tag, or a hex commit id, possibly abbreviated) to a commit.
func (r *repo) resolveRev(rev string) (hash, error) {
	if rev == "" {
		return zeroHash, errors.New("empty revision")
	}
	h, err := r.gg.ResolveRevision(plumbing.Revision(rev))
	if err != nil {
		return zeroHash, fmt.Errorf("revision %q: %w", rev, err)
	}
	c, err := r.peelToCommit(*h)
	if err != nil {
		return zeroHash, fmt.Errorf("revision %q: %w", rev, err)
	}
	return c, nil
}

// revErr is the error of a revision flag whose commit could not be
// resolved. In a shallow clone the likely cause is the missing history, so
// it says so and how to fetch it.
func (r *repo) revErr(flag string, err error) error {
	if len(r.shallow) == 0 {
		return fmt.Errorf("%s: %w", flag, err)
	}
	return fmt.Errorf("%s: %w: this repository is a shallow clone (its history is cut at %d commit(s)): fetch the rest with git fetch --unshallow (in CI, check out the full history: actions/checkout with fetch-depth: 0, GitLab GIT_DEPTH: 0)", flag, err, len(r.shallow))
}

// peel follows annotated tags to the object they finally name.
func (r *repo) peel(h hash) (hash, objType, int64, error) {
	var when int64
	for i := 0; i < 16; i++ {
		t, data, err := r.db.read(h)
		if err != nil {
			return h, objBad, 0, err
		}
		if t != objTag {
			return h, t, when, nil
		}
		tag, err := parseTag(data)
		if err != nil {
			return h, objBad, 0, fmt.Errorf("tag %s: %w", h, err)
		}
		if when == 0 {
			when = tag.time
		}
		h = tag.object
	}
	return h, objBad, 0, errors.New("tag chain too long")
}

func (r *repo) peelToCommit(h hash) (hash, error) {
	c, t, _, err := r.peel(h)
	if err != nil {
		return zeroHash, err
	}
	if t != objCommit {
		return zeroHash, fmt.Errorf("%s is a %s, not a commit", c, t)
	}
	return c, nil
}

// head returns the commit HEAD points to (false when unborn).
func (r *repo) head() (hash, bool) {
	ref, err := r.gg.Head()
	if err != nil {
		return zeroHash, false
	}
	c, err := r.peelToCommit(ref.Hash())
	if err != nil {
		return zeroHash, false
	}
	return c, true
}

// readHead reads at most n bytes of the regular file p.
func readHead(p string, n int64) ([]byte, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, n))
}
