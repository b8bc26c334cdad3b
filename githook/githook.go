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
	echo "pre-commit: $keyhound not found: go install github.com/keyhound/keyhound@latest (or set KEYHOUND);" >&2
	echo "pre-commit: to commit without the check, at your own risk: git commit --no-verify" >&2
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
	echo "pre-push: $keyhound not found: go install github.com/keyhound/keyhound@latest (or set KEYHOUND);" >&2
	echo "pre-push: to push without the check, at your own risk: git push --no-verify" >&2
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
	"$keyhound" git --hook pre-push "$@" || status=$?
done
exit $status
`,
}

// programLine is the line of every script that names the keyhound to run;
// Script replaces its default.
const programLine = `keyhound="${KEYHOUND:-keyhound}"`

// Script is the hook of kind running program ("" or "keyhound": the keyhound
// on PATH; or an absolute path), always overridden by $KEYHOUND.
func Script(kind, program string) (string, error) {
	script, ok := Scripts[kind]
	if !ok {
		return "", fmt.Errorf("hook %q: want pre-commit or pre-push", kind)
	}
	if program == "" || program == "keyhound" {
		return script, nil
	}
	if !Embeddable(program) {
		return "", fmt.Errorf("%q: a hook cannot name this program (not an absolute path, or it holds a character the shell would interpret)", program)
	}
	return strings.Replace(script, programLine, `keyhound="${KEYHOUND:-`+program+`}"`, 1), nil
}

// Embeddable reports whether path can be written into a hook as the
// program to run: absolute and free of characters that the shell would
// interpret inside "${KEYHOUND:-...}".
func Embeddable(path string) bool {
	return filepath.IsAbs(path) && !strings.ContainsAny(path, "\"$`\\}'\n\r")
}

// Options say how Install writes a hook.
type Options struct {
	Force   bool   // replace someone else's hook (kept as HOOK.bak)
	Program string // the keyhound the hook runs (see Script)
}

// Install writes the hook of kind into repo's hooks directory. A hook
// keyhound wrote earlier is brought up to date; someone else's is replaced
// only with Force, and kept as HOOK.bak. It returns what to tell the user.
func Install(repo, kind string, opts Options) (string, error) {
	script, err := Script(kind, opts.Program)
	if err != nil {
		return "", err
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
	case err == nil && ours(old, kind):
		notes = append(notes, fmt.Sprintf("the keyhound %s hook in %s is brought up to date", kind, path))
	case err == nil && !opts.Force:
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

// ours reports whether hook is one keyhound install-hook wrote (any version).
func ours(hook []byte, kind string) bool {
	return bytes.HasPrefix(hook, []byte("#!/bin/sh\n# keyhound "+kind+" hook (written by keyhound install-hook "+kind+")."))
}

// Refused is what keyhound says on stderr when findings refuse a commit
// (kind "pre-commit") or a push ("pre-push"), and how to proceed; "" for
// another kind.
func Refused(kind string, findings string) string {
	var what, fix, skip string
	switch kind {
	case "pre-commit":
		what = "the commit is refused: the staged changes add " + findings
		fix = "remove the secret (and revoke it if it is real), git add, and commit again"
		skip = "git commit --no-verify"
	case "pre-push":
		what = "the push is refused: the pushed commits add " + findings
		fix = "revoke the secret if it is real and remove it from those commits (git commit --amend, git rebase -i), then push again"
		skip = "git push --no-verify"
	default:
		return ""
	}
	return "keyhound: " + what + " (above). To proceed:\n" +
		"  - " + fix + ";\n" +
		"  - a false positive or a test value: add the comment keyhound:allow on its line, or list it in .keyhoundignore:\n" +
		"      keyhound ignore add FINGERPRINT --reason \"why it is safe\"   (FINGERPRINT: the one shown under the finding)\n" +
		"  - or skip the check once, at your own risk: " + skip + "\n"
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
