package cmd

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keyhound/keyhound/finding"
	"github.com/keyhound/keyhound/githook"
	"github.com/keyhound/keyhound/internal/testfixture"
)

// gitEnv isolates git from the user's and the system's configuration.
func gitEnv(extraPath string) []string {
	env := []string{"GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=" + os.DevNull, "HOME=" + os.TempDir(),
		"GIT_AUTHOR_NAME=Test", "GIT_AUTHOR_EMAIL=test@example.com", "GIT_COMMITTER_NAME=Test", "GIT_COMMITTER_EMAIL=test@example.com"}
	path := os.Getenv("PATH")
	if extraPath != "" {
		path = extraPath + string(os.PathListSeparator) + path
	}
	env = append(env, "PATH="+path)
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "GOCACHE=") || strings.HasPrefix(kv, "GOPATH=") || strings.HasPrefix(kv, "GOFLAGS=") || strings.HasPrefix(kv, "GOMODCACHE=") {
			env = append(env, kv)
		}
	}
	return env
}

// gitRun runs git in dir and returns its combined output and error.
func gitRun(t *testing.T, dir, extraPath string, args ...string) (string, error) {
	t.Helper()
	c := exec.Command("git", append([]string{"-C", dir}, args...)...)
	c.Env = gitEnv(extraPath)
	out, err := c.CombinedOutput()
	return string(out), err
}

func mustGit(t *testing.T, dir string, args ...string) string {
	t.Helper()
	out, err := gitRun(t, dir, "", args...)
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return out
}

func newRepo(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	dir := t.TempDir()
	mustGit(t, dir, "init", "-q", "-b", "main")
	return dir
}

func TestInstallHook(t *testing.T) {
	repo := newRepo(t)
	hook := filepath.Join(repo, ".git", "hooks", "pre-commit")
	inRepo := func(args ...string) []string {
		return append(append([]string{"install-hook"}, args...), "--repo", repo)
	}

	r := run(t, "", inRepo()...)
	if r.code != 0 || !strings.Contains(r.stderr, "installed pre-commit hook") {
		t.Fatalf("exit %d %s", r.code, r.stderr)
	}
	st, err := os.Stat(hook)
	if err != nil || st.Mode().Perm()&0o111 == 0 {
		t.Fatalf("hook not executable: %v %v", err, st)
	}
	if got := string(readFile(t, hook)); got != githook.Scripts["pre-commit"] || !strings.Contains(got, "git --staged") {
		t.Errorf("hook content:\n%s", got)
	}
	steps := []struct {
		name   string
		before func()
		args   []string
		code   int
		stderr string
	}{
		{"again: already installed", nil, inRepo(), 0, "already installed"},
		{"a hook an older keyhound wrote is brought up to date", func() {
			writeFile(t, hook, strings.Replace(githook.Scripts["pre-commit"], "git --staged", "git --staged --old", 1))
		}, inRepo(), 0, "is brought up to date"},
		{"someone else's hook is kept", func() { writeFile(t, hook, "#!/bin/sh\necho mine\n") }, inRepo("pre-commit"), 2, "already exists: keyhound does not replace it without --force"},
		{"--force replaces it and keeps a copy", nil, inRepo("--force"), 0, "kept as " + hook + ".bak"},
		{"pre-push", nil, inRepo("pre-push"), 0, "installed pre-push hook"},
		{"unknown hook", nil, inRepo("post-merge"), 2, `hook "post-merge": want pre-commit or pre-push`},
		{"not a repository", nil, []string{"install-hook", "--repo", t.TempDir()}, 2, "not a git repository"},
		{"missing directory", nil, []string{"install-hook", "--repo", filepath.Join(repo, "nope")}, 2, "no such file"},
	}
	for _, s := range steps {
		if s.before != nil {
			s.before()
		}
		r := run(t, "", s.args...)
		if r.code != s.code || !strings.Contains(r.stderr, s.stderr) {
			t.Errorf("%s: exit %d (want %d), stderr %q (want %q)", s.name, r.code, s.code, r.stderr, s.stderr)
		}
	}
	if got := string(readFile(t, hook+".bak")); got != "#!/bin/sh\necho mine\n" {
		t.Errorf("backup: %q", got)
	}
	if string(readFile(t, hook)) != githook.Scripts["pre-commit"] {
		t.Errorf("--force did not install the hook")
	}
	if string(readFile(t, filepath.Join(repo, ".git", "hooks", "pre-push"))) != githook.Scripts["pre-push"] {
		t.Errorf("pre-push hook not written")
	}

	// core.hooksPath is where git looks, so that is where it goes.
	mustGit(t, repo, "config", "core.hooksPath", ".githooks")
	if r := run(t, "", inRepo()...); r.code != 0 {
		t.Fatalf("hooksPath: exit %d %s", r.code, r.stderr)
	}
	if string(readFile(t, filepath.Join(repo, ".githooks", "pre-commit"))) != githook.Scripts["pre-commit"] {
		t.Errorf("core.hooksPath not honoured")
	}
	if r := run(t, "", "install-hook", "pre-push", "--print"); r.code != 0 || r.stdout != githook.Scripts["pre-push"] {
		t.Errorf("--print: exit %d %q", r.code, r.stdout)
	}
}

// TestHookDocs keeps docs/hooks.md showing the hooks install-hook writes.
func TestHookDocs(t *testing.T) {
	doc := string(readFile(t, "../docs/hooks.md"))
	for kind, script := range githook.Scripts {
		if !strings.Contains(doc, "```sh\n"+script+"```") {
			t.Errorf("docs/hooks.md does not show the %s hook as install-hook writes it", kind)
		}
	}
}

// TestHookBlocksCommit installs the hooks with the keyhound binary into a
// real repository and checks that git refuses a commit, then a push, that
// adds a secret, and lets clean ones and ignored secrets through.
func TestHookBlocksCommit(t *testing.T) {
	bin := filepath.Dir(keyhoundBinary(t))
	repo := newRepo(t)
	kh := func(dir, stdin string, args ...string) (string, error) {
		c := exec.Command(filepath.Join(bin, "keyhound"), args...)
		c.Dir = dir
		c.Env = gitEnv(bin)
		c.Stdin = strings.NewReader(stdin)
		out, err := c.CombinedOutput()
		return string(out), err
	}
	git := func(args ...string) (string, error) { return gitRun(t, repo, bin, args...) }
	// The repository's own rules: a test token (no examples, which would be findings here).
	writeFile(t, filepath.Join(repo, ".keyhound.toml"), "[[rules]]\nid = \"kh-test-token\"\nregex = '''\\bkhtok_[a-z0-9]{24}\\b'''\nkeywords = [\"khtok_\"]\nseverity = \"high\"\n")
	writeFile(t, filepath.Join(repo, "README.md"), "# project\n")
	mustGit(t, repo, "add", ".")
	if out, err := kh(repo, "", "install-hook"); err != nil {
		t.Fatalf("install-hook: %v %s", err, out)
	}
	if out, err := git("commit", "-q", "-m", "clean"); err != nil {
		t.Fatalf("clean commit refused: %v\n%s", err, out)
	}

	secret := token(60)
	writeFile(t, filepath.Join(repo, "config.env"), "API_TOKEN="+secret+"\n")
	mustGit(t, repo, "add", "config.env")
	out, err := git("commit", "-q", "-m", "add config")
	if err == nil {
		t.Fatalf("the pre-commit hook let a secret through:\n%s", out)
	}
	if !strings.Contains(out, "config.env:1:11: kh-test-token") || strings.Contains(out, secret) {
		t.Errorf("hook output:\n%s", out)
	}
	if n := strings.TrimSpace(mustGit(t, repo, "rev-list", "--count", "HEAD")); n != "1" {
		t.Errorf("%s commits, want 1", n)
	}

	// Once the secret is in .keyhoundignore (by hash), the commit goes through.
	if out, err := kh(repo, secret, "ignore", "add", "--secret-stdin", "--reason", "test fixture"); err != nil {
		t.Fatalf("ignore add: %v %s", err, out)
	}
	mustGit(t, repo, "add", ".keyhoundignore")
	if out, err := git("commit", "-q", "-m", "add config"); err != nil {
		t.Fatalf("an ignored secret blocks the commit: %v\n%s", err, out)
	}

	// pre-push: a new secret committed with --no-verify is stopped at the push.
	remote := t.TempDir()
	mustGit(t, remote, "init", "-q", "--bare")
	mustGit(t, repo, "remote", "add", "origin", remote)
	if out, err := kh(repo, "", "install-hook", "pre-push"); err != nil {
		t.Fatalf("install-hook pre-push: %v %s", err, out)
	}
	if out, err := git("push", "-q", "origin", "main"); err != nil {
		t.Fatalf("first push (new branch, ignored secret only) refused: %v\n%s", err, out)
	}
	writeFile(t, filepath.Join(repo, "deploy.sh"), "export T="+token(61)+"\n")
	mustGit(t, repo, "add", "deploy.sh")
	mustGit(t, repo, "commit", "-q", "--no-verify", "-m", "deploy")
	if out, err := git("push", "-q", "origin", "main"); err == nil || !strings.Contains(out, "deploy.sh:1:10: kh-test-token") ||
		!strings.Contains(out, "keyhound: the push is refused: the pushed commits add 1 finding (above)") || !strings.Contains(out, "git push --no-verify") {
		t.Fatalf("the pre-push hook let a secret through: %v\n%s", err, out)
	}
	if got := strings.TrimSpace(mustGit(t, remote, "rev-list", "--count", "main")); got != "2" {
		t.Errorf("remote has %s commits, want 2", got)
	}

	// A new branch is scanned from what the remote already has: the old
	// (ignored) history does not matter, a new secret does.
	mustGit(t, repo, "checkout", "-q", "-b", "feature", "origin/main")
	writeFile(t, filepath.Join(repo, "notes.txt"), "nothing secret\n")
	mustGit(t, repo, "add", "notes.txt")
	if out, err := git("commit", "-q", "-m", "notes"); err != nil {
		t.Fatalf("clean commit refused: %v\n%s", err, out)
	}
	if out, err := git("push", "-q", "origin", "feature"); err != nil {
		t.Fatalf("clean new branch refused: %v\n%s", err, out)
	}
	mustGit(t, repo, "checkout", "-q", "-b", "feature2", "origin/main")
	writeFile(t, filepath.Join(repo, "ci.yml"), "token: "+token(62)+"\n")
	mustGit(t, repo, "add", "ci.yml")
	mustGit(t, repo, "commit", "-q", "--no-verify", "-m", "ci")
	if out, err := git("push", "-q", "origin", "feature2"); err == nil || !strings.Contains(out, "ci.yml:1:8: kh-test-token") {
		t.Fatalf("a new branch with a secret was pushed: %v\n%s", err, out)
	}
}

// TestHookWithoutKeyhoundOnPath installs the pre-commit hook from a keyhound
// that is not on PATH (unpacked into some directory): the hook runs it by
// its absolute path, refuses a commit adding a token with the finding's
// fingerprint and how to proceed, and lets a clean commit through.
func TestHookWithoutKeyhoundOnPath(t *testing.T) {
	bin := keyhoundBinary(t)
	repo := newRepo(t)
	gitPath, err := exec.LookPath("git")
	if err != nil {
		t.Skip("git is not installed")
	}
	path := filepath.Dir(gitPath) + string(os.PathListSeparator) + "/usr/bin" + string(os.PathListSeparator) + "/bin"
	for _, d := range filepath.SplitList(path) {
		if _, err := os.Stat(filepath.Join(d, "keyhound")); err == nil {
			t.Skipf("keyhound is installed in %s", d)
		}
	}
	env := []string{"PATH=" + path}
	for _, kv := range gitEnv("") {
		if !strings.HasPrefix(kv, "PATH=") {
			env = append(env, kv)
		}
	}
	runIn := func(name string, args ...string) (string, error) {
		c := exec.Command(name, args...)
		c.Dir = repo
		c.Env = env
		out, err := c.CombinedOutput()
		return string(out), err
	}

	out, err := runIn(bin, "install-hook")
	if err != nil || !strings.Contains(out, "keyhound is not on PATH: the hook runs "+bin) {
		t.Fatalf("install-hook: %v\n%s", err, out)
	}
	writeFile(t, filepath.Join(repo, "README.md"), "# project\n")
	if out, err := runIn("git", "add", "README.md"); err != nil {
		t.Fatal(out)
	}
	if out, err := runIn("git", "commit", "-q", "-m", "clean"); err != nil {
		t.Fatalf("a clean commit was refused: %v\n%s", err, out)
	}

	secret := testfixture.GitHubToken("ghp_", "q7Zt2LmX9vB4nR8sK1wE6yU3oP5aD0")
	writeFile(t, filepath.Join(repo, "deploy.env"), "GITHUB_TOKEN="+secret+"\n")
	if out, err := runIn("git", "add", "deploy.env"); err != nil {
		t.Fatal(out)
	}
	out, err = runIn("git", "commit", "-q", "-m", "deploy")
	if err == nil {
		t.Fatalf("the hook let a GitHub token through:\n%s", out)
	}
	fp := finding.Fingerprint("github-pat", secret, "deploy.env")
	for _, want := range []string{
		"deploy.env:1:14: github-pat",
		"    fingerprint " + fp + "\n",
		"keyhound: the commit is refused: the staged changes add 1 finding (above). To proceed:",
		"keyhound:allow",
		"keyhound ignore add FINGERPRINT --reason",
		"git commit --no-verify",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the refused commit's output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, secret) || strings.Contains(out, "not found") {
		t.Errorf("hook output:\n%s", out)
	}

	// The way out it names works: the fingerprint into .keyhoundignore.
	if out, err := runIn(bin, "ignore", "add", fp, "--reason", "test value"); err != nil {
		t.Fatalf("ignore add: %v\n%s", err, out)
	}
	if out, err := runIn("git", "add", ".keyhoundignore"); err != nil {
		t.Fatal(out)
	}
	if out, err := runIn("git", "commit", "-q", "-m", "deploy"); err != nil {
		t.Fatalf("an ignored finding still refuses the commit: %v\n%s", err, out)
	}
}
