package cmd

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// gitTestRules is the rule file the git command tests pass with --config.
const gitTestRules = `
[[rules]]
id = "khg-token"
description = "keyhound git test token"
regex = '''\bkhg_[a-z0-9]{24}\b'''
keywords = ["khg_"]
severity = "high"
tags = ["test"]
`

// gitToken returns a generated fake token (never a real credential).
func gitToken(seed int64) string {
	r := rand.New(rand.NewSource(seed))
	const alpha = "abcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, 24)
	for i := range b {
		b[i] = alpha[r.Intn(len(alpha))]
	}
	return "khg_" + string(b)
}

type cliRepo struct {
	t    *testing.T
	dir  string
	when int64
}

func newCLIRepo(t *testing.T) *cliRepo {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	r := &cliRepo{t: t, dir: filepath.Join(t.TempDir(), "repo"), when: 1700000000}
	if err := os.MkdirAll(r.dir, 0o755); err != nil {
		t.Fatal(err)
	}
	r.git("init", "-q", "-b", "main")
	return r
}

func (r *cliRepo) git(args ...string) string {
	r.t.Helper()
	r.when += 60
	cmd := exec.Command("git", args...)
	cmd.Dir = r.dir
	home := r.t.TempDir()
	cmd.Env = []string{
		"HOME=" + home, "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=" + filepath.Join(home, "gitconfig"),
		"GIT_AUTHOR_NAME=Ada", "GIT_AUTHOR_EMAIL=ada@example.com",
		"GIT_COMMITTER_NAME=Ada", "GIT_COMMITTER_EMAIL=ada@example.com",
		fmt.Sprintf("GIT_AUTHOR_DATE=@%d +0000", r.when), fmt.Sprintf("GIT_COMMITTER_DATE=@%d +0000", r.when),
		"PATH=" + os.Getenv("PATH"),
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		r.t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

func (r *cliRepo) write(path, content string) {
	r.t.Helper()
	p := filepath.Join(r.dir, path)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		r.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		r.t.Fatal(err)
	}
}

func (r *cliRepo) commit(msg string) string {
	r.t.Helper()
	r.git("add", "-A")
	r.git("commit", "-q", "-m", msg)
	return r.git("rev-parse", "HEAD")
}

func gitRulesFile(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "rules.toml")
	if err := os.WriteFile(p, []byte(gitTestRules), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func runGitCmd(t *testing.T, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(Env{
		DefaultRules: []byte(gitTestRules),
		Version:      "test",
		Stdout:       &out,
		Stderr:       &errb,
		Getenv:       func(string) string { return "" },
	}, append([]string{"git"}, args...))
	return result{code, out.String(), errb.String()}
}

type gitJSON struct {
	Findings []struct {
		RuleID          string `json:"rule_id"`
		File            string `json:"file"`
		Line            int    `json:"line"`
		Secret          string `json:"secret"`
		Fingerprint     string `json:"fingerprint"`
		Repository      string `json:"repository"`
		Commit          string `json:"commit"`
		Author          string `json:"author"`
		Email           string `json:"email"`
		Date            string `json:"date"`
		Message         string `json:"message"`
		OccurrenceCount int    `json:"occurrence_count"`
		Occurrences     []struct {
			Commit, Path string
		} `json:"occurrences"`
		RemovedIn *struct {
			Commit string `json:"commit"`
		} `json:"removed_in"`
		PresentAtHead *bool `json:"present_at_head"`
	} `json:"findings"`
}

func parseGitJSON(t *testing.T, s string) gitJSON {
	t.Helper()
	var g gitJSON
	if err := json.Unmarshal([]byte(s), &g); err != nil {
		t.Fatalf("bad JSON: %v\n%s", err, s)
	}
	return g
}

func TestGitCommandHistory(t *testing.T) {
	r := newCLIRepo(t)
	s1, s2 := gitToken(1), gitToken(2)
	r.write("app/config.yml", "token: "+s1+"\n")
	c1 := r.commit("add config")
	r.write("app/config.yml", "token: from-vault\n")
	c2 := r.commit("remove token")
	r.write("notes.txt", "keep "+s2+"\n")
	c3 := r.commit("notes")

	res := runGitCmd(t, "--config", gitRulesFile(t), "-f", "json", r.dir)
	if res.code != 1 {
		t.Fatalf("exit %d, stderr: %s", res.code, res.stderr)
	}
	g := parseGitJSON(t, res.stdout)
	if len(g.Findings) != 2 {
		t.Fatalf("findings: %+v", g.Findings)
	}
	f := g.Findings[0] // sorted by file: app/config.yml first
	if f.File != "app/config.yml" || f.Secret != s1 || f.Commit != c1 || f.Author != "Ada" || f.Email != "ada@example.com" ||
		f.Message != "add config" || f.Date == "" || f.RemovedIn == nil || f.RemovedIn.Commit != c2 || f.PresentAtHead == nil || *f.PresentAtHead {
		t.Errorf("first finding: %+v", f)
	}
	if f.Repository != "" {
		t.Errorf("repository set for a single repository: %q", f.Repository)
	}
	f = g.Findings[1]
	if f.File != "notes.txt" || f.Commit != c3 || f.RemovedIn != nil || !*f.PresentAtHead || f.OccurrenceCount != 1 {
		t.Errorf("second finding: %+v", f)
	}
	if !strings.Contains(res.stderr, "scanned 3 commits, 3 blobs") || !strings.Contains(res.stdout, `"commits": 3`) {
		t.Errorf("stderr: %s", res.stderr)
	}

	// The text report shows the introducing commit.
	res = runGitCmd(t, "--config", gitRulesFile(t), r.dir)
	if !strings.Contains(res.stdout, "commit "+c1[:7]) || !strings.Contains(res.stdout, "app/config.yml:1:8") {
		t.Errorf("text report:\n%s", res.stdout)
	}
	// SARIF carries the provenance in result properties.
	res = runGitCmd(t, "--config", gitRulesFile(t), "-f", "sarif", r.dir)
	if !strings.Contains(res.stdout, `"commit": "`+c1+`"`) {
		t.Errorf("SARIF lacks the commit:\n%s", res.stdout)
	}
	// Redaction keeps the secret out of the report.
	res = runGitCmd(t, "--config", gitRulesFile(t), "-f", "json", "--redact", r.dir)
	if strings.Contains(res.stdout, s1) || strings.Contains(res.stdout, s2) {
		t.Errorf("--redact leaked a secret")
	}
	// A baseline of this report silences it.
	base := filepath.Join(t.TempDir(), "base.json")
	res = runGitCmd(t, "--config", gitRulesFile(t), "-f", "json", "-o", base, r.dir)
	if res.code != 1 {
		t.Fatalf("exit %d", res.code)
	}
	if res = runGitCmd(t, "--config", gitRulesFile(t), "--baseline", base, r.dir); res.code != 0 {
		t.Errorf("with baseline: exit %d\n%s", res.code, res.stdout)
	}
}

func TestGitCommandScopes(t *testing.T) {
	r := newCLIRepo(t)
	s1, s2, s3 := gitToken(11), gitToken(12), gitToken(13)
	r.write("a.txt", s1+"\n")
	c1 := r.commit("one")
	r.git("checkout", "-q", "-b", "topic")
	r.write("b.txt", s2+"\n")
	r.commit("two")
	r.git("checkout", "-q", "main")
	cfg := gitRulesFile(t)
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"range", []string{"--range", c1 + "..topic"}, []string{s2}},
		{"since-commit", []string{"--since-commit", c1, "--branch", "topic"}, []string{s2}},
		{"branch", []string{"--branch", "main"}, []string{s1}},
		{"all refs", nil, []string{s1, s2}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := runGitCmd(t, append(append([]string{"--config", cfg, "-f", "json"}, tc.args...), r.dir)...)
			var got []string
			for _, f := range parseGitJSON(t, res.stdout).Findings {
				got = append(got, f.Secret)
			}
			if strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Errorf("secrets %v, want %v (stderr %s)", got, tc.want, res.stderr)
			}
		})
	}
	// --staged: only what the index adds.
	r.write("c.txt", s3+"\n")
	r.git("add", "c.txt")
	res := runGitCmd(t, "--config", cfg, "-f", "json", "--staged", r.dir)
	g := parseGitJSON(t, res.stdout)
	if res.code != 1 || len(g.Findings) != 1 || g.Findings[0].Secret != s3 || g.Findings[0].Commit != "" {
		t.Errorf("--staged: exit %d %+v", res.code, g.Findings)
	}
}

func TestGitCommandSeveralRepositoriesAndURL(t *testing.T) {
	a, b := newCLIRepo(t), newCLIRepo(t)
	a.write("x.txt", gitToken(21)+"\n")
	a.commit("a")
	b.write("y.txt", gitToken(22)+"\n")
	b.commit("b")
	res := runGitCmd(t, "--config", gitRulesFile(t), "-f", "json", a.dir, "file://"+b.dir)
	g := parseGitJSON(t, res.stdout)
	if len(g.Findings) != 2 {
		t.Fatalf("findings %+v (stderr %s)", g.Findings, res.stderr)
	}
	repos := map[string]string{}
	for _, f := range g.Findings {
		repos[f.Repository] = f.File
	}
	if repos[a.dir] != "x.txt" || repos["file://"+b.dir] != "y.txt" {
		t.Errorf("repository fields: %v", repos)
	}
}

func TestGitCommandKeyhoundTOMLAtWorkTreeRoot(t *testing.T) {
	r := newCLIRepo(t)
	r.write("a.txt", gitToken(31)+"\n")
	r.commit("a")
	// The repository's own config replaces the default rules with one that
	// does not match: nothing is found.
	r.write(".keyhound.toml", "[[rules]]\nid = \"other\"\ndescription = \"other\"\nregex = '''zzz_[0-9]{30}'''\nkeywords = [\"zzz_\"]\n")
	if res := runGitCmd(t, "-f", "json", r.dir); res.code != 0 {
		t.Errorf("with .keyhound.toml: exit %d %s %s", res.code, res.stdout, res.stderr)
	}
	if err := os.Remove(filepath.Join(r.dir, ".keyhound.toml")); err != nil {
		t.Fatal(err)
	}
	if res := runGitCmd(t, "-f", "json", r.dir); res.code != 1 {
		t.Errorf("without .keyhound.toml: exit %d", res.code)
	}
}

func TestGitCommandDefaultRepositoryIsCurrentDirectory(t *testing.T) {
	r := newCLIRepo(t)
	r.write("a.txt", gitToken(41)+"\n")
	r.commit("a")
	t.Chdir(r.dir)
	if res := runGitCmd(t, "--config", gitRulesFile(t), "-q"); res.code != 1 || res.stderr != "" {
		t.Errorf("exit %d, stderr %q", res.code, res.stderr)
	}
}

func TestGitCommandErrors(t *testing.T) {
	r := newCLIRepo(t)
	r.write("a.txt", "a\n")
	r.commit("a")
	plain := t.TempDir()
	missing := filepath.Join(t.TempDir(), "nope")
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"missing repository", []string{missing}, missing},
		{"not a repository", []string{plain}, plain},
		{"bad range", []string{"--range", "nope..main", r.dir}, "nope"},
		{"range without dots", []string{"--range", "main", r.dir}, "A..B"},
		{"bad since-commit", []string{"--since-commit", "0123abc", r.dir}, "0123abc"},
		{"bad branch", []string{"--branch", "nope", r.dir}, "nope"},
		{"staged with range", []string{"--staged", "--range", "a..b", r.dir}, "--staged"},
		{"range with branch", []string{"--range", "a..b", "--branch", "main", r.dir}, "--range"},
		{"clone failure", []string{"file://" + missing}, missing},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := runGitCmd(t, append([]string{"--config", gitRulesFile(t)}, tc.args...)...)
			if res.code != 2 {
				t.Fatalf("exit %d, want 2 (stderr %q)", res.code, res.stderr)
			}
			lines := strings.Split(strings.TrimSpace(res.stderr), "\n")
			if len(lines) != 1 || !strings.Contains(lines[0], tc.want) {
				t.Errorf("stderr %q, want one line naming %q", res.stderr, tc.want)
			}
		})
	}
}

// TestGitCommandPreCommitHookOfCommitAll runs keyhound from a real
// pre-commit hook during "git commit -a", which stages into a temporary
// index named by $GIT_INDEX_FILE.
func TestGitCommandPreCommitHookOfCommitAll(t *testing.T) {
	r := newCLIRepo(t)
	r.write("a.txt", "a\n")
	r.commit("init")
	bin := filepath.Join(t.TempDir(), "keyhound")
	build := exec.Command("go", "build", "-o", bin, "..")
	if out, err := build.CombinedOutput(); err != nil {
		t.Skipf("cannot build keyhound: %v\n%s", err, out)
	}
	cfg := gitRulesFile(t)
	hook := filepath.Join(r.dir, ".git", "hooks", "pre-commit")
	if err := os.WriteFile(hook, []byte("#!/bin/sh\nexec "+bin+" git -q --config "+cfg+" --staged\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	r.write("a.txt", "a\n"+gitToken(51)+"\n")
	cmd := exec.Command("git", "commit", "-q", "-a", "-m", "leak")
	cmd.Dir = r.dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL="+filepath.Join(t.TempDir(), "gitconfig"),
		"GIT_AUTHOR_NAME=A", "GIT_AUTHOR_EMAIL=a@example.com", "GIT_COMMITTER_NAME=A", "GIT_COMMITTER_EMAIL=a@example.com")
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "a.txt") {
		t.Errorf("the hook did not block the commit: %v\n%s", err, out)
	}
}
