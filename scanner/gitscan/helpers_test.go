package gitscan

import (
	"context"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/keyhound/keyhound/finding"
	"github.com/keyhound/keyhound/rules"
	"github.com/keyhound/keyhound/scanner"
)

// testRules is a small rule set so the tests do not depend on the built-in rules.
const testRules = `
[[rules]]
id = "khg-token"
description = "keyhound git test token"
regex = '''\bkhg_[a-z0-9]{24}\b'''
keywords = ["khg_"]
severity = "high"
`

// token returns a generated fake token (never a real credential).
func token(seed int64) string {
	r := rand.New(rand.NewSource(seed))
	const alpha = "abcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, 24)
	for i := range b {
		b[i] = alpha[r.Intn(len(alpha))]
	}
	return "khg_" + string(b)
}

var (
	matcherOnce sync.Once
	testMatcher *scanner.Matcher
)

func matcher(t testing.TB) *scanner.Matcher {
	matcherOnce.Do(func() {
		set, _, err := rules.Load(rules.LoadOptions{Default: []byte(testRules)})
		if err != nil {
			panic(err)
		}
		testMatcher = scanner.NewMatcher(set)
	})
	return testMatcher
}

// testRepo is a repository built with the git CLI in a temporary directory.
type testRepo struct {
	t    testing.TB
	dir  string
	when int64
}

func gitEnv(home string) []string {
	env := []string{
		"HOME=" + home,
		"GIT_CONFIG_NOSYSTEM=1",
		"GIT_CONFIG_GLOBAL=" + filepath.Join(home, "gitconfig"),
		"GIT_AUTHOR_NAME=Test Author",
		"GIT_AUTHOR_EMAIL=author@example.com",
		"GIT_COMMITTER_NAME=Test Committer",
		"GIT_COMMITTER_EMAIL=committer@example.com",
		"LC_ALL=C",
		"PATH=" + os.Getenv("PATH"),
	}
	return env
}

func newTestRepo(t testing.TB) *testRepo {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	r := &testRepo{t: t, dir: filepath.Join(t.TempDir(), "repo"), when: 1700000000}
	if err := os.MkdirAll(r.dir, 0o755); err != nil {
		t.Fatal(err)
	}
	r.git("init", "-q", "-b", "main")
	r.git("config", "gc.auto", "0")
	return r
}

// packedExtent is where an object lies in its pack: [off, end), header
// included, and its type there (a delta's is the delta type).
type packedExtent struct {
	off, end int64
	typ      objType
}

// corruptPacked rewrites the pack holding the object rev names, after
// mangle has changed the pack's bytes around that object.
func (r *testRepo) corruptPacked(rev string, mangle func(data []byte, x packedExtent)) {
	r.t.Helper()
	db, err := openODB(filepath.Join(r.dir, ".git", "objects"))
	if err != nil {
		r.t.Fatal(err)
	}
	h, _ := parseHash([]byte(r.git("rev-parse", rev)))
	p, off, ok := db.locate(h)
	if !ok {
		db.close()
		r.t.Fatalf("%s is not in a pack", rev)
	}
	lay := p.layout()
	i := slices.Index(lay.offs, off)
	if i < 0 {
		db.close()
		r.t.Fatalf("%s at %d is not in its pack's layout", rev, off)
	}
	x, path := packedExtent{off: off, end: lay.ends[i], typ: lay.typ[i]}, p.path
	db.close()
	data, err := os.ReadFile(path)
	if err != nil {
		r.t.Fatal(err)
	}
	mangle(data, x)
	if err := os.Chmod(path, 0o644); err != nil {
		r.t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		r.t.Fatal(err)
	}
}

// git runs git in the repository with a fixed identity and a clock that
// moves a minute per call.
func (r *testRepo) git(args ...string) string {
	r.t.Helper()
	return runGit(r.t, r.dir, &r.when, args...)
}

func runGit(t testing.TB, dir string, when *int64, args ...string) string {
	t.Helper()
	*when += 60
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	home := filepath.Join(os.TempDir(), "keyhound-gitscan-test-home")
	_ = os.MkdirAll(home, 0o755)
	cmd.Env = append(gitEnv(home),
		fmt.Sprintf("GIT_AUTHOR_DATE=@%d +0100", *when),
		fmt.Sprintf("GIT_COMMITTER_DATE=@%d +0100", *when))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

func (r *testRepo) write(path, content string) {
	r.t.Helper()
	p := filepath.Join(r.dir, path)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		r.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		r.t.Fatal(err)
	}
}

// commit stages everything and commits; it returns the commit id.
func (r *testRepo) commit(msg string) string {
	r.t.Helper()
	r.git("add", "-A")
	r.git("commit", "-q", "--allow-empty", "-m", msg)
	return r.git("rev-parse", "HEAD")
}

// scanResult is what a scan produced.
type scanResult struct {
	findings []finding.Finding
	warnings []string
	notes    []string
	res      Result
	cnt      *scanner.Counters
	errs     []string
}

func scanRepo(t testing.TB, target string, o Options) scanResult {
	t.Helper()
	sr, err := tryScan(target, o)
	if err != nil {
		t.Fatalf("scan %s: %v", target, err)
	}
	return sr
}

func tryScan(target string, o Options) (scanResult, error) {
	return tryScanWorkers(target, o, 2)
}

func tryScanWorkers(target string, o Options, workers int) (scanResult, error) {
	var sr scanResult
	var mu sync.Mutex
	o.Warn = func(s string) { mu.Lock(); sr.warnings = append(sr.warnings, s); mu.Unlock() }
	o.Note = func(s string) { mu.Lock(); sr.notes = append(sr.notes, s); mu.Unlock() }
	sr.cnt = &scanner.Counters{}
	run := scanner.Options{Workers: workers, OnError: func(p string, err error) {
		mu.Lock()
		sr.errs = append(sr.errs, p+": "+err.Error())
		mu.Unlock()
	}}
	res, err := Scan(context.Background(), target, matcher(nil), run, sr.cnt, func(f finding.Finding) {
		sr.findings = append(sr.findings, f)
	}, o)
	sr.res = res
	finding.Sort(sr.findings)
	return sr, err
}

// secrets returns the secrets found, sorted.
func (sr scanResult) secrets() []string {
	var out []string
	for _, f := range sr.findings {
		out = append(out, f.Secret)
	}
	sort.Strings(out)
	return out
}

func (sr scanResult) bySecret(t testing.TB, secret string) finding.Finding {
	t.Helper()
	var got []finding.Finding
	for _, f := range sr.findings {
		if f.Secret == secret {
			got = append(got, f)
		}
	}
	if len(got) != 1 {
		t.Fatalf("want one finding of %s, got %d: %+v", secret, len(got), sr.findings)
	}
	return got[0]
}

func sorted(s ...string) []string {
	out := append([]string(nil), s...)
	sort.Strings(out)
	return out
}

func newRand(seed int64) *rand.Rand { return rand.New(rand.NewSource(seed)) }

// randomTrees commits n random snapshots and returns their trees: each
// commit changes 1 to maxEdits paths made of names (up to three deep),
// removing them or writing one of contents values as a file, an executable
// file or a symlink, with files and directories swapping places.
func (r *testRepo) randomTrees(rnd *rand.Rand, names []string, n, maxEdits, contents int) []string {
	r.t.Helper()
	randPath := func() string {
		p := names[rnd.Intn(len(names))]
		for d := rnd.Intn(3); d > 0; d-- {
			p += "/" + names[rnd.Intn(len(names))]
		}
		return p
	}
	var trees []string
	for c := 0; c < n; c++ {
		for k := 0; k < 1+rnd.Intn(maxEdits); k++ {
			p := filepath.Join(r.dir, randPath())
			op := rnd.Intn(10)
			if op < 2 {
				os.RemoveAll(p)
				continue
			}
			// A path may have to become a directory or a file: clear
			// whatever stands in the way.
			for d := filepath.Dir(p); d != r.dir; d = filepath.Dir(d) {
				if fi, err := os.Lstat(d); err == nil && !fi.IsDir() {
					os.Remove(d)
				}
			}
			os.RemoveAll(p)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				r.t.Fatal(err)
			}
			content := fmt.Sprintf("v%d", rnd.Intn(contents)) // equal blobs at other paths, as symlinks, and back
			var err error
			switch op {
			case 2:
				err = os.Symlink(content, p) // the same blob as a file holding content
			case 3:
				err = os.WriteFile(p, []byte(content), 0o755)
			default:
				err = os.WriteFile(p, []byte(content), 0o644)
			}
			if err != nil {
				r.t.Fatal(err)
			}
		}
		r.commit(fmt.Sprint(c))
		trees = append(trees, r.git("rev-parse", "HEAD^{tree}"))
	}
	return trees
}
