// Package githook installs the git hooks that run keyhound before a commit
// or a push.
package githook

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Scripts are the git hooks keyhound install-hook writes, by kind; docs/hooks.md shows
// them verbatim (a test keeps the two the same).
var Scripts = map[string]string{
	"pre-commit": `#!/bin/sh
# keyhound pre-commit hook (written by keyhound install-hook pre-commit).
# Blocks a commit whose staged changes add a secret. A false positive belongs
# in .keyhoundignore (keyhound ignore add); to commit anyway once:
# git commit --no-verify
keyhound="${KEYHOUND:-keyhound}"
if ! command -v "$keyhound" >/dev/null 2>&1; then
	echo "pre-commit: $keyhound not found: go install github.com/keyhound/keyhound@latest (or set KEYHOUND)" >&2
	exit 1
fi
exec "$keyhound" git --staged
`,
	"pre-push": `#!/bin/sh
# keyhound pre-push hook (written by keyhound install-hook pre-push).
# Blocks a push whose new commits add a secret; to push anyway once:
# git push --no-verify
keyhound="${KEYHOUND:-keyhound}"
if ! command -v "$keyhound" >/dev/null 2>&1; then
	echo "pre-push: $keyhound not found: go install github.com/keyhound/keyhound@latest (or set KEYHOUND)" >&2
	exit 1
fi
remote="$1"
zero=$(git hash-object --stdin </dev/null | tr '0-9a-f' '0')
status=0
while read -r local_ref local_sha remote_ref remote_sha; do
	if [ "$local_sha" = "$zero" ]; then
		continue # a deleted branch: nothing new
	fi
	if [ "$remote_sha" != "$zero" ] && git cat-file -e "$remote_sha^{commit}" 2>/dev/null; then
		set -- --range "$remote_sha..$local_sha"
	else
		# A new branch (or a remote commit not here): from the newest commit
		# the remote already has, or the whole history if it has none.
		base=$(git rev-list --boundary "$local_sha" --not --remotes="$remote" | sed -n 's/^-//p' | head -n 1)
		if [ -n "$base" ]; then
			set -- --range "$base..$local_sha"
		else
			set -- --branch "$local_sha"
		fi
	fi
	"$keyhound" git "$@" || status=$?
done
exit $status
`,
}

// Install writes the hook of kind into repo's hooks directory. An existing
// different hook is replaced only with force, and kept as HOOK.bak. It
// returns what to tell the user.
func Install(repo, kind string, force bool) (string, error) {
	script, ok := Scripts[kind]
	if !ok {
		return "", fmt.Errorf("hook %q: want pre-commit or pre-push", kind)
	}
	dir, err := Dir(repo)
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, kind)
	var notes []string
	old, err := os.ReadFile(path)
	switch {
	case err == nil && bytes.Equal(old, []byte(script)):
		return fmt.Sprintf("%s is already installed in %s", kind, path), nil
	case err == nil && !force:
		return "", fmt.Errorf("%s already exists: keyhound does not replace it without --force (or add this line to it: %s)", path, Command(kind))
	case err == nil:
		if err := os.WriteFile(path+".bak", old, 0o755); err != nil {
			return "", fmt.Errorf("keeping the old hook: %w", err)
		}
		notes = append(notes, fmt.Sprintf("the previous %s hook is kept as %s.bak", kind, path))
	case !errors.Is(err, fs.ErrNotExist):
		return "", fmt.Errorf("%s: %w", path, unwrapPathError(err))
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("%s: %w", dir, unwrapPathError(err))
	}
	tmp := path + ".keyhound-tmp"
	if err := os.WriteFile(tmp, []byte(script), 0o755); err != nil {
		return "", fmt.Errorf("%s: %w", tmp, unwrapPathError(err))
	}
	if err := os.Chmod(tmp, 0o755); err != nil { // whatever the umask
		return "", err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("%s: %w", path, err)
	}
	notes = append(notes, fmt.Sprintf("installed %s hook %s (runs: %s)", kind, path, Command(kind)))
	return strings.Join(notes, "\nkeyhound: "), nil
}

func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Command says what a hook of kind runs.
func Command(kind string) string {
	if kind == "pre-push" {
		return "keyhound git --range <remote>..<local> for each pushed branch"
	}
	return "keyhound git --staged"
}

// Dir asks git where repo's hooks live (.git/hooks, a worktree's
// common dir, or core.hooksPath).
func Dir(repo string) (string, error) {
	if _, err := os.Stat(repo); err != nil {
		return "", fmt.Errorf("--repo %s: %w", repo, unwrapPathError(err))
	}
	out, err := exec.Command("git", "-C", repo, "rev-parse", "--git-path", "hooks").Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			msg := strings.TrimSpace(string(ee.Stderr))
			if msg == "" {
				msg = err.Error()
			}
			return "", fmt.Errorf("%s: not a git repository (%s)", repo, strings.Join(strings.Fields(msg), " "))
		}
		return "", fmt.Errorf("running git: %w", err)
	}
	dir := strings.TrimSpace(string(out))
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(repo, dir)
	}
	return dir, nil
}
