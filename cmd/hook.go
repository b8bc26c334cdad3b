package cmd

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
)

// hookScripts are the git hooks install-hook writes; docs/hooks.md shows
// them verbatim (a test keeps the two the same).
var hookScripts = map[string]string{
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

func newInstallHookCmd(env *Env) *cobra.Command {
	var (
		force     bool
		repo      string
		printOnly bool
	)
	c := &cobra.Command{
		Use:   "install-hook [pre-commit|pre-push]",
		Short: "Install a git hook that runs keyhound (default: pre-commit)",
		Long: "Write a git hook into the repository (core.hooksPath is honoured):\n" +
			"  pre-commit  keyhound git --staged: a commit that adds a secret is refused\n" +
			"  pre-push    keyhound git --range <what is being pushed>: so is a push\n" +
			"An existing hook is never replaced without --force (which keeps it as HOOK.bak).\n" +
			"The hook runs keyhound from PATH, or $KEYHOUND. --print writes the hook to standard\n" +
			"output instead, for hook managers.",
		Args:      cobra.MaximumNArgs(1),
		ValidArgs: []string{"pre-commit", "pre-push"},
		RunE: func(cmd *cobra.Command, args []string) error {
			kind := "pre-commit"
			if len(args) == 1 {
				kind = args[0]
			}
			script, ok := hookScripts[kind]
			if !ok {
				return fmt.Errorf("hook %q: want pre-commit or pre-push", kind)
			}
			if printOnly {
				_, err := fmt.Fprint(env.Stdout, script)
				return err
			}
			dir, err := hooksDir(repo)
			if err != nil {
				return err
			}
			path := filepath.Join(dir, kind)
			old, err := os.ReadFile(path)
			switch {
			case err == nil && bytes.Equal(old, []byte(script)):
				fmt.Fprintf(env.Stderr, "keyhound: %s is already installed in %s\n", kind, path)
				return nil
			case err == nil && !force:
				return fmt.Errorf("%s already exists: keyhound does not replace it without --force (or add this line to it: %s)", path, hookCommand(kind))
			case err == nil:
				if err := os.WriteFile(path+".bak", old, 0o755); err != nil {
					return fmt.Errorf("keeping the old hook: %w", err)
				}
				fmt.Fprintf(env.Stderr, "keyhound: the previous %s hook is kept as %s.bak\n", kind, path)
			case !errors.Is(err, fs.ErrNotExist):
				return fmt.Errorf("%s: %w", path, unwrapErr(err))
			}
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return fmt.Errorf("%s: %w", dir, unwrapErr(err))
			}
			tmp := path + ".keyhound-tmp"
			if err := os.WriteFile(tmp, []byte(script), 0o755); err != nil {
				return fmt.Errorf("%s: %w", tmp, unwrapErr(err))
			}
			if err := os.Chmod(tmp, 0o755); err != nil { // whatever the umask
				return err
			}
			if err := os.Rename(tmp, path); err != nil {
				os.Remove(tmp)
				return fmt.Errorf("%s: %w", path, err)
			}
			fmt.Fprintf(env.Stderr, "keyhound: installed %s hook %s (runs: %s)\n", kind, path, hookCommand(kind))
			return nil
		},
	}
	c.Flags().BoolVar(&force, "force", false, "replace an existing hook (it is kept as HOOK.bak)")
	c.Flags().StringVar(&repo, "repo", ".", "the repository")
	c.Flags().BoolVar(&printOnly, "print", false, "print the hook instead of installing it")
	return c
}

func hookCommand(kind string) string {
	if kind == "pre-push" {
		return "keyhound git --range <remote>..<local> for each pushed branch"
	}
	return "keyhound git --staged"
}

// hooksDir asks git where repo's hooks live (.git/hooks, a worktree's
// common dir, or core.hooksPath).
func hooksDir(repo string) (string, error) {
	if _, err := os.Stat(repo); err != nil {
		return "", fmt.Errorf("--repo %s: %w", repo, unwrapErr(err))
	}
	out, err := exec.Command("git", "-C", repo, "rev-parse", "--git-path", "hooks").Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			msg := strings.TrimSpace(string(ee.Stderr))
			if msg == "" {
				msg = err.Error()
			}
			return "", fmt.Errorf("%s: not a git repository (%s)", repo, oneLine(msg))
		}
		return "", fmt.Errorf("running git: %w", err)
	}
	dir := strings.TrimSpace(string(out))
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(repo, dir)
	}
	return dir, nil
}
