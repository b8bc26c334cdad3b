package gitcache

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/transport"
)

// Cache is a cache directory (see the package documentation).
type Cache struct {
	Dir string
}

// Open creates the cache directory dir and its subdirectories (mode 0700:
// mirrors and records hold what the repositories hold) if they are missing.
func Open(dir string) (*Cache, error) {
	if dir == "" {
		return nil, errors.New("empty cache directory")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	for _, sub := range []string{"", "mirrors", "records", "locks"} {
		if err := os.MkdirAll(filepath.Join(abs, sub), 0o700); err != nil {
			return nil, fmt.Errorf("cache directory %s: %w", dir, unwrapPath(err))
		}
	}
	return &Cache{Dir: abs}, nil
}

// Lock takes the lock of repository id (an identity from Normalize or a
// local git directory), waiting while another process holds it, so that
// two runs sharing the cache never fetch into or record one repository at
// the same time. The returned function releases it.
func (c *Cache) Lock(ctx context.Context, id string) (func(), error) {
	unlock, err := lockFile(ctx, filepath.Join(c.Dir, "locks", slug(id)+".lock"))
	if err != nil {
		return nil, fmt.Errorf("lock: %w", unwrapPath(err))
	}
	return unlock, nil
}

// MirrorPath is where the mirror of the repository with identity id lives.
func (c *Cache) MirrorPath(id string) string {
	return filepath.Join(c.Dir, "mirrors", slug(id)+".git")
}

// Mirror brings the bare mirror of r up to date and returns its path: on
// first use it is cloned (every ref, as git clone --mirror does); later
// only what is new is fetched, refs are updated (forced) and refs deleted
// on the server are pruned. A mirror that cannot be opened is cloned
// again. The caller holds the repository's Lock.
func (c *Cache) Mirror(ctx context.Context, r Remote, note func(string)) (path string, cloned bool, err error) {
	id := Normalize(r.URL)
	path = c.MirrorPath(id)
	if _, err := os.Stat(path); err == nil {
		repo, err := git.PlainOpen(path)
		if err == nil {
			err = repo.FetchContext(ctx, &git.FetchOptions{
				RemoteName: git.DefaultRemoteName,
				RemoteURL:  r.URL,
				RefSpecs:   []config.RefSpec{"+refs/*:refs/*"},
				Auth:       r.Auth,
				Tags:       git.NoTags, // refs/* has them all
				Force:      true,
				Prune:      true,
			})
			switch {
			case err == nil, errors.Is(err, git.NoErrAlreadyUpToDate), errors.Is(err, transport.ErrEmptyRemoteRepository):
				if _, herr := repo.Head(); herr != nil && err == nil {
					followHead(ctx, repo, r) // first commits in a repository cloned empty
				}
				return path, false, nil
			default:
				return "", false, fmt.Errorf("fetch: %w", err)
			}
		}
		if note != nil {
			note(fmt.Sprintf("mirror %s cannot be opened (%v): cloning it again", path, err))
		}
		if err := os.RemoveAll(path); err != nil {
			return "", false, err
		}
	}
	tmp, err := os.MkdirTemp(filepath.Dir(path), ".clone-")
	if err != nil {
		return "", false, err
	}
	defer os.RemoveAll(tmp) // after a successful rename, nothing is left there
	if err := clone(ctx, tmp, r, note); err != nil {
		return "", false, err
	}
	if err := os.Rename(tmp, path); err != nil {
		return "", false, err
	}
	return path, true, nil
}

// followHead points the mirror's HEAD where the server's points, when the
// mirror's names no commit (it was cloned empty): present_at_head needs it.
// Best effort: HEAD stays as it is on any error.
func followHead(ctx context.Context, repo *git.Repository, r Remote) {
	rem, err := repo.Remote(git.DefaultRemoteName)
	if err != nil {
		return
	}
	refs, err := rem.ListContext(ctx, &git.ListOptions{Auth: r.Auth})
	if err != nil {
		return
	}
	var target plumbing.ReferenceName
	for _, ref := range refs {
		if ref.Name() == plumbing.HEAD {
			if ref.Type() == plumbing.SymbolicReference {
				target = ref.Target()
			} else {
				for _, b := range refs {
					if b.Name().IsBranch() && b.Hash() == ref.Hash() {
						target = b.Name()
						break
					}
				}
			}
		}
	}
	if target != "" {
		_ = repo.Storer.SetReference(plumbing.NewSymbolicReference(plumbing.HEAD, target))
	}
}

// CloneTemp clones r (every ref) into a new temporary bare repository; the
// returned function removes it.
func CloneTemp(ctx context.Context, r Remote, note func(string)) (string, func(), error) {
	tmp, err := os.MkdirTemp("", "keyhound-clone-")
	if err != nil {
		return "", nil, err
	}
	if err := clone(ctx, tmp, r, note); err != nil {
		os.RemoveAll(tmp)
		return "", nil, err
	}
	return tmp, func() { os.RemoveAll(tmp) }, nil
}

func clone(ctx context.Context, dir string, r Remote, note func(string)) error {
	_, err := git.PlainCloneContext(ctx, dir, true, &git.CloneOptions{URL: r.URL, Auth: r.Auth, Mirror: true, Tags: git.AllTags})
	if errors.Is(err, transport.ErrEmptyRemoteRepository) {
		if note != nil {
			note(fmt.Sprintf("repository %s is empty", r.URL))
		}
		// go-git leaves nothing behind: an empty bare repository with the
		// remote a mirror clone would have, so later runs fetch into it.
		repo, err := git.PlainInit(dir, true)
		if err == nil {
			_, err = repo.CreateRemote(&config.RemoteConfig{Name: git.DefaultRemoteName, URLs: []string{r.URL}, Fetch: []config.RefSpec{"+refs/*:refs/*"}, Mirror: true})
		}
		if err != nil {
			return fmt.Errorf("clone: empty repository: %w", err)
		}
		return nil
	}
	if err != nil {
		return fmt.Errorf("clone: %w", err)
	}
	return nil
}

func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", pe.Path, pe.Err)
	}
	return err
}
